#include "core/transfer/upload_transfer.h"

#include "core/transfer/file_range_device.h"
#include "core/transfer/payload_hasher.h"
#include "core/s3/s3_client.h"

#include "core/http/aws_call.h"

#include <QFileInfo>
#include <QMimeDatabase>

namespace RoleDrop::Transfers {

UploadTransfer::UploadTransfer(std::shared_ptr<const S3::S3Client> client, const QString &localPath,
                               const S3::S3Uri &target, UploadOptions options, QObject *parent)
    : Transfer(std::move(client), TransferDirection::Upload, localPath, target, parent), m_options(options)
{
    m_contentType = options.contentType.isEmpty() ? QMimeDatabase().mimeTypeForFile(localPath).name() : options.contentType;
    setTotal(QFileInfo(localPath).size());
}

void UploadTransfer::run()
{
    ++m_generation;
    m_uploadId.clear();
    m_waiting.clear();
    m_inFlight = 0;
    m_partEtags.clear();
    m_partBytesSent.clear();
    m_completedBytes = 0;

    const QFileInfo info(localPath());
    if (!info.isFile() || !info.isReadable()) {
        fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1: no such readable file").arg(localPath())));
        return;
    }
    setTotal(info.size());
    if (info.size() <= m_options.multipartThreshold)
        startSinglePut(info.size());
    else
        startMultipart(info.size());
}

void UploadTransfer::abortWork()
{
    ++m_generation;
    const auto calls = std::exchange(m_calls, {});
    for (const auto &call : calls) {
        if (call)
            call->cancel();
    }
    if (!m_uploadId.isEmpty()) {
        // Leaving parts behind costs the user storage: abort, and don't wait for the answer (the HTTP client
        // outlives this transfer and carries it).
        client()->abortMultipartUpload(remote().bucket, remote().key, m_uploadId, client()->http(), [](Outcome<Done>) {});
        m_uploadId.clear();
    }
}

void UploadTransfer::startSinglePut(qint64 size)
{
    const quint64 generation = m_generation;
    hashFileRangeAsync(localPath(), 0, size, this, [=, this](Outcome<QByteArray> hash) {
        if (!isCurrent(generation))
            return;
        if (!hash)
            return fail(hash.error());
        putRange({1, 0, size}, hash.value(), false, [=, this](qint64 sent) { setProgress(sent); },
                 [=, this](Outcome<QString> etag) { etag ? succeed(etag.value()) : fail(etag.error()); });
    });
}

void UploadTransfer::putRange(const PartRange &range, const QByteArray &payloadHash, bool asPart,
                              std::function<void(qint64)> onSent, std::function<void(Outcome<QString>)> done)
{
    const quint64 generation = m_generation;
    S3::PutObjectRequest request;
    request.bucket = remote().bucket;
    request.key = remote().key;
    request.openBody = [path = localPath(), range]() -> std::unique_ptr<QIODevice> {
        auto device = std::make_unique<FileRangeDevice>(path, range.offset, range.length);
        device->open(QIODevice::ReadOnly);  // a failure is reported by the client with the device's errorString()
        return device;
    };
    request.length = range.length;
    request.payloadHash = payloadHash;
    if (asPart) {
        request.uploadId = m_uploadId;
        request.partNumber = range.number;
    } else {
        request.contentType = m_contentType;
    }
    track(client()->putObject(request, this, [=, this](qint64 sent, qint64) {
        if (isCurrent(generation))
            onSent(sent);
    }, [=, this](Outcome<S3::PutObjectResult> put) {
        if (!isCurrent(generation))
            return;
        put ? done(put->eTag) : done(put.error());
    }));
}

void UploadTransfer::track(Http::AwsCall *call)
{
    m_calls.removeAll(nullptr);  // calls delete themselves when done
    if (call)
        m_calls.append(call);
}

void UploadTransfer::startMultipart(qint64 size)
{
    auto plan = planMultipart(size, m_options.partSize);
    if (!plan)
        return fail(plan.error());
    m_waiting = plan.value();
    const quint64 generation = m_generation;
    track(client()->createMultipartUpload(remote().bucket, remote().key, m_contentType, this,
                                          [=, this](Outcome<S3::InitiateMultipartResult> created) {
        if (!isCurrent(generation))
            return;
        if (!created)
            return fail(created.error());
        m_uploadId = created->uploadId;
        pumpParts();
    }));
}

void UploadTransfer::pumpParts()
{
    const quint64 generation = m_generation;
    while (m_inFlight < std::max(1, m_options.maxPartsInFlight) && !m_waiting.isEmpty()) {
        const PartRange part = m_waiting.takeFirst();
        ++m_inFlight;
        hashFileRangeAsync(localPath(), part.offset, part.length, this, [=, this](Outcome<QByteArray> hash) {
            if (!isCurrent(generation))
                return;
            if (!hash)
                return fail(hash.error());
            sendPart(part, hash.value(), 1);
        });
    }
    if (m_inFlight == 0 && m_waiting.isEmpty())
        completeMultipart();
}

void UploadTransfer::sendPart(const PartRange &part, const QByteArray &payloadHash, int attempt)
{
    m_partHashes.insert(part.number, payloadHash);  // kept for a retry: the file is not read twice for it
    putRange(part, payloadHash, true,
             [=, this](qint64 sent) {
                 m_partBytesSent[part.number] = sent;
                 reportProgress();
             },
             [=, this](Outcome<QString> etag) {
                 m_partBytesSent.remove(part.number);
                 if (!etag)
                     return partFailed(part, etag.error(), attempt);
                 m_partEtags.insert(part.number, etag.value());
                 m_completedBytes += part.length;
                 --m_inFlight;
                 reportProgress();
                 pumpParts();
             });
}

void UploadTransfer::partFailed(const PartRange &part, const AwsError &error, int attempt)
{
    if (!error.isRetryable() || attempt >= m_options.maxAttemptsPerPart)
        return fail(error);
    sendPart(part, m_partHashes.value(part.number), attempt + 1);
}

void UploadTransfer::completeMultipart()
{
    QList<std::pair<int, QString>> parts;
    for (auto it = m_partEtags.cbegin(); it != m_partEtags.cend(); ++it)
        parts.append({it.key(), it.value()});
    const quint64 generation = m_generation;
    track(client()->completeMultipartUpload(remote().bucket, remote().key, m_uploadId, parts, this,
                                            [=, this](Outcome<S3::CompleteMultipartResult> completed) {
        if (!isCurrent(generation))
            return;
        if (!completed)
            return fail(completed.error());
        m_uploadId.clear();  // the object exists now: nothing to abort
        succeed(completed->eTag);
    }));
}

void UploadTransfer::reportProgress()
{
    qint64 done = m_completedBytes;
    for (const qint64 sent : std::as_const(m_partBytesSent))
        done += sent;
    setProgress(done);
}

} // namespace RoleDrop::Transfers
