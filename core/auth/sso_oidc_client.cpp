#include "core/auth/sso_oidc_client.h"

#include "core/http/aws_call.h"
#include "core/http/aws_http_client.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace RoleDrop::Auth {

namespace {

QJsonArray toJsonArray(const QStringList &list)
{
    QJsonArray array;
    for (const QString &s : list)
        array.append(s);
    return array;
}

QDateTime inSeconds(const QJsonValue &seconds)
{
    return QDateTime::currentDateTimeUtc().addSecs(static_cast<qint64>(seconds.toDouble()));
}

AwsError malformed(const QString &operation, const QString &what)
{
    AwsError error = AwsError::local(AwsErrorKind::MalformedResponse,
                                     QStringLiteral("IAM Identity Center's %1 answer has no %2").arg(operation, what));
    error.action = QStringLiteral("sso-oidc:") + operation;
    return error;
}

Outcome<SsoClientRegistration> parseRegistration(const QJsonObject &o)
{
    SsoClientRegistration r;
    r.clientId = o.value(QStringLiteral("clientId")).toString();
    r.clientSecret = o.value(QStringLiteral("clientSecret")).toString();
    r.expiresAt = QDateTime::fromSecsSinceEpoch(static_cast<qint64>(o.value(QStringLiteral("clientSecretExpiresAt")).toDouble()),
                                                Qt::UTC);
    r.authorizationEndpoint = QUrl(o.value(QStringLiteral("authorizationEndpoint")).toString());
    if (r.clientId.isEmpty() || r.clientSecret.isEmpty())
        return malformed(QStringLiteral("RegisterClient"), QStringLiteral("clientId or clientSecret"));
    return r;
}

Outcome<SsoDeviceAuthorization> parseDeviceAuthorization(const QJsonObject &o)
{
    SsoDeviceAuthorization d;
    d.deviceCode = o.value(QStringLiteral("deviceCode")).toString();
    d.shown.userCode = o.value(QStringLiteral("userCode")).toString();
    d.shown.verificationUri = QUrl(o.value(QStringLiteral("verificationUri")).toString());
    d.shown.verificationUriComplete = QUrl(o.value(QStringLiteral("verificationUriComplete")).toString());
    d.shown.expiresAt = inSeconds(o.value(QStringLiteral("expiresIn")));
    d.intervalSeconds = o.value(QStringLiteral("interval")).toInt(5);  // RFC 8628: 5 s when none is given
    if (d.deviceCode.isEmpty() || d.shown.userCode.isEmpty() || !d.shown.verificationUri.isValid())
        return malformed(QStringLiteral("StartDeviceAuthorization"), QStringLiteral("device code, user code or verification URI"));
    return d;
}

Outcome<SsoTokenGrant> parseToken(const QJsonObject &o)
{
    SsoTokenGrant t;
    t.accessToken = o.value(QStringLiteral("accessToken")).toString();
    t.refreshToken = o.value(QStringLiteral("refreshToken")).toString();
    t.expiresAt = inSeconds(o.value(QStringLiteral("expiresIn")));
    if (t.accessToken.isEmpty() || o.value(QStringLiteral("expiresIn")).toDouble() <= 0)
        return malformed(QStringLiteral("CreateToken"), QStringLiteral("accessToken or expiresIn"));
    return t;
}

} // namespace

