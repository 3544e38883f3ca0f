#include "core/sigv4/sigv4_presigner.h"

#include "core/sigv4/sigv4_canonical_request.h"
#include "core/sigv4/sigv4_signing_key.h"
#include "core/sigv4/sigv4_string_to_sign.h"
#include "core/sigv4/uri_encoding.h"

namespace RoleDrop::SigV4 {

Outcome<PresignedRequest> presignRequest(const AwsCredentials &credentials, const SigningOptions &options,
                                         const SigningRequest &request, qint64 expiresSeconds,
                                         SigningKeyCache *cache)
{
    if (expiresSeconds < minPresignExpirySeconds || expiresSeconds > maxPresignExpirySeconds) {
        return AwsError::validation(
            QStringLiteral("A presigned URL must expire after 1 second to 7 days (604800 seconds), not %1 seconds")
                .arg(expiresSeconds));
    }
    if (auto error = validateSigningInput(credentials, options, request))
        return *error;

    const QByteArray date = amzDate(options.time);
    const QByteArray day = dateStamp(date);
    const QByteArray scope = credentialScope(day, options.region.toUtf8(), options.service.toUtf8());
    const CanonicalHeaders headers = canonicalizeHeaders(request.headers);

    SigningRequest toSign;
    toSign.method = request.method;
    toSign.path = request.path;
    toSign.headers = request.headers;
    toSign.payloadHash = unsignedPayload;
    toSign.query = request.query;
    toSign.query.append({QByteArrayLiteral("X-Amz-Algorithm"), QByteArray(algorithm)});
    toSign.query.append({QByteArrayLiteral("X-Amz-Credential"), credentials.accessKeyId.toUtf8() + '/' + scope});
    toSign.query.append({QByteArrayLiteral("X-Amz-Date"), date});
    toSign.query.append({QByteArrayLiteral("X-Amz-Expires"), QByteArray::number(expiresSeconds)});
    toSign.query.append({QByteArrayLiteral("X-Amz-SignedHeaders"), headers.signedHeaders});
    if (credentials.isTemporary())
        toSign.query.append({QByteArrayLiteral("X-Amz-Security-Token"), credentials.sessionToken.toUtf8()});

    PresignedRequest presigned;
    presigned.canonicalRequest = canonicalRequest(toSign, options.pathMode, headers);
    presigned.stringToSign = stringToSign(date, scope, presigned.canonicalRequest);
    presigned.signature = signature(derivedKey(credentials, day, options, cache), presigned.stringToSign);

    // The wire order is the canonical one, so the server's reconstruction is trivially ours.
    const QByteArray canonicalQuery = canonicalQueryString(toSign.query);
    presigned.encodedQuery = canonicalQuery + "&X-Amz-Signature=" + presigned.signature;
    presigned.query = parseQueryString(presigned.encodedQuery);
    return presigned;
}

} // namespace RoleDrop::SigV4
