#include "core/auth/sso_portal_client.h"

#include "core/http/aws_call.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace RoleDrop::Auth {

namespace {

SsoAccount accountFrom(const QJsonObject &o)
{
    return SsoAccount{o.value(QStringLiteral("accountId")).toString(), o.value(QStringLiteral("accountName")).toString(),
                      o.value(QStringLiteral("emailAddress")).toString(), {}};
}

QString roleNameFrom(const QJsonObject &o)
{
    return o.value(QStringLiteral("roleName")).toString();
}

} // namespace

SsoPortalClient::SsoPortalClient(Http::AwsHttpClient *http, SsoSessionConfig config, Http::TlsTrust tls)
    : m_http(http), m_config(std::move(config)), m_tls(std::move(tls))
{
}

QUrl SsoPortalClient::endpointFor(const SsoSessionConfig &config)
{
    if (!config.portalEndpoint.isEmpty())
        return config.portalEndpoint;
    const QString fromEnv = qEnvironmentVariable("AWS_ENDPOINT_URL_SSO");
    if (!fromEnv.isEmpty())
        return QUrl(fromEnv);
    return QUrl(QStringLiteral("https://portal.sso.%1.amazonaws.com").arg(config.region));
}

bool SsoPortalClient::needsSignIn(const AwsError &error)
{
    return error.code == QLatin1String("UnauthorizedException") || error.httpStatus == 401;
}

Http::AwsHttpRequest SsoPortalClient::request(const QByteArray &method, const QString &path, const QString &accessToken,
                                              QList<std::pair<QString, QString>> query) const
{
    const QUrl endpoint = endpointFor(m_config);
    Http::AwsHttpRequest r;
    r.method = method;
    r.baseUrl = endpoint.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    const QString prefix = endpoint.path().endsWith(QLatin1Char('/')) ? endpoint.path().chopped(1) : endpoint.path();
    r.path = prefix + path;
    r.query = std::move(query);
    r.headers = {{"x-amz-sso_bearer_token", accessToken.toUtf8()}};
    r.service = QStringLiteral("awsssoportal");
    r.region = m_config.region;
    r.tls = m_tls;
    r.anonymous = true;
    return r;
}

AwsError SsoPortalClient::errorFor(const Http::AwsHttpResponse &response, const QString &operation, const QString &resource) const
{
    const QJsonObject o = QJsonDocument::fromJson(response.body).object();
    AwsError error;
    error.httpStatus = response.status;
    error.code = QString::fromLatin1(response.header("x-amzn-ErrorType")).section(QLatin1Char(':'), 0, 0);
    if (error.code.isEmpty())
        error.code = o.value(QStringLiteral("__type")).toString().section(QLatin1Char('#'), -1);
    const QString serverMessage = o.value(QStringLiteral("message")).toString();
    error.action = QStringLiteral("sso:") + operation;
    error.resource = resource;
    const QString signIn = QStringLiteral("IAM Identity Center (%1)").arg(m_config.startUrl);
    if (response.status == 401 || error.code == QLatin1String("UnauthorizedException")) {
        error.kind = AwsErrorKind::ExpiredToken;
        error.message = QStringLiteral("The sign-in to %1 is no longer valid (expired or signed out). Sign in again.").arg(signIn);
    } else if (response.status == 403 || error.code == QLatin1String("ForbiddenException")) {
        error.kind = AwsErrorKind::AccessDenied;
        error.message = QStringLiteral("%1 gives you no access to %2.").arg(signIn, resource);
    } else if (response.status == 429 || error.code == QLatin1String("TooManyRequestsException")) {
        error.kind = AwsErrorKind::Throttled;
        error.message = QStringLiteral("%1 was asked too often. Try again in a moment.").arg(signIn);
    } else if (response.status == 404 || error.code == QLatin1String("ResourceNotFoundException")) {
        error.kind = AwsErrorKind::NotFound;
        error.message = QStringLiteral("%1 does not know %2.").arg(signIn, resource);
    } else if (response.status >= 500) {
        error.kind = AwsErrorKind::ServiceError;
        error.message = QStringLiteral("%1 failed on the server's side. Try again later.").arg(signIn);
    } else {
        error.kind = AwsErrorKind::InvalidParameter;
        error.message = QStringLiteral("%1 refused the request.").arg(signIn);
    }
    if (!serverMessage.isEmpty())
        error.message += QStringLiteral(" (%1)").arg(serverMessage);
    return error;
}

