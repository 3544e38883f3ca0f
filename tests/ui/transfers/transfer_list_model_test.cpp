// The transfer queue dock and the transfer controller against the Ceph RGW world: uploads (files and a
// folder) as james in the S3Access role, a download of a prefix, a failure under S3ReadOnly retried after
// switching role, conflicts answered in the dialog, cancel all, and the model's repaint throttling.
#include "core/transfer/transfer.h"
#include "core/transfer/transfer_queue.h"
#include "test_session.h"
#include "test_world.h"
#include "core/session/session.h"
#include "ui/transfers/conflict_dialog.h"
#include "ui/transfers/transfer_controller.h"
#include "ui/transfers/transfer_list_model.h"
#include "ui/transfers/transfer_queue_view.h"

#include <QAction>
#include <QCheckBox>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QLabel>
#include <QMainWindow>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace RoleDrop;
using namespace RoleDrop::Ui;
using RoleDrop::Test::wait;
using RoleDrop::Test::worldValue;

namespace {

// A transfer that never touches the network: it reports many progress steps at once, like a burst of
// small files would, so the model's throttling can be measured.
class BurstTransferDouble final : public Transfers::Transfer
{
public:
    BurstTransferDouble(int steps) : Transfers::Transfer(nullptr, Transfers::TransferDirection::Upload, QStringLiteral("/tmp/burst.bin"), S3::S3Uri{"b", "k"}, nullptr), m_steps(steps) {}

protected:
    void run() override
    {
        setTotal(m_steps);
        for (int i = 1; i <= m_steps; ++i)
            setProgress(i);
        succeed();
    }
    void abortWork() override {}

private:
    int m_steps;
};

} // namespace

class TransferListModelTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Test::SessionFixture> m_fixture;
    Sessions::Session *m_session = nullptr;
    std::unique_ptr<QMainWindow> m_window;
    TransferQueueView *m_view = nullptr;
    TransferController *m_controller = nullptr;
    QString m_bucket;
    QString m_prefix;  // this run's folder under ui-tests/
    QList<AwsError> m_errors;

    QString writeFile(const QString &relative, qint64 size)
    {
        const QString path = m_dir.filePath(QStringLiteral("src/") + relative);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        QByteArray bytes(int(size), Qt::Uninitialized);
        for (char &c : bytes)
            c = char(QRandomGenerator::global()->bounded(256));
        file.write(bytes);
        return path;
    }

    static QByteArray contentOf(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    QString switchTo(const char *roleVar)
    {
        m_session->backToBase();
        Sts::AssumeRoleRequest request;
        request.roleArn = worldValue(roleVar);
        request.roleSessionName = QStringLiteral("ui-transfers");
        auto identity = wait<Auth::Identity>([&](QObject *context, auto done) {
            m_session->switchRole(request, QString(), QStringLiteral("#1D8102"), Auth::SwitchFrom::BaseIdentity, context, done);
        });
        return identity ? QString() : identity.error().userMessage();
    }

    QStringList remoteKeys(const QString &prefix)
    {
        S3::ListObjectsRequest request;
        request.bucket = m_bucket;
        request.prefix = prefix;
        request.delimiter.clear();
        auto page = wait<S3::ListObjectsPage>([&](QObject *context, auto done) { m_session->s3()->listObjects(request, context, done); });
        QStringList keys;
        if (page) {
            for (const S3::ObjectInfo &object : page->objects)
                keys.append(object.key);
        }
        keys.sort();
        return keys;
    }

    QList<Transfers::TransferState> states() const
    {
        QList<Transfers::TransferState> all;
        for (int row = 0; row < m_view->model()->rowCount(); ++row)
            all.append(m_view->model()->transferAt(row)->state());
        return all;
    }

    bool allRowsSay(Transfers::TransferState state) const
    {
        for (int row = 0; row < m_view->model()->rowCount(); ++row) {
            if (m_view->model()->index(row, TransferListModel::StateColumn).data().toString() != TransferListModel::stateText(int(state)))
                return false;
        }
        return true;
    }

    void screenshot(QWidget *widget, const QString &name)
    {
        QCoreApplication::processEvents();
        widget->grab().save(QStringLiteral("/tmp/transfers-%1.png").arg(name));
    }

    ConflictDialog *waitForConflictDialog()
    {
        QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            for (ConflictDialog *dialog : m_window->findChildren<ConflictDialog *>()) {
                if (dialog->isVisible())
                    return dialog;
            }
            QTest::qWait(20);
        }
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bucket = worldValue("ROLEDROP_TEST_BUCKET");
        m_prefix = QStringLiteral("ui-tests/transfers-%1/").arg(QDateTime::currentMSecsSinceEpoch());
        m_fixture = std::make_unique<Test::SessionFixture>(QStringLiteral("ui-transfers"));
        m_session = m_fixture->get();
        QVERIFY(m_fixture->openProfile(Test::SessionFixture::rgwJames(QStringLiteral("james")), Test::SessionFixture::rgwJamesSecret()));
        const QString failure = switchTo("ROLEDROP_TEST_ROLE_S3ACCESS");
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        m_window = std::make_unique<QMainWindow>();
        m_view = new TransferQueueView(m_session, m_window.get());
        m_window->setCentralWidget(m_view);
        m_window->resize(1000, 320);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_controller = new TransferController(m_session, m_window.get(), m_window.get());
        connect(m_controller, &TransferController::errorOccurred, this, [this](const AwsError &error) { m_errors.append(error); });
    }

    void init() { m_errors.clear(); }

    void uploadFilesAndFolder()
    {
        const QStringList files = {writeFile("a.txt", 1000), writeFile("b.bin", 3 * 1024 * 1024), writeFile("c.csv", 10)};
        writeFile("photos/one.jpg", 5000);
        writeFile("photos/2024/two.jpg", 7000);
        QSignalSpy finished(m_controller, &TransferController::batchFinished);
        QSignalSpy into(m_controller, &TransferController::uploadsFinishedInto);
        m_controller->setNotifyAfterMs(0);
        QSignalSpy notified(m_controller, &TransferController::notified);

        m_controller->upload(files + QStringList{m_dir.filePath("src/photos")}, m_bucket, m_prefix);
        QTRY_COMPARE_WITH_TIMEOUT(m_view->model()->rowCount(), 5, 30000);
        screenshot(m_window.get(), QStringLiteral("running"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.first().at(0).toInt(), 5);
        QCOMPARE(finished.first().at(1).toInt(), 0);
        QCOMPARE(into.count(), 1);
        QCOMPARE(into.first().at(0).toString(), m_bucket);
        QCOMPARE(into.first().at(1).toString(), m_prefix);
        QCOMPARE(notified.count(), 1);
        QVERIFY2(notified.first().at(0).toString().contains(QStringLiteral("5 files")), qPrintable(notified.first().at(0).toString()));

        // The model repaints on a timer: wait for it, then every row says done at 100%.
        QTRY_VERIFY(allRowsSay(Transfers::TransferState::Succeeded));
        for (int row = 0; row < 5; ++row) {
            const QModelIndex progress = m_view->model()->index(row, TransferListModel::ProgressColumn);
            QCOMPARE(progress.data(TransferListModel::ProgressRole).toInt(), 100);
            QCOMPARE(progress.data().toString(), QStringLiteral("100%"));
        }
        QCOMPARE(m_view->model()->index(1, TransferListModel::NameColumn).data().toString(), QStringLiteral("b.bin"));
        QCOMPARE(m_view->model()->index(1, TransferListModel::DestinationColumn).data().toString(),
                 QStringLiteral("s3://%1/%2b.bin").arg(m_bucket, m_prefix));
        QCOMPARE(m_view->model()->index(1, TransferListModel::SizeColumn).data().toString(), QStringLiteral("3.0 MiB"));
        QTRY_COMPARE(m_view->totalProgressBar()->value(), 1000);
        QTRY_VERIFY2(m_view->summaryLabel()->text().startsWith(QStringLiteral("5 of 5 files")), qPrintable(m_view->summaryLabel()->text()));
        QVERIFY(!m_view->cancelAllAction()->isEnabled());
        QVERIFY(m_view->clearFinishedAction()->isEnabled());
        screenshot(m_window.get(), QStringLiteral("uploaded"));

        QCOMPARE(remoteKeys(m_prefix), QStringList({m_prefix + "a.txt", m_prefix + "b.bin", m_prefix + "c.csv",
                                                    m_prefix + "photos/2024/two.jpg", m_prefix + "photos/one.jpg"}));
        QVERIFY(m_errors.isEmpty());
        m_controller->setNotifyAfterMs(10000);
    }

    void downloadPrefixLandsUnderFolder()
    {
        const QString target = m_dir.filePath(QStringLiteral("downloads"));
        QSignalSpy finished(m_controller, &TransferController::batchFinished);
        m_controller->download(m_bucket, {m_prefix + "a.txt"}, {m_prefix + "photos/"}, m_prefix, target);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.first().at(0).toInt(), 3);
        QCOMPARE(contentOf(target + "/photos/2024/two.jpg"), contentOf(m_dir.filePath("src/photos/2024/two.jpg")));
        QCOMPARE(contentOf(target + "/photos/one.jpg"), contentOf(m_dir.filePath("src/photos/one.jpg")));
        QCOMPARE(contentOf(target + "/a.txt"), contentOf(m_dir.filePath("src/a.txt")));
        QVERIFY(!contentOf(target + "/a.txt").isEmpty());
        QVERIFY(m_errors.isEmpty());
    }

    void downloadRefusesKeysOutsideTheFolder()
    {
        const QString target = m_dir.filePath(QStringLiteral("guarded"));
        QSignalSpy finished(m_controller, &TransferController::batchFinished);
        const int rows = m_view->model()->rowCount();
        m_controller->download(m_bucket, {QStringLiteral("../../escaped.txt")}, {}, QString(), target);
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.first().at(0).toInt(), 0);
        QCOMPARE(m_errors.size(), 1);
        QVERIFY2(m_errors.first().userMessage().contains(QStringLiteral("escaped.txt")), qPrintable(m_errors.first().userMessage()));
        QCOMPARE(m_view->model()->rowCount(), rows);
        QVERIFY(!QFileInfo::exists(m_dir.filePath("escaped.txt")));
        QVERIFY(!QFileInfo::exists(QDir(target).absoluteFilePath("../../escaped.txt")));
    }

    void conflictKeepBothThenSkipAll()
    {
        m_session->transfers().clearFinished();
        QCOMPARE(m_view->model()->rowCount(), 0);
        QSignalSpy finished(m_controller, &TransferController::batchFinished);
        m_controller->upload({m_dir.filePath("src/a.txt")}, m_bucket, m_prefix);
        ConflictDialog *dialog = waitForConflictDialog();
        QVERIFY(dialog);
        QVERIFY(dialog->applyToAllBox()->isHidden());  // a single conflict: nothing else to apply to
        screenshot(dialog, QStringLiteral("conflict"));
        QTest::mouseClick(dialog->keepBothButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.first().at(0).toInt(), 1);
        QVERIFY(remoteKeys(m_prefix).contains(m_prefix + "a (1).txt"));

        // Two conflicts: "apply to all" with Skip answers both at once and uploads nothing.
        finished.clear();
        m_controller->upload({m_dir.filePath("src/b.bin"), m_dir.filePath("src/c.csv")}, m_bucket, m_prefix);
        dialog = waitForConflictDialog();
        QVERIFY(dialog);
        QVERIFY(!dialog->applyToAllBox()->isHidden());
        screenshot(dialog, QStringLiteral("conflict-many"));
        dialog->applyToAllBox()->setChecked(true);
        QTest::mouseClick(dialog->skipButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QCOMPARE(finished.first().at(0).toInt(), 0);
        QCOMPARE(finished.first().at(1).toInt(), 0);
        QTest::qWait(50);
        for (const ConflictDialog *left : m_window->findChildren<ConflictDialog *>())
            QVERIFY(!left->isVisible());
        QCOMPARE(m_view->model()->rowCount(), 1);
    }

    void manyFilesAreCheckedWithOneListing()
    {
        m_session->transfers().clearFinished();
        for (int i = 0; i < Transfers::maxHeadChecks + 1; ++i)
            writeFile(QStringLiteral("bulk/f%1.txt").arg(i, 2, 10, QLatin1Char('0')), 100 + i);
        QSignalSpy finished(m_controller, &TransferController::batchFinished);
        m_controller->upload({m_dir.filePath("src/bulk")}, m_bucket, m_prefix);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.first().at(0).toInt(), Transfers::maxHeadChecks + 1);

        // Again: every file now exists, found through the listing; one answer for all overwrites them.
        finished.clear();
        m_controller->upload({m_dir.filePath("src/bulk")}, m_bucket, m_prefix);
        ConflictDialog *dialog = waitForConflictDialog();
        QVERIFY(dialog);
        QVERIFY(dialog->applyToAllBox()->text().contains(QString::number(Transfers::maxHeadChecks)));
        dialog->applyToAllBox()->setChecked(true);
        QTest::mouseClick(dialog->overwriteButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.first().at(0).toInt(), Transfers::maxHeadChecks + 1);
        QVERIFY(!remoteKeys(m_prefix + "bulk/").join(' ').contains(QStringLiteral("(1)")));
    }

    void readOnlyRoleFailsThenRetrySucceeds()
    {
        m_session->transfers().clearFinished();
        QString failure = switchTo("ROLEDROP_TEST_ROLE_READONLY");
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        const QString file = writeFile("denied.txt", 321);
        QSignalSpy finished(m_controller, &TransferController::batchFinished);
        QSignalSpy into(m_controller, &TransferController::uploadsFinishedInto);
        m_controller->upload({file}, m_bucket, m_prefix);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.first().at(0).toInt(), 0);
        QCOMPARE(finished.first().at(1).toInt(), 1);
        QCOMPARE(into.count(), 0);

        const QModelIndex state = m_view->model()->index(0, TransferListModel::StateColumn);
        QTRY_COMPARE(state.data().toString(), TransferListModel::stateText(int(Transfers::TransferState::Failed)));
        const QString error = state.data(TransferListModel::ErrorRole).toString();
        QVERIFY2(error.contains(QStringLiteral("AccessDenied")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("S3ReadOnly")), qPrintable(error));
        QCOMPARE(m_view->model()->index(0, TransferListModel::NameColumn).data(Qt::ToolTipRole).toString(), error);
        QTRY_VERIFY(m_view->detailLabel()->isVisible());
        QVERIFY2(m_view->detailLabel()->text().contains(error), qPrintable(m_view->detailLabel()->text()));
        QVERIFY(!error.contains(worldValue("ROLEDROP_TEST_JAMES_SECRET")));
        QVERIFY(m_view->retryFailedAction()->isEnabled());
        QVERIFY2(m_view->summaryLabel()->text().contains(QStringLiteral("1 failed")), qPrintable(m_view->summaryLabel()->text()));
        screenshot(m_window.get(), QStringLiteral("failed"));

        const QModelIndex as = m_view->model()->index(0, TransferListModel::IdentityColumn);
        QVERIFY2(as.data().toString().contains(QStringLiteral("S3ReadOnly")), qPrintable(as.data().toString()));

        // After a switch, a retry may be meant as either identity: the view asks, the queued one by default.
        failure = switchTo("ROLEDROP_TEST_ROLE_S3ACCESS");
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        m_view->retryFailedAction()->trigger();
        QMessageBox *question = nullptr;
        QTRY_VERIFY((question = m_view->findChild<QMessageBox *>(QStringLiteral("retryIdentityQuestion"))) != nullptr);
        QTRY_VERIFY(question->isVisible());
        QCOMPARE(question->defaultButton()->objectName(), QStringLiteral("retryAsQueued"));
        screenshot(question, QStringLiteral("retry-as"));
        QTest::mouseClick(question->findChild<QPushButton *>(QStringLiteral("retryAsCurrent")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(state.data().toString(), TransferListModel::stateText(int(Transfers::TransferState::Succeeded)), 60000);
        QVERIFY2(as.data().toString().contains(QStringLiteral("S3Access")), qPrintable(as.data().toString()));
        QCOMPARE(into.count(), 1);
        QCOMPARE(into.first().at(1).toString(), m_prefix);
        QTRY_VERIFY(!m_view->detailLabel()->isVisible());
        QVERIFY(remoteKeys(m_prefix).contains(m_prefix + "denied.txt"));
    }

    void cancelAll()
    {
        m_session->transfers().clearFinished();
        m_session->transfers().setMaxConcurrent(1);
        QStringList files;
        for (int i = 0; i < 4; ++i)
            files.append(writeFile(QStringLiteral("many/f%1.bin").arg(i), 2 * 1024 * 1024));
        QSignalSpy finished(m_controller, &TransferController::batchFinished);
        m_controller->upload({m_dir.filePath("src/many")}, m_bucket, m_prefix + "cancelled/");
        QTRY_COMPARE_WITH_TIMEOUT(m_view->model()->rowCount(), 4, 30000);
        QVERIFY(m_view->cancelAllAction()->isEnabled());
        m_view->cancelAllAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        const QList<Transfers::TransferState> all = states();
        QCOMPARE(all.count(Transfers::TransferState::Queued) + all.count(Transfers::TransferState::Running), 0);
        QVERIFY(all.count(Transfers::TransferState::Cancelled) >= 3);  // at most the running one may have made it
        QTRY_COMPARE(m_view->model()->index(3, TransferListModel::StateColumn).data().toString(),
                     TransferListModel::stateText(int(Transfers::TransferState::Cancelled)));
        screenshot(m_window.get(), QStringLiteral("cancelled"));
        m_session->transfers().setMaxConcurrent(6);

        m_view->clearFinishedAction()->trigger();
        QCOMPARE(m_view->model()->rowCount(), 0);
        QCOMPARE(m_view->summaryLabel()->text(), QStringLiteral("No transfers"));
    }

    void progressRepaintsAreThrottled()
    {
        Transfers::TransferQueue queue;
        TransferListModel model(&queue);
        model.setRefreshInterval(100);
        for (int i = 0; i < 200; ++i)
            queue.enqueue(new BurstTransferDouble(50));  // 200 x 52 progress/finish signals
        QTRY_VERIFY(queue.isIdle());
        QTest::qWait(250);
        QVERIFY2(model.dataChangedCount() <= 5, qPrintable(QString::number(model.dataChangedCount())));
        QVERIFY(model.dataChangedCount() >= 1);
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.index(row, TransferListModel::ProgressColumn).data(TransferListModel::ProgressRole).toInt(), 100);
    }

    void cleanupTestCase()
    {
        if (!m_session)
            return;
        const QStringList keys = remoteKeys(m_prefix);
        if (!keys.isEmpty())
            wait<S3::DeleteObjectsResult>([&](QObject *context, auto done) { m_session->s3()->deleteObjects(m_bucket, keys, context, done); });
        m_window.reset();
        m_fixture.reset();
    }
};

QTEST_MAIN(TransferListModelTest)
#include "transfer_list_model_test.moc"
