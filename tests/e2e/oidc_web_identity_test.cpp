// OpenID Connect web identity end to end, against the test OpenID Provider (npm oidc-provider, a certified
// implementation: tests/servers/oidc_test_provider.mjs) and the STS + S3 TEST DOUBLE's AssumeRoleWithWebIdentity
// (which checks the token's signature against the provider's JWKS and the role's trust conditions as AWS does),
// and Ceph RGW 16.2's own AssumeRoleWithWebIdentity (the provider registered there by seed-world.sh).
// The test plays the browser: it builds the authorization URL with PKCE itself (the window's browser sign-in is
// another part of issue 12), follows it, fills in the provider's login and consent forms and catches the redirect
// to the loopback URI. Everything after that is RoleDrop's: the redirect check, discovery, the token exchange,
// the JWKS, the ID token's verification, AssumeRoleWithWebIdentity, and the role session's S3 calls.

#include "core/auth/id_token_verifier.h"
#include "core/auth/json_web_key_set.h"
#include "core/auth/oidc_discovery.h"
#include "core/auth/oidc_redirect.h"
#include "core/auth/oidc_token_client.h"
#include "core/common/crypto.h"
#include "core/http/aws_http_client.h"
#include "core/s3/s3_client.h"
#include "core/sts/sts_client.h"
#include "test_double_knobs.h"
#include "test_world.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QUrlQuery>

using namespace RoleDrop;
using RoleDrop::Test::wait;
using RoleDrop::Test::worldValue;

namespace {

QString randomUrlSafe(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char &c : raw)
        c = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// One sign-in as the browser does it: what the test sent, and where the provider sent the browser back.
struct BrowserSignIn
{
    QString state;
    QString nonce;
    QString codeVerifier;
    QString redirectUri;
    QUrl redirect;       // the loopback URL the provider redirected to (code or error, state, iss)
    QString failure;     // why the browser did not get there
};

// A plain HTTP client with cookies, redirects not followed: the test's stand-in for a person's browser.
class TestBrowser
{
public:
    struct Page { int status = 0; QUrl location; QByteArray body; };

    Page request(const QUrl &url, const QByteArray &form = {})
    {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        QNetworkReply *reply;
        if (form.isNull()) {
            reply = m_network.get(request);
        } else {
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/x-www-form-urlencoded"));
            reply = m_network.post(request, form);
        }
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(15000);
        Page page{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                  url.resolved(QUrl(QString::fromUtf8(reply->rawHeader("Location")))), reply->readAll()};
        if (reply->rawHeader("Location").isEmpty())
            page.location = QUrl();
        reply->deleteLater();
        return page;
    }

private:
    QNetworkAccessManager m_network;  // with its own cookie jar: the provider's interaction and session cookies
};

} // namespace

class OidcWebIdentityTest : public QObject
{
    Q_OBJECT

private:
    Http::AwsHttpClient m_http;
    std::optional<Sts::StsClient> m_sts;
    Auth::OidcProviderMetadata m_provider;
    Auth::JsonWebKeySet m_keys;
    QString m_issuer;
    int m_clockAdvance = 0;

