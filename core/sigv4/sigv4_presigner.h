#pragma once

#include "core/common/aws_credentials.h"
#include "core/common/outcome.h"
#include "core/sigv4/sigv4_signer.h"
#include "core/sigv4/sigv4_signing_request.h"

#include <QByteArray>

namespace RoleDrop::SigV4 {

class SigningKeyCache;

// The query-string form of SigV4 (presigned URLs), as S3 defines it.

inline constexpr qint64 minPresignExpirySeconds = 1;
inline constexpr qint64 maxPresignExpirySeconds = 7 * 24 * 3600; // 604800: S3's limit

struct PresignedRequest
{
    // The query string to send after '?', verbatim: the request's own parameters and X-Amz-Algorithm,
    // -Credential, -Date, -Expires, -SignedHeaders (and -Security-Token) in canonical order, then
    // X-Amz-Signature last.
    QByteArray encodedQuery;
    QueryList query;             // the same parameters, decoded, in the same order
    QByteArray signature;
    // Contain the session token: never log them.
    QByteArray canonicalRequest;
    QByteArray stringToSign;
};

// Presigns `request` (any method; S3 uses GET and PUT) for expiresSeconds from options.time. The
// payload is always UNSIGNED-PAYLOAD (request.payloadHash is ignored): who will send the body is not
// known yet. Only request.headers are signed ("host" at least); whoever uses the URL must send them.
// Refuses, with a validation error, an expiry outside 1..604800 s and whatever signRequest refuses.
Outcome<PresignedRequest> presignRequest(const AwsCredentials &credentials, const SigningOptions &options,
                                         const SigningRequest &request, qint64 expiresSeconds,
                                         SigningKeyCache *cache = nullptr);

} // namespace RoleDrop::SigV4
