// The one line a user reads when a server's certificate is refused: the host, what is wrong (not trusted,
// expired on a date, not valid yet, other names, revoked) and what to do. Built from QSslErrors on real
// certificates made by tests/servers/make-test-ca.sh.

#include "core/http/certificate_errors.h"
#include "test_ca.h"

#include <QTest>

using namespace RoleDrop;

class CertificateErrorsTest : public QObject
{
    Q_OBJECT

private:
    Test::TestCa m_ca;
    const QDateTime m_now = QDateTime(QDate(2026, 11, 30), QTime(14, 0), Qt::UTC);

    QSslError error(QSslError::SslError kind, const QString &certificate) const
    {
        return QSslError(kind, m_ca.certificate(certificate));
    }
    // The line as the user sees it, for an S3 call.
    static QString shown(AwsError failure)
    {
        failure.action = QStringLiteral("s3:ListBuckets");
        return failure.userMessage();
    }
    static void checkOneLine(const QString &line)
    {
        QVERIFY2(!line.contains(QLatin1Char('\n')), qPrintable(line));
        QVERIFY2(!line.endsWith(QChar(0x2026)), qPrintable(line));   // not cut short
        // Nothing refused a connection: RoleDrop did not go on with it.
        QVERIFY2(!line.contains(QStringLiteral("refused"), Qt::CaseInsensitive), qPrintable(line));
        QVERIFY2(!line.contains(QStringLiteral("ignore"), Qt::CaseInsensitive), qPrintable(line));
    }

private slots:
    void initTestCase() { QVERIFY2(m_ca.make(), qPrintable(m_ca.problem())); }

    void unknownIssuer()
    {
        const AwsError failure = Http::certificateError(
            QStringLiteral("127.0.0.1"), {error(QSslError::UnableToGetLocalIssuerCertificate, QStringLiteral("server.pem")),
                                          error(QSslError::UnableToVerifyFirstCertificate, QStringLiteral("server.pem"))},
            Http::TlsTrust{}, m_now);
        QCOMPARE(failure.kind, AwsErrorKind::Tls);
        const QString line = shown(failure);
        checkOneLine(line);
        QVERIFY2(line.startsWith(QStringLiteral("Cannot connect securely (s3:ListBuckets): the TLS certificate of 127.0.0.1 is not trusted: ")), qPrintable(line));
        const QString issuer = m_ca.certificate(QStringLiteral("ca.pem")).subjectInfo(QSslCertificate::CommonName).first();
        QVERIFY2(line.contains(QStringLiteral("its issuer '%1' is not among the system's CAs.").arg(issuer)), qPrintable(line));
        for (const char *remedy : {"AWS_CA_BUNDLE", "ca_bundle", "CA file setting", "--ca-bundle"})
            QVERIFY2(line.contains(QLatin1String(remedy)), qPrintable(line));
        // Both verdicts say the same thing: said once.
        QCOMPARE(line.count(QStringLiteral("issuer")), 1);
    }

    void unknownIssuerNamesTheCaFilesTried()
    {
        const auto trust = Http::TlsTrust::fromCaFile(m_ca.path(QStringLiteral("other-ca.pem")), QStringLiteral("AWS_CA_BUNDLE"));
        QVERIFY(trust);
        const QString line = shown(Http::certificateError(QStringLiteral("127.0.0.1"),
            {error(QSslError::UnableToGetLocalIssuerCertificate, QStringLiteral("server.pem"))}, trust.value(), m_now));
        checkOneLine(line);
        QVERIFY2(line.contains(QStringLiteral("not among the system's CAs or in %1").arg(m_ca.path(QStringLiteral("other-ca.pem")))), qPrintable(line));
    }

    void selfSigned()
    {
        const QString line = shown(Http::certificateError(QStringLiteral("localhost"),
            {error(QSslError::SelfSignedCertificate, QStringLiteral("self-signed.pem"))}, Http::TlsTrust{}, m_now));
        checkOneLine(line);
        QVERIFY2(line.contains(QStringLiteral("the TLS certificate of localhost is not trusted: it is self-signed")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("AWS_CA_BUNDLE")), qPrintable(line));
    }

