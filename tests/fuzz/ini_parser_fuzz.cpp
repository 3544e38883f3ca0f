// libFuzzer target for core/auth/ini_parser (parseIni, the dialect of ~/.aws/config and credentials): the
// input is the file. Besides not crashing: sections are unique, named and pinned to real lines, keys are
// lower-cased and named, and a problem about a line never quotes that line (it may be a secret key).

#include "core/auth/ini_parser.h"

#include "fuzz_check.h"

#include <QSet>

using namespace RoleDrop;
using namespace RoleDrop::Auth;

namespace {

const QString kFile = QStringLiteral("fuzz.ini");

void checkLine(int line, int lines, bool zeroAllowed, const QString &what)
{
    FUZZ_CHECK(line >= (zeroAllowed ? 0 : 1) && line <= lines, QStringLiteral("%1 on line %2 of %3").arg(what).arg(line).arg(lines));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray content = Fuzz::bytes(data, size);
    const IniDocument doc = parseIni(content, kFile);
    const auto spans = Fuzz::iniLineSpans(content);
    const int lines = int(spans.size());

    FUZZ_CHECK(doc.file == kFile, doc.file);
    QSet<QString> headers;
    for (const IniSection &section : doc.sections) {
        FUZZ_CHECK(!section.header.isEmpty() && section.header == section.header.trimmed(), QStringLiteral("header '%1'").arg(section.header));
        FUZZ_CHECK(!headers.contains(section.header), QStringLiteral("[%1] twice: repeated headers are merged").arg(section.header));
        headers.insert(section.header);
        checkLine(section.line, lines, false, QStringLiteral("[%1]").arg(section.header));
        for (auto it = section.properties.cbegin(); it != section.properties.cend(); ++it) {
            FUZZ_CHECK(!it.key().isEmpty() && it.key() == it.key().trimmed(), QStringLiteral("key '%1'").arg(it.key()));
            FUZZ_CHECK(it.key() == it.key().toLower(), QStringLiteral("key '%1' is not lower-case").arg(it.key()));
            checkLine(it->line, lines, false, QStringLiteral("key %1").arg(it.key()));
        }
        for (auto block = section.subSections.cbegin(); block != section.subSections.cend(); ++block) {
            for (auto it = block->cbegin(); it != block->cend(); ++it) {
                FUZZ_CHECK(!it.key().isEmpty() && it.key() == it.key().toLower(), QStringLiteral("sub-key '%1'").arg(it.key()));
                checkLine(it->line, lines, false, QStringLiteral("sub-key %1").arg(it.key()));
            }
        }
    }

    for (const IniProblem &problem : doc.problems) {
        FUZZ_CHECK(problem.file == kFile && !problem.message.isEmpty(), problem.toString());
        checkLine(problem.line, lines, true, QStringLiteral("problem '%1'").arg(problem.message));
        if (problem.line == 0)
            continue;
        // A line that is neither a header nor 'key = value' may be a pasted secret: its problem must not
        // quote it. A line that merely matches the message's own words is told apart by rotating it.
        const auto [from, to] = spans.at(problem.line - 1);
        const QByteArray raw = content.mid(from, to - from);
        const QString text = QString::fromUtf8(raw).trimmed();
        if (text.size() < 8 || raw.contains('=') || text.startsWith(QLatin1Char('[')) || !problem.message.contains(text))
            continue;
        const QByteArray other = Fuzz::rotated(content, from, to);
        const QString otherText = QString::fromUtf8(other.mid(from, to - from)).trimmed();
        const QByteArray textBytes = text.toUtf8(), otherBytes = otherText.toUtf8();
        if (otherText == text || !Fuzz::occursOnlyAt(content, textBytes, content.indexOf(textBytes, from))
            || !Fuzz::occursOnlyAt(other, otherBytes, other.indexOf(otherBytes, from)))
            continue;
        for (const IniProblem &otherProblem : parseIni(other, kFile).problems)
            FUZZ_CHECK(!otherProblem.message.contains(otherText), QStringLiteral("a problem quotes its line: %1").arg(otherProblem.toString()));
    }
    return 0;
}
