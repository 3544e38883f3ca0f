#pragma once

#include "core/common/async_result.h"
#include "core/http/tls_trust.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace RoleDrop::Http {
class AwsCall;
class AwsHttpClient;
}

namespace RoleDrop::Auth {

// What an OpenID Provider says of itself (OpenID Connect Discovery 1.0, section 3): the endpoints RoleDrop uses.
struct OidcProviderMetadata
{
    QString issuer;
    QUrl authorizationEndpoint;
    QUrl tokenEndpoint;
    QUrl jwksUri;
    QUrl revocationEndpoint;               // revocation_endpoint (RFC 7009, RFC 8414): empty when not offered
    QStringList idTokenSigningAlgorithms;  // id_token_signing_alg_values_supported
    QStringList codeChallengeMethods;      // code_challenge_methods_supported (may be empty: not said)
    QStringList scopesSupported;
};

// GET <issuer>/.well-known/openid-configuration. The document's issuer must be exactly the configured one
// (Discovery 4.3: a mismatch means another provider answered), every endpoint https (or http on loopback), and
// PKCE with S256 supported when the provider lists its methods; a revocation endpoint, where offered, https too.
// Errors name the issuer and what to change.
class OidcDiscovery final
{
public:
    static QUrl discoveryUrl(const QString &issuer);
    static Outcome<OidcProviderMetadata> parse(const QJsonObject &document, const QString &configuredIssuer);
    static Http::AwsCall *fetch(Http::AwsHttpClient *http, const QString &issuer, const Http::TlsTrust &tls,
                                QObject *context, ResultHandler<OidcProviderMetadata> done);
};

} // namespace RoleDrop::Auth
