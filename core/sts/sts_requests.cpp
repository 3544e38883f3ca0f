#include "core/sts/sts_requests.h"

#include "core/sts/role_arn.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

namespace RoleDrop::Sts {

namespace {

bool matchesWhole(const QString &pattern, const QString &text)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(text).hasMatch();
}

std::optional<AwsError> checkMfa(const QString &serial, const QString &code)
{
    if (serial.isEmpty() && code.isEmpty())
        return std::nullopt;
    if (serial.isEmpty())
        return AwsError::validation(QStringLiteral("An MFA code was given without the MFA device (serial number or ARN)"));
    if (serial.size() < 9 || serial.size() > 256 || !matchesWhole(QStringLiteral("[\\w+=/:,.@-]+"), serial))
        return AwsError::validation(QStringLiteral("MFA device '%1' is not valid: it must be 9-256 characters of letters, digits and +=/:,.@-").arg(serial));
    if (code.isEmpty())
        return AwsError::validation(QStringLiteral("Enter the 6-digit code shown by MFA device %1").arg(serial));
    if (!matchesWhole(QStringLiteral("[0-9]{6}"), code))
        return AwsError::validation(QStringLiteral("The MFA code must be exactly 6 digits"));
    return std::nullopt;
}

std::optional<AwsError> checkPolicy(const QString &policy)
{
    if (policy.isEmpty())
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(policy.toUtf8(), &parseError);
    if (doc.isNull() || !doc.isObject())
        return AwsError::validation(QStringLiteral("The session policy is not a JSON object: %1 at offset %2")
                                        .arg(parseError.errorString()).arg(parseError.offset));
    // Measured as sent: the client sends the policy as typed, not a compacted copy.
    if (policy.size() > StsLimits::maxPolicyLength)
        return AwsError::validation(QStringLiteral("The session policy is %1 characters; STS takes at most %2 (remove spaces and line breaks, or shorten it)")
                                        .arg(policy.size()).arg(StsLimits::maxPolicyLength));
    for (const QChar c : policy) {
        if (c.unicode() > 0xff || (c.unicode() < 0x20 && c != u'\t' && c != u'\n' && c != u'\r'))
            return AwsError::validation(QStringLiteral("The session policy contains the character U+%1, which STS does not accept")
                                            .arg(c.unicode(), 4, 16, QLatin1Char('0')).toUpper());
    }
    return std::nullopt;
}

std::optional<AwsError> checkSessionName(const QString &name)
{
    if (name.size() < 2 || name.size() > 64 || !matchesWhole(QStringLiteral("[\\w+=,.@-]+"), name))
        return AwsError::validation(QStringLiteral("Session name '%1' is not valid: use 2-64 letters, digits or +=,.@_-").arg(name));
    return std::nullopt;
}

} // namespace

Outcome<ValidatedAssumeRole> validateAssumeRole(AssumeRoleRequest request, bool callerIsAssumedRole)
{
    const auto arn = parseRoleArn(request.roleArn);
    if (!arn)
        return arn.error();
    if (auto nameError = checkSessionName(request.roleSessionName))
        return *nameError;
    if (!request.externalId.isEmpty()
        && (request.externalId.size() < 2 || request.externalId.size() > 1224
            || !matchesWhole(QStringLiteral("[\\w+=,.@:/-]+"), request.externalId)))
        return AwsError::validation(QStringLiteral("External ID is not valid: use 2-1224 letters, digits or +=,.@:/_-"));
    if (auto mfaError = checkMfa(request.serialNumber, request.tokenCode))
        return *mfaError;
    if (auto policyError = checkPolicy(request.policy))
        return *policyError;
    if (request.durationSeconds < StsLimits::minDuration || request.durationSeconds > StsLimits::maxAssumeRoleDuration)
        return AwsError::validation(QStringLiteral("Session duration %1 s is out of range: AssumeRole allows %2 to %3 seconds (15 minutes to 12 hours), and no more than the role's maximum")
                                        .arg(request.durationSeconds).arg(StsLimits::minDuration).arg(StsLimits::maxAssumeRoleDuration));
    ValidatedAssumeRole validated{std::move(request), QString()};
    if (callerIsAssumedRole && validated.request.durationSeconds > StsLimits::roleChainingMaxDuration) {
        validated.notice = QStringLiteral("Asked for %1 s, but a role assumed from another role session (role chaining) lasts at most 1 hour: asking for 3600 s")
                               .arg(validated.request.durationSeconds);
        validated.request.durationSeconds = StsLimits::roleChainingMaxDuration;
    }
    return validated;
}

Outcome<SessionTokenRequest> validateSessionToken(const SessionTokenRequest &request)
{
    if (request.durationSeconds < StsLimits::minDuration || request.durationSeconds > StsLimits::maxSessionTokenDuration)
        return AwsError::validation(QStringLiteral("Session duration %1 s is out of range: GetSessionToken allows %2 to %3 seconds (15 minutes to 36 hours)")
                                        .arg(request.durationSeconds).arg(StsLimits::minDuration).arg(StsLimits::maxSessionTokenDuration));
    if (auto mfaError = checkMfa(request.serialNumber, request.tokenCode))
        return *mfaError;
    return request;
}

Outcome<AssumeRoleWithWebIdentityRequest> validateAssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest request)
{
    const auto arn = parseRoleArn(request.roleArn);
    if (!arn)
        return arn.error();
    if (auto nameError = checkSessionName(request.roleSessionName))
        return *nameError;
    // The token's own text never goes into a message: only its size.
    if (request.webIdentityToken.size() < StsLimits::minWebIdentityTokenLength
        || request.webIdentityToken.size() > StsLimits::maxWebIdentityTokenLength)
        return AwsError::validation(QStringLiteral("The web identity token is %1 characters; STS takes %2 to %3 (sign in again to get a new ID token)")
                                        .arg(request.webIdentityToken.size()).arg(StsLimits::minWebIdentityTokenLength)
                                        .arg(StsLimits::maxWebIdentityTokenLength));
    if (auto policyError = checkPolicy(request.policy))
        return *policyError;
    if (request.durationSeconds < StsLimits::minDuration || request.durationSeconds > StsLimits::maxAssumeRoleDuration)
        return AwsError::validation(QStringLiteral("Session duration %1 s is out of range: AssumeRoleWithWebIdentity allows %2 to %3 seconds (15 minutes to 12 hours), and no more than the role's maximum")
                                        .arg(request.durationSeconds).arg(StsLimits::minDuration).arg(StsLimits::maxAssumeRoleDuration));
    return request;
}

QString defaultSessionName(const QString &hint)
{
    QString name;
    for (const QChar c : hint) {
        if (c.isLetterOrNumber() && c.unicode() < 128)
            name += c;
        else if (QStringLiteral("+=,.@_-").contains(c))
            name += c;
    }
    if (name.size() < 2)
        name = QStringLiteral("roledrop-") + name;
    return name.left(64);
}

} // namespace RoleDrop::Sts