    BrowserSignIn browserSignIn(const QString &clientId, const QString &decision = QStringLiteral("allow"))
    {
        BrowserSignIn signIn;
        signIn.state = randomUrlSafe(16);
        signIn.nonce = randomUrlSafe(16);
        signIn.codeVerifier = randomUrlSafe(32);
        // RFC 8252 loopback redirect: the provider accepts any port of http://127.0.0.1/oauth/callback.
        signIn.redirectUri = QStringLiteral("http://127.0.0.1:%1/oauth/callback").arg(49152 + QRandomGenerator::global()->bounded(10000));
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
        query.addQueryItem(QStringLiteral("client_id"), clientId);
        query.addQueryItem(QStringLiteral("redirect_uri"), signIn.redirectUri);
        query.addQueryItem(QStringLiteral("scope"), QStringLiteral("openid offline_access"));
        query.addQueryItem(QStringLiteral("prompt"), QStringLiteral("consent"));  // offline_access needs it
        query.addQueryItem(QStringLiteral("state"), signIn.state);
        query.addQueryItem(QStringLiteral("nonce"), signIn.nonce);
        query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
        query.addQueryItem(QStringLiteral("code_challenge"), QString::fromLatin1(
            sha256(signIn.codeVerifier.toLatin1()).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
        QUrl url = m_provider.authorizationEndpoint;
        url.setQuery(query);

        signIn.failure = playBrowser(url, decision, signIn.redirectUri, &signIn.redirect, false);
        return signIn;
    }

    // Walks the provider's pages from `url` as a person would (login form, consent form with `decision`) until the
    // provider redirects to `redirectUri`; `deliver`: then also goes there, as a browser would, so that RoleDrop's
    // loopback handler gets it. Returns why it did not get there (empty: it did).
    QString playBrowser(QUrl url, const QString &decision, const QString &redirectUri, QUrl *redirect, bool deliver)
    {
        TestBrowser browser;
        static const QRegularExpression formAction(QStringLiteral("<form method=\"post\" action=\"([^\"]+)\""));
        for (int step = 0; step < 12; ++step) {
            TestBrowser::Page page = browser.request(url);
            if (page.location.isEmpty()) {
                const auto match = formAction.match(QString::fromUtf8(page.body));
                if (page.status != 200 || !match.hasMatch())
                    return QStringLiteral("HTTP %1 without a form at %2").arg(page.status).arg(url.path());
                const QUrl action = url.resolved(QUrl(match.captured(1)));
                QUrlQuery form;
                if (action.path().endsWith(QLatin1String("/confirm"))) {
                    form.addQueryItem(QStringLiteral("decision"), decision);
                } else {
                    form.addQueryItem(QStringLiteral("login"), worldValue("ROLEDROP_TEST_OIDC_USER"));
                    form.addQueryItem(QStringLiteral("password"), worldValue("ROLEDROP_TEST_OIDC_PASSWORD"));
                }
                page = browser.request(action, form.toString(QUrl::FullyEncoded).toUtf8());
                if (page.location.isEmpty())
                    return QStringLiteral("the form at %1 answered HTTP %2").arg(action.path()).arg(page.status);
            }
            if (page.location.toString().startsWith(redirectUri)) {
                *redirect = page.location;
                if (deliver && browser.request(page.location).status != 200)
                    return QStringLiteral("RoleDrop's loopback handler did not answer 200");
                return QString();
            }
            url = page.location;
        }
        return QStringLiteral("the browser never reached the redirect URI");
    }

    // Browser, redirect check and code exchange: the tokens of a sign-in that was allowed.
    Outcome<Auth::OidcTokens> signInAndExchange(const QString &clientId, BrowserSignIn *used = nullptr)
    {
        const BrowserSignIn signIn = browserSignIn(clientId);
        if (used)
            *used = signIn;
        if (!signIn.failure.isEmpty())
            return AwsError::local(AwsErrorKind::ServiceError, signIn.failure);
        const auto code = Auth::authorizationCodeFromRedirect(signIn.redirect, signIn.state, m_issuer);
        if (!code)
            return code.error();
        const Auth::OidcTokenClient tokens(&m_http, m_provider.tokenEndpoint, clientId, QString(), Test::testCaTrust());
        return wait<Auth::OidcTokens>([&](QObject *context, auto done) {
            tokens.exchangeCode({code.value(), signIn.codeVerifier, signIn.redirectUri}, context, done);
        });
    }

    Auth::IdTokenExpectations expectations(const QString &nonce) const
    {
        return {m_issuer, worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"), nonce, QDateTime::currentDateTimeUtc(), 60};
    }

    Outcome<Sts::AssumeRoleWithWebIdentityResult> assumeRole(const QString &idToken,
                                                             const char *roleVar = "ROLEDROP_TEST_STS_DOUBLE_ROLE_WEB_IDENTITY")
    {
        Sts::AssumeRoleWithWebIdentityRequest request{worldValue(roleVar), QStringLiteral("ada-e2e"), idToken, 3600, QString()};
        const auto valid = Sts::validateAssumeRoleWithWebIdentity(request);
        if (!valid)
            return valid.error();
        return wait<Sts::AssumeRoleWithWebIdentityResult>([&](QObject *context, auto done) {
            m_sts->assumeRoleWithWebIdentity(valid.value(), context, done);
        });
    }

    void advanceDoubleClock(int seconds)
    {
        Test::doubleKnob("POST", QStringLiteral("advance-clock?seconds=%1").arg(seconds));
        m_clockAdvance += seconds;
    }

private slots:
    void initTestCase()
    {
        m_issuer = worldValue("ROLEDROP_TEST_OIDC_ISSUER");
        Http::EndpointConfig endpoint;
        endpoint.customEndpoint = QUrl(worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT"));
        endpoint.tls = Test::testCaTrust();
        m_sts.emplace(&m_http, endpoint);

        const auto metadata = wait<Auth::OidcProviderMetadata>([&](QObject *context, auto done) {
            Auth::OidcDiscovery::fetch(&m_http, m_issuer, Test::testCaTrust(), context, done);
        });
        QVERIFY2(metadata, qPrintable(metadata ? QString() : metadata.error().userMessage()));
        m_provider = metadata.value();
        QVERIFY(m_provider.codeChallengeMethods.contains(QStringLiteral("S256")));
        const auto keys = wait<Auth::JsonWebKeySet>([&](QObject *context, auto done) {
            Auth::fetchJsonWebKeySet(&m_http, m_provider.jwksUri, Test::testCaTrust(), context, done);
        });
        QVERIFY2(keys, qPrintable(keys ? QString() : keys.error().userMessage()));
        m_keys = keys.value();
        QCOMPARE(m_keys.keys.size(), 2);  // the provider's RSA and EC keys
    }

    void cleanup()
    {
        if (m_clockAdvance != 0)
            Test::doubleKnob("POST", QStringLiteral("advance-clock?seconds=%1").arg(-m_clockAdvance));
        m_clockAdvance = 0;
    }

    void signIn_assumeRole_useTheSession()
    {
        BrowserSignIn signIn;
        const auto tokens = signInAndExchange(worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"), &signIn);
        QVERIFY2(tokens, qPrintable(tokens ? QString() : tokens.error().userMessage()));
        QVERIFY(!tokens->idToken.isEmpty());
        QVERIFY2(!tokens->refreshToken.isEmpty(), "offline_access with prompt=consent gives a refresh token");
        QVERIFY(tokens->accessTokenExpiresAt > QDateTime::currentDateTimeUtc());

        const auto claims = Auth::IdTokenVerifier::verify(tokens->idToken, m_keys, expectations(signIn.nonce));
        QVERIFY2(claims, qPrintable(claims ? QString() : claims.error().userMessage()));
        QCOMPARE(claims->subject, worldValue("ROLEDROP_TEST_OIDC_SUBJECT"));
        QCOMPARE(claims->algorithm, QStringLiteral("RS256"));
        QCOMPARE(claims->issuer, m_issuer);

        const auto role = assumeRole(tokens->idToken);
        QVERIFY2(role, qPrintable(role ? QString() : role.error().userMessage()));
        QCOMPARE(role->subjectFromWebIdentityToken, worldValue("ROLEDROP_TEST_OIDC_SUBJECT"));
        QCOMPARE(role->audience, worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"));
        QCOMPARE(role->provider, m_issuer);
        QCOMPARE(role->assumedRoleUser.arn, QStringLiteral("arn:aws:sts::%1:assumed-role/WebIdentityRole/ada-e2e")
                                                .arg(worldValue("ROLEDROP_TEST_STS_DOUBLE_ACCOUNT")));
        QVERIFY(role->credentials.isTemporary());

        const auto session = Http::fixedCredentials(role->credentials, QStringLiteral("ada via OpenID Connect"));
        const auto who = wait<Sts::CallerIdentity>([&](QObject *context, auto done) { m_sts->getCallerIdentity(session, context, done); });
        QVERIFY2(who, qPrintable(who ? QString() : who.error().userMessage()));
        QCOMPARE(who->arn, role->assumedRoleUser.arn);

        Http::EndpointConfig s3Endpoint;
        s3Endpoint.customEndpoint = QUrl(worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        s3Endpoint.pathStyle = true;
        s3Endpoint.tls = Test::testCaTrust();
        const auto s3 = std::make_shared<S3::S3Client>(&m_http, session, s3Endpoint);
        const QString bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        const QString key = QStringLiteral("oidc-e2e/from-ada.txt");
        const QByteArray body("uploaded with a role session from an OpenID Connect sign-in");
        const auto put = wait<QString>([&](QObject *context, auto done) { s3->putBytes(bucket, key, body, QStringLiteral("text/plain"), context, done); });
        QVERIFY2(put, qPrintable(put ? QString() : put.error().userMessage()));
        const auto head = wait<S3::ObjectMetadata>([&](QObject *context, auto done) { s3->headObject(bucket, key, context, done); });
        QVERIFY2(head, qPrintable(head ? QString() : head.error().userMessage()));
        QCOMPARE(head->size, qint64(body.size()));
        const auto removed = wait<Done>([&](QObject *context, auto done) { s3->deleteObject(bucket, key, context, done); });
        QVERIFY(removed);
    }

    void refreshToken_givesANewIdToken()
    {
        const QString clientId = worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID");
        const auto first = signInAndExchange(clientId);
        QVERIFY2(first, qPrintable(first ? QString() : first.error().userMessage()));
        const Auth::OidcTokenClient client(&m_http, m_provider.tokenEndpoint, clientId, QString(), Test::testCaTrust());
        const auto renewed = wait<Auth::OidcTokens>([&](QObject *context, auto done) { client.refresh(first->refreshToken, context, done); });
        QVERIFY2(renewed, qPrintable(renewed ? QString() : renewed.error().userMessage()));
        QVERIFY(!renewed->idToken.isEmpty());
        // A new access token (random); the ID token may be byte for byte the first one within the same second.
        QVERIFY(renewed->accessToken != first->accessToken);
        QVERIFY(!renewed->refreshToken.isEmpty());
        // A refreshed ID token carries no nonce of a sign-in: none is expected.
        const auto claims = Auth::IdTokenVerifier::verify(renewed->idToken, m_keys, expectations(QString()));
        QVERIFY2(claims, qPrintable(claims ? QString() : claims.error().userMessage()));
        QVERIFY2(assumeRole(renewed->idToken).ok(), "the renewed ID token gives a role session");

        // A made-up refresh token is refused with the provider's invalid_grant and advice to sign in again.
        const auto refused = wait<Auth::OidcTokens>([&](QObject *context, auto done) { client.refresh(QStringLiteral("not-a-refresh-token-4711"), context, done); });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("invalid_grant"));
        QVERIFY2(refused.error().advice.contains(QLatin1String("sign in again")), qPrintable(refused.error().userMessage()));
        QVERIFY(!refused.error().userMessage().contains(QLatin1String("not-a-refresh-token-4711")));
    }

    void revokedRefreshToken_isRefusedAfterwards()
    {
        // Discovery names the provider's revocation endpoint (RFC 8414), https like the others.
        QCOMPARE(m_provider.revocationEndpoint.scheme(), QStringLiteral("https"));
        const QString clientId = worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID");
        const auto tokens = signInAndExchange(clientId);
        QVERIFY2(tokens, qPrintable(tokens ? QString() : tokens.error().userMessage()));
        QVERIFY(!tokens->refreshToken.isEmpty());
        const Auth::OidcTokenClient client(&m_http, m_provider.tokenEndpoint, clientId, QString(), Test::testCaTrust());
        const auto revoked = wait<Done>([&](QObject *context, auto done) {
            client.revokeRefreshToken(m_provider.revocationEndpoint, tokens->refreshToken, context, done);
        });
        QVERIFY2(revoked, qPrintable(revoked ? QString() : revoked.error().userMessage()));
        // The provider no longer takes it: a sign-out that revoked it leaves nothing usable behind.
        const auto refused = wait<Auth::OidcTokens>([&](QObject *context, auto done) { client.refresh(tokens->refreshToken, context, done); });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("invalid_grant"));
        // Revoking it again is no error (RFC 7009 2.2: the provider answers 200 for a token it does not know).
        const auto again = wait<Done>([&](QObject *context, auto done) {
            client.revokeRefreshToken(m_provider.revocationEndpoint, tokens->refreshToken, context, done);
        });
        QVERIFY2(again, qPrintable(again ? QString() : again.error().userMessage()));
    }

    void es256IdToken_isVerifiedAndAccepted()
    {
        BrowserSignIn signIn;
        const QString clientId = worldValue("ROLEDROP_TEST_OIDC_ES256_CLIENT_ID");
        const auto tokens = signInAndExchange(clientId, &signIn);
        QVERIFY2(tokens, qPrintable(tokens ? QString() : tokens.error().userMessage()));
        Auth::IdTokenExpectations expected = expectations(signIn.nonce);
        expected.clientId = clientId;
        const auto claims = Auth::IdTokenVerifier::verify(tokens->idToken, m_keys, expected);
        QVERIFY2(claims, qPrintable(claims ? QString() : claims.error().userMessage()));
        QCOMPARE(claims->algorithm, QStringLiteral("ES256"));
        QVERIFY(assumeRole(tokens->idToken).ok());
    }

    void wrongAudience_isRefusedByBoth()
    {
        BrowserSignIn signIn;
        const auto tokens = signInAndExchange(worldValue("ROLEDROP_TEST_OIDC_OTHER_CLIENT_ID"), &signIn);
        QVERIFY2(tokens, qPrintable(tokens ? QString() : tokens.error().userMessage()));
        Auth::IdTokenProblem problem;
        const auto claims = Auth::IdTokenVerifier::verify(tokens->idToken, m_keys, expectations(signIn.nonce), &problem);
        QVERIFY(!claims);
        QCOMPARE(problem, Auth::IdTokenProblem::WrongAudience);
        QVERIFY2(claims.error().message.contains(QLatin1String("roledrop-other-app")), qPrintable(claims.error().message));

        const auto role = assumeRole(tokens->idToken);
        QVERIFY(!role);
        QCOMPARE(role.error().code, QStringLiteral("InvalidIdentityToken"));
        QCOMPARE(role.error().message, QStringLiteral("Incorrect token audience"));
        QVERIFY2(role.error().advice.contains(QLatin1String("client ids")), qPrintable(role.error().userMessage()));
        QVERIFY(!role.error().userMessage().contains(tokens->idToken.left(40)));
    }

    void expiredIdToken_isRefusedByBoth()
    {
        BrowserSignIn signIn;
        const auto tokens = signInAndExchange(worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"), &signIn);
        QVERIFY2(tokens, qPrintable(tokens ? QString() : tokens.error().userMessage()));
        Auth::IdTokenExpectations later = expectations(signIn.nonce);
        later.now = later.now.addSecs(3600 + 120);
        Auth::IdTokenProblem problem;
        const auto claims = Auth::IdTokenVerifier::verify(tokens->idToken, m_keys, later, &problem);
        QVERIFY(!claims);
        QCOMPARE(problem, Auth::IdTokenProblem::Expired);
        QCOMPARE(claims.error().kind, AwsErrorKind::ExpiredToken);

        advanceDoubleClock(3600 + 120);
        const auto role = assumeRole(tokens->idToken);
        QVERIFY(!role);
        QCOMPARE(role.error().code, QStringLiteral("ExpiredTokenException"));
        QCOMPARE(role.error().kind, AwsErrorKind::ExpiredToken);
        QVERIFY2(role.error().advice.contains(QLatin1String("sign in again")), qPrintable(role.error().userMessage()));
    }

    void shortIdTokenLifetime_fromTheProvider()
    {
        // The provider's own knob: ID tokens issued now last 5 s (its exp, not a moved clock).
        QNetworkAccessManager plain;
        QNetworkReply *reply = plain.sendCustomRequest(QNetworkRequest(QUrl(m_issuer + QStringLiteral("/__test__/id-token-ttl?seconds=5"))), "POST");
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
        const auto restore = qScopeGuard([&] {
            QNetworkReply *back = plain.deleteResource(QNetworkRequest(QUrl(m_issuer + QStringLiteral("/__test__/id-token-ttl"))));
            QSignalSpy backDone(back, &QNetworkReply::finished);
            backDone.wait(10000);
            back->deleteLater();
        });
        BrowserSignIn signIn;
        const auto tokens = signInAndExchange(worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"), &signIn);
        QVERIFY2(tokens, qPrintable(tokens ? QString() : tokens.error().userMessage()));
        const auto claims = Auth::IdTokenVerifier::verify(tokens->idToken, m_keys, expectations(signIn.nonce));
        QVERIFY2(claims, qPrintable(claims ? QString() : claims.error().userMessage()));
        QCOMPARE(claims->issuedAt.secsTo(claims->expiresAt), 5);
        // Past its exp for STS (which allows no skew) once 6 s went by on the double's clock.
        advanceDoubleClock(6);
        const auto role = assumeRole(tokens->idToken);
        QVERIFY(!role);
        QCOMPARE(role.error().code, QStringLiteral("ExpiredTokenException"));
    }

    void tamperedSignature_isRefusedByBoth()
    {
        BrowserSignIn signIn;
        const auto tokens = signInAndExchange(worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"), &signIn);
        QVERIFY2(tokens, qPrintable(tokens ? QString() : tokens.error().userMessage()));
        QString tampered = tokens->idToken;
        const qsizetype at = tampered.lastIndexOf(u'.') + 20;
        tampered[at] = tampered[at] == u'A' ? u'B' : u'A';
        Auth::IdTokenProblem problem;
        QVERIFY(!Auth::IdTokenVerifier::verify(tampered, m_keys, expectations(signIn.nonce), &problem));
        QCOMPARE(problem, Auth::IdTokenProblem::BadSignature);
        const auto role = assumeRole(tampered);
        QVERIFY(!role);
        QCOMPARE(role.error().code, QStringLiteral("InvalidIdentityToken"));
        QCOMPARE(role.error().httpStatus, 400);
    }

    void deniedConsent_saysSo()
    {
        const BrowserSignIn signIn = browserSignIn(worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"), QStringLiteral("deny"));
        QVERIFY2(signIn.failure.isEmpty(), qPrintable(signIn.failure));
        const auto code = Auth::authorizationCodeFromRedirect(signIn.redirect, signIn.state, m_issuer);
        QVERIFY(!code);
        QCOMPARE(code.error().code, QStringLiteral("access_denied"));
        QCOMPARE(code.error().kind, AwsErrorKind::AccessDenied);
        QVERIFY2(code.error().userMessage().contains(QLatin1String("was denied")), qPrintable(code.error().userMessage()));
    }

    void wrongState_isRefusedAndTheCodeNotUsed()
    {
        const BrowserSignIn signIn = browserSignIn(worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"));
        QVERIFY2(signIn.failure.isEmpty(), qPrintable(signIn.failure));
        // The real redirect, checked against another sign-in's state (as a forged or stale redirect would be).
        const auto code = Auth::authorizationCodeFromRedirect(signIn.redirect, randomUrlSafe(16), m_issuer);
        QVERIFY(!code);
        QCOMPARE(code.error().kind, AwsErrorKind::AccessDenied);
        QVERIFY2(code.error().message.contains(QLatin1String("state")), qPrintable(code.error().message));
        // The same redirect with its own state passes: the refusal was the state's alone.
        QVERIFY(Auth::authorizationCodeFromRedirect(signIn.redirect, signIn.state, m_issuer).ok());
        // The provider says who it is (RFC 9207), and a code exchanged with another verifier is refused there.
        QCOMPARE(QUrlQuery(signIn.redirect).queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded), m_issuer);
        const Auth::OidcTokenClient client(&m_http, m_provider.tokenEndpoint, worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"),
                                           QString(), Test::testCaTrust());
        const QString realCode = QUrlQuery(signIn.redirect).queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
        const auto stolen = wait<Auth::OidcTokens>([&](QObject *context, auto done) {
            client.exchangeCode({realCode, randomUrlSafe(32), signIn.redirectUri}, context, done);
        });
        QVERIFY(!stolen);
        QCOMPARE(stolen.error().code, QStringLiteral("invalid_grant"));
        QVERIFY(!stolen.error().userMessage().contains(realCode));
    }

    void rgwVerifiesTheProvidersToken()
    {
        // Ceph RGW checks the token against the key (with its x5c certificate) it fetches from the provider, the
        // client ids registered with create-open-id-connect-provider and the role's trust policy on :sub.
        const auto tokens = signInAndExchange(worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"));
        QVERIFY2(tokens, qPrintable(tokens ? QString() : tokens.error().userMessage()));
        const Sts::StsClient rgwSts(&m_http, Test::rgwEndpoint());
        Sts::AssumeRoleWithWebIdentityRequest request{worldValue("ROLEDROP_TEST_ROLE_WEB_IDENTITY"), QStringLiteral("ada-rgw"),
                                                      tokens->idToken, 3600, QString()};
        const auto role = wait<Sts::AssumeRoleWithWebIdentityResult>([&](QObject *context, auto done) {
            rgwSts.assumeRoleWithWebIdentity(request, context, done);
        });
        QVERIFY2(role, qPrintable(role ? QString() : role.error().userMessage()));
        QCOMPARE(role->assumedRoleUser.arn, QStringLiteral("arn:aws:sts:::assumed-role/WebIdentityS3Access/ada-rgw"));
        QVERIFY(role->credentials.isTemporary());

        const auto s3 = std::make_shared<S3::S3Client>(&m_http, Http::fixedCredentials(role->credentials), Test::rgwEndpoint());
        const QString bucket = worldValue("ROLEDROP_TEST_BUCKET");
        const QString key = QStringLiteral("oidc-e2e/rgw-from-ada.txt");
        const QByteArray body("uploaded to Ceph RGW with a web identity role session");
        const auto put = wait<QString>([&](QObject *context, auto done) { s3->putBytes(bucket, key, body, QStringLiteral("text/plain"), context, done); });
        QVERIFY2(put, qPrintable(put ? QString() : put.error().userMessage()));
        const auto head = wait<S3::ObjectMetadata>([&](QObject *context, auto done) { s3->headObject(bucket, key, context, done); });
        QVERIFY2(head, qPrintable(head ? QString() : head.error().userMessage()));
        QCOMPARE(head->size, qint64(body.size()));
        QVERIFY(wait<Done>([&](QObject *context, auto done) { s3->deleteObject(bucket, key, context, done); }));

        // A token for a client id RGW's OIDC provider does not list is refused (RGW says no more than 403).
        const auto other = signInAndExchange(worldValue("ROLEDROP_TEST_OIDC_OTHER_CLIENT_ID"));
        QVERIFY2(other, qPrintable(other ? QString() : other.error().userMessage()));
        request.webIdentityToken = other->idToken;
        const auto refused = wait<Sts::AssumeRoleWithWebIdentityResult>([&](QObject *context, auto done) {
            rgwSts.assumeRoleWithWebIdentity(request, context, done);
        });
        QVERIFY(!refused);
        QCOMPARE(refused.error().httpStatus, 403);
        QVERIFY(!refused.error().userMessage().contains(other->idToken.left(40)));
    }

    void trustPolicyForAnotherSubject_isAccessDenied()
    {
        const auto tokens = signInAndExchange(worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"));
        QVERIFY2(tokens, qPrintable(tokens ? QString() : tokens.error().userMessage()));
        const auto role = assumeRole(tokens->idToken, "ROLEDROP_TEST_STS_DOUBLE_ROLE_WEB_IDENTITY_OTHER_USER");
        QVERIFY(!role);
        QCOMPARE(role.error().kind, AwsErrorKind::AccessDenied);
        QVERIFY2(role.error().advice.contains(QLatin1String("trust policy")), qPrintable(role.error().userMessage()));
        QCOMPARE(role.error().resource, worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_WEB_IDENTITY_OTHER_USER"));
    }
};

QTEST_GUILESS_MAIN(OidcWebIdentityTest)
#include "oidc_web_identity_test.moc"
