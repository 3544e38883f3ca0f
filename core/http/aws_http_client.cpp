#include "core/http/aws_http_client.h"

#include "core/common/crypto.h"
#include "core/common/http_date.h"
#include "core/http/certificate_errors.h"
#include "core/http/error_response_parser.h"
#include "core/http/proxy_factory.h"
#include "core/sigv4/sigv4_signer.h"
#include "core/sigv4/sigv4_signing_key.h"
#include "core/sigv4/uri_encoding.h"

#include <QAuthenticator>
#include <QCryptographicHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>

namespace RoleDrop::Http {

QByteArray AwsHttpResponse::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

namespace {

// The reply's certificate verdicts, kept on the reply until its failure is described.
constexpr const char *sslErrorsProperty = "roledropSslErrors";

// A CA file's manager is keyed by its path and content: an edited file gets fresh connections.
QString trustKey(const TlsTrust &trust)
{
    QCryptographicHash digest(QCryptographicHash::Sha256);
    for (const QSslCertificate &certificate : trust.caCertificates)
        digest.addData(certificate.digest(QCryptographicHash::Sha256));
    return trust.caFileNames() + QLatin1Char('\n') + QString::fromLatin1(digest.result().toHex());
}

} // namespace

AwsHttpClient::AwsHttpClient(QObject *parent)
    : QObject(parent), m_network(nullptr), m_keyCache(std::make_shared<SigV4::SigningKeyCache>()),
      m_proxySettings(std::make_shared<ProxySettings>(ProxySettings::fromEnvironment()))
{
    m_network = newNetwork();
}

QNetworkAccessManager *AwsHttpClient::newNetwork()
{
    auto *network = new QNetworkAccessManager(this);
    // Redirects are S3's way of naming a bucket's region: the S3 client handles them, not Qt.
    network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    network->setProxyFactory(new ProxyFactory(m_proxySettings));  // owned by the manager
    // Direct: Qt emits this inside the request's processing and reads the authenticator when the slot returns.
    connect(network, &QNetworkAccessManager::proxyAuthenticationRequired, this,
            [this, network](const QNetworkProxy &proxy, QAuthenticator *authenticator) { answerProxyLogin(network, proxy, authenticator); },
            Qt::DirectConnection);
    return network;
}

void AwsHttpClient::setProxySettings(const ProxySettings &settings)
{
    m_proxySettings = std::make_shared<ProxySettings>(settings);
    for (QNetworkAccessManager *network : std::as_const(m_networksByCaFile))
        network->setProxyFactory(new ProxyFactory(m_proxySettings));
    m_network->setProxyFactory(new ProxyFactory(m_proxySettings));
}

void AwsHttpClient::answerProxyLogin(QNetworkAccessManager *network, const QNetworkProxy &proxy, QAuthenticator *authenticator)
{
    const QString key = QStringLiteral("%1:%2").arg(proxy.hostName()).arg(proxy.port());
    QSet<QString> &offered = m_proxyLoginsOffered[network];
    if (const auto remembered = m_proxyLogins.constFind(key); remembered != m_proxyLogins.cend() && !offered.contains(key)) {
        offered.insert(key);
        authenticator->setUser(remembered->user);
        authenticator->setPassword(remembered->password);
        return;
    }
    if (!m_proxyLoginPrompt)
        return;  // left empty: the request fails with 407, explained by proxyError()
    const auto login = m_proxyLoginPrompt(QStringLiteral("http://") + key, m_proxyLogins.value(key).user);
    if (!login)
        return;
    m_proxyLogins.insert(key, *login);
    offered.insert(key);
    authenticator->setUser(login->user);
    authenticator->setPassword(login->password);
}

QNetworkAccessManager *AwsHttpClient::networkFor(const TlsTrust &trust)
{
    if (!trust.hasCaFile())
        return m_network;
    const QString key = trustKey(trust);
    QNetworkAccessManager *&network = m_networksByCaFile[key];
    if (!network)
        network = newNetwork();
    return network;
}

AwsHttpClient::~AwsHttpClient() = default;

AwsCall *AwsHttpClient::newCall(QObject *context)
{
    return new AwsCall(this, context);
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

    SigV4::HeaderList added;
    if (!request.anonymous) {
        const auto signedRequest = SigV4::signRequest(credentials, SigV4::SigningOptions::forService(request.region, request.service, now()),
                                                      signing, m_keyCache.get());
        if (!signedRequest)
            return signedRequest.error();
        added = signedRequest->headersToAdd;
    }

    const QUrl url = wireUrl(request.baseUrl, request.path, SigV4::encodedQueryString(signing.query));
    // Qt's HTTP layer writes the request line with QUrl::NormalizePathSegments, which drops "." and ".."
    // segments (even as %2E), some ".x" segments and a leading "//": such a path would go out different from
    // what was signed, so it is refused with a clear message instead of failing as a bad signature.
    const QUrl::FormattingOptions requestLine = QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment | QUrl::RemoveQuery;
    if (url.toEncoded(requestLine | QUrl::NormalizePathSegments) != url.toEncoded(requestLine))
        return AwsError::validation(QStringLiteral("The name '%1' has a path segment ('.', '..', a '.' and one character, or a leading '/') that cannot be sent in a URL unchanged").arg(request.path));
    if (const ProxyChoice proxy = m_proxySettings->choiceFor(url); !proxy.problem.isEmpty() && m_proxySettings->isConfigured())
        return AwsError::validation(proxy.problem);
    QNetworkRequest qrequest(url);
    for (const auto &[name, value] : std::as_const(signing.headers)) {
        if (name != "host")
            qrequest.setRawHeader(name, value);
    }
    for (const auto &[name, value] : added)
        qrequest.setRawHeader(name, value);
    qrequest.setTransferTimeout(request.transferTimeoutMs > 0 ? request.transferTimeoutMs : m_policy.stallTimeoutMs);
    qrequest.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (url.scheme() == QLatin1String("https"))
        qrequest.setSslConfiguration(request.tls.sslConfiguration());
    QNetworkAccessManager *network = networkFor(request.tls);
    std::unique_ptr<QIODevice> body;
    if (request.openBody) {
        body = request.openBody();
        if (!body || !body->isOpen())
            return AwsError::local(AwsErrorKind::LocalFile, body ? body->errorString() : QStringLiteral("Cannot open the body of %1").arg(request.path));
        qrequest.setHeader(QNetworkRequest::ContentLengthHeader, request.bodySize);
    } else if (!request.body.isEmpty() || request.method == "PUT" || request.method == "POST")
        qrequest.setHeader(QNetworkRequest::ContentLengthHeader, request.body.size());

    QNetworkReply *reply = nullptr;
    if (body) {
        reply = network->sendCustomRequest(qrequest, request.method, body.get());
        body.release()->setParent(reply);  // read by Qt until the reply is done
    }
    else if (request.method == "GET")
        reply = network->get(qrequest);
    else if (request.method == "HEAD")
        reply = network->head(qrequest);
    else if (request.method == "DELETE" && request.body.isEmpty())
        reply = network->deleteResource(qrequest);
    else
        reply = network->sendCustomRequest(qrequest, request.method, request.body);
    // Never ignored: kept to say which certificate failed and why once the reply fails.
    connect(reply, &QNetworkReply::sslErrors, reply, [reply](const QList<QSslError> &errors) {
        reply->setProperty(sslErrorsProperty, QVariant::fromValue(errors));
    });
    return reply;
}

AwsError AwsHttpClient::transportError(QNetworkReply *reply, QNetworkReply::NetworkError code, const TlsTrust &trust) const
{
    code = proxyFailureCode(reply, code);
    if (code >= QNetworkReply::ProxyConnectionRefusedError && code <= QNetworkReply::UnknownProxyError)
        return proxyError(reply, code);
    AwsError error;
    const QString host = reply->url().host();
    const QString hostAndPort = reply->url().port() > 0 ? QStringLiteral("%1:%2").arg(host).arg(reply->url().port()) : host;
    switch (code) {
    case QNetworkReply::OperationCanceledError:
        error.kind = AwsErrorKind::Cancelled;
        error.message = QStringLiteral("Cancelled");
        break;
    case QNetworkReply::TimeoutError:
        error.kind = AwsErrorKind::Timeout;
        error.message = QStringLiteral("%1 did not answer in time: nothing moved for too long").arg(host);
        break;
    case QNetworkReply::SslHandshakeFailedError: {
        const auto errors = reply->property(sslErrorsProperty).value<QList<QSslError>>();
        return errors.isEmpty() ? handshakeError(hostAndPort, reply->errorString()) : certificateError(host, errors, trust);
    }
    case QNetworkReply::ConnectionRefusedError:
        error.kind = AwsErrorKind::Network;
        error.message = QStringLiteral("%1 refused the connection (is the server running, and is the port right?)").arg(hostAndPort);
        break;
    case QNetworkReply::RemoteHostClosedError:
        error.kind = AwsErrorKind::Network;
        error.message = QStringLiteral("%1 closed the connection before the answer was complete").arg(hostAndPort);
        break;
    case QNetworkReply::HostNotFoundError:
        error.kind = AwsErrorKind::Network;
        error.message = QStringLiteral("the host name %1 was not found (DNS)").arg(host);
        break;
    default:
        error.kind = AwsErrorKind::Network;
        error.message = QStringLiteral("Cannot reach %1: %2").arg(host, reply->errorString());
        break;
    }
    return error;
}

QNetworkReply::NetworkError AwsHttpClient::proxyFailureCode(QNetworkReply *reply, QNetworkReply::NetworkError code) const
{
    // Qt 6.4 reports several proxy failures (a refused proxy connection, a login refused after it was sent) as
    // UnknownNetworkError, with the socket engine's untranslated text (QHttpSocketEngine, QAbstractSocket).
    if (code != QNetworkReply::UnknownNetworkError && code != QNetworkReply::HostNotFoundError)
        return code;
    const QNetworkProxy proxy = ProxyFactory::proxyFor(*m_proxySettings, reply->url());
    if (proxy.type() != QNetworkProxy::HttpProxy && proxy.type() != QNetworkProxy::Socks5Proxy)
        return code;
    // Through a proxy only the proxy's own name is looked up here (it resolves the server's): Qt says HostNotFound.
    if (code == QNetworkReply::HostNotFoundError)
        return QNetworkReply::ProxyNotFoundError;
    const QString text = reply->errorString();
    if (text.contains(QLatin1String("Proxy connection refused"), Qt::CaseInsensitive))
        return QNetworkReply::ProxyConnectionRefusedError;
    if (text.contains(QLatin1String("Proxy connection closed"), Qt::CaseInsensitive))
        return QNetworkReply::ProxyConnectionClosedError;
    if (text.contains(QLatin1String("Proxy server not found"), Qt::CaseInsensitive) || text.contains(QLatin1String("Proxy host not found"), Qt::CaseInsensitive))
        return QNetworkReply::ProxyNotFoundError;
    if (text.contains(QLatin1String("timed out"), Qt::CaseInsensitive))
        return QNetworkReply::ProxyTimeoutError;
    if (!proxy.user().isEmpty())
        return QNetworkReply::ProxyAuthenticationRequiredError;  // the login was sent and the proxy broke off
    return QNetworkReply::UnknownProxyError;
}

AwsError AwsHttpClient::proxyError(QNetworkReply *reply, QNetworkReply::NetworkError code) const
{
    AwsError error;
    error.kind = AwsErrorKind::Network;
    const QNetworkProxy proxy = ProxyFactory::proxyFor(*m_proxySettings, reply->url());
    QString name = ProxyFactory::proxyNameFor(*m_proxySettings, reply->url());
    if (name.isEmpty())
        name = QStringLiteral("the proxy");
    const std::optional<ProxyEndpoint> fromEnvironment = m_proxySettings->choiceFor(reply->url()).proxy;
    const QString variable = fromEnvironment ? fromEnvironment->variable
                                             : (reply->url().scheme() == QLatin1String("https") ? QStringLiteral("HTTPS_PROXY") : QStringLiteral("HTTP_PROXY"));
    const QString target = reply->url().host();
    switch (code) {
    case QNetworkReply::ProxyConnectionRefusedError:
        error.message = QStringLiteral("the proxy %1 refused the connection (is the proxy running, and is the port right? it comes from %2)").arg(name, variable);
        break;
    case QNetworkReply::ProxyConnectionClosedError:
        error.message = QStringLiteral("the proxy %1 closed the connection to %2 before the answer was complete").arg(name, target);
        break;
    case QNetworkReply::ProxyNotFoundError:
        error.message = QStringLiteral("the proxy host name %1 was not found (DNS; it comes from %2)").arg(proxy.hostName(), variable);
        break;
    case QNetworkReply::ProxyTimeoutError:
        error.kind = AwsErrorKind::Timeout;
        error.message = QStringLiteral("the proxy %1 did not answer in time").arg(name);
        break;
    case QNetworkReply::ProxyAuthenticationRequiredError:
        error.message = !proxy.user().isEmpty()
            ? QStringLiteral("the proxy %1 did not accept the user name and password given for it (407 Proxy Authentication Required, or it broke off after they were sent: %2)").arg(name, reply->errorString())
            : QStringLiteral("the proxy %1 needs a user name and password (407 Proxy Authentication Required): put them in %2 as http://user:password@%3:%4")
                  .arg(name, variable, proxy.hostName()).arg(proxy.port());
        break;
    default:
        error.message = QStringLiteral("the proxy %1 failed the request to %2: %3").arg(name, target, reply->errorString());
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

// One request through all its attempts, and the state of the attempt under way.
struct AwsHttpClient::Exchange
{
    AwsCall *call = nullptr;  // retained until `done` has run
    CredentialSourcePtr caller;
    AwsHttpRequest request;
    ResponseHandler done;
    AwsHttpStreaming streaming;
    bool skewRetried = false;
    int attempts = 0;           // made so far
    QString signedWithKeyId;    // the access key of the last attempt
    bool refreshed = false;     // the caller's identity was renewed for this exchange (once at most)
    bool handedOnData = false;  // a streamed body's bytes reached the reader: no transparent retry any more

    QPointer<QNetworkReply> reply;
    AwsHttpResponse response;  // status and headers once seen; the body unless it is streamed
    bool headSeen = false;
    bool streamingBody = false;
    bool finished = false;
    std::optional<AwsError> stopped;  // a stream handler's error, or an oversized body

    void deliver(Outcome<AwsHttpResponse> result)
    {
        finished = true;
        auto handler = std::move(done);
        handler(std::move(result));
        call->release();
    }
};

void AwsHttpClient::send(AwsCall *call, const CredentialSourcePtr &caller, const AwsHttpRequest &request,
                         ResponseHandler done, AwsHttpStreaming streaming)
{
    auto exchange = std::make_shared<Exchange>();
    exchange->call = call;
    exchange->caller = caller;
    exchange->request = request;
    exchange->done = std::move(done);
    exchange->streaming = std::move(streaming);
    call->retain();
    attempt(exchange);
}

void AwsHttpClient::attempt(const std::shared_ptr<Exchange> &exchange)
{
    Exchange &ex = *exchange;
    if (ex.call->isCancelled())
        return ex.deliver(AwsError::local(AwsErrorKind::Cancelled, QStringLiteral("Cancelled")));
    if (!ex.caller && !ex.request.anonymous)
        return ex.deliver(AwsError::validation(QStringLiteral("No identity to sign the request with: open a profile first")));
    ++ex.attempts;
    const AwsCredentials credentials = ex.caller ? ex.caller->credentials() : AwsCredentials{};
    ex.signedWithKeyId = credentials.accessKeyId;
    const auto started = start(credentials, ex.request);
    if (!started)
        return ex.deliver(started.error());
    QNetworkReply *reply = started.value();
    ex.reply = reply;
    ex.response = AwsHttpResponse{};
    ex.headSeen = false;
    ex.streamingBody = false;
    ex.stopped.reset();
    ex.call->track(reply);
    if (ex.streaming.readBufferBytes > 0)
        reply->setReadBufferSize(ex.streaming.readBufferBytes);

    const auto readAvailable = [exchange, reply] {
        Exchange &ex = *exchange;
        if (ex.reply != reply || ex.stopped)
            return;
        if (!ex.headSeen) {
            ex.response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (ex.response.status == 0)
                return;
            ex.headSeen = true;
            for (const auto &pair : reply->rawHeaderPairs())
                ex.response.headers.append({pair.first, pair.second});
            ex.streamingBody = ex.response.status / 100 == 2 && ex.streaming.onData;
            if (ex.streamingBody && ex.streaming.onHead) {
                if ((ex.stopped = ex.streaming.onHead(ex.response))) {
                    reply->abort();
                    return;
                }
            }
        }
        if (ex.streamingBody) {
            const QByteArray chunk = reply->readAll();
            if (chunk.isEmpty())
                return;
            ex.handedOnData = true;
            if ((ex.stopped = ex.streaming.onData(chunk)))
                reply->abort();
            return;
        }
        ex.response.body += reply->read(maxBodyBytes + 1 - ex.response.body.size());
        if (ex.response.body.size() > maxBodyBytes) {
            ex.stopped = AwsError::local(AwsErrorKind::MalformedResponse,
                                         QStringLiteral("The answer from %1 is larger than %2 MiB").arg(reply->url().host()).arg(maxBodyBytes >> 20));
            reply->abort();
        }
    };
    connect(reply, &QNetworkReply::readyRead, ex.call, readAvailable);
    if (ex.streaming.onUploadProgress) {
        connect(reply, &QNetworkReply::uploadProgress, ex.call, [exchange, reply](qint64 sent, qint64 total) {
            if (exchange->reply == reply && !exchange->finished)
                exchange->streaming.onUploadProgress(sent, total);
        });
    }
    connect(reply, &QNetworkReply::finished, ex.call, [this, exchange, reply, readAvailable] {
        if (exchange->reply != reply || exchange->finished)
            return;
        if (reply->isOpen())  // an aborted reply is closed: nothing left to read
            readAvailable();
        finishAttempt(exchange, reply);
    });
}

void AwsHttpClient::finishAttempt(const std::shared_ptr<Exchange> &exchange, QNetworkReply *reply)
{
    Exchange &ex = *exchange;
    reply->deleteLater();
    ex.reply = nullptr;
    if (ex.call->isCancelled())
        return ex.deliver(AwsError::local(AwsErrorKind::Cancelled, QStringLiteral("Cancelled")));
    if (ex.stopped)
        return ex.deliver(*ex.stopped);
    if (!ex.headSeen) {  // an answer without a body (HEAD, 204) never said readyRead
        ex.response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        for (const auto &pair : reply->rawHeaderPairs())
            ex.response.headers.append({pair.first, pair.second});
    }
    if (ex.response.status == 0 || (ex.streamingBody && reply->error() != QNetworkReply::NoError)) {
        // The call was not cancelled (above), so a cancelled reply is Qt's transfer timeout: Qt 6.4 aborts a
        // stalled reply and reports OperationCanceledError, not TimeoutError.
        const QNetworkReply::NetworkError code = proxyFailureCode(
            reply, reply->error() == QNetworkReply::OperationCanceledError ? QNetworkReply::TimeoutError : reply->error());
        const AwsError failure = transportError(reply, code, ex.request.tls);
        // A reader that got bytes already resumes by itself (e.g. a range from where it stopped).
        if (!ex.handedOnData && retry(exchange, retryReasonFor(code), code == QNetworkReply::TimeoutError))
            return;
        return ex.deliver(failure);
    }
    if (!ex.streamingBody && learnClockOffset(ex.response) && !ex.skewRetried) {
        ex.skewRetried = true;
        return attempt(exchange);
    }
    const int status = ex.response.status;
    const bool errorIn200 = status / 100 == 2 && ex.request.mayAnswerErrorIn200 && isErrorDocument(ex.response.body);
    if (status / 100 == 2 && !errorIn200) {
        m_quota.onSuccess(ex.attempts > 1);
        return ex.deliver(std::move(ex.response));
    }
    const AwsError failure = parseErrorResponse(errorIn200 ? 500 : status, ex.response.body);
    const RetryReason reason = retryReasonFor(failure);
    if (reason == RetryReason::StaleCredentials && ex.caller) {
        // Renewed meanwhile (by its schedule, or for another request): just sign again with the new keys.
        if (!ex.refreshed && ex.caller->credentials().accessKeyId != ex.signedWithKeyId) {
            ex.refreshed = true;
            return attempt(exchange);
        }
        if (!ex.refreshed && ex.caller->canRefresh()) {
            ex.refreshed = true;
            // Renewed as the identity this request belongs to, then signed again with the new keys.
            ex.caller->refreshCredentials([this, exchange](bool renewed) {
                if (renewed || exchange->call->isCancelled())
                    return attempt(exchange);
                exchange->deliver(std::move(exchange->response));
            });
            return;
        }
    } else if (retry(exchange, reason, failure.kind == AwsErrorKind::Timeout)) {
        return;
    }
    ex.deliver(std::move(ex.response));
}

bool AwsHttpClient::retry(const std::shared_ptr<Exchange> &exchange, RetryReason reason, bool timeout)
{
    Exchange &ex = *exchange;
    if (reason == RetryReason::None || reason == RetryReason::StaleCredentials || ex.attempts >= m_policy.maxAttempts
        || !m_quota.acquire(reason, timeout))
        return false;
    // Full jitter, so that many requests failing together do not come back together.
    auto *wait = new QTimer(ex.call);
    wait->setSingleShot(true);
    connect(wait, &QTimer::timeout, ex.call, [this, exchange, wait] {
        wait->deleteLater();
        attempt(exchange);
    });
    ex.call->addOnCancel([wait = QPointer<QTimer>(wait)] {
        if (wait)
            wait->start(0);  // a cancel need not wait out the backoff
    });
    wait->start(m_policy.backoffMs(ex.attempts));
    return true;
}

} // namespace RoleDrop::Http
