#pragma once

#include "core/common/aws_error.h"
#include "core/s3/s3_uri.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

namespace RoleDrop::S3 {
class S3Client;
}

namespace RoleDrop::Transfers {

enum class TransferDirection { Upload, Download };
// Paused: stopped with its work kept (a multipart upload's parts, a download's part file), e.g. because its
// identity could not be renewed; a retry continues from there. Cancelled and Failed clean up on the server
// and on disk.
enum class TransferState { Queued, Running, Succeeded, Failed, Cancelled, Paused };

struct TransferResult
{
    TransferState state = TransferState::Queued;
    AwsError error;        // set when Failed, Cancelled or Paused (then: what stopped it)
    QString pauseNote;     // Paused: why, and what is kept ("...; 4 of 6 parts are on the server"); a retry goes on
    QString eTag;          // uploads: the object's ETag
    qint64 bytes = 0;
    QString localPath;
};

// One file going up or down, as the identity and at the endpoint of the S3 client it was made with: that
// client is kept to the end, retries included, so switching role elsewhere never changes a running or queued
// transfer. Progress is reported as bytes done / total; cancel() stops the network work and cleans up on the
// server (aborts a multipart upload) and on disk (no partial file left). A failed, cancelled or paused
// transfer can be started again (retry), as the same identity or, rebound, as another; a paused one goes on
// from where it stopped.
class Transfer : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Transfer)
public:
    Transfer(std::shared_ptr<const S3::S3Client> client, TransferDirection direction, QString localPath,
             S3::S3Uri remote, QObject *parent);
    ~Transfer() override;

    TransferDirection direction() const { return m_direction; }
    const QString &localPath() const { return m_localPath; }
    const S3::S3Uri &remote() const { return m_remote; }
    // Who and where it runs as: the client it was queued with.
    const std::shared_ptr<const S3::S3Client> &client() const { return m_client; }
    QString identityName() const;   // as people see it: "S3Access @ 123456789012"
    QString identityColor() const;
    TransferState state() const { return m_state; }
    qint64 bytesDone() const { return m_bytesDone; }
    qint64 bytesTotal() const { return m_bytesTotal; }
    const TransferResult &result() const { return m_result; }
    // Average bytes per second since the (last) start.
    double bytesPerSecond() const;
    // Succeeded, Failed or Cancelled: nothing more will happen without a retry. (Paused is not finished.)
    bool isFinished() const;
    // Not running and not waiting to run: finished, or paused.
    bool isIdle() const { return isFinished() || m_state == TransferState::Paused; }

    void start();
    void cancel();
    // A failed, cancelled or paused transfer goes back to Queued, so a queue can start it again in its turn.
    bool requeue();
    // A transfer that is not running may be given another identity (or endpoint) before it starts again.
    bool rebind(std::shared_ptr<const S3::S3Client> client);

signals:
    void started();
    void progress(qint64 bytesDone, qint64 bytesTotal);
    void finished(const RoleDrop::Transfers::TransferResult &result);

protected:
    virtual void run() = 0;           // begin the work; report through setProgress()/succeed()/fail()
    virtual void abortWork() = 0;     // stop everything in flight; then the base class reports Cancelled

    void setTotal(qint64 total);
    void setProgress(qint64 done);
    void succeed(const QString &eTag = QString());
    void fail(const AwsError &error);
    // Stops with the work kept, for a reason the user can fix (see TransferState::Paused); `note` says what
    // is kept.
    void pause(const AwsError &reason, const QString &note);
    // A request refused for a stale session after the HTTP layer tried to renew it: the pause names the
    // renewal's failure (e.g. sts:AssumeRole refused) when there is one, and says what is kept.
    void pauseForStaleSession(const AwsError &stale, const QString &kept);
    // Whether run() continues kept work (after a pause) rather than starting over.
    bool isResuming() const { return m_resuming; }

private:
    void finishWith(TransferState state, const AwsError &error, const QString &eTag);

    std::shared_ptr<const S3::S3Client> m_client;
    TransferDirection m_direction;
    QString m_localPath;
    S3::S3Uri m_remote;
    TransferState m_state = TransferState::Queued;
    qint64 m_bytesDone = 0;
    qint64 m_bytesTotal = 0;
    QElapsedTimer m_clock;
    TransferResult m_result;
    bool m_resuming = false;
};

} // namespace RoleDrop::Transfers

Q_DECLARE_METATYPE(RoleDrop::Transfers::TransferResult)