    void expired()
    {
        const QString line = shown(Http::certificateError(QStringLiteral("127.0.0.1"),
            {error(QSslError::CertificateExpired, QStringLiteral("expired.pem"))}, Http::TlsTrust{}, m_now));
        checkOneLine(line);
        QVERIFY2(line.contains(QStringLiteral("the TLS certificate of 127.0.0.1 is not accepted: it expired on 2020-01-31 00:00 UTC.")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("must renew it")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("2026-11-30 14:00 UTC")), qPrintable(line));   // this computer's clock
        QVERIFY2(!line.contains(QStringLiteral("AWS_CA_BUNDLE")), qPrintable(line));        // a CA would not help
    }

    void notYetValid()
    {
        const QString line = shown(Http::certificateError(QStringLiteral("127.0.0.1"),
            {error(QSslError::CertificateNotYetValid, QStringLiteral("not-yet-valid.pem"))}, Http::TlsTrust{}, m_now));
        checkOneLine(line);
        QVERIFY2(line.contains(QStringLiteral("it is not valid until 2099-01-01 00:00 UTC. Check this computer's clock (it says 2026-11-30 14:00 UTC)")),
                 qPrintable(line));
    }

    void wrongName()
    {
        const QString line = shown(Http::certificateError(QStringLiteral("127.0.0.1"),
            {error(QSslError::HostNameMismatch, QStringLiteral("wrong-name.pem"))}, Http::TlsTrust{}, m_now));
        checkOneLine(line);
        // The certificate's names, in the order Qt lists them.
        QVERIFY2(line.contains(QStringLiteral("it is for wrong-name.example, *.wrong-name.example, not for 127.0.0.1."))
                     || line.contains(QStringLiteral("it is for *.wrong-name.example, wrong-name.example, not for 127.0.0.1.")),
                 qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("a certificate that names 127.0.0.1")), qPrintable(line));
    }

    void revoked()
    {
        const QString line = shown(Http::certificateError(QStringLiteral("s3.example.com"),
            {error(QSslError::CertificateRevoked, QStringLiteral("server.pem"))}, Http::TlsTrust{}, m_now));
        checkOneLine(line);
        QVERIFY2(line.contains(QStringLiteral("the TLS certificate of s3.example.com is not accepted: its CA has revoked it.")), qPrintable(line));
    }

    void otherProblemsSayQtsWords()
    {
        const QSslError signature = error(QSslError::CertificateSignatureFailed, QStringLiteral("server.pem"));
        const QString line = shown(Http::certificateError(QStringLiteral("127.0.0.1"), {signature}, Http::TlsTrust{}, m_now));
        checkOneLine(line);
        QVERIFY2(line.contains(signature.errorString()), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("127.0.0.1")), qPrintable(line));
    }

    void severalProblemsMostFundamentalFirst()
    {
        // An untrusted certificate for other names: both are said, and the advice is the CA's.
        const QString line = shown(Http::certificateError(QStringLiteral("127.0.0.1"),
            {error(QSslError::HostNameMismatch, QStringLiteral("wrong-name.pem")),
             error(QSslError::UnableToGetLocalIssuerCertificate, QStringLiteral("wrong-name.pem"))}, Http::TlsTrust{}, m_now));
        checkOneLine(line);
        const qsizetype issuer = line.indexOf(QStringLiteral("its issuer"));
        const qsizetype names = line.indexOf(QStringLiteral("it is for "));
        QVERIFY2(issuer > 0 && names > issuer, qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("not trusted")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("AWS_CA_BUNDLE")), qPrintable(line));
    }

    void handshakeWithoutAVerdict()
    {
        const AwsError failure = Http::handshakeError(QStringLiteral("127.0.0.1:7480"), QStringLiteral("error:0A00010B:SSL routines::wrong version number"));
        QCOMPARE(failure.kind, AwsErrorKind::Tls);
        const QString line = shown(failure);
        checkOneLine(line);
        QVERIFY2(line.contains(QStringLiteral("the TLS handshake with 127.0.0.1:7480 failed (error:0A00010B")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("http://")), qPrintable(line));
    }
};

QTEST_GUILESS_MAIN(CertificateErrorsTest)
#include "certificate_errors_test.moc"
