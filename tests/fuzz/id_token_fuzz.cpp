// libFuzzer target for OpenID Connect's parsers in core/auth: the input, split at its first newline, is a JWKS
// document (parseJsonWebKeySet) and an ID token checked against it (IdTokenVerifier::verify); the whole input also
// goes to the discovery document's parse. Properties: a refusal is a proper error that never quotes the token; an
// accepted token is for the expected issuer and client and not expired; accepted discovery names the configured
// issuer with https (or loopback http) endpoints.

#include "core/auth/id_token_verifier.h"
#include "core/auth/json_web_key_set.h"
#include "core/auth/oidc_discovery.h"

#include "fuzz_check.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace RoleDrop;

namespace {

const QString issuer = QStringLiteral("https://login.example.com");
const QString clientId = QStringLiteral("roledrop");

bool secureOrLoopback(const QUrl &url)
{
    return url.scheme() == QLatin1String("https")
        || (url.scheme() == QLatin1String("http") && (url.host() == QLatin1String("127.0.0.1") || url.host() == QLatin1String("localhost")
                                                      || url.host() == QLatin1String("::1")));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);
    const qsizetype newline = input.indexOf('\n');
    const QByteArray jwks = newline < 0 ? input : input.left(newline);
    const QString token = newline < 0 ? QString() : QString::fromUtf8(input.mid(newline + 1));

    const auto keys = Auth::parseJsonWebKeySet(jwks, QStringLiteral("the fuzzer's JWKS"));
    if (!keys)
        Fuzz::checkError(keys.error(), "JWKS");
    Auth::IdTokenExpectations expected;
    expected.issuer = issuer;
    expected.clientId = clientId;
    expected.now = QDateTime::fromSecsSinceEpoch(1800000000, Qt::UTC);
    const auto claims = Auth::IdTokenVerifier::verify(token, keys ? keys.value() : Auth::JsonWebKeySet{}, expected);
    if (claims) {
        FUZZ_CHECK(claims->issuer == issuer, claims->issuer);
        FUZZ_CHECK(claims->audiences.contains(clientId), claims->audiences.join(QLatin1Char(',')));
        FUZZ_CHECK(claims->expiresAt.isValid() && claims->expiresAt > expected.now.addSecs(-expected.allowedClockSkewSeconds),
                   claims->expiresAt.toString(Qt::ISODate));
    } else {
        Fuzz::checkError(claims.error(), "ID token");
        FUZZ_CHECK(token.size() < 16 || !claims.error().message.contains(token), QStringLiteral("the error quotes the token"));
    }
    (void)Auth::IdTokenVerifier::unverifiedClaims(token);

    const QJsonDocument document = QJsonDocument::fromJson(input);
    if (document.isObject()) {
        const auto metadata = Auth::OidcDiscovery::parse(document.object(), issuer);
        if (metadata) {
            FUZZ_CHECK(metadata->issuer == issuer, metadata->issuer);
            for (const QUrl &url : {metadata->authorizationEndpoint, metadata->tokenEndpoint, metadata->jwksUri})
                FUZZ_CHECK(secureOrLoopback(url), url.toString());
        } else {
            Fuzz::checkError(metadata.error(), "discovery");
        }
    }
    return 0;
}
