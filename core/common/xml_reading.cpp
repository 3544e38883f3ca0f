#include "core/common/xml_reading.h"

#include <QRegularExpression>

#include <algorithm>
#include <limits>

namespace RoleDrop {

namespace {

constexpr qsizetype maxQuotedLength = 60;

// Qt's XML error strings may quote a few characters of the document ("Unexpected 'x'."): in a
// document that holds credentials those characters could be part of a secret.
QString withoutQuotedText(QString message)
{
    static const QRegularExpression quotedBits(QStringLiteral("'[^']*'"));
    return message.replace(quotedBits, QStringLiteral("'\u2026'"));
}

QString describeXmlError(const QXmlStreamReader &xml, bool holdsSecrets)
{
    switch (xml.error()) {
    case QXmlStreamReader::NoError:
        return QStringLiteral("unknown problem");
    case QXmlStreamReader::CustomError:
        return xml.errorString();
    case QXmlStreamReader::PrematureEndOfDocumentError:
        return QStringLiteral("the document ends too early (truncated body?)");
    default: {
        QString text = xml.errorString();
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
        if (holdsSecrets)
            text = withoutQuotedText(text);
        return QStringLiteral("not well-formed XML: %1").arg(text);
    }
    }
}

bool readDigits(QStringView text, qsizetype pos, int count, int &value)
{
    if (pos + count > text.size())
        return false;
    value = 0;
    for (qsizetype i = pos; i < pos + count; ++i) {
        const QChar c = text[i];
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
        value = value * 10 + (c.unicode() - '0');
    }
    return true;
}

bool isChar(QStringView text, qsizetype pos, char expected)
{
    return pos < text.size() && text[pos] == QLatin1Char(expected);
}

} // namespace

XmlResponseReader::XmlResponseReader(const QByteArray &body, const QString &documentName, Content content)
    : m_xml(body)
    , m_documentName(documentName)
    , m_content(content)
{
    m_emptyBody = std::all_of(body.cbegin(), body.cend(), [](char c) { return QChar::isSpace(uchar(c)); });
    // Defence in depth: DTDs are refused in readRoot(), but should one ever get through, Qt's
    // own limit on entity expansion (4096 characters by default) is made stricter still.
    m_xml.setEntityExpansionLimit(0);
}

bool XmlResponseReader::readRoot()
{
    if (m_emptyBody) {
        fail(QStringLiteral("the body is empty"));
        return false;
    }
    while (!m_xml.atEnd()) {
        switch (m_xml.readNext()) {
        case QXmlStreamReader::StartElement:
            return true;
        case QXmlStreamReader::DTD:
            fail(QStringLiteral("a DOCTYPE is not allowed in an AWS response"));
            return false;
        case QXmlStreamReader::EntityReference:
            fail(QStringLiteral("an unresolved entity reference before the root element"));
            return false;
        case QXmlStreamReader::Invalid:
            return false;
        default:
            break; // XML declaration, comments, processing instructions, whitespace
        }
    }
    if (!hasError())
        fail(QStringLiteral("there is no root element"));
    return false;
}

bool XmlResponseReader::expectRoot(QStringView expected)
{
    if (hasError())
        return false;
    if (!isNamed(expected)) {
        fail(QStringLiteral("the root element is <%1>, expected <%2>").arg(name().toString(), expected.toString()));
        return false;
    }
    return true;
}

bool XmlResponseReader::rootIsErrorDocument() const
{
    return !hasError() && (isNamed(u"Error") || isNamed(u"ErrorResponse"));
}

bool XmlResponseReader::readNextChild()
{
    return m_xml.readNextStartElement();
}

QString XmlResponseReader::readText(Whitespace whitespace)
{
    const QString element = name().toString();
    QString text;
    while (!m_xml.atEnd()) {
        switch (m_xml.readNext()) {
        case QXmlStreamReader::Characters:
            text += m_xml.text();
            break;
        case QXmlStreamReader::EndElement:
            return whitespace == Whitespace::Trim ? text.trimmed() : text;
        case QXmlStreamReader::Comment:
        case QXmlStreamReader::ProcessingInstruction:
            break;
        case QXmlStreamReader::StartElement:
            // In a document with secrets, an element name inside a value could be part of the value.
            fail(m_content == Content::HoldsSecrets
                     ? QStringLiteral("unexpected element inside <%1>").arg(element)
                     : QStringLiteral("unexpected element <%1> inside <%2>").arg(name().toString(), element));
            return QString();
        case QXmlStreamReader::Invalid:
            return QString();
        default:
            fail(QStringLiteral("unexpected content inside <%1>").arg(element));
            return QString();
        }
    }
    return QString();
}

void XmlResponseReader::skipElement()
{
    m_xml.skipCurrentElement();
}

bool XmlResponseReader::once(bool &seen)
{
    if (seen) {
        fail(QStringLiteral("<%1> appears more than once").arg(name().toString()));
        return false;
    }
    seen = true;
    return true;
}

std::optional<qint64> XmlResponseReader::readNonNegativeInt64(const QString &what)
{
    const QString text = readText();
    if (hasError())
        return std::nullopt;
    const auto value = parseNonNegativeInt64(text);
    if (!value)
        fail(QStringLiteral("%1 %2is not a non-negative 64-bit whole number").arg(what, quoted(text)));
    return value;
}

std::optional<int> XmlResponseReader::readNonNegativeInt(const QString &what)
{
    const QString text = readText();
    if (hasError())
        return std::nullopt;
    const auto value = parseNonNegativeInt64(text);
    if (!value || *value > std::numeric_limits<int>::max()) {
        fail(QStringLiteral("%1 %2is not a non-negative whole number").arg(what, quoted(text)));
        return std::nullopt;
    }
    return int(*value);
}

std::optional<bool> XmlResponseReader::readBool(const QString &what)
{
    const QString text = readText();
    if (hasError())
        return std::nullopt;
    if (text.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0)
        return true;
    if (text.compare(QLatin1String("false"), Qt::CaseInsensitive) == 0)
        return false;
    fail(QStringLiteral("%1 %2is neither true nor false").arg(what, quoted(text)));
    return std::nullopt;
}

QDateTime XmlResponseReader::readTimestamp(const QString &what)
{
    const QString text = readText();
    if (hasError())
        return QDateTime();
    const QDateTime time = parseIso8601Utc(text);
    if (!time.isValid())
        fail(QStringLiteral("%1 %2is not an ISO 8601 time with a time zone").arg(what, quoted(text)));
    return time;
}

bool XmlResponseReader::readToEnd()
{
    while (!hasError() && !m_xml.atEnd())
        m_xml.readNext();
    return !hasError();
}

void XmlResponseReader::fail(const QString &problem)
{
    if (!hasError())
        m_xml.raiseError(problem);
}

AwsError XmlResponseReader::error() const
{
    QString message = QStringLiteral("Cannot read the %1 response: %2")
                          .arg(m_documentName, describeXmlError(m_xml, m_content == Content::HoldsSecrets));
    if (!m_emptyBody)
        message += QStringLiteral(" (line %1, column %2)").arg(m_xml.lineNumber()).arg(m_xml.columnNumber());
    return AwsError::local(AwsErrorKind::MalformedResponse, message);
}

// "'abc' " for messages, or nothing at all in a document that holds secrets.
QString XmlResponseReader::quoted(QStringView value) const
{
    if (m_content == Content::HoldsSecrets)
        return QString();
    QString shown = value.left(maxQuotedLength).toString();
    if (value.size() > maxQuotedLength)
        shown += QChar(0x2026);
    return QStringLiteral("'%1' ").arg(shown);
}

QDateTime parseIso8601Utc(QStringView text)
{
    // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
    int year, month, day, hour, minute, second;
    if (!readDigits(text, 0, 4, year) || !isChar(text, 4, '-') || !readDigits(text, 5, 2, month)
        || !isChar(text, 7, '-') || !readDigits(text, 8, 2, day) || !(isChar(text, 10, 'T') || isChar(text, 10, 't'))
        || !readDigits(text, 11, 2, hour) || !isChar(text, 13, ':') || !readDigits(text, 14, 2, minute)
        || !isChar(text, 16, ':') || !readDigits(text, 17, 2, second))
        return QDateTime();
    qsizetype pos = 19;
    int millis = 0;
    if (isChar(text, pos, '.')) {
        ++pos;
        const qsizetype start = pos;
        while (pos < text.size() && text[pos] >= QLatin1Char('0') && text[pos] <= QLatin1Char('9'))
            ++pos;
        const qsizetype fractionDigits = pos - start;
        if (fractionDigits < 1 || fractionDigits > 9)
            return QDateTime();
        for (qsizetype i = 0; i < 3; ++i)
            millis = millis * 10 + (i < fractionDigits ? text[start + i].unicode() - '0' : 0);
    }
    int offsetSeconds = 0;
    if ((isChar(text, pos, 'Z') || isChar(text, pos, 'z')) && pos + 1 == text.size()) {
        offsetSeconds = 0;
    } else if ((isChar(text, pos, '+') || isChar(text, pos, '-')) && pos + 6 == text.size()) {
        int offsetHours, offsetMinutes;
        if (!readDigits(text, pos + 1, 2, offsetHours) || !isChar(text, pos + 3, ':')
            || !readDigits(text, pos + 4, 2, offsetMinutes) || offsetHours > 14 || offsetMinutes > 59)
            return QDateTime();
        offsetSeconds = (offsetHours * 60 + offsetMinutes) * 60 * (isChar(text, pos, '-') ? -1 : 1);
    } else {
        return QDateTime();
    }
    const QDate date(year, month, day);
    const QTime time(hour, minute, second, millis);
    if (!date.isValid() || !time.isValid())
        return QDateTime();
    return QDateTime(date, time, Qt::UTC).addSecs(-offsetSeconds);
}

std::optional<qint64> parseNonNegativeInt64(QStringView text)
{
    if (text.isEmpty())
        return std::nullopt;
    for (const QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return std::nullopt;
    }
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < 0)
        return std::nullopt;
    return value;
}

} // namespace RoleDrop
