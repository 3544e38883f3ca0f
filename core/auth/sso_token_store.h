#pragma once

#include "core/auth/sso_oidc_client.h"
#include "core/auth/sso_types.h"
#include "core/common/async_result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace RoleDrop::Auth {

class KeychainStore;

// Where Identity Center sign-ins are kept: the token (access token, refresh token and the client registration
// they were made with) as JSON in the system keychain under "sso-token:" + the session's cacheKey(), and the
// client registrations under "sso-client:" + cacheKey() - never in a plain file. It also READS, never writes,
// the AWS CLI's cache (~/.aws/sso/cache/<sha1(cacheKey) hex>.json, what `aws sso login` writes): its access token
// is used while valid for the same start URL, but never refreshed here (the AWS CLI owns that refresh token).
// Operations follow core/common/async_result.h; errors never carry a secret.
class SsoTokenStore final
{
public:
    explicit SsoTokenStore(KeychainStore *keychain);

    static QString tokenKey(const SsoSessionConfig &config);
    static QString registrationKey(const SsoSessionConfig &config);
    // ~/.aws/sso/cache/<sha1 hex>.json (the home folder as QDir::homePath() gives it).
    static QString awsCliCachePath(const SsoSessionConfig &config);

    // The keychain's token when it is valid `marginSeconds` from now; else the AWS CLI's when that is (without its
    // refresh token); else the keychain's (expired, perhaps refreshable); nullopt when there is none.
    void readToken(const SsoSessionConfig &config, int marginSeconds, QObject *context,
                   ResultHandler<std::optional<SsoToken>> done);
    void writeToken(const SsoSessionConfig &config, const SsoToken &token, QObject *context, ResultHandler<Done> done);
    void removeToken(const SsoSessionConfig &config, QObject *context, ResultHandler<Done> done);

    // The client registrations, one per grant type asked for (the browser's and the device code's).
    void readRegistration(const SsoSessionConfig &config, const QString &grantType, QObject *context,
                          ResultHandler<std::optional<SsoClientRegistration>> done);
    void writeRegistration(const SsoSessionConfig &config, const QString &grantType,
                           const SsoClientRegistration &registration, QObject *context, ResultHandler<Done> done);

    // Drops what this process read from the keychain: the next read asks the keychain (another process may have
    // signed in meanwhile).
    void forgetCached(const SsoSessionConfig &config);

    // The AWS CLI's cached token for this session when it is valid `marginSeconds` from now and for the same start URL.
    static std::optional<SsoToken> awsCliToken(const SsoSessionConfig &config, const QDateTime &now, int marginSeconds);

    static QByteArray tokenToJson(const SsoToken &token);
    static std::optional<SsoToken> tokenFromJson(const QByteArray &json);

private:
    KeychainStore *m_keychain;
};

} // namespace RoleDrop::Auth
