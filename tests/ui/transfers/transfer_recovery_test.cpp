// The window when transfers are interrupted, as a user meets it:
//  - an upload killed in the middle (the roledrop CLI, kill -9, its journal left behind) is offered when the
//    role it ran as is active again (not to the base identity, which cannot write there), and resumed from
//    File › Unfinished Uploads…: only the missing parts are sent (the fault proxy's log, a TEST TOOL in front
//    of Ceph RGW, says which reached the server) and the object is whole;
//  - a role session that goes stale on the server mid-upload and cannot be renewed (STS refuses) pauses the
//    upload with an error naming the identity and sts:AssumeRole; Retry Failed resumes it once STS answers
//    again, without sending the acknowledged parts twice (the STS + S3 test double's log); a renewal that fails
//    twice (each time after the HTTP layer's own attempts) and then succeeds lets the upload go on unpaused;
//  - a download onto a file that exists asks, as uploads do: Keep Both lands "name (1).ext", Replace replaces;
//  - quitting in the middle of an upload asks, then aborts it on the server before the window goes.
// Screenshots go to $ROLEDROP_SCREENSHOT_DIR (default /tmp).

#include "fault_proxy_log.h"
#include "fault_proxy_process.h"
#include "fault_proxy_rules.h"
#include "screenshot.h"
#include "test_double_knobs.h"
#include "test_files.h"
#include "test_session.h"
#include "test_world.h"
#include "core/session/session.h"
#include "core/transfer/upload_transfer.h"
#include "ui/browser/bucket_browser.h"
#include "ui/main_window.h"
#include "ui/transfers/transfer_controller.h"
#include "ui/transfers/unfinished_uploads_dialog.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonObject>
#include <QMenuBar>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

namespace {

using Test::fileSha256;
using Test::readFile;

constexpr qint64 MiB = 1024 * 1024;
constexpr qint64 partBytes = 16 * MiB;  // UploadOptions' default part size, the window's and the CLI's

void shoot(QWidget *widget, const char *name)
{
    Test::saveScreenshot(widget, QLatin1String(name));
}

// What reached the server through the proxy.
struct ProxySeen
{
    QSet<int> acknowledgedParts;
    QList<int> sentParts;
    int creates = 0;
    int listParts = 0;
    int completes = 0;
};
ProxySeen proxySeen(const QJsonArray &log)
{
    ProxySeen seen;
    for (const QJsonValue &value : log) {
        const QJsonObject entry = value.toObject();
        const QString operation = Test::proxyOperation(entry);
        seen.creates += operation == QLatin1String("CreateMultipartUpload");
        seen.listParts += operation == QLatin1String("ListParts");
        seen.completes += operation == QLatin1String("CompleteMultipartUpload") && Test::proxyAcknowledged(entry);
        if (operation != QLatin1String("UploadPart"))
            continue;
        seen.sentParts << Test::proxyPartNumber(entry);
        if (Test::proxyAcknowledged(entry))
            seen.acknowledgedParts << Test::proxyPartNumber(entry);
    }
    return seen;
}

// What the STS + S3 test double answered for one key.
struct DoubleSeen
{
    QSet<int> acknowledgedParts;
    QList<int> sentParts;
    int expiredTokens = 0;
    int refusedAssumeRoles = 0;
};
DoubleSeen doubleSeen(const QJsonArray &log, const QString &key)
{
    DoubleSeen seen;
    for (const QJsonValue &value : log) {
        const QJsonObject entry = value.toObject();
        const QString action = entry.value(QStringLiteral("action")).toString();
        const int status = entry.value(QStringLiteral("status")).toInt();
        if (action == QLatin1String("sts:AssumeRole") && status == 403)
            ++seen.refusedAssumeRoles;
        if (entry.value(QStringLiteral("key")).toString() != key)
            continue;
        if (entry.value(QStringLiteral("error_code")).toString() == QLatin1String("ExpiredToken"))
            ++seen.expiredTokens;
        if (action != QLatin1String("s3:UploadPart"))
            continue;
        const int part = entry.value(QStringLiteral("part_number")).toInt();
        seen.sentParts << part;
        if (status == 200)
            seen.acknowledgedParts << part;
    }
    return seen;
}

template <typename T>
T *findTopLevel(const QString &objectName)
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (auto *found = qobject_cast<T *>(widget); found && found->objectName() == objectName && found->isVisible())
            return found;
    }
    return nullptr;
}

