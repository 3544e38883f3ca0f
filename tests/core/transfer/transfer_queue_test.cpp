#include "core/transfer/transfer_queue.h"

#include <QCoreApplication>
#include <QPointer>
#include <QSignalSpy>
#include <QRandomGenerator>
#include <QTest>

using namespace RoleDrop;

namespace {

// Test double for an upload or download: no network, finishes when the test says so.
class FakeTransfer final : public Transfers::Transfer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeTransfer)
public:
    FakeTransfer(const QString &name, qint64 total)
        : Transfers::Transfer(nullptr, Transfers::TransferDirection::Upload, QStringLiteral("/nonexistent/") + name,
                   S3::S3Uri{QStringLiteral("bucket"), name}, nullptr),
          m_total(total)
    {
    }

    int runCount() const { return m_runs; }
    int abortCount() const { return m_aborts; }
    void advance(qint64 done) { setProgress(done); }
    void complete() { succeed(QStringLiteral("\"etag\"")); }
    void breakDown() { fail(AwsError::local(AwsErrorKind::Network, QStringLiteral("connection reset"))); }
    void stall() { pause(AwsError::local(AwsErrorKind::ExpiredToken, QStringLiteral("stale")), QStringLiteral("parts kept")); }

protected:
    void run() override
    {
        ++m_runs;
        setTotal(m_total);
    }
    void abortWork() override { ++m_aborts; }

private:
    qint64 m_total;
    int m_runs = 0;
    int m_aborts = 0;
};

// Lets the queue's queued continuations (start the next, emit idle) run.
void settle()
{
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
}

} // namespace

class TransferQueueTest final : public QObject
{
    Q_OBJECT

private slots:
    void respectsMaxConcurrencyInQueueOrder_data();
    void respectsMaxConcurrencyInQueueOrder();
    void raisingTheLimitStartsMore();
    void retryFailedRestartsOnlyFailed();
    void retryKeepsTheConcurrencyLimit();
    void retryOfCancelled();
    void cancelAll();
    void cancelPendingKeepsPausedWork();
    void clearFinished();
    void idleOnceWhenSeveralFinishTogether();
    void totals();
    void bookkeepingMatchesARecountThroughRandomEvents();

private:
    QList<FakeTransfer *> fill(Transfers::TransferQueue &queue, int count, qint64 total = 1000);
    QStringList m_startOrder;
    int m_maxSeenActive = 0;
};

QList<FakeTransfer *> TransferQueueTest::fill(Transfers::TransferQueue &queue, int count, qint64 total)
{
    m_startOrder.clear();
    m_maxSeenActive = 0;
    QList<FakeTransfer *> transfers;
    for (int i = 0; i < count; ++i) {
        auto *transfer = new FakeTransfer(QStringLiteral("t%1").arg(i), total);
        connect(transfer, &Transfers::Transfer::started, this, [this, transfer, &queue] {
            m_startOrder << transfer->remote().key;
            m_maxSeenActive = std::max(m_maxSeenActive, queue.activeCount());
        });
        transfers << transfer;
        queue.enqueue(transfer);
    }
    return transfers;
}

void TransferQueueTest::respectsMaxConcurrencyInQueueOrder_data()
{
    QTest::addColumn<int>("max");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("effectiveMax");
    QTest::newRow("one at a time") << 1 << 5 << 1;
    QTest::newRow("two of five") << 2 << 5 << 2;
    QTest::newRow("limit equals count") << 3 << 3 << 3;
    QTest::newRow("limit above count") << 8 << 3 << 8;
    QTest::newRow("six of twenty") << 6 << 20 << 6;
    QTest::newRow("zero means one") << 0 << 3 << 1;
    QTest::newRow("negative means one") << -4 << 3 << 1;
}

void TransferQueueTest::respectsMaxConcurrencyInQueueOrder()
{
    QFETCH(int, max);
    QFETCH(int, count);
    QFETCH(int, effectiveMax);
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(max);
    QCOMPARE(queue.maxConcurrent(), effectiveMax);
    QSignalSpy idle(&queue, &Transfers::TransferQueue::idle);
    QSignalSpy finished(&queue, &Transfers::TransferQueue::transferFinished);
    const auto transfers = fill(queue, count);
    QCOMPARE(queue.transfers().size(), count);
    for (FakeTransfer *transfer : transfers)
        QCOMPARE(transfer->parent(), &queue);

    QStringList expectedOrder;
    for (int i = 0; i < count; ++i)
        expectedOrder << QStringLiteral("t%1").arg(i);

    int remaining = count;
    while (remaining > 0) {
        QCOMPARE(queue.activeCount(), std::min(effectiveMax, remaining));
        QCOMPARE(queue.pendingCount(), remaining);
        QVERIFY(!queue.isIdle());
        // Finish the oldest running transfer, alternating success and failure.
        FakeTransfer *running = nullptr;
        for (FakeTransfer *transfer : transfers) {
            if (transfer->state() == Transfers::TransferState::Running) {
                running = transfer;
                break;
            }
        }
        QVERIFY(running);
        if (remaining % 2)
            running->complete();
        else
            running->breakDown();
        --remaining;
        settle();
        QVERIFY(m_maxSeenActive <= effectiveMax);
    }
    QVERIFY(queue.isIdle());
    QCOMPARE(m_startOrder, expectedOrder);
    QCOMPARE(finished.size(), count);
    QCOMPARE(idle.size(), 1);
    for (FakeTransfer *transfer : transfers)
        QCOMPARE(transfer->runCount(), 1);
}

