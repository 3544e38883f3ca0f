// The command line (the roledrop binary) when things go wrong around it: killed with -9 in the middle of a
// 1 GiB upload or download and run again, interrupted with Ctrl-C, its role session going stale on the server
// while it uploads (and its renewal failing, for a while or for good), the file changing under it, the disk
// filling up, files that exist already and keys that collide. What reached the server is read from the fault
// proxy's log (tests/servers/fault_proxy.py, a TEST TOOL, in front of Ceph RGW) and from the STS + S3 test
// double's log; the bytes are checked by SHA-256 through a presigned GET that bypasses the proxy.
//
// Every test runs the CLI with its own HOME, XDG_CONFIG_HOME and XDG_DATA_HOME (where the journal of unfinished
// uploads lives: XDG_DATA_HOME/RoleDrop/RoleDrop/unfinished-uploads), with james's keys in the environment and
// --role, as a script would.
#include "fault_proxy_log.h"
#include "http_fetch.h"
#include "fault_proxy_process.h"
#include "fault_proxy_rules.h"
#include "test_double_knobs.h"
#include "test_files.h"
#include "test_session.h"
#include "test_world.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QScopeGuard>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <memory>
#include <sys/types.h>
#include <unistd.h>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

namespace {

using Test::fileSha256;
using Test::bytesSha256;
using Test::readFile;
using Test::rule;
using Test::anyPart;
using Test::rangedGet;
using Test::hold;

constexpr qint64 MiB = 1024 * 1024;
constexpr qint64 GiB = 1024 * MiB;
constexpr qint64 cliPartBytes = 16 * MiB;    // the CLI's part size (UploadOptions' default)
constexpr qint64 cliRangeBytes = 8 * MiB;    // the CLI's download range (DownloadOptions' default)


// Polls (without spinning: the proxy is a Python process busy relaying gigabytes) until `condition` holds.
bool waitUntil(const std::function<bool()> &condition, int timeoutMs, int intervalMs = 150)
{
    QElapsedTimer clock;
    clock.start();
    while (!condition()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QTest::qWait(intervalMs);
    }
    return true;
}

struct CliResult
{
    int code = -1;
    bool crashed = false;
    bool timedOut = false;
    QString out;
    QString err;

    QString describe() const
    {
        return QStringLiteral("exit %1%2%3\nstdout: %4\nstderr: %5")
            .arg(code)
            .arg(crashed ? QStringLiteral(" (crashed)") : QString())
            .arg(timedOut ? QStringLiteral(" (timed out)") : QString())
            .arg(out.left(2000), err.left(4000));
    }
};

CliResult collect(QProcess &process, bool timedOut)
{
    CliResult result;
    result.timedOut = timedOut;
    result.crashed = process.exitStatus() == QProcess::CrashExit;
    result.code = process.exitCode();
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

// One test's own home for the CLI: settings, the journal, ~/.aws (absent), and the keys it runs with.
class CliHome
{
public:
    CliHome() { QDir().mkpath(dataHome()); }

    bool isValid() const { return m_dir.isValid(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString dataHome() const { return m_dir.filePath(QStringLiteral("data")); }
    QString journalFolder() const { return dataHome() + QStringLiteral("/RoleDrop/RoleDrop/unfinished-uploads"); }
    QStringList journalFiles() const
    {
        QStringList files;
        for (const QString &name : QDir(journalFolder()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot))
            files << journalFolder() + QLatin1Char('/') + name;
        return files;
    }
    // Finished parts the journal holds (a header line per upload, one line per finished part).
    int journalParts() const
    {
        int parts = 0;
        for (const QString &file : journalFiles()) {
            const QList<QByteArray> lines = readFile(file).split('\n');
            int filled = 0;
            for (const QByteArray &line : lines)
                filled += line.trimmed().isEmpty() ? 0 : 1;
            parts += std::max(0, filled - 1);
        }
        return parts;
    }

    // james's keys of the RGW world (or of the double's) from the environment, nothing else of the developer's but
    // AWS_CA_BUNDLE: the run's test CA (tests/run-tests.sh), as a user trusts a private CA.
    QProcessEnvironment environment(bool doubleWorld = false, const QMap<QString, QString> &extra = {}) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &name : env.keys()) {
            if ((name.startsWith(QLatin1String("AWS_")) && name != QLatin1String("AWS_CA_BUNDLE"))
                || name.startsWith(QLatin1String("ROLEDROP_STALL")))
                env.remove(name);
        }
        env.insert(QStringLiteral("HOME"), m_dir.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dataHome());
        env.insert(QStringLiteral("AWS_CONFIG_FILE"), m_dir.filePath(QStringLiteral("no-config")));
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), m_dir.filePath(QStringLiteral("no-credentials")));
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), worldValue(doubleWorld ? "ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY" : "ROLEDROP_TEST_JAMES_KEY"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"),
                   worldValue(doubleWorld ? "ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET" : "ROLEDROP_TEST_JAMES_SECRET"));
        for (auto it = extra.cbegin(); it != extra.cend(); ++it)
            env.insert(it.key(), it.value());
        return env;
    }

private:
    QTemporaryDir m_dir;
};

// The options that make the CLI james switched to S3Access at `endpoint` (RGW, the proxy or the double).
QStringList roleAt(const QString &endpoint, bool doubleWorld = false)
{
    return {QStringLiteral("--endpoint-url"), endpoint, QStringLiteral("--path-style"), QStringLiteral("--role"),
            worldValue(doubleWorld ? "ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS" : "ROLEDROP_TEST_ROLE_S3ACCESS")};
}

