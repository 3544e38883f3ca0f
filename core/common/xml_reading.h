#pragma once

#include "core/common/aws_error.h"

#include <QDateTime>
#include <QXmlStreamReader>

#include <optional>

namespace RoleDrop {

// Reads one AWS XML response with QXmlStreamReader, for the response parsers.
// - Elements are matched by local name only: AWS, Ceph RGW and S3-compatible servers disagree on
//   namespaces (none, xmlns="...", prefixed) but agree on names.
// - A DOCTYPE is refused before anything is parsed: AWS never sends one, and refusing it rules out
//   entity expansion (billion laughs) and external entities altogether.
// - Every problem, from broken XML to a missing element, becomes one MalformedResponse error naming
//   the document, the problem and the line/column; after the first problem every read stops.
class XmlResponseReader final
{
public:
    enum class Content { Plain, HoldsSecrets };

    // documentName names the operation in messages, e.g. "ListObjectsV2".
    // HoldsSecrets keeps document text out of messages, even in quoted bits of XML errors.
    XmlResponseReader(const QByteArray &body, const QString &documentName, Content content = Content::Plain);
    Q_DISABLE_COPY_MOVE(XmlResponseReader)

    // Moves to the root element. False, with an error, on an empty body, a DOCTYPE or broken XML.
    bool readRoot();
    // After readRoot(): fails unless the root is named `expected`.
    bool expectRoot(QStringView expected);
    // Is the root an <Error> or <ErrorResponse>, i.e. an error document sent with a 2xx status?
    bool rootIsErrorDocument() const;

    // Moves to the next child element of the current element; false at its end tag or on error.
    bool readNextChild();
    QStringView name() const { return m_xml.name(); }
    bool isNamed(QStringView localName) const { return m_xml.name() == localName; }
    // The current element's text. Child elements or unresolved entities inside are errors.
    // Keep is for object keys and prefixes, where leading and trailing spaces are part of the value.
    enum class Whitespace { Trim, Keep };
    QString readText(Whitespace whitespace = Whitespace::Trim);
    // Skips the current element with everything inside (elements this parser does not use).
    void skipElement();
    // For values that must appear at most once: fails on the second occurrence.
    bool once(bool &seen);

    // Typed text readers: on a bad value they fail (naming `what`) and return nothing.
    std::optional<qint64> readNonNegativeInt64(const QString &what);
    std::optional<int> readNonNegativeInt(const QString &what);
    std::optional<bool> readBool(const QString &what);
    QDateTime readTimestamp(const QString &what);

    // After the root's end tag: only comments and whitespace may follow. False on any error so far.
    bool readToEnd();

    // Raises a problem at the current position; the first problem wins.
    void fail(const QString &problem);
    bool hasError() const { return m_xml.hasError(); }
    AwsError error() const;

private:
    QString quoted(QStringView value) const;

    QXmlStreamReader m_xml;
    QString m_documentName;
    Content m_content;
    bool m_emptyBody = false;
};

// "2011-07-15T23:28:33.359Z", "2019-11-09T13:34:41Z" or with a "+hh:mm" offset -> UTC.
// Invalid QDateTime for anything else: a date without a zone would silently become local time.
QDateTime parseIso8601Utc(QStringView text);

// Digits only (no sign, no spaces), fits in 64 bits.
std::optional<qint64> parseNonNegativeInt64(QStringView text);

} // namespace RoleDrop
