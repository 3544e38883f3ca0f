#include "core/auth/ini_parser.h"

#include <QFile>
#include <QFileInfo>

namespace RoleDrop::Auth {

namespace {

constexpr qint64 kMaxFileSize = 16 * 1024 * 1024;

bool isBlank(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t');
}

int indentOf(const QString &line)
{
    int i = 0;
    while (i < line.size() && isBlank(line.at(i)))
        ++i;
    return i;
}

// A '#' or ';' only starts a comment after whitespace, so "abc#def" stays a value.
QString withoutInlineComment(const QString &value)
{
    for (int i = 1; i < value.size(); ++i) {
        const QChar c = value.at(i);
        if ((c == QLatin1Char('#') || c == QLatin1Char(';')) && isBlank(value.at(i - 1)))
            return value.left(i);
    }
    return value;
}

bool isCommentLine(const QString &trimmed)
{
    return trimmed.startsWith(QLatin1Char('#')) || trimmed.startsWith(QLatin1Char(';'));
}

class Parser
{
public:
    explicit Parser(const QString &file) { m_doc.file = file; }

    void line(const QString &raw, int number)
    {
        const QString trimmed = raw.trimmed();
        if (trimmed.isEmpty() || isCommentLine(trimmed))
            return;
        const int indent = indentOf(raw);
        if (indent > 0 && !m_lastKey.isEmpty() && indent > m_lastKeyIndent) {
            continuation(trimmed, number);
            return;
        }
        if (trimmed.startsWith(QLatin1Char('[')))
            header(trimmed, number);
        else
            property(trimmed, indent, number);
    }

    IniDocument take() { return std::move(m_doc); }

private:
    void problem(int number, const QString &message) { m_doc.problems.append({m_doc.file, number, message}); }

    void header(const QString &trimmed, int number)
    {
        m_lastKey.clear();
        m_current = kSkipping;
        const int close = trimmed.indexOf(QLatin1Char(']'));
        if (close < 0) {
            problem(number, QStringLiteral("section header has no closing ']'; its keys are ignored"));
            return;
        }
        const QString name = trimmed.mid(1, close - 1).trimmed();
        if (name.isEmpty()) {
            problem(number, QStringLiteral("empty section name '[]'; its keys are ignored"));
            return;
        }
        const QString rest = trimmed.mid(close + 1).trimmed();
        if (!rest.isEmpty() && !isCommentLine(rest))
            problem(number, QStringLiteral("unexpected text after ']' of [%1]; it is ignored").arg(name));
        for (int i = 0; i < m_doc.sections.size(); ++i) {
            if (m_doc.sections.at(i).header == name) {
                problem(number, QStringLiteral("section [%1] appears again (first at line %2); its keys are merged and later values win")
                                    .arg(name)
                                    .arg(m_doc.sections.at(i).line));
                m_current = i;
                return;
            }
        }
        IniSection section;
        section.header = name;
        section.line = number;
        m_doc.sections.append(section);
        m_current = m_doc.sections.size() - 1;
    }

    void property(const QString &trimmed, int indent, int number)
    {
        m_lastKey.clear();
        const int eq = trimmed.indexOf(QLatin1Char('='));
        if (eq < 0) {
            problem(number, QStringLiteral("line is neither '[section]' nor 'key = value'; it is ignored"));
            return;
        }
        const QString key = trimmed.left(eq).trimmed().toLower();
        if (key.isEmpty()) {
            problem(number, QStringLiteral("'=' without a key name before it; the line is ignored"));
            return;
        }
        if (m_current == kNoSection) {
            problem(number, QStringLiteral("'key = value' before any [section]; it is ignored"));
            return;
        }
        if (m_current == kSkipping)
            return; // the broken header above was already reported
        IniSection &section = m_doc.sections[m_current];
        const auto existing = section.properties.constFind(key);
        if (existing != section.properties.cend())
            problem(number, QStringLiteral("key '%1' in [%2] is set again (first at line %3); the later value wins")
                                .arg(key, section.header)
                                .arg(existing->line));
        section.properties.insert(key, {withoutInlineComment(trimmed.mid(eq + 1)).trimmed(), number});
        section.subSections.remove(key);
        m_lastKey = key;
        m_lastKeyIndent = indent;
    }

    void continuation(const QString &trimmed, int number)
    {
        if (m_current < 0)
            return;
        IniSection &section = m_doc.sections[m_current];
        IniValue &owner = section.properties[m_lastKey];
        if (owner.value.isEmpty() || section.subSections.contains(m_lastKey)) {
            // A nested block: only 'k = v' lines mean anything there; botocore keeps one level.
            const int eq = trimmed.indexOf(QLatin1Char('='));
            const QString key = eq < 0 ? QString() : trimmed.left(eq).trimmed().toLower();
            if (!key.isEmpty())
                section.subSections[m_lastKey].insert(key, {withoutInlineComment(trimmed.mid(eq + 1)).trimmed(), number});
            else
                section.subSections[m_lastKey]; // still a block, so later lines stay nested
            return;
        }
        owner.value += QLatin1Char('\n') + withoutInlineComment(trimmed).trimmed();
    }

    static constexpr int kNoSection = -1;
    static constexpr int kSkipping = -2;

    IniDocument m_doc;
    int m_current = kNoSection;
    QString m_lastKey;
    int m_lastKeyIndent = 0;
};

} // namespace

QString IniProblem::toString() const
{
    return line > 0 ? QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(message) : QStringLiteral("%1: %2").arg(file, message);
}

IniDocument parseIni(const QByteArray &content, const QString &fileName)
{
    Parser parser(fileName);
    QByteArrayView rest(content);
    if (rest.startsWith("\xEF\xBB\xBF"))
        rest = rest.sliced(3);
    int number = 0;
    while (!rest.isEmpty()) {
        ++number;
        const qsizetype newline = rest.indexOf('\n');
        QByteArrayView line = newline < 0 ? rest : rest.first(newline);
        rest = newline < 0 ? QByteArrayView() : rest.sliced(newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        parser.line(QString::fromUtf8(line), number);
    }
    return parser.take();
}

IniDocument readIniFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        IniDocument empty;
        empty.file = path;
        return empty;
    }
    auto failure = [&](const QString &message) {
        IniDocument doc;
        doc.file = path;
        doc.problems.append({path, 0, message});
        return doc;
    };
    if (info.isDir())
        return failure(QStringLiteral("is a directory, not a file"));
    if (info.size() > kMaxFileSize)
        return failure(QStringLiteral("is larger than 16 MiB; not read"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(QStringLiteral("cannot be read: %1").arg(file.errorString()));
    return parseIni(file.read(kMaxFileSize + 1), path);
}

} // namespace RoleDrop::Auth
