#pragma once

#include "core/transfer/transfer.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <deque>

namespace RoleDrop::Transfers {

// Runs transfers with at most `maxConcurrent` at once (many small files go in parallel over reused
// connections), keeps the finished ones for the queue view (retry, clear), and sums up progress.
// Its bookkeeping is incremental: a drop of 100,000 files costs O(1) per event, not a scan of the list.
class TransferQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferQueue)

public:
    explicit TransferQueue(QObject *parent = nullptr);

    void setMaxConcurrent(int count);
    int maxConcurrent() const { return m_maxConcurrent; }

    // Takes ownership and starts it when a slot is free.
    void enqueue(Transfer *transfer);
    // A failed or cancelled transfer of this queue, again (false when it is neither).
    bool retry(Transfer *transfer);
    void retryFailed();
    void cancelAll();
    // Cancels what is queued or running, and keeps paused transfers' work (their parts, part files) for a
    // resume later: what quitting does.
    void cancelPending();
    void clearFinished();

    const QList<Transfer *> &transfers() const { return m_transfers; }
    qint64 totalBytes() const { return m_totalBytes; }
    qint64 doneBytes() const { return m_doneBytes; }
    int activeCount() const { return int(m_running.size()); }
    int pendingCount() const { return int(m_running.size() + m_queued.size()); }   // queued or running
    bool isIdle() const { return pendingCount() == 0; }

signals:
    void transferAdded(RoleDrop::Transfers::Transfer *transfer);
    void transferRemoved(RoleDrop::Transfers::Transfer *transfer);
    void transferFinished(RoleDrop::Transfers::Transfer *transfer);
    void totalProgress(qint64 done, qint64 total);
    void idle();                // everything queued has finished (successfully or not)

private:
    struct Contribution
    {
        qint64 done = 0;
        qint64 total = 0;
    };

    void onStarted(Transfer *transfer);
    void onFinished(Transfer *transfer);
    bool requeue(Transfer *transfer);
    void account(const Transfer *transfer);   // brings the sums up to date with this transfer's figures
    void scheduleCheck();
    void startMore();

    QList<Transfer *> m_transfers;
    QHash<const Transfer *, Contribution> m_contributions;
    std::deque<QPointer<Transfer>> m_waiting;   // in order; ones no longer queued are skipped when reached
    QSet<const Transfer *> m_queued;
    QSet<const Transfer *> m_running;
    qint64 m_doneBytes = 0;
    qint64 m_totalBytes = 0;
    int m_maxConcurrent = 6;
    bool m_checkPending = false;
};

} // namespace RoleDrop::Transfers
