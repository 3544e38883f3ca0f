#include "core/auth/id_token_verifier.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

using namespace RoleDrop;
using namespace RoleDrop::Auth;

namespace {

const QString issuer = QStringLiteral("https://idp.example.test/realm");
const QString clientId = QStringLiteral("roledrop-test-app");
const QDateTime now = QDateTime(QDate(2026, 11, 30), QTime(12, 0), Qt::UTC);

QByteArray b64url(const QByteArray &raw)
{
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray bnBytes(EVP_PKEY *key, const char *name, int width = 0)
{
    BIGNUM *bn = nullptr;
    EVP_PKEY_get_bn_param(key, name, &bn);
    QByteArray out(width ? width : BN_num_bytes(bn), '\0');
    if (width)
        BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(out.data()), width);
    else
        BN_bn2bin(bn, reinterpret_cast<unsigned char *>(out.data()));
    BN_free(bn);
    return out;
}

// A signing key made for the test, with its public JWK.
struct TestKey
{
    std::shared_ptr<EVP_PKEY> key;
    QString kid;
    QString alg;
    QJsonObject jwk;
};

TestKey rsaKey(const QString &kid)
{
    TestKey k{std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048)), EVP_PKEY_free), kid,
              QStringLiteral("RS256"), {}};
    k.jwk = {{"kty", "RSA"}, {"kid", kid}, {"use", "sig"}, {"alg", "RS256"},
             {"n", QString::fromLatin1(b64url(bnBytes(k.key.get(), OSSL_PKEY_PARAM_RSA_N)))},
             {"e", QString::fromLatin1(b64url(bnBytes(k.key.get(), OSSL_PKEY_PARAM_RSA_E)))}};
    return k;
}

TestKey ecKey(const QString &kid)
{
    TestKey k{std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free), kid,
              QStringLiteral("ES256"), {}};
    k.jwk = {{"kty", "EC"}, {"kid", kid}, {"crv", "P-256"},
             {"x", QString::fromLatin1(b64url(bnBytes(k.key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32)))},
             {"y", QString::fromLatin1(b64url(bnBytes(k.key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32)))}};
    return k;
}

QByteArray sign(const TestKey &k, const QByteArray &input)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t length = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, k.key.get());
    EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size()));
    QByteArray sig(qsizetype(length), '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(sig.data()), &length,
                   reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size()));
    EVP_MD_CTX_free(ctx);
    sig.resize(qsizetype(length));
    if (k.alg == u"ES256") {  // DER -> r || s, as JWS carries it
        const unsigned char *p = reinterpret_cast<const unsigned char *>(sig.constData());
        ECDSA_SIG *ecdsa = d2i_ECDSA_SIG(nullptr, &p, long(sig.size()));
        QByteArray raw(64, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), reinterpret_cast<unsigned char *>(raw.data()), 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), reinterpret_cast<unsigned char *>(raw.data()) + 32, 32);
        ECDSA_SIG_free(ecdsa);
        return raw;
    }
    return sig;
}

QJsonObject standardClaims()
{
    return {{"iss", issuer}, {"sub", "ada-lovelace-1815"}, {"aud", clientId}, {"nonce", "n-0S6_WzA2Mj"},
            {"iat", double(now.toSecsSinceEpoch() - 10)}, {"exp", double(now.toSecsSinceEpoch() + 3600)},
            {"email", "ada@example.test"}};
}

QString token(const TestKey &k, const QJsonObject &claims, QJsonObject header = {})
{
    if (header.isEmpty())
        header = {{"alg", k.alg}, {"typ", "JWT"}, {"kid", k.kid}};
    const QByteArray input = b64url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
                           + b64url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return QString::fromLatin1(input + '.' + b64url(sign(k, input)));
}

JsonWebKeySet keySet(const QList<TestKey> &keys)
{
    QJsonArray array;
    for (const TestKey &k : keys)
        array.append(k.jwk);
    const auto set = parseJsonWebKeySet(QJsonDocument(QJsonObject{{"keys", array}}).toJson(), QStringLiteral("test"));
    if (!set)
        qFatal("test key set did not parse: %s", qPrintable(set.error().message));
    return set.value();
}

