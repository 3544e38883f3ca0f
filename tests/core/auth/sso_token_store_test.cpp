// Where IAM Identity Center tokens are kept, without a keychain: the token's JSON, and the AWS CLI's cache as
// `aws sso login` writes it (the keychain side runs in tests/e2e/sso_sign_in_test.cpp).

#include "core/auth/sso_token_store.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;

namespace {

Auth::SsoSessionConfig session()
{
    Auth::SsoSessionConfig config;
    config.name = QStringLiteral("corp");
    config.startUrl = QStringLiteral("https://d-1234567890.awsapps.com/start");
    config.region = QStringLiteral("eu-west-1");
    return config;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace

class SsoTokenStoreTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        qputenv("HOME", m_home.path().toUtf8());
    }

    void tokenJsonRoundTrip()
    {
        Auth::SsoToken t;
        t.accessToken = QStringLiteral("access");
        t.expiresAt = QDateTime(QDate(2026, 12, 1), QTime(8, 0, 0), Qt::UTC);
        t.refreshToken = QStringLiteral("refresh");
        t.clientId = QStringLiteral("client");
        t.clientSecret = QStringLiteral("secret");
        t.registrationExpiresAt = QDateTime(QDate(2027, 3, 1), QTime(0, 0, 0), Qt::UTC);
        t.startUrl = session().startUrl;
        t.region = session().region;
        const auto back = Auth::SsoTokenStore::tokenFromJson(Auth::SsoTokenStore::tokenToJson(t));
        QVERIFY(back);
        QCOMPARE(back->accessToken, t.accessToken);
        QCOMPARE(back->expiresAt, t.expiresAt);
        QCOMPARE(back->refreshToken, t.refreshToken);
        QCOMPARE(back->clientSecret, t.clientSecret);
        QCOMPARE(back->registrationExpiresAt, t.registrationExpiresAt);
        QCOMPARE(back->startUrl, t.startUrl);
        QVERIFY(!Auth::SsoTokenStore::tokenFromJson("{\"accessToken\": \"x\"}"));  // no expiry: not a token
        QVERIFY(!Auth::SsoTokenStore::tokenFromJson("not json"));
    }

    void awsCliCacheFileIsSha1OfTheCacheKey()
    {
        auto config = session();
        // sha1("corp"), as botocore names the file.
        QCOMPARE(Auth::SsoTokenStore::awsCliCachePath(config),
                 m_home.path() + QStringLiteral("/.aws/sso/cache/") + QCryptographicHash::hash("corp", QCryptographicHash::Sha1).toHex() + ".json");
        config.name.clear();  // the legacy form: keyed by the start URL
        QVERIFY(Auth::SsoTokenStore::awsCliCachePath(config).endsWith(
            QCryptographicHash::hash(config.startUrl.toUtf8(), QCryptographicHash::Sha1).toHex() + ".json"));
    }

    void awsCliTokenIsUsedOnlyWhileValidForTheSameStartUrl_data()
    {
        QTest::addColumn<QByteArray>("expiresAt");
        QTest::addColumn<QString>("startUrl");
        QTest::addColumn<bool>("used");
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QByteArray inAnHour = now.addSecs(3600).toString(Qt::ISODate).toUtf8();
        QTest::newRow("valid, Z") << inAnHour << session().startUrl << true;
        QTest::newRow("valid, UTC suffix (older botocore)") << inAnHour.chopped(1) + "UTC" << session().startUrl << true;
        QTest::newRow("valid, trailing slash") << inAnHour << session().startUrl + "/" << true;
        QTest::newRow("within the margin") << now.addSecs(120).toString(Qt::ISODate).toUtf8() << session().startUrl << false;
        QTest::newRow("expired") << now.addSecs(-60).toString(Qt::ISODate).toUtf8() << session().startUrl << false;
        QTest::newRow("another start URL") << inAnHour << QStringLiteral("https://d-999.awsapps.com/start") << false;
    }

    void awsCliTokenIsUsedOnlyWhileValidForTheSameStartUrl()
    {
        QFETCH(QByteArray, expiresAt);
        QFETCH(QString, startUrl);
        QFETCH(bool, used);
        const QString path = Auth::SsoTokenStore::awsCliCachePath(session());
        QVERIFY(writeFile(path, "{\"startUrl\": \"" + startUrl.toUtf8() + "\", \"region\": \"eu-west-1\", \"accessToken\": \"cli-access\", "
                                "\"expiresAt\": \"" + expiresAt + "\", \"refreshToken\": \"cli-refresh\", \"clientId\": \"c\", "
                                "\"clientSecret\": \"s\", \"registrationExpiresAt\": \"2027-01-01T00:00:00Z\"}"));
        const auto token = Auth::SsoTokenStore::awsCliToken(session(), QDateTime::currentDateTimeUtc(), 300);
        QCOMPARE(bool(token), used);
        if (token) {
            QCOMPARE(token->accessToken, QStringLiteral("cli-access"));
            QVERIFY(token->refreshToken.isEmpty());  // never refreshed by RoleDrop
        }
        QFile::remove(path);
    }

};

QTEST_GUILESS_MAIN(SsoTokenStoreTest)
#include "sso_token_store_test.moc"
