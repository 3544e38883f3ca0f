// The pieces of IAM Identity Center sign-in that need no server: the token's JSON, the AWS CLI's cache as
// `aws sso login` writes it, PKCE values, and how SSO OIDC error answers become AwsErrors.

#include "core/auth/loopback_authorization.h"
#include "core/auth/sso_oidc_client.h"
#include "core/auth/sso_portal_client.h"
#include "core/auth/sso_token_store.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
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

    void pkceValues()
    {
        const QString verifier = Auth::LoopbackAuthorization::newCodeVerifier();
        QVERIFY(verifier.size() >= 43 && verifier.size() <= 128);
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9._~-]+$")).match(verifier).hasMatch());
        QVERIFY(verifier != Auth::LoopbackAuthorization::newCodeVerifier());
        // base64url(sha256(verifier)) without padding, as computed by Python's hashlib and base64.
        QCOMPARE(Auth::LoopbackAuthorization::codeChallengeS256(QStringLiteral("dBjftJeZ4CVP-mJ92K9KTZwsUzr9kl-vN3xsodXdHfo")),
                 QStringLiteral("ZplKoIKo3PTx0Z2oIgTEPuDUD6-MPrpEITCQ--5dThA"));
        QCOMPARE(Auth::LoopbackAuthorization::randomToken().size(), 43);
    }

    void oidcErrorsKeepTheOAuthCode_data()
    {
        QTest::addColumn<QByteArray>("error");
        QTest::addColumn<QByteArray>("exception");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("says");
        QTest::newRow("pending") << QByteArray("authorization_pending") << QByteArray("AuthorizationPendingException") << int(AwsErrorKind::ServiceError) << "waiting";
        QTest::newRow("slow down") << QByteArray("slow_down") << QByteArray("SlowDownException") << int(AwsErrorKind::Throttled) << "too often";
        QTest::newRow("expired") << QByteArray("expired_token") << QByteArray("ExpiredTokenException") << int(AwsErrorKind::ExpiredToken) << "Sign in again";
        QTest::newRow("denied") << QByteArray("access_denied") << QByteArray("AccessDeniedException") << int(AwsErrorKind::AccessDenied) << "denied";
        QTest::newRow("invalid grant") << QByteArray("invalid_grant") << QByteArray("InvalidGrantException") << int(AwsErrorKind::ExpiredToken) << "Sign in again";
        QTest::newRow("invalid client") << QByteArray("invalid_client") << QByteArray("InvalidClientException") << int(AwsErrorKind::InvalidClientTokenId) << "register";
    }

    void oidcErrorsKeepTheOAuthCode()
    {
        QFETCH(QByteArray, error);
        QFETCH(QByteArray, exception);
        QFETCH(int, kind);
        QFETCH(QString, says);
        const AwsError e = Auth::ssoOidcError(400, "{\"error\": \"" + error + "\", \"error_description\": \"d\"}", exception,
                                              session().startUrl, QStringLiteral("CreateToken"));
        QCOMPARE(e.code, QString::fromLatin1(error));
        QCOMPARE(int(e.kind), kind);
        QVERIFY2(e.message.contains(session().startUrl) && e.message.contains(says), qPrintable(e.message));
        QCOMPARE(e.action, QStringLiteral("sso-oidc:CreateToken"));
    }

    void endpointsFollowTheRegionUnlessNamed()
    {
        auto config = session();
        qunsetenv("AWS_ENDPOINT_URL_SSO_OIDC");
        qunsetenv("AWS_ENDPOINT_URL_SSO");
        QCOMPARE(Auth::SsoOidcClient::endpointFor(config), QUrl("https://oidc.eu-west-1.amazonaws.com"));
        QCOMPARE(Auth::SsoPortalClient::endpointFor(config), QUrl("https://portal.sso.eu-west-1.amazonaws.com"));
        qputenv("AWS_ENDPOINT_URL_SSO_OIDC", "https://127.0.0.1:9/oidc");
        qputenv("AWS_ENDPOINT_URL_SSO", "https://127.0.0.1:9/portal");
        QCOMPARE(Auth::SsoOidcClient::endpointFor(config), QUrl("https://127.0.0.1:9/oidc"));
        QCOMPARE(Auth::SsoPortalClient::endpointFor(config), QUrl("https://127.0.0.1:9/portal"));
        config.oidcEndpoint = QUrl("https://127.0.0.1:8");
        config.portalEndpoint = QUrl("https://127.0.0.1:7");
        QCOMPARE(Auth::SsoOidcClient::endpointFor(config), QUrl("https://127.0.0.1:8"));
        QCOMPARE(Auth::SsoPortalClient::endpointFor(config), QUrl("https://127.0.0.1:7"));
        qunsetenv("AWS_ENDPOINT_URL_SSO_OIDC");
        qunsetenv("AWS_ENDPOINT_URL_SSO");
    }
};

QTEST_GUILESS_MAIN(SsoTokenStoreTest)
#include "sso_token_store_test.moc"
