#include "core/auth/oidc_token_client.h"

#include "core/auth/oidc_http.h"

namespace RoleDrop::Auth {

OidcTokenClient::OidcTokenClient(Http::AwsHttpClient *http, QUrl tokenEndpoint, QString clientId, QString clientSecret,
                                 Http::TlsTrust tls)
    : m_http(http), m_tokenEndpoint(std::move(tokenEndpoint)), m_clientId(std::move(clientId)),
      m_clientSecret(std::move(clientSecret)), m_tls(std::move(tls))
{
}

Outcome<OidcTokens> OidcTokenClient::parseTokenResponse(const QJsonObject &answer, const QDateTime &receivedAt,
                                                        bool idTokenRequired)
{
    OidcTokens tokens;
    tokens.idToken = answer.value(QLatin1String("id_token")).toString();
    tokens.accessToken = answer.value(QLatin1String("access_token")).toString();
    tokens.refreshToken = answer.value(QLatin1String("refresh_token")).toString();
    tokens.tokenType = answer.value(QLatin1String("token_type")).toString();
    tokens.scope = answer.value(QLatin1String("scope")).toString();
    const QJsonValue expiresIn = answer.value(QLatin1String("expires_in"));
    if (expiresIn.isDouble() && expiresIn.toDouble() > 0)
        tokens.accessTokenExpiresAt = receivedAt.toUTC().addSecs(qint64(expiresIn.toDouble()));
    if (tokens.accessToken.isEmpty())
        return AwsError::local(AwsErrorKind::MalformedResponse,
                               QStringLiteral("The token endpoint's answer has no access_token"));
    if (idTokenRequired && tokens.idToken.isEmpty())
        return AwsError::local(AwsErrorKind::MalformedResponse,
                               QStringLiteral("The token endpoint's answer has no id_token: the sign-in must ask for the openid scope"));
    return tokens;
}

QList<std::pair<QByteArray, QByteArray>> OidcTokenClient::authenticate(QList<std::pair<QString, QString>> &form) const
{
    if (m_clientSecret.isEmpty()) {
        form.append({QStringLiteral("client_id"), m_clientId});
        return {};
    }
    // client_secret_basic (RFC 6749 2.3.1): id and secret form-encoded, then joined and base64'd.
    const QByteArray pair = QUrl::toPercentEncoding(m_clientId) + ':' + QUrl::toPercentEncoding(m_clientSecret);
    return {{"authorization", "Basic " + pair.toBase64()}};
}

Http::AwsCall *OidcTokenClient::post(QList<std::pair<QString, QString>> form, const QString &action,
                                     bool idTokenRequired, const QString &keptRefreshToken, QObject *context,
                                     ResultHandler<OidcTokens> done) const
{
    const QList<std::pair<QByteArray, QByteArray>> headers = authenticate(form);
    const QString endpoint = m_tokenEndpoint.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
    const QString clientId = m_clientId;
    return OidcHttp::postForm(m_http, m_tokenEndpoint, m_tls, form, QStringLiteral("The OpenID provider's token endpoint"),
                              context, [=](Outcome<QJsonObject> answer) {
        if (!answer) {
            AwsError error = answer.error();
            error.action = action;
            error.identity = clientId;
            if (error.code == u"invalid_grant")
                error.advice = action == u"oidc:RefreshToken"
                    ? QStringLiteral("The provider no longer accepts the refresh token (expired, revoked or used): sign in again")
                    : QStringLiteral("The provider refused the sign-in's code (expired, used already, or the PKCE verifier or redirect URI differs): sign in again");
            else if (error.code == u"invalid_client" || error.code == u"unauthorized_client")
                error.advice = QStringLiteral("The provider does not know client '%1' or refuses its authentication at %2: check the profile's client id (and client secret)").arg(clientId, endpoint);
            return done(error);
        }
        auto tokens = parseTokenResponse(answer.value(), QDateTime::currentDateTimeUtc(), idTokenRequired);
        if (tokens && tokens->refreshToken.isEmpty())
            tokens.value().refreshToken = keptRefreshToken;
        done(tokens);
    }, headers);
}

Http::AwsCall *OidcTokenClient::exchangeCode(const AuthorizationCodeGrant &grant, QObject *context,
                                             ResultHandler<OidcTokens> done) const
{
    return post({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                 {QStringLiteral("code"), grant.code},
                 {QStringLiteral("redirect_uri"), grant.redirectUri},
                 {QStringLiteral("code_verifier"), grant.codeVerifier}},
                QStringLiteral("oidc:ExchangeCode"), true, QString(), context, std::move(done));
}

Http::AwsCall *OidcTokenClient::refresh(const QString &refreshToken, QObject *context, ResultHandler<OidcTokens> done) const
{
    return post({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                 {QStringLiteral("refresh_token"), refreshToken}},
                QStringLiteral("oidc:RefreshToken"), false, refreshToken, context, std::move(done));
}

Http::AwsCall *OidcTokenClient::revokeRefreshToken(const QUrl &revocationEndpoint, const QString &refreshToken,
                                                   QObject *context, ResultHandler<Done> done) const
{
    QList<std::pair<QString, QString>> form{{QStringLiteral("token"), refreshToken},
                                            {QStringLiteral("token_type_hint"), QStringLiteral("refresh_token")}};
    const QList<std::pair<QByteArray, QByteArray>> headers = authenticate(form);
    const QString clientId = m_clientId;
    return OidcHttp::postForm(m_http, revocationEndpoint, m_tls, form, QStringLiteral("The OpenID provider's revocation endpoint"),
                              context, [clientId, done = std::move(done)](Outcome<QJsonObject> answer) {
        if (!answer) {
            AwsError error = answer.error();
            error.action = QStringLiteral("oidc:RevokeToken");
            error.identity = clientId;
            return done(error);
        }
        done(Done{});  // RFC 7009 2.2: 200 also for a token the provider no longer knows
    }, headers);
}

} // namespace RoleDrop::Auth
