// TLS trust against the real servers over https (Ceph RGW with a certificate from the run's test CA, and the fault
// proxy serving that CA's expired and wrong-name certificates in front of it): refused without the CA, with one
// line naming the host; trusted through AWS_CA_BUNDLE, a ~/.aws profile's ca_bundle, a RoleDrop profile's CA
// file and --ca-bundle; a CA file that cannot be used named in the error; plain http still works where asked for.

#include "cli_run.h"
#include "fault_proxy_process.h"
#include "test_files.h"
#include "test_session.h"
#include "test_world.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace RoleDrop;
using RoleDrop::Test::wait;
using RoleDrop::Test::CliRun;
using RoleDrop::Test::jamesCliEnvironment;
using RoleDrop::Test::runCli;
using RoleDrop::Test::worldValue;

class HttpsTrustTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QByteArray m_savedCaBundle;
    QString m_https;   // RGW over https
    QString m_http;    // RGW over plain http
    QString m_caFile;

    // The binary with james's keys in the environment, nothing of the user's, and no AWS_CA_BUNDLE unless given.
    CliRun run(const QStringList &arguments, const QMap<QString, QString> &extraEnv = {}, const QByteArray &input = {})
    {
        QMap<QString, QString> changes{{QStringLiteral("AWS_CA_BUNDLE"), QString()}};
        changes.insert(extraEnv);
        return runCli(jamesCliEnvironment(m_home.filePath(QStringLiteral("config")), changes), arguments, input);
    }

    // `ls s3://data/` as role S3Access (STS and S3 both over the endpoint), with extra options.
    CliRun listAsRole(const QString &endpoint, const QStringList &options = {}, const QMap<QString, QString> &extraEnv = {})
    {
        return run(QStringList{QStringLiteral("ls"), QStringLiteral("s3://%1/").arg(worldValue("ROLEDROP_TEST_BUCKET")),
                               QStringLiteral("--endpoint-url"), endpoint, QStringLiteral("--path-style"), QStringLiteral("--role"),
                               worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")} + options,
                   extraEnv);
    }

    static void checkOneLine(const CliRun &run)
    {
        QVERIFY2(run.exitCode == 1, qPrintable(describe(run)));
        QVERIFY2(!run.err.trimmed().isEmpty() && !run.err.trimmed().contains(QLatin1Char('\n')), qPrintable(describe(run)));
    }

    QString writeText(const QString &name, const QByteArray &content)
    {
        const QString path = m_home.filePath(name);
        QDir().mkpath(QFileInfo(path).path());
        if (!Test::writeFile(path, content))
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private slots:
    void initTestCase()
    {
        m_https = worldValue("ROLEDROP_TEST_S3_HTTPS_ENDPOINT");
        m_http = worldValue("ROLEDROP_TEST_S3_HTTP_ENDPOINT");
        m_caFile = worldValue("ROLEDROP_TEST_CA_FILE");
        QVERIFY(m_https.startsWith(QLatin1String("https://")));
        QVERIFY(m_http.startsWith(QLatin1String("http://")));
        // The in-process sessions below decide their trust themselves: not from the run's AWS_CA_BUNDLE.
        m_savedCaBundle = qgetenv("AWS_CA_BUNDLE");
        qunsetenv("AWS_CA_BUNDLE");
    }
    void cleanupTestCase()
    {
        if (!m_savedCaBundle.isEmpty())
            qputenv("AWS_CA_BUNDLE", m_savedCaBundle);
    }
    void cleanup() { qunsetenv("AWS_CA_BUNDLE"); }

    // ---- the command line

    void cliRefusesAnUnknownCaInOneLine()
    {
        const CliRun refused = listAsRole(m_https);
        checkOneLine(refused);
        QVERIFY2(refused.err.contains(QStringLiteral("the TLS certificate of 127.0.0.1 is not trusted: its issuer 'RoleDrop Test CA")),
                 qPrintable(describe(refused)));
        QVERIFY2(refused.err.contains(QStringLiteral("AWS_CA_BUNDLE")) && refused.err.contains(QStringLiteral("--ca-bundle")),
                 qPrintable(describe(refused)));
        QVERIFY2(!refused.err.contains(QStringLiteral("refused"), Qt::CaseInsensitive), qPrintable(describe(refused)));
        QVERIFY2(!refused.out.contains(QStringLiteral("owner-file.txt")), qPrintable(describe(refused)));
    }

    void cliTrustsWithCaBundleOption()
    {
        const CliRun listed = listAsRole(m_https, {QStringLiteral("--ca-bundle"), m_caFile});
        QVERIFY2(listed.exitCode == 0, qPrintable(describe(listed)));
        QVERIFY2(listed.out.contains(QStringLiteral("owner-file.txt")), qPrintable(describe(listed)));
    }

    void cliTrustsWithAwsCaBundle()
    {
        const CliRun listed = listAsRole(m_https, {}, {{QStringLiteral("AWS_CA_BUNDLE"), m_caFile}});
        QVERIFY2(listed.exitCode == 0, qPrintable(describe(listed)));
        QVERIFY2(listed.out.contains(QStringLiteral("owner-file.txt")), qPrintable(describe(listed)));
        // A bundle of several CAs (an unrelated one first) works as well.
        const QString bundle = writeText(QStringLiteral("bundle.pem"), Test::readFile(worldValue("ROLEDROP_TEST_TLS_DIR") + QStringLiteral("/other-ca.pem"))
                                                                           + Test::readFile(m_caFile));
        const CliRun bundled = listAsRole(m_https, {}, {{QStringLiteral("AWS_CA_BUNDLE"), bundle}});
        QVERIFY2(bundled.exitCode == 0, qPrintable(describe(bundled)));
    }

    void cliTrustsWithTheAwsProfilesCaBundle()
    {
        const QString config = writeText(QStringLiteral("aws/config"),
            QStringLiteral("[profile tls]\nregion = us-east-1\nendpoint_url = %1\nca_bundle = %2\n\n"
                           "[profile tls-role]\nrole_arn = %3\nsource_profile = tls\n\n"
                           "[profile no-ca]\nregion = us-east-1\nendpoint_url = %1\n")
                .arg(m_https, m_caFile, worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")).toUtf8());
        const QString credentials = writeText(QStringLiteral("aws/credentials"),
            QStringLiteral("[tls]\naws_access_key_id = %1\naws_secret_access_key = %2\n\n[no-ca]\naws_access_key_id = %1\naws_secret_access_key = %2\n")
                .arg(worldValue("ROLEDROP_TEST_JAMES_KEY"), worldValue("ROLEDROP_TEST_JAMES_SECRET")).toUtf8());
        const QMap<QString, QString> awsFiles{{QStringLiteral("AWS_CONFIG_FILE"), config},
                                              {QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), credentials},
                                              {QStringLiteral("AWS_ACCESS_KEY_ID"), QString()},
                                              {QStringLiteral("AWS_SECRET_ACCESS_KEY"), QString()}};
        const QString bucket = QStringLiteral("s3://%1/").arg(worldValue("ROLEDROP_TEST_BUCKET"));
        // The role chain of ~/.aws (STS, then S3), both over https, trusted through the base profile's ca_bundle.
        const CliRun listed = run({QStringLiteral("ls"), bucket, QStringLiteral("--profile"), QStringLiteral("tls-role")}, awsFiles);
        QVERIFY2(listed.exitCode == 0, qPrintable(describe(listed)));
        QVERIFY2(listed.out.contains(QStringLiteral("owner-file.txt")), qPrintable(describe(listed)));
        // The same server from a profile without ca_bundle is refused.
        const CliRun refused = run({QStringLiteral("ls"), bucket, QStringLiteral("--profile"), QStringLiteral("no-ca"), QStringLiteral("--role"),
                                    worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")}, awsFiles);
        checkOneLine(refused);
        QVERIFY2(refused.err.contains(QStringLiteral("is not trusted")), qPrintable(describe(refused)));
    }

    void cliNamesACaFileThatCannotBeUsed()
    {
        const QString missing = m_home.filePath(QStringLiteral("no-such-ca.pem"));
        const CliRun absent = listAsRole(m_https, {QStringLiteral("--ca-bundle"), missing});
        checkOneLine(absent);
        QVERIFY2(absent.err.contains(missing) && absent.err.contains(QStringLiteral("does not exist")), qPrintable(describe(absent)));
        QVERIFY2(absent.err.contains(QStringLiteral("--ca-bundle")), qPrintable(describe(absent)));
        const QString empty = writeText(QStringLiteral("empty-ca.pem"), "not a certificate\n");
        const CliRun useless = listAsRole(m_https, {}, {{QStringLiteral("AWS_CA_BUNDLE"), empty}});
        checkOneLine(useless);
        QVERIFY2(useless.err.contains(empty) && useless.err.contains(QStringLiteral("holds no certificate")), qPrintable(describe(useless)));
        QVERIFY2(useless.err.contains(QStringLiteral("AWS_CA_BUNDLE")), qPrintable(describe(useless)));
    }

    void cliProfileKeepsItsCaFile()
    {
        const QString name = QStringLiteral("tls-james-%1").arg(QCoreApplication::applicationPid());
        const CliRun added = run({QStringLiteral("profile-add"), name, QStringLiteral("--access-key-id"), worldValue("ROLEDROP_TEST_JAMES_KEY"),
                                  QStringLiteral("--endpoint-url"), m_https, QStringLiteral("--path-style"), QStringLiteral("--ca-bundle"), m_caFile},
                                 {}, worldValue("ROLEDROP_TEST_JAMES_SECRET").toUtf8() + '\n');
        QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));
        const CliRun listed = run({QStringLiteral("ls"), QStringLiteral("s3://%1/").arg(worldValue("ROLEDROP_TEST_BUCKET")), QStringLiteral("--profile"), name,
                                   QStringLiteral("--role"), worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")},
                                  {{QStringLiteral("AWS_ACCESS_KEY_ID"), QString()}, {QStringLiteral("AWS_SECRET_ACCESS_KEY"), QString()}});
        const CliRun removed = run({QStringLiteral("profile-remove"), name});
        QVERIFY2(listed.exitCode == 0 && listed.out.contains(QStringLiteral("owner-file.txt")), qPrintable(describe(listed)));
        QVERIFY2(removed.exitCode == 0, qPrintable(describe(removed)));
    }

    void cliSaysExpiredAndWrongName()
    {
        // The fault proxy in front of RGW, serving the test CA's expired certificate, then its wrong-name one; the CA
        // itself is trusted, so only what is wrong with each certificate is left to say.
        {
            Test::FaultProxyProcess expired(m_https, QStringLiteral("expired.pem"));
            QVERIFY(expired.isRunning());
            QVERIFY(expired.endpoint().startsWith(QLatin1String("https://")));
            const CliRun refused = listAsRole(expired.endpoint(), {QStringLiteral("--ca-bundle"), m_caFile});
            checkOneLine(refused);
            QVERIFY2(refused.err.contains(QStringLiteral("the TLS certificate of 127.0.0.1 is not accepted: it expired on 2020-01-31 00:00 UTC")),
                     qPrintable(describe(refused)));
            QVERIFY2(refused.err.contains(QStringLiteral("renew")), qPrintable(describe(refused)));
            // Nothing reached RGW through the proxy.
            QCOMPARE(expired.log().size(), 0);
        }
        {
            Test::FaultProxyProcess wrongName(m_https, QStringLiteral("wrong-name.pem"));
            QVERIFY(wrongName.isRunning());
            const CliRun refused = listAsRole(wrongName.endpoint(), {}, {{QStringLiteral("AWS_CA_BUNDLE"), m_caFile}});
            checkOneLine(refused);
            QVERIFY2(refused.err.contains(QStringLiteral("the TLS certificate of 127.0.0.1 is not accepted: it is for ")), qPrintable(describe(refused)));
            QVERIFY2(refused.err.contains(QStringLiteral("wrong-name.example")) && refused.err.contains(QStringLiteral("not for 127.0.0.1")),
                     qPrintable(describe(refused)));
            QCOMPARE(wrongName.log().size(), 0);
        }
        {
            // The same proxy with the good certificate: the request goes through to RGW.
            Test::FaultProxyProcess good(m_https);
            QVERIFY(good.isRunning());
            const CliRun listed = listAsRole(good.endpoint(), {QStringLiteral("--ca-bundle"), m_caFile});
            QVERIFY2(listed.exitCode == 0 && listed.out.contains(QStringLiteral("owner-file.txt")), qPrintable(describe(listed)));
            QVERIFY(good.log().size() >= 1);
        }
    }

    void cliSaysRefusedOnlyWhenRefused()
    {
        quint16 closed = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            closed = probe.serverPort();
        }
        const CliRun refused = listAsRole(QStringLiteral("https://127.0.0.1:%1").arg(closed), {QStringLiteral("--ca-bundle"), m_caFile});
        checkOneLine(refused);
        QVERIFY2(refused.err.contains(QStringLiteral("127.0.0.1:%1 refused the connection").arg(closed)), qPrintable(describe(refused)));
        QVERIFY2(!refused.err.contains(QStringLiteral("TLS")), qPrintable(describe(refused)));
        // https:// to RGW's plain http port: a failed handshake, not a refusal.
        const QString wrongScheme = QStringLiteral("https://") + m_http.mid(int(qstrlen("http://")));
        const CliRun mismatch = listAsRole(wrongScheme, {QStringLiteral("--ca-bundle"), m_caFile});
        checkOneLine(mismatch);
        QVERIFY2(mismatch.err.contains(QStringLiteral("TLS handshake with")), qPrintable(describe(mismatch)));
        QVERIFY2(!mismatch.err.contains(QStringLiteral("refused"), Qt::CaseInsensitive), qPrintable(describe(mismatch)));
    }

    void cliOverPlainHttp()
    {
        // RGW's plain http endpoint, asked for explicitly: upload, list and download, byte for byte.
        const QString file = Test::writeRandomFile(m_home.filePath(QStringLiteral("plain/over-http.bin")), 3 * 1024 * 1024 + 17);
        const QString prefix = QStringLiteral("s3://%1/https-trust-test/%2/").arg(worldValue("ROLEDROP_TEST_BUCKET")).arg(QCoreApplication::applicationPid());
        const QStringList role{QStringLiteral("--endpoint-url"), m_http, QStringLiteral("--path-style"), QStringLiteral("--role"),
                               worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"), QStringLiteral("--quiet")};
        const CliRun uploaded = run(QStringList{QStringLiteral("upload"), file, prefix} + role);
        QVERIFY2(uploaded.exitCode == 0, qPrintable(describe(uploaded)));
        const CliRun listed = run(QStringList{QStringLiteral("ls"), prefix} + role);
        QVERIFY2(listed.exitCode == 0 && listed.out.contains(QStringLiteral("over-http.bin")), qPrintable(describe(listed)));
        const QString into = m_home.filePath(QStringLiteral("plain/down"));
        QVERIFY(QDir().mkpath(into));
        const CliRun downloaded = run(QStringList{QStringLiteral("download"), prefix + QStringLiteral("over-http.bin"), into} + role);
        QVERIFY2(downloaded.exitCode == 0, qPrintable(describe(downloaded)));
        QCOMPARE(Test::fileSha256(into + QStringLiteral("/over-http.bin")), Test::fileSha256(file));
        // Loopback: http is what local servers speak, and nothing is said about it.
        for (const CliRun &loopback : {uploaded, listed, downloaded})
            QVERIFY2(!loopback.err.contains(QStringLiteral("plain http")), qPrintable(describe(loopback)));

        // Another machine over http: done as asked (a presigned URL needs no request), with one warning line.
        const CliRun remote = run({QStringLiteral("presign"), QStringLiteral("s3://data/k.txt"), QStringLiteral("--expires"),
                                   QStringLiteral("60"), QStringLiteral("--endpoint-url"), QStringLiteral("http://s3.example.invalid:7480"),
                                   QStringLiteral("--path-style")});
        QVERIFY2(remote.exitCode == 0 && remote.out.startsWith(QStringLiteral("http://s3.example.invalid:7480/data/k.txt?")),
                 qPrintable(describe(remote)));
        QVERIFY2(remote.err.startsWith(QStringLiteral("roledrop: warning: s3.example.invalid:7480 is reached over plain http: "))
                     && remote.err.trimmed().count(QLatin1Char('\n')) == 0,
                 qPrintable(describe(remote)));
    }

    // ---- the same rules in-process, through the Session the window uses

    void sessionRefusedWithoutCaThenTrustedWithProfileCaFile()
    {
        {
            Test::SessionFixture fixture(QStringLiteral("tls-none"));
            Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("tls-none"));
            profile.endpointUrl = m_https;
            QVERIFY(fixture.openProfile(profile, Test::SessionFixture::rgwJamesSecret()));
            const auto role = fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
            QVERIFY(!role);
            QCOMPARE(role.error().kind, AwsErrorKind::Tls);
            const QString line = role.error().userMessage();
            QVERIFY2(line.startsWith(QStringLiteral("Cannot connect securely (sts:AssumeRole")), qPrintable(line));
            QVERIFY2(line.contains(QStringLiteral("the TLS certificate of 127.0.0.1 is not trusted")), qPrintable(line));
        }
        Test::SessionFixture fixture(QStringLiteral("tls-file"));
        Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("tls-file"));
        profile.endpointUrl = m_https;
        profile.caFile = m_caFile;
        QVERIFY(fixture.openProfile(profile, Test::SessionFixture::rgwJamesSecret()));
        // Kept in the profile store, not a secret.
        QCOMPARE(fixture->profiles().profile(profile.name)->caFile, m_caFile);
        const auto role = fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
        QVERIFY2(role, qPrintable(role.error().userMessage()));
        // The role may list its bucket (not every bucket: ListAllMyBuckets is not in its policy).
        const QString bucket = worldValue("ROLEDROP_TEST_BUCKET");
        const auto page = wait<S3::ListObjectsPage>([&](QObject *context, auto done) {
            fixture->s3()->listObjects({bucket, QString(), QStringLiteral("/"), QString(), 1000}, context, done);
        });
        QVERIFY2(page, qPrintable(page.error().userMessage()));
        QVERIFY(std::any_of(page->objects.cbegin(), page->objects.cend(),
                            [](const S3::ObjectInfo &object) { return object.key == QLatin1String("owner-file.txt"); }));
        // A presigned URL of the same endpoint, fetched by a plain client that trusts the test CA.
        QCOMPARE(Test::presignedSha256(fixture.session(), bucket, QStringLiteral("owner-file.txt")),
                 Test::bytesSha256("hello\n"));
    }

    void sessionTrustsAwsCaBundle()
    {
        qputenv("AWS_CA_BUNDLE", m_caFile.toLocal8Bit());
        Test::SessionFixture fixture(QStringLiteral("tls-env"));
        Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("tls-env"));
        profile.endpointUrl = m_https;
        QVERIFY(fixture.openProfile(profile, Test::SessionFixture::rgwJamesSecret()));
        const auto role = fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
        QVERIFY2(role, qPrintable(role.error().userMessage()));
    }

    void profileFormRefusesAnUnusableCaFile()
    {
        Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("tls-bad"));
        profile.caFile = m_home.filePath(QStringLiteral("nowhere/ca.pem"));
        const auto valid = Sessions::ProfileManager::validate(profile);
        QVERIFY(!valid);
        QVERIFY2(valid.error().userMessage().contains(profile.caFile), qPrintable(valid.error().userMessage()));
    }
};

QTEST_GUILESS_MAIN(HttpsTrustTest)
#include "https_trust_test.moc"