template <class Item>
void SsoPortalClient::fetchPage(Http::AwsCall *call, const QString &operation, const QString &path,
                                const QString &accessToken, QList<std::pair<QString, QString>> query,
                                const QString &nextToken, const QString &listName, Item (*item)(const QJsonObject &),
                                QList<Item> soFar, ResultHandler<QList<Item>> done) const
{
    QList<std::pair<QString, QString>> pageQuery = query;
    pageQuery.append({QStringLiteral("max_result"), QString::number(m_pageSize)});
    if (!nextToken.isEmpty())
        pageQuery.append({QStringLiteral("next_token"), nextToken});
    const SsoPortalClient self = *this;
    const QString resource = query.isEmpty() ? m_config.startUrl : query.first().second;
    m_http->send(call, nullptr, request("GET", path, accessToken, pageQuery),
                 [=, soFar = std::move(soFar)](Outcome<Http::AwsHttpResponse> response) mutable {
        if (!response) {
            AwsError error = response.error();
            error.action = QStringLiteral("sso:") + operation;
            return done(error);
        }
        if (response->status / 100 != 2)
            return done(self.errorFor(response.value(), operation, resource));
        const QJsonObject page = QJsonDocument::fromJson(response->body).object();
        if (!page.value(listName).isArray())
            return done(AwsError::local(AwsErrorKind::MalformedResponse,
                                        QStringLiteral("IAM Identity Center's %1 answer has no %2").arg(operation, listName)));
        for (const QJsonValue &v : page.value(listName).toArray())
            soFar.append(item(v.toObject()));
        const QString next = page.value(QStringLiteral("nextToken")).toString();
        if (next.isEmpty() || next == nextToken)
            return done(std::move(soFar));
        self.fetchPage(call, operation, path, accessToken, query, next, listName, item, std::move(soFar), done);
    });
}

Http::AwsCall *SsoPortalClient::listAccounts(const QString &accessToken, QObject *context,
                                             ResultHandler<QList<SsoAccount>> done) const
{
    Http::AwsCall *call = m_http->newCall(context);
    fetchPage<SsoAccount>(call, QStringLiteral("ListAccounts"), QStringLiteral("/assignment/accounts"), accessToken, {},
                          QString(), QStringLiteral("accountList"), accountFrom, {}, deliverTo(context, std::move(done)));
    return call;
}

Http::AwsCall *SsoPortalClient::listAccountRoles(const QString &accessToken, const QString &accountId, QObject *context,
                                                 ResultHandler<QStringList> done) const
{
    Http::AwsCall *call = m_http->newCall(context);
    fetchPage<QString>(call, QStringLiteral("ListAccountRoles"), QStringLiteral("/assignment/roles"), accessToken,
                       {{QStringLiteral("account_id"), accountId}}, QString(), QStringLiteral("roleList"), roleNameFrom,
                       {}, deliverTo<QList<QString>>(context, [done = std::move(done)](Outcome<QList<QString>> r) {
                           if (!r)
                               return done(r.error());
                           done(QStringList(r.value()));
                       }));
    return call;
}

Http::AwsCall *SsoPortalClient::getRoleCredentials(const QString &accessToken, const QString &accountId,
                                                   const QString &roleName, QObject *context,
                                                   ResultHandler<AwsCredentials> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    const SsoPortalClient self = *this;
    const QString resource = QStringLiteral("%1 in account %2").arg(roleName, accountId);
    m_http->send(call, nullptr,
                 request("GET", QStringLiteral("/federation/credentials"), accessToken,
                         {{QStringLiteral("role_name"), roleName}, {QStringLiteral("account_id"), accountId}}),
                 [=](Outcome<Http::AwsHttpResponse> response) {
        if (!response) {
            AwsError error = response.error();
            error.action = QStringLiteral("sso:GetRoleCredentials");
            error.resource = resource;
            return done(error);
        }
        if (response->status / 100 != 2)
            return done(self.errorFor(response.value(), QStringLiteral("GetRoleCredentials"), resource));
        const QJsonObject c = QJsonDocument::fromJson(response->body).object().value(QStringLiteral("roleCredentials")).toObject();
        AwsCredentials credentials(c.value(QStringLiteral("accessKeyId")).toString(),
                                   c.value(QStringLiteral("secretAccessKey")).toString(),
                                   c.value(QStringLiteral("sessionToken")).toString(),
                                   QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(c.value(QStringLiteral("expiration")).toDouble()),
                                                                  Qt::UTC));
        if (!credentials.isValid() || credentials.sessionToken.isEmpty() || c.value(QStringLiteral("expiration")).toDouble() <= 0)
            return done(AwsError::local(AwsErrorKind::MalformedResponse,
                                        QStringLiteral("IAM Identity Center's GetRoleCredentials answer has no complete roleCredentials")));
        done(std::move(credentials));
    });
    return call;
}

Http::AwsCall *SsoPortalClient::logout(const QString &accessToken, QObject *context, ResultHandler<Done> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    const SsoPortalClient self = *this;
    m_http->send(call, nullptr, request("POST", QStringLiteral("/logout"), accessToken, {}),
                 [=](Outcome<Http::AwsHttpResponse> response) {
        if (!response)
            return done(response.error());
        if (response->status / 100 != 2)
            return done(self.errorFor(response.value(), QStringLiteral("Logout"), self.m_config.startUrl));
        done(Done{});
    });
    return call;
}

} // namespace RoleDrop::Auth
