#pragma once

#include <QByteArray>
#include <QByteArrayView>

class QDateTime;

namespace RoleDrop::SigV4 {

// Step 2 of SigV4: what gets signed.

// "20150830T123600Z": the time in UTC, whatever the QDateTime's own time spec.
QByteArray amzDate(const QDateTime &time);
// "20150830": the first 8 characters of amzDate().
inline QByteArray dateStamp(QByteArrayView amzDate) { return amzDate.first(8).toByteArray(); }

// "20150830/us-east-1/service/aws4_request"
QByteArray credentialScope(QByteArrayView dateStamp, QByteArrayView region, QByteArrayView service);

// "AWS4-HMAC-SHA256\n<amzDate>\n<scope>\n<hex sha256 of the canonical request>"
QByteArray stringToSign(QByteArrayView amzDate, QByteArrayView scope, QByteArrayView canonicalRequest);

} // namespace RoleDrop::SigV4
