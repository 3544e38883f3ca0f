#include "core/auth/oidc_redirect.h"

#include <QtTest>

using namespace RoleDrop;
using namespace RoleDrop::Auth;

namespace {

const QString issuer = QStringLiteral("https://127.0.0.1:8443");
const QString state = QStringLiteral("af0ifjsldkj-Qx7");

QUrl redirect(const QString &query)
{
    return QUrl(QStringLiteral("http://127.0.0.1:49152/oauth/callback?") + query);
}

} // namespace

class OidcRedirectTest final : public QObject
{
    Q_OBJECT

private slots:
    void code_isReturned()
    {
        const auto code = authorizationCodeFromRedirect(
            redirect("code=SplxlOBeZQQYbYS6WxSbIA%2B&state=" + state + "&iss=https%3A%2F%2F127.0.0.1%3A8443"), state, issuer);
        QVERIFY2(code.ok(), qPrintable(code.error().message));
        QCOMPARE(code.value(), QStringLiteral("SplxlOBeZQQYbYS6WxSbIA+"));
        // Without iss (providers before RFC 9207) the state alone decides.
        QVERIFY(authorizationCodeFromRedirect(redirect("code=abc&state=" + state), state, issuer).ok());
    }

    void wrongState_isRefused_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("another state") << "code=secret-code-123&state=af0ifjsldkj-Qx8";
        QTest::newRow("no state") << "code=secret-code-123";
        QTest::newRow("longer state") << QString("code=secret-code-123&state=" + state + "x");
        QTest::newRow("error with another state") << "error=access_denied&state=zzz";
    }

    void wrongState_isRefused()
    {
        QFETCH(QString, query);
        const auto code = authorizationCodeFromRedirect(redirect(query), state, issuer);
        QVERIFY(!code.ok());
        QCOMPARE(code.error().kind, AwsErrorKind::AccessDenied);
        QVERIFY2(code.error().message.contains(QLatin1String("state")), qPrintable(code.error().message));
        QVERIFY(!code.error().userMessage().contains(QLatin1String("secret-code-123")));
        QVERIFY(!code.error().userMessage().contains(state));
    }

    void otherIssuer_isRefused()
    {
        const auto code = authorizationCodeFromRedirect(
            redirect("code=abc&state=" + state + "&iss=https%3A%2F%2Fevil.example.test"), state, issuer);
        QVERIFY(!code.ok());
        QVERIFY2(code.error().message.contains(QLatin1String("evil.example.test")), qPrintable(code.error().message));
    }

    void deniedConsent_saysSo()
    {
        const auto code = authorizationCodeFromRedirect(
            redirect("error=access_denied&error_description=The%20user%20denied%20access.&state=" + state), state, issuer);
        QVERIFY(!code.ok());
        QCOMPARE(code.error().kind, AwsErrorKind::AccessDenied);
        QCOMPARE(code.error().code, QStringLiteral("access_denied"));
        QVERIFY2(code.error().message.contains(QLatin1String("was denied (The user denied access.)")),
                 qPrintable(code.error().message));
    }

    void neitherCodeNorError_isMalformed()
    {
        const auto code = authorizationCodeFromRedirect(redirect("state=" + state), state, issuer);
        QVERIFY(!code.ok());
        QCOMPARE(code.error().kind, AwsErrorKind::MalformedResponse);
    }
};

QTEST_GUILESS_MAIN(OidcRedirectTest)
#include "oidc_redirect_test.moc"
