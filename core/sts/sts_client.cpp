#include "core/sts/sts_client.h"

#include "core/http/aws_http_client.h"
#include "core/http/error_response_parser.h"
#include "core/sts/assume_role_advice.h"
#include "core/sts/sts_response_parser.h"
#include "core/sigv4/uri_encoding.h"

namespace RoleDrop::Sts {

StsClient::StsClient(Http::AwsHttpClient *http, Http::EndpointConfig endpoint)
    : m_http(http), m_endpoint(std::move(endpoint))
{
}

template <class T>
Http::AwsCall *StsClient::post(const Http::CredentialSourcePtr &caller, const QString &action, const QString &resource,
                               const Params &params, Outcome<T> (*parse)(const QByteArray &), QObject *context,
                               Handler<T> done) const
{
    done = deliverTo(context, std::move(done));
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
    request.tls = m_endpoint.tls;
    request.anonymous = !caller;  // AssumeRoleWithWebIdentity: the body's token is the credential

    Http::AwsCall *call = m_http->newCall(context);
    const QString qualifiedAction = QStringLiteral("sts:") + action;
    const QString callerName = caller ? caller->nameForErrors() : QString();
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

Http::AwsCall *StsClient::assumeRole(const Http::CredentialSourcePtr &caller, const ValidatedAssumeRole &validated,
                                     QObject *context, Handler<AssumeRoleResult> done) const
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
    // A refused duration says what to ask for instead, for the window and the command line alike.
    const int asked = r.durationSeconds;
    return post<AssumeRoleResult>(caller, QStringLiteral("AssumeRole"), r.roleArn, params, parseAssumeRoleResponse,
                                  context, [asked, done = std::move(done)](Outcome<AssumeRoleResult> result) {
        if (!result) {
            AwsError error = result.error();
            if (const auto advice = adviseOnDuration(error, asked))
                error.advice = advice->text;
            return done(error);
        }
        done(result);
    });
}

namespace {

// What to check when STS refuses an ID token: the codes are AWS's, the text says where each thing lives.
QString adviceOnWebIdentityError(const AwsError &error)
{
    if (error.code == u"InvalidIdentityToken")
        return QStringLiteral("STS could not accept the ID token: check that the account has an IAM OpenID Connect provider for this issuer, whose client ids (audiences) include this profile's client id, then sign in again.");
    if (error.code == u"ExpiredTokenException" || error.code == u"ExpiredToken")
        return QStringLiteral("The ID token has expired: sign in again (or let RoleDrop renew it with the refresh token).");
    if (error.code == u"IDPCommunicationError" || error.code == u"IDPRejectedClaim")
        return QStringLiteral("STS could not check the token with the identity provider: the provider's keys (its jwks_uri) must be reachable from AWS over https; try again later.");
    if (error.kind == AwsErrorKind::AccessDenied)
        return QStringLiteral("The role's trust policy does not allow this identity: it must name the OIDC provider as Federated principal, allow sts:AssumeRoleWithWebIdentity, and its conditions on :aud and :sub must match the token.");
    return QString();
}

} // namespace

Http::AwsCall *StsClient::assumeRoleWithWebIdentity(const AssumeRoleWithWebIdentityRequest &r, QObject *context,
                                                    Handler<AssumeRoleWithWebIdentityResult> done) const
{
    Params params{{QStringLiteral("RoleArn"), r.roleArn},
                  {QStringLiteral("RoleSessionName"), r.roleSessionName},
                  {QStringLiteral("WebIdentityToken"), r.webIdentityToken},
                  {QStringLiteral("DurationSeconds"), QString::number(r.durationSeconds)}};
    if (!r.policy.isEmpty())
        params.append({QStringLiteral("Policy"), r.policy});
    const int asked = r.durationSeconds;
    return post<AssumeRoleWithWebIdentityResult>(
        nullptr, QStringLiteral("AssumeRoleWithWebIdentity"), r.roleArn, params, parseAssumeRoleWithWebIdentityResponse,
        context, [asked, done = std::move(done)](Outcome<AssumeRoleWithWebIdentityResult> result) {
            if (!result) {
                AwsError error = result.error();
                if (const auto advice = adviseOnDuration(error, asked))
                    error.advice = advice->text;
                else if (QString advice = adviceOnWebIdentityError(error); !advice.isEmpty())
                    error.advice = advice;
                return done(error);
            }
            done(result);
        });
}

Http::AwsCall *StsClient::getSessionToken(const Http::CredentialSourcePtr &caller, const SessionTokenRequest &r,
                                          QObject *context, Handler<SessionTokenResult> done) const
{
    Params params{{QStringLiteral("DurationSeconds"), QString::number(r.durationSeconds)}};
    if (!r.serialNumber.isEmpty()) {
        params.append({QStringLiteral("SerialNumber"), r.serialNumber});
        params.append({QStringLiteral("TokenCode"), r.tokenCode});
    }
    return post<SessionTokenResult>(caller, QStringLiteral("GetSessionToken"), QString(), params,
                                    parseGetSessionTokenResponse, context, std::move(done));
}

Http::AwsCall *StsClient::getCallerIdentity(const Http::CredentialSourcePtr &caller, QObject *context,
                                            Handler<CallerIdentity> done) const
{
    return post<CallerIdentity>(caller, QStringLiteral("GetCallerIdentity"), QString(), {}, parseGetCallerIdentityResponse,
                                context, std::move(done));
}

} // namespace RoleDrop::Sts
