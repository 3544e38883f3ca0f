#include "core/auth/json_web_key_set.h"

#include "core/auth/oidc_http.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

namespace RoleDrop::Auth {

namespace {

struct ParamBuildFree { void operator()(OSSL_PARAM_BLD *b) const { OSSL_PARAM_BLD_free(b); } };
struct ParamFree { void operator()(OSSL_PARAM *p) const { OSSL_PARAM_free(p); } };
struct PkeyCtxFree { void operator()(EVP_PKEY_CTX *c) const { EVP_PKEY_CTX_free(c); } };
struct BnFree { void operator()(BIGNUM *b) const { BN_free(b); } };

std::optional<QByteArray> base64Url(const QJsonValue &value)
{
    if (!value.isString())
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(value.toString().toLatin1(),
        QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty())
        return std::nullopt;
    return decoded.decoded;
}

std::shared_ptr<EVP_PKEY> fromParams(const char *type, OSSL_PARAM_BLD *builder)
{
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(builder));
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY *key = nullptr;
    if (!params || !context || EVP_PKEY_fromdata_init(context.get()) <= 0
        || EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
        return nullptr;
    return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> rsaKey(const QJsonObject &jwk)
{
    const auto n = base64Url(jwk.value(QLatin1String("n")));
    const auto e = base64Url(jwk.value(QLatin1String("e")));
    if (!n || !e || n->size() < 256)  // under 2048 bits is not a key to trust a sign-in to
        return nullptr;
    std::unique_ptr<BIGNUM, BnFree> bn(BN_bin2bn(reinterpret_cast<const unsigned char *>(n->constData()),
                                                 int(n->size()), nullptr));
    std::unique_ptr<BIGNUM, BnFree> be(BN_bin2bn(reinterpret_cast<const unsigned char *>(e->constData()),
                                                 int(e->size()), nullptr));
    std::unique_ptr<OSSL_PARAM_BLD, ParamBuildFree> builder(OSSL_PARAM_BLD_new());
    if (!bn || !be || !builder || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn.get())
        || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, be.get()))
        return nullptr;
    return fromParams("RSA", builder.get());
}

std::shared_ptr<EVP_PKEY> ecKey(const QJsonObject &jwk, const QString &curve)
{
    const char *group = nullptr;
    qsizetype size = 0;
    if (curve == u"P-256") {
        group = "prime256v1";
        size = 32;
    } else if (curve == u"P-384") {
        group = "secp384r1";
        size = 48;
    } else if (curve == u"P-521") {
        group = "secp521r1";
        size = 66;
    } else {
        return nullptr;
    }
    const auto x = base64Url(jwk.value(QLatin1String("x")));
    const auto y = base64Url(jwk.value(QLatin1String("y")));
    if (!x || !y || x->size() != size || y->size() != size)
        return nullptr;
    const QByteArray point = QByteArray(1, '\x04') + *x + *y;  // uncompressed SEC 1 point
    std::unique_ptr<OSSL_PARAM_BLD, ParamBuildFree> builder(OSSL_PARAM_BLD_new());
    if (!builder || !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0)
        || !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.constData(),
                                             size_t(point.size())))
        return nullptr;
    return fromParams("EC", builder.get());  // OpenSSL checks that the point is on the curve
}

} // namespace

Outcome<JsonWebKeySet> parseJsonWebKeySet(const QByteArray &json, const QString &origin)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    const QJsonValue keys = doc.object().value(QLatin1String("keys"));
    if (doc.isNull() || !doc.isObject() || !keys.isArray())
        return AwsError::local(AwsErrorKind::MalformedResponse,
                               QStringLiteral("The OpenID provider's key set at %1 is not a JWKS document (a JSON object with a \"keys\" array)")
                                   .arg(origin));
    JsonWebKeySet set;
    for (const QJsonValue &value : keys.toArray()) {
        const QJsonObject jwk = value.toObject();
        const QString use = jwk.value(QLatin1String("use")).toString();
        if (!use.isEmpty() && use != u"sig")
            continue;
        JsonWebKey key;
        key.keyId = jwk.value(QLatin1String("kid")).toString();
        key.keyType = jwk.value(QLatin1String("kty")).toString();
        key.algorithm = jwk.value(QLatin1String("alg")).toString();
        if (key.keyType == u"RSA") {
            key.publicKey = rsaKey(jwk);
        } else if (key.keyType == u"EC") {
            key.curve = jwk.value(QLatin1String("crv")).toString();
            key.publicKey = ecKey(jwk, key.curve);
        }
        if (key.publicKey)
            set.keys.append(std::move(key));
    }
    if (set.keys.isEmpty())
        return AwsError::local(AwsErrorKind::MalformedResponse,
                               QStringLiteral("The OpenID provider's key set at %1 has no RSA or EC signing key RoleDrop can use")
                                   .arg(origin));
    return set;
}

Http::AwsCall *fetchJsonWebKeySet(Http::AwsHttpClient *http, const QUrl &jwksUri, const Http::TlsTrust &tls,
                                  QObject *context, ResultHandler<JsonWebKeySet> done)
{
    const QString origin = jwksUri.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
    return OidcHttp::getJson(http, jwksUri, tls, QStringLiteral("The OpenID provider's key set"), context,
                             [origin, done = std::move(done)](Outcome<QJsonObject> document) {
        if (!document) {
            AwsError error = document.error();
            error.action = QStringLiteral("oidc:GetKeys");
            return done(error);
        }
        done(parseJsonWebKeySet(QJsonDocument(document.value()).toJson(QJsonDocument::Compact), origin));
    });
}

} // namespace RoleDrop::Auth