void TransferQueueTest::raisingTheLimitStartsMore()
{
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(1);
    const auto transfers = fill(queue, 5);
    QCOMPARE(queue.activeCount(), 1);
    queue.setMaxConcurrent(3);
    QCOMPARE(queue.activeCount(), 3);
    QCOMPARE(m_startOrder, (QStringList{QStringLiteral("t0"), QStringLiteral("t1"), QStringLiteral("t2")}));
    // Lowering it stops nothing that runs, but starts nothing new until below the limit.
    queue.setMaxConcurrent(1);
    transfers.at(0)->complete();
    settle();
    QCOMPARE(queue.activeCount(), 2);
    transfers.at(1)->complete();
    transfers.at(2)->complete();
    settle();
    QCOMPARE(queue.activeCount(), 1);
    QCOMPARE(transfers.at(3)->state(), Transfers::TransferState::Running);
    QCOMPARE(transfers.at(4)->state(), Transfers::TransferState::Queued);
}

void TransferQueueTest::retryFailedRestartsOnlyFailed()
{
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(10);
    QSignalSpy idle(&queue, &Transfers::TransferQueue::idle);
    const auto t = fill(queue, 4);
    t.at(0)->complete();
    t.at(1)->breakDown();
    t.at(2)->cancel();
    t.at(3)->breakDown();
    settle();
    QVERIFY(queue.isIdle());
    QVERIFY(idle.size() >= 1);
    idle.clear();

    queue.retryFailed();
    QCOMPARE(t.at(0)->state(), Transfers::TransferState::Succeeded);
    QCOMPARE(t.at(0)->runCount(), 1);
    QCOMPARE(t.at(2)->state(), Transfers::TransferState::Cancelled);
    QCOMPARE(t.at(2)->runCount(), 1);
    QCOMPARE(t.at(1)->state(), Transfers::TransferState::Running);
    QCOMPARE(t.at(1)->runCount(), 2);
    QCOMPARE(t.at(3)->state(), Transfers::TransferState::Running);
    QCOMPARE(t.at(3)->runCount(), 2);
    // Retried transfers go to the end of the list, in their previous order.
    const QList<Transfers::Transfer *> expected = {t.at(0), t.at(2), t.at(1), t.at(3)};
    QCOMPARE(queue.transfers(), expected);
    QCOMPARE(queue.pendingCount(), 2);

    t.at(1)->complete();
    t.at(3)->complete();
    settle();
    QVERIFY(queue.isIdle());
    QVERIFY(idle.size() >= 1);
}

void TransferQueueTest::retryKeepsTheConcurrencyLimit()
{
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(2);
    const auto t = fill(queue, 5);
    // Everything fails, two at a time.
    for (int round = 0; round < 5 && !queue.isIdle(); ++round) {
        for (FakeTransfer *transfer : t) {
            if (transfer->state() == Transfers::TransferState::Running)
                transfer->breakDown();
        }
        settle();
    }
    QVERIFY(queue.isIdle());
    QCOMPARE(m_maxSeenActive, 2);

    queue.retryFailed();
    settle();
    QVERIFY2(queue.activeCount() <= 2, qPrintable(QStringLiteral("%1 running").arg(queue.activeCount())));
}

void TransferQueueTest::retryOfCancelled()
{
    Transfers::TransferQueue queue;
    const auto t = fill(queue, 2);
    t.at(0)->cancel();
    t.at(1)->complete();
    settle();
    queue.retry(t.at(1)); // succeeded: nothing to retry
    QCOMPARE(t.at(1)->runCount(), 1);
    queue.retry(t.at(0));
    QCOMPARE(t.at(0)->state(), Transfers::TransferState::Running);
    QCOMPARE(t.at(0)->runCount(), 2);
    // A transfer the queue does not hold is ignored.
    FakeTransfer stranger(QStringLiteral("stranger"), 1);
    stranger.cancel();
    queue.retry(&stranger);
    QCOMPARE(stranger.runCount(), 0);
    QCOMPARE(queue.transfers().size(), 2);
}

