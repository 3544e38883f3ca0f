// Reading CA files (AWS_CA_BUNDLE, ca_bundle, the CA file setting, --ca-bundle): one or several PEM certificates
// added to the system's, and a clear error naming the file for one that cannot be used. Certificates from
// tests/servers/make-test-ca.sh.

#include "core/http/tls_trust.h"
#include "test_ca.h"

#include <QDir>
#include <QFile>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTest>

using namespace RoleDrop;

class TlsTrustTest : public QObject
{
    Q_OBJECT

private:
    Test::TestCa m_ca;
    QTemporaryDir m_files;

    QString write(const QString &name, const QByteArray &content)
    {
        const QString path = m_files.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }
    QByteArray read(const QString &name) const
    {
        QFile file(m_ca.path(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private slots:
    void initTestCase() { QVERIFY2(m_ca.make(), qPrintable(m_ca.problem())); }

    void oneCaFile()
    {
        const auto trust = Http::TlsTrust::fromCaFile(m_ca.path(QStringLiteral("ca.pem")), QStringLiteral("AWS_CA_BUNDLE"));
        QVERIFY2(trust, qPrintable(trust.error().userMessage()));
        QCOMPARE(trust->caCertificates.size(), 1);
        QCOMPARE(trust->caCertificates.first(), m_ca.certificate(QStringLiteral("ca.pem")));
        QCOMPARE(trust->caFiles.size(), 1);
        QCOMPARE(trust->caFiles.first().path, m_ca.path(QStringLiteral("ca.pem")));
        QCOMPARE(trust->caFiles.first().origin, QStringLiteral("AWS_CA_BUNDLE"));
    }

    void bundleOfSeveralWithText()
    {
        // Bundles as companies hand them out: comments and "subject=" lines between the blocks.
        const QString path = write(QStringLiteral("bundle.pem"), "# company bundle\nsubject=CN = RoleDrop Test CA\n" + read(QStringLiteral("ca.pem"))
                                                                     + "\n\nsubject=other\n" + read(QStringLiteral("other-ca.pem")));
        const auto trust = Http::TlsTrust::fromCaFile(path, QStringLiteral("--ca-bundle"));
        QVERIFY2(trust, qPrintable(trust.error().userMessage()));
        QCOMPARE(trust->caCertificates.size(), 2);
        QVERIFY(trust->caCertificates.contains(m_ca.certificate(QStringLiteral("ca.pem"))));
        QVERIFY(trust->caCertificates.contains(m_ca.certificate(QStringLiteral("other-ca.pem"))));
    }

    void severalFilesAddUpAndOneFileCountsOnce()
    {
        Http::TlsTrust trust;
        QVERIFY(!trust.addCaFile(m_ca.path(QStringLiteral("ca.pem")), QStringLiteral("--ca-bundle")));
        QVERIFY(!trust.addCaFile(m_ca.path(QStringLiteral("other-ca.pem")), QStringLiteral("AWS_CA_BUNDLE")));
        // The same file named again (by the profile, through another spelling of its path) is not read twice.
        QVERIFY(!trust.addCaFile(m_ca.folder() + QStringLiteral("/./ca.pem"), QStringLiteral("the profile")));
        QCOMPARE(trust.caFiles.size(), 2);
        QCOMPARE(trust.caCertificates.size(), 2);
        QCOMPARE(trust.caFileNames(), m_ca.path(QStringLiteral("ca.pem")) + QStringLiteral(", ") + m_ca.path(QStringLiteral("other-ca.pem")));
    }

    void homeFolderShorthand()
    {
        const QByteArray home = qgetenv("HOME");
        qputenv("HOME", m_files.path().toLocal8Bit());
        write(QStringLiteral("home-ca.pem"), read(QStringLiteral("ca.pem")));
        const auto trust = Http::TlsTrust::fromCaFile(QStringLiteral("~/home-ca.pem"), QStringLiteral("ca_bundle"));
        qputenv("HOME", home);
        QVERIFY2(trust, qPrintable(trust.error().userMessage()));
        QCOMPARE(trust->caFiles.first().path, m_files.filePath(QStringLiteral("home-ca.pem")));
    }

    void unusableFilesAreNamed_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");   // not written when empty and `name` ends with "missing"
        QTest::addColumn<QString>("says");
        QTest::newRow("missing") << "missing" << QByteArray() << "does not exist";
        QTest::newRow("empty") << "empty.pem" << QByteArray("") << "holds no certificate";
        QTest::newRow("text") << "notes.pem" << QByteArray("these are not the certificates you are looking for\n") << "holds no certificate";
        QTest::newRow("a key, no certificate") << "key.pem" << QByteArray("KEY") << "holds no certificate";
        QTest::newRow("DER instead of PEM") << "ca.der" << QByteArray("DER") << "PEM";
        QTest::newRow("folder") << "folder" << QByteArray("DIR") << "folder";
    }
    void unusableFilesAreNamed()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, says);
        QString path = m_files.filePath(name);
        if (content == "KEY")
            path = m_ca.path(QStringLiteral("server.key"));
        else if (content == "DER")
            path = write(name, m_ca.certificate(QStringLiteral("ca.pem")).toDer());
        else if (content == "DIR")
            QVERIFY(QDir(m_files.path()).mkpath(name));
        else if (name != QLatin1String("missing"))
            path = write(name, content);
        const auto trust = Http::TlsTrust::fromCaFile(path, QStringLiteral("AWS_CA_BUNDLE"));
        QVERIFY(!trust);
        QCOMPARE(trust.error().kind, AwsErrorKind::LocalFile);
        const QString message = trust.error().userMessage();
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY2(message.contains(says), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("AWS_CA_BUNDLE")), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    }

