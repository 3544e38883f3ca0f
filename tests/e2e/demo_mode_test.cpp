// `roledrop --demo` as a newcomer runs it: the sandbox server starts, the tutorial's world is there,
// the `james` profile works from the command line (its secret in the real keychain), and quitting the
// app stops the server. The server speaks https with a certificate from a CA the demo makes for itself, which its
// profile trusts (and nothing else does).

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class DemoModeTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_config;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config.path());
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("AWS_CONFIG_FILE"), QStringLiteral("/dev/null"));
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), QStringLiteral("/dev/null"));
        // Only the demo profile's own CA file may make its server trusted.
        env.remove(QStringLiteral("AWS_CA_BUNDLE"));
        return env;
    }

    int runCli(const QStringList &arguments, QString *out, QString *err)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(QStringLiteral(ROLEDROP_CLI_PATH), arguments);
        if (!process.waitForFinished(60000))
            return -1;
        *out = QString::fromUtf8(process.readAllStandardOutput());
        *err = QString::fromUtf8(process.readAllStandardError());
        return process.exitCode();
    }

    static bool reachable(const QString &endpoint, const QList<QSslCertificate> &demoCa)
    {
        QNetworkAccessManager network;
        QNetworkRequest request{QUrl(endpoint)};
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(demoCa);
        request.setSslConfiguration(tls);
        QNetworkReply *reply = network.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(10000);
        const bool answered = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() > 0;
        reply->deleteLater();
        return answered;
    }

private slots:
    void demoRunsTheTutorialAndStopsOnQuit()
    {
        QProcess demo;
        demo.setProcessEnvironment(environment());
        demo.start(QStringLiteral(ROLEDROP_CLI_PATH), {QStringLiteral("--demo")});
        QVERIFY(demo.waitForStarted());
        QString log;
        QRegularExpressionMatch ready;
        for (int waited = 0; waited < 240 && !ready.hasMatch(); ++waited) {
            demo.waitForReadyRead(1000);
            log += QString::fromUtf8(demo.readAllStandardError());
            ready = QRegularExpression(QStringLiteral("demo ready at (https://127\\.0\\.0\\.1:\\d+) \\(its certificate is from the "
                                                      "demo's own CA, (/\\S+\\.pem),")).match(log);
            QVERIFY2(demo.state() == QProcess::Running, qPrintable(log));
        }
        QVERIFY2(ready.hasMatch(), qPrintable(log));
        const QString endpoint = ready.captured(1);
        // Read now: the CA goes with the demo's folder when it quits.
        const QList<QSslCertificate> demoCa = QSslCertificate::fromPath(ready.captured(2));
        QVERIFY2(!demoCa.isEmpty(), qPrintable(ready.captured(2)));
        QVERIFY2(reachable(endpoint, demoCa), qPrintable(endpoint));

        QString out, err;
        // The demo keeps its profile to itself: the user's own profiles have no 'james'...
        QCOMPARE(runCli({QStringLiteral("ls"), QStringLiteral("s3://data/"), QStringLiteral("--profile"), QStringLiteral("james")}, &out, &err), 1);
        QVERIFY2(err.contains(QStringLiteral("No profile named 'james'")), qPrintable(err));
        // ...and --demo reaches it.
        QCOMPARE(runCli({QStringLiteral("--demo"), QStringLiteral("ls"), QStringLiteral("s3://data/"), QStringLiteral("--profile"),
                         QStringLiteral("james")}, &out, &err), 1);
        QVERIFY2(err.contains(QStringLiteral("s3:ListBucket")), qPrintable(err));
        QCOMPARE(runCli({QStringLiteral("--demo"), QStringLiteral("ls"), QStringLiteral("s3://data/"), QStringLiteral("--profile"),
                         QStringLiteral("james"), QStringLiteral("--role"), QStringLiteral("arn:aws:iam:::role/S3Access")}, &out, &err), 0);
        QVERIFY2(out.contains(QStringLiteral("owner-file.txt")), qPrintable(err));

        ::kill(pid_t(demo.processId()), SIGTERM);
        QVERIFY(demo.waitForFinished(60000));
        QCOMPARE(demo.exitStatus(), QProcess::NormalExit);
        QVERIFY2(!reachable(endpoint, demoCa), "the demo server still answers after the app quit");
    }
};

QTEST_GUILESS_MAIN(DemoModeTest)
#include "demo_mode_test.moc"
