#include "core/auth/id_token_verifier.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

namespace RoleDrop::Auth {

namespace {

struct MdCtxFree { void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); } };
struct EcdsaSigFree { void operator()(ECDSA_SIG *s) const { ECDSA_SIG_free(s); } };

struct Refusal
{
    IdTokenProblem problem;
    QString message;
};

std::optional<QByteArray> base64Url(QByteArrayView text)
{
    const auto decoded = QByteArray::fromBase64Encoding(text.toByteArray(),
        QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return decoded.decoded;
}

std::optional<QJsonObject> jsonObject(QByteArrayView part)
{
    const auto raw = base64Url(part);
    if (!raw)
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(*raw);
    if (!doc.isObject())
        return std::nullopt;
    return doc.object();
}

const EVP_MD *digestOf(const QString &algorithm)
{
    const QStringView bits = QStringView(algorithm).mid(2);
    if (bits == u"256")
        return EVP_sha256();
    if (bits == u"384")
        return EVP_sha384();
    if (bits == u"512")
        return EVP_sha512();
    return nullptr;
}

QString curveFor(const QString &algorithm)
{
    if (algorithm == u"ES256")
        return QStringLiteral("P-256");
    if (algorithm == u"ES384")
        return QStringLiteral("P-384");
    return QStringLiteral("P-521");
}

// JWS carries an ECDSA signature as r || s (RFC 7518 3.4); OpenSSL verifies DER.
std::optional<QByteArray> ecdsaDer(const QByteArray &raw, qsizetype coordinateSize)
{
    if (raw.size() != 2 * coordinateSize)
        return std::nullopt;
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
    BIGNUM *r = BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()), int(coordinateSize), nullptr);
    BIGNUM *s = BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()) + coordinateSize,
                          int(coordinateSize), nullptr);
    if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r, s)) {
        BN_free(r);
        BN_free(s);
        return std::nullopt;
    }
    const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (length <= 0)
        return std::nullopt;
    QByteArray der(length, Qt::Uninitialized);
    unsigned char *out = reinterpret_cast<unsigned char *>(der.data());
    i2d_ECDSA_SIG(sig.get(), &out);
    return der;
}

bool signatureValid(const JsonWebKey &key, const QString &algorithm, QByteArrayView signingInput,
                    const QByteArray &signature)
{
    QByteArray toVerify = signature;
    if (algorithm.startsWith(u"ES")) {
        const qsizetype size = key.curve == u"P-256" ? 32 : key.curve == u"P-384" ? 48 : 66;
        const auto der = ecdsaDer(signature, size);
        if (!der)
            return false;
        toVerify = *der;
    }
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> context(EVP_MD_CTX_new());
    return context
        && EVP_DigestVerifyInit(context.get(), nullptr, digestOf(algorithm), nullptr, key.publicKey.get()) == 1
        && EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char *>(toVerify.constData()),
                            size_t(toVerify.size()), reinterpret_cast<const unsigned char *>(signingInput.data()),
                            size_t(signingInput.size())) == 1;
}

bool keyFits(const JsonWebKey &key, const QString &algorithm)
{
    if (!key.algorithm.isEmpty() && key.algorithm != algorithm)
        return false;
    if (algorithm.startsWith(u"RS"))
        return key.keyType == u"RSA";
    return key.keyType == u"EC" && key.curve == curveFor(algorithm);
}

std::optional<QDateTime> numericDate(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    return QDateTime::fromSecsSinceEpoch(qint64(value.toDouble()), Qt::UTC);
}

