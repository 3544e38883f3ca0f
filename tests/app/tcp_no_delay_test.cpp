#include "app/tcp_no_delay.h"

#include <QDir>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

// Qt's HTTP client does not set TCP_NODELAY itself; app/tcp_no_delay.cpp does it for every TCP socket
// of an executable that links it (the roledrop binary; the tests and benchmarks link it too, as the app does).
// This looks at the sockets Qt's own HTTP connection really uses, from the kernel's side.
class TcpNoDelayTest final : public QObject
{
    Q_OBJECT

private slots:
    void qtHttpConnectionsHaveNagleOff();
};

namespace {

// The TCP_NODELAY value of each of this process's sockets connected to 127.0.0.1:port.
QList<int> noDelayOfSocketsTo(quint16 port)
{
    QList<int> values;
    const QStringList fds = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System);
    for (const QString &name : fds) {
        const int fd = name.toInt();
        sockaddr_in peer{};
        socklen_t length = sizeof peer;
        if (getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &length) != 0 || peer.sin_family != AF_INET
            || ntohs(peer.sin_port) != port)
            continue;
        int value = -1;
        socklen_t valueLength = sizeof value;
        if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &valueLength) == 0)
            values << value;
    }
    return values;
}

} // namespace

void TcpNoDelayTest::qtHttpConnectionsHaveNagleOff()
{
#if !ROLEDROP_TCP_NODELAY_EXPECTED
    QSKIP("built with ROLEDROP_TCP_NODELAY=OFF (sanitizer builds): Qt's sockets keep Nagle on");
#endif
    QVERIFY(RoleDrop::App::tcpNoDelayForAllSockets());
    // A minimal HTTP server on 127.0.0.1 that answers every request with an empty 200 and keeps the connection.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress(QStringLiteral("127.0.0.1")), 0));
    QList<QTcpSocket *> accepted;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            accepted << socket;
            connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                const QByteArray request = socket->readAll();
                if (request.contains("\r\n\r\n"))
                    socket->write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            });
        }
    });
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(server.serverPort())));
    QNetworkReply *reply = network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);

    const QList<int> values = noDelayOfSocketsTo(server.serverPort());
    QVERIFY2(!values.isEmpty(), "no socket of this process is connected to the test server");
    for (const int value : values)
        QVERIFY2(value != 0, "a Qt HTTP connection has Nagle's algorithm on");
    reply->deleteLater();
}

QTEST_GUILESS_MAIN(TcpNoDelayTest)
#include "tcp_no_delay_test.moc"
