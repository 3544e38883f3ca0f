// The command line with OpenID Connect web identities, against the test OpenID Provider (npm oidc-provider, a
// real one: tests/servers/oidc_test_provider.mjs), the STS + S3 TEST DOUBLE's AssumeRoleWithWebIdentity (which
// checks the token's signature and the role's trust conditions as AWS does) and Ceph RGW's own. The user's
// browser is a test double (oidc_test_browser.py, in BROWSER as a user's would be): it fills in the provider's
// login and consent forms and follows the redirect to RoleDrop's loopback address; it logs every page it opens,
// so a test can tell that a run signed in without one.
#include "core/auth/keychain_store.h"
#include "core/auth/oidc_discovery.h"
#include "core/auth/oidc_token_client.h"
#include "core/common/crypto.h"
#include "core/http/aws_http_client.h"
#include "core/session/web_identity.h"
#include "cli_run.h"
#include "fault_proxy_process.h"
#include "fault_proxy_rules.h"
#include "test_double_knobs.h"
#include "test_files.h"
#include "test_world.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using RoleDrop::Test::wait;
using RoleDrop::Test::worldValue;

namespace {

// The provider's test knob (loopback only): ID tokens issued from now on last `seconds` (0: back to 3600).
bool setIdTokenTtl(int seconds)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(worldValue("ROLEDROP_TEST_OIDC_ISSUER") + QStringLiteral("/__test__/id-token-ttl")
                                 + (seconds > 0 ? QStringLiteral("?seconds=%1").arg(seconds) : QString())));
    QNetworkReply *reply = seconds > 0 ? network.sendCustomRequest(request, "POST") : network.deleteResource(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    const bool ok = reply->error() == QNetworkReply::NoError;
    reply->deleteLater();
    return ok;
}

// An ID token got the way a CI system or EKS gets one (not through RoleDrop): oidc_test_login.py plays the browser.
QString idTokenFromTheProvider()
{
    QProcess login;
    login.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(ROLEDROP_TESTS_DIR "/servers/oidc_test_login.py")});
    if (!login.waitForFinished(30000) || login.exitCode() != 0)
        return {};
    return QJsonDocument::fromJson(login.readAllStandardOutput()).object().value(QStringLiteral("id_token")).toString();
}

} // namespace

class WebIdentityCliTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_browserLog;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = Test::keylessCliEnvironment(m_dir.filePath(QStringLiteral("home")),
                                                              QStringLiteral(ROLEDROP_TESTS_DIR "/servers/oidc_test_browser.py"));
        env.insert(QStringLiteral("OIDC_TEST_BROWSER_USER"), worldValue("ROLEDROP_TEST_OIDC_USER"));
        env.insert(QStringLiteral("OIDC_TEST_BROWSER_PASSWORD"), worldValue("ROLEDROP_TEST_OIDC_PASSWORD"));
        env.insert(QStringLiteral("OIDC_TEST_BROWSER_LOG"), m_browserLog);
        return env;
    }

    Test::CliRun roledrop(const QStringList &arguments, const QMap<QString, QString> &changes = {}) const
    {
        return Test::runCli(Test::withChanges(environment(), changes), arguments);
    }

    int browserPages() const { return int(Test::browserPagesIn(m_browserLog).size()); }

    // A RoleDrop OpenID Connect profile whose role is at the STS double (its S3 side takes the uploads), or at RGW.
    void addProfile(const QString &name, const QString &clientId, const QString &roleArn, bool atRgw = false)
    {
        const Test::CliRun added = roledrop({QStringLiteral("profile-add"), name,
                                             QStringLiteral("--oidc-issuer"), worldValue("ROLEDROP_TEST_OIDC_ISSUER"),
                                             QStringLiteral("--client-id"), clientId, QStringLiteral("--role-arn"), roleArn,
                                             QStringLiteral("--scopes"), QStringLiteral("openid offline_access"),
                                             QStringLiteral("--region"), QStringLiteral("us-east-1"), QStringLiteral("--path-style"),
                                             QStringLiteral("--endpoint-url"),
                                             worldValue(atRgw ? "ROLEDROP_TEST_S3_ENDPOINT" : "ROLEDROP_TEST_S3_DOUBLE_ENDPOINT")});
        QVERIFY2(added.exitCode == 0, qPrintable(Test::describe(added)));
    }

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("ROLEDROP_TEST_OIDC_ISSUER").isEmpty() || qEnvironmentVariable("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT").isEmpty())
            QSKIP("the test OpenID Provider or the STS double is not running: run tests/run-tests.sh");
        QVERIFY(m_dir.isValid());
        m_browserLog = m_dir.filePath(QStringLiteral("browser.log"));
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("home/.aws"))));
        addProfile(QStringLiteral("ada"), worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"), worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_WEB_IDENTITY"));
        addProfile(QStringLiteral("ada-rgw"), worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"), worldValue("ROLEDROP_TEST_ROLE_WEB_IDENTITY"), true);
        addProfile(QStringLiteral("other-app"), worldValue("ROLEDROP_TEST_OIDC_OTHER_CLIENT_ID"),
                   worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_WEB_IDENTITY"));
        const Test::CliRun profiles = roledrop({QStringLiteral("profiles")});
        QVERIFY2(profiles.out.contains(QStringLiteral("ada\t(RoleDrop, OpenID Connect)\t") + worldValue("ROLEDROP_TEST_OIDC_ISSUER")),
                 qPrintable(profiles.out));
    }

    void cleanup()
    {
        setIdTokenTtl(0);
        Test::doubleKnob("POST", QStringLiteral("reset"));
    }

    void signsInInTheBrowserThenUploads()
    {
        QVERIFY(roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("ada")}).exitCode == 0);
        const int pagesBefore = browserPages();
        const Test::CliRun login = roledrop({QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("ada")});
        QVERIFY2(login.exitCode == 0, qPrintable(Test::describe(login)));
        QCOMPARE(browserPages(), pagesBefore + 1);

        const Test::CliRun who = roledrop({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("ada")});
        QVERIFY2(who.exitCode == 0, qPrintable(Test::describe(who)));
        QVERIFY2(who.out.contains(QStringLiteral(":assumed-role/WebIdentityRole/")), qPrintable(who.out));

        const QByteArray content = Test::randomBytes(200 * 1024, 21);
        const QString file = m_dir.filePath(QStringLiteral("web-identity.bin"));
        QVERIFY(Test::writeFile(file, content));
        const QString bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        const QString key = QStringLiteral("oidc/cli-%1.bin").arg(QDateTime::currentMSecsSinceEpoch());
        const Test::CliRun upload = roledrop({QStringLiteral("upload"), file, QStringLiteral("s3://%1/%2").arg(bucket, key),
                                              QStringLiteral("--profile"), QStringLiteral("ada"), QStringLiteral("--quiet")});
        QVERIFY2(upload.exitCode == 0, qPrintable(Test::describe(upload)));
        const QJsonObject stored = Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2").arg(bucket, key));
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), QString::fromLatin1(sha256(content).toHex()));
        QCOMPARE(browserPages(), pagesBefore + 1);   // the stored sign-in served every later run
    }

    void rgwVerifiesTheTokenOfTheSameSignIn()
    {
        // The same provider and client as "ada": its sign-in (in the keychain) serves, no page opens. RGW checks
        // the ID token against the provider's keys and WebIdentityS3Access's trust policy itself.
        const int pagesBefore = browserPages();
        const QByteArray content = Test::randomBytes(64 * 1024, 22);
        const QString file = m_dir.filePath(QStringLiteral("rgw.bin"));
        QVERIFY(Test::writeFile(file, content));
        const QString name = QStringLiteral("rgw-%1.bin").arg(QDateTime::currentMSecsSinceEpoch());
        const QString target = QStringLiteral("s3://%1/oidc-cli/%2").arg(worldValue("ROLEDROP_TEST_BUCKET"), name);
        const Test::CliRun upload = roledrop({QStringLiteral("upload"), file, target,
                                              QStringLiteral("--profile"), QStringLiteral("ada-rgw"), QStringLiteral("--quiet")});
        QVERIFY2(upload.exitCode == 0, qPrintable(Test::describe(upload)));
        const QString back = m_dir.filePath(QStringLiteral("rgw-back"));
        QVERIFY(QDir().mkpath(back));
        const Test::CliRun download = roledrop({QStringLiteral("download"), target, back,
                                                QStringLiteral("--profile"), QStringLiteral("ada-rgw"), QStringLiteral("--quiet")});
        QVERIFY2(download.exitCode == 0, qPrintable(Test::describe(download)));
        QFile downloaded(back + QLatin1Char('/') + name);
        QVERIFY(downloaded.open(QIODevice::ReadOnly));
        QCOMPARE(sha256(downloaded.readAll()), sha256(content));
        QCOMPARE(browserPages(), pagesBefore);
    }

    void logoutRevokesTheRefreshTokenAtTheProvider()
    {
        QVERIFY(roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("ada")}).exitCode == 0);
        const Test::CliRun login = roledrop({QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("ada")});
        QVERIFY2(login.exitCode == 0, qPrintable(Test::describe(login)));
        // The refresh token the CLI keeps, read where it keeps it (the test shares the CLI's Secret Service).
        const QString issuer = worldValue("ROLEDROP_TEST_OIDC_ISSUER");
        const QString clientId = worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID");
        Auth::KeychainStore keychain(QStringLiteral("RoleDrop"));
        const auto secret = wait<QString>([&](QObject *context, auto done) {
            keychain.readSecret(Sessions::WebIdentity::tokenKey(issuer, clientId), context, done);
        });
        QVERIFY2(secret, qPrintable(secret ? QString() : secret.error().message));
        const auto stored = Sessions::StoredOidcTokens::fromJson(secret->toUtf8());
        QVERIFY(stored && !stored->refreshToken.isEmpty());

        const Test::CliRun logout = roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("ada")});
        QVERIFY2(logout.exitCode == 0, qPrintable(Test::describe(logout)));
        QVERIFY2(!logout.err.contains(QLatin1String("could not be told")), qPrintable(logout.err));
        QVERIFY(!logout.err.contains(stored->refreshToken) && !logout.out.contains(stored->refreshToken));

        // The provider itself no longer takes it: nothing usable is left behind by the sign-out.
        Http::AwsHttpClient http;
        const auto provider = wait<Auth::OidcProviderMetadata>([&](QObject *context, auto done) {
            Auth::OidcDiscovery::fetch(&http, issuer, Test::testCaTrust(), context, done);
        });
        QVERIFY2(provider, qPrintable(provider ? QString() : provider.error().message));
        const Auth::OidcTokenClient client(&http, provider->tokenEndpoint, clientId, QString(), Test::testCaTrust());
        const auto refused = wait<Auth::OidcTokens>([&](QObject *context, auto done) { client.refresh(stored->refreshToken, context, done); });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("invalid_grant"));
    }

    void twoProcessesStartedTogetherSignInOnce()
    {
        QVERIFY(roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("ada")}).exitCode == 0);
        const int pagesBefore = browserPages();
        // The user takes a few seconds in the browser: the second process must wait for the first one's sign-in.
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("OIDC_TEST_BROWSER_DELAY"), QStringLiteral("2"));
        QList<QProcess *> runs;
        for (int i = 0; i < 2; ++i) {
            auto *run = new QProcess(this);
            run->setProcessEnvironment(env);
            run->start(QStringLiteral(ROLEDROP_CLI_PATH), {QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("ada")});
            runs << run;
        }
        for (QProcess *run : std::as_const(runs)) {
            QVERIFY(run->waitForFinished(120000));
            QVERIFY2(run->exitCode() == 0, qPrintable(QString::fromUtf8(run->readAllStandardError())));
            QVERIFY(run->readAllStandardOutput().contains(":assumed-role/WebIdentityRole/"));
        }
        QCOMPARE(browserPages(), pagesBefore + 1);
    }

    void renewsWithTheRefreshTokenWithoutABrowser()
    {
        // ID tokens that last 30 s: a later run finds the stored one too close to its end and takes a new one
        // with the refresh token, silently.
        QVERIFY(setIdTokenTtl(30));
        QVERIFY(roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("ada")}).exitCode == 0);
        const int pagesBefore = browserPages();
        const Test::CliRun login = roledrop({QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("ada")});
        QVERIFY2(login.exitCode == 0, qPrintable(Test::describe(login)));
        QCOMPARE(browserPages(), pagesBefore + 1);
        for (int run = 0; run < 2; ++run) {
            const Test::CliRun who = roledrop({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("ada")});
            QVERIFY2(who.exitCode == 0, qPrintable(Test::describe(who)));
            QVERIFY2(who.out.contains(QStringLiteral(":assumed-role/WebIdentityRole/")), qPrintable(who.out));
        }
        QCOMPARE(browserPages(), pagesBefore + 1);
    }

    void aRoleSessionEndingMidUploadIsRenewedWithTheRefreshToken()
    {
        // Role sessions of 20 s and ID tokens of 10 s: when the role renews, the ID token has expired, so the
        // refresh token must get a new one, silently, in the middle of the upload.
        QVERIFY(setIdTokenTtl(10));
        Test::doubleKnob("POST", QStringLiteral("session-lifetime?seconds=20"));
        QVERIFY(roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("ada")}).exitCode == 0);
        const Test::CliRun login = roledrop({QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("ada")});
        QVERIFY2(login.exitCode == 0, qPrintable(Test::describe(login)));
        const int pagesBefore = browserPages();

        Test::FaultProxyProcess proxy(worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        QVERIFY(proxy.isRunning());
        // 6 parts of 16 MiB, each held back 5 s: about 30 s, past the 20 s session and the 10 s ID token.
        QVERIFY(proxy.setRules({Test::rule(QStringLiteral("slow parts"), Test::anyPart(), Test::hold(5))}));
        const QByteArray content = Test::randomBytes(96 * 1024 * 1024, 23);
        const QString file = m_dir.filePath(QStringLiteral("long.bin"));
        QVERIFY(Test::writeFile(file, content));
        const QString bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        const QString key = QStringLiteral("oidc/long-%1.bin").arg(QDateTime::currentMSecsSinceEpoch());
        const int since = Test::doubleLogSeq();
        const Test::CliRun upload = roledrop({QStringLiteral("upload"), file, QStringLiteral("s3://%1/%2").arg(bucket, key),
                                              QStringLiteral("--profile"), QStringLiteral("ada"), QStringLiteral("--endpoint-url"),
                                              proxy.endpoint(), QStringLiteral("--parallel"), QStringLiteral("1"), QStringLiteral("--quiet")});
        QFile::remove(file);
        QVERIFY2(upload.exitCode == 0, qPrintable(Test::describe(upload)));
        const QJsonObject stored = Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2").arg(bucket, key));
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), QString::fromLatin1(sha256(content).toHex()));
        // Parts signed by more than one role session, and no page opened.
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
        QCOMPARE(browserPages(), pagesBefore);
    }

    void aTokenFileProfileOfAwsConfig()
    {
        // The EKS / CI form: the token is in a file that something else keeps fresh.
        const QString token = idTokenFromTheProvider();
        QVERIFY2(!token.isEmpty(), "oidc_test_login.py got no ID token");
        const QString tokenFile = m_dir.filePath(QStringLiteral("token"));
        QVERIFY(Test::writeFile(tokenFile, token.toUtf8() + '\n'));
        QFile config(m_dir.filePath(QStringLiteral("home/.aws/config")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral("[profile ci]\n"
                                    "web_identity_token_file = %1\n"
                                    "role_arn = %2\n"
                                    "role_session_name = ci-build\n"
                                    "region = us-east-1\n"
                                    "endpoint_url = %3\n"
                                    "\n"
                                    "[profile ci-missing]\n"
                                    "web_identity_token_file = %4\n"
                                    "role_arn = %2\n"
                                    "endpoint_url = %3\n")
                         .arg(tokenFile, worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_WEB_IDENTITY"),
                              worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"), m_dir.filePath(QStringLiteral("no-such-token")))
                         .toUtf8());
        config.close();
        const int pagesBefore = browserPages();
        const Test::CliRun who = roledrop({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("ci")});
        QVERIFY2(who.exitCode == 0, qPrintable(Test::describe(who)));
        QVERIFY2(who.out.contains(QStringLiteral(":assumed-role/WebIdentityRole/ci-build")), qPrintable(who.out));
        const Test::CliRun ls = roledrop({QStringLiteral("ls"), QStringLiteral("s3://%1/").arg(worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET")),
                                          QStringLiteral("--profile"), QStringLiteral("ci")});
        QVERIFY2(ls.exitCode == 0, qPrintable(Test::describe(ls)));
        QCOMPARE(browserPages(), pagesBefore);

        const Test::CliRun missing = roledrop({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("ci-missing")});
        QVERIFY(missing.exitCode != 0);
        QVERIFY2(missing.err.contains(m_dir.filePath(QStringLiteral("no-such-token"))), qPrintable(missing.err));
        QVERIFY(Test::writeFile(tokenFile, "\n"));
        const Test::CliRun empty = roledrop({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("ci")});
        QVERIFY(empty.exitCode != 0);
        QVERIFY2(empty.err.contains(tokenFile) && empty.err.contains(QStringLiteral("empty")), qPrintable(empty.err));
    }

    void aDeniedConsentSaysSo()
    {
        QVERIFY(roledrop({QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("ada")}).exitCode == 0);
        const Test::CliRun login = roledrop({QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("ada")},
                                            {{QStringLiteral("OIDC_TEST_BROWSER_DECISION"), QStringLiteral("deny")}});
        QVERIFY(login.exitCode != 0);
        QVERIFY2(login.err.contains(worldValue("ROLEDROP_TEST_OIDC_ISSUER")), qPrintable(login.err));
        QVERIFY2(login.err.contains(QStringLiteral("access_denied")) || login.err.contains(QStringLiteral("denied")),
                 qPrintable(login.err));
    }

    void aClientSecretIsReadFromStdinOnly()
    {
        const QStringList add{QStringLiteral("--oidc-issuer"), worldValue("ROLEDROP_TEST_OIDC_ISSUER"), QStringLiteral("--client-id"),
                              QStringLiteral("confidential-app"), QStringLiteral("--role-arn"),
                              worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_WEB_IDENTITY"), QStringLiteral("--client-secret-stdin")};
        const Test::CliRun added = Test::runCli(environment(), QStringList{QStringLiteral("profile-add"), QStringLiteral("confidential")} + add,
                                                "client-secret-4711\n");
        QVERIFY2(added.exitCode == 0, qPrintable(Test::describe(added)));
        QVERIFY(!added.out.contains(QStringLiteral("client-secret-4711")) && !added.err.contains(QStringLiteral("client-secret-4711")));
        const Test::CliRun profiles = roledrop({QStringLiteral("profiles")});
        QVERIFY2(profiles.out.contains(QStringLiteral("confidential\t(RoleDrop, OpenID Connect)")), qPrintable(profiles.out));
        QVERIFY(!profiles.out.contains(QStringLiteral("client-secret-4711")));
        const Test::CliRun none = Test::runCli(environment(), QStringList{QStringLiteral("profile-add"), QStringLiteral("no-secret")} + add, "");
        QVERIFY(none.exitCode != 0);
        QVERIFY2(none.err.contains(QStringLiteral("no client secret")), qPrintable(none.err));
        QVERIFY(roledrop({QStringLiteral("profile-remove"), QStringLiteral("confidential")}).exitCode == 0);
    }

    void anotherAppsClientIsRefusedByTheRolesTrust()
    {
        // The provider signs in for roledrop-other-app without complaint, and RoleDrop's check of the ID token
        // (audience = the profile's client) passes; STS has no OpenID Connect provider listing that client id.
        const Test::CliRun who = roledrop({QStringLiteral("whoami"), QStringLiteral("--profile"), QStringLiteral("other-app")});
        QVERIFY(who.exitCode != 0);
        QVERIFY2(who.err.contains(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_WEB_IDENTITY")), qPrintable(who.err));
        QVERIFY2(who.err.contains(QStringLiteral("InvalidIdentityToken")) && who.err.contains(QStringLiteral("client id")),
                 qPrintable(who.err));
        QVERIFY2(!who.err.contains(QStringLiteral("eyJ")), qPrintable(who.err));   // never a token
    }
};

QTEST_GUILESS_MAIN(WebIdentityCliTest)
#include "web_identity_cli_test.moc"