// Quitting cancels what runs or waits, but a paused transfer's work (parts on the server) is kept to resume.
void TransferQueueTest::cancelPendingKeepsPausedWork()
{
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(2);
    const auto t = fill(queue, 4);
    settle();
    t.at(0)->stall();
    settle();
    QCOMPARE(t.at(0)->state(), Transfers::TransferState::Paused);
    QCOMPARE(t.at(0)->result().pauseNote, QStringLiteral("parts kept"));
    QCOMPARE(queue.activeCount(), 2);  // t1 and t2 took the slots
    queue.cancelPending();
    settle();
    QCOMPARE(t.at(0)->state(), Transfers::TransferState::Paused);
    QCOMPARE(t.at(0)->abortCount(), 0);
    for (int i = 1; i < 4; ++i)
        QCOMPARE(t.at(i)->state(), Transfers::TransferState::Cancelled);
    QCOMPARE(t.at(1)->abortCount(), 1);
    QCOMPARE(t.at(3)->runCount(), 0);
    QVERIFY(queue.isIdle());
    // cancelAll, by contrast, cleans the paused one up too.
    queue.cancelAll();
    QCOMPARE(t.at(0)->state(), Transfers::TransferState::Cancelled);
    QCOMPARE(t.at(0)->abortCount(), 1);
    QVERIFY(t.at(0)->result().pauseNote.isEmpty());
}

void TransferQueueTest::cancelAll()
{
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(2);
    QSignalSpy idle(&queue, &Transfers::TransferQueue::idle);
    QSignalSpy finished(&queue, &Transfers::TransferQueue::transferFinished);
    const auto t = fill(queue, 5);
    t.at(0)->complete();
    settle();
    QCOMPARE(queue.activeCount(), 2); // t1, t2
    queue.cancelAll();
    settle();
    QCOMPARE(t.at(0)->state(), Transfers::TransferState::Succeeded);
    for (int i = 1; i < 5; ++i) {
        QCOMPARE(t.at(i)->state(), Transfers::TransferState::Cancelled);
        QCOMPARE(t.at(i)->result().error.kind, AwsErrorKind::Cancelled);
    }
    // Running work was stopped; queued work never started.
    QCOMPARE(t.at(1)->abortCount(), 1);
    QCOMPARE(t.at(2)->abortCount(), 1);
    QCOMPARE(t.at(3)->runCount(), 0);
    QCOMPARE(t.at(4)->runCount(), 0);
    QCOMPARE(t.at(3)->abortCount(), 0);
    QCOMPARE(queue.activeCount(), 0);
    QVERIFY(queue.isIdle());
    QCOMPARE(finished.size(), 5);
    QCOMPARE(idle.size(), 1);
}

void TransferQueueTest::clearFinished()
{
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(2);
    QSignalSpy removed(&queue, &Transfers::TransferQueue::transferRemoved);
    const auto t = fill(queue, 5);
    QPointer<FakeTransfer> done = t.at(0);
    QPointer<FakeTransfer> failed = t.at(1);
    t.at(0)->complete();
    t.at(1)->breakDown();
    settle();
    t.at(2)->cancel();
    settle();
    // t3, t4 running now.
    queue.clearFinished();
    const QList<Transfers::Transfer *> remaining = {t.at(3), t.at(4)};
    QCOMPARE(queue.transfers(), remaining);
    QCOMPARE(removed.size(), 3);
    QCOMPARE(removed.at(0).at(0).value<Transfers::Transfer *>(), t.at(0));
    QCOMPARE(removed.at(1).at(0).value<Transfers::Transfer *>(), t.at(1));
    QCOMPARE(removed.at(2).at(0).value<Transfers::Transfer *>(), t.at(2));
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QVERIFY(done.isNull());
    QVERIFY(failed.isNull());
    QCOMPARE(queue.totalBytes(), qint64(2000));
    // Nothing running or queued is touched.
    QCOMPARE(t.at(3)->state(), Transfers::TransferState::Running);
    QCOMPARE(t.at(4)->state(), Transfers::TransferState::Running);
    queue.clearFinished();
    QCOMPARE(queue.transfers(), remaining);
}

void TransferQueueTest::idleOnceWhenSeveralFinishTogether()
{
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(3);
    QSignalSpy idle(&queue, &Transfers::TransferQueue::idle);
    const auto t = fill(queue, 3);
    t.at(0)->complete();
    t.at(1)->complete();
    settle();
    QCOMPARE(idle.size(), 0); // t2 still runs
    t.at(2)->complete();
    settle();
    QCOMPARE(idle.size(), 1);

    // Three more, finishing within one event-loop turn (replies that end together).
    idle.clear();
    const auto more = fill(queue, 3);
    for (FakeTransfer *transfer : more)
        transfer->complete();
    settle();
    QCOMPARE(idle.size(), 1);
}

