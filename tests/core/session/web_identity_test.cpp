#include "core/session/web_identity.h"

#include <QTest>

using namespace RoleDrop;
using Sessions::StoredOidcTokens;

// What RoleDrop keeps of an OpenID Connect sign-in in the keychain, read back as written; anything else is no
// sign-in (the user signs in again) rather than a half-read one.
class WebIdentityTest final : public QObject
{
    Q_OBJECT

private slots:
    void storedTokensRoundTrip()
    {
        const StoredOidcTokens tokens{QStringLiteral("refresh-\"quoted\"-é"), QStringLiteral("eyJhbGciOi.eyJzdWIi.c2ln")};
        const auto back = StoredOidcTokens::fromJson(tokens.toJson());
        QVERIFY(back);
        QCOMPARE(back->refreshToken, tokens.refreshToken);
        QCOMPARE(back->idToken, tokens.idToken);
        // Without a refresh token (the provider gave none): the ID token alone is kept.
        const auto idOnly = StoredOidcTokens::fromJson(StoredOidcTokens{QString(), QStringLiteral("a.b.c")}.toJson());
        QVERIFY(idOnly);
        QVERIFY(idOnly->refreshToken.isEmpty());
    }

    void somethingElseIsNoSignIn_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("not json") << QByteArray("refresh-token-in-plain");
        QTest::newRow("array") << QByteArray("[\"a\"]");
        QTest::newRow("no tokens") << QByteArray("{}");
        QTest::newRow("empty tokens") << QByteArray(R"({"refreshToken":"","idToken":""})");
        QTest::newRow("number") << QByteArray(R"({"refreshToken":5,"idToken":"a.b.c"})");
        QTest::newRow("an Identity Center token") << QByteArray(R"({"accessToken":"x","expiresAt":"2026-01-01T00:00:00Z"})");
    }

    void somethingElseIsNoSignIn()
    {
        QFETCH(QByteArray, json);
        QVERIFY(!StoredOidcTokens::fromJson(json));
    }

    void tokenKeyNamesIssuerAndClient()
    {
        QCOMPARE(Sessions::WebIdentity::tokenKey(QStringLiteral("https://idp.example.com"), QStringLiteral("app")),
                 QStringLiteral("oidc-token:https://idp.example.com app"));
        QVERIFY(Sessions::WebIdentity::tokenKey(QStringLiteral("https://a"), QStringLiteral("b"))
                != Sessions::WebIdentity::tokenKey(QStringLiteral("https://a"), QStringLiteral("c")));
    }
};

QTEST_GUILESS_MAIN(WebIdentityTest)
#include "web_identity_test.moc"
