#include "core/auth/oidc_discovery.h"

#include <QJsonArray>
#include <QtTest>

using namespace RoleDrop;
using namespace RoleDrop::Auth;

namespace {

const QString issuer = QStringLiteral("https://idp.example.test/realms/roledrop");

// The fields of a real provider's document (Keycloak's shape), trimmed to what RoleDrop reads.
QJsonObject document()
{
    return {{"issuer", issuer},
            {"authorization_endpoint", issuer + "/protocol/openid-connect/auth"},
            {"token_endpoint", issuer + "/protocol/openid-connect/token"},
            {"jwks_uri", issuer + "/protocol/openid-connect/certs"},
            {"id_token_signing_alg_values_supported", QJsonArray{"RS256", "ES256"}},
            {"code_challenge_methods_supported", QJsonArray{"plain", "S256"}},
            {"scopes_supported", QJsonArray{"openid", "offline_access"}}};
}

} // namespace

class OidcDiscoveryTest final : public QObject
{
    Q_OBJECT

private slots:
    void discoveryUrl()
    {
        QCOMPARE(OidcDiscovery::discoveryUrl(issuer).toString(), issuer + "/.well-known/openid-configuration");
        QCOMPARE(OidcDiscovery::discoveryUrl(QStringLiteral("https://idp.example.test/")).toString(),
                 QStringLiteral("https://idp.example.test/.well-known/openid-configuration"));
    }

    void parse_readsTheEndpoints()
    {
        const auto metadata = OidcDiscovery::parse(document(), issuer);
        QVERIFY2(metadata.ok(), qPrintable(metadata.error().message));
        QCOMPARE(metadata->tokenEndpoint.toString(), issuer + "/protocol/openid-connect/token");
        QCOMPARE(metadata->authorizationEndpoint.toString(), issuer + "/protocol/openid-connect/auth");
        QCOMPARE(metadata->jwksUri.toString(), issuer + "/protocol/openid-connect/certs");
        QCOMPARE(metadata->idTokenSigningAlgorithms, (QStringList{"RS256", "ES256"}));
        QVERIFY(metadata->scopesSupported.contains(QStringLiteral("offline_access")));
    }

    void issuerMismatch_saysWhatToSet()
    {
        // A trailing slash is another issuer: ID tokens must carry the configured one to the character.
        const auto metadata = OidcDiscovery::parse(document(), issuer + "/");
        QVERIFY(!metadata.ok());
        QVERIFY2(metadata.error().message.contains("calls itself '" + issuer + "'"), qPrintable(metadata.error().message));
        QCOMPARE(metadata.error().resource, issuer + "/");
    }

    void missingEndpoint_isNamed()
    {
        QJsonObject doc = document();
        doc.remove(QStringLiteral("jwks_uri"));
        const auto metadata = OidcDiscovery::parse(doc, issuer);
        QVERIFY(!metadata.ok());
        QVERIFY2(metadata.error().message.contains(QLatin1String("jwks_uri")), qPrintable(metadata.error().message));
    }

    void plainHttpEndpoint_isRefused_butLoopbackIsNot()
    {
        QJsonObject doc = document();
        doc[QStringLiteral("token_endpoint")] = QStringLiteral("http://idp.example.test/token");
        const auto metadata = OidcDiscovery::parse(doc, issuer);
        QVERIFY(!metadata.ok());
        QVERIFY2(metadata.error().message.contains(QLatin1String("https://")), qPrintable(metadata.error().message));
        doc[QStringLiteral("token_endpoint")] = QStringLiteral("http://127.0.0.1:8080/token");
        QVERIFY(OidcDiscovery::parse(doc, issuer).ok());
    }

    void revocationEndpoint_isOptional_butHttpsWhereGiven()
    {
        const auto without = OidcDiscovery::parse(document(), issuer);
        QVERIFY2(without.ok(), qPrintable(without.error().message));
        QVERIFY(without->revocationEndpoint.isEmpty());

        QJsonObject doc = document();
        doc[QStringLiteral("revocation_endpoint")] = issuer + "/protocol/openid-connect/revoke";
        const auto with = OidcDiscovery::parse(doc, issuer);
        QVERIFY2(with.ok(), qPrintable(with.error().message));
        QCOMPARE(with->revocationEndpoint.toString(), issuer + "/protocol/openid-connect/revoke");

        // A refresh token must not travel in the clear to be revoked either.
        doc[QStringLiteral("revocation_endpoint")] = QStringLiteral("http://idp.example.test/revoke");
        const auto plain = OidcDiscovery::parse(doc, issuer);
        QVERIFY(!plain.ok());
        QVERIFY2(plain.error().message.contains(QLatin1String("revocation_endpoint")), qPrintable(plain.error().message));
    }

    void withoutS256_isRefused()
    {
        QJsonObject doc = document();
        doc[QStringLiteral("code_challenge_methods_supported")] = QJsonArray{"plain"};
        const auto metadata = OidcDiscovery::parse(doc, issuer);
        QVERIFY(!metadata.ok());
        QVERIFY2(metadata.error().message.contains(QLatin1String("S256")), qPrintable(metadata.error().message));
        doc.remove(QStringLiteral("code_challenge_methods_supported"));  // not said: PKCE is still tried
        QVERIFY(OidcDiscovery::parse(doc, issuer).ok());
    }
};

QTEST_GUILESS_MAIN(OidcDiscoveryTest)
#include "oidc_discovery_test.moc"
