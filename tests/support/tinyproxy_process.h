#pragma once

// A real forward proxy (Debian's tinyproxy, installed by tests/install-deps.sh) run by a test for itself on
// 127.0.0.1, with a config written for it: CONNECT allowed to one port only (the server under test), optionally
// Basic authentication, and its log kept to prove what went through it. Stopped when the object goes.

#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace RoleDrop::Test {

class TinyproxyProcess
{
public:
    // `user` and `password` non-empty: the proxy answers 407 to requests without them.
    explicit TinyproxyProcess(int connectPort, const QString &user = {}, const QString &password = {})
    {
        // tinyproxy has no "Port 0": a port the system just handed out, freed for it.
        {
            QTcpServer probe;
            if (probe.listen(QHostAddress::LocalHost))
                m_port = probe.serverPort();
        }
        QByteArray config = "Port " + QByteArray::number(m_port) + "\nListen 127.0.0.1\nTimeout 60\nMaxClients 20\n"
                            "Allow 127.0.0.1\nLogLevel Connect\nDisableViaHeader Yes\n"
                            "LogFile \"" + logPath().toUtf8() + "\"\nConnectPort " + QByteArray::number(connectPort) + "\n";
        if (!user.isEmpty())
            config += "BasicAuth " + user.toUtf8() + ' ' + password.toUtf8() + '\n';
        QFile file(m_dir.filePath(QStringLiteral("tinyproxy.conf")));
        if (!file.open(QIODevice::WriteOnly) || file.write(config) != config.size())
            qFatal("cannot write the tinyproxy config");
        file.close();
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.setStandardOutputFile(QProcess::nullDevice());
        m_process.start(QStringLiteral("/usr/bin/tinyproxy"), {QStringLiteral("-d"), QStringLiteral("-c"), file.fileName()});
        m_listening = QTest::qWaitFor([this] {
            if (m_process.state() != QProcess::Running)
                return false;
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, quint16(m_port));
            return socket.waitForConnected(200);
        }, 20000);
    }
    ~TinyproxyProcess()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
    }
    Q_DISABLE_COPY_MOVE(TinyproxyProcess)

    bool isRunning() const { return m_listening && m_port > 0 && m_process.state() == QProcess::Running; }
    int port() const { return m_port; }
    QString address() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }
    // The request lines it saw ("CONNECT 127.0.0.1:21746 HTTP/1.1", ...), the probe connections left out.
    QStringList requests() const
    {
        QFile file(logPath());
        if (!file.open(QIODevice::ReadOnly))
            return {};
        QStringList lines;
        for (const QByteArray &line : file.readAll().split('\n')) {
            const int at = line.indexOf("Request (file descriptor");
            if (at >= 0)
                lines.append(QString::fromUtf8(line.mid(line.indexOf("): ", at) + 3)));
        }
        return lines;
    }
    QString log() const
    {
        QFile file(logPath());
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }

private:
    QString logPath() const { return m_dir.filePath(QStringLiteral("tinyproxy.log")); }

    QTemporaryDir m_dir;
    QProcess m_process;
    int m_port = 0;
    bool m_listening = false;
};

} // namespace RoleDrop::Test
