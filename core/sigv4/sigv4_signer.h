#pragma once

#include "core/common/aws_credentials.h"
#include "core/common/aws_error.h"
#include "core/common/outcome.h"
#include "core/sigv4/sigv4_canonical_request.h" // callers build the wire path and query with it
#include "core/sigv4/sigv4_signing_request.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>

#include <optional>

namespace RoleDrop::SigV4 {

class SigningKeyCache;

// Step 4 of SigV4, and the whole pipeline for the Authorization-header form.

// "AWS4-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<names>, Signature=<hex>"
QByteArray authorizationHeader(QByteArrayView accessKeyId, QByteArrayView scope, QByteArrayView signedHeaders,
                               QByteArrayView signature);

struct SigningOptions
{
    QString region;           // e.g. "us-east-1"
    QString service;          // e.g. "s3", "sts"
    QDateTime time;           // the request's time (the caller applies any known clock offset)
    PathMode pathMode = PathMode::Generic;

    static SigningOptions forService(const QString &region, const QString &service, const QDateTime &time)
    {
        return {region, service, time, pathModeForService(service)};
    }
};

struct SignedRequest
{
    // To set on the request, replacing any header of the same name:
    // x-amz-date; x-amz-security-token (temporary credentials); x-amz-content-sha256 (service "s3", or
    // any service when the payload is unsigned); authorization. Names are lowercase.
    HeaderList headersToAdd;
    QByteArray authorization;
    QByteArray signature;
    // For tests and for comparing with a server's SignatureDoesNotMatch details. They contain the
    // session token and every signed header value: never log them.
    QByteArray canonicalRequest;
    QByteArray stringToSign;
};

// Signs `request` as sent with the headersToAdd. The request's own x-amz-date and authorization headers
// (and x-amz-security-token / x-amz-content-sha256 when we add ours) are ignored, as they will be
// replaced. Every other header given is signed: pass only the ones that travel unchanged ("host",
// "content-type", "content-md5", "x-amz-*"...), not ones a proxy may rewrite ("user-agent", "expect").
// Refuses, with a validation error, missing credentials, region, service, time, method or host header.
Outcome<SignedRequest> signRequest(const AwsCredentials &credentials, const SigningOptions &options,
                                   const SigningRequest &request, SigningKeyCache *cache = nullptr);

// The checks signRequest and presignRequest share; std::nullopt when all is well.
std::optional<AwsError> validateSigningInput(const AwsCredentials &credentials, const SigningOptions &options,
                                             const SigningRequest &request);

// The derived key for `options`' day, region and service, from the cache when one is given.
QByteArray derivedKey(const AwsCredentials &credentials, QByteArrayView dateStamp, const SigningOptions &options,
                      SigningKeyCache *cache);

} // namespace RoleDrop::SigV4
