#include "core/sigv4/sigv4_signer.h"

#include "core/sigv4/sigv4_canonical_request.h"
#include "core/sigv4/sigv4_signing_key.h"
#include "core/sigv4/sigv4_string_to_sign.h"

#include <algorithm>

namespace RoleDrop::SigV4 {

namespace {

bool isPayloadHashHex(QByteArrayView hash)
{
    if (hash.size() != 64)
        return false;
    for (const char c : hash) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

} // namespace

QByteArray authorizationHeader(QByteArrayView accessKeyId, QByteArrayView scope, QByteArrayView signedHeaders,
                               QByteArrayView signature)
{
    QByteArray out;
    out.reserve(int(sizeof(algorithm)) + accessKeyId.size() + scope.size() + signedHeaders.size()
                + signature.size() + 40);
    out.append(algorithm).append(" Credential=").append(accessKeyId).append('/').append(scope);
    out.append(", SignedHeaders=").append(signedHeaders);
    out.append(", Signature=").append(signature);
    return out;
}

std::optional<AwsError> validateSigningInput(const AwsCredentials &credentials, const SigningOptions &options,
                                             const SigningRequest &request)
{
    if (!credentials.isValid())
        return AwsError::validation(QStringLiteral("Cannot sign the request: no access key id or secret key"));
    if (options.region.isEmpty())
        return AwsError::validation(QStringLiteral("Cannot sign the request: no region"));
    if (options.service.isEmpty())
        return AwsError::validation(QStringLiteral("Cannot sign the request: no service name"));
    if (!options.time.isValid())
        return AwsError::validation(QStringLiteral("Cannot sign the request: no valid time"));
    if (request.method.isEmpty())
        return AwsError::validation(QStringLiteral("Cannot sign the request: no HTTP method"));
    const bool hasHost = std::any_of(request.headers.cbegin(), request.headers.cend(), [](const auto &header) {
        return header.first.compare("host", Qt::CaseInsensitive) == 0;
    });
    if (!hasHost)
        return AwsError::validation(QStringLiteral("Cannot sign the request: no host header"));
    return std::nullopt;
}

QByteArray derivedKey(const AwsCredentials &credentials, QByteArrayView dateStamp, const SigningOptions &options,
                      SigningKeyCache *cache)
{
    const QByteArray secret = credentials.secretAccessKey.toUtf8();
    const QByteArray region = options.region.toUtf8();
    const QByteArray service = options.service.toUtf8();
    if (cache)
        return cache->signingKey(secret, dateStamp, region, service);
    return signingKey(secret, dateStamp, region, service);
}

Outcome<SignedRequest> signRequest(const AwsCredentials &credentials, const SigningOptions &options,
                                   const SigningRequest &request, SigningKeyCache *cache)
{
    if (auto error = validateSigningInput(credentials, options, request))
        return *error;

    const QByteArray date = amzDate(options.time);
    const QByteArray day = dateStamp(date);
    const bool temporary = credentials.isTemporary();
    // Services other than S3 learn that the payload is unsigned only from this header.
    const bool addContentHash = options.service == u"s3" || !isPayloadHashHex(request.payloadHash);

    SignedRequest signedRequest;
    signedRequest.headersToAdd.append({QByteArrayLiteral("x-amz-date"), date});
    if (temporary)
        signedRequest.headersToAdd.append({QByteArrayLiteral("x-amz-security-token"), credentials.sessionToken.toUtf8()});
    if (addContentHash)
        signedRequest.headersToAdd.append({QByteArrayLiteral("x-amz-content-sha256"), request.payloadHash});

    SigningRequest toSign;
    toSign.method = request.method;
    toSign.path = request.path;
    toSign.query = request.query;
    toSign.payloadHash = request.payloadHash;
    toSign.headers.reserve(request.headers.size() + signedRequest.headersToAdd.size());
    for (const auto &header : request.headers) {
        const QByteArray &name = header.first;
        const bool replaced = name.compare("authorization", Qt::CaseInsensitive) == 0
                              || name.compare("x-amz-date", Qt::CaseInsensitive) == 0
                              || (temporary && name.compare("x-amz-security-token", Qt::CaseInsensitive) == 0)
                              || (addContentHash && name.compare("x-amz-content-sha256", Qt::CaseInsensitive) == 0);
        if (!replaced)
            toSign.headers.append(header);
    }
    toSign.headers.append(signedRequest.headersToAdd);

    const CanonicalHeaders headers = canonicalizeHeaders(toSign.headers);
    const QByteArray scope = credentialScope(day, options.region.toUtf8(), options.service.toUtf8());
    signedRequest.canonicalRequest = canonicalRequest(toSign, options.pathMode, headers);
    signedRequest.stringToSign = stringToSign(date, scope, signedRequest.canonicalRequest);
    signedRequest.signature = signature(derivedKey(credentials, day, options, cache), signedRequest.stringToSign);
    signedRequest.authorization = authorizationHeader(credentials.accessKeyId.toUtf8(), scope,
                                                      headers.signedHeaders, signedRequest.signature);
    signedRequest.headersToAdd.append({QByteArrayLiteral("authorization"), signedRequest.authorization});
    return signedRequest;
}

} // namespace RoleDrop::SigV4
