#pragma once

#include "core/s3/s3_client.h"
#include "core/transfer/multipart_plan.h"
#include "core/transfer/payload_hasher.h"
#include "core/transfer/transfer.h"
#include "core/transfer/upload_journal.h"

#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QPointer>

namespace RoleDrop::Http {
class AwsCall;
}

namespace RoleDrop::Transfers {

struct UploadOptions
{
    qint64 multipartThreshold = 16LL * 1024 * 1024;  // larger files go as multipart uploads
    qint64 partSize = 16LL * 1024 * 1024;            // grown automatically past 10,000 parts
    int maxPartsInFlight = 4;                        // bounds memory and connections
    QString contentType;                             // empty: guessed from the file name and content
    // The CRC every PUT and part carries for the server to verify (S3's flexible checksums); None: the client's
    // settings decide (CRC64NVME unless request_checksum_calculation is when_required, then none). A multipart
    // upload has the FULL_OBJECT type: the completion carries the whole file's CRC, combined from the parts'.
    ChecksumAlgorithm checksumAlgorithm = ChecksumAlgorithm::None;
    // Never replace an object that exists: a HEAD first (nothing is sent for a key that is taken), then
    // If-None-Match: * on the PUT or the completion for one that appears meanwhile. A refusal fails the upload
    // with "s3://bucket/key exists already; not replaced" and leaves nothing behind.
    bool noClobber = false;
};

// Uploads one file: a single streamed PUT for small files, else a multipart upload whose parts are read
// straight from disk (FileRangeDevice) with at most maxPartsInFlight in flight, so memory stays flat
// whatever the file size. Each part's CRC (and, where the request is signed with it, its SHA-256: over http, or
// without a checksum) is computed on a worker thread from disk before it is sent, both in one pass.
//
// A multipart upload is written to the journal (upload_journal.h) as it goes, so it can be resumed after a
// crash, a kill or a pause: its parts are checked against the server's ListParts and the file's bytes, and
// only the missing ones are sent. Transient failures are retried by the HTTP layer; a role session that
// cannot be renewed pauses the upload (its parts kept); a final failure or a cancel aborts the multipart
// upload, so no parts are left billed on the server. A file that changes while it uploads is never completed
// into a torn object: the upload fails, or on resume starts over.
class UploadTransfer final : public Transfer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UploadTransfer)
public:
    UploadTransfer(std::shared_ptr<const S3::S3Client> client, const QString &localPath, const S3::S3Uri &target,
                   UploadOptions options = {}, QObject *parent = nullptr);

    const QString &contentType() const { return m_contentType; }
    // Where multipart uploads are recorded for a resume (none: not recorded).
    void setJournal(UploadJournal *journal) { m_journal = journal; }
    // Continues the journal's unfinished upload instead of starting a new one.
    void resumeFrom(const UploadRecord &record);
    // The multipart upload as recorded so far (empty for a single PUT).
    const UploadRecord &record() const { return m_record; }

signals:
    // An abort of the multipart upload has gone out (on a cancel or a final failure): `call` ends with it.
    void cleanupStarted(RoleDrop::Http::AwsCall *call);

protected:
    void run() override;
    void abortWork() override;

private:
    // A single PUT or a multipart upload, by size (not Transfer::start(), which queues the transfer).
    void startUpload(qint64 size);
    void startSinglePut(qint64 size);
    void startMultipart(qint64 size);
    void resumeMultipart();
    void continueWithParts(const QHash<int, S3::UploadedPart> &serverParts);
    void startOver(const QString &why);
    void pumpParts();
    void sendPart(const PartRange &part, const PayloadDigests &digests);
    // Streams bytes [range.offset, +range.length) of the file as one PUT (the object, or part `range.number`
    // when `asPart`); `done` gets the ETag or the error, unless the transfer was aborted meanwhile.
    void putRange(const PartRange &range, const PayloadDigests &digests, bool asPart, std::function<void(qint64)> onSent,
                  std::function<void(Outcome<QString>)> done);
    void partFailed(const AwsError &error);
    // What a new upload's requests carry: the options' algorithm, else the client's default (or none).
    ChecksumAlgorithm chosenChecksum() const;
    // A refusal of a no-clobber write (412 PreconditionFailed, 409 ConditionalRequestConflict), said plainly.
    bool isExistsRefusal(const AwsError &error) const;
    AwsError existsError(const AwsError &refusal) const;
    void completeMultipart();
    void reportProgress();
    void track(Http::AwsCall *call);
    // The file as it was when the upload started: size and mtime the same?
    bool fileUnchanged() const;
    AwsError changedError() const;
    bool isCurrent(quint64 generation) const { return generation == m_generation && state() == TransferState::Running; }

    UploadOptions m_options;
    QString m_contentType;
    UploadJournal *m_journal = nullptr;
    quint64 m_generation = 0;  // bumps on every (re)start and abort, so stale callbacks are ignored

    UploadRecord m_record;     // the multipart upload: its id, the file as it was, the parts done
    bool m_resumeRequested = false;
    QList<PartRange> m_plan;
    QList<PartRange> m_waiting;
    int m_inFlight = 0;
    QMap<int, S3::CompletedPart> m_completedParts;
    QHash<int, qint64> m_partBytesSent;
    qint64 m_completedBytes = 0;
    QList<QPointer<Http::AwsCall>> m_calls;  // every request in flight, for abortWork()
};

} // namespace RoleDrop::Transfers