QString utc(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

Outcome<IdTokenClaims> check(const QString &idToken, const JsonWebKeySet &keys, const IdTokenExpectations &expected,
                             Refusal &refusal)
{
    auto refuse = [&](IdTokenProblem problem, const QString &message) {
        refusal = {problem, message};
        return AwsError();
    };
    const QByteArray compact = idToken.toLatin1();
    const QList<QByteArray> parts = compact.split('.');
    const auto header = parts.size() == 3 ? jsonObject(parts[0]) : std::nullopt;
    const auto payload = parts.size() == 3 ? jsonObject(parts[1]) : std::nullopt;
    const auto signature = parts.size() == 3 ? base64Url(parts[2]) : std::nullopt;
    if (!header || !payload || !signature)
        return refuse(IdTokenProblem::Malformed, QStringLiteral("The ID token from %1 is not a signed JWT (three base64url parts: header, claims, signature)").arg(expected.issuer));

    IdTokenClaims claims;
    claims.algorithm = header->value(QLatin1String("alg")).toString();
    claims.keyId = header->value(QLatin1String("kid")).toString();
    static const QStringList supported{QStringLiteral("RS256"), QStringLiteral("RS384"), QStringLiteral("RS512"),
                                       QStringLiteral("ES256"), QStringLiteral("ES384"), QStringLiteral("ES512")};
    if (!supported.contains(claims.algorithm))
        return refuse(IdTokenProblem::UnsupportedAlgorithm, QStringLiteral("The ID token from %1 is signed with '%2', which RoleDrop does not accept: the provider must sign ID tokens with RS256 or ES256 (or RS/ES 384, 512); set the client's ID token signing algorithm there")
                                                                .arg(expected.issuer, claims.algorithm.left(16)));
    const JsonWebKey *key = nullptr;
    QList<const JsonWebKey *> candidates;
    for (const JsonWebKey &k : keys.keys) {
        if (keyFits(k, claims.algorithm) && (claims.keyId.isEmpty() || k.keyId == claims.keyId))
            candidates.append(&k);
    }
    if (candidates.size() == 1 || (!claims.keyId.isEmpty() && !candidates.isEmpty()))
        key = candidates.first();
    if (!key)
        return refuse(IdTokenProblem::UnknownKey, claims.keyId.isEmpty()
            ? QStringLiteral("The ID token from %1 names no key (kid) and the provider's key set has no single %2 key to check it with").arg(expected.issuer, claims.algorithm)
            : QStringLiteral("The ID token from %1 is signed by key '%2', which is not in the provider's key set (jwks_uri)").arg(expected.issuer, claims.keyId.left(80)));
    const QByteArrayView signingInput(compact.constData(), parts[0].size() + 1 + parts[1].size());
    if (!signatureValid(*key, claims.algorithm, signingInput, *signature))
        return refuse(IdTokenProblem::BadSignature, QStringLiteral("The ID token's signature does not match the key '%1' of %2: the token was altered or not issued by this provider").arg(claims.keyId, expected.issuer));

    // Only now is anything in the claims believed.
    claims.claims = *payload;
    claims.issuer = payload->value(QLatin1String("iss")).toString();
    claims.subject = payload->value(QLatin1String("sub")).toString();
    claims.authorizedParty = payload->value(QLatin1String("azp")).toString();
    claims.nonce = payload->value(QLatin1String("nonce")).toString();
    const QJsonValue aud = payload->value(QLatin1String("aud"));
    if (aud.isString()) {
        claims.audiences = {aud.toString()};
    } else {
        for (const QJsonValue &a : aud.toArray())
            claims.audiences.append(a.toString());
    }
    if (claims.issuer != expected.issuer)
        return refuse(IdTokenProblem::WrongIssuer, QStringLiteral("The ID token was issued by '%1', not by the profile's issuer %2: set the profile's issuer to the provider's exact issuer URL").arg(claims.issuer.left(200), expected.issuer));
    if (claims.subject.isEmpty())
        return refuse(IdTokenProblem::Malformed, QStringLiteral("The ID token from %1 has no subject (sub)").arg(expected.issuer));
    if (!claims.audiences.contains(expected.clientId))
        return refuse(IdTokenProblem::WrongAudience, QStringLiteral("The ID token from %1 was issued for client '%2', not for this profile's client id '%3': set the profile's client id to the one registered at the provider").arg(expected.issuer, claims.audiences.join(QStringLiteral("', '")).left(200), expected.clientId));
    if ((claims.audiences.size() > 1 || !claims.authorizedParty.isEmpty()) && claims.authorizedParty != expected.clientId)
        return refuse(IdTokenProblem::WrongAudience, QStringLiteral("The ID token from %1 has several audiences and was not issued to client '%2' (its azp is '%3')").arg(expected.issuer, expected.clientId, claims.authorizedParty.left(200)));
    const QDateTime now = expected.now.isValid() ? expected.now.toUTC() : QDateTime::currentDateTimeUtc();
    const auto exp = numericDate(payload->value(QLatin1String("exp")));
    const auto iat = numericDate(payload->value(QLatin1String("iat")));
    if (!exp || !iat)
        return refuse(IdTokenProblem::Malformed, QStringLiteral("The ID token from %1 lacks its expiry (exp) or issue time (iat)").arg(expected.issuer));
    claims.expiresAt = *exp;
    claims.issuedAt = *iat;
    if (now.addSecs(-expected.allowedClockSkewSeconds) >= claims.expiresAt)
        return refuse(IdTokenProblem::Expired, QStringLiteral("The ID token from %1 expired at %2 (it is now %3): sign in again; if this keeps happening, check this computer's clock").arg(expected.issuer, utc(claims.expiresAt), utc(now)));
    if (claims.issuedAt > now.addSecs(expected.allowedClockSkewSeconds))
        return refuse(IdTokenProblem::IssuedInFuture, QStringLiteral("The ID token from %1 was issued at %2, after this computer's time %3: check this computer's clock").arg(expected.issuer, utc(claims.issuedAt), utc(now)));
    if (!expected.nonce.isEmpty() && claims.nonce != expected.nonce)
        return refuse(IdTokenProblem::WrongNonce, QStringLiteral("The ID token from %1 does not carry the nonce of this sign-in: it belongs to another sign-in (a replay?); sign in again").arg(expected.issuer));
    return claims;
}

} // namespace

Outcome<IdTokenClaims> IdTokenVerifier::verify(const QString &idToken, const JsonWebKeySet &keys,
                                               const IdTokenExpectations &expected, IdTokenProblem *problem)
{
    Refusal refusal{IdTokenProblem::None, QString()};
    Outcome<IdTokenClaims> result = check(idToken, keys, expected, refusal);
    if (problem)
        *problem = refusal.problem;
    if (refusal.problem == IdTokenProblem::None)
        return result;
    AwsError error = AwsError::local(refusal.problem == IdTokenProblem::Expired ? AwsErrorKind::ExpiredToken
                                                                                : AwsErrorKind::InvalidClientTokenId,
                                     refusal.message);
    error.code = QStringLiteral("InvalidIdToken");
    error.action = QStringLiteral("oidc:VerifyIdToken");
    error.resource = expected.issuer;
    return error;
}

Outcome<QJsonObject> IdTokenVerifier::unverifiedClaims(const QString &idToken)
{
    const QList<QByteArray> parts = idToken.toLatin1().split('.');
    const auto payload = parts.size() == 3 ? jsonObject(parts[1]) : std::nullopt;
    if (!payload)
        return AwsError::local(AwsErrorKind::MalformedResponse, QStringLiteral("The stored ID token is not a JWT"));
    return *payload;
}

} // namespace RoleDrop::Auth
