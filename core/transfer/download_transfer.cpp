#include "core/transfer/download_transfer.h"

#include "core/http/aws_call.h"
#include "core/s3/s3_client.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

namespace RoleDrop::Transfers {

DownloadTransfer::DownloadTransfer(std::shared_ptr<const S3::S3Client> client, const S3::S3Uri &source,
                                   const QString &localPath, DownloadOptions options, QObject *parent)
    : Transfer(std::move(client), TransferDirection::Download, localPath, source, parent), m_options(options)
{
    m_options.rangeBytes = std::max<qint64>(64 * 1024, m_options.rangeBytes);
    m_options.maxRangesInFlight = std::max(1, m_options.maxRangesInFlight);
}

DownloadTransfer::~DownloadTransfer()
{
    for (const auto &stream : m_streams) {
        if (stream->call)
            stream->call->cancel();
    }
}

AwsError DownloadTransfer::error(AwsErrorKind kind, const QString &message) const
{
    AwsError error = AwsError::local(kind, message);
    error.action = QStringLiteral("s3:GetObject");
    error.resource = remote().toString();
    error.identity = client()->identityName();
    return error;
}

void DownloadTransfer::run()
{
    ++m_generation;
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
    auto stream = std::make_unique<Stream>();
    stream->offset = offset;
    stream->length = length;
    stream->first = first;
    Stream *raw = stream.get();
    m_streams.push_back(std::move(stream));
    S3::GetObjectRequest request;
    request.bucket = remote().bucket;
    request.key = remote().key;
    request.offset = offset;
    request.length = length;
    if (!first)
        request.ifMatch = m_eTag;  // every later range must come from the version the first one did
    const quint64 generation = m_generation;
    raw->call = client()->getObject(
        request, this, [this, raw](const S3::ObjectStreamHead &head) { return onHead(raw, head); },
        [this, raw](const QByteArray &chunk) { return onData(raw, chunk); },
        [this, raw, generation](Outcome<Done> result) {
            if (generation == m_generation && state() == TransferState::Running)
                onStreamDone(raw, result);
        });
}

void DownloadTransfer::abortWork()
{
    ++m_generation;
    for (const auto &stream : m_streams) {
        if (stream->call)
            stream->call->cancel();
    }
    m_streams.clear();
    if (m_file) {
        m_file->cancelWriting();
        m_file.reset();  // QSaveFile removes its temporary file
    }
}

// The first answer decides the plan: 206 names the object's size (more ranges follow), 200 means the
// server sent everything at once. Every later answer must be exactly the range asked for.
std::optional<AwsError> DownloadTransfer::onHead(Stream *stream, const S3::ObjectStreamHead &head)
{
    if (state() != TransferState::Running)
        return error(AwsErrorKind::Cancelled, QStringLiteral("Cancelled"));
    if (stream->first) {
        m_eTag = head.eTag;
        if (head.status == 206 && head.rangeStart != 0)
            return error(AwsErrorKind::MalformedResponse, QStringLiteral("The server answered another range than the first bytes"));
        if (head.status == 206) {
            m_objectSize = head.objectSize;
            setTotal(m_objectSize);
            stream->length = std::min(stream->length, m_objectSize);
            m_nextOffset = stream->length;
            pumpRanges();
        } else {
            stream->length = -1;
            m_objectSize = head.objectSize;  // -1 when sent without a length: whatever comes whole
            if (m_objectSize > 0)
                setTotal(m_objectSize);
            m_nextOffset = std::max<qint64>(0, m_objectSize);
        }
        return std::nullopt;
    }
    if (head.status != 206 || head.rangeStart != stream->offset || head.length != stream->length)
        return error(AwsErrorKind::MalformedResponse,
                     QStringLiteral("The server answered another range than bytes %1-%2").arg(stream->offset).arg(stream->offset + stream->length - 1));
    if (!m_eTag.isEmpty() && head.eTag != m_eTag)
        return error(AwsErrorKind::Network, QStringLiteral("The object changed while it was being downloaded; try again"));
    return std::nullopt;
}

std::optional<AwsError> DownloadTransfer::onData(Stream *stream, const QByteArray &chunk)
{
    if (state() != TransferState::Running || !m_file)
        return error(AwsErrorKind::Cancelled, QStringLiteral("Cancelled"));
    if (stream->length >= 0 && stream->written + chunk.size() > stream->length)
        return error(AwsErrorKind::MalformedResponse, QStringLiteral("The server sent more bytes than the range asked for"));
    if (!m_file->seek(stream->offset + stream->written) || m_file->write(chunk) != chunk.size())
        return AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot write %1: %2").arg(localPath(), m_file->errorString()));
    stream->written += chunk.size();
    m_received += chunk.size();
    setProgress(m_received);
    return std::nullopt;
}

void DownloadTransfer::onStreamDone(Stream *stream, const Outcome<Done> &result)
{
    if (!result) {
        const AwsError &failure = result.error();
        if (stream->first && failure.httpStatus == 416) {
            // A range of an empty object does not exist: fetch it whole (it has no bytes to split).
            removeStream(stream);
            startStream(0, -1, true);
            return;
        }
        if (failure.httpStatus == 412)
            return fail(error(AwsErrorKind::Network, QStringLiteral("The object changed while it was being downloaded; try again")));
        return fail(failure);
    }
    const qint64 expected = stream->length >= 0 ? stream->length : m_objectSize;
    if (expected >= 0 && stream->written != expected)
        return fail(error(AwsErrorKind::Network, QStringLiteral("The download was cut short after %1 of %2 bytes").arg(stream->written).arg(expected)));
    if (stream->first && stream->length < 0)
        m_objectSize = stream->written;  // what came whole is the object (also when sent without a length)
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
    std::erase_if(m_streams, [stream](const auto &owned) { return owned.get() == stream; });
}

} // namespace RoleDrop::Transfers
