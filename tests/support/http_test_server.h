#pragma once

// The transport of the tests' small in-process servers (test doubles): HTTP/1.1 on 127.0.0.1 only, one
// request per connection (answered with Connection: close), the request recorded byte for byte as it arrived
// and answered by the test's handler, after an optional delay. The handler decides what the double checks.

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <utility>

namespace RoleDrop::Test {

class HttpTestServer final
{
public:
    struct Request
    {
        QByteArray method;
        QByteArray target;   // the request-target, byte for byte
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QByteArray header(const QByteArray &name) const
        {
            for (const auto &[key, value] : headers) {
                if (key.compare(name, Qt::CaseInsensitive) == 0)
                    return value;
            }
            return {};
        }
        QString path() const { return QUrl::fromPercentEncoding(target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'))); }
        QUrlQuery query() const
        {
            const qsizetype mark = target.indexOf('?');
            return mark < 0 ? QUrlQuery() : QUrlQuery(QString::fromLatin1(target.mid(mark + 1)));
        }
    };
    struct Response
    {
        int status = 200;
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
        int delayMs = 0;   // answer this much later (a slow server)
    };
    using Handler = std::function<Response(const Request &)>;

    explicit HttpTestServer(Handler handler = {}) : m_handler(std::move(handler))
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                serve(socket);
        });
    }

    void setHandler(Handler handler) { m_handler = std::move(handler); }
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    QUrl baseUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    const QList<Request> &requests() const { return m_requests; }

private:
    void serve(QTcpSocket *socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        auto answered = std::make_shared<bool>(false);
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer, answered] {
            *buffer += socket->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0 || *answered)
                return;
            Request request;
            const QList<QByteArray> lines = buffer->left(end).split('\n');
            const QList<QByteArray> first = lines.first().trimmed().split(' ');
            request.method = first.value(0);
            request.target = first.value(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines.at(i).indexOf(':');
                if (colon > 0)
                    request.headers.append({lines.at(i).left(colon).trimmed(), lines.at(i).mid(colon + 1).trimmed()});
            }
            const qint64 length = request.header("content-length").toLongLong();
            if (buffer->size() - end - 4 < length)
                return;  // the body is still on its way
            request.body = buffer->mid(end + 4, length);
            *answered = true;
            m_requests.append(request);
            const Response response = m_handler ? m_handler(request) : Response{};
            const auto send = [socket, response] {
                QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + " Test\r\n";
                for (const auto &[name, value] : response.headers)
                    out += name + ": " + value + "\r\n";
                out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\nConnection: close\r\n\r\n";
                socket->write(out + response.body);
                socket->disconnectFromHost();
            };
            if (response.delayMs > 0)
                QTimer::singleShot(response.delayMs, socket, send);
            else
                send();
        });
    }

    QTcpServer m_server;
    Handler m_handler;
    QList<Request> m_requests;
};

} // namespace RoleDrop::Test