AwsError ssoOidcError(int httpStatus, const QByteArray &body, const QByteArray &errorType, const QString &startUrl,
                      const QString &operation)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    QString code = o.value(QStringLiteral("error")).toString();
    QString exception = QString::fromLatin1(errorType).section(QLatin1Char(':'), 0, 0);
    if (exception.isEmpty())
        exception = o.value(QStringLiteral("__type")).toString().section(QLatin1Char('#'), -1);
    if (code.isEmpty())
        code = exception;
    const QString description = o.value(QStringLiteral("error_description")).toString();
    const QString signIn = QStringLiteral("The IAM Identity Center sign-in to %1").arg(startUrl);

    AwsError error;
    error.httpStatus = httpStatus;
    error.code = code;
    error.action = QStringLiteral("sso-oidc:") + operation;
    error.resource = startUrl;
    QString what;
    if (code == QLatin1String("authorization_pending")) {
        error.kind = AwsErrorKind::ServiceError;
        what = signIn + QStringLiteral(" is waiting for the code to be confirmed in the browser.");
    } else if (code == QLatin1String("slow_down")) {
        error.kind = AwsErrorKind::Throttled;
        what = signIn + QStringLiteral(" was asked too often whether the code is confirmed; waiting longer.");
    } else if (code == QLatin1String("expired_token")) {
        error.kind = AwsErrorKind::ExpiredToken;
        what = signIn + QStringLiteral(" expired before the code was confirmed. Sign in again and confirm the code in time.");
    } else if (code == QLatin1String("access_denied")) {
        error.kind = AwsErrorKind::AccessDenied;
        what = signIn + QStringLiteral(" was denied in the browser. Sign in again and choose Allow to let RoleDrop use your accounts.");
    } else if (code == QLatin1String("invalid_grant")) {
        error.kind = AwsErrorKind::ExpiredToken;
        what = signIn + QStringLiteral(" is no longer valid (ended, expired or already used). Sign in again.");
    } else if (code == QLatin1String("invalid_client") || code == QLatin1String("unauthorized_client")) {
        error.kind = AwsErrorKind::InvalidClientTokenId;
        what = signIn + QStringLiteral(" was refused for RoleDrop's client registration; sign in again to register anew.");
    } else if (code == QLatin1String("invalid_scope")) {
        error.kind = AwsErrorKind::InvalidParameter;
        what = signIn + QStringLiteral(" was refused for its scopes: check sso_registration_scopes.");
    } else if (httpStatus >= 500) {
        error.kind = AwsErrorKind::ServiceError;
        what = signIn + QStringLiteral(" failed on the server's side. Try again later.");
    } else {
        error.kind = AwsErrorKind::InvalidParameter;
        what = signIn + QStringLiteral(" was refused (%1). Check the start URL and region.").arg(exception.isEmpty() ? code : exception);
    }
    error.message = description.isEmpty() ? what : QStringLiteral("%1 (%2)").arg(what, description);
    return error;
}

SsoOidcClient::SsoOidcClient(Http::AwsHttpClient *http, SsoSessionConfig config, Http::TlsTrust tls)
    : m_http(http), m_config(std::move(config)), m_tls(std::move(tls))
{
}

QUrl SsoOidcClient::endpointFor(const SsoSessionConfig &config)
{
    if (!config.oidcEndpoint.isEmpty())
        return config.oidcEndpoint;
    const QString fromEnv = qEnvironmentVariable("AWS_ENDPOINT_URL_SSO_OIDC");
    if (!fromEnv.isEmpty())
        return QUrl(fromEnv);
    return QUrl(QStringLiteral("https://oidc.%1.amazonaws.com").arg(config.region));
}

template <class T>
Http::AwsCall *SsoOidcClient::post(const QString &operation, const QString &path, const QJsonObject &body,
                                   Outcome<T> (*parse)(const QJsonObject &), QObject *context, ResultHandler<T> done) const
{
    done = deliverTo(context, std::move(done));
    const QUrl endpoint = endpointFor(m_config);
    Http::AwsHttpRequest request;
    request.method = "POST";
    request.baseUrl = endpoint.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    const QString prefix = endpoint.path().endsWith(QLatin1Char('/')) ? endpoint.path().chopped(1) : endpoint.path();
    request.path = prefix + path;
    request.headers = {{"content-type", "application/json"}};
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.service = QStringLiteral("sso-oauth");
    request.region = m_config.region;
    request.tls = m_tls;
    request.anonymous = true;

    Http::AwsCall *call = m_http->newCall(context);
    const QString startUrl = m_config.startUrl;
    m_http->send(call, nullptr, request, [=](Outcome<Http::AwsHttpResponse> response) {
        if (!response) {
            AwsError error = response.error();
            error.action = QStringLiteral("sso-oidc:") + operation;
            error.resource = startUrl;
            return done(error);
        }
        if (response->status / 100 != 2)
            return done(ssoOidcError(response->status, response->body, response->header("x-amzn-ErrorType"), startUrl, operation));
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(response->body, &parseError);
        if (!doc.isObject())
            return done(malformed(operation, QStringLiteral("JSON object")));
        done(parse(doc.object()));
    });
    return call;
}

