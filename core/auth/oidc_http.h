#pragma once

#include "core/common/async_result.h"
#include "core/http/tls_trust.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>

#include <utility>

namespace RoleDrop::Http {
class AwsCall;
class AwsHttpClient;
}

namespace RoleDrop::Auth {

// The two kinds of request an OpenID Connect client makes, sent through the one HTTP client (its retries,
// proxies and TLS trust) as anonymous requests: no AWS signature. Both expect a JSON object back (an empty 2xx
// body reads as an empty object). An answer that is not 2xx becomes an AwsError: OAuth's {"error",
// "error_description"} (RFC 6749 5.2) when the body has it, else the HTTP status. Error texts name `what` and the URL's host and path, never a form value.
struct OidcHttp
{
    using Form = QList<std::pair<QString, QString>>;

    // `what` names the request in errors, e.g. "the OpenID provider's discovery document".
    static Http::AwsCall *getJson(Http::AwsHttpClient *http, const QUrl &url, const Http::TlsTrust &tls,
                                  const QString &what, QObject *context, ResultHandler<QJsonObject> done);
    // `headers`: extra headers, e.g. a client's HTTP Basic authorization.
    static Http::AwsCall *postForm(Http::AwsHttpClient *http, const QUrl &url, const Http::TlsTrust &tls,
                                   const Form &form, const QString &what, QObject *context,
                                   ResultHandler<QJsonObject> done,
                                   const QList<std::pair<QByteArray, QByteArray>> &headers = {});

    // OpenID Connect requires https for every endpoint; plain http only on a loopback address (local tests).
    static std::optional<AwsError> checkSecureUrl(const QUrl &url, const QString &what);
};

} // namespace RoleDrop::Auth
