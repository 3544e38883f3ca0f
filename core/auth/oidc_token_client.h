#pragma once

#include "core/common/async_result.h"
#include "core/http/tls_trust.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace RoleDrop::Http {
class AwsCall;
class AwsHttpClient;
}

namespace RoleDrop::Auth {

// What a token endpoint answers (RFC 6749 5.1, OpenID Connect Core 3.1.3.3). All of it is secret.
struct OidcTokens
{
    QString idToken;
    QString accessToken;
    QString refreshToken;            // empty when the provider gave none (no offline_access)
    QString tokenType;
    QString scope;
    QDateTime accessTokenExpiresAt;  // invalid when the provider did not say
};

// The authorization code grant's request, after the browser came back (RFC 6749 4.1.3, RFC 7636 4.5).
struct AuthorizationCodeGrant
{
    QString code;
    QString codeVerifier;
    QString redirectUri;  // exactly the one of the authorization request
};

// Form POSTs to an OpenID Provider's token endpoint, through the HTTP client as anonymous requests: the
// authorization_code grant with PKCE, and the refresh_token grant; and the refresh token's revocation. A public client sends its client_id in the
// form; a confidential one authenticates with HTTP Basic (client_secret_basic). OAuth errors arrive as AwsError
// with the provider's code (invalid_grant: kind ExpiredToken) and advice; no error text contains a token, code,
// verifier or secret.
class OidcTokenClient final
{
public:
    OidcTokenClient(Http::AwsHttpClient *http, QUrl tokenEndpoint, QString clientId, QString clientSecret = {},
                    Http::TlsTrust tls = {});

    Http::AwsCall *exchangeCode(const AuthorizationCodeGrant &grant, QObject *context,
                                ResultHandler<OidcTokens> done) const;
    // A refresh answer without a new refresh token keeps `refreshToken` (RFC 6749 6: the provider may keep it).
    Http::AwsCall *refresh(const QString &refreshToken, QObject *context, ResultHandler<OidcTokens> done) const;

    // RFC 7009: the provider forgets the refresh token (and, by most, the grant behind it). `revocationEndpoint` is
    // discovery's revocation_endpoint; the client authenticates as at the token endpoint.
    Http::AwsCall *revokeRefreshToken(const QUrl &revocationEndpoint, const QString &refreshToken, QObject *context,
                                      ResultHandler<Done> done) const;

    static Outcome<OidcTokens> parseTokenResponse(const QJsonObject &answer, const QDateTime &receivedAt,
                                                  bool idTokenRequired);

private:
    // A public client names itself in the form; a confidential one gets the Basic authorization header returned.
    QList<std::pair<QByteArray, QByteArray>> authenticate(QList<std::pair<QString, QString>> &form) const;
    Http::AwsCall *post(QList<std::pair<QString, QString>> form, const QString &action, bool idTokenRequired,
                        const QString &keptRefreshToken, QObject *context, ResultHandler<OidcTokens> done) const;

    Http::AwsHttpClient *m_http;
    QUrl m_tokenEndpoint;
    QString m_clientId;
    QString m_clientSecret;
    Http::TlsTrust m_tls;
};

} // namespace RoleDrop::Auth
