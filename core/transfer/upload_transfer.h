#pragma once

#include "core/transfer/multipart_plan.h"
#include "core/transfer/transfer.h"

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
    int maxAttemptsPerPart = 3;                      // transient failures (network, 5xx, throttling)
    QString contentType;                             // empty: guessed from the file name and content
};

// Uploads one file: a single streamed PUT for small files, else a multipart upload whose parts are read
// straight from disk (FileRangeDevice) with at most maxPartsInFlight in flight, so memory stays flat
// whatever the file size. Each part's SHA-256 is computed on a worker thread from disk before it is sent.
class UploadTransfer final : public Transfer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UploadTransfer)
public:
    UploadTransfer(std::shared_ptr<const S3::S3Client> client, const QString &localPath, const S3::S3Uri &target,
                   UploadOptions options = {}, QObject *parent = nullptr);

    const QString &contentType() const { return m_contentType; }

protected:
    void run() override;
    void abortWork() override;

private:
    void startSinglePut(qint64 size);
    void startMultipart(qint64 size);
    void pumpParts();
    void sendPart(const PartRange &part, const QByteArray &payloadHash, int attempt);
    // Streams bytes [range.offset, +range.length) of the file as one PUT (the object, or part `range.number`
    // when `asPart`); `done` gets the ETag or the error, unless the transfer was aborted meanwhile.
    void putRange(const PartRange &range, const QByteArray &payloadHash, bool asPart, std::function<void(qint64)> onSent,
                  std::function<void(Outcome<QString>)> done);
    void track(Http::AwsCall *call);
    void partFailed(const PartRange &part, const AwsError &error, int attempt);
    void completeMultipart();
    void reportProgress();
    bool isCurrent(quint64 generation) const { return generation == m_generation && state() == TransferState::Running; }

    UploadOptions m_options;
    QString m_contentType;
    quint64 m_generation = 0;  // bumps on every (re)start and abort, so stale callbacks are ignored

    QString m_uploadId;
    QList<PartRange> m_waiting;
    int m_inFlight = 0;
    QMap<int, QString> m_partEtags;
    QHash<int, qint64> m_partBytesSent;
    QHash<int, QByteArray> m_partHashes;
    qint64 m_completedBytes = 0;
    QList<QPointer<Http::AwsCall>> m_calls;  // every request in flight, for abortWork()
};

} // namespace RoleDrop::Transfers
