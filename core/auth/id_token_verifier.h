#pragma once

#include "core/auth/json_web_key_set.h"
#include "core/common/outcome.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace RoleDrop::Auth {

// What the client expects of an ID token (OpenID Connect Core 1.0, 3.1.3.7).
struct IdTokenExpectations
{
    QString issuer;                 // exactly the configured issuer
    QString clientId;               // must be an audience; the azp when there are several
    QString nonce;                  // when the authorization request sent one, the token must carry it
    QDateTime now;                  // the verifier's clock (UTC); tests move it
    int allowedClockSkewSeconds = 60;
};

struct IdTokenClaims
{
    QString issuer;
    QString subject;
    QStringList audiences;
    QString authorizedParty;        // azp, may be empty
    QDateTime expiresAt;
    QDateTime issuedAt;
    QString nonce;
    QString algorithm;              // the header's alg
    QString keyId;                  // the header's kid
    QJsonObject claims;             // every claim, e.g. email
};

// Why a token was refused, for callers that act on it (a key not in the set: fetch the JWKS again, once).
enum class IdTokenProblem { None, Malformed, UnsupportedAlgorithm, UnknownKey, BadSignature, WrongIssuer,
                            WrongAudience, Expired, IssuedInFuture, WrongNonce };

// Verifies a compact-serialised JWS ID token: signature (RS256/384/512, ES256/384/512; "none", HS* and any
// other algorithm refused) by the key with the header's kid (or the only key of the right type when there is
// no kid), then iss, aud (a string or a list; azp must be the client when there are several audiences or an
// azp at all), exp and iat within the allowed skew, and nonce. Errors say what was expected and what to change,
// name the issuer, and never contain the token or its signature.
class IdTokenVerifier final
{
public:
    static Outcome<IdTokenClaims> verify(const QString &idToken, const JsonWebKeySet &keys,
                                         const IdTokenExpectations &expected, IdTokenProblem *problem = nullptr);

    // The claims of a token without checking anything (to show who a stored token was for). Never trust them.
    static Outcome<QJsonObject> unverifiedClaims(const QString &idToken);
};

} // namespace RoleDrop::Auth
