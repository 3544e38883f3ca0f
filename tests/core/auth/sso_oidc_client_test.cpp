// SSO OIDC without a server: where requests go, and how its error answers become AwsErrors that keep the OAuth
// code and say what to do (the requests themselves run against the double in tests/e2e/sso_sign_in_test.cpp).

#include "core/auth/sso_oidc_client.h"

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

} // namespace

class SsoOidcClientTest final : public QObject
{
    Q_OBJECT

private slots:
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

    void endpointFollowsTheRegionUnlessNamed()
    {
        auto config = session();
        qunsetenv("AWS_ENDPOINT_URL_SSO_OIDC");
        QCOMPARE(Auth::SsoOidcClient::endpointFor(config), QUrl("https://oidc.eu-west-1.amazonaws.com"));
        qputenv("AWS_ENDPOINT_URL_SSO_OIDC", "https://127.0.0.1:9/oidc");
        QCOMPARE(Auth::SsoOidcClient::endpointFor(config), QUrl("https://127.0.0.1:9/oidc"));
        config.oidcEndpoint = QUrl("https://127.0.0.1:8");
        QCOMPARE(Auth::SsoOidcClient::endpointFor(config), QUrl("https://127.0.0.1:8"));
        qunsetenv("AWS_ENDPOINT_URL_SSO_OIDC");
    }
};

QTEST_GUILESS_MAIN(SsoOidcClientTest)
#include "sso_oidc_client_test.moc"
