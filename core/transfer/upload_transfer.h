#pragma once

#include "core/transfer/multipart_plan.h"
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
};

// Uploads one file: a single streamed PUT for small files, else a multipart upload whose parts are read
// straight from disk (FileRangeDevice) with at most maxPartsInFlight in flight, so memory stays flat
// whatever the file size. Each part's SHA-256 is computed on a worker thread from disk before it is sent.
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
    void startSinglePut(qint64 size);
    void startMultipart(qint64 size);
    void resumeMultipart();
    void continueWithParts(const QHash<int, std::pair<QString, qint64>> &serverParts);
    void startOver(const QString &why);
    void pumpParts();
    void sendPart(const PartRange &part, const QByteArray &payloadHash);
    // Streams bytes [range.offset, +range.length) of the file as one PUT (the object, or part `range.number`
    // when `asPart`); `done` gets the ETag or the error, unless the transfer was aborted meanwhile.
    void putRange(const PartRange &range, const QByteArray &payloadHash, bool asPart, std::function<void(qint64)> onSent,
                  std::function<void(Outcome<QString>)> done);
    void partFailed(const AwsError &error);
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
    QMap<int, QString> m_partEtags;
    QHash<int, qint64> m_partBytesSent;
    qint64 m_completedBytes = 0;
    QList<QPointer<Http::AwsCall>> m_calls;  // every request in flight, for abortWork()
};

} // namespace RoleDrop::Transfers
