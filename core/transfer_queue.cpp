#include "core/transfer_queue.h"

namespace RoleDrop {

TransferQueue::TransferQueue(QObject *parent) : QObject(parent) {}

void TransferQueue::setMaxConcurrent(int count)
{
    m_maxConcurrent = std::max(1, count);
    startMore();
}

void TransferQueue::enqueue(Transfer *transfer)
{
    transfer->setParent(this);
    m_transfers.append(transfer);
    connect(transfer, &Transfer::progress, this, [this] { emit totalProgress(doneBytes(), totalBytes()); });
    connect(transfer, &Transfer::finished, this, [this, transfer] {
        emit transferFinished(transfer);
        emit totalProgress(doneBytes(), totalBytes());
        // Checked once from the event loop, so a burst of finishing transfers neither recurses nor
        // reports idle more than once.
        if (!m_checkPending) {
            m_checkPending = true;
            QMetaObject::invokeMethod(this, [this] {
                m_checkPending = false;
                startMore();
                if (isIdle())
                    emit idle();
            }, Qt::QueuedConnection);
        }
    });
    emit transferAdded(transfer);
    startMore();
}

void TransferQueue::retry(Transfer *transfer)
{
    if (!m_transfers.contains(transfer)
        || (transfer->state() != TransferState::Failed && transfer->state() != TransferState::Cancelled))
        return;
    // Back to the end of the line, so a retry does not jump ahead of queued work.
    m_transfers.removeAll(transfer);
    m_transfers.append(transfer);
    transfer->requeue();
    startMore();
}

void TransferQueue::retryFailed()
{
    const auto snapshot = m_transfers;
    for (Transfer *transfer : snapshot) {
        if (transfer->state() == TransferState::Failed)
            retry(transfer);
    }
}

void TransferQueue::cancelAll()
{
    const auto snapshot = m_transfers;
    for (Transfer *transfer : snapshot)
        transfer->cancel();
}

void TransferQueue::clearFinished()
{
    const auto snapshot = m_transfers;
    for (Transfer *transfer : snapshot) {
        if (transfer->isFinished()) {
            m_transfers.removeAll(transfer);
            emit transferRemoved(transfer);
            transfer->deleteLater();
        }
    }
}

qint64 TransferQueue::totalBytes() const
{
    qint64 total = 0;
    for (const Transfer *transfer : m_transfers)
        total += transfer->bytesTotal();
    return total;
}

qint64 TransferQueue::doneBytes() const
{
    qint64 done = 0;
    for (const Transfer *transfer : m_transfers)
        done += transfer->state() == TransferState::Succeeded ? transfer->bytesTotal() : transfer->bytesDone();
    return done;
}

int TransferQueue::activeCount() const
{
    return int(std::count_if(m_transfers.cbegin(), m_transfers.cend(),
                             [](const Transfer *t) { return t->state() == TransferState::Running; }));
}

int TransferQueue::pendingCount() const
{
    return int(std::count_if(m_transfers.cbegin(), m_transfers.cend(), [](const Transfer *t) {
        return t->state() == TransferState::Running || t->state() == TransferState::Queued;
    }));
}

void TransferQueue::startMore()
{
    int running = activeCount();
    for (Transfer *transfer : std::as_const(m_transfers)) {
        if (running >= m_maxConcurrent)
            break;
        if (transfer->state() == TransferState::Queued) {
            transfer->start();
            ++running;
        }
    }
}

} // namespace RoleDrop
