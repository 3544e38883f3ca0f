#pragma once

#include "core/auth/sso_types.h"
#include "core/common/async_result.h"
#include "core/common/aws_credentials.h"
#include "core/http/aws_http_client.h"
#include "core/http/tls_trust.h"

#include <QJsonObject>

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace RoleDrop::Auth {

// IAM Identity Center's portal API (SSO, rest-json, unsigned; the access token in x-amz-sso_bearer_token):
// the accounts and roles the signed-in user may use, a role's credentials, and Logout. Lists follow every
// page. A small value: copy it freely. Errors keep the service's code; an access token the portal no longer
// takes (401 UnauthorizedException) is kind ExpiredToken with that code, so callers can tell "sign in again"
// (needsSignIn). Never a token or key in an error. Operations follow core/common/async_result.h.
class SsoPortalClient final
{
public:
    SsoPortalClient(Http::AwsHttpClient *http, SsoSessionConfig config, Http::TlsTrust tls = {});

    // https://portal.sso.REGION.amazonaws.com, unless the config's portalEndpoint or AWS_ENDPOINT_URL_SSO names one.
    static QUrl endpointFor(const SsoSessionConfig &config);
    // The token the call was made with is no longer valid: sign in again (or refresh) and repeat.
    static bool needsSignIn(const AwsError &error);

    // ListAccounts, every page (roleNames left empty).
    Http::AwsCall *listAccounts(const QString &accessToken, QObject *context, ResultHandler<QList<SsoAccount>> done) const;
    // ListAccountRoles of one account, every page.
    Http::AwsCall *listAccountRoles(const QString &accessToken, const QString &accountId, QObject *context,
                                    ResultHandler<QStringList> done) const;
    Http::AwsCall *getRoleCredentials(const QString &accessToken, const QString &accountId, const QString &roleName,
                                      QObject *context, ResultHandler<AwsCredentials> done) const;
    // Ends the sign-in at the portal: the access token and the refresh token of its sign-in stop working.
    Http::AwsCall *logout(const QString &accessToken, QObject *context, ResultHandler<Done> done) const;

    // Page size asked for (max_result, 1..100).
    void setPageSize(int pageSize) { m_pageSize = pageSize; }

private:
    Http::AwsHttpRequest request(const QByteArray &method, const QString &path, const QString &accessToken,
                                 QList<std::pair<QString, QString>> query) const;
    template <class Item>
    void fetchPage(Http::AwsCall *call, const QString &operation, const QString &path, const QString &accessToken,
                   QList<std::pair<QString, QString>> query, const QString &nextToken, const QString &listName,
                   Item (*item)(const QJsonObject &), QList<Item> soFar, ResultHandler<QList<Item>> done) const;
    AwsError errorFor(const Http::AwsHttpResponse &response, const QString &operation, const QString &resource) const;

    Http::AwsHttpClient *m_http;
    SsoSessionConfig m_config;
    Http::TlsTrust m_tls;
    int m_pageSize = 100;
};

} // namespace RoleDrop::Auth
