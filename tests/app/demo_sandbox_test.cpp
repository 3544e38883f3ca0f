// `roledrop --demo`'s start-up as a newcomer sees it: the window is there at once, a dialog names each step of the
// sandbox's start as it is reached (in order), and the first window then says what to do. Cancel during the
// start-up stops it cleanly: no process of it is left and its folder is gone. Each case starts a real Ceph RGW
// of its own (20-50 s). Screenshots go to $ROLEDROP_SCREENSHOT_DIR (default /tmp).

#include "app/demo_launch.h"
#include "app/demo_sandbox.h"
#include "app/demo_start_dialog.h"
#include "core/session/session.h"
#include "ui/browser/breadcrumb_bar.h"
#include "ui/browser/bucket_browser.h"
#include "ui/main_window.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace RoleDrop;

class DemoSandboxTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static void shoot(QWidget *widget, const char *name)
    {
        const QString dir = qEnvironmentVariable("ROLEDROP_SCREENSHOT_DIR", QStringLiteral("/tmp"));
        QDir().mkpath(dir);
        QVERIFY(widget->grab().save(dir + QStringLiteral("/%1.png").arg(QLatin1String(name))));
    }

    // Processes whose command line names the sandbox's folder: its scripts and every Ceph daemon of it.
    static QStringList processesOf(const QString &folder)
    {
        QStringList found;
        const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &pid : pids) {
            bool numeric = false;
            pid.toInt(&numeric);
            if (!numeric)
                continue;
            QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
            if (!cmdline.open(QIODevice::ReadOnly))
                continue;
            const QByteArray line = cmdline.readAll().replace('\0', ' ');
            if (line.contains(folder.toLocal8Bit()))
                found << QStringLiteral("%1: %2").arg(pid, QString::fromLocal8Bit(line));
        }
        return found;
    }

    static QList<int> stepsSeen(const QSignalSpy &spy)
    {
        QList<int> steps;
        for (const QList<QVariant> &signal : spy)
            steps << signal.at(0).toInt();
        return steps;
    }

    static QList<int> allSteps()
    {
        QList<int> steps;
        for (int i = 0; i < App::DemoSandbox::steps().size(); ++i)
            steps << i;
        return steps;
    }