QAction *menuAction(QMainWindow &window, const QString &menu, const QString &text)
{
    for (QAction *top : window.menuBar()->actions()) {
        if (top->text() != menu || !top->menu())
            continue;
        for (QAction *action : top->menu()->actions()) {
            if (action->text() == text)
                return action;
        }
    }
    return nullptr;
}

QTreeWidgetItem *rowFor(QTreeWidget *list, const QString &text)
{
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        if (list->topLevelItem(i)->text(0).contains(text))
            return list->topLevelItem(i);
    }
    return nullptr;
}

} // namespace

class TransferRecoveryTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_prefix = QStringLiteral("transfer-recovery-%1/").arg(QCoreApplication::applicationPid());

private slots:
    void killedUploadIsOfferedAndResumedInTheWindow()
    {
        const QString bucket = worldValue("ROLEDROP_TEST_BUCKET");
        const QString key = m_prefix + QStringLiteral("killed.bin");
        const QString file = Test::writeRandomFile(m_dir.filePath(QStringLiteral("killed.bin")), 6 * partBytes);
        const QString dataHome = m_dir.filePath(QStringLiteral("cli-data"));
        const QString journalFolder = dataHome + QStringLiteral("/RoleDrop/RoleDrop/unfinished-uploads");
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_ENDPOINT"));
        QVERIFY(proxy.isRunning());

        // The CLI uploads as S3Access through the proxy; parts after the first two are held; once those two are
        // acknowledged and in its journal, it is killed.
        QVERIFY(proxy.setRules(Test::holdAfter(Test::anyPart(), 2, 120)));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &name : env.keys()) {
            if (name.startsWith(QLatin1String("AWS_")) && name != QLatin1String("AWS_CA_BUNDLE"))  // the run's test CA stays
                env.remove(name);
        }
        env.insert(QStringLiteral("HOME"), m_dir.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("cli-config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dataHome);
        env.insert(QStringLiteral("AWS_CONFIG_FILE"), m_dir.filePath(QStringLiteral("no-config")));
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), m_dir.filePath(QStringLiteral("no-credentials")));
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), worldValue("ROLEDROP_TEST_JAMES_KEY"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), worldValue("ROLEDROP_TEST_JAMES_SECRET"));
        QProcess cli;
        cli.setProcessEnvironment(env);
        cli.start(QStringLiteral(ROLEDROP_CLI_PATH),
                  {QStringLiteral("upload"), file, QStringLiteral("s3://%1/%2").arg(bucket, key), QStringLiteral("--endpoint-url"),
                   proxy.endpoint(), QStringLiteral("--path-style"), QStringLiteral("--role"), worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")});
        QVERIFY(cli.waitForStarted(10000));
        auto journalParts = [&] {
            int parts = 0;
            for (const QString &name : QDir(journalFolder).entryList(QDir::Files))
                parts += int(readFile(journalFolder + QLatin1Char('/') + name).count('\n')) - 1;
            return parts;
        };
        ProxySeen first;
        QVERIFY2(QTest::qWaitFor([&] {
                     first = proxySeen(proxy.log());
                     return (first.acknowledgedParts.size() == 2 && journalParts() == 2) || cli.state() == QProcess::NotRunning;
                 }, 120000),
                 "two parts were not acknowledged and journaled in 2 minutes");
        QVERIFY2(cli.state() == QProcess::Running, cli.readAllStandardError().constData());
        cli.kill();
        QVERIFY(cli.waitForFinished(10000));
        QCOMPARE(QDir(journalFolder).entryList(QDir::Files).size(), 1);
        QVERIFY(proxy.setRules({}));
        proxy.clearLog();

        // The window, on the same data folder (the same user's RoleDrop), james's profile at the proxy.
        Test::SessionFixture fixture(QStringLiteral("recovery"), dataHome + QStringLiteral("/RoleDrop/RoleDrop"));
        Sessions::Session &session = fixture.session();
        // Should a check fail half-way, the multipart upload is not left on the server.
        const auto abortLeftovers = qScopeGuard([&] {
            if (!session.identity().arn.contains(QLatin1String("assumed-role/S3Access")))
                fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
            const auto unfinished = Test::wait<QList<Sessions::UnfinishedUpload>>([&](QObject *context, auto done) {
                session.listUnfinishedUploads(bucket, m_prefix, context, done);
            });
            for (const Sessions::UnfinishedUpload &upload : unfinished ? unfinished.value() : QList<Sessions::UnfinishedUpload>()) {
                Test::wait<Done>([&](QObject *context, auto done) {
                    session.abortUnfinishedUpload(bucket, upload.upload.key, upload.upload.uploadId, context, done);
                });
            }
        });
        Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("james-via-proxy"));
        profile.endpointUrl = proxy.endpoint();
        QVERIFY(fixture.addProfile(profile, Test::SessionFixture::rgwJamesSecret()));
        Ui::MainWindow window(&session, fixture.settings());
        window.resize(1200, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(fixture.open(profile.name));

        // james cannot write to the bucket: the upload is not offered to him...
        QTest::qWait(300);
        QVERIFY(!findTopLevel<Ui::UnfinishedUploadsDialog>(QStringLiteral("unfinishedUploadsDialog")));
        // ...but once S3Access, which it ran as, is active again: what it is, how much is on the server.
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        Ui::UnfinishedUploadsDialog *offered = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((offered = findTopLevel<Ui::UnfinishedUploadsDialog>(QStringLiteral("unfinishedUploadsDialog"))), 10000);
        QCOMPARE(offered->windowTitle(), QStringLiteral("Interrupted Uploads"));
        QCOMPARE(offered->list()->topLevelItemCount(), 1);
        QTreeWidgetItem *row = offered->list()->topLevelItem(0);
        QCOMPARE(row->text(0), QStringLiteral("s3://%1/%2").arg(bucket, key));
        QCOMPARE(row->text(2), QStringLiteral("32 MiB of 96 MiB"));
        QCOMPARE(row->text(3), file);
        QVERIFY2(row->toolTip(0).contains(QLatin1String("Started as S3Access")), qPrintable(row->toolTip(0)));
        shoot(offered, "interrupted-uploads-dialog");
        // Later: it stays in the bucket's list of unfinished uploads.
        QTest::keyClick(offered, Qt::Key_Escape);
        QTRY_VERIFY(!findTopLevel<Ui::UnfinishedUploadsDialog>(QStringLiteral("unfinishedUploadsDialog")));
        window.browser()->navigateTo(bucket, m_prefix);
        QTRY_COMPARE_WITH_TIMEOUT(window.browser()->currentBucket(), bucket, 20000);

        // File › Unfinished Uploads… lists what the server holds in the bucket, this one resumable.
        QAction *unfinished = menuAction(window, QStringLiteral("&File"), QStringLiteral("Unfinished &Uploads…"));
        QVERIFY(unfinished);
        unfinished->trigger();
        Ui::UnfinishedUploadsDialog *dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = findTopLevel<Ui::UnfinishedUploadsDialog>(QStringLiteral("unfinishedUploadsDialog"))), 10000);
        QTRY_VERIFY_WITH_TIMEOUT((row = rowFor(dialog->list(), key)), 20000);
        QCOMPARE(row->text(3), file);
        row->setSelected(true);
        QVERIFY(dialog->resumeButton()->isEnabled());
        shoot(dialog, "unfinished-uploads-in-bucket");
        proxy.clearLog();
        QTest::mouseClick(dialog->resumeButton(), Qt::LeftButton);
        QTRY_VERIFY(!findTopLevel<Ui::UnfinishedUploadsDialog>(QStringLiteral("unfinishedUploadsDialog")));

        // The queue finishes it, sending only the four parts that were missing.
        QVERIFY(!session.transfers().transfers().isEmpty());
        Transfers::Transfer *resumed = session.transfers().transfers().last();
        QTRY_VERIFY_WITH_TIMEOUT(resumed->isFinished(), 120000);
        QVERIFY2(resumed->state() == Transfers::TransferState::Succeeded, qPrintable(resumed->result().error.userMessage()));
        const ProxySeen second = proxySeen(proxy.log());
        qInfo("killed with parts %s on the server; the window sent parts %s", qPrintable(Test::numbersText(first.acknowledgedParts)),
              qPrintable(Test::numbersText(QSet<int>(second.sentParts.cbegin(), second.sentParts.cend()))));
        QCOMPARE(second.creates, 0);
        QVERIFY(second.listParts >= 1);
        QCOMPARE(second.sentParts.size(), 4);
        QCOMPARE(second.acknowledgedParts + first.acknowledgedParts, QSet<int>({1, 2, 3, 4, 5, 6}));
        QCOMPARE(second.completes, 1);
        QCOMPARE(Test::presignedSha256(session, bucket, key), fileSha256(file));
        QVERIFY(QDir(journalFolder).entryList(QDir::Files).isEmpty());
        auto left = Test::wait<QList<Sessions::UnfinishedUpload>>([&](QObject *context, auto done) {
            session.listUnfinishedUploads(bucket, m_prefix, context, done);
        });
        QVERIFY(left);
        QVERIFY(left->isEmpty());
        Test::wait<Done>([&](QObject *context, auto done) { session.s3()->deleteObject(bucket, key, context, done); });
    }

    void staleSessionPausesTheUploadAndRetryResumesIt()
    {
        const QString bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        const QString key = m_prefix + QStringLiteral("paused.bin");
        const QString file = Test::writeRandomFile(m_dir.filePath(QStringLiteral("upload/paused.bin")), 6 * partBytes);
        const auto restore = qScopeGuard([] { Test::doubleKnob("POST", QStringLiteral("reset")); });
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT"));
        QVERIFY(proxy.isRunning());

        Test::SessionFixture fixture(QStringLiteral("paused"));
        Sessions::Session &session = fixture.session();
        Auth::Profile profile = Test::SessionFixture::stsDoubleJames(QStringLiteral("james-double"));
        profile.endpointUrl = proxy.endpoint();
        QVERIFY(fixture.addProfile(profile, Test::SessionFixture::stsDoubleJamesSecret()));
        Ui::MainWindow window(&session, fixture.settings());
        window.resize(1200, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(fixture.open(profile.name));
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"), Auth::SwitchFrom::BaseIdentity,
                                   QStringLiteral("#1D8102")));

        // Four parts go through; the last two are held while the role session ends on the server and STS starts
        // refusing to renew it (the trust policy changed, say).
        const int since = Test::doubleLogSeq();
        QVERIFY(proxy.setRules(Test::holdAfter(Test::anyPart(), 4, 20)));
        window.transferController()->upload({file}, bucket, m_prefix);
        QTRY_VERIFY_WITH_TIMEOUT(!session.transfers().transfers().isEmpty(), 20000);
        Transfers::Transfer *upload = session.transfers().transfers().last();
        QTRY_VERIFY_WITH_TIMEOUT(doubleSeen(Test::doubleLog(since), key).acknowledgedParts.size() == 4, 60000);
        Test::doubleKnob("POST", QStringLiteral("fail?action=sts:AssumeRole&times=1000&status=403&code=AccessDenied"));
        Test::doubleKnob("POST", QStringLiteral("advance-clock?seconds=4000"));

        // Paused, not failed: the row says so, and the error names who, what and where.
        QTRY_VERIFY_WITH_TIMEOUT(upload->state() == Transfers::TransferState::Paused || upload->isFinished(), 90000);
        QCOMPARE(upload->state(), Transfers::TransferState::Paused);
        // It says why (STS refused to renew S3Access), for whom, and what is kept.
        const AwsError error = upload->result().error;
        QCOMPARE(error.kind, AwsErrorKind::AccessDenied);
        QCOMPARE(error.action, QStringLiteral("sts:AssumeRole"));
        QCOMPARE(error.resource, worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"));
        QVERIFY2(upload->result().pauseNote.contains(QLatin1String("S3Access")), qPrintable(upload->result().pauseNote));
        QVERIFY2(upload->result().pauseNote.contains(QLatin1String("4 of 6 parts are on the server")), qPrintable(upload->result().pauseNote));
        const DoubleSeen before = doubleSeen(Test::doubleLog(since), key);
        QVERIFY(before.expiredTokens >= 1);
        QVERIFY(before.refusedAssumeRoles >= 1);
        QCOMPARE(before.acknowledgedParts, QSet<int>({1, 2, 3, 4}));
        auto *queue = window.findChild<QWidget *>(QStringLiteral("transferQueueView"));
        QVERIFY(queue);
        auto *summary = window.findChild<QWidget *>(QStringLiteral("transferSummary"));
        QVERIFY(summary);
        QVERIFY2(summary->property("text").toString().contains(QLatin1String("paused")), qPrintable(summary->property("text").toString()));
        auto *detail = window.findChild<QWidget *>(QStringLiteral("transferDetail"));
        QVERIFY(detail);
        QString shown;
        QTRY_VERIFY2((shown = detail->property("text").toString()).contains(QLatin1String("Paused: the session of S3Access")) && shown.contains(QLatin1String("sts:AssumeRole"))
                     && shown.contains(QLatin1String("Retry")),
                 qPrintable(shown));
        shoot(&window, "transfer-paused-stale-session");

        // STS answers again; Retry Failed (as a user finds it in the queue's toolbar) resumes the upload.
        Test::doubleKnob("DELETE", QStringLiteral("fail"));
        QVERIFY(proxy.setRules({}));
        const int resumedSince = Test::doubleLogSeq();
        QAction *retryFailed = nullptr;
        for (QAction *action : queue->findChildren<QAction *>()) {
            if (action->text() == QLatin1String("Retry &Failed"))
                retryFailed = action;
        }
        QVERIFY(retryFailed);
        QVERIFY(retryFailed->isEnabled());
        retryFailed->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(upload->isFinished(), 90000);
        QVERIFY2(upload->state() == Transfers::TransferState::Succeeded, qPrintable(upload->result().error.userMessage()));
        const DoubleSeen after = doubleSeen(Test::doubleLog(resumedSince), key);
        qInfo("before the pause parts %s were on the server; the retry sent parts %s", qPrintable(Test::numbersText(before.acknowledgedParts)),
              qPrintable(Test::numbersText(QSet<int>(after.sentParts.cbegin(), after.sentParts.cend()))));
        QCOMPARE(QSet<int>(after.sentParts.cbegin(), after.sentParts.cend()), QSet<int>({5, 6}));
        const QJsonObject stored = Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2").arg(bucket, key));
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), fileSha256(file));
        shoot(&window, "transfer-resumed-after-pause");
    }

    void staleSessionRenewedAfterTwoFailuresKeepsGoing()
    {
        const QString bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        const QString key = m_prefix + QStringLiteral("renewed.bin");
        const QString file = Test::writeRandomFile(m_dir.filePath(QStringLiteral("upload/renewed.bin")), 6 * partBytes);
        const auto restore = qScopeGuard([] { Test::doubleKnob("POST", QStringLiteral("reset")); });
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        Test::SessionFixture fixture(QStringLiteral("renewed"));
        Sessions::Session &session = fixture.session();
        Auth::Profile profile = Test::SessionFixture::stsDoubleJames(QStringLiteral("james-renewed"));
        profile.endpointUrl = proxy.endpoint();
        QVERIFY(fixture.addProfile(profile, Test::SessionFixture::stsDoubleJamesSecret()));
        Ui::MainWindow window(&session, fixture.settings());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(fixture.open(profile.name));
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS")));

        const int since = Test::doubleLogSeq();
        QVERIFY(proxy.setRules(Test::holdAfter(Test::anyPart(), 4, 20)));
        window.transferController()->upload({file}, bucket, m_prefix);
        QTRY_VERIFY_WITH_TIMEOUT(!session.transfers().transfers().isEmpty(), 20000);
        Transfers::Transfer *upload = session.transfers().transfers().last();
        QSignalSpy finished(upload, &Transfers::Transfer::finished);
        QTRY_VERIFY_WITH_TIMEOUT(doubleSeen(Test::doubleLog(since), key).acknowledgedParts.size() == 4, 60000);
        // The session ends on the server; STS fails the next six AssumeRoles with a 500: two renewals of three
        // attempts each. The third renewal gets through.
        Test::doubleKnob("POST", QStringLiteral("fail?action=sts:AssumeRole&times=6&status=500&code=InternalError"));
        Test::doubleKnob("POST", QStringLiteral("advance-clock?seconds=4000"));

        QTRY_VERIFY_WITH_TIMEOUT(upload->isIdle(), 120000);
        QVERIFY2(upload->state() == Transfers::TransferState::Succeeded, qPrintable(upload->result().pauseNote + upload->result().error.userMessage()));
        QCOMPARE(finished.size(), 1);  // never paused on the way
        int failedAssumes = 0;
        int renewed = 0;
        for (const QJsonValue &value : Test::doubleLog(since)) {
            const QJsonObject entry = value.toObject();
            if (entry.value(QStringLiteral("action")).toString() != QLatin1String("sts:AssumeRole"))
                continue;
            failedAssumes += entry.value(QStringLiteral("status")).toInt() == 500;
            renewed += entry.value(QStringLiteral("status")).toInt() == 200;
        }
        const DoubleSeen seen = doubleSeen(Test::doubleLog(since), key);
        qInfo("AssumeRole failed %d times, then renewed (%d); parts sent: %lld for 6", failedAssumes, renewed, qint64(seen.sentParts.size()));
        QCOMPARE(failedAssumes, 6);
        QCOMPARE(renewed, 1);
        QVERIFY(seen.expiredTokens >= 1);
        // Only the refused parts were sent again.
        QCOMPARE(qint64(seen.sentParts.size()), 6 + seen.expiredTokens);
        const QJsonObject stored = Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2").arg(bucket, key));
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), fileSha256(file));
    }

    void downloadOntoAnExistingFileAsks()
    {
        const QString bucket = worldValue("ROLEDROP_TEST_BUCKET");
        Test::SessionFixture fixture(QStringLiteral("download-conflict"));
        Sessions::Session &session = fixture.session();
        QVERIFY(fixture.openProfile(Test::SessionFixture::rgwJames(QStringLiteral("james")), Test::SessionFixture::rgwJamesSecret()));
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        Ui::MainWindow window(&session, fixture.settings());
        window.resize(1200, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString folder = m_dir.filePath(QStringLiteral("downloads"));
        QVERIFY(Test::writeFile(folder + QStringLiteral("/owner-file.txt"), "mine\n"));

        auto answer = [&](const char *button, const char *screenshot) {
            window.transferController()->download(bucket, {QStringLiteral("owner-file.txt")}, {}, QString(), folder);
            QWidget *dialog = nullptr;
            QTRY_VERIFY_WITH_TIMEOUT((dialog = findTopLevel<QDialog>(QStringLiteral("conflictDialog"))), 20000);
            if (screenshot)
                shoot(dialog, screenshot);
            auto *choice = dialog->findChild<QAbstractButton *>(QLatin1String(button));
            QVERIFY(choice);
            QTest::mouseClick(choice, Qt::LeftButton);
            QTRY_VERIFY(!findTopLevel<QDialog>(QStringLiteral("conflictDialog")));
        };
        const int before = int(session.transfers().transfers().size());
        answer("keepBoth", "download-conflict-dialog");
        QTRY_VERIFY_WITH_TIMEOUT(session.transfers().transfers().size() == before + 1 && session.transfers().transfers().last()->isFinished(), 30000);
        QCOMPARE(session.transfers().transfers().last()->state(), Transfers::TransferState::Succeeded);
        QCOMPARE(readFile(folder + QStringLiteral("/owner-file (1).txt")), QByteArray("hello\n"));
        QCOMPARE(readFile(folder + QStringLiteral("/owner-file.txt")), QByteArray("mine\n"));

        answer("skip", nullptr);
        QTest::qWait(500);
        QCOMPARE(int(session.transfers().transfers().size()), before + 1);
        QCOMPARE(readFile(folder + QStringLiteral("/owner-file.txt")), QByteArray("mine\n"));

        answer("overwrite", nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(session.transfers().transfers().size() == before + 2 && session.transfers().transfers().last()->isFinished(), 30000);
        QCOMPARE(session.transfers().transfers().last()->state(), Transfers::TransferState::Succeeded);
        QCOMPARE(readFile(folder + QStringLiteral("/owner-file.txt")), QByteArray("hello\n"));
        // No partial file is left behind.
        QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden).size(), 2);
    }

    void quittingMidUploadAbortsItOnTheServer()
    {
        const QString bucket = worldValue("ROLEDROP_TEST_BUCKET");
        const QString key = m_prefix + QStringLiteral("quit.bin");
        const QString file = Test::writeRandomFile(m_dir.filePath(QStringLiteral("quit/quit.bin")), 6 * partBytes);
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        Test::SessionFixture fixture(QStringLiteral("quit"));
        Sessions::Session &session = fixture.session();
        Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("james-quit"));
        profile.endpointUrl = proxy.endpoint();
        QVERIFY(fixture.openProfile(profile, Test::SessionFixture::rgwJamesSecret()));
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        auto window = std::make_unique<Ui::MainWindow>(&session, fixture.settings());
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));

        // One part reaches the server, the others are held on their way.
        QVERIFY(proxy.setRules(Test::holdAfter(Test::anyPart(), 1, 60)));
        window->transferController()->upload({file}, bucket, m_prefix);
        QTRY_VERIFY_WITH_TIMEOUT(proxySeen(proxy.log()).acknowledgedParts.size() == 1, 30000);

        // Quit (Ctrl+Q), then Enter on the question: Enter means "Keep Running", the window and the upload go on.
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        bool keptByEnter = false;
        QTimer::singleShot(0, this, [&] {
            QTRY_VERIFY(qobject_cast<QMessageBox *>(QApplication::activeModalWidget()));
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            QTest::keyClick(box, Qt::Key_Return);
            keptByEnter = true;
        });
        QTest::keySequence(window.get(), QKeySequence::Quit);
        QVERIFY(keptByEnter);
        QTest::qWait(300);
        QVERIFY(window->isVisible());
        QCOMPARE(session.transfers().transfers().size(), 1);
        QCOMPARE(session.transfers().transfers().first()->state(), Transfers::TransferState::Running);
        QCOMPARE(session.pendingCleanups(), 0);

        // Quit again and choose "Quit and Cancel" this time.
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        QString asked;
        QTimer::singleShot(0, this, [&] {
            QTRY_VERIFY(qobject_cast<QMessageBox *>(QApplication::activeModalWidget()));
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            asked = box->text();
            QCOMPARE(box->defaultButton()->text(), QStringLiteral("&Keep Running"));
            shoot(box, "quit-with-transfers");
            for (QAbstractButton *button : box->buttons()) {
                if (button->text() == QLatin1String("&Quit and Cancel"))
                    QTest::mouseClick(button, Qt::LeftButton);
            }
        });
        QTest::keySequence(window.get(), QKeySequence::Quit);
        QCOMPARE(asked, QStringLiteral("A transfer is still running. Quit and cancel it?"));
        // The window stays until the server has aborted the upload, then goes.
        QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), 20000);
        int aborts = 0;
        for (const QJsonValue &entry : proxy.log())
            aborts += Test::proxyOperation(entry.toObject()) == QLatin1String("AbortMultipartUpload") && Test::proxyAcknowledged(entry.toObject());
        QCOMPARE(aborts, 1);
        QCOMPARE(session.pendingCleanups(), 0);
        window.reset();
        auto left = Test::wait<QList<Sessions::UnfinishedUpload>>([&](QObject *context, auto done) {
            session.listUnfinishedUploads(bucket, m_prefix, context, done);
        });
        QVERIFY(left);
        QVERIFY(left->isEmpty());
        QVERIFY(session.journaledUploads().isEmpty());
    }
};

QTEST_MAIN(TransferRecoveryTest)
#include "transfer_recovery_test.moc"
