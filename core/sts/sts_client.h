#pragma once

#include "core/common/async_result.h"
#include "core/http/credential_source.h"
#include "core/http/endpoint_config.h"
#include "core/sts/sts_requests.h"
#include "core/sts/sts_types.h"

namespace RoleDrop::Http {
class AwsCall;
class AwsHttpClient;
}

namespace RoleDrop::Sts {

// STS's query API (Version 2011-06-15) over POST: AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken,
// GetCallerIdentity, at one
// endpoint. A small value: copy it freely. Requests are validated first (validateAssumeRole /
// validateSessionToken); errors name the caller and the action, and never carry the caller's secret, token
// or MFA code. Operations follow the async contract of core/common/async_result.h.
class StsClient final
{
public:
    StsClient(Http::AwsHttpClient *http, Http::EndpointConfig endpoint);

    const Http::EndpointConfig &endpoint() const { return m_endpoint; }

    template <class T>
    using Handler = ResultHandler<T>;

    // `caller` signs the request; errors name it by its nameForErrors().
    Http::AwsCall *assumeRole(const Http::CredentialSourcePtr &caller, const ValidatedAssumeRole &request,
                              QObject *context, Handler<AssumeRoleResult> done) const;
    // Unsigned (no caller): the request's ID token is the credential. Errors name the role; a refused token
    // comes with advice on what to check (the IAM OIDC provider, the client id, the role's trust policy).
    Http::AwsCall *assumeRoleWithWebIdentity(const AssumeRoleWithWebIdentityRequest &request, QObject *context,
                                             Handler<AssumeRoleWithWebIdentityResult> done) const;
    Http::AwsCall *getSessionToken(const Http::CredentialSourcePtr &caller, const SessionTokenRequest &request,
                                   QObject *context, Handler<SessionTokenResult> done) const;
    Http::AwsCall *getCallerIdentity(const Http::CredentialSourcePtr &caller, QObject *context,
                                     Handler<CallerIdentity> done) const;

private:
    using Params = QList<std::pair<QString, QString>>;
    template <class T>
    Http::AwsCall *post(const Http::CredentialSourcePtr &caller, const QString &action, const QString &resource,
                        const Params &params, Outcome<T> (*parse)(const QByteArray &), QObject *context,
                        Handler<T> done) const;

    Http::AwsHttpClient *m_http;
    Http::EndpointConfig m_endpoint;
};

} // namespace RoleDrop::Sts
