#include "core/transfer/download_transfer.h"

#include "core/s3/s3_client.h"

#include <QDir>
#include <QFileInfo>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSaveFile>

namespace RoleDrop::Transfers {

namespace {
constexpr qint64 readBufferBytes = 4 * 1024 * 1024;  // per GET: bounds memory when the disk is slower than the network
constexpr qint64 maxErrorBodyBytes = 64 * 1024;

// "bytes 0-8388607/1073741824" -> 1073741824; -1 when absent or malformed.
qint64 totalFromContentRange(const QByteArray &header)
{
    static const QRegularExpression pattern(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+)$"));
    const auto match = pattern.match(QString::fromLatin1(header.trimmed()));
    return match.hasMatch() ? match.captured(3).toLongLong() : -1;
}
} // namespace

DownloadTransfer::DownloadTransfer(S3::S3Client *client, const S3::S3Uri &source, const QString &localPath, DownloadOptions options,
                                   QObject *parent)
    : Transfer(client, TransferDirection::Download, localPath, source, parent), m_options(options)
{
    m_options.rangeBytes = std::max<qint64>(64 * 1024, m_options.rangeBytes);
    m_options.maxRangesInFlight = std::max(1, m_options.maxRangesInFlight);
}

DownloadTransfer::~DownloadTransfer()
{
    for (const auto &stream : m_streams) {
        if (stream->reply)
            stream->reply->abort();
    }
}

void DownloadTransfer::run()
{
    m_streams.clear();
    m_objectSize = -1;
    m_nextOffset = 0;
    m_eTag.clear();
    m_received = 0;
    if (!QDir().mkpath(QFileInfo(localPath()).absolutePath())) {
        fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot create the folder %1").arg(QFileInfo(localPath()).absolutePath())));
        return;
    }
    m_file = std::make_unique<QSaveFile>(localPath());
    if (!m_file->open(QIODevice::WriteOnly)) {
        fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot write %1: %2").arg(localPath(), m_file->errorString())));
        return;
    }
    startStream(0, m_options.rangeBytes, true);
}

void DownloadTransfer::startStream(qint64 offset, qint64 length, bool first)
{
    Http::AwsHttpRequest request = client()->objectRequest("GET", remote().bucket, remote().key);
    request.transferTimeoutMs = 120000;
    if (length >= 0)
        request.headers.append({"range", "bytes=" + QByteArray::number(offset) + '-' + QByteArray::number(offset + length - 1)});
    if (!first && !m_eTag.isEmpty())
        request.headers.append({"if-match", m_eTag});
    const auto started = client()->startStreaming(request);
    if (!started)
        return fail(started.error());
    auto stream = std::make_unique<Stream>();
    stream->reply = started.value();
    stream->offset = offset;
    stream->length = length;
    stream->first = first;
    Stream *raw = stream.get();
    m_streams.push_back(std::move(stream));
    raw->reply->setReadBufferSize(readBufferBytes);
    connect(raw->reply, &QNetworkReply::readyRead, this, [this, raw] { onReadyRead(raw); });
    connect(raw->reply, &QNetworkReply::finished, this, [this, raw] { onFinished(raw); });
}

void DownloadTransfer::abortWork()
{
    for (const auto &stream : m_streams) {
        if (stream->reply) {
            disconnect(stream->reply, nullptr, this, nullptr);
            stream->reply->abort();
            stream->reply->deleteLater();
        }
    }
    m_streams.clear();
    if (m_file) {
        m_file->cancelWriting();
        m_file.reset();  // QSaveFile removes its temporary file
    }
}

// The first answer decides the plan: 206 names the object's size (more ranges follow), 200 means the
// server sent everything at once, 416 means there are no bytes to range over (an empty object).
void DownloadTransfer::onHeaders(Stream *stream)
{
    stream->status = stream->reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!stream->first)
        return;
    if (stream->status == 206) {
        m_objectSize = totalFromContentRange(stream->reply->rawHeader("Content-Range"));
        m_eTag = stream->reply->rawHeader("ETag");
        if (m_objectSize < 0) {
            stream->status = -1;  // reported as malformed when it finishes
            return;
        }
        setTotal(m_objectSize);
        stream->length = std::min(stream->length, m_objectSize);
        m_nextOffset = stream->length;
        pumpRanges();
    } else if (stream->status == 200) {
        stream->length = -1;
        const QVariant length = stream->reply->header(QNetworkRequest::ContentLengthHeader);
        m_objectSize = length.isValid() ? length.toLongLong() : -1;  // unknown (chunked): whatever comes whole
        if (m_objectSize > 0)
            setTotal(m_objectSize);
        m_nextOffset = std::max<qint64>(0, m_objectSize);
    }
}