void TransferQueueTest::totals()
{
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(2);
    QSignalSpy progress(&queue, &Transfers::TransferQueue::totalProgress);
    auto *a = new FakeTransfer(QStringLiteral("a"), 100);
    auto *b = new FakeTransfer(QStringLiteral("b"), 200);
    auto *c = new FakeTransfer(QStringLiteral("c"), 300);
    queue.enqueue(a);
    queue.enqueue(b);
    queue.enqueue(c);
    QCOMPARE(queue.totalBytes(), qint64(300)); // c has not started: its size is not known yet
    QCOMPARE(queue.doneBytes(), qint64(0));

    a->advance(50);
    QCOMPARE(queue.doneBytes(), qint64(50));
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(0).toLongLong(), qint64(50));
    QCOMPARE(progress.last().at(1).toLongLong(), qint64(300));

    b->advance(120);
    a->complete();
    QCOMPARE(queue.doneBytes(), qint64(100 + 120));
    settle();
    QCOMPARE(c->state(), Transfers::TransferState::Running);
    QCOMPARE(queue.totalBytes(), qint64(600));
    QCOMPARE(progress.last().at(1).toLongLong(), qint64(600));

    b->breakDown();
    c->advance(30);
    QCOMPARE(queue.doneBytes(), qint64(100 + 120 + 30));
    QCOMPARE(progress.last().at(0).toLongLong(), qint64(250));
    c->complete();
    QCOMPARE(queue.doneBytes(), qint64(100 + 120 + 300));
    QCOMPARE(progress.last().at(0).toLongLong(), qint64(520));
    QCOMPARE(progress.last().at(1).toLongLong(), qint64(600));
}

// The queue keeps its sums and counts incrementally; after any sequence of events they must equal what a
// scan of every transfer says.
void TransferQueueTest::bookkeepingMatchesARecountThroughRandomEvents()
{
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(4);
    QList<QPointer<FakeTransfer>> all;
    for (FakeTransfer *transfer : fill(queue, 60, 500))
        all << transfer;
    QRandomGenerator random(42);
    int sawRunning = 0;
    for (int step = 0; step < 3000; ++step) {
        QList<FakeTransfer *> live;
        for (const auto &transfer : std::as_const(all)) {
            if (transfer)
                live << transfer.data();
        }
        FakeTransfer *pick = live.isEmpty() ? nullptr : live.at(random.bounded(int(live.size())));
        switch (random.bounded(9)) {
        case 0: case 1: if (pick) pick->advance(random.bounded(500)); break;
        case 2: if (pick) pick->complete(); break;
        case 3: if (pick) pick->breakDown(); break;
        case 4: if (pick) pick->cancel(); break;
        case 5: if (pick) queue.retry(pick); break;
        case 6: if (random.bounded(10) == 0) queue.retryFailed(); break;
        case 7: if (random.bounded(20) == 0) queue.clearFinished(); break;
        case 8: {
            auto *added = new FakeTransfer(QStringLiteral("n%1").arg(step), 100 + random.bounded(900));
            all << added;
            queue.enqueue(added);
            break;
        }
        }
        if (random.bounded(4) == 0)
            settle();
        qint64 total = 0;
        qint64 done = 0;
        int running = 0;
        int pending = 0;
        for (const Transfers::Transfer *transfer : queue.transfers()) {
            total += transfer->bytesTotal();
            done += transfer->state() == Transfers::TransferState::Succeeded ? transfer->bytesTotal() : transfer->bytesDone();
            running += transfer->state() == Transfers::TransferState::Running;
            pending += transfer->state() == Transfers::TransferState::Running || transfer->state() == Transfers::TransferState::Queued;
        }
        QCOMPARE(queue.totalBytes(), total);
        QCOMPARE(queue.doneBytes(), done);
        QCOMPARE(queue.activeCount(), running);
        QCOMPARE(queue.pendingCount(), pending);
        QVERIFY2(running <= queue.maxConcurrent(), qPrintable(QStringLiteral("step %1: %2 running").arg(step).arg(running)));
        sawRunning = std::max(sawRunning, running);
    }
    QCOMPARE(sawRunning, queue.maxConcurrent());
    // Everything still queued gets its turn once the running ones end.
    for (int round = 0; round < 1000 && !queue.isIdle(); ++round) {
        for (Transfers::Transfer *transfer : queue.transfers()) {
            if (transfer->state() == Transfers::TransferState::Running)
                static_cast<FakeTransfer *>(transfer)->complete();
        }
        settle();
    }
    QVERIFY(queue.isIdle());
}

QTEST_GUILESS_MAIN(TransferQueueTest)
#include "transfer_queue_test.moc"
