#include "core/transfer/upload_transfer.h"

#include "core/transfer/file_range_device.h"
#include "core/transfer/payload_hasher.h"
#include "core/s3/s3_client.h"

#include <QFileInfo>
#include <QMimeDatabase>
#include <QNetworkReply>

namespace RoleDrop::Transfers {

UploadTransfer::UploadTransfer(S3::S3Client *client, const QString &localPath, const S3::S3Uri &target, UploadOptions options,
                               QObject *parent)
    : Transfer(client, TransferDirection::Upload, localPath, target, parent), m_options(options)
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
    for (const auto &reply : std::as_const(m_replies)) {
        if (reply)
            reply->abort();
    }
    m_replies.clear();
    if (m_call)
        m_call->cancel();
    if (!m_uploadId.isEmpty()) {
        // Leaving parts behind costs the user storage: abort, and don't wait for the answer.
        client()->abortMultipartUpload(remote().bucket, remote().key, m_uploadId, [](Outcome<Done>) {});
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
        putRange({1, 0, size}, hash.value(), {}, [=, this](qint64 sent) { setProgress(sent); },
                 [=, this](Outcome<QString> etag) { etag ? succeed(etag.value()) : fail(etag.error()); });
    });
}

void UploadTransfer::putRange(const PartRange &range, const QByteArray &payloadHash,
                              const QList<std::pair<QString, QString>> &query, std::function<void(qint64)> onSent,
                              std::function<void(Outcome<QString>)> done)
{
    const quint64 generation = m_generation;
    auto *device = new FileRangeDevice(localPath(), range.offset, range.length, this);
    if (!device->open(QIODevice::ReadOnly)) {
        device->deleteLater();
        return done(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1: %2").arg(localPath(), device->errorString())));
    }
    Http::AwsHttpRequest request = client()->objectRequest("PUT", remote().bucket, remote().key);
    request.query = query;
    request.bodyDevice = device;
    request.payloadHash = payloadHash;
    if (query.isEmpty())
        request.headers.append({"content-type", m_contentType.toUtf8()});
    request.transferTimeoutMs = 120000;
    const auto started = client()->startStreaming(request);
    if (!started) {
        device->deleteLater();
        return done(started.error());
    }
    QNetworkReply *reply = started.value();
    device->setParent(reply);
    m_replies.append(reply);
    connect(reply, &QNetworkReply::uploadProgress, this, [=, this](qint64 sent, qint64) {
        if (isCurrent(generation))
            onSent(sent);
    });
    connect(reply, &QNetworkReply::finished, this, [=, this] {
        reply->deleteLater();
        m_replies.removeAll(reply);
        if (!isCurrent(generation))
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError && status == 0)
            return done(client()->annotate(Http::AwsHttpClient::transportError(reply), QStringLiteral("s3:PutObject"), remote().toString()));
        if (status != 200)
            return done(client()->errorFromResponse(status, reply->readAll(), QStringLiteral("s3:PutObject"), remote().toString()));
        // Without the ETag a multipart upload cannot be completed: its absence is a malformed answer.
        const QString etag = QString::fromLatin1(reply->rawHeader("ETag"));
        if (etag.isEmpty() && !query.isEmpty())
            return done(AwsError::local(AwsErrorKind::MalformedResponse, QStringLiteral("The server sent no ETag for part %1").arg(range.number)));
        done(etag);
    });
}

void UploadTransfer::startMultipart(qint64 size)
{
    auto plan = planMultipart(size, m_options.partSize);
    if (!plan)
        return fail(plan.error());
    m_waiting = plan.value();
    const quint64 generation = m_generation;
    m_call = client()->createMultipartUpload(remote().bucket, remote().key, m_contentType,
                                             [=, this](Outcome<S3::InitiateMultipartResult> created) {
        if (!isCurrent(generation))
            return;
        if (!created)
            return fail(created.error());
        m_uploadId = created->uploadId;
        pumpParts();
    });
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
    const QList<std::pair<QString, QString>> query{{QStringLiteral("partNumber"), QString::number(part.number)},
                                                    {QStringLiteral("uploadId"), m_uploadId}};
    putRange(part, payloadHash, query,
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
    m_call = client()->completeMultipartUpload(remote().bucket, remote().key, m_uploadId, parts,
                                               [=, this](Outcome<S3::CompleteMultipartResult> completed) {
        if (!isCurrent(generation))
            return;
        if (!completed)
            return fail(completed.error());
        m_uploadId.clear();  // the object exists now: nothing to abort
        succeed(completed->eTag);
    });
}

void UploadTransfer::reportProgress()
{
    qint64 done = m_completedBytes;
    for (const qint64 sent : std::as_const(m_partBytesSent))
        done += sent;
    setProgress(done);
}

} // namespace RoleDrop::Transfers
