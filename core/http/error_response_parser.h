#pragma once

#include "core/common/aws_error.h"

#include <QByteArray>
#include <QString>

namespace RoleDrop::Http {

// The AwsError for a failed AWS answer, from its status and body. Understands the query APIs'
// <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse> (STS), S3's
// <Error><Code/><Message/><RequestId/></Error> (also Ceph RGW's form for STS, with an empty
// Message), an empty body (HEAD) and anything else (an HTML page from a proxy): the kind then
// comes from the status. Never fails; the body's text is never copied beyond Code, Message and
// RequestId.
AwsError parseErrorResponse(int httpStatus, const QByteArray &body);

// For a 2xx answer whose body is an error document (S3 may answer CompleteMultipartUpload with
// 200 OK and an <Error>): the error it carries, or a MalformedResponse naming `documentName` when
// the document does not even have a code.
AwsError parseErrorDocumentInSuccess(int httpStatus, const QByteArray &body, const QString &documentName);

// Whether a 2xx body is in fact an error document (its root element is <Error> or <ErrorResponse>).
bool isErrorDocument(const QByteArray &body);

} // namespace RoleDrop::Http
