#pragma once

// The fault-injecting proxy (tests/servers/fault_proxy.py, a TEST TOOL) run by a test for itself, in front of
// one upstream server: rules set through its control port, its log read back (what reached the server, how
// many bytes). Stopped when the object goes.
// In front of an https server it speaks https too, as the server does: with a certificate from the run's test CA
// (ROLEDROP_TEST_TLS_DIR, made by tests/servers/make-test-ca.sh), checking the server against that CA. A test of
// certificate errors picks another of that folder's certificates (expired.pem, wrong-name.pem...).

#include <QByteArray>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

namespace RoleDrop::Test {

class FaultProxyProcess
{
public:
    explicit FaultProxyProcess(const QString &upstream, const QString &certificate = QStringLiteral("server.pem"))
    {
        const QString portFile = m_dir.filePath(QStringLiteral("port"));
        const QString controlFile = m_dir.filePath(QStringLiteral("control"));
        QStringList arguments{QStringLiteral(ROLEDROP_TESTS_DIR "/servers/fault_proxy.py"), QStringLiteral("--upstream"), upstream,
                              QStringLiteral("--port-file"), portFile, QStringLiteral("--control-port-file"), controlFile,
                              QStringLiteral("--quiet")};
        const QString tlsDir = qEnvironmentVariable("ROLEDROP_TEST_TLS_DIR");
        if (upstream.startsWith(QLatin1String("https://")) && !tlsDir.isEmpty()) {
            m_scheme = QStringLiteral("https");
            arguments << QStringLiteral("--upstream-ca") << tlsDir + QStringLiteral("/ca.pem") << QStringLiteral("--tls-cert")
                      << tlsDir + QLatin1Char('/') + certificate << QStringLiteral("--tls-key") << tlsDir + QStringLiteral("/server.key");
        }
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(QStringLiteral("/usr/bin/python3"), arguments);
        if (!QTest::qWaitFor([&] { return QFile::exists(portFile) && QFile::exists(controlFile) && m_process.state() == QProcess::Running; }, 20000))
            qWarning("the fault proxy did not start in 20 s (%s)", qPrintable(arguments.join(QLatin1Char(' '))));
        m_port = readNumber(portFile);
        m_control = readNumber(controlFile);
    }
    ~FaultProxyProcess()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
    }
    Q_DISABLE_COPY_MOVE(FaultProxyProcess)

    bool isRunning() const { return m_port > 0 && m_control > 0 && m_process.state() == QProcess::Running; }
    QString endpoint() const { return QStringLiteral("%1://127.0.0.1:%2").arg(m_scheme).arg(m_port); }

    // Replaces the rule list (see tests/servers/README.md for the rule format).
    bool setRules(const QJsonArray &rules) { return !control("POST", QStringLiteral("/rules"), QJsonDocument(rules).toJson()).contains("\"error\""); }
    QJsonArray log() { return QJsonDocument::fromJson(control("GET", QStringLiteral("/log"))).object().value(QStringLiteral("entries")).toArray(); }
    void clearLog() { control("DELETE", QStringLiteral("/log")); }

private:
    static int readNumber(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().toInt() : 0;
    }

    QByteArray control(const QByteArray &method, const QString &path, const QByteArray &body = QByteArray())
    {
        QNetworkAccessManager plain;
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_control).arg(path)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = plain.sendCustomRequest(request, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        const QByteArray answer = reply->readAll();
        reply->deleteLater();
        return answer;
    }

    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_scheme = QStringLiteral("http");
    int m_port = 0;
    int m_control = 0;
};

} // namespace RoleDrop::Test
