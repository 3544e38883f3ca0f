#include "core/http/aws_http_client.h"

#include "core/common/crypto.h"
#include "core/common/http_date.h"
#include "core/sigv4/sigv4_signer.h"
#include "core/sigv4/sigv4_signing_key.h"
#include "core/sigv4/uri_encoding.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace RoleDrop::Http {

QByteArray AwsHttpResponse::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

AwsHttpClient::AwsHttpClient(QObject *parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this)), m_keyCache(std::make_shared<SigV4::SigningKeyCache>())
{
    // Redirects are S3's way of naming a bucket's region: the S3 client handles them, not Qt.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

QDateTime AwsHttpClient::now() const
{
    return QDateTime::currentDateTimeUtc().addMSecs(m_clockOffsetMs.load());
}

QByteArray AwsHttpClient::hostHeader(const QUrl &baseUrl)
{
    const int port = baseUrl.port();
    const bool defaultPort = port == -1 || (baseUrl.scheme() == QLatin1String("https") && port == 443)
        || (baseUrl.scheme() == QLatin1String("http") && port == 80);
    QByteArray host = baseUrl.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    return defaultPort ? host : host + ':' + QByteArray::number(port);
}

QUrl AwsHttpClient::wireUrl(const QUrl &baseUrl, const QString &decodedPath, const QByteArray &encodedQuery)
{
    // Assembled as text and parsed in strict mode so QUrl keeps our percent-encoding exactly.
    QByteArray text = baseUrl.toEncoded(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash);
    text += SigV4::encodedPath(decodedPath.toUtf8());
    if (!encodedQuery.isEmpty())
        text += '?' + encodedQuery;
    return QUrl::fromEncoded(text, QUrl::StrictMode);
}

Outcome<QNetworkReply *> AwsHttpClient::start(const AwsCredentials &credentials, const AwsHttpRequest &request)
{
    SigV4::SigningRequest signing;
    signing.method = request.method;
    signing.path = request.path.toUtf8();
    for (const auto &[name, value] : request.query)
        signing.query.append({name.toUtf8(), value.toUtf8()});
    signing.headers.append({"host", hostHeader(request.baseUrl)});
    for (const auto &header : request.headers)
        signing.headers.append(header);
    if (!request.payloadHash.isEmpty())
        signing.payloadHash = request.payloadHash;
    else
        signing.payloadHash = sha256(request.body).toHex();

    const auto signedRequest = SigV4::signRequest(credentials, SigV4::SigningOptions::forService(request.region, request.service, now()),
                                                  signing, m_keyCache.get());
    if (!signedRequest)
        return signedRequest.error();
    const SigV4::HeaderList &added = signedRequest->headersToAdd;

    const QUrl url = wireUrl(request.baseUrl, request.path, SigV4::encodedQueryString(signing.query));
    // Qt's HTTP layer writes the request line with QUrl::NormalizePathSegments, which drops "." and ".."
    // segments (even as %2E), some ".x" segments and a leading "//": such a path would go out different from
    // what was signed, so it is refused with a clear message instead of failing as a bad signature.
    const QUrl::FormattingOptions requestLine = QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment | QUrl::RemoveQuery;
    if (url.toEncoded(requestLine | QUrl::NormalizePathSegments) != url.toEncoded(requestLine))
        return AwsError::validation(QStringLiteral("The name '%1' has a path segment ('.', '..', a '.' and one character, or a leading '/') that cannot be sent in a URL unchanged").arg(request.path));
    QNetworkRequest qrequest(url);
    for (const auto &[name, value] : std::as_const(signing.headers)) {
        if (name != "host")
            qrequest.setRawHeader(name, value);
    }
    for (const auto &[name, value] : added)
        qrequest.setRawHeader(name, value);
    qrequest.setTransferTimeout(request.transferTimeoutMs);
    qrequest.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (request.bodyDevice)
        qrequest.setHeader(QNetworkRequest::ContentLengthHeader, request.bodyDevice->size());
    else if (!request.body.isEmpty() || request.method == "PUT" || request.method == "POST")
        qrequest.setHeader(QNetworkRequest::ContentLengthHeader, request.body.size());

    QNetworkReply *reply = nullptr;
    if (request.bodyDevice)
        reply = m_network->sendCustomRequest(qrequest, request.method, request.bodyDevice);
    else if (request.method == "GET")
        reply = m_network->get(qrequest);
    else if (request.method == "HEAD")
        reply = m_network->head(qrequest);
    else if (request.method == "DELETE" && request.body.isEmpty())
        reply = m_network->deleteResource(qrequest);
    else
        reply = m_network->sendCustomRequest(qrequest, request.method, request.body);
    return reply;
}

AwsError AwsHttpClient::transportError(QNetworkReply *reply)
{
    AwsError error;
    const QString host = reply->url().host();
    switch (reply->error()) {
    case QNetworkReply::OperationCanceledError:
        error.kind = AwsErrorKind::Cancelled;
        error.message = QStringLiteral("Cancelled");
        break;
    case QNetworkReply::TimeoutError:
        error.kind = AwsErrorKind::Timeout;
        error.message = QStringLiteral("%1 did not answer in time").arg(host);
        break;
    case QNetworkReply::SslHandshakeFailedError:
        error.kind = AwsErrorKind::Tls;
        error.message = QStringLiteral("The TLS certificate of %1 is not trusted (%2)").arg(host, reply->errorString());
        break;
    default:
        error.kind = AwsErrorKind::Network;
        error.message = QStringLiteral("Cannot reach %1: %2").arg(host, reply->errorString());
        break;
    }
    return error;
}

bool AwsHttpClient::learnClockOffset(const AwsHttpResponse &response)
{
    // Only clock-skew refusals teach us the offset; the server's Date header then says what time it is.
    // S3 says RequestTimeTooSkewed; STS and other query APIs say SignatureDoesNotMatch "Signature expired".
    if (response.status != 403
        || !(response.body.contains("RequestTimeTooSkewed") || response.body.contains("Signature expired")))
        return false;
    const QDateTime serverNow = parseHttpDate(response.header("date"));
    if (!serverNow.isValid())
        return false;
    m_clockOffsetMs = QDateTime::currentDateTimeUtc().msecsTo(serverNow);
    return true;
}

void AwsHttpClient::send(AwsCall *call, const AwsCredentials &credentials, const AwsHttpRequest &request, ResponseHandler done)
{
    call->retain();
    if (call->isCancelled()) {
        done(AwsError::local(AwsErrorKind::Cancelled, QStringLiteral("Cancelled")));
        call->release();
        return;
    }
    const auto started = start(credentials, request);
    if (!started) {
        done(started.error());
        call->release();
        return;
    }
    QNetworkReply *reply = started.value();
    call->track(reply);
    auto body = std::make_shared<QByteArray>();
    connect(reply, &QNetworkReply::readyRead, call, [reply, body] {
        *body += reply->read(maxBodyBytes + 1 - body->size());
        if (body->size() > maxBodyBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, call, [=, this] {
        reply->deleteLater();
        if (reply->isOpen())  // an aborted reply is closed: nothing left to read
            *body += reply->read(maxBodyBytes + 1 - body->size());
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (call->isCancelled()) {
            done(AwsError::local(AwsErrorKind::Cancelled, QStringLiteral("Cancelled")));
            call->release();
            return;
        }
        if (body->size() > maxBodyBytes) {
            done(AwsError::local(AwsErrorKind::MalformedResponse, QStringLiteral("The answer from %1 is larger than %2 MiB").arg(reply->url().host()).arg(maxBodyBytes >> 20)));
            call->release();
            return;
        }
        if (status == 0) {
            done(transportError(reply));
            call->release();
            return;
        }
        AwsHttpResponse response;
        response.status = status;
        response.body = *body;
        for (const auto &pair : reply->rawHeaderPairs())
            response.headers.append({pair.first, pair.second});
        if (learnClockOffset(response) && !request.bodyDevice && !call->property("roledrop_skew_retried").toBool()) {
            call->setProperty("roledrop_skew_retried", true);
            send(call, credentials, request, done);
            call->release();
            return;
        }
        done(std::move(response));
        call->release();
    });
}

} // namespace RoleDrop::Http
