#pragma once

#include "core/common/aws_credentials.h"
#include "core/common/outcome.h"
#include "core/http/aws_call.h"
#include "core/http/credential_source.h"
#include "core/http/proxy_login.h"
#include "core/http/proxy_settings.h"
#include "core/http/retry_policy.h"
#include "core/http/tls_trust.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QUrl>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QIODevice;
class QNetworkAccessManager;
class QAuthenticator;
class QNetworkProxy;
class QNetworkReply;

namespace RoleDrop::SigV4 {
class SigningKeyCache;
}

namespace RoleDrop::Http {

// One AWS API request before signing. Paths and query items are decoded text: the client encodes them
// once, by AWS's rules, and sends exactly the bytes it signed.
struct AwsHttpRequest
{
    QByteArray method = "GET";
    QUrl baseUrl;                                         // scheme://host[:port]
    QString path = QStringLiteral("/");                   // decoded, starts with '/'
    QList<std::pair<QString, QString>> query;             // decoded; order irrelevant, repeats kept
    QList<std::pair<QByteArray, QByteArray>> headers;     // extra headers, signed when x-amz-* or content-*
    QByteArray body;                                      // small bodies (XML, forms)
    // A streamed body instead of `body` (a file or a part of one), `bodySize` bytes long. It is opened afresh
    // for every attempt, so a request sent again starts from its first byte.
    std::function<std::unique_ptr<QIODevice>()> openBody;
    qint64 bodySize = 0;
    QByteArray payloadHash;                               // hex SHA-256 of the body, or UNSIGNED-PAYLOAD
    QString service;                                      // "s3" or "sts"
    QString region;
    int transferTimeoutMs = 0;                            // inactivity limit (0: the retry policy's stall limit)
    bool mayAnswerErrorIn200 = false;                     // S3 may answer 200 with an <Error> (CompleteMultipartUpload)
    TlsTrust tls;                                         // for https: the CAs its endpoint's certificate may chain to
    // Sent without a signature (and without a caller): the calls made before there are AWS credentials, such as
    // IAM Identity Center's sign-in and portal APIs (a bearer token in a header) and AssumeRoleWithWebIdentity.
    bool anonymous = false;
};

struct AwsHttpResponse
{
    int status = 0;
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray header(QByteArrayView name) const;
};

// What a caller may follow while one request travels. Stream handlers run from the network's events.
struct AwsHttpStreaming
{
    std::function<void(qint64 sent, qint64 total)> onUploadProgress;
    // When set, a 2xx answer's body goes to onData piece by piece instead of into AwsHttpResponse::body;
    // onHead sees its status and headers first. An error returned by either stops the request with it.
    std::function<std::optional<AwsError>(const AwsHttpResponse &head)> onHead;
    std::function<std::optional<AwsError>(const QByteArray &chunk)> onData;
    qint64 readBufferBytes = 0;  // bounds what Qt buffers for a slow consumer (0: unbounded)
};

// Signs (SigV4) and sends requests through one QNetworkAccessManager. Never blocks: results arrive through
// callbacks on the owning thread. The one retry layer under every call (STS, listings, PUTs, parts, ranges,
// multipart steps): a failed attempt is tried again by the retry policy (retry_policy.h) - 5xx, throttling,
// timeouts, resets, stalls, a 200 with an error document where S3 sends one - after a backoff, and a stale
// token first renews the caller's identity. Every attempt is signed afresh with the caller's current
// credentials and its body opened again from the start. A streamed answer is retried only before its first
// byte was handed on; after that its reader resumes from where it got. Learns the clock offset from the server
// when a request is refused for clock skew, and sends such a request once more with the corrected clock.
//
// send() is the plumbing under the S3 and STS clients, which apply the async contract of
// core/common/async_result.h to their operations; its own handler may run inside the call.
class AwsHttpClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AwsHttpClient)
public:
    explicit AwsHttpClient(QObject *parent = nullptr);
    ~AwsHttpClient() override;

    // A new call handle for an operation whose result is for `context` (see AwsCall).
    AwsCall *newCall(QObject *context);

    // Sends and collects the whole response (bodies up to maxBodyBytes, unless streamed). Any HTTP status
    // arrives as a response; only transport failures, refusals to sign and stream handlers' errors are errors.
    using ResponseHandler = std::function<void(Outcome<AwsHttpResponse>)>;
    void send(AwsCall *call, const CredentialSourcePtr &caller, const AwsHttpRequest &request, ResponseHandler done,
              AwsHttpStreaming streaming = {});

    // Low level, for tests of what goes on the wire: signs (unless anonymous) and starts one attempt; the caller
    // owns the reply.
    Outcome<QNetworkReply *> start(const AwsCredentials &credentials, const AwsHttpRequest &request);

    // The exact URL a request goes to (also used for presigned URLs).
    static QUrl wireUrl(const QUrl &baseUrl, const QString &decodedPath, const QByteArray &encodedQuery);
    static QByteArray hostHeader(const QUrl &baseUrl);

    // Turns a finished reply's transport failure into an AwsError (kind Network, Tls, Timeout, Cancelled). A
    // certificate that failed verification is described from the reply's QSslErrors and `trust` (the CAs it was
    // checked against); "refused" is said only of a connection the server refused.
    AwsError transportError(QNetworkReply *reply, QNetworkReply::NetworkError code, const TlsTrust &trust = {}) const;

    qint64 clockOffsetMs() const { return m_clockOffsetMs.load(); }
    // How far the servers' clock is ahead of ours; normally learned, settable when known (and in tests).
    void setClockOffsetMs(qint64 offset) { m_clockOffsetMs = offset; }
    QDateTime now() const;

    void setRetryPolicy(const RetryPolicy &policy) { m_policy = policy; }
    const RetryPolicy &retryPolicy() const { return m_policy; }
    int retryTokensLeft() const { return m_quota.available(); }

    // The proxy variables are read once, here; tests and the CLI may set them before the first request.
    void setProxySettings(const ProxySettings &settings);
    const ProxySettings &proxySettings() const { return *m_proxySettings; }
    // Who is asked for a proxy's login when it answers 407 and the proxy URL carried none (or a refused one).
    // Unset (the command line): the request fails with a message saying where to put it.
    void setProxyLoginPrompt(ProxyLoginPrompt prompt) { m_proxyLoginPrompt = std::move(prompt); }

    static constexpr qint64 maxBodyBytes = 64LL * 1024 * 1024;

