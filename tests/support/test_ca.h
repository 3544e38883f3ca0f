#pragma once

// A certificate authority of a test's own, made by tests/servers/make-test-ca.sh (the script the servers' CA
// comes from) in a temporary folder: ca.pem, other-ca.pem, and server certificates for 127.0.0.1/localhost
// (server.pem), expired (expired.pem), not yet valid (not-yet-valid.pem), for other names (wrong-name.pem) and
// self-signed (self-signed.pem), all with server.key.

#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QTemporaryDir>
#include <QtGlobal>

namespace RoleDrop::Test {

class TestCa
{
public:
    // Makes the certificates; false (with the script's output in `problem()`) when that failed.
    bool make()
    {
        QProcess script;
        script.setProcessChannelMode(QProcess::MergedChannels);
        script.start(QStringLiteral("bash"), {QStringLiteral(ROLEDROP_TESTS_DIR "/servers/make-test-ca.sh"), m_dir.path()});
        const bool ran = script.waitForFinished(60000) && script.exitStatus() == QProcess::NormalExit && script.exitCode() == 0;
        m_problem = QString::fromLocal8Bit(script.readAll());
        return ran;
    }
    QString problem() const { return m_problem; }

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString folder() const { return m_dir.path(); }
    QSslCertificate certificate(const QString &name) const
    {
        const QList<QSslCertificate> all = QSslCertificate::fromPath(path(name));
        return all.isEmpty() ? QSslCertificate() : all.first();
    }
    QSslKey serverKey() const
    {
        QFile file(path(QStringLiteral("server.key")));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QSslKey(file.readAll(), QSsl::Rsa);
    }

private:
    QTemporaryDir m_dir;
    QString m_problem;
};

} // namespace RoleDrop::Test
