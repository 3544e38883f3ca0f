#include "core/auth/oidc_discovery.h"

#include "core/auth/oidc_http.h"

#include <QJsonArray>

namespace RoleDrop::Auth {

namespace {

QStringList strings(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list.append(item.toString());
    return list;
}

AwsError discoveryError(const QString &issuer, const QString &message)
{
    AwsError error = AwsError::local(AwsErrorKind::MalformedResponse, message);
    error.action = QStringLiteral("oidc:Discovery");
    error.resource = issuer;
    return error;
}

} // namespace

QUrl OidcDiscovery::discoveryUrl(const QString &issuer)
{
    QString base = issuer;
    while (base.endsWith(u'/'))
        base.chop(1);
    return QUrl(base + QStringLiteral("/.well-known/openid-configuration"));
}

Outcome<OidcProviderMetadata> OidcDiscovery::parse(const QJsonObject &document, const QString &configuredIssuer)
{
    OidcProviderMetadata metadata;
    metadata.issuer = document.value(QLatin1String("issuer")).toString();
    if (metadata.issuer != configuredIssuer)
        return discoveryError(configuredIssuer, metadata.issuer.isEmpty()
            ? QStringLiteral("The discovery document of %1 names no issuer: this is not an OpenID provider's document").arg(configuredIssuer)
            : QStringLiteral("The OpenID provider at %1 calls itself '%2': set the profile's issuer to exactly that (ID tokens carry it, and it must match to the character)")
                  .arg(configuredIssuer, metadata.issuer.left(200)));
    struct Endpoint { const char *name; QUrl *url; bool required; };
    for (const Endpoint &endpoint : {Endpoint{"authorization_endpoint", &metadata.authorizationEndpoint, true},
                                     Endpoint{"token_endpoint", &metadata.tokenEndpoint, true},
                                     Endpoint{"jwks_uri", &metadata.jwksUri, true},
                                     Endpoint{"revocation_endpoint", &metadata.revocationEndpoint, false}}) {
        const QString text = document.value(QLatin1String(endpoint.name)).toString();
        if (text.isEmpty() && !endpoint.required)
            continue;
        if (text.isEmpty())
            return discoveryError(configuredIssuer, QStringLiteral("The discovery document of %1 has no %2").arg(configuredIssuer, QLatin1String(endpoint.name)));
        *endpoint.url = QUrl(text);
        if (auto insecure = OidcHttp::checkSecureUrl(*endpoint.url, QStringLiteral("The %1 of %2").arg(QLatin1String(endpoint.name), configuredIssuer))) {
            AwsError error = *insecure;
            error.action = QStringLiteral("oidc:Discovery");
            error.resource = configuredIssuer;
            return error;
        }
    }
    metadata.idTokenSigningAlgorithms = strings(document.value(QLatin1String("id_token_signing_alg_values_supported")));
    metadata.codeChallengeMethods = strings(document.value(QLatin1String("code_challenge_methods_supported")));
    metadata.scopesSupported = strings(document.value(QLatin1String("scopes_supported")));
    if (!metadata.codeChallengeMethods.isEmpty() && !metadata.codeChallengeMethods.contains(QStringLiteral("S256")))
        return discoveryError(configuredIssuer, QStringLiteral("The OpenID provider %1 does not offer PKCE with S256 (it lists: %2), which RoleDrop's sign-in needs: enable PKCE S256 for the client at the provider")
                                                    .arg(configuredIssuer, metadata.codeChallengeMethods.join(QStringLiteral(", ")).left(200)));
    return metadata;
}

Http::AwsCall *OidcDiscovery::fetch(Http::AwsHttpClient *http, const QString &issuer, const Http::TlsTrust &tls,
                                    QObject *context, ResultHandler<OidcProviderMetadata> done)
{
    // getJson refuses a URL that is not https (the issuer decides where tokens go).
    return OidcHttp::getJson(http, discoveryUrl(issuer), tls, QStringLiteral("The OpenID provider's discovery document"),
                             context, [issuer, done = std::move(done)](Outcome<QJsonObject> document) {
        if (!document) {
            AwsError error = document.error();
            error.action = QStringLiteral("oidc:Discovery");
            if (error.kind == AwsErrorKind::NotFound)
                error.advice = QStringLiteral("Check the profile's issuer: %1 serves no /.well-known/openid-configuration").arg(issuer);
            return done(error);
        }
        done(parse(document.value(), issuer));
    });
}

} // namespace RoleDrop::Auth