void DownloadTransfer::onReadyRead(Stream *stream)
{
    if (stream->status == 0)
        onHeaders(stream);
    if (state() != TransferState::Running || !stream->reply)
        return;
    if (stream->status != 200 && stream->status != 206) {
        stream->errorBody += stream->reply->read(maxErrorBodyBytes - stream->errorBody.size());
        stream->reply->readAll();
        return;
    }
    const QByteArray chunk = stream->reply->readAll();
    if (chunk.isEmpty())
        return;
    if (stream->length >= 0 && stream->written + chunk.size() > stream->length) {
        fail(client()->annotate(AwsError::local(AwsErrorKind::MalformedResponse, QStringLiteral("The server sent more bytes than the range asked for")),
                                QStringLiteral("s3:GetObject"), remote().toString()));
        return;
    }
    if (!m_file->seek(stream->offset + stream->written) || m_file->write(chunk) != chunk.size()) {
        fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot write %1: %2").arg(localPath(), m_file->errorString())));
        return;
    }
    stream->written += chunk.size();
    m_received += chunk.size();
    setProgress(m_received);
}

void DownloadTransfer::onFinished(Stream *stream)
{
    QNetworkReply *reply = stream->reply;
    if (!reply)
        return;
    onReadyRead(stream);
    if (state() != TransferState::Running)
        return;
    const int status = stream->status;
    const auto action = QStringLiteral("s3:GetObject");
    if (stream->first && status == 416) {
        // A range of an empty object does not exist: fetch it whole (it has no bytes to split).
        removeStream(stream);
        startStream(0, -1, false);
        return;
    }
    if (reply->error() != QNetworkReply::NoError && status == 0)
        return fail(client()->annotate(Http::AwsHttpClient::transportError(reply), action, remote().toString()));
    if (status == 412)
        return fail(client()->annotate(AwsError::local(AwsErrorKind::Network, QStringLiteral("The object changed while it was being downloaded; try again")),
                                       action, remote().toString()));
    if (status == -1)
        return fail(client()->annotate(AwsError::local(AwsErrorKind::MalformedResponse, QStringLiteral("The server's partial answer did not name the object's size")),
                                       action, remote().toString()));
    if (status != 200 && status != 206)
        return fail(client()->errorFromResponse(status, stream->errorBody, action, remote().toString()));
    const qint64 expected = stream->length >= 0 ? stream->length : m_objectSize;
    if (reply->error() != QNetworkReply::NoError || (expected >= 0 && stream->written != expected))
        return fail(client()->annotate(AwsError::local(AwsErrorKind::Network, QStringLiteral("The download was cut short after %1 of %2 bytes").arg(stream->written).arg(expected)),
                                       action, remote().toString()));
    if (status == 200) {
        m_objectSize = stream->written;  // what came whole is the object (also when sent without a length)
        m_eTag = reply->rawHeader("ETag");
    }
    removeStream(stream);
    pumpRanges();
    if (!m_streams.empty() || m_nextOffset < m_objectSize)
        return;
    if (!m_file->commit())
        return fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot save %1: %2").arg(localPath(), m_file->errorString())));
    m_file.reset();
    succeed(QString::fromLatin1(m_eTag));
}

void DownloadTransfer::pumpRanges()
{
    while (state() == TransferState::Running && int(m_streams.size()) < m_options.maxRangesInFlight && m_objectSize >= 0
           && m_nextOffset < m_objectSize) {
        const qint64 length = std::min(m_options.rangeBytes, m_objectSize - m_nextOffset);
        const qint64 offset = m_nextOffset;
        m_nextOffset += length;
        startStream(offset, length, false);
    }
}

void DownloadTransfer::removeStream(Stream *stream)
{
    if (stream->reply) {
        disconnect(stream->reply, nullptr, this, nullptr);
        stream->reply->deleteLater();
    }
    std::erase_if(m_streams, [stream](const auto &owned) { return owned.get() == stream; });
}

} // namespace RoleDrop::Transfers
