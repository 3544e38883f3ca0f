// Proxies as the AWS CLI uses them, against a real forward proxy (tinyproxy, run by the test on 127.0.0.1) in
// front of Ceph RGW over https: the command line uploads and downloads through HTTPS_PROXY with CONNECT (TLS still
// verified against RGW's certificate from the run's test CA), NO_PROXY bypasses it, and a proxy that is down or
// wants a login fails in one line naming the proxy - never showing a password given in the proxy URL.

#include "cli_run.h"
#include "test_files.h"
#include "test_world.h"
#include "tinyproxy_process.h"

#include <QDir>
#include <QMap>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using RoleDrop::Test::CliRun;
using RoleDrop::Test::jamesCliEnvironment;
using RoleDrop::Test::runCli;
using RoleDrop::Test::TinyproxyProcess;
using RoleDrop::Test::worldValue;

namespace {

const QString proxyPassword = QStringLiteral("pr0xy-Secret-77");

} // namespace

class ProxyTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_https;  // RGW over https
    int m_rgwPort = 0;
    QString m_prefix;

    // The binary with james's keys, the run's CA, one attempt only, and no proxy variable unless given.
    CliRun run(const QStringList &arguments, const QMap<QString, QString> &extraEnv = {})
    {
        QMap<QString, QString> changes{{QStringLiteral("AWS_CA_BUNDLE"), worldValue("ROLEDROP_TEST_CA_FILE")}};
        changes.insert(extraEnv);
        return runCli(jamesCliEnvironment(m_home.filePath(QStringLiteral("config")), changes), arguments);
    }

    // As role S3Access (STS and S3 both through the proxy when one is set).
    QStringList asRole() const
    {
        return {QStringLiteral("--endpoint-url"), m_https, QStringLiteral("--path-style"), QStringLiteral("--role"),
                worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"), QStringLiteral("--quiet")};
    }

    CliRun listThrough(const QMap<QString, QString> &env)
    {
        return run(QStringList{QStringLiteral("ls"), QStringLiteral("s3://%1/").arg(worldValue("ROLEDROP_TEST_BUCKET"))} + asRole(), env);
    }

    QString connectLine() const { return QStringLiteral("CONNECT 127.0.0.1:%1 HTTP/1.1").arg(m_rgwPort); }

    static void checkOneLine(const CliRun &run)
    {
        QVERIFY2(run.exitCode == 1, qPrintable(describe(run)));
        QVERIFY2(!run.err.trimmed().isEmpty() && !run.err.trimmed().contains(QLatin1Char('\n')), qPrintable(describe(run)));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(QStringLiteral("/usr/bin/tinyproxy")), "tinyproxy is missing: run tests/install-deps.sh");
        m_https = worldValue("ROLEDROP_TEST_S3_HTTPS_ENDPOINT");
        QVERIFY(m_https.startsWith(QLatin1String("https://")));
        m_rgwPort = QUrl(m_https).port();
        QVERIFY(m_rgwPort > 0);
        m_prefix = QStringLiteral("s3://%1/proxy-test/%2/").arg(worldValue("ROLEDROP_TEST_BUCKET")).arg(QCoreApplication::applicationPid());
    }

    void uploadAndDownloadThroughTheProxy()
    {
        TinyproxyProcess proxy(m_rgwPort);
        QVERIFY(proxy.isRunning());
        const QMap<QString, QString> env{{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://") + proxy.address()}};
        // Big enough for a multipart upload and a ranged download.
        const QString file = Test::writeRandomFile(m_home.filePath(QStringLiteral("up/through-proxy.bin")), 9 * 1024 * 1024 + 333);
        const CliRun uploaded = run(QStringList{QStringLiteral("upload"), file, m_prefix} + asRole(), env);
        QVERIFY2(uploaded.exitCode == 0, qPrintable(describe(uploaded)));
        const QString into = m_home.filePath(QStringLiteral("down"));
        QVERIFY(QDir().mkpath(into));
        const CliRun downloaded = run(QStringList{QStringLiteral("download"), m_prefix + QStringLiteral("through-proxy.bin"), into} + asRole(), env);
        QVERIFY2(downloaded.exitCode == 0, qPrintable(describe(downloaded)));
        QCOMPARE(Test::fileSha256(into + QStringLiteral("/through-proxy.bin")), Test::fileSha256(file));
        // Everything went through the proxy as CONNECT tunnels to RGW's https port, and nothing else.
        const QStringList requests = proxy.requests();
        QVERIFY2(!requests.isEmpty(), qPrintable(proxy.log()));
        for (const QString &request : requests)
            QVERIFY2(request == connectLine(), qPrintable(proxy.log()));
    }

    void noProxyBypassesIt()
    {
        TinyproxyProcess proxy(m_rgwPort);
        QVERIFY(proxy.isRunning());
        const CliRun listed = listThrough({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://") + proxy.address()},
                                           {QStringLiteral("NO_PROXY"), QStringLiteral("example.com, 127.0.0.1")}});
        QVERIFY2(listed.exitCode == 0 && listed.out.contains(QStringLiteral("owner-file.txt")), qPrintable(describe(listed)));
        QVERIFY2(proxy.requests().isEmpty(), qPrintable(proxy.log()));
        // Loopback is not bypassed by itself (as with the AWS CLI): without NO_PROXY it goes through.
        const CliRun proxied = listThrough({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://") + proxy.address()},
                                            {QStringLiteral("NO_PROXY"), QStringLiteral("example.com")}});
        QVERIFY2(proxied.exitCode == 0, qPrintable(describe(proxied)));
        QVERIFY2(proxy.requests().contains(connectLine()), qPrintable(proxy.log()));
    }

    void aProxyThatIsDownIsNamed()
    {
        quint16 closed = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            closed = probe.serverPort();
        }
        const CliRun refused = listThrough({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://user:%1@127.0.0.1:%2").arg(proxyPassword).arg(closed)}});
        checkOneLine(refused);
        QVERIFY2(refused.err.contains(QStringLiteral("the proxy http://127.0.0.1:%1 refused the connection").arg(closed)), qPrintable(describe(refused)));
        QVERIFY2(refused.err.contains(QStringLiteral("HTTPS_PROXY")), qPrintable(describe(refused)));
        QVERIFY2(!refused.err.contains(proxyPassword) && !refused.out.contains(proxyPassword), qPrintable(describe(refused)));
    }

    void aProxyThatIsNotFoundIsNamed()
    {
        const CliRun unknown = listThrough({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://no-such-proxy.invalid:3128")}});
        checkOneLine(unknown);
        QVERIFY2(unknown.err.contains(QStringLiteral("the proxy host name no-such-proxy.invalid was not found")), qPrintable(describe(unknown)));
        QVERIFY2(!unknown.err.contains(QStringLiteral("127.0.0.1")), qPrintable(describe(unknown)));
    }

    void aProxyWantingALoginSaysWhereToPutIt()
    {
        TinyproxyProcess proxy(m_rgwPort, QStringLiteral("proxyuser"), proxyPassword);
        QVERIFY(proxy.isRunning());
        const CliRun refused = listThrough({{QStringLiteral("https_proxy"), QStringLiteral("http://") + proxy.address()}});
        checkOneLine(refused);
        QVERIFY2(refused.err.contains(QStringLiteral("the proxy http://%1 needs a user name and password (407").arg(proxy.address())),
                 qPrintable(describe(refused)));
        QVERIFY2(refused.err.contains(QStringLiteral("https_proxy as http://user:password@%1").arg(proxy.address())), qPrintable(describe(refused)));

        const CliRun wrong = listThrough({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://proxyuser:not-it@%1").arg(proxy.address())}});
        checkOneLine(wrong);
        QVERIFY2(wrong.err.contains(QStringLiteral("the proxy http://%1 did not accept the user name and password").arg(proxy.address())),
                 qPrintable(describe(wrong)));
        QVERIFY2(!wrong.err.contains(QStringLiteral("not-it")), qPrintable(describe(wrong)));
    }

    void aLoginInTheProxyUrlWorksAndStaysHidden()
    {
        TinyproxyProcess proxy(m_rgwPort, QStringLiteral("proxyuser"), proxyPassword);
        QVERIFY(proxy.isRunning());
        const QMap<QString, QString> env{{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://proxyuser:%1@%2").arg(proxyPassword, proxy.address())}};
        const QString file = Test::writeRandomFile(m_home.filePath(QStringLiteral("auth/login.bin")), 200 * 1024 + 5);
        const CliRun uploaded = run(QStringList{QStringLiteral("upload"), file, m_prefix} + asRole(), env);
        QVERIFY2(uploaded.exitCode == 0, qPrintable(describe(uploaded)));
        const QString into = m_home.filePath(QStringLiteral("auth-down"));
        QVERIFY(QDir().mkpath(into));
        const CliRun downloaded = run(QStringList{QStringLiteral("download"), m_prefix + QStringLiteral("login.bin"), into}
                                          + asRole().mid(0, asRole().size() - 1),  // not --quiet: all the output it has
                                      env);
        QVERIFY2(downloaded.exitCode == 0, qPrintable(describe(downloaded)));
        QCOMPARE(Test::fileSha256(into + QStringLiteral("/login.bin")), Test::fileSha256(file));
        QVERIFY2(proxy.requests().contains(connectLine()), qPrintable(proxy.log()));
        for (const CliRun &done : {uploaded, downloaded})
            QVERIFY2(!done.out.contains(proxyPassword) && !done.err.contains(proxyPassword), qPrintable(describe(done)));
    }
};

QTEST_GUILESS_MAIN(ProxyTest)
#include "proxy_test.moc"
