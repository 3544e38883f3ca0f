// The window killed with -9 in the middle of a 1 GiB upload and of a 1 GiB download, then started again, as
// after a crash. The killed window is a real RoleDrop window in a child process (this test binary again, in
// "child" mode: it opens the profile, switches to S3Access and queues the transfer as a drop would); the
// window that recovers runs here, on the same settings, keychain entries and data folder. The fault proxy
// (tests/servers/fault_proxy.py, a TEST TOOL, in front of Ceph RGW) holds the later parts or ranges so the kill
// lands at a known point, and its log says what was sent again. Each run ends with identical bytes (SHA-256)
// and nothing left behind: no unfinished multipart upload, no journal, no part file.

#include "fault_proxy_log.h"
#include "fault_proxy_process.h"
#include "fault_proxy_rules.h"
#include "test_files.h"
#include "test_session.h"
#include "test_world.h"
#include "core/session/session.h"
#include "ui/main_window.h"
#include "ui/transfers/transfer_controller.h"
#include "ui/transfers/unfinished_uploads_dialog.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <cstdio>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

namespace {

using Test::fileSha256;
using Test::readFile;
using Test::holdAfter;
using Test::anyPart;
using Test::rangedGet;

constexpr qint64 MiB = 1024 * 1024;
constexpr qint64 GiB = 1024 * MiB;
constexpr qint64 partBytes = 16 * MiB;   // UploadOptions' default part size
constexpr qint64 rangeBytes = 8 * MiB;   // DownloadOptions' default range size
constexpr int partsBeforeKill = 4;
constexpr int rangesBeforeKill = 16;

// --- the child: a window that starts one transfer and runs until it is killed

int runWindowChild()
{
    const auto value = [](const char *name) { return qEnvironmentVariable(name); };
    QSettings settings(value("ROLEDROP_CHILD_SETTINGS"), QSettings::IniFormat);
    Sessions::Session session(settings, value("ROLEDROP_CHILD_SERVICE"), nullptr, value("ROLEDROP_CHILD_DATA"));
    Ui::MainWindow window(&session, settings);
    window.resize(1000, 700);
    window.show();
    session.openProfile(value("ROLEDROP_CHILD_PROFILE"), &window, [&](Outcome<Sessions::OpenedProfile> opened) {
        if (!opened) {
            std::fprintf(stderr, "child: opening the profile: %s\n", qPrintable(opened.error().userMessage()));
            return QCoreApplication::exit(2);
        }
        Sts::AssumeRoleRequest request;
        request.roleArn = value("ROLEDROP_CHILD_ROLE");
        request.roleSessionName = QStringLiteral("window-kill-child");
        session.switchRole(request, QString(), QString(), Auth::SwitchFrom::BaseIdentity, &window, [&](Outcome<Auth::Identity> identity) {
            if (!identity) {
                std::fprintf(stderr, "child: switching role: %s\n", qPrintable(identity.error().userMessage()));
                return QCoreApplication::exit(3);
            }
            if (value("ROLEDROP_WINDOW_CHILD") == QLatin1String("upload"))
                window.transferController()->upload({value("ROLEDROP_CHILD_LOCAL")}, value("ROLEDROP_CHILD_BUCKET"), value("ROLEDROP_CHILD_PREFIX"));
            else
                window.transferController()->download(value("ROLEDROP_CHILD_BUCKET"), {value("ROLEDROP_CHILD_KEY")}, {},
                                                      value("ROLEDROP_CHILD_PREFIX"), value("ROLEDROP_CHILD_LOCAL"));
            std::printf("child: transfer queued\n");
            std::fflush(stdout);
        });
    });
    return QApplication::exec();
}

// --- the test

// Lines of a journal or range map after its header line: one per finished part or range.
int linesAfterHeader(const QString &path)
{
    int lines = 0;
    for (const QByteArray &line : readFile(path).split('\n'))
        lines += !line.trimmed().isEmpty();
    return std::max(0, lines - 1);
}

struct Traffic
{
    QSet<int> acknowledgedParts;
    QList<int> sentParts;
    int creates = 0;
    int gets = 0;                 // GetObject requests
    int completedGets = 0;
    qint64 getBytes = 0;          // body bytes the proxy relayed to RoleDrop
};
Traffic trafficIn(const QJsonArray &log)
{
    Traffic traffic;
    for (const QJsonValue &value : log) {
        const QJsonObject entry = value.toObject();
        const QString operation = Test::proxyOperation(entry);
        traffic.creates += operation == QLatin1String("CreateMultipartUpload");
        if (operation == QLatin1String("UploadPart")) {
            traffic.sentParts << Test::proxyPartNumber(entry);
            if (Test::proxyAcknowledged(entry))
                traffic.acknowledgedParts << Test::proxyPartNumber(entry);
        } else if (operation == QLatin1String("GetObject")) {
            ++traffic.gets;
            traffic.completedGets += Test::proxyAcknowledged(entry);
            traffic.getBytes += entry.value(QStringLiteral("response_body_bytes_sent")).toInteger();
        }
    }
    return traffic;
}

Ui::UnfinishedUploadsDialog *offeredDialog()
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (auto *dialog = qobject_cast<Ui::UnfinishedUploadsDialog *>(widget); dialog && dialog->isVisible())
            return dialog;
    }
    return nullptr;
}

} // namespace

class WindowKillTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_prefix = QStringLiteral("window-kill-%1/").arg(QCoreApplication::applicationPid());
    QString m_bigFile;
    QString m_bigSha;
    QString m_uploadedKey;

    QString dataFolder() const { return m_dir.filePath(QStringLiteral("data")); }

    // A window in a child process, for `fixture`'s profile, doing one transfer.
    std::unique_ptr<QProcess> startWindowChild(Test::SessionFixture &fixture, const QString &profile, const QMap<QString, QString> &job)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ROLEDROP_CHILD_SETTINGS"), fixture.settingsPath());
        env.insert(QStringLiteral("ROLEDROP_CHILD_SERVICE"), fixture.keychainService());
        env.insert(QStringLiteral("ROLEDROP_CHILD_DATA"), dataFolder());
        env.insert(QStringLiteral("ROLEDROP_CHILD_PROFILE"), profile);
        env.insert(QStringLiteral("ROLEDROP_CHILD_ROLE"), worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
        env.insert(QStringLiteral("ROLEDROP_CHILD_BUCKET"), worldValue("ROLEDROP_TEST_BUCKET"));
        for (auto it = job.cbegin(); it != job.cend(); ++it)
            env.insert(it.key(), it.value());
        fixture.settings().sync();
        auto child = std::make_unique<QProcess>();
        child->setProcessEnvironment(env);
        child->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child->start(QCoreApplication::applicationFilePath(), {});
        // Started before anyone asks whether it still runs: a child still Starting is not Running either.
        if (!child->waitForStarted(10000))
            qWarning("the window child did not start: %s", qPrintable(child->errorString()));
        return child;
    }

    static void killWindow(QProcess &child)
    {
        child.kill();  // SIGKILL: no cleanup of any kind
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bigFile = Test::writeRandomFile(m_dir.filePath(QStringLiteral("big.bin")), GiB);
        m_bigSha = fileSha256(m_bigFile);
    }

    void killedWindowUploadResumesWithTheMissingParts()
    {
        const QString bucket = worldValue("ROLEDROP_TEST_BUCKET");
        const QString key = m_prefix + QStringLiteral("big.bin");
        const QString journalFolder = dataFolder() + QStringLiteral("/unfinished-uploads");
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        Test::SessionFixture fixture(QStringLiteral("windowkill-up"), dataFolder());
        Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("james-kill-up"));
        profile.endpointUrl = proxy.endpoint();
        QVERIFY(fixture.addProfile(profile, Test::SessionFixture::rgwJamesSecret()));

        // The first window: four parts reach the server and its journal, the rest are held; then kill -9.
        QVERIFY(proxy.setRules(holdAfter(anyPart(), partsBeforeKill)));
        auto child = startWindowChild(fixture, profile.name, {{QStringLiteral("ROLEDROP_WINDOW_CHILD"), QStringLiteral("upload")},
                                                              {QStringLiteral("ROLEDROP_CHILD_LOCAL"), m_bigFile},
                                                              {QStringLiteral("ROLEDROP_CHILD_PREFIX"), m_prefix}});
        const auto journaledParts = [&] {
            const QStringList files = QDir(journalFolder).entryList(QDir::Files);
            return files.size() == 1 ? linesAfterHeader(journalFolder + QLatin1Char('/') + files.first()) : 0;
        };
        Traffic first;
        QVERIFY2(QTest::qWaitFor([&] {
                     first = trafficIn(proxy.log());
                     return (first.acknowledgedParts.size() == partsBeforeKill && journaledParts() == partsBeforeKill)
                            || child->state() == QProcess::NotRunning;
                 }, 120000),
                 qPrintable(QStringLiteral("%1 parts acknowledged, %2 journaled").arg(first.acknowledgedParts.size()).arg(journaledParts())));
        QVERIFY2(child->state() == QProcess::Running, "the first window ended by itself");
        killWindow(*child);
        QVERIFY(proxy.setRules({}));
        proxy.clearLog();

        // The window again: after the switch to S3Access, the upload is offered; Resume.
        Sessions::Session &session = fixture.session();
        Ui::MainWindow window(&session, fixture.settings());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(fixture.open(profile.name));
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        Ui::UnfinishedUploadsDialog *dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((dialog = offeredDialog()), 10000);
        QCOMPARE(dialog->list()->topLevelItemCount(), 1);
        QCOMPARE(dialog->list()->topLevelItem(0)->text(3), m_bigFile);
        QVERIFY(dialog->resumeButton()->isEnabled());
        QTest::mouseClick(dialog->resumeButton(), Qt::LeftButton);
        QTRY_VERIFY(!offeredDialog());

        Transfers::Transfer *resumed = session.transfers().transfers().last();
        QTRY_VERIFY_WITH_TIMEOUT(resumed->isFinished(), 300000);
        QVERIFY2(resumed->state() == Transfers::TransferState::Succeeded, qPrintable(resumed->result().error.userMessage()));
        const Traffic second = trafficIn(proxy.log());
        const QSet<int> sentAgain = QSet<int>(second.sentParts.cbegin(), second.sentParts.cend()) & first.acknowledgedParts;
        qInfo("killed with parts %s on the server; the window sent %lld part requests, none of those again",
              qPrintable(Test::numbersText(first.acknowledgedParts)), qint64(second.sentParts.size()));
        QCOMPARE(second.creates, 0);
        QVERIFY2(sentAgain.isEmpty(), qPrintable(Test::numbersText(sentAgain)));
        QCOMPARE(qint64(second.sentParts.size()), GiB / partBytes - partsBeforeKill);
        QCOMPARE(qint64((second.acknowledgedParts + first.acknowledgedParts).size()), GiB / partBytes);
        QCOMPARE(Test::presignedSha256(session, bucket, key), m_bigSha);
        QVERIFY(QDir(journalFolder).entryList(QDir::Files).isEmpty());
        auto left = Test::wait<QList<Sessions::UnfinishedUpload>>([&](QObject *context, auto done) {
            session.listUnfinishedUploads(bucket, m_prefix, context, done);
        });
        QVERIFY(left);
        QVERIFY(left->isEmpty());
        m_uploadedKey = key;
    }

    void killedWindowDownloadResumesWithTheMissingRanges()
    {
        const QString bucket = worldValue("ROLEDROP_TEST_BUCKET");
        QVERIFY2(!m_uploadedKey.isEmpty(), "needs the object of the upload test");
        const QString folder = m_dir.filePath(QStringLiteral("downloads"));
        const QString target = folder + QStringLiteral("/big.bin");
        const QString map = target + QStringLiteral(".roledrop.part.map");
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        Test::SessionFixture fixture(QStringLiteral("windowkill-down"), dataFolder());
        Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("james-kill-down"));
        profile.endpointUrl = proxy.endpoint();
        QVERIFY(fixture.addProfile(profile, Test::SessionFixture::rgwJamesSecret()));

        // The first window: sixteen ranges arrive and are noted in the map, the rest are held; then kill -9.
        QVERIFY(proxy.setRules(holdAfter(rangedGet(), rangesBeforeKill)));
        auto child = startWindowChild(fixture, profile.name, {{QStringLiteral("ROLEDROP_WINDOW_CHILD"), QStringLiteral("download")},
                                                              {QStringLiteral("ROLEDROP_CHILD_KEY"), m_uploadedKey},
                                                              {QStringLiteral("ROLEDROP_CHILD_PREFIX"), m_prefix},
                                                              {QStringLiteral("ROLEDROP_CHILD_LOCAL"), folder}});
        Traffic first;
        QVERIFY2(QTest::qWaitFor([&] {
                     first = trafficIn(proxy.log());
                     return (first.completedGets == rangesBeforeKill && linesAfterHeader(map) == rangesBeforeKill)
                            || child->state() == QProcess::NotRunning;
                 }, 120000),
                 qPrintable(QStringLiteral("%1 ranges received, %2 in the map").arg(first.completedGets).arg(linesAfterHeader(map))));
        QVERIFY2(child->state() == QProcess::Running, "the first window ended by itself");
        killWindow(*child);
        QVERIFY(QFileInfo::exists(target + QStringLiteral(".roledrop.part")));
        QVERIFY(!QFileInfo::exists(target));
        QVERIFY(proxy.setRules({}));
        proxy.clearLog();

        // The window again: the same download goes on from the part file.
        Sessions::Session &session = fixture.session();
        Ui::MainWindow window(&session, fixture.settings());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(fixture.open(profile.name));
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        const int before = int(session.transfers().transfers().size());
        window.transferController()->download(bucket, {m_uploadedKey}, {}, m_prefix, folder);
        QTRY_VERIFY_WITH_TIMEOUT(session.transfers().transfers().size() == before + 1, 20000);
        Transfers::Transfer *resumed = session.transfers().transfers().last();
        QTRY_VERIFY_WITH_TIMEOUT(resumed->isFinished(), 300000);
        QVERIFY2(resumed->state() == Transfers::TransferState::Succeeded, qPrintable(resumed->result().error.userMessage()));
        const Traffic second = trafficIn(proxy.log());
        qInfo("killed with %d ranges (%lld bytes) received; the window fetched %lld bytes in %d GETs", first.completedGets,
              first.getBytes, second.getBytes, second.gets);
        QVERIFY2(second.getBytes <= GiB - rangesBeforeKill * rangeBytes,
                 qPrintable(QStringLiteral("fetched %1 bytes, %2 were missing").arg(second.getBytes).arg(GiB - rangesBeforeKill * rangeBytes)));
        QVERIFY(second.gets <= GiB / rangeBytes - rangesBeforeKill);
        QCOMPARE(fileSha256(target), m_bigSha);
        QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("big.bin")});
    }

    // Whatever a failed check left: the object, an unfinished multipart upload.
    void cleanupTestCase()
    {
        const QString bucket = worldValue("ROLEDROP_TEST_BUCKET");
        Test::SessionFixture fixture(QStringLiteral("windowkill-cleanup"), dataFolder());
        QVERIFY(fixture.openProfile(Test::SessionFixture::rgwJames(QStringLiteral("james-kill-cleanup")), Test::SessionFixture::rgwJamesSecret()));
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        const auto unfinished = Test::wait<QList<Sessions::UnfinishedUpload>>([&](QObject *context, auto done) {
            fixture->listUnfinishedUploads(bucket, m_prefix, context, done);
        });
        for (const Sessions::UnfinishedUpload &upload : unfinished ? unfinished.value() : QList<Sessions::UnfinishedUpload>()) {
            Test::wait<Done>([&](QObject *context, auto done) {
                fixture->abortUnfinishedUpload(bucket, upload.upload.key, upload.upload.uploadId, context, done);
            });
        }
        Test::wait<Done>([&](QObject *context, auto done) {
            fixture->s3()->deleteObject(bucket, m_prefix + QStringLiteral("big.bin"), context, done);
        });
    }
};

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (qEnvironmentVariableIsSet("ROLEDROP_WINDOW_CHILD"))
        return runWindowChild();
    WindowKillTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "window_kill_test.moc"
