// The whole window against Ceph RGW, as the demo lands a newcomer in it: james's profile open (AccessDenied
// on the bucket), Switch Role to S3Access, the bucket's objects listed, a dropped file uploaded through the
// transfer queue. Screenshots go to $ROLEDROP_SCREENSHOT_DIR (default /tmp) for people to look at.

#include "test_world.h"
#include "ui/app_session.h"
#include "ui/bucket_browser.h"
#include "ui/identity_bar.h"
#include "ui/main_window.h"
#include "ui/object_list_model.h"

#include <QApplication>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeView>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

class MainWindowTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static void shoot(QWidget *widget, const char *name)
    {
        const QString dir = qEnvironmentVariable("ROLEDROP_SCREENSHOT_DIR", QStringLiteral("/tmp"));
        widget->grab().save(dir + QStringLiteral("/mainwindow-%1.png").arg(QLatin1String(name)));
    }

    static bool listed(Ui::BucketBrowser *browser, const QString &name)
    {
        const QAbstractItemModel *model = browser->view()->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data().toString() == name)
                return true;
        }
        return false;
    }

private slots:
    void tutorialInTheWindow()
    {
        QSettings settings(m_dir.filePath(QStringLiteral("roledrop.ini")), QSettings::IniFormat);
        Ui::AppSession session(settings, QStringLiteral("RoleDropMainWindowTest"));
        Profile profile;
        profile.name = QStringLiteral("james");
        profile.accessKeyId = worldValue("ROLEDROP_TEST_JAMES_KEY");
        profile.endpointUrl = worldValue("ROLEDROP_TEST_S3_ENDPOINT");
        profile.pathStyle = true;
        QVERIFY(session.profiles().save(profile));
        auto written = Test::wait<bool>([&](auto done) {
            session.keychain().writeSecret(profile.name, worldValue("ROLEDROP_TEST_JAMES_SECRET"), done);
        });
        QVERIFY(written);

        Ui::MainWindow window(&session);
        window.resize(1200, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy opened(&session, &Ui::AppSession::profileOpened);
        session.openProfile(profile.name);
        QVERIFY(opened.wait(20000));

        // As james: the bucket is refused, and the browser says so in place.
        window.browser()->navigateTo(worldValue("ROLEDROP_TEST_BUCKET"), QString());
        QTRY_VERIFY_WITH_TIMEOUT(window.browser()->bannerText().contains(QStringLiteral("s3:ListBucket")), 20000);
        shoot(&window, "denied");

        // Switch Role as the dialog would: the identity bar, the colour and the listing follow.
        AssumeRoleRequest request;
        request.roleArn = worldValue("ROLEDROP_TEST_ROLE_S3ACCESS");
        request.roleSessionName = QStringLiteral("window-test");
        auto identity = Test::wait<Identity>([&](auto done) {
            session.switchRole(request, QStringLiteral("S3Access"), QStringLiteral("#1D8102"), done);
        });
        QVERIFY2(identity, qPrintable(identity ? QString() : identity.error().userMessage()));
        window.browser()->navigateTo(worldValue("ROLEDROP_TEST_BUCKET"), QString());
        QTRY_VERIFY_WITH_TIMEOUT(listed(window.browser(), QStringLiteral("owner-file.txt")), 20000);
        QVERIFY(window.browser()->bannerText().isEmpty());
        QVERIFY(window.windowTitle().contains(QStringLiteral("S3Access")));
        QCOMPARE(session.roleHistory().recent(profile.name).size(), 1);
        shoot(&window, "role");

        // A file dropped on the browser goes through the transfer queue into the current folder.
        const QString file = m_dir.filePath(QStringLiteral("dropped-in-window.txt"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("dropped\n");
        out.close();
        // A leftover from an interrupted run would (rightly) raise the overwrite question.
        Test::wait<Done>([&](auto done) { session.s3().deleteObject(worldValue("ROLEDROP_TEST_BUCKET"), QStringLiteral("dropped-in-window.txt"), done); });
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(file)});
        QSignalSpy idle(&session.transfers(), &TransferQueue::idle);
        QSignalSpy requested(window.browser(), &Ui::BucketBrowser::uploadRequested);
        // Below the rows: onto the folder itself, not onto a sub-folder's row.
        const QPoint emptyArea = window.browser()->view()->viewport()->rect().bottomLeft() + QPoint(5, -5);
        QVERIFY(window.browser()->handleDrop(&mime, emptyArea));
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(2).toString(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!idle.isEmpty(), 30000);
        QCOMPARE(session.transfers().transfers().last()->state(), TransferState::Succeeded);
        QTRY_VERIFY_WITH_TIMEOUT(listed(window.browser(), QStringLiteral("dropped-in-window.txt")), 20000);
        shoot(&window, "uploaded");

        auto removed = Test::wait<Done>([&](auto done) {
            session.s3().deleteObject(worldValue("ROLEDROP_TEST_BUCKET"), QStringLiteral("dropped-in-window.txt"), done);
        });
        QVERIFY(removed);
        session.keychain().removeSecret(profile.name, [](Outcome<bool>) {});
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
