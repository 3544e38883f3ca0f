#include "core/http/error_response_parser.h"

#include "core/common/xml_reading.h"

#include <QStringList>
#include <QXmlStreamReader>

namespace RoleDrop::Http {

namespace {

// Bounds on what is kept from a server's error document: enough for any real one.
constexpr qsizetype maxCodeLength = 256;
constexpr qsizetype maxMessageLength = 4096;
constexpr qsizetype maxRequestIdLength = 256;
// Real error documents are three levels deep; deeper nesting is not worth walking.
constexpr qsizetype maxDepth = 16;

struct ErrorFields
{
    QString code;
    QString message;
    QString requestId;
};

bool isErrorRoot(QStringView name)
{
    // S3 and RGW: <Error>; query APIs (STS): <ErrorResponse>; EC2-style: <Response><Errors><Error>.
    return name == u"Error" || name == u"ErrorResponse" || name == u"Response";
}

// A value counts only once its end tag is read: a truncated "<Code>AccessDen" says nothing.
bool readCompleteText(QXmlStreamReader &xml, qsizetype maxLength, QString &into)
{
    const QString text = xml.readElementText(QXmlStreamReader::SkipChildElements);
    if (xml.hasError())
        return false;
    into = text.trimmed().left(maxLength);
    return true;
}

// Best effort: whatever Code/Message/RequestId could be read before the document ended or broke.
ErrorFields readErrorDocument(const QByteArray &body)
{
    ErrorFields fields;
    QXmlStreamReader xml(body);
    // Entities are refused below (DTD); this only guards against a future change there.
    xml.setEntityExpansionLimit(0);

    while (!xml.atEnd()) {
        const auto token = xml.readNext();
        if (token == QXmlStreamReader::StartElement)
            break;
        if (token == QXmlStreamReader::DTD || token == QXmlStreamReader::Invalid)
            return fields;
    }
    if (!xml.isStartElement() || !isErrorRoot(xml.name()))
        return fields;

    QStringList open{xml.name().toString()};
    bool haveCode = false, haveMessage = false, haveRequestId = false;
    while (!xml.atEnd() && !open.isEmpty()) {
        switch (xml.readNext()) {
        case QXmlStreamReader::StartElement: {
            const QStringView name = xml.name();
            const bool inError = open.constLast() == QLatin1String("Error");
            if (inError && name == u"Code" && !haveCode) {
                haveCode = readCompleteText(xml, maxCodeLength, fields.code);
            } else if (inError && name == u"Message" && !haveMessage) {
                haveMessage = readCompleteText(xml, maxMessageLength, fields.message);
            } else if ((name == u"RequestId" || name == u"RequestID") && !haveRequestId) {
                haveRequestId = readCompleteText(xml, maxRequestIdLength, fields.requestId);
            } else if (open.size() >= maxDepth) {
                xml.skipCurrentElement();
            } else {
                open.append(name.toString());
            }
            break;
        }
        case QXmlStreamReader::EndElement:
            open.removeLast();
            break;
        case QXmlStreamReader::Invalid:
            return fields;
        default:
            break;
        }
    }
    return fields;
}

} // namespace

AwsError parseErrorResponse(int httpStatus, const QByteArray &body)
{
    const ErrorFields fields = readErrorDocument(body);
    AwsError error;
    error.httpStatus = httpStatus;
    error.code = fields.code;
    error.message = fields.message;
    error.requestId = fields.requestId;
    error.kind = AwsError::kindFromCode(error.code, error.message, httpStatus);
    return error;
}

AwsError parseErrorDocumentInSuccess(int httpStatus, const QByteArray &body, const QString &documentName)
{
    AwsError error = parseErrorResponse(httpStatus, body);
    if (error.code.isEmpty()) {
        return AwsError::local(AwsErrorKind::MalformedResponse,
                               QStringLiteral("Cannot read the %1 response: it is an error document without an "
                                              "error code")
                                   .arg(documentName));
    }
    return error;
}

bool isErrorDocument(const QByteArray &body)
{
    XmlResponseReader xml(body, QStringLiteral("answer"));
    return xml.readRoot() && xml.rootIsErrorDocument();
}

} // namespace RoleDrop::Http
