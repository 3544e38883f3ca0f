#pragma once

#include "core/auth/sso_types.h"
#include "core/common/async_result.h"
#include "core/http/tls_trust.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace RoleDrop::Http {
class AwsCall;
class AwsHttpClient;
}

namespace RoleDrop::Auth {

// The grant types of OAuth 2.0 as SSO OIDC names them.
inline const QString ssoGrantAuthorizationCode = QStringLiteral("authorization_code");
inline const QString ssoGrantDeviceCode = QStringLiteral("urn:ietf:params:oauth:grant-type:device_code");
inline const QString ssoGrantRefreshToken = QStringLiteral("refresh_token");

// What RegisterClient gives: a public client of Identity Center's OIDC service. The secret is a secret.
struct SsoClientRegistration
{
    QString clientId;
    QString clientSecret;
    QDateTime expiresAt;          // clientSecretExpiresAt, UTC
    QStringList grantTypes;       // what it was registered for
    QStringList scopes;
    QUrl authorizationEndpoint;   // where the browser signs in (authorization code flow)

    bool isUsableAt(const QDateTime &now, const QString &grantType, const QStringList &wantedScopes) const
    {
        return !clientId.isEmpty() && !clientSecret.isEmpty() && expiresAt.isValid() && now.addSecs(300) < expiresAt
            && grantTypes.contains(grantType) && scopes == wantedScopes;
    }
};

// StartDeviceAuthorization's answer: what the user confirms, and the device code polled with (a secret).
struct SsoDeviceAuthorization
{
    SsoDeviceCode shown;
    QString deviceCode;
    int intervalSeconds = 5;
};

// CreateToken's answer (any grant): every member but the date is a secret.
struct SsoTokenGrant
{
    QString accessToken;
    QDateTime expiresAt;          // UTC, from expiresIn
    QString refreshToken;         // empty when none was given
};

// IAM Identity Center's OIDC API (SSO OIDC, rest-json, unsigned): RegisterClient, StartDeviceAuthorization and
// CreateToken for the device code, authorization code (PKCE) and refresh grants. A small value: copy it freely.
// Errors keep the OAuth error as AwsError::code ("authorization_pending", "slow_down", "expired_token",
// "invalid_grant", "access_denied", "invalid_client"...) and say in `message` what happened to the sign-in of the
// start URL and what to do; never a token, secret or code. Operations follow core/common/async_result.h.
class SsoOidcClient final
{
public:
    SsoOidcClient(Http::AwsHttpClient *http, SsoSessionConfig config, Http::TlsTrust tls = {});

    // https://oidc.REGION.amazonaws.com, unless the config's oidcEndpoint or AWS_ENDPOINT_URL_SSO_OIDC names one.
    static QUrl endpointFor(const SsoSessionConfig &config);
    const SsoSessionConfig &config() const { return m_config; }

    // A public client for `grantTypes` (plus refresh_token when the config has scopes); `redirectUris` for the
    // authorization code grant (a loopback http://127.0.0.1/oauth/callback matches any port).
    Http::AwsCall *registerClient(const QString &clientName, const QStringList &grantTypes, const QStringList &redirectUris,
                                  QObject *context, ResultHandler<SsoClientRegistration> done) const;
    Http::AwsCall *startDeviceAuthorization(const SsoClientRegistration &client, QObject *context,
                                            ResultHandler<SsoDeviceAuthorization> done) const;
    Http::AwsCall *createTokenWithDeviceCode(const SsoClientRegistration &client, const QString &deviceCode,
                                             QObject *context, ResultHandler<SsoTokenGrant> done) const;
    Http::AwsCall *createTokenWithAuthorizationCode(const SsoClientRegistration &client, const QString &code,
                                                    const QString &codeVerifier, const QUrl &redirectUri,
                                                    QObject *context, ResultHandler<SsoTokenGrant> done) const;
    Http::AwsCall *createTokenWithRefreshToken(const SsoClientRegistration &client, const QString &refreshToken,
                                               QObject *context, ResultHandler<SsoTokenGrant> done) const;

private:
    Http::AwsCall *createToken(const QJsonObject &body, const QString &grantType, QObject *context,
                               ResultHandler<SsoTokenGrant> done) const;
    template <class T>
    Http::AwsCall *post(const QString &operation, const QString &path, const QJsonObject &body,
                        Outcome<T> (*parse)(const QJsonObject &), QObject *context, ResultHandler<T> done) const;

    Http::AwsHttpClient *m_http;
    SsoSessionConfig m_config;
    Http::TlsTrust m_tls;
};

// The AwsError for an SSO OIDC error answer: the OAuth error kept as code, a message naming the start URL.
AwsError ssoOidcError(int httpStatus, const QByteArray &body, const QByteArray &errorType, const QString &startUrl,
                      const QString &operation);

} // namespace RoleDrop::Auth
