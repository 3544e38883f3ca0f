#pragma once

#include "core/aws_call.h"
#include "core/aws_credentials.h"
#include "core/endpoint_config.h"
#include "core/outcome.h"
#include "core/sts_requests.h"
#include "core/sts_types.h"

#include <QObject>

#include <functional>

namespace RoleDrop {

class AwsHttpClient;

// STS's query API (Version 2011-06-15) over POST: AssumeRole, GetSessionToken, GetCallerIdentity.
// Requests are validated first (validateAssumeRole / validateSessionToken); errors name the caller
// and the action, and never carry the caller's secret, token or MFA code.
class StsClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StsClient)
public:
    StsClient(AwsHttpClient *http, EndpointConfig endpoint, QObject *parent = nullptr);

    void setEndpoint(const EndpointConfig &endpoint) { m_endpoint = endpoint; }
    const EndpointConfig &endpoint() const { return m_endpoint; }

    template <class T>
    using Handler = std::function<void(Outcome<T>)>;

    // `callerName`: how to name the caller in errors (its ARN if known, else its access key id).
    AwsCall *assumeRole(const AwsCredentials &caller, const QString &callerName, const ValidatedAssumeRole &request,
                        Handler<AssumeRoleResult> done);
    AwsCall *getSessionToken(const AwsCredentials &caller, const QString &callerName, const SessionTokenRequest &request,
                             Handler<SessionTokenResult> done);
    AwsCall *getCallerIdentity(const AwsCredentials &caller, Handler<CallerIdentity> done);

private:
    using Params = QList<std::pair<QString, QString>>;
    template <class T>
    AwsCall *post(const AwsCredentials &caller, const QString &callerName, const QString &action, const QString &resource,
                  const Params &params, std::function<Outcome<T>(const QByteArray &)> parse, Handler<T> done);

    AwsHttpClient *m_http;
    EndpointConfig m_endpoint;
};

} // namespace RoleDrop
