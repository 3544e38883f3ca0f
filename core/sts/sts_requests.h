#pragma once

#include "core/common/outcome.h"

#include <QString>

namespace RoleDrop::Sts {

// The parameters of STS AssumeRole, as the API names them.
struct AssumeRoleRequest
{
    QString roleArn;
    QString roleSessionName;
    int durationSeconds = 3600;
    QString externalId;
    QString serialNumber;   // MFA device
    QString tokenCode;      // MFA code: a secret, never logged
    QString policy;         // inline session policy (JSON)
};

// The parameters of STS AssumeRoleWithWebIdentity: an OpenID Connect ID token is the credential, so the request
// is sent unsigned.
struct AssumeRoleWithWebIdentityRequest
{
    QString roleArn;
    QString roleSessionName;
    QString webIdentityToken;  // the ID token (a JWT): a secret, never logged or quoted in an error
    int durationSeconds = 3600;
    QString policy;            // inline session policy (JSON)
};

struct SessionTokenRequest
{
    int durationSeconds = 43200;
    QString serialNumber;
    QString tokenCode;
};

// STS's documented limits, checked before any request so the user sees what to fix at once.
namespace StsLimits {
constexpr int minDuration = 900;
constexpr int maxAssumeRoleDuration = 43200;
constexpr int maxSessionTokenDuration = 129600;
constexpr int roleChainingMaxDuration = 3600;
constexpr int maxPolicyLength = 2048;
constexpr int minWebIdentityTokenLength = 4;
constexpr int maxWebIdentityTokenLength = 20000;
} // namespace StsLimits

// A request ready to send, and what was changed on the way (e.g. the role-chaining cap).
struct ValidatedAssumeRole
{
    AssumeRoleRequest request;
    QString notice;  // empty, or why the request differs from what was asked
};

// `callerIsAssumedRole`: the caller is itself a role session, so AWS caps the new session at one hour.
Outcome<ValidatedAssumeRole> validateAssumeRole(AssumeRoleRequest request, bool callerIsAssumedRole);
Outcome<SessionTokenRequest> validateSessionToken(const SessionTokenRequest &request);
Outcome<AssumeRoleWithWebIdentityRequest> validateAssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest request);

// A session name AWS accepts, derived from a user name or anything else (e.g. "james@laptop" -> "james@laptop").
QString defaultSessionName(const QString &hint);

} // namespace RoleDrop::Sts
