#pragma once

#include "core/http/aws_call.h"
#include "core/common/aws_credentials.h"
#include "core/http/endpoint_config.h"
#include "core/common/outcome.h"
#include "core/sts/sts_requests.h"
#include "core/sts/sts_types.h"

#include <QObject>

#include <functional>

namespace RoleDrop::Http {
class AwsHttpClient;
}

namespace RoleDrop::Sts {

// STS's query API (Version 2011-06-15) over POST: AssumeRole, GetSessionToken, GetCallerIdentity.
// Requests are validated first (validateAssumeRole / validateSessionToken); errors name the caller
// and the action, and never carry the caller's secret, token or MFA code.
class StsClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StsClient)
public:
    StsClient(Http::AwsHttpClient *http, Http::EndpointConfig endpoint, QObject *parent = nullptr);

    void setEndpoint(const Http::EndpointConfig &endpoint) { m_endpoint = endpoint; }
    const Http::EndpointConfig &endpoint() const { return m_endpoint; }

    template <class T>
    using Handler = std::function<void(Outcome<T>)>;

    // `callerName`: how to name the caller in errors (its ARN if known, else its access key id).
    Http::AwsCall *assumeRole(const AwsCredentials &caller, const QString &callerName, const ValidatedAssumeRole &request,
                        Handler<AssumeRoleResult> done);
    Http::AwsCall *getSessionToken(const AwsCredentials &caller, const QString &callerName, const SessionTokenRequest &request,
                             Handler<SessionTokenResult> done);
    Http::AwsCall *getCallerIdentity(const AwsCredentials &caller, Handler<CallerIdentity> done);

private:
    using Params = QList<std::pair<QString, QString>>;
    template <class T>
    Http::AwsCall *post(const AwsCredentials &caller, const QString &callerName, const QString &action, const QString &resource,
                  const Params &params, std::function<Outcome<T>(const QByteArray &)> parse, Handler<T> done);

    Http::AwsHttpClient *m_http;
    Http::EndpointConfig m_endpoint;
};

} // namespace RoleDrop::Sts
