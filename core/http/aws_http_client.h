#pragma once

#include "core/http/aws_call.h"
#include "core/common/aws_credentials.h"
#include "core/common/outcome.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QUrl>

#include <atomic>
#include <memory>
#include <functional>
#include <utility>

class QIODevice;
class QNetworkAccessManager;
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
    QIODevice *bodyDevice = nullptr;                      // streamed instead of `body`; caller owns it, opened
    QByteArray payloadHash;                               // hex SHA-256 of the device's bytes, or UNSIGNED-PAYLOAD
    QString service;                                      // "s3" or "sts"
    QString region;
    int transferTimeoutMs = 60000;                        // inactivity limit, not a total limit
};

struct AwsHttpResponse
{
    int status = 0;
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray header(QByteArrayView name) const;
};

// Signs (SigV4) and sends requests through one QNetworkAccessManager. Never blocks: results arrive through
// callbacks on the owning thread. Learns the clock offset from the server when a request is refused for
// clock skew, and retries such a request once with the corrected clock.
class AwsHttpClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AwsHttpClient)
public:
    explicit AwsHttpClient(QObject *parent = nullptr);

    QNetworkAccessManager *network() const { return m_network; }

    // Low level: signs and starts the request; the caller owns the reply. Fails only when the request
    // cannot be signed (no credentials, no region...).
    Outcome<QNetworkReply *> start(const AwsCredentials &credentials, const AwsHttpRequest &request);

    // Sends and collects the whole response (bodies up to maxBodyBytes). Any HTTP status arrives as a
    // response; only transport failures (and oversized bodies) are errors here.
    using ResponseHandler = std::function<void(Outcome<AwsHttpResponse>)>;
    void send(AwsCall *call, const AwsCredentials &credentials, const AwsHttpRequest &request, ResponseHandler done);

    // The exact URL a request goes to (also used for presigned URLs).
    static QUrl wireUrl(const QUrl &baseUrl, const QString &decodedPath, const QByteArray &encodedQuery);
    static QByteArray hostHeader(const QUrl &baseUrl);

    // Turns a finished reply's transport failure into an AwsError (kind Network, Tls, Timeout, Cancelled).
    static AwsError transportError(QNetworkReply *reply);

    qint64 clockOffsetMs() const { return m_clockOffsetMs.load(); }
    // How far the servers' clock is ahead of ours; normally learned, settable when known (and in tests).
    void setClockOffsetMs(qint64 offset) { m_clockOffsetMs = offset; }
    QDateTime now() const;

    static constexpr qint64 maxBodyBytes = 64LL * 1024 * 1024;

private:
    bool learnClockOffset(const AwsHttpResponse &response);

    QNetworkAccessManager *m_network;
    std::shared_ptr<SigV4::SigningKeyCache> m_keyCache;
    std::atomic<qint64> m_clockOffsetMs{0};
};

} // namespace RoleDrop::Http
