// IAM Identity Center sign-in end to end, against the IAM Identity Center TEST DOUBLE (tests/servers/sso_test_double.py,
// which follows AWS's SSO OIDC and portal APIs; its GetRoleCredentials keys come from a real AssumeRole at the STS
// test double). The test plays the user's browser: it fills in the double's /device and /authorize forms with
// james's password and lets the /authorize redirect reach RoleDrop's loopback handler, as a browser would.

#include "core/auth/keychain_store.h"
#include "core/auth/loopback_authorization.h"
#include "core/auth/sso_oidc_client.h"
#include "core/auth/sso_portal_client.h"
#include "core/auth/sso_sign_in.h"
#include "core/auth/sso_token_store.h"
#include "core/http/aws_http_client.h"
#include "core/http/credential_source.h"
#include "core/sts/sts_client.h"
#include "test_world.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QUrlQuery>

using namespace RoleDrop;
using RoleDrop::Test::wait;
using RoleDrop::Test::worldValue;

namespace {

QString endpoint()
{
    return worldValue("ROLEDROP_TEST_SSO_OIDC_ENDPOINT");
}

struct PlainAnswer
{
    int status = 0;
    QByteArray body;
    QUrl location;
};

// One request as a browser sends it, redirects NOT followed (the test reads Location itself).
PlainAnswer plainRequest(const QByteArray &method, const QUrl &url, const QByteArray &form = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!form.isNull())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    QNetworkReply *reply = network.sendCustomRequest(request, method, form);
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 30000))
        reply->abort();
    PlainAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.location = QUrl(QString::fromUtf8(reply->rawHeader("Location")));
    delete reply;
    return answer;
}

QByteArray formOf(const QList<std::pair<QString, QString>> &fields)
{
    QUrlQuery query;
    for (const auto &[name, value] : fields)
        query.addQueryItem(name, QString::fromUtf8(QUrl::toPercentEncoding(value)));
    return query.toString(QUrl::FullyEncoded).toUtf8();
}

QJsonObject knob(const QByteArray &method, const QString &pathAndQuery)
{
    const PlainAnswer answer = plainRequest(method, QUrl(endpoint() + QStringLiteral("/__test__/") + pathAndQuery),
                                            method == "POST" ? QByteArray("") : QByteArray());
    if (answer.status != 200)
        qWarning("SSO double knob %s %s: %d", method.constData(), qPrintable(pathAndQuery), answer.status);
    return QJsonDocument::fromJson(answer.body).object();
}

int signInCount()
{
    return knob("GET", QStringLiteral("sign-ins")).value(QStringLiteral("total")).toInt();
}

// The user at the browser: confirms (or denies) a device code with james's password.
int confirmDeviceCode(const QString &userCode, const QString &decision = QStringLiteral("allow"))
{
    return plainRequest("POST", QUrl(endpoint() + QStringLiteral("/device")),
                        formOf({{QStringLiteral("user_code"), userCode},
                                {QStringLiteral("username"), worldValue("ROLEDROP_TEST_SSO_JAMES_USER")},
                                {QStringLiteral("password"), worldValue("ROLEDROP_TEST_SSO_JAMES_PASSWORD")},
                                {QStringLiteral("decision"), decision}}))
        .status;
}

// The user's browser through the authorization code flow: opens the authorization URL, signs in on the form, follows
// the redirect to RoleDrop's loopback handler (with its state changed when `forgeState`) and keeps what that page says.
struct TestBrowser
{
    QString decision = QStringLiteral("allow");
    bool forgeState = false;
    QList<QUrl> opened;
    QString loopbackPage;
    QString problem;

    bool open(const QUrl &url)
    {
        opened.append(url);
        // After openBrowser has returned, as a real browser starts on its own.
        QTimer::singleShot(0, [this, url] { follow(url); });
        return true;
    }

