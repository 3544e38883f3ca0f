#include "core/transfer/transfer.h"

#include "core/s3/s3_client.h"

namespace RoleDrop::Transfers {

Transfer::Transfer(std::shared_ptr<const S3::S3Client> client, TransferDirection direction, QString localPath,
                   S3::S3Uri remote, QObject *parent)
    : QObject(parent), m_client(std::move(client)), m_direction(direction), m_localPath(std::move(localPath)),
      m_remote(std::move(remote))
{
}

Transfer::~Transfer() = default;

QString Transfer::identityName() const
{
    return m_client && m_client->caller() ? m_client->caller()->displayName() : QString();
}

QString Transfer::identityColor() const
{
    return m_client && m_client->caller() ? m_client->caller()->color() : QString();
}

bool Transfer::rebind(std::shared_ptr<const S3::S3Client> client)
{
    if (m_state == TransferState::Running || !client)
        return false;
    m_client = std::move(client);
    return true;
}

double Transfer::bytesPerSecond() const
{
    const qint64 ms = m_clock.isValid() ? m_clock.elapsed() : 0;
    return ms > 0 ? m_bytesDone * 1000.0 / ms : 0.0;
}

bool Transfer::isFinished() const
{
    return m_state == TransferState::Succeeded || m_state == TransferState::Failed || m_state == TransferState::Cancelled;
}

void Transfer::start()
{
    if (m_state == TransferState::Running || m_state == TransferState::Succeeded)
        return;
    m_state = TransferState::Running;
    m_result = TransferResult{};
    if (!m_resuming)
        m_bytesDone = 0;
    m_clock.start();
    emit started();
    run();
    m_resuming = false;
}

bool Transfer::requeue()
{
    if (m_state != TransferState::Failed && m_state != TransferState::Cancelled && m_state != TransferState::Paused)
        return false;
    m_resuming = m_state == TransferState::Paused;
    m_state = TransferState::Queued;
    if (!m_resuming)
        m_bytesDone = 0;
    m_result = TransferResult{};
    emit progress(m_bytesDone, m_bytesTotal);
    return true;
}

void Transfer::cancel()
{
    if (isFinished())
        return;
    // A paused transfer still holds work on the server (a multipart upload) or on disk: cleaned up too.
    if (m_state == TransferState::Running || m_state == TransferState::Paused || m_resuming)
        abortWork();
    AwsError error = AwsError::local(AwsErrorKind::Cancelled, QStringLiteral("Cancelled"));
    error.resource = m_remote.toString();
    finishWith(TransferState::Cancelled, error, QString());
}

void Transfer::setTotal(qint64 total)
{
    m_bytesTotal = total;
    emit progress(m_bytesDone, m_bytesTotal);
}

void Transfer::setProgress(qint64 done)
{
    if (m_state != TransferState::Running || done == m_bytesDone)
        return;
    m_bytesDone = done;
    emit progress(m_bytesDone, m_bytesTotal);
}

void Transfer::succeed(const QString &eTag)
{
    if (m_state != TransferState::Running)
        return;
    m_bytesDone = m_bytesTotal;
    emit progress(m_bytesDone, m_bytesTotal);
    finishWith(TransferState::Succeeded, AwsError{}, eTag);
}

void Transfer::fail(const AwsError &error)
{
    if (m_state != TransferState::Running)
        return;
    abortWork();
    finishWith(TransferState::Failed, error, QString());
}

void Transfer::pause(const AwsError &reason, const QString &note)
{
    if (m_state != TransferState::Running)
        return;
    m_result.pauseNote = note;
    finishWith(TransferState::Paused, reason, QString());
}

void Transfer::pauseForStaleSession(const AwsError &stale, const QString &kept)
{
    const AwsError refused = m_client && m_client->caller() ? m_client->caller()->lastRenewalFailure() : AwsError();
    pause(refused.isError() ? refused : stale,
          QStringLiteral("the session of %1 ended and could not be renewed (switch to the role again, or fix what "
                         "refused it); %2")
              .arg(identityName(), kept));
}

void Transfer::finishWith(TransferState state, const AwsError &error, const QString &eTag)
{
    m_state = state;
    if (state != TransferState::Paused)
        m_result.pauseNote.clear();
    m_result.state = state;
    m_result.error = error;
    m_result.eTag = eTag;
    m_result.bytes = m_bytesDone;
    m_result.localPath = m_localPath;
    emit finished(m_result);
}

} // namespace RoleDrop::Transfers