Http::AwsCall *SsoOidcClient::registerClient(const QString &clientName, const QStringList &grantTypes,
                                             const QStringList &redirectUris, QObject *context,
                                             ResultHandler<SsoClientRegistration> done) const
{
    QStringList grants = grantTypes;
    if (!m_config.registrationScopes.isEmpty() && !grants.contains(ssoGrantRefreshToken))
        grants.append(ssoGrantRefreshToken);
    QJsonObject body{{QStringLiteral("clientName"), clientName}, {QStringLiteral("clientType"), QStringLiteral("public")}};
    if (!m_config.registrationScopes.isEmpty())
        body.insert(QStringLiteral("scopes"), toJsonArray(m_config.registrationScopes));
    body.insert(QStringLiteral("grantTypes"), toJsonArray(grants));
    if (!redirectUris.isEmpty())
        body.insert(QStringLiteral("redirectUris"), toJsonArray(redirectUris));
    if (grants.contains(ssoGrantAuthorizationCode))
        body.insert(QStringLiteral("issuerUrl"), m_config.startUrl);
    const QStringList scopes = m_config.registrationScopes;
    return post<SsoClientRegistration>(QStringLiteral("RegisterClient"), QStringLiteral("/client/register"), body,
                                       parseRegistration, context,
                                       [grants, scopes, done = std::move(done)](Outcome<SsoClientRegistration> result) {
        if (result) {
            result.value().grantTypes = grants;
            result.value().scopes = scopes;
        }
        done(result);
    });
}

Http::AwsCall *SsoOidcClient::startDeviceAuthorization(const SsoClientRegistration &client, QObject *context,
                                                       ResultHandler<SsoDeviceAuthorization> done) const
{
    const QJsonObject body{{QStringLiteral("clientId"), client.clientId},
                           {QStringLiteral("clientSecret"), client.clientSecret},
                           {QStringLiteral("startUrl"), m_config.startUrl}};
    return post<SsoDeviceAuthorization>(QStringLiteral("StartDeviceAuthorization"), QStringLiteral("/device_authorization"),
                                        body, parseDeviceAuthorization, context, std::move(done));
}

Http::AwsCall *SsoOidcClient::createToken(const QJsonObject &fields, const QString &grantType, QObject *context,
                                          ResultHandler<SsoTokenGrant> done) const
{
    QJsonObject body = fields;
    body.insert(QStringLiteral("grantType"), grantType);
    return post<SsoTokenGrant>(QStringLiteral("CreateToken"), QStringLiteral("/token"), body, parseToken, context,
                               std::move(done));
}

Http::AwsCall *SsoOidcClient::createTokenWithDeviceCode(const SsoClientRegistration &client, const QString &deviceCode,
                                                        QObject *context, ResultHandler<SsoTokenGrant> done) const
{
    return createToken({{QStringLiteral("clientId"), client.clientId},
                        {QStringLiteral("clientSecret"), client.clientSecret},
                        {QStringLiteral("deviceCode"), deviceCode}},
                       ssoGrantDeviceCode, context, std::move(done));
}

Http::AwsCall *SsoOidcClient::createTokenWithAuthorizationCode(const SsoClientRegistration &client, const QString &code,
                                                               const QString &codeVerifier, const QUrl &redirectUri,
                                                               QObject *context, ResultHandler<SsoTokenGrant> done) const
{
    return createToken({{QStringLiteral("clientId"), client.clientId},
                        {QStringLiteral("clientSecret"), client.clientSecret},
                        {QStringLiteral("code"), code},
                        {QStringLiteral("codeVerifier"), codeVerifier},
                        {QStringLiteral("redirectUri"), redirectUri.toString()}},
                       ssoGrantAuthorizationCode, context, std::move(done));
}

Http::AwsCall *SsoOidcClient::createTokenWithRefreshToken(const SsoClientRegistration &client, const QString &refreshToken,
                                                          QObject *context, ResultHandler<SsoTokenGrant> done) const
{
    return createToken({{QStringLiteral("clientId"), client.clientId},
                        {QStringLiteral("clientSecret"), client.clientSecret},
                        {QStringLiteral("refreshToken"), refreshToken}},
                       ssoGrantRefreshToken, context, std::move(done));
}

} // namespace RoleDrop::Auth
