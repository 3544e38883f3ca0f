#include "core/transfer/upload_transfer.h"

#include "core/http/aws_call.h"
#include "core/http/retry_policy.h"
#include "core/s3/checksum_settings.h"
#include "core/s3/s3_client.h"
#include "core/transfer/file_range_device.h"

#include <QFileInfo>
#include <QMimeDatabase>

namespace RoleDrop::Transfers {

namespace {

QString withoutQuotes(QString eTag)
{
    if (eTag.size() >= 2 && eTag.startsWith(QLatin1Char('"')) && eTag.endsWith(QLatin1Char('"')))
        eTag = eTag.mid(1, eTag.size() - 2);
    return eTag;
}

} // namespace

UploadTransfer::UploadTransfer(std::shared_ptr<const S3::S3Client> client, const QString &localPath,
                               const S3::S3Uri &target, UploadOptions options, QObject *parent)
    : Transfer(std::move(client), TransferDirection::Upload, localPath, target, parent), m_options(options)
{
    m_contentType = options.contentType.isEmpty() ? QMimeDatabase().mimeTypeForFile(localPath).name() : options.contentType;
    setTotal(QFileInfo(localPath).size());
}

void UploadTransfer::resumeFrom(const UploadRecord &record)
{
    m_record = record;
    m_resumeRequested = true;
    if (!record.contentType.isEmpty())
        m_contentType = record.contentType;
    // Begun not to replace anything: it goes on that way.
    m_options.noClobber = m_options.noClobber || record.noClobber;
}

ChecksumAlgorithm UploadTransfer::chosenChecksum() const
{
    if (m_options.checksumAlgorithm != ChecksumAlgorithm::None)
        return m_options.checksumAlgorithm;
    return client()->checksums().calculatesRequestChecksums() ? S3::defaultChecksumAlgorithm : ChecksumAlgorithm::None;
}

bool UploadTransfer::isExistsRefusal(const AwsError &error) const
{
    return m_options.noClobber
        && (error.httpStatus == 412 || (error.httpStatus == 409 && error.code == QLatin1String("ConditionalRequestConflict")));
}

AwsError UploadTransfer::existsError(const AwsError &refusal) const
{
    AwsError error = refusal;
    error.kind = AwsErrorKind::ObjectExists;
    error.action = QStringLiteral("s3:PutObject");
    error.resource = remote().toString();
    error.identity = client()->identityName();
    return error;
}

void UploadTransfer::run()
{
    ++m_generation;
    m_waiting.clear();
    m_inFlight = 0;
    m_partBytesSent.clear();

    const QFileInfo info(localPath());
    if (!info.isFile() || !info.isReadable()) {
        fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1: no such readable file").arg(localPath())));
        return;
    }
    setTotal(info.size());
    if ((isResuming() || m_resumeRequested) && !m_record.uploadId.isEmpty()) {
        m_resumeRequested = false;
        return resumeMultipart();
    }
    m_record = UploadRecord{};
    m_record.size = info.size();
    m_record.modified = info.lastModified().toUTC();
    m_completedParts.clear();
    m_completedBytes = 0;
    if (!m_options.noClobber)
        return startUpload(info.size());
    // A key that is taken is refused before a byte goes out (and on servers that ignore If-None-Match, as Ceph
    // RGW 16.2 does on a completion); one that appears later is refused by the conditional write itself.
    const quint64 generation = m_generation;
    track(client()->headObject(remote().bucket, remote().key, this, [=, this](Outcome<S3::ObjectMetadata> existing) {
        if (!isCurrent(generation))
            return;
        if (existing)
            return fail(existsError(AwsError{}));
        startUpload(m_record.size);
    }));
}

void UploadTransfer::startUpload(qint64 size)
{
    if (size <= m_options.multipartThreshold)
        startSinglePut(size);
    else
        startMultipart(size);
}

bool UploadTransfer::fileUnchanged() const
{
    const QFileInfo now(localPath());
    return now.exists() && now.size() == m_record.size && now.lastModified().toUTC() == m_record.modified;
}

AwsError UploadTransfer::changedError() const
{
    AwsError error = AwsError::local(AwsErrorKind::LocalFile,
                                     QStringLiteral("%1 changed while it was being uploaded: the upload was stopped so that no mix of "
                                                    "two versions is stored; upload it again once it is written")
                                         .arg(localPath()));
    error.action = QStringLiteral("s3:PutObject");
    error.resource = remote().toString();
    return error;
}

void UploadTransfer::abortWork()
{
    ++m_generation;
    const auto calls = std::exchange(m_calls, {});
    for (const auto &call : calls) {
        if (call)
            call->cancel();
    }
    if (!m_record.uploadId.isEmpty()) {
        // Leaving parts behind costs the user storage: abort. The HTTP client outlives this transfer and carries
        // the request (with its retries) to its end; whoever watches cleanups may wait for it.
        Http::AwsCall *abort = client()->abortMultipartUpload(remote().bucket, remote().key, m_record.uploadId,
                                                              client()->http(), [](Outcome<Done>) {});
        emit cleanupStarted(abort);
        if (m_journal)
            m_journal->remove(m_record.id);
    }
    m_record = UploadRecord{};
}

void UploadTransfer::track(Http::AwsCall *call)
{
    m_calls.removeAll(nullptr);  // calls delete themselves when done
    if (call)
        m_calls.append(call);
}

void UploadTransfer::startSinglePut(qint64 size)
{
    const quint64 generation = m_generation;
    const ChecksumAlgorithm algorithm = chosenChecksum();
    const bool sha256 = client()->needsPayloadSha256(algorithm != ChecksumAlgorithm::None);
    digestFileRangeAsync(localPath(), 0, size, sha256, algorithm, this, [=, this](Outcome<PayloadDigests> digests) {
        if (!isCurrent(generation))
            return;
        if (!digests)
            return fail(digests.error());
        putRange({1, 0, size}, digests.value(), false, [=, this](qint64 sent) { setProgress(sent); },
                 [=, this](Outcome<QString> etag) {
                     if (!etag && isExistsRefusal(etag.error()))
                         return fail(existsError(etag.error()));
                     etag ? succeed(etag.value()) : partFailed(etag.error());
                 });
    });
}

void UploadTransfer::putRange(const PartRange &range, const PayloadDigests &digests, bool asPart,
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
    request.payloadHash = digests.sha256Hex;  // empty: sent unsigned, with its CRC over https
    request.checksum = digests.checksum;
    if (asPart) {
        request.uploadId = m_record.uploadId;
        request.partNumber = range.number;
    } else {
        request.contentType = m_contentType;
        request.ifNoneMatch = m_options.noClobber;
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

void UploadTransfer::startMultipart(qint64 size)
{
    auto plan = planMultipart(size, m_options.partSize);
    if (!plan)
        return fail(plan.error());
    m_plan = plan.value();
    m_waiting = m_plan;
    const quint64 generation = m_generation;
    S3::CreateMultipartRequest request;
    request.bucket = remote().bucket;
    request.key = remote().key;
    request.contentType = m_contentType;
    request.checksumAlgorithm = chosenChecksum();
    track(client()->createMultipartUpload(request, this, [=, this](Outcome<S3::InitiateMultipartResult> created) {
        if (!isCurrent(generation))
            return;
        if (!created)
            return partFailed(created.error());
        m_record.bucket = remote().bucket;
        m_record.key = remote().key;
        m_record.endpoint = journalEndpointName(client()->endpoint());
        m_record.identity = identityName();
        m_record.caller = client()->caller() ? client()->caller()->nameForErrors() : QString();
        if (!m_record.caller.startsWith(QLatin1String("arn:")))
            m_record.caller.clear();  // a profile name and key id: not an identity to match on
        m_record.uploadId = created->uploadId;
        m_record.localPath = localPath();
        m_record.partSize = m_plan.first().length;
        m_record.contentType = m_contentType;
        m_record.started = QDateTime::currentDateTimeUtc();
        m_record.checksumAlgorithm = request.checksumAlgorithm;
        m_record.noClobber = m_options.noClobber;
        if (m_journal)
            m_journal->begin(m_record);
        pumpParts();
    }));
}

// A multipart upload stopped earlier (a crash, a kill, a pause): what the server holds and what the journal
// says must agree, and the file must still be the one whose parts were sent; then only the rest is sent.
void UploadTransfer::resumeMultipart()
{
    if (!fileUnchanged())
        return startOver(QStringLiteral("the file changed since the upload stopped"));
    auto plan = planMultipart(m_record.size, m_record.partSize);
    if (!plan || plan->first().length != m_record.partSize)
        return startOver(QStringLiteral("its parts cannot be laid out as before"));
    m_plan = plan.value();
    const quint64 generation = m_generation;
    track(client()->listParts(remote().bucket, remote().key, m_record.uploadId, this,
                              [=, this](Outcome<QList<S3::UploadedPart>> parts) {
        if (!isCurrent(generation))
            return;
        if (!parts) {
            if (parts.error().kind == AwsErrorKind::NoSuchUpload)
                return startOver(QStringLiteral("the unfinished upload is no longer on the server"));
            // Nothing is lost by waiting: try again later.
            return pause(parts.error(), QStringLiteral("the parts already on the server could not be checked; they are kept"));
        }
        QHash<int, S3::UploadedPart> server;
        for (const S3::UploadedPart &part : parts.value())
            server.insert(part.number, part);
        continueWithParts(server);
    }));
}

void UploadTransfer::continueWithParts(const QHash<int, S3::UploadedPart> &serverParts)
{
    // The parts both the journal and the server hold (the same ETag, size and, where the server lists one, CRC),
    // each checked against the file's bytes one after the other.
    auto candidates = std::make_shared<QList<JournalPart>>();
    for (const JournalPart &part : std::as_const(m_record.parts)) {
        const auto held = serverParts.constFind(part.number);
        if (held == serverParts.cend() || withoutQuotes(held->eTag) != withoutQuotes(part.eTag) || held->size != part.length)
            continue;
        if (held->checksum.isValid() && part.checksum.isValid() && held->checksum != part.checksum)
            continue;
        candidates->append(part);
    }
    m_record.parts.clear();
    m_completedParts.clear();
    m_completedBytes = 0;
    const quint64 generation = m_generation;
    auto verifyNext = std::make_shared<std::function<void()>>();
    *verifyNext = [this, generation, candidates, weak = std::weak_ptr<std::function<void()>>(verifyNext)] {
        if (!isCurrent(generation))
            return;
        if (candidates->isEmpty()) {
            QSet<int> done;
            for (const JournalPart &part : std::as_const(m_record.parts))
                done.insert(part.number);
            for (const PartRange &part : std::as_const(m_plan)) {
                if (!done.contains(part.number))
                    m_waiting.append(part);
            }
            reportProgress();
            return pumpParts();
        }
        const JournalPart part = candidates->takeFirst();
        // What the journal kept of the part is computed again from the file: its SHA-256, its CRC, or both.
        digestFileRangeAsync(localPath(), part.offset, part.length, !part.sha256.isEmpty(), part.checksum.algorithm, this,
                             [this, generation, part, weak](Outcome<PayloadDigests> digests) {
            if (!isCurrent(generation))
                return;
            if (!digests)
                return fail(digests.error());
            if (digests->sha256Hex != part.sha256 || digests->checksum != part.checksum)
                return startOver(QStringLiteral("the bytes of part %1 differ from what was sent").arg(part.number));
            m_record.parts.append(part);
            m_completedParts.insert(part.number, {part.number, part.eTag, part.checksum});
            m_completedBytes += part.length;
            if (const auto next = weak.lock())
                (*next)();
        });
    };
    // The chain holds itself until it has run through: one strong reference, dropped at the end.
    auto keeper = std::make_shared<std::shared_ptr<std::function<void()>>>(verifyNext);
    connect(this, &Transfer::finished, this, [keeper] { keeper->reset(); }, Qt::SingleShotConnection);
    (*verifyNext)();
}

void UploadTransfer::startOver(const QString &why)
{
    Q_UNUSED(why)  // the old upload is aborted and the file sent whole: nothing half-checked is completed
    const qint64 size = QFileInfo(localPath()).size();
    abortWork();
    ++m_generation;
    const QFileInfo info(localPath());
    m_record.size = info.size();
    m_record.modified = info.lastModified().toUTC();
    m_completedParts.clear();
    m_completedBytes = 0;
    setTotal(size);
    startUpload(size);
}

void UploadTransfer::pumpParts()
{
    const quint64 generation = m_generation;
    while (m_inFlight < std::max(1, m_options.maxPartsInFlight) && !m_waiting.isEmpty()) {
        if (!fileUnchanged())
            return fail(changedError());
        const PartRange part = m_waiting.takeFirst();
        ++m_inFlight;
        // The upload's own algorithm (a resumed one keeps the one it was created with).
        const ChecksumAlgorithm algorithm = m_record.checksumAlgorithm;
        const bool sha256 = client()->needsPayloadSha256(algorithm != ChecksumAlgorithm::None);
        digestFileRangeAsync(localPath(), part.offset, part.length, sha256, algorithm, this, [=, this](Outcome<PayloadDigests> digests) {
            if (!isCurrent(generation))
                return;
            if (!digests)
                return fail(digests.error());
            sendPart(part, digests.value());
        });
    }
    if (m_inFlight == 0 && m_waiting.isEmpty())
        completeMultipart();
}

void UploadTransfer::sendPart(const PartRange &part, const PayloadDigests &digests)
{
    putRange(part, digests, true,
             [=, this](qint64 sent) {
                 m_partBytesSent[part.number] = sent;
                 reportProgress();
             },
             [=, this](Outcome<QString> etag) {
                 m_partBytesSent.remove(part.number);
                 if (!etag)
                     return partFailed(etag.error());
                 m_completedParts.insert(part.number, {part.number, etag.value(), digests.checksum});
                 const JournalPart done{part.number, part.offset, part.length, etag.value(), digests.sha256Hex, digests.checksum};
                 m_record.parts.append(done);
                 if (m_journal)
                     m_journal->addPart(m_record.id, done);
                 m_completedBytes += part.length;
                 --m_inFlight;
                 reportProgress();
                 pumpParts();
             });
}

void UploadTransfer::partFailed(const AwsError &error)
{
    // The HTTP layer has retried and, for a stale token, renewed the identity already: a stale token now means
    // the role session could not be renewed. Keep the parts and wait for the user, rather than throw them away.
    if (Http::retryReasonFor(error) == Http::RetryReason::StaleCredentials && !m_record.uploadId.isEmpty()) {
        ++m_generation;
        const auto calls = std::exchange(m_calls, {});
        for (const auto &call : calls) {
            if (call)
                call->cancel();
        }
        return pauseForStaleSession(error, QStringLiteral("%1 of %2 parts are on the server").arg(m_record.parts.size()).arg(m_plan.size()));
    }
    fail(error);
}

void UploadTransfer::completeMultipart()
{
    if (!fileUnchanged())
        return fail(changedError());
    S3::CompleteMultipartRequest request;
    request.bucket = remote().bucket;
    request.key = remote().key;
    request.uploadId = m_record.uploadId;
    request.ifNoneMatch = m_options.noClobber;
    request.parts = m_completedParts.values();  // in part order (a map)
    // FULL_OBJECT: the whole file's CRC, combined from the parts' in order, for the server to compare with its own.
    QHash<int, qint64> lengths;
    for (const PartRange &part : std::as_const(m_plan))
        lengths.insert(part.number, part.length);
    if (m_record.checksumAlgorithm != ChecksumAlgorithm::None) {
        Checksum whole;
        for (const S3::CompletedPart &part : std::as_const(request.parts)) {
            if (!part.checksum.isValid()) {
                whole = Checksum{};
                break;
            }
            whole = whole.isValid() ? combineChecksums(whole, part.checksum, lengths.value(part.number)) : part.checksum;
        }
        request.wholeObject = whole;
    }
    const quint64 generation = m_generation;
    track(client()->completeMultipartUpload(request, this, [=, this](Outcome<S3::CompleteMultipartResult> completed) {
        if (!isCurrent(generation))
            return;
        if (!completed && isExistsRefusal(completed.error()))
            return fail(existsError(completed.error()));  // fail() aborts the upload: no parts are left
        if (!completed)
            return partFailed(completed.error());
        if (m_journal)
            m_journal->remove(m_record.id);
        m_record = UploadRecord{};  // the object exists now: nothing to abort
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