    void follow(const QUrl &url)
    {
        if (!url.path().endsWith(QLatin1String("/authorize")))
            return;  // a device code's page: confirmed by the test itself
        const PlainAnswer signInPage = plainRequest("GET", url);
        const auto match = QRegularExpression(QStringLiteral("name=\"request\" value=\"([^\"]+)\"")).match(QString::fromUtf8(signInPage.body));
        if (signInPage.status != 200 || !match.hasMatch()) {
            problem = QStringLiteral("authorize page: HTTP %1").arg(signInPage.status);
            return;
        }
        const PlainAnswer decided = plainRequest("POST", QUrl(endpoint() + QStringLiteral("/authorize")),
                                                 formOf({{QStringLiteral("request"), match.captured(1)},
                                                         {QStringLiteral("username"), worldValue("ROLEDROP_TEST_SSO_JAMES_USER")},
                                                         {QStringLiteral("password"), worldValue("ROLEDROP_TEST_SSO_JAMES_PASSWORD")},
                                                         {QStringLiteral("decision"), decision}}));
        if (decided.status != 302) {
            problem = QStringLiteral("authorize form: HTTP %1").arg(decided.status);
            return;
        }
        QUrl redirect = decided.location;
        if (forgeState) {
            QUrlQuery query(redirect);
            query.removeAllQueryItems(QStringLiteral("state"));
            query.addQueryItem(QStringLiteral("state"), QStringLiteral("forged-state"));
            redirect.setQuery(query);
        }
        loopbackPage = QString::fromUtf8(plainRequest("GET", redirect).body);
    }
};

bool treeContains(const QString &folder, const QByteArray &needle)
{
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            return true;
    }
    return false;
}

} // namespace

class SsoSignInTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_service = QStringLiteral("RoleDrop-sso-sign-in-test-%1").arg(QCoreApplication::applicationPid());
    Http::AwsHttpClient m_http;
    int m_sessionNumber = 0;

    // A session of its own per test (its own keychain entries and lock), on the double.
    Auth::SsoSessionConfig newSession()
    {
        Auth::SsoSessionConfig config;
        config.name = QStringLiteral("test-%1-%2").arg(QCoreApplication::applicationPid()).arg(++m_sessionNumber);
        config.startUrl = worldValue("ROLEDROP_TEST_SSO_START_URL");
        config.region = worldValue("ROLEDROP_TEST_SSO_REGION");
        config.oidcEndpoint = QUrl(endpoint());
        config.portalEndpoint = QUrl(worldValue("ROLEDROP_TEST_SSO_PORTAL_ENDPOINT"));
        return config;
    }

    QString dataFolder() const { return m_home.filePath(QStringLiteral("data")); }

    Outcome<Auth::SsoToken> signIn(Auth::SsoSignIn &signIn, const Auth::SsoSessionConfig &config,
                                   Auth::SsoSignInMethod method, const Auth::SsoSignInPrompt &prompt)
    {
        return wait<Auth::SsoToken>([&](QObject *context, auto done) { signIn.token(config, method, prompt, context, done); });
    }

    Auth::SsoSignInPrompt browserPrompt(TestBrowser &browser)
    {
        Auth::SsoSignInPrompt prompt;
        prompt.openBrowser = [&browser](const QUrl &url) { return browser.open(url); };
        prompt.showDeviceCode = [](const Auth::SsoDeviceCode &) { QFAIL("a browser sign-in showed a device code"); };
        return prompt;
    }

    // A prompt that fails the test when used: the sign-in must need no user.
    static Auth::SsoSignInPrompt forbiddenPrompt(bool *used)
    {
        Auth::SsoSignInPrompt prompt;
        prompt.openBrowser = [used](const QUrl &) { *used = true; return false; };
        prompt.showDeviceCode = [used](const Auth::SsoDeviceCode &) { *used = true; };
        return prompt;
    }

    // A device code sign-in the test confirms as the user (after `confirmAfterMs`).
    Outcome<Auth::SsoToken> deviceSignIn(Auth::SsoSignIn &signIn, const Auth::SsoSessionConfig &config,
                                         QList<Auth::SsoDeviceCode> *shown, QList<QUrl> *opened, int confirmAfterMs = 0,
                                         bool confirm = true)
    {
        Auth::SsoSignInPrompt prompt;
        prompt.openBrowser = [opened](const QUrl &url) { opened->append(url); return true; };
        prompt.showDeviceCode = [=](const Auth::SsoDeviceCode &code) {
            shown->append(code);
            if (confirm)
                QTimer::singleShot(confirmAfterMs, [code] { QCOMPARE(confirmDeviceCode(code.userCode), 200); });
        };
        return this->signIn(signIn, config, Auth::SsoSignInMethod::DeviceCode, prompt);
    }

    void cleanKeychain(const Auth::SsoSessionConfig &config)
    {
        Auth::KeychainStore keychain(m_service);
        for (const QString &key : {Auth::SsoTokenStore::tokenKey(config), Auth::SsoTokenStore::registrationKey(config)})
            wait<bool>([&](QObject *context, auto done) { keychain.removeSecret(key, context, done); });
    }

    Outcome<std::optional<Auth::SsoToken>> storedToken(const Auth::SsoSessionConfig &config)
    {
        Auth::KeychainStore keychain(m_service);
        Auth::SsoTokenStore store(&keychain);
        return wait<std::optional<Auth::SsoToken>>([&](QObject *context, auto done) { store.readToken(config, 0, context, done); });
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // ~/.aws/sso/cache is read from here: the test's own, never the user's.
        qputenv("HOME", m_home.path().toUtf8());
        knob("POST", QStringLiteral("reset"));
    }

    void cleanup() { knob("POST", QStringLiteral("reset")); }

    void deviceCodeSignInShowsTheCodeAndKeepsTheTokenInTheKeychain()
    {
        const auto config = newSession();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());
        const int signInsBefore = signInCount();
        QList<Auth::SsoDeviceCode> shown;
        QList<QUrl> opened;
        const auto token = deviceSignIn(sso, config, &shown, &opened);
        QVERIFY2(token, qPrintable(token.error().message));
        QCOMPARE(shown.size(), 1);
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Z]{4}-[A-Z]{4}$")).match(shown[0].userCode).hasMatch());
        QCOMPARE(opened.size(), 1);
        QCOMPARE(QUrlQuery(opened[0]).queryItemValue(QStringLiteral("user_code")), shown[0].userCode);
        QVERIFY(token->isValidAt(QDateTime::currentDateTimeUtc(), Auth::SsoSignIn::validityMarginSeconds));
        QVERIFY(!token->refreshToken.isEmpty());  // sso:account:access was registered
        QCOMPARE(token->startUrl, config.startUrl);
        QCOMPARE(signInCount(), signInsBefore + 1);

        const auto stored = storedToken(config);
        QVERIFY(stored && stored.value());
        QCOMPARE(stored.value()->accessToken, token->accessToken);
        // The keychain, never a file: not in the test's home (with ~/.aws) nor in the data folder.
        QVERIFY(!treeContains(m_home.path(), token->accessToken.toUtf8()));
        QVERIFY(!treeContains(m_home.path(), token->refreshToken.toUtf8()));
        cleanKeychain(config);
    }

    void browserSignInWithPkceThenAccountsRolesAndWorkingKeys()
    {
        const auto config = newSession();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());
        TestBrowser browser;
        const int signInsBefore = signInCount();
        const auto token = signIn(sso, config, Auth::SsoSignInMethod::Automatic, browserPrompt(browser));
        QVERIFY2(token, qPrintable(token.error().message + browser.problem));
        QCOMPARE(browser.opened.size(), 1);
        const QUrlQuery asked(browser.opened[0]);
        QCOMPARE(asked.queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
        QCOMPARE(asked.queryItemValue(QStringLiteral("code_challenge")).size(), 43);
        QCOMPARE(asked.queryItemValue(QStringLiteral("scopes"), QUrl::FullyDecoded), QStringLiteral("sso:account:access"));
        const QUrl redirect(asked.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
        QCOMPARE(redirect.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(redirect.path(), QStringLiteral("/oauth/callback"));
        QVERIFY(redirect.port() > 0);
        QVERIFY2(browser.loopbackPage.contains(QStringLiteral("Signed in to RoleDrop, you can close this tab")),
                 qPrintable(browser.loopbackPage));
        QCOMPARE(signInCount(), signInsBefore + 1);
        QVERIFY(!token->refreshToken.isEmpty());

        // Discovery, page by page (the double's page size is 2).
        Auth::SsoPortalClient portal(&m_http, config, Test::testCaTrust());
        portal.setPageSize(2);
        const auto accounts = wait<QList<Auth::SsoAccount>>([&](QObject *c, auto done) { portal.listAccounts(token->accessToken, c, done); });
        QVERIFY2(accounts, qPrintable(accounts.error().message));
        QStringList ids;
        for (const Auth::SsoAccount &account : accounts.value())
            ids << account.accountId;
        QCOMPARE(ids, (QStringList{worldValue("ROLEDROP_TEST_SSO_ACCOUNT_MAIN_ID"), worldValue("ROLEDROP_TEST_SSO_ACCOUNT_SANDBOX_ID"),
                                   worldValue("ROLEDROP_TEST_SSO_ACCOUNT_ARCHIVE_ID")}));
        QCOMPARE(accounts->first().accountName, worldValue("ROLEDROP_TEST_SSO_ACCOUNT_MAIN_NAME"));
        const QString mainAccount = worldValue("ROLEDROP_TEST_SSO_ACCOUNT_MAIN_ID");
        const auto roles = wait<QStringList>([&](QObject *c, auto done) { portal.listAccountRoles(token->accessToken, mainAccount, c, done); });
        QVERIFY2(roles, qPrintable(roles.error().message));
        QCOMPARE(roles.value(), (QStringList{worldValue("ROLEDROP_TEST_SSO_ROLE_S3ACCESS"), worldValue("ROLEDROP_TEST_SSO_ROLE_LONGSESSION"),
                                             worldValue("ROLEDROP_TEST_SSO_ROLE_ADMINISTRATORACCESS")}));
        const int portalCalls = [&] {
            int n = 0;
            for (const QJsonValue &e : knob("GET", QStringLiteral("log?since=0")).value(QStringLiteral("entries")).toArray())
                n += e[QStringLiteral("operation")].toString() == QLatin1String("sso:ListAccounts") ? 1 : 0;
            return n;
        }();
        QVERIFY(portalCalls >= 2);  // three accounts at two a page: two pages at least

        // The role's keys work: the STS double (where the SSO double got them by AssumeRole) knows them.
        const auto keys = wait<AwsCredentials>([&](QObject *c, auto done) {
            portal.getRoleCredentials(token->accessToken, mainAccount, worldValue("ROLEDROP_TEST_SSO_ROLE_S3ACCESS"), c, done);
        });
        QVERIFY2(keys, qPrintable(keys.error().message));
        QVERIFY(keys->isTemporary());
        QVERIFY(keys->expiration > QDateTime::currentDateTimeUtc().addSecs(600));
        Http::EndpointConfig sts;
        sts.customEndpoint = QUrl(worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT"));
        sts.tls = Test::testCaTrust();
        const Sts::StsClient stsClient(&m_http, sts);
        const auto caller = Http::fixedCredentials(keys.value(), QStringLiteral("sso test"));
        const auto identity = wait<Sts::CallerIdentity>([&](QObject *c, auto done) { stsClient.getCallerIdentity(caller, c, done); });
        QVERIFY2(identity, qPrintable(identity.error().userMessage()));
        QVERIFY2(identity->arn.contains(QStringLiteral(":assumed-role/S3Access/")), qPrintable(identity->arn));

        // A role not assigned: the portal's own answer, kept.
        const auto forbidden = wait<AwsCredentials>([&](QObject *c, auto done) {
            portal.getRoleCredentials(token->accessToken, mainAccount, QStringLiteral("NotAssigned"), c, done);
        });
        QVERIFY(!forbidden);
        QCOMPARE(forbidden.error().code, QStringLiteral("ForbiddenException"));
        QVERIFY(!forbidden.error().message.contains(token->accessToken));

        // Sign out: Logout at the portal (the token stops working there) and the keychain forgets it.
        const auto out = wait<Done>([&](QObject *c, auto done) { sso.signOut(config, c, done); });
        QVERIFY2(out, qPrintable(out.error().message));
        const auto after = wait<QList<Auth::SsoAccount>>([&](QObject *c, auto done) { portal.listAccounts(token->accessToken, c, done); });
        QVERIFY(!after);
        QVERIFY(Auth::SsoPortalClient::needsSignIn(after.error()));
        QCOMPARE(after.error().kind, AwsErrorKind::ExpiredToken);
        QVERIFY(after.error().message.contains(QStringLiteral("Sign in again")));
        const auto stored = storedToken(config);
        QVERIFY(stored && !stored.value());

        // Signing in again reuses the client registration kept in the keychain: no second RegisterClient.
        const int seq = knob("GET", QStringLiteral("log?since=0")).value(QStringLiteral("last_seq")).toInt();
        TestBrowser again;
        const auto second = signIn(sso, config, Auth::SsoSignInMethod::Browser, browserPrompt(again));
        QVERIFY2(second, qPrintable(second.error().message + again.problem));
        QStringList operations;
        for (const QJsonValue &e : knob("GET", QStringLiteral("log?since=%1").arg(seq)).value(QStringLiteral("entries")).toArray())
            operations << e[QStringLiteral("operation")].toString();
        QVERIFY2(!operations.contains(QStringLiteral("oidc:RegisterClient")), qPrintable(operations.join(',')));
        QVERIFY2(operations.contains(QStringLiteral("oidc:CreateToken")), qPrintable(operations.join(',')));
        cleanKeychain(config);
    }

    void legacyProfileWithoutScopesGetsNoRefreshToken()
    {
        // The legacy form (sso_start_url in the profile) registers without scopes, as the AWS CLI does.
        auto config = newSession();
        config.registrationScopes.clear();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());
        QList<Auth::SsoDeviceCode> shown;
        QList<QUrl> opened;
        const auto token = deviceSignIn(sso, config, &shown, &opened);
        QVERIFY2(token, qPrintable(token.error().message));
        QVERIFY(token->refreshToken.isEmpty());
        QVERIFY(token->isValidAt(QDateTime::currentDateTimeUtc(), Auth::SsoSignIn::validityMarginSeconds));
        cleanKeychain(config);
    }

    void wrongStateIsRefused()
    {
        const auto config = newSession();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());
        TestBrowser browser;
        browser.forgeState = true;
        const auto token = signIn(sso, config, Auth::SsoSignInMethod::Browser, browserPrompt(browser));
        QVERIFY(!token);
        QCOMPARE(token.error().code, QStringLiteral("state_mismatch"));
        QVERIFY2(token.error().message.contains(config.startUrl), qPrintable(token.error().message));
        QVERIFY2(browser.loopbackPage.contains(QStringLiteral("refused")), qPrintable(browser.loopbackPage));
        const auto stored = storedToken(config);
        QVERIFY(stored && !stored.value());
        cleanKeychain(config);
    }

    void deniedConsentIsAClearError()
    {
        const auto config = newSession();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());
        TestBrowser browser;
        browser.decision = QStringLiteral("deny");
        const auto token = signIn(sso, config, Auth::SsoSignInMethod::Browser, browserPrompt(browser));
        QVERIFY(!token);
        QCOMPARE(token.error().code, QStringLiteral("access_denied"));
        QCOMPARE(token.error().kind, AwsErrorKind::AccessDenied);
        QVERIFY2(token.error().message.contains(QStringLiteral("denied")), qPrintable(token.error().message));
        QVERIFY2(browser.loopbackPage.contains(QStringLiteral("not signed in")), qPrintable(browser.loopbackPage));
        cleanKeychain(config);
    }

    void automaticFallsBackToTheDeviceCodeWithoutABrowser()
    {
        const auto config = newSession();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());
        QList<Auth::SsoDeviceCode> shown;
        int browserAsked = 0;
        Auth::SsoSignInPrompt prompt;
        prompt.openBrowser = [&](const QUrl &) { ++browserAsked; return false; };  // e.g. over SSH
        prompt.showDeviceCode = [&](const Auth::SsoDeviceCode &code) {
            shown.append(code);
            QTimer::singleShot(0, [code] { QCOMPARE(confirmDeviceCode(code.userCode), 200); });
        };
        const auto token = signIn(sso, config, Auth::SsoSignInMethod::Automatic, prompt);
        QVERIFY2(token, qPrintable(token.error().message));
        QCOMPARE(shown.size(), 1);
        QCOMPARE(browserAsked, 2);  // the authorization page, then the device page: both refused
        cleanKeychain(config);
    }

    void slowDownWaitsFiveSecondsMore()
    {
        const auto config = newSession();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());
        // The first poll is answered slow_down (AWS's SlowDownException with error slow_down).
        knob("POST", QStringLiteral("fail?operation=oidc:CreateToken&times=1&status=400&code=SlowDownException"));
        QList<Auth::SsoDeviceCode> shown;
        QList<QUrl> opened;
        QElapsedTimer elapsed;
        elapsed.start();
        const auto token = deviceSignIn(sso, config, &shown, &opened, 0);
        QVERIFY2(token, qPrintable(token.error().message));
        // Interval 1 s, then slow_down: the next poll only 1 + 5 s later.
        QVERIFY2(elapsed.elapsed() >= 7000, qPrintable(QString::number(elapsed.elapsed())));
        const QJsonArray rules = knob("GET", QStringLiteral("fail")).value(QStringLiteral("rules")).toArray();
        QVERIFY(!rules.isEmpty() && rules[0][QStringLiteral("applied")].toInt() == 1);
        cleanKeychain(config);
    }

    void expiredDeviceCodeIsAClearError()
    {
        const auto config = newSession();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());
        knob("POST", QStringLiteral("device-settings?interval=1&expires_in=3"));
        QList<Auth::SsoDeviceCode> shown;
        QList<QUrl> opened;
        const auto token = deviceSignIn(sso, config, &shown, &opened, 0, false);  // nobody confirms
        QVERIFY(!token);
        QCOMPARE(token.error().code, QStringLiteral("expired_token"));
        QCOMPARE(token.error().kind, AwsErrorKind::ExpiredToken);
        QVERIFY2(token.error().message.contains(config.startUrl) && token.error().message.contains(QStringLiteral("Sign in again")),
                 qPrintable(token.error().message));
        cleanKeychain(config);
    }

    void refreshNeedsNoPromptAndSilentModeNeverPrompts()
    {
        const auto config = newSession();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());

        // Nothing stored yet: the silent mode says a sign-in is needed, without asking anyone.
        const auto none = wait<Auth::SsoToken>([&](QObject *c, auto done) { sso.silentToken(config, c, done); });
        QVERIFY(!none);
        QCOMPARE(none.error().code, Auth::ssoSignInRequiredCode);

        // Tokens that live 60 s: under the 5-minute margin, so the next call must renew.
        knob("POST", QStringLiteral("token-lifetime?seconds=60"));
        QList<Auth::SsoDeviceCode> shown;
        QList<QUrl> opened;
        const auto first = deviceSignIn(sso, config, &shown, &opened);
        QVERIFY2(first, qPrintable(first.error().message));
        const int signInsAfterFirst = signInCount();

        bool prompted = false;
        const auto renewed = signIn(sso, config, Auth::SsoSignInMethod::Automatic, forbiddenPrompt(&prompted));
        QVERIFY2(renewed, qPrintable(renewed.error().message));
        QVERIFY(!prompted);
        QVERIFY(renewed->accessToken != first->accessToken);
        QCOMPARE(renewed->refreshToken, first->refreshToken);
        QCOMPARE(signInCount(), signInsAfterFirst);
        const auto stored = storedToken(config);
        QVERIFY(stored && stored.value());
        QCOMPARE(stored.value()->accessToken, renewed->accessToken);

        const auto silent = wait<Auth::SsoToken>([&](QObject *c, auto done) { sso.silentToken(config, c, done); });
        QVERIFY2(silent, qPrintable(silent.error().message));
        QVERIFY(silent->accessToken != renewed->accessToken);  // still under the margin: refreshed again

        // After Logout the refresh token is refused: silent mode fails, asking nobody.
        const auto out = wait<Done>([&](QObject *c, auto done) {
            Auth::SsoPortalClient(&m_http, config, Test::testCaTrust()).logout(silent->accessToken, c, done);
        });
        QVERIFY(out);
        const auto ended = wait<Auth::SsoToken>([&](QObject *c, auto done) { sso.silentToken(config, c, done); });
        QVERIFY(!ended);
        QCOMPARE(ended.error().code, Auth::ssoSignInRequiredCode);
        QVERIFY(!prompted);
        cleanKeychain(config);
    }

    void aRefreshTokenRotatedByAnotherProcessIsTakenFromTheKeychain()
    {
        const auto config = newSession();
        // Two objects as two processes would have them: own keychain caches, one keychain service.
        Auth::KeychainStore keychainA(m_service);
        Auth::KeychainStore keychainB(m_service);
        Http::AwsHttpClient httpB;
        Auth::SsoSignIn a(&m_http, &keychainA, dataFolder(), Test::testCaTrust());
        Auth::SsoSignIn b(&httpB, &keychainB, dataFolder(), Test::testCaTrust());

        // A signs in with a token under the renewal margin; the service then rotates refresh tokens (each taken once).
        knob("POST", QStringLiteral("token-lifetime?seconds=60"));
        QList<Auth::SsoDeviceCode> shown;
        QList<QUrl> opened;
        const auto first = deviceSignIn(a, config, &shown, &opened);
        QVERIFY2(first, qPrintable(first.error().message));
        knob("POST", QStringLiteral("token-lifetime?seconds=3600"));
        knob("POST", QStringLiteral("refresh-rotation?on=1"));
        const int signIns = signInCount();

        // B refreshes first: a new refresh token, the old one revoked, B's token in the keychain.
        const auto fromB = wait<Auth::SsoToken>([&](QObject *c, auto done) { b.silentToken(config, c, done); });
        QVERIFY2(fromB, qPrintable(fromB.error().message));
        QVERIFY(fromB->refreshToken != first->refreshToken);

        // A still holds the old refresh token in its cache: the service refuses it, and A finds B's token instead
        // of saying the sign-in ended.
        const auto fromA = wait<Auth::SsoToken>([&](QObject *c, auto done) { a.silentToken(config, c, done); });
        QVERIFY2(fromA, qPrintable(fromA.error().message));
        QCOMPARE(fromA->accessToken, fromB->accessToken);
        QCOMPARE(signInCount(), signIns);
        QCOMPARE(shown.size(), 1);
        cleanKeychain(config);
    }

    void twoSignInsAtOnceSignInOnce()
    {
        const auto config = newSession();
        // Two objects as two processes would have them: own keychain caches, one keychain service, one lock folder.
        Auth::KeychainStore keychainA(m_service);
        Auth::KeychainStore keychainB(m_service);
        Http::AwsHttpClient httpB;
        Auth::SsoSignIn a(&m_http, &keychainA, dataFolder(), Test::testCaTrust());
        Auth::SsoSignIn b(&httpB, &keychainB, dataFolder(), Test::testCaTrust());
        TestBrowser browser;
        const int signInsBefore = signInCount();

        std::optional<Outcome<Auth::SsoToken>> fromA, fromB, fromA2;
        QObject context;
        a.token(config, Auth::SsoSignInMethod::Browser, browserPrompt(browser), &context, [&](auto r) { fromA.emplace(r); });
        b.token(config, Auth::SsoSignInMethod::Browser, browserPrompt(browser), &context, [&](auto r) { fromB.emplace(r); });
        // A second caller in the same process shares the first one's attempt.
        a.token(config, Auth::SsoSignInMethod::Browser, browserPrompt(browser), &context, [&](auto r) { fromA2.emplace(r); });
        QVERIFY(QTest::qWaitFor([&] { return fromA && fromB && fromA2; }, 60000));
        QVERIFY2(*fromA, qPrintable(fromA->error().message + browser.problem));
        QVERIFY2(*fromB, qPrintable(fromB->error().message));
        QVERIFY2(*fromA2, qPrintable(fromA2->error().message));
        QCOMPARE(browser.opened.size(), 1);
        QCOMPARE(signInCount(), signInsBefore + 1);
        QCOMPARE(fromA->value().accessToken, fromB->value().accessToken);
        QCOMPARE(fromA2->value().accessToken, fromA->value().accessToken);
        QVERIFY(QFileInfo(a.lockFilePath(config)).absolutePath() == QFileInfo(dataFolder()).absoluteFilePath());
        QVERIFY(!treeContains(m_home.path(), fromA->value().accessToken.toUtf8()));
        cleanKeychain(config);
    }

    void awsCliCacheIsUsedAndNeverWritten()
    {
        // A token `aws sso login` left in ~/.aws/sso/cache for the same start URL (made here by a real sign-in).
        const auto signedIn = newSession();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());
        QList<Auth::SsoDeviceCode> shown;
        QList<QUrl> opened;
        const auto token = deviceSignIn(sso, signedIn, &shown, &opened);
        QVERIFY(token);
        cleanKeychain(signedIn);

        auto config = newSession();
        const QString cacheFile = Auth::SsoTokenStore::awsCliCachePath(config);
        QCOMPARE(QFileInfo(cacheFile).fileName(),
                 QString::fromLatin1(QCryptographicHash::hash(config.name.toUtf8(), QCryptographicHash::Sha1).toHex()) + ".json");
        QVERIFY(QDir().mkpath(QFileInfo(cacheFile).absolutePath()));
        QJsonObject cli{{"startUrl", config.startUrl}, {"region", config.region}, {"accessToken", token->accessToken},
                        {"expiresAt", token->expiresAt.toString(Qt::ISODate)}, {"clientId", token->clientId},
                        {"clientSecret", token->clientSecret}, {"refreshToken", token->refreshToken}};
        {
            QFile file(cacheFile);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QJsonDocument(cli).toJson());
        }
        const QByteArray before = [&] { QFile f(cacheFile); f.open(QIODevice::ReadOnly); return f.readAll(); }();
        bool prompted = false;
        const auto used = signIn(sso, config, Auth::SsoSignInMethod::Automatic, forbiddenPrompt(&prompted));
        QVERIFY2(used, qPrintable(used.error().message));
        QVERIFY(!prompted);
        QCOMPARE(used->accessToken, token->accessToken);
        QVERIFY(used->refreshToken.isEmpty());  // the CLI's to use, not RoleDrop's
        QCOMPARE([&] { QFile f(cacheFile); f.open(QIODevice::ReadOnly); return f.readAll(); }(), before);

        // Another start URL in the same file: not ours, so a sign-in is needed.
        cli.insert("startUrl", QStringLiteral("https://d-0000000000.awsapps.com/start"));
        {
            QFile file(cacheFile);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(QJsonDocument(cli).toJson());
        }
        const auto other = wait<Auth::SsoToken>([&](QObject *c, auto done) { sso.silentToken(config, c, done); });
        QVERIFY(!other);
        QCOMPARE(other.error().code, Auth::ssoSignInRequiredCode);
        QFile::remove(cacheFile);
        cleanKeychain(config);
    }

    void portalErrorsKeepTheirCodeAndAnExpiredTokenIsRenewedSilently()
    {
        const auto config = newSession();
        Auth::KeychainStore keychain(m_service);
        Auth::SsoSignIn sso(&m_http, &keychain, dataFolder(), Test::testCaTrust());
        QList<Auth::SsoDeviceCode> shown;
        QList<QUrl> opened;
        const auto token = deviceSignIn(sso, config, &shown, &opened);
        QVERIFY2(token, qPrintable(token.error().message));
        Auth::SsoPortalClient portal(&m_http, config, Test::testCaTrust());
        const auto listAccounts = [&](const QString &accessToken) {
            return wait<QList<Auth::SsoAccount>>([&](QObject *c, auto done) { portal.listAccounts(accessToken, c, done); });
        };

        // Throttled once: the HTTP layer's retry gets the list all the same.
        knob("POST", QStringLiteral("fail?operation=sso:ListAccounts&times=1&status=429&code=TooManyRequestsException"));
        const auto afterThrottle = listAccounts(token->accessToken);
        QVERIFY2(afterThrottle, qPrintable(afterThrottle.error().message));
        QCOMPARE(afterThrottle->size(), 3);
        knob("DELETE", QStringLiteral("fail"));

        // An error the caller must see keeps the portal's code.
        knob("POST", QStringLiteral("fail?operation=sso:ListAccounts&times=10&status=404&code=ResourceNotFoundException"));
        const auto notFound = listAccounts(token->accessToken);
        QVERIFY(!notFound);
        QCOMPARE(notFound.error().code, QStringLiteral("ResourceNotFoundException"));
        QCOMPARE(notFound.error().kind, AwsErrorKind::NotFound);
        QVERIFY(!Auth::SsoPortalClient::needsSignIn(notFound.error()));
        knob("DELETE", QStringLiteral("fail"));

        // The access token expires (the double's clock 2 h on; the sign-in itself lasts 8 h): the portal says so, and the
        // silent mode renews it with the refresh token, asking nobody.
        knob("POST", QStringLiteral("advance-clock?seconds=7200"));
        const auto expired = listAccounts(token->accessToken);
        QVERIFY(!expired);
        QVERIFY(Auth::SsoPortalClient::needsSignIn(expired.error()));
        QCOMPARE(expired.error().code, QStringLiteral("UnauthorizedException"));
        // RoleDrop's clock did not move: the stored token still looks valid here. The caller says it was refused.
        sso.tokenRejected(config, token->accessToken);
        const auto renewed = wait<Auth::SsoToken>([&](QObject *c, auto done) { sso.silentToken(config, c, done); });
        QVERIFY2(renewed, qPrintable(renewed.error().message));
        QVERIFY(renewed->accessToken != token->accessToken);
        const auto again = listAccounts(renewed->accessToken);
        QVERIFY2(again, qPrintable(again.error().message));
        QCOMPARE(again->size(), 3);
        cleanKeychain(config);
    }

    void oidcErrorsKeepTheCodeAndNameTheStartUrl()
    {
        const auto config = newSession();
        const Auth::SsoOidcClient oidc(&m_http, config, Test::testCaTrust());
        Auth::SsoClientRegistration bogus;
        bogus.clientId = QStringLiteral("not-a-client");
        bogus.clientSecret = QStringLiteral("not-a-secret-XYZ");
        const auto refused = wait<Auth::SsoTokenGrant>([&](QObject *c, auto done) {
            oidc.createTokenWithRefreshToken(bogus, QStringLiteral("not-a-refresh-token-XYZ"), c, done);
        });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("invalid_client"));
        QCOMPARE(refused.error().httpStatus, 401);
        QVERIFY(refused.error().message.contains(config.startUrl));
        QVERIFY(!refused.error().userMessage().contains(QStringLiteral("XYZ")));
    }
};

QTEST_GUILESS_MAIN(SsoSignInTest)
#include "sso_sign_in_test.moc"
