// The command line with an IAM Identity Center profile of ~/.aws/config (an [sso-session] and a profile naming an
// account and role), against the IAM Identity Center TEST DOUBLE (its OIDC and portal APIs, through the SDKs'
// AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL_SSO) and the STS + S3 test double (whose AssumeRole mints the
// role's keys, and whose S3 side takes the upload). The browser is a test double too (sso_test_browser.py, in
// BROWSER as a user's would be): it fills in the sign-in form and logs every page it is asked to open, so a test
// can count sign-ins.
#include "core/common/crypto.h"
#include "cli_run.h"
#include "fault_proxy_process.h"
#include "fault_proxy_rules.h"
#include "sso_double_process.h"
#include "test_double_knobs.h"
#include "test_files.h"
#include "test_world.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

namespace {

int signIns()
{
    return Test::ssoDoubleKnob("GET", QStringLiteral("sign-ins")).value(QStringLiteral("total")).toInt();
}

} // namespace

class IdentityCenterCliTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_browserLog;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = Test::keylessCliEnvironment(m_dir.filePath(QStringLiteral("home")),
                                                              QStringLiteral(ROLEDROP_TESTS_DIR "/servers/sso_test_browser.py"));
        env.insert(QStringLiteral("AWS_ENDPOINT_URL_SSO_OIDC"), worldValue("ROLEDROP_TEST_SSO_OIDC_ENDPOINT"));
        env.insert(QStringLiteral("AWS_ENDPOINT_URL_SSO"), worldValue("ROLEDROP_TEST_SSO_PORTAL_ENDPOINT"));
        env.insert(QStringLiteral("SSO_TEST_BROWSER_USER"), worldValue("ROLEDROP_TEST_SSO_JAMES_USER"));
        env.insert(QStringLiteral("SSO_TEST_BROWSER_PASSWORD"), worldValue("ROLEDROP_TEST_SSO_JAMES_PASSWORD"));
        env.insert(QStringLiteral("SSO_TEST_BROWSER_LOG"), m_browserLog);
        return env;
    }

    Test::CliRun roledrop(const QStringList &arguments, const QMap<QString, QString> &changes = {}) const
    {
        return Test::runCli(Test::withChanges(environment(), changes), arguments);
    }

    QStringList browserPages() const { return Test::browserPagesIn(m_browserLog); }

