// Real TLS handshakes between AwsHttpClient and a small https server on 127.0.0.1 (QSslServer) serving the
// certificates of tests/servers/make-test-ca.sh: trusted through a CA file, refused without it, expired, for other
// names, self-signed; each refusal one line naming the host, never retried, never ignored. Also what is said when
// nothing listens (refused) and when the port speaks plain HTTP.

#include "core/http/aws_call.h"
#include "core/http/aws_http_client.h"
#include "test_ca.h"

#include <QEventLoop>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>
#include <optional>

using namespace RoleDrop;

namespace {

// HTTPS on 127.0.0.1 with one certificate: answers every request "200 ok" and counts the handshakes begun.
class TinyHttpsServer
{
public:
    TinyHttpsServer(const QSslCertificate &certificate, const QSslKey &key)
    {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setLocalCertificate(certificate);
        configuration.setPrivateKey(key);
        configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_server.setSslConfiguration(configuration);
        QObject::connect(&m_server, &QSslServer::startedEncryptionHandshake, &m_server, [this](QSslSocket *) { ++m_handshakes; });
        QObject::connect(&m_server, &QTcpServer::pendingConnectionAvailable, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                serve(socket);
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    quint16 port() const { return m_server.serverPort(); }
    int handshakes() const { return m_handshakes; }

private:
    static void serve(QTcpSocket *socket)
    {
        auto received = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, received] {
            *received += socket->readAll();
            if (!received->contains("\r\n\r\n"))
                return;
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            socket->disconnectFromHost();
        });
    }

    QSslServer m_server;
    int m_handshakes = 0;
};

// A server that answers plain HTTP at once, whatever comes: what an https:// URL meets on an http port.
class PlainHttpServer
{
public:
    PlainHttpServer()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                socket->disconnectFromHost();
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
};

AwsCredentials testKeys()
{
    return {QStringLiteral("AKIDEXAMPLE"), QStringLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), QString(), QDateTime()};
}

} // namespace

class AwsHttpClientTlsTest : public QObject
{
    Q_OBJECT

private:
    Test::TestCa m_ca;

    Http::TlsTrust trustingTheTestCa() const
    {
        const auto trust = Http::TlsTrust::fromCaFile(m_ca.path(QStringLiteral("ca.pem")), QStringLiteral("AWS_CA_BUNDLE"));
        return trust ? trust.value() : Http::TlsTrust{};
    }

    static Outcome<Http::AwsHttpResponse> get(Http::AwsHttpClient &http, const QString &url, const Http::TlsTrust &trust)
    {
        Http::AwsHttpRequest request;
        request.baseUrl = QUrl(url);
        request.path = QStringLiteral("/");
        request.service = QStringLiteral("s3");
        request.region = QStringLiteral("us-east-1");
        request.tls = trust;
        std::optional<Outcome<Http::AwsHttpResponse>> result;
        QEventLoop loop;
        QTimer::singleShot(30000, &loop, &QEventLoop::quit);
        http.send(http.newCall(&loop), Http::fixedCredentials(testKeys()), request, [&](Outcome<Http::AwsHttpResponse> answer) {
            result.emplace(std::move(answer));
            loop.quit();
        });
        if (!result)
            loop.exec();
        if (!result)
            return AwsError::local(AwsErrorKind::Timeout, QStringLiteral("test timed out"));
        return std::move(*result);
    }

    // The user's line for a failed request, checked for what every TLS refusal must be.
    static QString tlsFailure(const Outcome<Http::AwsHttpResponse> &answer)
    {
        if (answer)
            return QStringLiteral("(the request succeeded: HTTP %1)").arg(answer->status);
        if (answer.error().kind != AwsErrorKind::Tls)
            return QStringLiteral("(not a TLS error: %1)").arg(answer.error().userMessage());
        return answer.error().userMessage();
    }

private slots:
    void initTestCase() { QVERIFY2(m_ca.make(), qPrintable(m_ca.problem())); }