    void addsToTheSystemsCas()
    {
        const auto trust = Http::TlsTrust::fromCaFile(m_ca.path(QStringLiteral("ca.pem")), QStringLiteral("AWS_CA_BUNDLE"));
        QVERIFY(trust);
        const QSslConfiguration configuration = trust->sslConfiguration();
        const QList<QSslCertificate> system = QSslConfiguration::systemCaCertificates();
        QVERIFY2(!system.isEmpty(), "the system has no CA certificates (ca-certificates not installed?)");
        const QList<QSslCertificate> cas = configuration.caCertificates();
        QCOMPARE(cas.size(), system.size() + 1);
        QVERIFY(cas.contains(m_ca.certificate(QStringLiteral("ca.pem"))));
        QVERIFY(cas.contains(system.first()) && cas.contains(system.last()));
        QCOMPARE(configuration.peerVerifyMode(), QSslSocket::VerifyPeer);
        // Without a file: the system's only, still verified.
        const QSslConfiguration plain = Http::TlsTrust{}.sslConfiguration();
        QCOMPARE(plain.caCertificates().size(), system.size());
        QCOMPARE(plain.peerVerifyMode(), QSslSocket::VerifyPeer);
    }

    void processDefaultNeverDecides()
    {
        // The tests' plain clients add the test CA to Qt's process-wide default; RoleDrop's requests must not
        // inherit it, or a missing CA file could go unnoticed in a test.
        const QSslConfiguration saved = QSslConfiguration::defaultConfiguration();
        QSslConfiguration widened = saved;
        widened.setCaCertificates(QSslConfiguration::systemCaCertificates() + QList<QSslCertificate>{m_ca.certificate(QStringLiteral("ca.pem"))});
        QSslConfiguration::setDefaultConfiguration(widened);
        const QList<QSslCertificate> cas = Http::TlsTrust{}.sslConfiguration().caCertificates();
        QSslConfiguration::setDefaultConfiguration(saved);
        QVERIFY(!cas.contains(m_ca.certificate(QStringLiteral("ca.pem"))));
    }
};

QTEST_GUILESS_MAIN(TlsTrustTest)
#include "tls_trust_test.moc"
