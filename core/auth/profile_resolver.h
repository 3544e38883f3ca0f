#pragma once

#include "core/auth/sso_types.h"
#include "core/common/aws_credentials.h"
#include "core/http/endpoint_config.h"
#include "core/common/async_result.h"
#include "core/sts/sts_requests.h"

#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace RoleDrop::Auth {

class KeychainStore;
class ProfileStore;
class AwsSharedConfig;

// An IAM Identity Center profile's first credentials: an account's role, after sign-in (GetRoleCredentials).
struct IdentityCenterSource
{
    SsoSessionConfig session;
    QString accountId;
    QString roleName;
    SsoSignInMethod method = SsoSignInMethod::Automatic;
};

// A web identity's first credentials: AssumeRoleWithWebIdentity with an ID token, read from a file (~/.aws's
// web_identity_token_file, the EKS / CI form) or got by signing in to an OpenID provider.
struct WebIdentitySource
{
    QString roleArn;
    QString roleSessionName;
    QString tokenFile;            // ~/.aws: read again at every renewal
    QString issuer;               // RoleDrop's OpenID Connect profiles: sign in here
    QString clientId;
    QString scopes;
    SsoSignInMethod method = SsoSignInMethod::Automatic;
};

// A profile turned into what requests need: the base credentials, where to send requests, and the
// roles to assume on top (a ~/.aws profile with role_arn/source_profile gives one step per link).
struct ResolvedProfile
{
    QString name;
    QString source;                 // "keychain", "~/.aws", "environment"
    AwsCredentials baseCredentials;           // empty for a federated profile: see identityCenter, webIdentity
    std::optional<IdentityCenterSource> identityCenter;
    std::optional<WebIdentitySource> webIdentity;
    Http::EndpointConfig endpoint;
    QString mfaSerial;
    QList<Sts::AssumeRoleRequest> roleSteps;  // in order, from the base outwards
    // The profile's own checksum settings (~/.aws: request_checksum_calculation, response_checksum_validation),
    // as written; core/session weighs them against AWS_REQUEST_CHECKSUM_CALCULATION / ..._VALIDATION.
    QString requestChecksumCalculation;
    QString responseChecksumValidation;
    // The CA file the profile names (RoleDrop's CA file setting, or ca_bundle in ~/.aws), not read yet: core/session
    // reads it with those of --ca-bundle and AWS_CA_BUNDLE.
    QString caFile;
    QString caFileOrigin;                     // e.g. "ca_bundle of profile 'rgw' in ~/.aws/config"
};

// Looks a profile up in RoleDrop's own store first (secret from the keychain), then in ~/.aws;
// with no name: the environment's credentials, then ~/.aws's default profile.
// By the async contract of core/common/async_result.h.
void resolveProfile(const QString &name, const ProfileStore &profiles, KeychainStore &keychain,
                    const AwsSharedConfig &awsConfig, QObject *context, ResultHandler<ResolvedProfile> done);

} // namespace RoleDrop::Auth