private slots:
    void initTestCase()
    {
        // The demo's servers get a clean environment anyway; its profile trusts only its own CA.
        qunsetenv("AWS_CA_BUNDLE");
    }

    void stepsInOrderThenTheFirstWindowSaysWhatToDo()
    {
        QSettings settings(m_dir.filePath(QStringLiteral("demo.ini")), QSettings::IniFormat);
        const QString service = QStringLiteral("RoleDropTest-demo-%1").arg(QCoreApplication::applicationPid());
        Sessions::Session session(settings, service, nullptr, m_dir.filePath(QStringLiteral("data")));
        Ui::MainWindow window(&session, settings);
        window.resize(1100, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        App::DemoSandbox sandbox;
        QSignalSpy steps(&sandbox, &App::DemoSandbox::stepStarted);
        QSignalSpy ready(&sandbox, &App::DemoSandbox::ready);
        std::optional<int> noDemo;
        App::launchDemo(sandbox, session, window, [&](int code) { noDemo = code; });

        // At once: the dialog, on the first step, with the sandbox's folder made.
        QPointer<App::DemoStartDialog> dialog = window.findChild<App::DemoStartDialog *>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        QCOMPARE(dialog->currentStep(), 0);
        QVERIFY(QFileInfo(sandbox.folder()).isDir());
        const QString folder = sandbox.folder();

        // Mid-way, as a person sees it.
        QTRY_VERIFY_WITH_TIMEOUT(dialog->currentStep() >= 2, 120000);
        shoot(dialog, "demo-start-dialog");
        auto *step1 = dialog->findChild<QLabel *>(QStringLiteral("demoStep1"));
        QVERIFY(step1);
        QVERIFY2(step1->text().startsWith(QStringLiteral("✓")), qPrintable(step1->text()));

        QVERIFY(ready.wait(240000) || !ready.isEmpty());
        QCOMPARE(stepsSeen(steps), allSteps());
        QTRY_VERIFY(dialog.isNull() || !dialog->isVisible());
        QVERIFY(!noDemo);

        // The first window: james's profile open, the guide naming the bucket to open and the role to switch to.
        QTRY_VERIFY_WITH_TIMEOUT(session.hasIdentity() && session.activeProfile() == QStringLiteral("james"), 60000);
        const QString guide = window.browser()->guideText();
        QVERIFY2(guide.contains(QStringLiteral("Open bucket data")), qPrintable(guide));
        QVERIFY2(guide.contains(QStringLiteral("S3Access")) && guide.contains(QStringLiteral("drop files")), qPrintable(guide));
        QTRY_VERIFY_WITH_TIMEOUT(!window.browser()->isLoading(), 30000);
        shoot(&window, "demo-first-window");

        // The guide's link opens the path bar; the bucket's name typed there shows james's denial as such.
        auto *guideLabel = window.findChild<QLabel *>(QStringLiteral("browserGuide"));
        QVERIFY(guideLabel);
        emit guideLabel->linkActivated(QStringLiteral("open-bucket"));
        auto *crumbs = window.browser()->findChild<Ui::BreadcrumbBar *>();
        QVERIFY(crumbs && crumbs->isEditing());
        QLineEdit *path = crumbs->findChild<QLineEdit *>();
        QVERIFY(path);
        QTest::keyClicks(path, QStringLiteral("data"));
        QTest::keyClick(path, Qt::Key_Return);
        QTRY_COMPARE(window.browser()->currentBucket(), QStringLiteral("data"));
        QTRY_COMPARE_WITH_TIMEOUT(window.browser()->statusText(), QStringLiteral("Not allowed"), 30000);
        QVERIFY(window.browser()->bannerText().contains(QStringLiteral("s3:ListBucket")));
        shoot(&window, "demo-bucket-not-allowed");

        auto removed = std::make_shared<bool>(false);
        session.profiles().remove(QStringLiteral("james"), &window, [removed](Outcome<Done>) { *removed = true; });
        QTRY_VERIFY_WITH_TIMEOUT(*removed, 30000);
        sandbox.stop();
        QVERIFY(!QFileInfo::exists(folder));
        QTRY_VERIFY2_WITH_TIMEOUT(processesOf(folder).isEmpty(), qPrintable(processesOf(folder).join(QLatin1Char('\n'))), 20000);
    }

    // A start-up that fails says why in the dialog (the script's last words), leaves no folder, and Close ends the demo
    // with a failure. (Scripts of the test's own stand in for the servers' here.)
    void aFailureIsSaidAndCloseEnds()
    {
        QTemporaryDir servers;
        QFile start(servers.filePath(QStringLiteral("rgw-start.sh")));
        QVERIFY(start.open(QIODevice::WriteOnly));
        start.write("echo 'STEP ca'\necho 'STEP mon'\necho \"rgw-start: FAILED: ceph-mon not ready within 120s\" >&2\nexit 1\n");
        start.close();
        QFile stop(servers.filePath(QStringLiteral("rgw-stop.sh")));
        QVERIFY(stop.open(QIODevice::WriteOnly));
        stop.write("echo stopped\n");
        stop.close();
        qputenv("ROLEDROP_SERVERS_DIR", servers.path().toLocal8Bit());
        const auto restore = qScopeGuard([] { qunsetenv("ROLEDROP_SERVERS_DIR"); });

        QSettings settings(m_dir.filePath(QStringLiteral("failure.ini")), QSettings::IniFormat);
        Sessions::Session session(settings, QStringLiteral("RoleDropTest-demo-failure-%1").arg(QCoreApplication::applicationPid()),
                                  nullptr, m_dir.filePath(QStringLiteral("data-failure")));
        Ui::MainWindow window(&session, settings);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        App::DemoSandbox sandbox;
        QSignalSpy steps(&sandbox, &App::DemoSandbox::stepStarted);
        QSignalSpy failed(&sandbox, &App::DemoSandbox::failed);
        std::optional<int> noDemo;
        App::launchDemo(sandbox, session, window, [&](int code) { noDemo = code; });
        QPointer<App::DemoStartDialog> dialog = window.findChild<App::DemoStartDialog *>();
        QVERIFY(dialog);
        const QString folder = sandbox.folder();
        QVERIFY(failed.wait(30000) || !failed.isEmpty());
        QCOMPARE(stepsSeen(steps), (QList<int>{0, 1}));
        auto *why = dialog->findChild<QLabel *>(QStringLiteral("demoStartFailure"));
        QVERIFY(why);
        QTRY_VERIFY(why->isVisible());
        QVERIFY2(why->text().contains(QStringLiteral("ceph-mon not ready")), qPrintable(why->text()));
        QTRY_VERIFY(!QFileInfo::exists(folder));
        QVERIFY(!noDemo);  // the message stays until the user closes it
        auto *close = dialog->findChild<QAbstractButton *>(QStringLiteral("demoStartCancel"));
        QVERIFY(close);
        QCOMPARE(close->text(), QStringLiteral("Close"));
        QTest::mouseClick(close, Qt::LeftButton);
        QTRY_VERIFY(noDemo.has_value());
        QCOMPARE(*noDemo, 1);
    }

    void cancelStopsTheStartUpCleanly()
    {
        QSettings settings(m_dir.filePath(QStringLiteral("cancel.ini")), QSettings::IniFormat);
        Sessions::Session session(settings, QStringLiteral("RoleDropTest-demo-cancel-%1").arg(QCoreApplication::applicationPid()),
                                  nullptr, m_dir.filePath(QStringLiteral("data-cancel")));
        Ui::MainWindow window(&session, settings);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        App::DemoSandbox sandbox;
        QSignalSpy steps(&sandbox, &App::DemoSandbox::stepStarted);
        QSignalSpy cancelled(&sandbox, &App::DemoSandbox::cancelled);
        std::optional<int> noDemo;
        App::launchDemo(sandbox, session, window, [&](int code) { noDemo = code; });
        QPointer<App::DemoStartDialog> dialog = window.findChild<App::DemoStartDialog *>();
        QVERIFY(dialog);
        const QString folder = sandbox.folder();

        // Once the monitor runs (a daemon is up), the user presses Cancel.
        QTRY_VERIFY_WITH_TIMEOUT(dialog->currentStep() >= 2, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!processesOf(folder + QStringLiteral("/ceph.conf")).isEmpty(), 60000);
        auto *cancel = dialog->findChild<QAbstractButton *>(QStringLiteral("demoStartCancel"));
        QVERIFY(cancel);
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(!cancel->isEnabled());  // "Stopping…" until it is done
        QVERIFY(cancelled.wait(60000) || !cancelled.isEmpty());
        QTRY_VERIFY(noDemo.has_value());
        QCOMPARE(*noDemo, 0);
        QVERIFY(!sandbox.isStarting());
        QVERIFY2(!QFileInfo::exists(folder), qPrintable(folder));
        QTRY_VERIFY2_WITH_TIMEOUT(processesOf(folder).isEmpty(), qPrintable(processesOf(folder).join(QLatin1Char('\n'))), 20000);
        QVERIFY(!stepsSeen(steps).contains(App::DemoSandbox::steps().size() - 1));
        QTRY_VERIFY(dialog.isNull() || !dialog->isVisible());
    }
};

QTEST_MAIN(DemoSandboxTest)
#include "demo_sandbox_test.moc"
