// A command-line upload outlives its role session: the CLI holds one Session, whose role session renews
// itself before it expires, and the upload's later parts go out with the renewed keys. The STS + S3 test
// double issues 20-second sessions (its session-lifetime knob) and logs which key signed each part; the fault
// proxy (a test tool) in front of it holds every part back a few seconds, so the upload lasts past the first
// session's end without a multi-gigabyte file.
#include "core/common/crypto.h"
#include "fault_proxy_process.h"
#include "fault_proxy_rules.h"
#include "test_double_knobs.h"
#include "test_files.h"
#include "test_world.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

class CliSessionRenewalTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void cleanup() { Test::doubleKnob("POST", QStringLiteral("reset")); }

    void anUploadLongerThanItsRoleSessionRenewsAndFinishes()
    {
        QVERIFY(m_dir.isValid());
        Test::doubleKnob("POST", QStringLiteral("session-lifetime?seconds=20"));
        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        // 8 parts of 16 MiB (the CLI's part size), each held back 3 s: about 30 s, past the 20 s session, which
        // renews at 80% of its life (16 s). A part signed just before that still reaches the server in time.
        QVERIFY(proxy.setRules({Test::rule(QStringLiteral("slow parts"), Test::anyPart(), Test::hold(3))}));
        const QByteArray content = Test::randomBytes(128 * 1024 * 1024, 91);
        const QString file = m_dir.filePath(QStringLiteral("long.bin"));
        QVERIFY(Test::writeFile(file, content));
        const QString key = QStringLiteral("renewal/long-%1.bin").arg(QDateTime::currentMSecsSinceEpoch());
        const int since = Test::doubleLogSeq();

        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("AWS_CONFIG_FILE"), m_dir.filePath(QStringLiteral("no-config")));
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), m_dir.filePath(QStringLiteral("no-credentials")));
        // james's keys from the environment, as a script would give them (public fixtures of the double's world).
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET"));
        env.remove(QStringLiteral("AWS_SESSION_TOKEN"));
        env.remove(QStringLiteral("AWS_PROFILE"));
        cli.setProcessEnvironment(env);
        cli.start(QStringLiteral(ROLEDROP_CLI_PATH),
                  {QStringLiteral("upload"), file, QStringLiteral("s3://%1/%2").arg(worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET"), key),
                   QStringLiteral("--endpoint-url"), proxy.endpoint(), QStringLiteral("--path-style"),
                   QStringLiteral("--role"), worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"),
                   QStringLiteral("--parallel"), QStringLiteral("1"), QStringLiteral("--quiet")});
        QVERIFY(cli.waitForFinished(180000));
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0, qPrintable(err));

        // The bytes arrived whole...
        const QJsonObject stored = Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2")
                                                                 .arg(worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET"), key));
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), QString::fromLatin1(sha256(content).toHex()));
        // ...signed first by one role session, then by its renewal; none refused, none as james himself.
        QStringList keysInOrder;
        int assumed = 0;
        for (const QJsonValue &value : Test::doubleLog(since)) {
            const QJsonObject entry = value.toObject();
            const QString action = entry.value(QStringLiteral("action")).toString();
            if (action == QLatin1String("sts:AssumeRole") && entry.value(QStringLiteral("status")).toInt() == 200)
                ++assumed;
            if (entry.value(QStringLiteral("key")).toString() != key)
                continue;
            QVERIFY2(entry.value(QStringLiteral("status")).toInt() < 300,
                     qPrintable(action + QLatin1Char(' ') + entry.value(QStringLiteral("error_code")).toString()));
            const QString keyId = entry.value(QStringLiteral("access_key_id")).toString();
            QVERIFY2(keyId != worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY"), "a request went out as james's own keys");
            if (keysInOrder.isEmpty() || keysInOrder.last() != keyId)
                keysInOrder << keyId;
        }
        QVERIFY2(assumed >= 2, qPrintable(QStringLiteral("%1 AssumeRole").arg(assumed)));
        QVERIFY2(keysInOrder.size() >= 2, qPrintable(keysInOrder.join(QLatin1Char(' '))));
    }
};

QTEST_GUILESS_MAIN(CliSessionRenewalTest)
#include "cli_session_renewal_test.moc"
