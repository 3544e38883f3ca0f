#include "core/common/aws_error.h"

#include <QHash>
#include <QRegularExpression>

namespace RoleDrop {

namespace {

const QHash<QString, AwsErrorKind> &kindsByCode()
{
    // Codes from the STS and S3 API references, plus the aliases other AWS services and
    // S3-compatible servers (Ceph RGW, MinIO) use for the same situations.
    static const QHash<QString, AwsErrorKind> kinds = {
        {QStringLiteral("AccessDenied"), AwsErrorKind::AccessDenied},
        {QStringLiteral("AccessDeniedException"), AwsErrorKind::AccessDenied},
        {QStringLiteral("Forbidden"), AwsErrorKind::AccessDenied},
        {QStringLiteral("AllAccessDisabled"), AwsErrorKind::AccessDenied},
        {QStringLiteral("AccountProblem"), AwsErrorKind::AccessDenied},
        {QStringLiteral("InvalidSecurity"), AwsErrorKind::AccessDenied},
        {QStringLiteral("ExpiredToken"), AwsErrorKind::ExpiredToken},
        {QStringLiteral("ExpiredTokenException"), AwsErrorKind::ExpiredToken},
        {QStringLiteral("TokenRefreshRequired"), AwsErrorKind::ExpiredToken},
        {QStringLiteral("InvalidClientTokenId"), AwsErrorKind::InvalidClientTokenId},
        {QStringLiteral("InvalidAccessKeyId"), AwsErrorKind::InvalidClientTokenId},
        {QStringLiteral("InvalidToken"), AwsErrorKind::InvalidClientTokenId},
        {QStringLiteral("UnrecognizedClientException"), AwsErrorKind::InvalidClientTokenId},
        {QStringLiteral("MissingAuthenticationToken"), AwsErrorKind::InvalidClientTokenId},
        {QStringLiteral("SignatureDoesNotMatch"), AwsErrorKind::SignatureDoesNotMatch},
        {QStringLiteral("RequestTimeTooSkewed"), AwsErrorKind::RequestTimeTooSkewed},
        // The date on the request is too far from the server's clock (or a presigned URL aged out).
        {QStringLiteral("RequestExpired"), AwsErrorKind::RequestTimeTooSkewed},
        {QStringLiteral("MalformedPolicyDocument"), AwsErrorKind::MalformedPolicyDocument},
        {QStringLiteral("MalformedPolicyDocumentException"), AwsErrorKind::MalformedPolicyDocument},
        {QStringLiteral("PackedPolicyTooLarge"), AwsErrorKind::PackedPolicyTooLarge},
        {QStringLiteral("PackedPolicyTooLargeException"), AwsErrorKind::PackedPolicyTooLarge},
        {QStringLiteral("RegionDisabledException"), AwsErrorKind::RegionDisabled},
        {QStringLiteral("RegionDisabled"), AwsErrorKind::RegionDisabled},
        {QStringLiteral("InvalidParameterValue"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("InvalidParameterCombination"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("MissingParameter"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("InvalidArgument"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("ValidationError"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("InvalidRequest"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("InvalidBucketName"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("KeyTooLongError"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("EntityTooSmall"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("EntityTooLarge"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("InvalidPart"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("InvalidPartOrder"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("MalformedXML"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("IncompleteSignature"), AwsErrorKind::InvalidParameter},
        {QStringLiteral("NoSuchBucket"), AwsErrorKind::NoSuchBucket},
        {QStringLiteral("NoSuchKey"), AwsErrorKind::NoSuchKey},
        {QStringLiteral("NoSuchUpload"), AwsErrorKind::NoSuchUpload},
        {QStringLiteral("BucketAlreadyExists"), AwsErrorKind::BucketAlreadyExists},
        {QStringLiteral("BucketAlreadyOwnedByYou"), AwsErrorKind::BucketAlreadyExists},
        {QStringLiteral("NotFound"), AwsErrorKind::NotFound},
        {QStringLiteral("NoSuchVersion"), AwsErrorKind::NotFound},
        {QStringLiteral("NoSuchEntity"), AwsErrorKind::NotFound},
        {QStringLiteral("SlowDown"), AwsErrorKind::Throttled},
        {QStringLiteral("Throttling"), AwsErrorKind::Throttled},
        {QStringLiteral("ThrottlingException"), AwsErrorKind::Throttled},
        {QStringLiteral("RequestLimitExceeded"), AwsErrorKind::Throttled},
        {QStringLiteral("TooManyRequestsException"), AwsErrorKind::Throttled},
        {QStringLiteral("RequestTimeout"), AwsErrorKind::Timeout},
        {QStringLiteral("InternalError"), AwsErrorKind::ServiceError},
        {QStringLiteral("InternalFailure"), AwsErrorKind::ServiceError},
        {QStringLiteral("ServiceUnavailable"), AwsErrorKind::ServiceError},
        {QStringLiteral("ServiceUnavailableException"), AwsErrorKind::ServiceError},
    };
    return kinds;
}

AwsErrorKind kindFromStatus(int httpStatus)
{
    switch (httpStatus) {
    case 401:
    case 403:
        return AwsErrorKind::AccessDenied;
    case 404:
        return AwsErrorKind::NotFound;
    case 408:
        return AwsErrorKind::Timeout;
    case 429:
        return AwsErrorKind::Throttled;
    default:
        return AwsErrorKind::ServiceError;
    }
}

// AWS never gives MFA failures a code of their own: STS answers AccessDenied with
// "MultiFactorAuthentication failed with invalid MFA one time pass code." (AssumeRole) or
// "MultiFactorAuthentication failed, unable to validate MFA code..." (GetSessionToken).
bool mentionsMfa(const QString &message)
{
    static const QRegularExpression mfa(QStringLiteral("\\bMFA\\b|MultiFactorAuthentication|multi-factor"),
                                        QRegularExpression::CaseInsensitiveOption);
    return mfa.match(message).hasMatch();
}

// "s3://data/report.csv" -> "data"; anything else is returned as it is.
QString bucketOf(const QString &resource)
{
    if (resource.startsWith(QLatin1String("s3://")))
        return resource.mid(5).section(QLatin1Char('/'), 0, 0);
    return resource;
}

QString orDefault(const QString &value, const QString &fallback)
{
    return value.isEmpty() ? fallback : value;
}

// " (s3:PutObject on s3://data/x)" or " (s3:PutObject)" or "".
QString actionSuffix(const AwsError &e)
{
    if (e.action.isEmpty() && e.resource.isEmpty())
        return QString();
    if (e.resource.isEmpty())
        return QStringLiteral(" (%1)").arg(e.action);
    if (e.action.isEmpty())
        return QStringLiteral(" (%1)").arg(e.resource);
    return QStringLiteral(" (%1 on %2)").arg(e.action, e.resource);
}

bool isBidiControl(char16_t c)
{
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// Every field is shown on one line and bounded: server text and object keys may hold line breaks,
// control characters or bidi overrides that would reflow or disguise the message.
QString oneLine(const QString &text)
{
    constexpr qsizetype maxLength = 400;
    QString line = text.left(maxLength * 2);
    for (QChar &c : line) {
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r') || c == QLatin1Char('\t'))
            c = QLatin1Char(' ');
        else if (c.category() == QChar::Other_Control || isBidiControl(c.unicode()))
            c = QChar::ReplacementCharacter;
    }
    line = line.simplified();
    if (line.size() > maxLength)
        line = line.left(maxLength) + QChar(0x2026);
    return line;
}

// For text that the headline follows with ". ": without its own final full stop.
QString clause(const QString &text)
{
    QString line = oneLine(text);
    while (line.endsWith(QLatin1Char('.')))
        line.chop(1);
    return line;
}

QString headline(const AwsError &e)
{
    const QString who = e.identity;
    const QString doWhat = orDefault(e.action, QStringLiteral("perform this action"));
    switch (e.kind) {
    case AwsErrorKind::None:
        return QStringLiteral("No error occurred.");
    case AwsErrorKind::Validation:
        return QStringLiteral("Invalid input: %1.")
            .arg(orDefault(clause(e.message), QStringLiteral("a value was refused")));
    case AwsErrorKind::Network:
        return QStringLiteral("Cannot reach the server%1: %2. Check the network connection and the endpoint.")
            .arg(actionSuffix(e), orDefault(clause(e.message), QStringLiteral("network error")));
    case AwsErrorKind::Tls:
        // The message (core/http/certificate_errors.h) names the host, what is wrong and what to do; the connection
        // was not refused by the server, RoleDrop did not go on with it.
        return QStringLiteral("Cannot connect securely%1: %2.")
            .arg(actionSuffix(e), orDefault(clause(e.message), QStringLiteral("the server's TLS certificate is not accepted")));
    case AwsErrorKind::Timeout:
        return QStringLiteral("The server did not answer in time%1. Try again.").arg(actionSuffix(e));
    case AwsErrorKind::Cancelled:
        return QStringLiteral("The operation was cancelled%1.").arg(actionSuffix(e));
    case AwsErrorKind::LocalFile:
        return QStringLiteral("Cannot use the local file%1: %2.")
            .arg(e.resource.isEmpty() ? QString() : QStringLiteral(" '%1'").arg(e.resource),
                 orDefault(clause(e.message), QStringLiteral("file error")));
    case AwsErrorKind::MalformedResponse:
        return QStringLiteral("The server's answer could not be understood%1: %2. Check that the endpoint is an S3/STS "
                              "service and that no proxy alters its answers.")
            .arg(actionSuffix(e), orDefault(clause(e.message), QStringLiteral("malformed response")));
    case AwsErrorKind::AccessDenied: {
        QString line = who.isEmpty()
            ? QStringLiteral("Access denied: these credentials are not allowed to %1").arg(doWhat)
            : QStringLiteral("Access denied: %1 is not allowed to %2").arg(who, doWhat);
        if (!e.resource.isEmpty())
            line += QStringLiteral(" on %1").arg(e.resource);
        return line + QStringLiteral(". Switch to a role that allows it, or ask your administrator.");
    }
    case AwsErrorKind::ExpiredToken:
        return QStringLiteral("The session%1 has expired%2. Switch role again to get fresh credentials.")
            .arg(who.isEmpty() ? QString() : QStringLiteral(" of %1").arg(who), actionSuffix(e));
    case AwsErrorKind::InvalidClientTokenId:
        return QStringLiteral("The server does not recognise the credentials%1: the access key id is unknown or the "
                              "session token is invalid%2. Check the stored access key id, or switch role again.")
            .arg(who.isEmpty() ? QString() : QStringLiteral(" of %1").arg(who), actionSuffix(e));
    case AwsErrorKind::SignatureDoesNotMatch:
        return QStringLiteral("The secret access key for %1 is wrong: the server rejected the request signature%2. "
                              "Enter the secret access key again.")
            .arg(orDefault(who, QStringLiteral("these credentials")), actionSuffix(e));
    case AwsErrorKind::RequestTimeTooSkewed:
        return QStringLiteral("The server refused the request because this computer's clock is too far from the "
                              "server's%1. Check the computer's clock, date and time zone.")
            .arg(actionSuffix(e));
    case AwsErrorKind::MfaRequiredOrInvalid:
        return QStringLiteral("Multi-factor authentication failed%1%2: the MFA code is missing, wrong or already used. "
                              "Enter a fresh code from the MFA device.")
            .arg(who.isEmpty() ? QString() : QStringLiteral(" for %1").arg(who), actionSuffix(e));
    case AwsErrorKind::MalformedPolicyDocument:
        return QStringLiteral("The policy was rejected as malformed%1. Fix the session policy JSON.")
            .arg(actionSuffix(e));
    case AwsErrorKind::PackedPolicyTooLarge:
        return QStringLiteral("The session policy and tags are too large once packed%1. Shorten the session policy or "
                              "pass fewer session tags.")
            .arg(actionSuffix(e));
    case AwsErrorKind::RegionDisabled:
        return QStringLiteral("STS is not activated in this region for the account%1. Use another region's endpoint, "
                              "or ask your administrator to activate the region.")
            .arg(actionSuffix(e));
    case AwsErrorKind::InvalidParameter:
        return QStringLiteral("The server rejected a parameter of the request%1.").arg(actionSuffix(e));
    case AwsErrorKind::NoSuchBucket:
        return e.resource.isEmpty() ? QStringLiteral("The bucket does not exist.")
                                    : QStringLiteral("Bucket '%1' does not exist.").arg(bucketOf(e.resource));
    case AwsErrorKind::NoSuchKey:
        return e.resource.isEmpty() ? QStringLiteral("The object does not exist.")
                                    : QStringLiteral("Object %1 does not exist.").arg(e.resource);
    case AwsErrorKind::NoSuchUpload:
        return QStringLiteral("The multipart upload%1 no longer exists: it was completed or aborted. Start the upload "
                              "again.")
            .arg(e.resource.isEmpty() ? QString() : QStringLiteral(" to %1").arg(e.resource));
    case AwsErrorKind::BucketAlreadyExists:
        return e.resource.isEmpty()
            ? QStringLiteral("The bucket name is already taken. Choose another name.")
            : QStringLiteral("Bucket '%1' already exists. Choose another name.").arg(bucketOf(e.resource));
    case AwsErrorKind::NotFound:
        return e.resource.isEmpty() ? QStringLiteral("The object or bucket was not found%1.").arg(actionSuffix(e))
                                    : QStringLiteral("%1 was not found.").arg(e.resource);
    case AwsErrorKind::Throttled:
        return QStringLiteral("The server asked to slow down%1. Try again in a moment.").arg(actionSuffix(e));
    case AwsErrorKind::ObjectExists:
        return QStringLiteral("%1 exists already; not replaced.").arg(orDefault(e.resource, QStringLiteral("The object")));
    case AwsErrorKind::ServiceError:
        if (e.httpStatus == 301 || e.httpStatus == 307)
            return QStringLiteral("The server redirected the request%1: the bucket is probably in another region.")
                .arg(actionSuffix(e));
        return QStringLiteral("The server reported an error%1. %2")
            .arg(actionSuffix(e),
                 e.isRetryable() ? QStringLiteral("Try again later.")
                                 : QStringLiteral("Contact the service's administrator if it persists."));
    }
    return QStringLiteral("Unknown error.");
}

// Kinds whose message field holds our own words, already part of the headline.
bool messageIsLocal(AwsErrorKind kind)
{
    switch (kind) {
    case AwsErrorKind::Validation:
    case AwsErrorKind::Network:
    case AwsErrorKind::Tls:
    case AwsErrorKind::LocalFile:
    case AwsErrorKind::MalformedResponse:
        return true;
    default:
        return false;
    }
}

} // namespace

bool AwsError::isTransportFailure() const
{
    return kind == AwsErrorKind::Network || kind == AwsErrorKind::Tls || kind == AwsErrorKind::Timeout
        || kind == AwsErrorKind::Cancelled || (httpStatus >= 500 && httpStatus <= 599);
}

bool AwsError::isRetryable() const
{
    switch (kind) {
    case AwsErrorKind::Network:
    case AwsErrorKind::Timeout:
    case AwsErrorKind::Throttled:
        return true;
    case AwsErrorKind::ServiceError:
        // 501 Not Implemented will not start working on a retry.
        if (httpStatus >= 500 && httpStatus != 501)
            return true;
        // S3 may answer 200 with an <Error> body (CompleteMultipartUpload): the code decides.
        return code == QLatin1String("InternalError") || code == QLatin1String("InternalFailure")
            || code == QLatin1String("ServiceUnavailable") || code == QLatin1String("ServiceUnavailableException");
    default:
        return false;
    }
}

QString AwsError::userMessage() const
{
    AwsError shown = *this;
    for (QString *field :
         {&shown.code, &shown.message, &shown.requestId, &shown.action, &shown.identity, &shown.resource})
        *field = oneLine(*field);

    QString line = headline(shown);
    if (!advice.isEmpty())
        line += QLatin1Char(' ') + oneLine(advice);
    if (!messageIsLocal(kind)) {
        // A timeout or a cancellation can be ours (no status, no code): then the text is ours too.
        const bool fromServer = httpStatus != 0 || !code.isEmpty();
        if (!shown.message.isEmpty())
            line += (fromServer ? QStringLiteral(" Server message: %1") : QStringLiteral(" Details: %1"))
                        .arg(shown.message);
        QStringList details;
        if (!shown.code.isEmpty())
            details << shown.code;
        if (httpStatus != 0 && httpStatus != 200)
            details << QStringLiteral("HTTP %1").arg(httpStatus);
        if (!details.isEmpty())
            line += QStringLiteral(" [%1]").arg(details.join(QStringLiteral(", ")));
    }
    if (!shown.requestId.isEmpty())
        line += QStringLiteral(" (request id %1)").arg(shown.requestId);
    return line;
}

AwsErrorKind AwsError::kindFromCode(const QString &code, const QString &message, int httpStatus)
{
    if (code.isEmpty())
        return kindFromStatus(httpStatus);
    const auto found = kindsByCode().constFind(code);
    if (found == kindsByCode().constEnd()) {
        // An unknown code still says "not found" or "slow down" through its status; a 403 with an
        // unknown code (e.g. InvalidObjectState) is not a permissions problem, so it stays generic.
        if (httpStatus == 404 || httpStatus == 429)
            return kindFromStatus(httpStatus);
        return AwsErrorKind::ServiceError;
    }
    if (*found == AwsErrorKind::AccessDenied && mentionsMfa(message))
        return AwsErrorKind::MfaRequiredOrInvalid;
    return *found;
}

AwsError AwsError::validation(const QString &message)
{
    return local(AwsErrorKind::Validation, message);
}

AwsError AwsError::local(AwsErrorKind kind, const QString &message)
{
    AwsError error;
    error.kind = kind;
    error.message = message;
    return error;
}

} // namespace RoleDrop
