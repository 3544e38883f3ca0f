#include "core/sts/sts_client.h"

#include "core/http/aws_http_client.h"
#include "core/http/error_response_parser.h"
#include "core/sts/sts_response_parser.h"
#include "core/sigv4/uri_encoding.h"

namespace RoleDrop::Sts {

StsClient::StsClient(Http::AwsHttpClient *http, Http::EndpointConfig endpoint, QObject *parent)
    : QObject(parent), m_http(http), m_endpoint(std::move(endpoint))
{
}

template <class T>
Http::AwsCall *StsClient::post(const AwsCredentials &caller, const QString &callerName, const QString &action,
                         const QString &resource, const Params &params,
                         std::function<Outcome<T>(const QByteArray &)> parse, Handler<T> done)
{
    const Http::StsEndpoint endpoint = Http::stsEndpoint(m_endpoint);
    QByteArray form = "Action=" + action.toUtf8() + "&Version=2011-06-15";
    for (const auto &[name, value] : params)
        form += '&' + SigV4::awsUriEncode(name.toUtf8(), true) + '=' + SigV4::awsUriEncode(value.toUtf8(), true);

    Http::AwsHttpRequest request;
    request.method = "POST";
    request.baseUrl = endpoint.url;
    request.path = endpoint.url.path().isEmpty() ? QStringLiteral("/") : endpoint.url.path();
    request.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.body = form;
    request.service = QStringLiteral("sts");
    request.region = endpoint.signingRegion;

    auto *call = new Http::AwsCall(this);
    const QString qualifiedAction = QStringLiteral("sts:") + action;
    m_http->send(call, caller, request,
                 [=](Outcome<Http::AwsHttpResponse> response) {
                     if (!response) {
                         AwsError error = response.error();
                         error.action = qualifiedAction;
                         error.identity = callerName;
                         error.resource = resource;
                         done(error);
                         return;
                     }
                     if (response->status != 200) {
                         AwsError error = Http::parseErrorResponse(response->status, response->body);
                         error.action = qualifiedAction;
                         error.identity = callerName;
                         error.resource = resource;
                         done(error);
                         return;
                     }
                     done(parse(response->body));
                 });
    return call;
}

Http::AwsCall *StsClient::assumeRole(const AwsCredentials &caller, const QString &callerName,
                               const ValidatedAssumeRole &validated, Handler<AssumeRoleResult> done)
{
    const AssumeRoleRequest &r = validated.request;
    Params params{{QStringLiteral("RoleArn"), r.roleArn},
                  {QStringLiteral("RoleSessionName"), r.roleSessionName},
                  {QStringLiteral("DurationSeconds"), QString::number(r.durationSeconds)}};
    if (!r.externalId.isEmpty())
        params.append({QStringLiteral("ExternalId"), r.externalId});
    if (!r.serialNumber.isEmpty()) {
        params.append({QStringLiteral("SerialNumber"), r.serialNumber});
        params.append({QStringLiteral("TokenCode"), r.tokenCode});
    }
    if (!r.policy.isEmpty())
        params.append({QStringLiteral("Policy"), r.policy});
    return post<AssumeRoleResult>(caller, callerName, QStringLiteral("AssumeRole"), r.roleArn, params,
                                  parseAssumeRoleResponse, std::move(done));
}

Http::AwsCall *StsClient::getSessionToken(const AwsCredentials &caller, const QString &callerName,
                                    const SessionTokenRequest &r, Handler<SessionTokenResult> done)
{
    Params params{{QStringLiteral("DurationSeconds"), QString::number(r.durationSeconds)}};
    if (!r.serialNumber.isEmpty()) {
        params.append({QStringLiteral("SerialNumber"), r.serialNumber});
        params.append({QStringLiteral("TokenCode"), r.tokenCode});
    }
    return post<SessionTokenResult>(caller, callerName, QStringLiteral("GetSessionToken"), QString(), params,
                                    parseGetSessionTokenResponse, std::move(done));
}

Http::AwsCall *StsClient::getCallerIdentity(const AwsCredentials &caller, Handler<CallerIdentity> done)
{
    return post<CallerIdentity>(caller, caller.describe(), QStringLiteral("GetCallerIdentity"), QString(), {},
                                parseGetCallerIdentityResponse, std::move(done));
}

} // namespace RoleDrop::Sts
