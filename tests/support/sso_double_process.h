#pragma once

// The IAM Identity Center TEST DOUBLE (tests/servers/sso_test_double.py) run by a test for itself, with a world of
// the test's choosing and the STS its GetRoleCredentials keys come from: e.g. in front of Ceph RGW, so that an
// Identity Center role's keys work on the test RGW. It speaks https with the run's test CA (ROLEDROP_TEST_TLS_DIR)
// and checks that STS against the same CA. Stopped when the object goes.

#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace RoleDrop::Test {

class SsoDoubleProcess
{
public:
    SsoDoubleProcess(const QString &worldFile, const QString &stsEndpoint, const QString &stsAccessKey, const QString &stsSecretKey)
    {
        const QString portFile = m_dir.filePath(QStringLiteral("port"));
        const QString tlsDir = qEnvironmentVariable("ROLEDROP_TEST_TLS_DIR");
        QStringList arguments{QStringLiteral(ROLEDROP_TESTS_DIR "/servers/sso_test_double.py"), QStringLiteral("--world"), worldFile,
                              QStringLiteral("--port-file"), portFile, QStringLiteral("--sts-endpoint"), stsEndpoint};
        if (!tlsDir.isEmpty()) {
            arguments << QStringLiteral("--tls-cert") << tlsDir + QStringLiteral("/server.pem") << QStringLiteral("--tls-key")
                      << tlsDir + QStringLiteral("/server.key") << QStringLiteral("--ca-file") << tlsDir + QStringLiteral("/ca.pem");
            m_scheme = QStringLiteral("https");
        }
        // The keys the double assumes roles with go through its environment, never its command line.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SSO_DOUBLE_STS_ACCESS_KEY"), stsAccessKey);
        env.insert(QStringLiteral("SSO_DOUBLE_STS_SECRET_KEY"), stsSecretKey);
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(QStringLiteral("/usr/bin/python3"), arguments);
        if (!QTest::qWaitFor([&] { return QFile::exists(portFile) && m_process.state() == QProcess::Running; }, 20000))
            qWarning("the IAM Identity Center test double did not start in 20 s");
        QFile port(portFile);
        m_port = port.open(QIODevice::ReadOnly) ? port.readAll().trimmed().toInt() : 0;
    }
    ~SsoDoubleProcess()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
    }
    Q_DISABLE_COPY_MOVE(SsoDoubleProcess)

    bool isRunning() const { return m_port > 0 && m_process.state() == QProcess::Running; }
    QString endpoint() const { return QStringLiteral("%1://127.0.0.1:%2").arg(m_scheme).arg(m_port); }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_scheme = QStringLiteral("http");
    int m_port = 0;
};

} // namespace RoleDrop::Test