IdTokenExpectations expectations()
{
    return {issuer, clientId, QStringLiteral("n-0S6_WzA2Mj"), now, 60};
}

} // namespace

class IdTokenVerifierTest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_rsa = rsaKey(QStringLiteral("rsa-1"));
        m_ec = ecKey(QStringLiteral("ec-1"));
        m_keys = keySet({m_rsa, m_ec});
    }

    void rs256_isVerified()
    {
        const auto claims = IdTokenVerifier::verify(token(m_rsa, standardClaims()), m_keys, expectations());
        QVERIFY2(claims.ok(), qPrintable(claims.error().message));
        QCOMPARE(claims->subject, QStringLiteral("ada-lovelace-1815"));
        QCOMPARE(claims->issuer, issuer);
        QCOMPARE(claims->audiences, QStringList{clientId});
        QCOMPARE(claims->expiresAt, now.addSecs(3600));
        QCOMPARE(claims->claims.value(QLatin1String("email")).toString(), QStringLiteral("ada@example.test"));
        QCOMPARE(claims->keyId, QStringLiteral("rsa-1"));
    }

    void es256_isVerified()
    {
        const auto claims = IdTokenVerifier::verify(token(m_ec, standardClaims()), m_keys, expectations());
        QVERIFY2(claims.ok(), qPrintable(claims.error().message));
        QCOMPARE(claims->algorithm, QStringLiteral("ES256"));
    }

    void noKid_usesTheOnlyKeyOfItsType()
    {
        const QString t = token(m_rsa, standardClaims(), {{"alg", "RS256"}});
        QVERIFY(IdTokenVerifier::verify(t, m_keys, expectations()).ok());
        // With two RSA keys and no kid, there is no telling which one: refused.
        IdTokenProblem problem;
        QVERIFY(!IdTokenVerifier::verify(t, keySet({m_rsa, rsaKey(QStringLiteral("rsa-2"))}), expectations(), &problem).ok());
        QCOMPARE(problem, IdTokenProblem::UnknownKey);
    }

    void audienceList_needsAzp()
    {
        QJsonObject claims = standardClaims();
        claims[QStringLiteral("aud")] = QJsonArray{clientId, QStringLiteral("https://api.example.test")};
        IdTokenProblem problem;
        QVERIFY(!IdTokenVerifier::verify(token(m_rsa, claims), m_keys, expectations(), &problem).ok());
        QCOMPARE(problem, IdTokenProblem::WrongAudience);
        claims[QStringLiteral("azp")] = clientId;
        const auto ok = IdTokenVerifier::verify(token(m_rsa, claims), m_keys, expectations());
        QVERIFY2(ok.ok(), qPrintable(ok.error().message));
        QCOMPARE(ok->audiences.size(), 2);
        claims[QStringLiteral("aud")] = QJsonArray{clientId};
        QVERIFY(IdTokenVerifier::verify(token(m_rsa, claims), m_keys, expectations()).ok());
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("claim");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<int>("problem");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("another audience") << "aud" << QJsonValue("roledrop-other-app") << int(IdTokenProblem::WrongAudience)
                                          << "issued for client 'roledrop-other-app', not for this profile's client id 'roledrop-test-app'";
        QTest::newRow("another issuer") << "iss" << QJsonValue("https://evil.example.test") << int(IdTokenProblem::WrongIssuer)
                                        << "set the profile's issuer";
        QTest::newRow("expired 61 s ago") << "exp" << QJsonValue(double(now.toSecsSinceEpoch() - 61))
                                          << int(IdTokenProblem::Expired) << "expired at 2026-11-30 11:58:59 UTC";
        QTest::newRow("issued 2 min ahead") << "iat" << QJsonValue(double(now.toSecsSinceEpoch() + 120))
                                            << int(IdTokenProblem::IssuedInFuture) << "check this computer's clock";
        QTest::newRow("another sign-in's nonce") << "nonce" << QJsonValue("other") << int(IdTokenProblem::WrongNonce)
                                                 << "nonce";
        QTest::newRow("azp of another client") << "azp" << QJsonValue("roledrop-other-app")
                                               << int(IdTokenProblem::WrongAudience) << "azp";
        QTest::newRow("no sub") << "sub" << QJsonValue("") << int(IdTokenProblem::Malformed) << "no subject";
    }

    void refusals()
    {
        QFETCH(QString, claim);
        QFETCH(QJsonValue, value);
        QFETCH(int, problem);
        QFETCH(QString, messagePart);
        QJsonObject claims = standardClaims();
        claims[claim] = value;
        const QString t = token(m_rsa, claims);
        IdTokenProblem got;
        const auto result = IdTokenVerifier::verify(t, m_keys, expectations(), &got);
        QVERIFY(!result.ok());
        QCOMPARE(int(got), problem);
        QVERIFY2(result.error().message.contains(messagePart), qPrintable(result.error().message));
        QCOMPARE(result.error().resource, issuer);
        expectNoTokenIn(result.error().userMessage(), t);
        QCOMPARE(result.error().kind, got == IdTokenProblem::Expired ? AwsErrorKind::ExpiredToken
                                                                      : AwsErrorKind::InvalidClientTokenId);
    }

    void clockSkew_isAllowed()
    {
        QJsonObject claims = standardClaims();
        claims[QStringLiteral("exp")] = double(now.toSecsSinceEpoch() - 30);
        claims[QStringLiteral("iat")] = double(now.toSecsSinceEpoch() + 30);
        QVERIFY(IdTokenVerifier::verify(token(m_rsa, claims), m_keys, expectations()).ok());
    }

    void nonceNotAsked_isNotChecked()
    {
        IdTokenExpectations e = expectations();
        e.nonce.clear();
        QJsonObject claims = standardClaims();
        claims.remove(QStringLiteral("nonce"));
        QVERIFY(IdTokenVerifier::verify(token(m_rsa, claims), m_keys, e).ok());
        // ...but asked for and missing is refused.
        QVERIFY(!IdTokenVerifier::verify(token(m_rsa, claims), m_keys, expectations()).ok());
    }

    void tamperedSignature_isRefused()
    {
        const QString good = token(m_rsa, standardClaims());
        QString bad = good;
        const qsizetype at = bad.lastIndexOf(u'.') + 10;
        bad[at] = bad[at] == u'A' ? u'B' : u'A';
        IdTokenProblem problem;
        const auto result = IdTokenVerifier::verify(bad, m_keys, expectations(), &problem);
        QVERIFY(!result.ok());
        QCOMPARE(problem, IdTokenProblem::BadSignature);
        expectNoTokenIn(result.error().userMessage(), bad);
    }

    void changedClaims_areRefused()
    {
        const QStringList parts = token(m_rsa, standardClaims()).split(u'.');
        QJsonObject claims = standardClaims();
        claims[QStringLiteral("sub")] = QStringLiteral("grace-hopper-1906");
        const QString forged = parts[0] + u'.' + QString::fromLatin1(b64url(QJsonDocument(claims).toJson(QJsonDocument::Compact)))
                             + u'.' + parts[2];
        IdTokenProblem problem;
        QVERIFY(!IdTokenVerifier::verify(forged, m_keys, expectations(), &problem).ok());
        QCOMPARE(problem, IdTokenProblem::BadSignature);
    }

    void keyNotInSet_isUnknownKey()
    {
        const TestKey stranger = rsaKey(QStringLiteral("rsa-unpublished"));
        IdTokenProblem problem;
        const auto result = IdTokenVerifier::verify(token(stranger, standardClaims()), m_keys, expectations(), &problem);
        QVERIFY(!result.ok());
        QCOMPARE(problem, IdTokenProblem::UnknownKey);
        QVERIFY2(result.error().message.contains(QLatin1String("rsa-unpublished")), qPrintable(result.error().message));
        // A stranger's key under a published kid is a bad signature.
        TestKey impostor = rsaKey(QStringLiteral("rsa-1"));
        QVERIFY(!IdTokenVerifier::verify(token(impostor, standardClaims()), m_keys, expectations(), &problem).ok());
        QCOMPARE(problem, IdTokenProblem::BadSignature);
    }

    void unsafeAlgorithms_areRefused_data()
    {
        QTest::addColumn<QString>("alg");
        QTest::newRow("none") << "none";
        QTest::newRow("HS256") << "HS256";
        QTest::newRow("PS256") << "PS256";
        QTest::newRow("empty") << "";
    }

    void unsafeAlgorithms_areRefused()
    {
        QFETCH(QString, alg);
        const QByteArray input = b64url(QJsonDocument(QJsonObject{{"alg", alg}, {"kid", "rsa-1"}}).toJson(QJsonDocument::Compact))
                               + '.' + b64url(QJsonDocument(standardClaims()).toJson(QJsonDocument::Compact));
        // The classic confusion: an HMAC "signature" keyed with the public key's bytes.
        unsigned char mac[32];
        unsigned int macLength = 0;
        const QByteArray publicKey = m_rsa.jwk.value(QLatin1String("n")).toString().toLatin1();
        HMAC(EVP_sha256(), publicKey.constData(), int(publicKey.size()),
             reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size()), mac, &macLength);
        for (const QByteArray &signature : {QByteArray(), b64url(QByteArray(reinterpret_cast<char *>(mac), int(macLength)))}) {
            IdTokenProblem problem;
            const auto result = IdTokenVerifier::verify(QString::fromLatin1(input + '.' + signature), m_keys, expectations(), &problem);
            QVERIFY(!result.ok());
            QCOMPARE(problem, IdTokenProblem::UnsupportedAlgorithm);
        }
    }

    void algorithmOfAnotherKeyType_isRefused()
    {
        // An RS256 header naming the EC key's kid: the key does not fit, whatever the signature.
        const QString t = token(m_rsa, standardClaims(), {{"alg", "RS256"}, {"kid", "ec-1"}});
        IdTokenProblem problem;
        QVERIFY(!IdTokenVerifier::verify(t, m_keys, expectations(), &problem).ok());
        QCOMPARE(problem, IdTokenProblem::UnknownKey);
    }

    void malformed_isRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("two parts") << "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0";
        QTest::newRow("not base64url") << "e$$.e$$.e$$";
        QTest::newRow("header not JSON") << "bm90IGpzb24.eyJzdWIiOiJhIn0.AAAA";
    }

    void malformed_isRefused()
    {
        QFETCH(QString, text);
        IdTokenProblem problem;
        QVERIFY(!IdTokenVerifier::verify(text, m_keys, expectations(), &problem).ok());
        QCOMPARE(problem, IdTokenProblem::Malformed);
    }

    void keySet_skipsWhatItCannotUse()
    {
        QJsonArray keys{m_rsa.jwk,
                        QJsonObject{{"kty", "oct"}, {"k", "c2VjcmV0"}},
                        QJsonObject{{"kty", "RSA"}, {"use", "enc"}, {"n", m_rsa.jwk["n"]}, {"e", m_rsa.jwk["e"]}},
                        QJsonObject{{"kty", "EC"}, {"crv", "P-256"}, {"x", "AAAA"}, {"y", "AAAA"}}};
        const auto set = parseJsonWebKeySet(QJsonDocument(QJsonObject{{"keys", keys}}).toJson(), QStringLiteral("t"));
        QVERIFY(set.ok());
        QCOMPARE(set->keys.size(), 1);
        QCOMPARE(set->keys.first().keyId, QStringLiteral("rsa-1"));
        const auto none = parseJsonWebKeySet(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})", QStringLiteral("https://idp/jwks"));
        QVERIFY(!none.ok());
        QVERIFY2(none.error().message.contains(QLatin1String("https://idp/jwks")), qPrintable(none.error().message));
        QVERIFY(!parseJsonWebKeySet("<html>", QStringLiteral("x")).ok());
    }

private:
    static void expectNoTokenIn(const QString &message, const QString &token)
    {
        for (const QString &part : token.split(u'.')) {
            for (qsizetype i = 0; i + 16 <= part.size(); i += 8)
                QVERIFY2(!message.contains(part.mid(i, 16)), qPrintable(message));
        }
    }

    TestKey m_rsa;
    TestKey m_ec;
    JsonWebKeySet m_keys;
};

QTEST_GUILESS_MAIN(IdTokenVerifierTest)
#include "id_token_verifier_test.moc"