private slots:
    void initTestCase()
    {
        if (worldValue("ROLEDROP_TEST_SSO_OIDC_ENDPOINT").isEmpty())
            QSKIP("the IAM Identity Center test double is not running: run tests/run-tests.sh");
        QVERIFY(m_dir.isValid());
        Test::trustTestCaInPlainClients();
        m_browserLog = m_dir.filePath(QStringLiteral("browser.log"));
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("home/.aws"))));
        // As `aws configure sso` writes it: an sso-session with scopes (so a refresh token comes back), and a
        // profile naming an account and role. The S3 side of the STS double takes the profile's requests.
        QFile config(m_dir.filePath(QStringLiteral("home/.aws/config")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral("[sso-session work]\n"
                                    "sso_start_url = %1\n"
                                    "sso_region = %2\n"
                                    "sso_registration_scopes = sso:account:access\n"
                                    "\n"
                                    "[profile work-s3]\n"
                                    "sso_session = work\n"
                                    "sso_account_id = %3\n"
                                    "sso_role_name = %4\n"
                                    "region = us-east-1\n"
                                    "endpoint_url = %5\n")
                         .arg(worldValue("ROLEDROP_TEST_SSO_START_URL"), worldValue("ROLEDROP_TEST_SSO_REGION"),
                              worldValue("ROLEDROP_TEST_SSO_ACCOUNT_MAIN_ID"), worldValue("ROLEDROP_TEST_SSO_ROLE_S3ACCESS"),
                              worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"))
                         .toUtf8());
    }

    void cleanup()
    {
        Test::ssoDoubleKnob("POST", QStringLiteral("reset"));
        Test::doubleKnob("POST", QStringLiteral("reset"));
    }

    void signsInInTheBrowserThenListsAccountsAndUploads()
    {
        roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
        const int before = signIns();
        const int pagesBefore = browserPages().size();
        const Test::CliRun login = roledrop({QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
        QVERIFY2(login.exitCode == 0, qPrintable(Test::describe(login)));
        QVERIFY2(login.err.contains(QStringLiteral("signed in")), qPrintable(login.err));
        QCOMPARE(signIns(), before + 1);
        QCOMPARE(browserPages().size(), pagesBefore + 1);
        QVERIFY2(browserPages().last().endsWith(QStringLiteral("/authorize")), qPrintable(browserPages().join('\n')));

        // Accounts and roles, found page by page (the double answers two per page), one line per role.
        const Test::CliRun accounts = roledrop({QStringLiteral("accounts"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
        QVERIFY2(accounts.exitCode == 0, qPrintable(Test::describe(accounts)));
        const QStringList lines = accounts.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5);   // james: S3Access, LongSession, AdministratorAccess; S3Access; ReadOnly
        QVERIFY2(accounts.out.contains(worldValue("ROLEDROP_TEST_SSO_ACCOUNT_MAIN_ID") + QStringLiteral("\tS3Access\t")
                                       + worldValue("ROLEDROP_TEST_SSO_ACCOUNT_MAIN_NAME")), qPrintable(accounts.out));
        QVERIFY2(accounts.out.contains(worldValue("ROLEDROP_TEST_SSO_ACCOUNT_ARCHIVE_ID") + QStringLiteral("\tReadOnly")),
                 qPrintable(accounts.out));
        QCOMPARE(signIns(), before + 1);   // the stored token served: no second sign-in

        // Every command works with the profile: the role's keys come from GetRoleCredentials.
        const Test::CliRun who = roledrop({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
        QVERIFY2(who.exitCode == 0, qPrintable(Test::describe(who)));
        QVERIFY2(who.out.contains(QStringLiteral(":assumed-role/S3Access/")), qPrintable(who.out));
        const QByteArray content = Test::randomBytes(300 * 1024, 12);
        const QString file = m_dir.filePath(QStringLiteral("report.bin"));
        QVERIFY(Test::writeFile(file, content));
        const QString key = QStringLiteral("sso/report-%1.bin").arg(QDateTime::currentMSecsSinceEpoch());
        const Test::CliRun upload = roledrop({QStringLiteral("upload"), file,
                                              QStringLiteral("s3://%1/%2").arg(worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET"), key),
                                              QStringLiteral("--profile"), QStringLiteral("work-s3"), QStringLiteral("--quiet")});
        QVERIFY2(upload.exitCode == 0, qPrintable(Test::describe(upload)));
        const QJsonObject stored = Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2")
                                                               .arg(worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET"), key));
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), QString::fromLatin1(sha256(content).toHex()));

        // Another account and role than the profile's, for one run.
        const Test::CliRun other = roledrop({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("work-s3"),
                                             QStringLiteral("--account"), worldValue("ROLEDROP_TEST_SSO_ACCOUNT_ARCHIVE_ID"),
                                             QStringLiteral("--role-name"), QStringLiteral("ReadOnly")});
        QVERIFY2(other.exitCode == 0, qPrintable(Test::describe(other)));
        QVERIFY2(other.out.contains(QStringLiteral(":assumed-role/LongRole/")), qPrintable(other.out));
        // A role not assigned to james is refused, naming it.
        const Test::CliRun refused = roledrop({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("work-s3"),
                                               QStringLiteral("--account"), worldValue("ROLEDROP_TEST_SSO_ACCOUNT_ARCHIVE_ID"),
                                               QStringLiteral("--role-name"), QStringLiteral("S3Access")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("S3Access")), qPrintable(refused.err));
        // AssumeRole chains from the Identity Center role to a role that trusts it (capped at an hour, as AWS does).
        const Test::CliRun chained = roledrop({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("work-s3"),
                                               QStringLiteral("--role"), worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN")});
        QVERIFY2(chained.exitCode == 0, qPrintable(Test::describe(chained)));
        QVERIFY2(chained.out.contains(QStringLiteral(":assumed-role/ChainTarget/")), qPrintable(chained.out));
        QCOMPARE(signIns(), before + 1);
    }

    void uploadsToTheTestRgwAsAnIdentityCenterRole()
    {
        // A second Identity Center double whose roles are Ceph RGW's (it assumes them there as james), so that the
        // role's keys are RGW's own: the upload lands in RGW, which checks the signature and the role's policy.
        if (qEnvironmentVariable("ROLEDROP_TEST_S3_ENDPOINT").isEmpty())
            QSKIP("Ceph RGW is not running: run tests/run-tests.sh");
        Test::SsoDoubleProcess rgwSso(QStringLiteral(ROLEDROP_TESTS_DIR "/servers/sso_double_rgw_world.json"),
                                      worldValue("ROLEDROP_TEST_S3_ENDPOINT"), worldValue("ROLEDROP_TEST_JAMES_KEY"),
                                      worldValue("ROLEDROP_TEST_JAMES_SECRET"));
        QVERIFY(rgwSso.isRunning());
        const QMap<QString, QString> atRgw{{QStringLiteral("AWS_ENDPOINT_URL_SSO_OIDC"), rgwSso.endpoint()},
                                           {QStringLiteral("AWS_ENDPOINT_URL_SSO"), rgwSso.endpoint()}};
        const QString start = QStringLiteral("https://roledrop-sso-rgw.invalid/start");
        const Test::CliRun added = roledrop({QStringLiteral("profile-add"), QStringLiteral("rgw-sso"), QStringLiteral("--sso-start-url"), start,
                                            QStringLiteral("--sso-region"), QStringLiteral("us-east-1"), QStringLiteral("--endpoint-url"),
                                            worldValue("ROLEDROP_TEST_S3_ENDPOINT"), QStringLiteral("--path-style"),
                                            QStringLiteral("--account"), QStringLiteral("111111111111"),
                                            QStringLiteral("--role-name"), QStringLiteral("S3Access")}, atRgw);
        QVERIFY2(added.exitCode == 0, qPrintable(Test::describe(added)));
        const QByteArray content = Test::randomBytes(40 * 1024 * 1024, 7);   // multipart
        const QString file = m_dir.filePath(QStringLiteral("to-rgw.bin"));
        QVERIFY(Test::writeFile(file, content));
        const QString key = QStringLiteral("sso/to-rgw-%1.bin").arg(QDateTime::currentMSecsSinceEpoch());
        const Test::CliRun upload = roledrop({QStringLiteral("upload"), file, QStringLiteral("s3://%1/%2").arg(worldValue("ROLEDROP_TEST_BUCKET"), key),
                                              QStringLiteral("--profile"), QStringLiteral("rgw-sso"), QStringLiteral("--quiet")}, atRgw);
        QVERIFY2(upload.exitCode == 0, qPrintable(Test::describe(upload)));
        const QString back = m_dir.filePath(QStringLiteral("back"));
        QVERIFY(QDir().mkpath(back));
        const Test::CliRun download = roledrop({QStringLiteral("download"), QStringLiteral("s3://%1/%2").arg(worldValue("ROLEDROP_TEST_BUCKET"), key),
                                                back, QStringLiteral("--profile"), QStringLiteral("rgw-sso"), QStringLiteral("--quiet")}, atRgw);
        QVERIFY2(download.exitCode == 0, qPrintable(Test::describe(download)));
        QFile copy(back + QStringLiteral("/to-rgw-") + key.section(QLatin1Char('-'), -1));
        QVERIFY2(copy.open(QIODevice::ReadOnly), qPrintable(copy.fileName()));
        QCOMPARE(sha256(copy.readAll()), sha256(content));
        // ReadOnly (RGW's S3ReadOnly) may read but not write: RGW itself refuses, and the error says who was refused.
        const Test::CliRun refused = roledrop({QStringLiteral("upload"), file, QStringLiteral("s3://%1/%2.ro").arg(worldValue("ROLEDROP_TEST_BUCKET"), key),
                                               QStringLiteral("--profile"), QStringLiteral("rgw-sso"), QStringLiteral("--account"),
                                               QStringLiteral("111111111111"), QStringLiteral("--role-name"), QStringLiteral("ReadOnly"),
                                               QStringLiteral("--quiet")}, atRgw);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("AccessDenied")) || refused.err.contains(QStringLiteral("denied"), Qt::CaseInsensitive),
                 qPrintable(refused.err));
    }

    void theTokenIsInTheKeychainNotInAFile()
    {
        // Whatever was signed in, no file under the test's home holds a token: the keychain has it.
        const Test::CliRun login = roledrop({QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
        QVERIFY2(login.exitCode == 0, qPrintable(Test::describe(login)));
        QDirIterator files(m_dir.filePath(QStringLiteral("home")), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile file(files.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray text = file.readAll();
            QVERIFY2(!text.contains("accessToken") && !text.contains("refreshToken") && !text.contains("clientSecret"),
                     qPrintable(file.fileName()));
        }
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("home/.aws/sso/cache"))));   // ~/.aws is never written
    }

    void twoProcessesStartedTogetherSignInOnce()
    {
        roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
        const int before = signIns();
        const int pagesBefore = browserPages().size();
        // The user takes a few seconds in the browser: the second process must wait for the first one's sign-in.
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("SSO_TEST_BROWSER_DELAY"), QStringLiteral("2"));
        QList<QProcess *> runs;
        for (int i = 0; i < 2; ++i) {
            auto *run = new QProcess(this);
            run->setProcessEnvironment(env);
            run->start(QStringLiteral(ROLEDROP_CLI_PATH), {QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
            runs << run;
        }
        for (QProcess *run : std::as_const(runs)) {
            QVERIFY(run->waitForFinished(120000));
            QVERIFY2(run->exitCode() == 0, qPrintable(QString::fromUtf8(run->readAllStandardError())));
            QVERIFY(run->readAllStandardOutput().contains(":assumed-role/S3Access/"));
        }
        QCOMPARE(signIns(), before + 1);
        QCOMPARE(browserPages().size(), pagesBefore + 1);
    }

    void deviceCodeSignIn()
    {
        roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
        Test::ssoDoubleKnob("POST", QStringLiteral("device-settings?interval=1&expires_in=120"));
        const int before = signIns();
        const Test::CliRun login = roledrop({QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("work-s3"),
                                             QStringLiteral("--device-code")});
        QVERIFY2(login.exitCode == 0, qPrintable(Test::describe(login)));
        // The code is shown on stderr (stdout stays for scripts), and the page with it filled in was opened.
        QVERIFY2(login.err.contains(QStringLiteral("confirm the code")), qPrintable(login.err));
        QVERIFY(login.out.isEmpty());
        QVERIFY2(browserPages().last().endsWith(QStringLiteral("/device")), qPrintable(browserPages().join('\n')));
        QCOMPARE(signIns(), before + 1);
    }

    void aDeniedSignInSaysSo()
    {
        roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
        const Test::CliRun login = roledrop({QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("work-s3")},
                                            {{QStringLiteral("SSO_TEST_BROWSER_DECISION"), QStringLiteral("deny")}});
        QCOMPARE(login.exitCode, 1);
        QVERIFY2(login.err.contains(QStringLiteral("denied"), Qt::CaseInsensitive), qPrintable(login.err));
    }

    void aTokenExpiringMidUploadIsRefreshedWithoutAPrompt()
    {
        // Role sessions of 20 s (the STS double mints GetRoleCredentials' keys) and access tokens of 10 s: when the
        // role renews, the token has expired, so the refresh token must get a new one, silently.
        Test::doubleKnob("POST", QStringLiteral("session-lifetime?seconds=20"));
        Test::ssoDoubleKnob("POST", QStringLiteral("token-lifetime?seconds=10"));
        roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
        const Test::CliRun relogin = roledrop({QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("work-s3")});
        QVERIFY2(relogin.exitCode == 0, qPrintable(Test::describe(relogin)));
        const int before = signIns();
        const int pagesBefore = browserPages().size();
        const int ssoSince = Test::ssoDoubleKnob("GET", QStringLiteral("log?since=0")).value(QStringLiteral("last_seq")).toInt();

        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        // 6 parts of 16 MiB, each held back 5 s: about 30 s, past the 20 s session and the 10 s token.
        QVERIFY(proxy.setRules({Test::rule(QStringLiteral("slow parts"), Test::anyPart(), Test::hold(5))}));
        const QByteArray content = Test::randomBytes(96 * 1024 * 1024, 44);
        const QString file = m_dir.filePath(QStringLiteral("long.bin"));
        QVERIFY(Test::writeFile(file, content));
        const QString key = QStringLiteral("sso/long-%1.bin").arg(QDateTime::currentMSecsSinceEpoch());
        const int since = Test::doubleLogSeq();
        const Test::CliRun upload = roledrop({QStringLiteral("upload"), file,
                                              QStringLiteral("s3://%1/%2").arg(worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET"), key),
                                              QStringLiteral("--profile"), QStringLiteral("work-s3"), QStringLiteral("--endpoint-url"),
                                              proxy.endpoint(), QStringLiteral("--parallel"), QStringLiteral("1"), QStringLiteral("--quiet")});
        QVERIFY2(upload.exitCode == 0, qPrintable(Test::describe(upload)));
        const QJsonObject stored = Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2")
                                                               .arg(worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET"), key));
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), QString::fromLatin1(sha256(content).toHex()));
        // Parts signed by more than one role session, and no sign-in asked of the user.
        QStringList keysInOrder;
        for (const QJsonValue &value : Test::doubleLog(since)) {
            const QJsonObject entry = value.toObject();
            if (entry.value(QStringLiteral("key")).toString() != key)
                continue;
            const QString keyId = entry.value(QStringLiteral("access_key_id")).toString();
            if (keysInOrder.isEmpty() || keysInOrder.last() != keyId)
                keysInOrder << keyId;
        }
        QVERIFY2(keysInOrder.size() >= 2, qPrintable(keysInOrder.join(QLatin1Char(' '))));
        QCOMPARE(signIns(), before);
        QCOMPARE(browserPages().size(), pagesBefore);
        int refreshes = 0;
        int roleCredentials = 0;
        for (const QJsonValue &value : Test::ssoDoubleKnob("GET", QStringLiteral("log?since=%1").arg(ssoSince))
                                           .value(QStringLiteral("entries")).toArray()) {
            const QJsonObject entry = value.toObject();
            if (entry.value(QStringLiteral("operation")).toString() == QLatin1String("oidc:CreateToken")
                && entry.value(QStringLiteral("grant_type")).toString() == QLatin1String("refresh_token")
                && entry.value(QStringLiteral("status")).toInt() == 200)
                ++refreshes;
            if (entry.value(QStringLiteral("operation")).toString() == QLatin1String("sso:GetRoleCredentials")
                && entry.value(QStringLiteral("status")).toInt() == 200)
                ++roleCredentials;
        }
        QVERIFY2(refreshes >= 1, "the access token was never refreshed");
        QVERIFY2(roleCredentials >= 2, qPrintable(QString::number(roleCredentials)));
    }
};

QTEST_GUILESS_MAIN(IdentityCenterCliTest)
#include "identity_center_cli_test.moc"
