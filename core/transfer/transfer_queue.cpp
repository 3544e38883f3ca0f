#include "core/transfer/transfer_queue.h"

namespace RoleDrop::Transfers {

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
    account(transfer);
    if (transfer->state() == TransferState::Queued) {
        m_queued.insert(transfer);
        m_waiting.emplace_back(transfer);
    }
    connect(transfer, &Transfer::started, this, [this, transfer] { onStarted(transfer); });
    connect(transfer, &Transfer::progress, this, [this, transfer] {
        account(transfer);
        emit totalProgress(m_doneBytes, m_totalBytes);
    });
    connect(transfer, &Transfer::finished, this, [this, transfer] { onFinished(transfer); });
    emit transferAdded(transfer);
    startMore();
}

void TransferQueue::onStarted(Transfer *transfer)
{
    m_queued.remove(transfer);
    m_running.insert(transfer);
}

void TransferQueue::onFinished(Transfer *transfer)
{
    m_queued.remove(transfer);
    m_running.remove(transfer);
    account(transfer);
    emit transferFinished(transfer);
    emit totalProgress(m_doneBytes, m_totalBytes);
    scheduleCheck();
}

// Checked once from the event loop, so a burst of finishing transfers neither recurses nor reports idle
// more than once.
void TransferQueue::scheduleCheck()
{
    if (m_checkPending)
        return;
    m_checkPending = true;
    QMetaObject::invokeMethod(this, [this] {
        m_checkPending = false;
        startMore();
        if (isIdle())
            emit idle();
    }, Qt::QueuedConnection);
}

bool TransferQueue::requeue(Transfer *transfer)
{
    if (!transfer->requeue())
        return false;
    m_queued.insert(transfer);
    m_waiting.emplace_back(transfer);
    return true;
}

bool TransferQueue::retry(Transfer *transfer)
{
    if (!m_contributions.contains(transfer) || !requeue(transfer))
        return false;
    // Back to the end of the line, so a retry does not jump ahead of queued work.
    m_transfers.removeOne(transfer);
    m_transfers.append(transfer);
    startMore();
    return true;
}

void TransferQueue::retryFailed()
{
    QList<Transfer *> kept;
    QList<Transfer *> retried;
    for (Transfer *transfer : std::as_const(m_transfers)) {
        if (transfer->state() == TransferState::Failed && requeue(transfer))
            retried.append(transfer);
        else
            kept.append(transfer);
    }
    m_transfers = kept + retried;
    startMore();
}

void TransferQueue::cancelAll()
{
    const auto snapshot = m_transfers;
    for (Transfer *transfer : snapshot)
        transfer->cancel();
}

void TransferQueue::cancelPending()
{
    const auto snapshot = m_transfers;
    for (Transfer *transfer : snapshot) {
        if (!transfer->isIdle())
            transfer->cancel();
    }
}

void TransferQueue::clearFinished()
{
    QList<Transfer *> kept;
    QList<Transfer *> removed;
    for (Transfer *transfer : std::as_const(m_transfers))
        (transfer->isFinished() ? removed : kept).append(transfer);
    m_transfers = kept;
    for (Transfer *transfer : std::as_const(removed)) {
        const Contribution old = m_contributions.take(transfer);
        m_doneBytes -= old.done;
        m_totalBytes -= old.total;
        disconnect(transfer, nullptr, this, nullptr);
        emit transferRemoved(transfer);
        transfer->deleteLater();
    }
}

void TransferQueue::account(const Transfer *transfer)
{
    const qint64 total = transfer->bytesTotal();
    const qint64 done = transfer->state() == TransferState::Succeeded ? total : transfer->bytesDone();
    Contribution &entry = m_contributions[transfer];
    m_doneBytes += done - entry.done;
    m_totalBytes += total - entry.total;
    entry = {done, total};
}

void TransferQueue::startMore()
{
    while (activeCount() < m_maxConcurrent && !m_waiting.empty()) {
        const QPointer<Transfer> next = m_waiting.front();
        m_waiting.pop_front();
        // A transfer cancelled while it waited, or queued twice by retries, is skipped here.
        if (next && m_queued.contains(next.data()) && next->state() == TransferState::Queued) {
            onStarted(next);  // counted before start() emits, so every listener sees it running
            next->start();
        }
    }
}

} // namespace RoleDrop::Transfers
