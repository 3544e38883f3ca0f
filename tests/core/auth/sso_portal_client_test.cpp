// The SSO portal client without a server: where requests go, and which errors mean "sign in again" (the requests
// themselves run against the double in tests/e2e/sso_sign_in_test.cpp).

#include "core/auth/sso_portal_client.h"

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

class SsoPortalClientTest final : public QObject
{
    Q_OBJECT

private slots:
    void endpointFollowsTheRegionUnlessNamed()
    {
        auto config = session();
        qunsetenv("AWS_ENDPOINT_URL_SSO");
        QCOMPARE(Auth::SsoPortalClient::endpointFor(config), QUrl("https://portal.sso.eu-west-1.amazonaws.com"));
        qputenv("AWS_ENDPOINT_URL_SSO", "https://127.0.0.1:9/portal");
        QCOMPARE(Auth::SsoPortalClient::endpointFor(config), QUrl("https://127.0.0.1:9/portal"));
        config.portalEndpoint = QUrl("https://127.0.0.1:7");
        QCOMPARE(Auth::SsoPortalClient::endpointFor(config), QUrl("https://127.0.0.1:7"));
        qunsetenv("AWS_ENDPOINT_URL_SSO");
    }

    void onlyARefusedTokenNeedsASignIn()
    {
        AwsError unauthorized;
        unauthorized.code = QStringLiteral("UnauthorizedException");
        unauthorized.httpStatus = 401;
        QVERIFY(Auth::SsoPortalClient::needsSignIn(unauthorized));
        AwsError forbidden;
        forbidden.code = QStringLiteral("ForbiddenException");
        forbidden.httpStatus = 403;
        QVERIFY(!Auth::SsoPortalClient::needsSignIn(forbidden));
        AwsError network = AwsError::local(AwsErrorKind::Network, QStringLiteral("connection refused"));
        QVERIFY(!Auth::SsoPortalClient::needsSignIn(network));
    }
};

QTEST_GUILESS_MAIN(SsoPortalClientTest)
#include "sso_portal_client_test.moc"