CliResult runCli(const QProcessEnvironment &env, const QStringList &arguments, int timeoutMs = 240000)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(ROLEDROP_CLI_PATH), arguments);
    const bool finished = process.waitForStarted(10000) && process.waitForFinished(timeoutMs);
    if (!finished) {
        process.kill();
        process.waitForFinished(10000);
    }
    return collect(process, !finished);
}

std::unique_ptr<QProcess> startCli(const QProcessEnvironment &env, const QStringList &arguments)
{
    auto process = std::make_unique<QProcess>();
    process->setProcessEnvironment(env);
    process->start(QStringLiteral(ROLEDROP_CLI_PATH), arguments);
    process->waitForStarted(10000);
    return process;
}

// What the proxy log says about UploadParts: the numbers acknowledged, their body bytes.
struct PartsSeen
{
    QSet<int> acknowledged;
    qint64 acknowledgedBytes = 0;
    QList<int> sent;              // every UploadPart request's number, in order
    qint64 bytesReceived = 0;     // body bytes of every UploadPart RoleDrop sent
    int creates = 0;
    int listParts = 0;
    int unheldInProgress = 0;     // parts on their way to the server that no rule holds
};
PartsSeen partsSeen(const QJsonArray &log)
{
    PartsSeen seen;
    for (const QJsonValue &value : log) {
        const QJsonObject entry = value.toObject();
        const QString operation = Test::proxyOperation(entry);
        if (operation == QLatin1String("CreateMultipartUpload"))
            ++seen.creates;
        if (operation == QLatin1String("ListParts"))
            ++seen.listParts;
        if (operation != QLatin1String("UploadPart"))
            continue;
        seen.sent << Test::proxyPartNumber(entry);
        seen.bytesReceived += entry.value(QStringLiteral("request_body_bytes_received")).toInteger();
        if (Test::proxyAcknowledged(entry)) {
            seen.acknowledged.insert(Test::proxyPartNumber(entry));
            seen.acknowledgedBytes += entry.value(QStringLiteral("request_body_bytes_forwarded")).toInteger();
        }
        if (Test::proxyInProgress(entry) && !Test::proxyRuleApplied(entry))
            ++seen.unheldInProgress;
    }
    return seen;
}

// What the proxy log says about ranged GETs.
struct RangesSeen
{
    int requests = 0;
    int completed = 0;
    qint64 completedBytes = 0;
    qint64 bytesSent = 0;
    int unheldInProgress = 0;
};
RangesSeen rangesSeen(const QJsonArray &log)
{
    RangesSeen seen;
    for (const QJsonValue &value : log) {
        const QJsonObject entry = value.toObject();
        if (Test::proxyOperation(entry) != QLatin1String("GetObject"))
            continue;
        ++seen.requests;
        const qint64 sent = entry.value(QStringLiteral("response_body_bytes_sent")).toInteger();
        seen.bytesSent += sent;
        if (Test::proxyAcknowledged(entry)) {
            ++seen.completed;
            seen.completedBytes += sent;
        }
        if (Test::proxyInProgress(entry) && !Test::proxyRuleApplied(entry))
            ++seen.unheldInProgress;
    }
    return seen;
}

} // namespace

class CliResilienceTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_bucket;
    QString m_prefix;         // every RGW key of this run is under it
    QString m_bigFile;        // 1 GiB
    QString m_bigSha;
    QString m_bigKey;         // the 1 GiB object, once uploaded
    QString m_mediumFile;     // 128 MiB: 8 parts
    QString m_mediumSha;
    QString m_doublePrefix;   // the keys of this run in the double's bucket

    QString uri(const QString &key) const { return QStringLiteral("s3://%1/%2").arg(m_bucket, key); }

    // The SHA-256 of an object, read through a presigned GET straight from RGW (the proxy left out).
    QString remoteSha256(const CliHome &home, const QString &key)
    {
        const CliResult presigned = runCli(home.environment(), QStringList{QStringLiteral("presign"), uri(key), QStringLiteral("--expires"),
                                                                           QStringLiteral("900")} + roleAt(worldValue("ROLEDROP_TEST_S3_ENDPOINT")));
        if (presigned.code != 0)
            return QStringLiteral("(presign failed: %1)").arg(presigned.describe());
        return Test::sha256OfGet(QUrl(presigned.out.trimmed()));
    }

    // What `roledrop uploads` prints of unfinished multipart uploads under `prefix` ("" when none).
    QString unfinishedUploads(const CliHome &home, const QString &prefix)
    {
        const CliResult listed = runCli(home.environment(), QStringList{QStringLiteral("uploads"), uri(prefix)}
                                                                + roleAt(worldValue("ROLEDROP_TEST_S3_ENDPOINT")));
        if (listed.code != 0)
            return QStringLiteral("(uploads failed: %1)").arg(listed.describe());
        return listed.out.trimmed();
    }

    // What `roledrop ls --recursive` prints under `prefix` ("" when nothing).
    QString objectsUnder(const CliHome &home, const QString &prefix)
    {
        const CliResult listed = runCli(home.environment(), QStringList{QStringLiteral("ls"), uri(prefix), QStringLiteral("--recursive")}
                                                                + roleAt(worldValue("ROLEDROP_TEST_S3_ENDPOINT")));
        if (listed.code != 0)
            return QStringLiteral("(ls failed: %1)").arg(listed.describe());
        return listed.out.trimmed();
    }

    // Uploads straight to RGW (no proxy), for objects a test needs to exist.
    bool uploadDirect(const CliHome &home, const QString &file, const QString &key)
    {
        const CliResult uploaded = runCli(home.environment(), QStringList{QStringLiteral("upload"), file, uri(key), QStringLiteral("--quiet")}
                                                                  + roleAt(worldValue("ROLEDROP_TEST_S3_ENDPOINT")));
        if (uploaded.code != 0)
            qWarning("uploading %s: %s", qPrintable(key), qPrintable(uploaded.describe()));
        return uploaded.code == 0;
    }

    static QStringList partFilesIn(const QString &folder)
    {
        QStringList found;
        QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (path.contains(QLatin1String(".roledrop.part")))
                found << path;
        }
        return found;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bucket = worldValue("ROLEDROP_TEST_BUCKET");
        m_prefix = QStringLiteral("cli-resilience/%1/").arg(QDateTime::currentMSecsSinceEpoch());
        m_doublePrefix = QStringLiteral("resilience/%1/").arg(QDateTime::currentMSecsSinceEpoch());
        QElapsedTimer clock;
        clock.start();
        m_bigFile = Test::writeRandomFile(m_dir.filePath(QStringLiteral("big.bin")), GiB);
        m_bigSha = fileSha256(m_bigFile);
        m_mediumFile = Test::writeRandomFile(m_dir.filePath(QStringLiteral("medium.bin")), 128 * MiB);
        m_mediumSha = fileSha256(m_mediumFile);
        qInfo("test files written and hashed in %lld ms", clock.elapsed());
        Test::doubleKnob("POST", QStringLiteral("reset"));
    }

    void cleanup() { Test::doubleKnob("POST", QStringLiteral("reset")); }

    void cleanupTestCase()
    {
        // The objects of this run go (the 1 GiB file goes with the temporary folder): through a Session, since
        // the CLI has no delete command.
        const auto removeUnder = [](const Auth::Profile &profile, const QString &secret, const char *role, const QString &bucket,
                                    const QString &prefix) {
            Test::SessionFixture session(QStringLiteral("cli-resilience-cleanup"));
            if (!session.openProfile(profile, secret) || !session.switchRole(worldValue(role)))
                return;
            Test::wait<S3::DeleteObjectsResult>([&](QObject *context, auto done) {
                session->deleteEntries(bucket, {}, {prefix}, context, done);
            }, 120000);
        };
        removeUnder(Test::SessionFixture::rgwJames(QStringLiteral("cleanup-rgw")), Test::SessionFixture::rgwJamesSecret(),
                    "ROLEDROP_TEST_ROLE_S3ACCESS", m_bucket, m_prefix);
        removeUnder(Test::SessionFixture::stsDoubleJames(QStringLiteral("cleanup-double")), Test::SessionFixture::stsDoubleJamesSecret(),
                    "ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS", worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET"), m_doublePrefix);
    }

    // kill -9 in the middle of a 1 GiB upload; the same command again sends only the parts that are missing.
    void killedUploadResumesWithTheMissingParts()
    {
        CliHome home;
        QVERIFY(home.isValid());
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        const QString key = m_prefix + QStringLiteral("killed-upload/big.bin");
        const QStringList command = QStringList{QStringLiteral("upload"), m_bigFile, uri(key)} + roleAt(proxy.endpoint());
        const qint64 parts = GiB / cliPartBytes;

        auto cli = startCli(home.environment(), command);
        // Until about 40% of the bytes are on the server...
        PartsSeen seen;
        QVERIFY2(waitUntil([&] {
                     seen = partsSeen(proxy.log());
                     return seen.acknowledgedBytes >= GiB * 2 / 5 || cli->state() == QProcess::NotRunning;
                 }, 180000),
                 "the upload did not get to 40% in 3 minutes");
        QVERIFY2(cli->state() == QProcess::Running, qPrintable(collect(*cli, false).describe()));
        // ...then hold every part not yet forwarded, let those on their way arrive and the CLI note them in its
        // journal, and kill it: what the server acknowledged is exactly what the journal holds.
        QVERIFY(proxy.setRules({rule(QStringLiteral("hold parts"), anyPart(), hold(60))}));
        QVERIFY2(waitUntil([&] {
                     seen = partsSeen(proxy.log());
                     return seen.unheldInProgress == 0;
                 }, 60000),
                 "parts forwarded before the hold did not finish");
        QVERIFY2(waitUntil([&] { return home.journalParts() >= seen.acknowledged.size(); }, 30000),
                 qPrintable(QStringLiteral("the journal holds %1 parts, the server acknowledged %2").arg(home.journalParts()).arg(seen.acknowledged.size())));
        const PartsSeen first = seen;
        QVERIFY(cli->state() == QProcess::Running);
        cli->kill();
        QVERIFY(cli->waitForFinished(10000));
        QCOMPARE(cli->exitStatus(), QProcess::CrashExit);
        QCOMPARE(home.journalFiles().size(), 1);
        qInfo("run 1 killed with parts %s acknowledged (%lld bytes)", qPrintable(Test::numbersText(first.acknowledged)), first.acknowledgedBytes);

        // The same command again, nothing held.
        QVERIFY(proxy.setRules({}));
        proxy.clearLog();
        const CliResult second = runCli(home.environment(), command);
        QVERIFY2(second.code == 0 && !second.crashed, qPrintable(second.describe()));
        QVERIFY2(second.err.contains(QLatin1String("going on with the interrupted upload")), qPrintable(second.describe()));
        const PartsSeen resumed = partsSeen(proxy.log());
        qInfo("run 2 sent %lld UploadPart requests (%lld body bytes) for parts %s", qint64(resumed.sent.size()), resumed.bytesReceived,
              qPrintable(Test::numbersText(QSet<int>(resumed.sent.cbegin(), resumed.sent.cend()))));
        QCOMPARE(resumed.creates, 0);
        const QSet<int> sentAgain = QSet<int>(resumed.sent.cbegin(), resumed.sent.cend()) & first.acknowledged;
        QVERIFY2(sentAgain.isEmpty(), qPrintable(QStringLiteral("parts completed in run 1 sent again: ") + Test::numbersText(sentAgain)));
        QVERIFY2(resumed.bytesReceived <= GiB - first.acknowledgedBytes,
                 qPrintable(QStringLiteral("run 2 sent %1 bytes; %2 were missing").arg(resumed.bytesReceived).arg(GiB - first.acknowledgedBytes)));
        QCOMPARE(qint64(resumed.acknowledged.size() + first.acknowledged.size()), parts);

        QCOMPARE(remoteSha256(home, key), m_bigSha);
        QCOMPARE(unfinishedUploads(home, m_prefix + QStringLiteral("killed-upload/")), QString());
        QVERIFY2(home.journalFiles().isEmpty(), qPrintable(home.journalFiles().join(QLatin1Char(' '))));
        m_bigKey = key;
    }

    // kill -9 in the middle of a 1 GiB download; the same command again fetches only the missing ranges.
    void killedDownloadResumesWithTheMissingRanges()
    {
        CliHome home;
        QVERIFY(home.isValid());
        if (m_bigKey.isEmpty()) {
            m_bigKey = m_prefix + QStringLiteral("download-source/big.bin");
            QVERIFY(uploadDirect(home, m_bigFile, m_bigKey));
        }
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        const QString folder = home.path(QStringLiteral("downloads"));
        const QString target = folder + QStringLiteral("/big.bin");
        const QStringList command = QStringList{QStringLiteral("download"), uri(m_bigKey), folder} + roleAt(proxy.endpoint());
        const qint64 ranges = GiB / cliRangeBytes;

        auto cli = startCli(home.environment(), command);
        RangesSeen seen;
        QVERIFY2(waitUntil([&] {
                     seen = rangesSeen(proxy.log());
                     return seen.completedBytes >= GiB * 2 / 5 || cli->state() == QProcess::NotRunning;
                 }, 180000),
                 "the download did not get to 40% in 3 minutes");
        QVERIFY2(cli->state() == QProcess::Running, qPrintable(collect(*cli, false).describe()));
        QVERIFY(proxy.setRules({rule(QStringLiteral("hold ranges"), rangedGet(), hold(60))}));
        QVERIFY2(waitUntil([&] {
                     seen = rangesSeen(proxy.log());
                     return seen.unheldInProgress == 0;
                 }, 60000),
                 "ranges under way before the hold did not finish");
        // The map beside the part file: a header line, then one line per finished range.
        const QString map = target + QStringLiteral(".roledrop.part.map");
        const auto mapRanges = [&] {
            const QList<QByteArray> lines = readFile(map).split('\n');
            return std::max<int>(0, int(std::count_if(lines.cbegin(), lines.cend(), [](const QByteArray &l) { return !l.trimmed().isEmpty(); })) - 1);
        };
        QVERIFY2(waitUntil([&] { return mapRanges() >= seen.completed; }, 30000),
                 qPrintable(QStringLiteral("the map notes %1 ranges, %2 were received").arg(mapRanges()).arg(seen.completed)));
        const RangesSeen first = seen;
        QVERIFY(cli->state() == QProcess::Running);
        cli->kill();
        QVERIFY(cli->waitForFinished(10000));
        QVERIFY(QFileInfo::exists(target + QStringLiteral(".roledrop.part")));
        QVERIFY(!QFileInfo::exists(target));
        qInfo("run 1 killed with %d ranges (%lld bytes) received", first.completed, first.completedBytes);

        QVERIFY(proxy.setRules({}));
        proxy.clearLog();
        const CliResult second = runCli(home.environment(), command);
        QVERIFY2(second.code == 0 && !second.crashed, qPrintable(second.describe()));
        const RangesSeen resumed = rangesSeen(proxy.log());
        qInfo("run 2: %d GETs, %lld bytes", resumed.requests, resumed.bytesSent);
        QVERIFY2(resumed.bytesSent <= GiB - first.completedBytes,
                 qPrintable(QStringLiteral("run 2 fetched %1 bytes; %2 were missing").arg(resumed.bytesSent).arg(GiB - first.completedBytes)));
        QVERIFY2(resumed.requests <= ranges - first.completed,
                 qPrintable(QStringLiteral("run 2 made %1 GETs; %2 ranges were missing").arg(resumed.requests).arg(ranges - first.completed)));
        QCOMPARE(fileSha256(target), m_bigSha);
        QVERIFY2(partFilesIn(folder).isEmpty(), qPrintable(partFilesIn(folder).join(QLatin1Char(' '))));
        QFile::remove(target);
    }

    // Ctrl-C: the CLI cancels, aborts the multipart upload on the server, forgets its journal and exits 130.
    void interruptAbortsTheUpload()
    {
        CliHome home;
        QVERIFY(home.isValid());
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        // Parts held half a second each: the upload is surely under way, not done, when the signal comes.
        QVERIFY(proxy.setRules({rule(QStringLiteral("slow parts"), anyPart(), hold(0.5))}));
        const QString prefix = m_prefix + QStringLiteral("interrupted/");
        auto cli = startCli(home.environment(), QStringList{QStringLiteral("upload"), m_bigFile, uri(prefix + QStringLiteral("big.bin"))}
                                                    + roleAt(proxy.endpoint()));
        QVERIFY2(waitUntil([&] { return partsSeen(proxy.log()).acknowledged.size() >= 2 || cli->state() == QProcess::NotRunning; }, 120000),
                 "no part went through");
        QVERIFY2(cli->state() == QProcess::Running, qPrintable(collect(*cli, false).describe()));
        QVERIFY(home.journalFiles().size() == 1);
        ::kill(pid_t(cli->processId()), SIGINT);
        QVERIFY(cli->waitForFinished(60000));
        const CliResult result = collect(*cli, false);
        QVERIFY2(!result.crashed && result.code == 130, qPrintable(result.describe()));
        int aborts = 0;
        for (const QJsonValue &value : proxy.log()) {
            const QJsonObject entry = value.toObject();
            if (Test::proxyOperation(entry) == QLatin1String("AbortMultipartUpload") && Test::proxyAcknowledged(entry))
                ++aborts;
        }
        QCOMPARE(aborts, 1);
        QCOMPARE(unfinishedUploads(home, prefix), QString());
        QCOMPARE(objectsUnder(home, prefix), QString());
        QVERIFY2(home.journalFiles().isEmpty(), qPrintable(home.journalFiles().join(QLatin1Char(' '))));
    }

    // The role session goes stale on the server in the middle of an upload, and its renewal fails twice before
    // it succeeds: the parts refused with ExpiredToken go out again with the renewed key, and the upload ends whole.
    void staleSessionRenewsAfterTwoFailures()
    {
        CliHome home;
        QVERIFY(home.isValid());
        const QString bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        const QString key = m_doublePrefix + QStringLiteral("stale.bin");
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        QVERIFY(proxy.setRules({rule(QStringLiteral("slow parts"), anyPart(), hold(1))}));
        const int since = Test::doubleLogSeq();
        // One attempt per request: the HTTP layer does not absorb the failed AssumeRoles, the session's own
        // renewal (with its backoff) has to.
        auto cli = startCli(home.environment(true, {{QStringLiteral("AWS_MAX_ATTEMPTS"), QStringLiteral("1")}}),
                            QStringList{QStringLiteral("upload"), m_mediumFile, QStringLiteral("s3://%1/%2").arg(bucket, key),
                                        QStringLiteral("--parallel"), QStringLiteral("1")}
                                + roleAt(proxy.endpoint(), true));
        const auto acceptedParts = [&] {
            int accepted = 0;
            for (const QJsonValue &value : Test::doubleLog(since)) {
                const QJsonObject entry = value.toObject();
                accepted += entry.value(QStringLiteral("action")).toString() == QLatin1String("s3:UploadPart")
                    && entry.value(QStringLiteral("key")).toString() == key && entry.value(QStringLiteral("status")).toInt() == 200;
            }
            return accepted;
        };
        QVERIFY2(waitUntil([&] { return acceptedParts() >= 2 || cli->state() == QProcess::NotRunning; }, 120000), "no parts went through");
        QVERIFY2(cli->state() == QProcess::Running, qPrintable(collect(*cli, false).describe()));
        Test::doubleKnob("POST", QStringLiteral("fail?action=sts:AssumeRole&times=2&status=500&code=InternalError"));
        Test::doubleKnob("POST", QStringLiteral("advance-clock?seconds=7200"));
        QVERIFY(cli->waitForFinished(180000));
        const CliResult result = collect(*cli, false);
        QVERIFY2(!result.crashed && result.code == 0, qPrintable(result.describe()));

        const QJsonObject stored = Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2").arg(bucket, key));
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), m_mediumSha);
        // The double's log: ExpiredToken for some parts, two failed AssumeRoles, one that worked, then the same
        // parts accepted with another key.
        QString expiredKey;
        QSet<int> expiredParts;
        QList<int> assumeStatuses;
        QSet<int> acceptedAfterwards;
        QString renewedKey;
        for (const QJsonValue &value : Test::doubleLog(since)) {
            const QJsonObject entry = value.toObject();
            const QString action = entry.value(QStringLiteral("action")).toString();
            const int status = entry.value(QStringLiteral("status")).toInt();
            if (action == QLatin1String("sts:AssumeRole") && !expiredParts.isEmpty())
                assumeStatuses << status;
            if (action != QLatin1String("s3:UploadPart") || entry.value(QStringLiteral("key")).toString() != key)
                continue;
            const int number = entry.value(QStringLiteral("part_number")).toVariant().toInt();
            if (entry.value(QStringLiteral("error_code")).toString() == QLatin1String("ExpiredToken")) {
                expiredParts.insert(number);
                expiredKey = entry.value(QStringLiteral("access_key_id")).toString();
            } else if (status == 200 && !expiredParts.isEmpty()) {
                acceptedAfterwards.insert(number);
                renewedKey = entry.value(QStringLiteral("access_key_id")).toString();
            }
        }
        QStringList statuses;
        for (const int status : std::as_const(assumeStatuses))
            statuses << QString::number(status);
        qInfo("parts refused with ExpiredToken: %s; AssumeRole statuses after: %s; parts accepted after: %s",
              qPrintable(Test::numbersText(expiredParts)), qPrintable(statuses.join(QLatin1Char(','))), qPrintable(Test::numbersText(acceptedAfterwards)));
        QVERIFY2(!expiredParts.isEmpty(), "no part was refused with ExpiredToken");
        QVERIFY2(assumeStatuses.size() >= 3 && assumeStatuses.at(0) == 500 && assumeStatuses.at(1) == 500 && assumeStatuses.at(2) == 200,
                 qPrintable(QStringLiteral("AssumeRole statuses after the first ExpiredToken: ") + statuses.join(QLatin1Char(','))));
        QVERIFY2(acceptedAfterwards.contains(expiredParts), "the refused parts were not accepted afterwards");
        QVERIFY(!renewedKey.isEmpty() && renewedKey != expiredKey);
        QVERIFY2(home.journalFiles().isEmpty(), qPrintable(home.journalFiles().join(QLatin1Char(' '))));
    }

    // The renewal fails for good: the upload is paused (exit 1, naming the identity), its parts kept; the same
    // command again, once STS answers, goes on with it.
    void staleSessionThatCannotRenewPausesAndResumes()
    {
        CliHome home;
        QVERIFY(home.isValid());
        const QString bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        const QString key = m_doublePrefix + QStringLiteral("paused.bin");
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        QVERIFY(proxy.setRules({rule(QStringLiteral("slow parts"), anyPart(), hold(1))}));
        const QProcessEnvironment env = home.environment(true, {{QStringLiteral("AWS_MAX_ATTEMPTS"), QStringLiteral("1")}});
        const QStringList command = QStringList{QStringLiteral("upload"), m_mediumFile, QStringLiteral("s3://%1/%2").arg(bucket, key),
                                                QStringLiteral("--parallel"), QStringLiteral("1")}
            + roleAt(proxy.endpoint(), true);
        int since = Test::doubleLogSeq();
        const auto partsAccepted = [&](int from) {
            QSet<int> accepted;
            int creates = 0;
            for (const QJsonValue &value : Test::doubleLog(from)) {
                const QJsonObject entry = value.toObject();
                if (entry.value(QStringLiteral("key")).toString() != key)
                    continue;
                const QString action = entry.value(QStringLiteral("action")).toString();
                creates += action == QLatin1String("s3:CreateMultipartUpload");
                if (action == QLatin1String("s3:UploadPart") && entry.value(QStringLiteral("status")).toInt() == 200)
                    accepted.insert(entry.value(QStringLiteral("part_number")).toVariant().toInt());
            }
            return std::pair{accepted, creates};
        };
        auto cli = startCli(env, command);
        QVERIFY2(waitUntil([&] { return partsAccepted(since).first.size() >= 2 || cli->state() == QProcess::NotRunning; }, 120000),
                 "no parts went through");
        QVERIFY2(cli->state() == QProcess::Running, qPrintable(collect(*cli, false).describe()));
        Test::doubleKnob("POST", QStringLiteral("fail?action=sts:AssumeRole&times=100&status=500&code=InternalError"));
        Test::doubleKnob("POST", QStringLiteral("advance-clock?seconds=7200"));
        QVERIFY(cli->waitForFinished(180000));
        const CliResult paused = collect(*cli, false);
        QVERIFY2(!paused.crashed && paused.code == 1, qPrintable(paused.describe()));
        QVERIFY2(paused.err.contains(QLatin1String("paused")), qPrintable(paused.describe()));
        QVERIFY2(paused.err.contains(QLatin1String("S3Access")), qPrintable(paused.describe()));
        // What went wrong is gathered, so one run shows all of it: the pause, what the exit did, the resume.
        QStringList problems;
        const auto expect = [&problems](bool ok, const QString &what) {
            if (!ok)
                problems << what;
        };
        expect(home.journalFiles().size() == 1,
               QStringLiteral("after the pause the journal holds %1 upload(s), not the paused one").arg(home.journalFiles().size()));
        int abortsOnExit = 0;
        for (const QJsonValue &value : Test::doubleLog(since)) {
            const QJsonObject entry = value.toObject();
            abortsOnExit += entry.value(QStringLiteral("key")).toString() == key
                && entry.value(QStringLiteral("action")).toString() == QLatin1String("s3:AbortMultipartUpload");
        }
        expect(abortsOnExit == 0, QStringLiteral("the paused CLI sent %1 AbortMultipartUpload for the paused upload before it exited").arg(abortsOnExit));
        const auto openUploads = [&] {
            int open = 0;
            for (const QJsonValue &value : Test::doubleKnob("GET", QStringLiteral("uploads?bucket=%1").arg(bucket)).value(QStringLiteral("uploads")).toArray())
                open += value.toObject().value(QStringLiteral("key")).toString() == key;
            return open;
        };
        expect(openUploads() == 1, QStringLiteral("%1 unfinished upload(s) of the key on the server after the pause, not 1").arg(openUploads()));
        const QSet<int> before = partsAccepted(since).first;
        qInfo("paused with parts %s on the server", qPrintable(Test::numbersText(before)));

        Test::doubleKnob("POST", QStringLiteral("reset"));
        proxy.setRules({});
        since = Test::doubleLogSeq();
        const CliResult resumed = runCli(env, command);
        QVERIFY2(resumed.code == 0 && !resumed.crashed, qPrintable(resumed.describe()));
        expect(resumed.err.contains(QLatin1String("going on with the interrupted upload")),
               QStringLiteral("run 2 did not say it goes on with the interrupted upload (stderr: %1)").arg(resumed.err.trimmed()));
        const auto [after, creates] = partsAccepted(since);
        qInfo("run 2 sent parts %s", qPrintable(Test::numbersText(after)));
        expect(creates == 0, QStringLiteral("run 2 started a new multipart upload (%1 CreateMultipartUpload)").arg(creates));
        expect((after & before).isEmpty(), QStringLiteral("run 2 sent parts %1 again, accepted before the pause").arg(Test::numbersText(after & before)));
        const QJsonObject stored = Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2").arg(bucket, key));
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), m_mediumSha);
        expect(openUploads() == 0, QStringLiteral("%1 unfinished upload(s) of the key left on the server").arg(openUploads()));
        expect(home.journalFiles().isEmpty(), QStringLiteral("journal left: ") + home.journalFiles().join(QLatin1Char(' ')));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
    }

    // A file that grows while its parts go out is never completed into a mix of two versions.
    void fileChangingDuringUploadFails()
    {
        CliHome home;
        QVERIFY(home.isValid());
        const QString file = Test::writeRandomFile(home.path(QStringLiteral("growing.bin")), 64 * MiB);
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        // Parts held a second each, so the file changes while they go out. The abort that follows the failure is
        // held 3 s: a CLI that waits for it (as after Ctrl-C) ends after its answer; one that does not leaves the
        // multipart upload on the server whenever the process ends before the request is written.
        constexpr double abortHold = 3;
        const QJsonObject abortRequest{{QStringLiteral("method"), QStringLiteral("DELETE")},
                                       {QStringLiteral("query"), QJsonObject{{QStringLiteral("uploadId"), true}}}};
        QVERIFY(proxy.setRules({rule(QStringLiteral("slow parts"), anyPart(), hold(1)), rule(QStringLiteral("slow abort"), abortRequest, hold(abortHold))}));
        const QString prefix = m_prefix + QStringLiteral("changing/");
        auto cli = startCli(home.environment(), QStringList{QStringLiteral("upload"), file, uri(prefix + QStringLiteral("growing.bin")),
                                                            QStringLiteral("--parallel"), QStringLiteral("1")}
                                                    + roleAt(proxy.endpoint()));
        QVERIFY2(waitUntil([&] { return !partsSeen(proxy.log()).acknowledged.isEmpty() || cli->state() == QProcess::NotRunning; }, 120000),
                 "no part went through");
        QVERIFY2(cli->state() == QProcess::Running, qPrintable(collect(*cli, false).describe()));
        {
            QFile grow(file);
            QVERIFY(grow.open(QIODevice::Append));
            QVERIFY(grow.write(Test::randomBytes(MiB, 7)) == MiB);
        }
        QVERIFY(cli->waitForFinished(120000));
        const QDateTime exited = QDateTime::currentDateTimeUtc();
        const CliResult result = collect(*cli, false);
        QVERIFY2(!result.crashed && result.code == 1, qPrintable(result.describe()));
        QVERIFY2(result.err.contains(QLatin1String("changed while it was being uploaded")), qPrintable(result.describe()));
        // Whatever the CLI sent has reached the server once the held abort is through.
        const auto abortsIn = [](const QJsonArray &log) {
            QList<QJsonObject> aborts;
            for (const QJsonValue &value : log) {
                if (Test::proxyOperation(value.toObject()) == QLatin1String("AbortMultipartUpload"))
                    aborts << value.toObject();
            }
            return aborts;
        };
        QVERIFY(waitUntil([&] {
            const auto aborts = abortsIn(proxy.log());
            return std::none_of(aborts.cbegin(), aborts.cend(), [](const QJsonObject &entry) { return Test::proxyInProgress(entry); });
        }, 20000));
        const QJsonArray log = proxy.log();
        const QList<QJsonObject> aborts = abortsIn(log);
        int completions = 0;
        for (const QJsonValue &value : log)
            completions += Test::proxyOperation(value.toObject()) == QLatin1String("CompleteMultipartUpload");
        QCOMPARE(completions, 0);
        QCOMPARE(objectsUnder(home, prefix), QString());
        QVERIFY2(home.journalFiles().isEmpty(), qPrintable(home.journalFiles().join(QLatin1Char(' '))));
        const QString left = unfinishedUploads(home, prefix);
        QStringList problems;
        if (aborts.isEmpty()) {
            problems << QStringLiteral("the CLI exited without sending AbortMultipartUpload");
        } else {
            const QDateTime sent = QDateTime::fromString(aborts.first().value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
            const double waited = sent.msecsTo(exited) / 1000.0;
            qInfo("the CLI exited %.1f s after its AbortMultipartUpload reached the proxy (held %.0f s)", waited, abortHold);
            if (waited < abortHold - 0.3)
                problems << QStringLiteral("the CLI exited %1 s after sending AbortMultipartUpload, without waiting for its answer: the abort "
                                           "reaches the server only when the request happened to be written before the process ended")
                                .arg(waited, 0, 'f', 1);
        }
        if (!left.isEmpty())
            problems << QStringLiteral("unfinished upload left on the server: ") + left;
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
    }

    // A disk that fills up during a download: a clear error, nothing half-written left.
    void fullDiskDuringDownload()
    {
        if (::geteuid() != 0)
            QSKIP("mounting a 20 MiB tmpfs needs root");
        CliHome home;
        QVERIFY(home.isValid());
        const QString mountPoint = home.path(QStringLiteral("small-disk"));
        QVERIFY(QDir().mkpath(mountPoint));
        QProcess mount;
        mount.start(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"), QStringLiteral("size=20m"),
                                              QStringLiteral("tmpfs"), mountPoint});
        if (!mount.waitForFinished(20000) || mount.exitStatus() != QProcess::NormalExit || mount.exitCode() != 0)
            QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here: ") + QString::fromUtf8(mount.readAllStandardError()).trimmed()));
        const auto unmount = qScopeGuard([&] { QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), mountPoint}); });

        const QString source = Test::writeRandomFile(home.path(QStringLiteral("sixty.bin")), 60 * MiB);
        const QString key = m_prefix + QStringLiteral("full-disk/sixty.bin");
        QVERIFY(uploadDirect(home, source, key));
        const CliResult result = runCli(home.environment(), QStringList{QStringLiteral("download"), uri(key), mountPoint}
                                                                + roleAt(worldValue("ROLEDROP_TEST_S3_ENDPOINT")));
        QVERIFY2(!result.crashed && result.code == 1, qPrintable(result.describe()));
        QStringList problems;
        if (!result.err.contains(QLatin1String("No space left on device")))
            problems << QStringLiteral("the error does not say \"No space left on device\"");
        if (!result.err.contains(mountPoint + QStringLiteral("/sixty.bin")))
            problems << QStringLiteral("the error does not name the local file");
        const QStringList left = QDir(mountPoint).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
        if (!left.isEmpty())
            problems << QStringLiteral("left on the full disk: ") + left.join(QLatin1Char(' '));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; ")) + QStringLiteral("\n") + result.describe()));
    }

    // Files that exist are never replaced unasked; keys that land on one local path are reported, not raced.
    void existingFilesAndCollidingKeys()
    {
        CliHome home;
        QVERIFY(home.isValid());
        const QString rgw = worldValue("ROLEDROP_TEST_S3_ENDPOINT");
        const QByteArray remoteBytes = Test::randomBytes(300 * 1024, 11);
        const QByteArray localBytes("the user's own file, not to be replaced unasked\n");
        QVERIFY(Test::writeFile(home.path(QStringLiteral("src/file.txt")), remoteBytes));
        const QString key = m_prefix + QStringLiteral("existing/file.txt");
        QVERIFY(uploadDirect(home, home.path(QStringLiteral("src/file.txt")), key));

        const QString folder = home.path(QStringLiteral("existing"));
        QVERIFY(Test::writeFile(folder + QStringLiteral("/file.txt"), localBytes));
        const QStringList command = QStringList{QStringLiteral("download"), uri(key), folder} + roleAt(rgw);
        const CliResult refused = runCli(home.environment(), command);
        QVERIFY2(!refused.crashed && refused.code == 1, qPrintable(refused.describe()));
        QVERIFY2(refused.err.contains(QLatin1String("exist")), qPrintable(refused.describe()));
        QCOMPARE(readFile(folder + QStringLiteral("/file.txt")), localBytes);
        QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{QStringLiteral("file.txt")});

        const CliResult skipped = runCli(home.environment(), command + QStringList{QStringLiteral("--skip-existing")});
        QVERIFY2(!skipped.crashed && skipped.code == 0, qPrintable(skipped.describe()));
        QCOMPARE(readFile(folder + QStringLiteral("/file.txt")), localBytes);

        const CliResult replaced = runCli(home.environment(), command + QStringList{QStringLiteral("--overwrite")});
        QVERIFY2(!replaced.crashed && replaced.code == 0, qPrintable(replaced.describe()));
        QCOMPARE(bytesSha256(readFile(folder + QStringLiteral("/file.txt"))), bytesSha256(remoteBytes));
        QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{QStringLiteral("file.txt")});

        // "col/a//b" and "col/a/b" are one local path, a/b: the first listed ("a//b" sorts first) arrives.
        const QByteArray first = Test::randomBytes(1000, 12);
        const QByteArray second = Test::randomBytes(1000, 13);
        QVERIFY(Test::writeFile(home.path(QStringLiteral("src/first")), first));
        QVERIFY(Test::writeFile(home.path(QStringLiteral("src/second")), second));
        const QString collisions = m_prefix + QStringLiteral("col/");
        QVERIFY(uploadDirect(home, home.path(QStringLiteral("src/first")), collisions + QStringLiteral("a//b")));
        QVERIFY(uploadDirect(home, home.path(QStringLiteral("src/second")), collisions + QStringLiteral("a/b")));
        const QString listed = objectsUnder(home, collisions);
        QVERIFY2(listed.contains(QLatin1String("col/a//b")) && listed.contains(QLatin1String("col/a/b")), qPrintable(listed));
        const QString into = home.path(QStringLiteral("collisions"));
        const CliResult collided = runCli(home.environment(), QStringList{QStringLiteral("download"), uri(collisions), into} + roleAt(rgw));
        QVERIFY2(!collided.crashed && collided.code == 1, qPrintable(collided.describe()));
        QVERIFY2(collided.err.contains(QLatin1String("not downloaded")) && collided.err.contains(collisions + QStringLiteral("a/b"))
                     && collided.err.contains(QLatin1String("same local file")),
                 qPrintable(collided.describe()));
        QCOMPARE(bytesSha256(readFile(into + QStringLiteral("/a/b"))), bytesSha256(first));
        QVERIFY2(partFilesIn(into).isEmpty(), qPrintable(partFilesIn(into).join(QLatin1Char(' '))));
    }
};

QTEST_GUILESS_MAIN(CliResilienceTest)
#include "cli_resilience_test.moc"
