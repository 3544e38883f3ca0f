#pragma once

#include "core/auth/sso_types.h"
#include "core/common/outcome.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace RoleDrop::Auth {

// One profile of the AWS CLI's shared files, config and credentials merged.
struct AwsConfigProfile
{
    QString name;
    QString region;
    QString roleArn;
    QString sourceProfile;
    QString credentialSource; // Environment, Ec2InstanceMetadata, EcsContainer
    QString mfaSerial;
    QString externalId;
    int durationSeconds = 0; // 0: not set
    QString roleSessionName;
    QString endpointUrl;
    QString requestChecksumCalculation;  // request_checksum_calculation: when_supported / when_required
    QString responseChecksumValidation;  // response_checksum_validation: when_supported / when_required
    QString caBundle;         // ca_bundle: a PEM file of CAs added to the system's for this profile's endpoints
    QString accessKeyId;
    QString secretAccessKey;
    QString sessionToken;
    // IAM Identity Center: sso_session names an [sso-session NAME]; the legacy form puts sso_start_url and
    // sso_region in the profile itself.
    QString ssoSession;
    QString ssoAccountId;
    QString ssoRoleName;
    QString ssoStartUrl;
    QString ssoRegion;
    QString webIdentityTokenFile;  // web_identity_token_file (with role_arn: AssumeRoleWithWebIdentity)

    bool hasStaticCredentials() const { return !accessKeyId.isEmpty() && !secretAccessKey.isEmpty(); }
    // Its credentials come from an Identity Center sign-in (GetRoleCredentials): a base of its chain.
    bool usesSso() const { return !ssoSession.isEmpty() || !ssoStartUrl.isEmpty() || !ssoAccountId.isEmpty(); }
};

// ~/.aws/config and ~/.aws/credentials, read the way the AWS CLI reads them, and NEVER written:
// they belong to the user and to the CLI. Section names: [default] and [profile NAME] in config,
// [NAME] in credentials. Where both files set a property, the credentials file wins (botocore's
// rule). Broken lines do not make the load fail: they land in problems() as "file:line: what"
// and the rest of both files is used. Problems never quote a file's content, so never a secret.
class AwsSharedConfig
{
public:
    // Paths from AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (a leading ~ expanded), else
    // ~/.aws/config and ~/.aws/credentials.
    static AwsSharedConfig load();
    static AwsSharedConfig load(const QString &configPath, const QString &credentialsPath);
    static QString configPathFromEnvironment();
    static QString credentialsPathFromEnvironment();

    QString configPath() const { return m_configPath; }
    QString credentialsPath() const { return m_credentialsPath; }

    QStringList profileNames() const; // config's order, then profiles only in credentials
    std::optional<AwsConfigProfile> profile(const QString &name) const;

    // The profile first, then its source_profile, and so on down to the profile that holds the
    // base credentials (static keys, a credential_source, or an Identity Center sign-in: sso_*). Fails naming the profiles for a
    // missing profile or source, a source_profile cycle ("a -> b -> a"), a role_arn with no
    // source, or both source_profile and credential_source. A profile naming itself as source
    // is allowed when it has static keys, as in botocore.
    Outcome<QList<AwsConfigProfile>> resolveChain(const QString &name) const;

    QStringList ssoSessionNames() const;
    // An [sso-session NAME] section (sso_start_url, sso_region, sso_registration_scopes), as written.
    std::optional<SsoSessionConfig> ssoSession(const QString &name) const;
    // The sign-in a profile uses: its sso_session's (which must exist and name a start URL and region), or its
    // legacy sso_start_url + sso_region (registered without scopes, as the AWS CLI does: no refresh token).
    // Fails naming the profile and what is missing; a profile without sso_* keys is not an SSO profile.
    Outcome<SsoSessionConfig> ssoSessionOf(const AwsConfigProfile &profile) const;

    QStringList problems() const { return m_problems; }

private:
    QString m_configPath;
    QString m_credentialsPath;
    QList<AwsConfigProfile> m_profiles;
    QList<SsoSessionConfig> m_ssoSessions;
    QStringList m_problems;
};

} // namespace RoleDrop::Auth
