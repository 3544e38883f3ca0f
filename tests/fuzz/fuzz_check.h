#pragma once

// What the fuzz targets share: a broken property is reported like a crash (libFuzzer keeps the input),
// and the checks every parser result gets.

#include "core/common/aws_error.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QTimeZone>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace RoleDrop::Fuzz {

[[noreturn]] inline void fail(const char *file, int line, const char *condition, const QString &detail)
{
    std::fprintf(stderr, "\n%s:%d: property broken: %s\n  %s\n", file, line, condition, qPrintable(detail));
    std::fflush(stderr);
    std::abort();
}

// libFuzzer's bytes as a QByteArray without a copy (and without a terminating NUL, so ASan sees a parser that
// reads past the end): the parsers take const QByteArray &.
inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
}

// UTC however Qt spells it (Qt::UTC, or the UTC time zone), never local time that merely is UTC here.
inline bool isUtc(const QDateTime &time)
{
    if (!time.isValid())
        return false;
    switch (time.timeSpec()) {
    case Qt::UTC:
        return true;
    case Qt::OffsetFromUTC:
        return time.offsetFromUtc() == 0;
    case Qt::TimeZone:
        return time.timeZone() == QTimeZone::utc();
    case Qt::LocalTime:
        return false;
    }
    return false;
}

// bytes with the letters and digits of [from, to) rotated (ROT13, digits by 5): the same length and the same
// kinds of characters, so a parser takes the same path. When a message shows a value of the input, it is
// quoting it only if the message for the rotated input shows the rotated value: otherwise the message's own
// words merely contain the same text. Both texts must occur only there (occursOnlyAt), or the document
// could hold them elsewhere, in an element name the message may show.
inline QByteArray rotated(QByteArray bytes, qsizetype from, qsizetype to)
{
    for (qsizetype i = from; i < to; ++i) {
        const char c = bytes.at(i);
        if (c >= 'A' && c <= 'Z')
            bytes[i] = char('A' + (c - 'A' + 13) % 26);
        else if (c >= 'a' && c <= 'z')
            bytes[i] = char('a' + (c - 'a' + 13) % 26);
        else if (c >= '0' && c <= '9')
            bytes[i] = char('0' + (c - '0' + 5) % 10);
    }
    return bytes;
}

inline bool occursOnlyAt(const QByteArray &bytes, const QByteArray &text, qsizetype at)
{
    for (qsizetype found = bytes.indexOf(text); found >= 0; found = bytes.indexOf(text, found + 1)) {
        if (found != at)
            return false;
    }
    return true;
}

// Where each line of an INI file starts and ends, [from, to), as parseIni counts them: after a UTF-8 BOM,
// '\n' ends a line and a '\r' before it is not part of it. Line N is element N - 1.
inline QList<std::pair<qsizetype, qsizetype>> iniLineSpans(const QByteArray &content)
{
    QList<std::pair<qsizetype, qsizetype>> spans;
    qsizetype from = content.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    while (from < content.size()) {
        qsizetype to = content.indexOf('\n', from);
        const qsizetype next = to < 0 ? content.size() : to + 1;
        if (to < 0)
            to = content.size();
        if (to > from && content.at(to - 1) == '\r')
            --to;
        spans.append({from, to});
        from = next;
    }
    return spans;
}

} // namespace RoleDrop::Fuzz

// FUZZ_CHECK(condition, detail): detail is a QString saying what was seen.
#define FUZZ_CHECK(condition, detail)                                                                          \
    do {                                                                                                       \
        if (!(condition))                                                                                      \
            ::RoleDrop::Fuzz::fail(__FILE__, __LINE__, #condition, (detail));                                  \
    } while (false)

namespace RoleDrop::Fuzz {

// Every failed Outcome carries a real error, and its message for people is one line without control
// characters, whatever the server sent (the CLI prints it to a terminal).
inline void checkError(const AwsError &error, const char *what)
{
    FUZZ_CHECK(error.isError(), QStringLiteral("%1 failed with kind None: %2").arg(QLatin1String(what), error.message));
    const QString line = error.userMessage();
    FUZZ_CHECK(!line.isEmpty(), QStringLiteral("%1: empty user message").arg(QLatin1String(what)));
    for (const QChar c : line)
        FUZZ_CHECK(c.category() != QChar::Other_Control,
                   QStringLiteral("%1: control character U+%2 in the user message")
                       .arg(QLatin1String(what)).arg(c.unicode(), 4, 16, QLatin1Char('0')));
}

} // namespace RoleDrop::Fuzz