    void trustedThroughTheCaFile_data()
    {
        QTest::addColumn<QString>("host");
        QTest::newRow("127.0.0.1") << "127.0.0.1";
        QTest::newRow("localhost") << "localhost";
    }
    void trustedThroughTheCaFile()
    {
        QFETCH(QString, host);
        TinyHttpsServer server(m_ca.certificate(QStringLiteral("server.pem")), m_ca.serverKey());
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const auto answer = get(http, QStringLiteral("https://%1:%2").arg(host).arg(server.port()), trustingTheTestCa());
        QVERIFY2(answer, qPrintable(answer.error().userMessage()));
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->body, QByteArray("ok"));
    }

    void untrustedWithoutIt()
    {
        TinyHttpsServer server(m_ca.certificate(QStringLiteral("server.pem")), m_ca.serverKey());
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const QString line = tlsFailure(get(http, QStringLiteral("https://127.0.0.1:%1").arg(server.port()), Http::TlsTrust{}));
        QVERIFY2(line.contains(QStringLiteral("the TLS certificate of 127.0.0.1 is not trusted: its issuer 'RoleDrop Test CA")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("AWS_CA_BUNDLE")), qPrintable(line));
        QVERIFY2(!line.contains(QStringLiteral("refused"), Qt::CaseInsensitive), qPrintable(line));
        // A certificate does not get better by asking again.
        QCOMPARE(server.handshakes(), 1);
    }

    void anUnrelatedCaDoesNotHelp()
    {
        TinyHttpsServer server(m_ca.certificate(QStringLiteral("server.pem")), m_ca.serverKey());
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const auto other = Http::TlsTrust::fromCaFile(m_ca.path(QStringLiteral("other-ca.pem")), QStringLiteral("--ca-bundle"));
        QVERIFY(other);
        const QString line = tlsFailure(get(http, QStringLiteral("https://127.0.0.1:%1").arg(server.port()), other.value()));
        QVERIFY2(line.contains(QStringLiteral("is not trusted")), qPrintable(line));
        QVERIFY2(line.contains(m_ca.path(QStringLiteral("other-ca.pem"))), qPrintable(line));
    }

    void aFixedCaFileWorksInTheSameClient()
    {
        // Refused first (no CA file), then the user adds the CA file: the same client must not reuse what it
        // opened under the old trust.
        TinyHttpsServer server(m_ca.certificate(QStringLiteral("server.pem")), m_ca.serverKey());
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const QString url = QStringLiteral("https://127.0.0.1:%1").arg(server.port());
        QVERIFY(!get(http, url, Http::TlsTrust{}));
        const auto answer = get(http, url, trustingTheTestCa());
        QVERIFY2(answer, qPrintable(answer.error().userMessage()));
        QCOMPARE(answer->status, 200);
        // And the other way round: a request without the CA file is still refused.
        QVERIFY(!get(http, url, Http::TlsTrust{}));
    }

    void expired()
    {
        TinyHttpsServer server(m_ca.certificate(QStringLiteral("expired.pem")), m_ca.serverKey());
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const QString line = tlsFailure(get(http, QStringLiteral("https://127.0.0.1:%1").arg(server.port()), trustingTheTestCa()));
        QVERIFY2(line.contains(QStringLiteral("the TLS certificate of 127.0.0.1 is not accepted: it expired on 2020-01-31 00:00 UTC")), qPrintable(line));
        QCOMPARE(server.handshakes(), 1);
    }

    void notYetValid()
    {
        TinyHttpsServer server(m_ca.certificate(QStringLiteral("not-yet-valid.pem")), m_ca.serverKey());
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const QString line = tlsFailure(get(http, QStringLiteral("https://127.0.0.1:%1").arg(server.port()), trustingTheTestCa()));
        QVERIFY2(line.contains(QStringLiteral("it is not valid until 2099-01-01 00:00 UTC")), qPrintable(line));
    }

    void wrongName()
    {
        TinyHttpsServer server(m_ca.certificate(QStringLiteral("wrong-name.pem")), m_ca.serverKey());
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const QString line = tlsFailure(get(http, QStringLiteral("https://127.0.0.1:%1").arg(server.port()), trustingTheTestCa()));
        QVERIFY2(line.contains(QStringLiteral("the TLS certificate of 127.0.0.1 is not accepted: it is for ")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("wrong-name.example")) && line.contains(QStringLiteral("not for 127.0.0.1")), qPrintable(line));
        QVERIFY2(!line.contains(QStringLiteral("AWS_CA_BUNDLE")), qPrintable(line));   // its CA is trusted: a CA is not the fix
    }

    void selfSigned()
    {
        TinyHttpsServer server(m_ca.certificate(QStringLiteral("self-signed.pem")), m_ca.serverKey());
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const QString line = tlsFailure(get(http, QStringLiteral("https://127.0.0.1:%1").arg(server.port()), trustingTheTestCa()));
        QVERIFY2(line.contains(QStringLiteral("the TLS certificate of 127.0.0.1 is not trusted: it is self-signed")), qPrintable(line));
    }

    void httpsToAPlainHttpPort()
    {
        PlainHttpServer server;
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const QString line = tlsFailure(get(http, QStringLiteral("https://127.0.0.1:%1").arg(server.port()), Http::TlsTrust{}));
        QVERIFY2(line.contains(QStringLiteral("the TLS handshake with 127.0.0.1:%1 failed").arg(server.port())), qPrintable(line));
        QVERIFY2(!line.contains(QStringLiteral("refused"), Qt::CaseInsensitive), qPrintable(line));
    }

    void refusedOnlyWhenRefused()
    {
        quint16 closed = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            closed = probe.serverPort();
        }
        Http::AwsHttpClient http;
        Http::RetryPolicy once;
        once.maxAttempts = 1;
        http.setRetryPolicy(once);
        const auto answer = get(http, QStringLiteral("https://127.0.0.1:%1").arg(closed), trustingTheTestCa());
        QVERIFY(!answer);
        QCOMPARE(answer.error().kind, AwsErrorKind::Network);
        const QString line = answer.error().userMessage();
        QVERIFY2(line.contains(QStringLiteral("127.0.0.1:%1 refused the connection").arg(closed)), qPrintable(line));
        QVERIFY2(!line.contains(QStringLiteral("TLS")), qPrintable(line));
    }
};

QTEST_GUILESS_MAIN(AwsHttpClientTlsTest)
#include "aws_http_client_tls_test.moc"