private:
    struct Exchange;
    void attempt(const std::shared_ptr<Exchange> &exchange);
    void finishAttempt(const std::shared_ptr<Exchange> &exchange, QNetworkReply *reply);
    // Tries the exchange again if its policy, the quota and the reason allow; false when it is over.
    bool retry(const std::shared_ptr<Exchange> &exchange, RetryReason reason, bool timeout);
    bool learnClockOffset(const AwsHttpResponse &response);
    // The manager requests with this trust go through: Qt keeps a host's connections, with the TLS configuration
    // they were opened with, per manager, so each CA file gets a manager of its own (and a profile whose CA file
    // was just fixed is not served by a connection that was refused under the old one).
    QNetworkAccessManager *networkFor(const TlsTrust &trust);
    QNetworkAccessManager *newNetwork();
    void answerProxyLogin(QNetworkAccessManager *network, const QNetworkProxy &proxy, QAuthenticator *authenticator);
    // The proxy failure behind a reply's UnknownNetworkError, when a proxy was in the way (else `code`).
    QNetworkReply::NetworkError proxyFailureCode(QNetworkReply *reply, QNetworkReply::NetworkError code) const;
    // A proxy failure in one line naming the proxy as http://host:port (never its login).
    AwsError proxyError(QNetworkReply *reply, QNetworkReply::NetworkError code) const;

    QNetworkAccessManager *m_network;
    QHash<QString, QNetworkAccessManager *> m_networksByCaFile;
    std::shared_ptr<SigV4::SigningKeyCache> m_keyCache;
    std::atomic<qint64> m_clockOffsetMs{0};
    RetryPolicy m_policy = RetryPolicy::fromEnvironment();
    RetryQuota m_quota;
    std::shared_ptr<const ProxySettings> m_proxySettings;
    ProxyLoginPrompt m_proxyLoginPrompt;
    // Logins given for each proxy ("host:port"), for the process only; and per manager the proxies whose
    // remembered login was offered already (asked again there, it was refused: ask the user).
    QHash<QString, ProxyLogin> m_proxyLogins;
    QHash<QNetworkAccessManager *, QSet<QString>> m_proxyLoginsOffered;
};

} // namespace RoleDrop::Http
