#pragma once

#include <QString>

namespace RoleDrop {

// What went wrong, in the categories a user (and the UI) acts on differently.
enum class AwsErrorKind {
    None,
    Validation,            // refused locally before any request (bad ARN, duration out of range...)
    Network,               // connection refused, DNS, reset
    Tls,                   // certificate not trusted: never ignored
    Timeout,
    Cancelled,
    LocalFile,             // cannot read/write a local file
    MalformedResponse,     // XML we cannot parse, truncated body
    AccessDenied,
    ExpiredToken,
    InvalidClientTokenId,  // unknown access key id / token
    SignatureDoesNotMatch, // wrong secret key
    RequestTimeTooSkewed,  // clock skew
    MfaRequiredOrInvalid,  // AccessDenied caused by a missing or wrong MFA code
    MalformedPolicyDocument,
    PackedPolicyTooLarge,
    RegionDisabled,
    InvalidParameter,      // InvalidParameterValue, InvalidArgument, ValidationError
    NoSuchBucket,
    NoSuchKey,
    NoSuchUpload,
    BucketAlreadyExists,
    NotFound,              // 404 without a body (HEAD requests)
    Throttled,             // SlowDown, Throttling
    ServiceError,          // 5xx, InternalError, anything else from the server
    ObjectExists,          // a write that was not to replace an object found one (If-None-Match: *, 412 / 409)
};

// One error, carrying what the user needs (identity, action, resource) and never a secret.
struct AwsError
{
    AwsErrorKind kind = AwsErrorKind::None;
    QString code;       // the service's code as sent, e.g. "AccessDenied"
    QString message;    // the service's message as sent (RGW sends it empty)
    int httpStatus = 0;
    QString requestId;
    // Filled in by the client that made the request:
    QString action;     // e.g. "s3:PutObject", "sts:AssumeRole"
    QString identity;   // caller ARN, or access key id when the ARN is unknown
    QString resource;   // e.g. "s3://data/report.csv", "arn:aws:iam::123456789012:role/S3Access"
    // What to change, when the request tells more than the error's kind (e.g. a duration above the role's maximum).
    QString advice;

    bool isError() const { return kind != AwsErrorKind::None; }
    bool isRetryable() const;
    // The service gave no answer either way (network, TLS, timeout, cancel, or its own 5xx): not a refusal.
    bool isTransportFailure() const;

    // One clear line for a person: what failed, for whom, and what to do about it.
    QString userMessage() const;

    static AwsErrorKind kindFromCode(const QString &code, const QString &message, int httpStatus);
    static AwsError validation(const QString &message);
    static AwsError local(AwsErrorKind kind, const QString &message);
};

} // namespace RoleDrop
