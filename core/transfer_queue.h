#pragma once

#include "core/transfer.h"

#include <QList>
#include <QObject>
#include <QPointer>

namespace RoleDrop {

// Runs transfers with at most `maxConcurrent` at once (many small files go in parallel over reused
// connections), keeps the finished ones for the queue view (retry, clear), and sums up progress.
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
    void retry(Transfer *transfer);
    void retryFailed();
    void cancelAll();
    void clearFinished();

    const QList<Transfer *> &transfers() const { return m_transfers; }
    qint64 totalBytes() const;
    qint64 doneBytes() const;
    int activeCount() const;
    int pendingCount() const;   // queued or running
    bool isIdle() const { return pendingCount() == 0; }

signals:
    void transferAdded(RoleDrop::Transfer *transfer);
    void transferRemoved(RoleDrop::Transfer *transfer);
    void transferFinished(RoleDrop::Transfer *transfer);
    void totalProgress(qint64 done, qint64 total);
    void idle();                // everything queued has finished (successfully or not)

private:
    void startMore();

    QList<Transfer *> m_transfers;
    int m_maxConcurrent = 6;
    bool m_checkPending = false;
};

} // namespace RoleDrop
