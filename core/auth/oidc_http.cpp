#include "core/auth/oidc_http.h"

#include "core/http/aws_http_client.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QUrlQuery>

namespace RoleDrop::Auth {

namespace {

QString where(const QUrl &url)
{
    return url.toString(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo);
}

Http::AwsHttpRequest requestFor(const QUrl &url, const Http::TlsTrust &tls)
{
    Http::AwsHttpRequest request;
    request.baseUrl = url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo);
    request.path = url.path(QUrl::FullyDecoded).isEmpty() ? QStringLiteral("/") : url.path(QUrl::FullyDecoded);
    for (const auto &[name, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
        request.query.append({name, value});
    request.headers = {{"accept", "application/json"}};
    request.tls = tls;
    request.anonymous = true;
    return request;
}

Outcome<QJsonObject> jsonAnswer(const Outcome<Http::AwsHttpResponse> &response, const QUrl &url, const QString &what)
{
    if (!response) {
        AwsError error = response.error();
        error.resource = where(url);
        return error;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(response->body);
    const QJsonObject object = doc.object();
    if (response->status < 200 || response->status > 299) {
        AwsError error;
        error.httpStatus = response->status;
        error.code = object.value(QLatin1String("error")).toString().left(100);
        // OAuth's error_description is the provider's text for people; the provider never echoes a secret in it.
        error.message = object.value(QLatin1String("error_description")).toString().left(500);
        error.kind = error.code == u"invalid_grant" || error.code == u"invalid_token" ? AwsErrorKind::ExpiredToken
                   : error.code == u"access_denied" || error.code == u"unauthorized_client" ? AwsErrorKind::AccessDenied
                   : response->status >= 500 ? AwsErrorKind::ServiceError
                   : response->status == 404 ? AwsErrorKind::NotFound
                   : AwsErrorKind::InvalidParameter;
        if (error.message.isEmpty())
            error.message = QStringLiteral("%1 answered HTTP %2").arg(what).arg(response->status);
        error.resource = where(url);
        return error;
    }
    if (response->body.trimmed().isEmpty())
        return QJsonObject();  // a revocation's answer (RFC 7009 2.2); other callers find their fields missing
    if (!doc.isObject()) {
        AwsError error = AwsError::local(AwsErrorKind::MalformedResponse,
                                         QStringLiteral("%1 at %2 is not a JSON object").arg(what, where(url)));
        error.httpStatus = response->status;
        return error;
    }
    return object;
}

bool isLoopback(const QString &host)
{
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// Ends the call at once with checkSecureUrl's error, where there is one: no request goes out.
bool refusedAsInsecure(Http::AwsCall *call, const QUrl &url, const QString &what, const ResultHandler<QJsonObject> &done)
{
    const std::optional<AwsError> insecure = OidcHttp::checkSecureUrl(url, what);
    if (!insecure)
        return false;
    done(*insecure);
    call->finish();
    return true;
}

} // namespace

std::optional<AwsError> OidcHttp::checkSecureUrl(const QUrl &url, const QString &what)
{
    if (!url.isValid() || url.host().isEmpty())
        return AwsError::validation(QStringLiteral("%1 is not a valid URL: '%2'").arg(what, url.toString().left(200)));
    if (url.scheme() == u"https" || (url.scheme() == u"http" && isLoopback(url.host())))
        return std::nullopt;
    return AwsError::validation(QStringLiteral("%1 must be an https:// URL (OpenID Connect sends tokens there): '%2'")
                                    .arg(what, where(url).left(200)));
}

Http::AwsCall *OidcHttp::getJson(Http::AwsHttpClient *http, const QUrl &url, const Http::TlsTrust &tls,
                                 const QString &what, QObject *context, ResultHandler<QJsonObject> done)
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = http->newCall(context);
    if (refusedAsInsecure(call, url, what, done))
        return call;
    Http::AwsHttpRequest request = requestFor(url, tls);
    request.method = "GET";
    http->send(call, nullptr, request, [=](Outcome<Http::AwsHttpResponse> response) {
        done(jsonAnswer(response, url, what));
    });
    return call;
}

Http::AwsCall *OidcHttp::postForm(Http::AwsHttpClient *http, const QUrl &url, const Http::TlsTrust &tls,
                                  const Form &form, const QString &what, QObject *context,
                                  ResultHandler<QJsonObject> done, const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = http->newCall(context);
    if (refusedAsInsecure(call, url, what, done))
        return call;
    // Every character but the unreserved ones percent-encoded: a '+' in a code or token stays a '+'.
    QByteArray body;
    for (const auto &[name, value] : form) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    Http::AwsHttpRequest request = requestFor(url, tls);
    request.method = "POST";
    request.headers.append(std::pair<QByteArray, QByteArray>("content-type", "application/x-www-form-urlencoded"));
    request.headers.append(headers);
    request.body = body;
    http->send(call, nullptr, request, [=](Outcome<Http::AwsHttpResponse> response) {
        done(jsonAnswer(response, url, what));
    });
    return call;
}

} // namespace RoleDrop::Auth
