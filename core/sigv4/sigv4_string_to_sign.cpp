#include "core/sigv4/sigv4_string_to_sign.h"

#include "core/common/crypto.h"
#include "core/sigv4/sigv4_signing_request.h"

#include <QDateTime>

namespace RoleDrop::SigV4 {

QByteArray amzDate(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toLatin1();
}

QByteArray credentialScope(QByteArrayView dateStamp, QByteArrayView region, QByteArrayView service)
{
    QByteArray scope;
    scope.reserve(dateStamp.size() + region.size() + service.size() + 15);
    scope.append(dateStamp).append('/').append(region).append('/').append(service).append("/aws4_request");
    return scope;
}

QByteArray stringToSign(QByteArrayView amzDate, QByteArrayView scope, QByteArrayView canonicalRequest)
{
    QByteArray out;
    out.reserve(int(sizeof(algorithm)) + amzDate.size() + scope.size() + 67);
    out.append(algorithm).append('\n');
    out.append(amzDate).append('\n');
    out.append(scope).append('\n');
    out.append(sha256Hex(canonicalRequest));
    return out;
}

} // namespace RoleDrop::SigV4
