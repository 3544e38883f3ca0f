#include "core/auth/sso_sign_in.h"

#include "core/auth/keychain_store.h"
#include "core/auth/loopback_authorization.h"
#include "core/auth/sign_in_lock.h"
#include "core/auth/sso_portal_client.h"
#include "core/http/aws_call.h"

#include <QCryptographicHash>
#include <QPointer>
#include <QTimer>

namespace RoleDrop::Auth {

namespace {

const QString loopbackRedirect = QStringLiteral("http://127.0.0.1/oauth/callback");

AwsError signInError(AwsErrorKind kind, const QString &code, const QString &message)
{
    AwsError error = AwsError::local(kind, message);
    error.code = code;
    error.action = QStringLiteral("IAM Identity Center sign-in");
    return error;
}

} // namespace

struct SsoSignIn::Attempt
{
    QString key;
    SsoSessionConfig config;
    bool silent = false;
    SsoSignInMethod method = SsoSignInMethod::Automatic;
    SsoSignInPrompt prompt;
    QList<ResultHandler<SsoToken>> waiters;
    QPointer<SignInLock> lock;
    QPointer<QTimer> timer;
    QPointer<LoopbackAuthorization> browser;
    QDateTime lockWaitUntil;
    bool over = false;
};

SsoSignIn::SsoSignIn(Http::AwsHttpClient *http, KeychainStore *keychain, const QString &dataFolder, Http::TlsTrust tls,
                     QObject *parent)
    : QObject(parent), m_http(http), m_keychain(keychain), m_store(keychain), m_dataFolder(dataFolder), m_tls(std::move(tls))
{
}

SsoSignIn::~SsoSignIn()
{
    for (const AttemptPtr &a : std::as_const(m_attempts))
        a->over = true;  // their callbacks are dropped with this object (it is their context)
}

QString SsoSignIn::lockFilePath(const SsoSessionConfig &config) const
{
    return SignInLock::pathFor(m_dataFolder, QStringLiteral("sso"), config.cacheKey());
}

QString SsoSignIn::attemptKey(const SsoSessionConfig &config, bool silent) const
{
    return (silent ? QStringLiteral("silent:") : QStringLiteral("sign-in:")) + config.cacheKey() + QLatin1Char('\n')
        + config.startUrl;
}

bool SsoSignIn::isUsable(const SsoToken &token) const
{
    return token.isValidAt(QDateTime::currentDateTimeUtc(), validityMarginSeconds)
        && !m_rejected.contains(QCryptographicHash::hash(token.accessToken.toUtf8(), QCryptographicHash::Sha256));
}

void SsoSignIn::tokenRejected(const SsoSessionConfig &config, const QString &accessToken)
{
    m_rejected.insert(QCryptographicHash::hash(accessToken.toUtf8(), QCryptographicHash::Sha256));
    m_store.forgetCached(config);  // another process may have renewed it already
}

void SsoSignIn::token(const SsoSessionConfig &config, SsoSignInMethod method, const SsoSignInPrompt &prompt,
                      QObject *context, ResultHandler<SsoToken> done)
{
    begin(config, false, method, prompt, context, std::move(done));
}

void SsoSignIn::silentToken(const SsoSessionConfig &config, QObject *context, ResultHandler<SsoToken> done)
{
    begin(config, true, SsoSignInMethod::Automatic, {}, context, std::move(done));
}

void SsoSignIn::begin(const SsoSessionConfig &config, bool silent, SsoSignInMethod method, const SsoSignInPrompt &prompt,
                      QObject *context, ResultHandler<SsoToken> done)
{
    const QString key = attemptKey(config, silent);
    if (const AttemptPtr running = m_attempts.value(key)) {
        running->waiters.append(deliverTo(context, std::move(done)));  // one sign-in serves every caller
        return;
    }
    auto a = std::make_shared<Attempt>();
    a->key = key;
    a->config = config;
    a->silent = silent;
    a->method = method;
    a->prompt = prompt;
    a->waiters.append(deliverTo(context, std::move(done)));
    m_attempts.insert(key, a);
    readStored(a);
}

void SsoSignIn::readStored(const AttemptPtr &a)
{
    m_store.readToken(a->config, validityMarginSeconds, this, [this, a](Outcome<std::optional<SsoToken>> stored) {
        if (a->over)
            return;
        if (!stored)
            return finish(a, stored.error());
        const std::optional<SsoToken> &token = stored.value();
        if (token && isUsable(*token))
            return finish(a, *token);
        if (token && !token->refreshToken.isEmpty() && !token->clientId.isEmpty()
            && (!token->registrationExpiresAt.isValid() || QDateTime::currentDateTimeUtc() < token->registrationExpiresAt))
            return refresh(a, *token);
        signInOrFail(a);
    });
}

void SsoSignIn::refresh(const AttemptPtr &a, const SsoToken &stored)
{
    SsoClientRegistration client;
    client.clientId = stored.clientId;
    client.clientSecret = stored.clientSecret;
    client.expiresAt = stored.registrationExpiresAt;
    const SsoOidcClient oidc(m_http, a->config, m_tls);
    oidc.createTokenWithRefreshToken(client, stored.refreshToken, this, [this, a, client, stored](Outcome<SsoTokenGrant> grant) {
        if (a->over)
            return;
        if (grant) {
            SsoTokenGrant renewed = grant.value();
            if (renewed.refreshToken.isEmpty())
                renewed.refreshToken = stored.refreshToken;
            return keep(a, client, renewed);
        }
        // The service could not be asked: saying so beats asking the user to sign in for nothing.
        if (grant.error().isTransportFailure())
            return finish(a, grant.error());
        afterRefreshRefused(a);
    });
}

// Another process may have refreshed a moment ago with the same refresh token (a service that rotates them takes
// each only once) and stored what it got: the keychain, not this process's cache, knows. Else the sign-in has ended.
void SsoSignIn::afterRefreshRefused(const AttemptPtr &a)
{
    useStoredOr(a, [this, a] { signInOrFail(a); });
}

void SsoSignIn::signInOrFail(const AttemptPtr &a)
{
    if (a->silent)
        return finish(a, signInError(AwsErrorKind::ExpiredToken, ssoSignInRequiredCode,
                                     QStringLiteral("The IAM Identity Center sign-in to %1 has ended and cannot be renewed "
                                                    "without you: sign in again").arg(a->config.startUrl)));
    waitForLock(a);
}

void SsoSignIn::waitForLock(const AttemptPtr &a)
{
    auto *lock = new SignInLock(lockFilePath(a->config), a->config.startUrl, m_lockWaitMs, this);
    a->lock = lock;
    lock->acquire(this, [this, a](Outcome<Done> locked) {
        if (a->over)
            return;
        if (!locked) {
            AwsError error = locked.error();
            error.action = QStringLiteral("IAM Identity Center sign-in");
            return finish(a, error);
        }
        afterLock(a);
    });
}

void SsoSignIn::afterLock(const AttemptPtr &a)
{
    // Another process may have signed in while this one waited.
    useStoredOr(a, [this, a] {
        const bool device = a->method == SsoSignInMethod::DeviceCode
            || (a->method == SsoSignInMethod::Automatic && !a->prompt.openBrowser);
        registerClient(a, device ? ssoGrantDeviceCode : ssoGrantAuthorizationCode);
    });
}

// The keychain's token read anew (not this process's cache): finished with it if still usable, else `otherwise`.
void SsoSignIn::useStoredOr(const AttemptPtr &a, std::function<void()> otherwise)
{
    m_store.forgetCached(a->config);
    m_store.readToken(a->config, validityMarginSeconds, this,
                      [this, a, otherwise = std::move(otherwise)](Outcome<std::optional<SsoToken>> stored) {
        if (a->over)
            return;
        if (stored && stored.value() && isUsable(*stored.value()))
            return finish(a, *stored.value());
        otherwise();
    });
}

void SsoSignIn::registerClient(const AttemptPtr &a, const QString &grantType)
{
    m_store.readRegistration(a->config, grantType, this, [this, a, grantType](Outcome<std::optional<SsoClientRegistration>> stored) {
        if (a->over)
            return;
        const auto go = [this, a, grantType](const SsoClientRegistration &client) {
            if (grantType == ssoGrantDeviceCode)
                signInWithDeviceCode(a, client);
            else
                signInWithBrowser(a, client);
        };
        if (stored && stored.value()
            && stored.value()->isUsableAt(QDateTime::currentDateTimeUtc(), grantType, a->config.registrationScopes))
            return go(*stored.value());
        const SsoOidcClient oidc(m_http, a->config, m_tls);
        const QStringList redirects = grantType == ssoGrantAuthorizationCode ? QStringList{loopbackRedirect} : QStringList{};
        oidc.registerClient(m_clientName, {grantType}, redirects, this,
                            [this, a, grantType, go](Outcome<SsoClientRegistration> client) {
            if (a->over)
                return;
            if (!client)
                return finish(a, client.error());
            // Kept for the next sign-in; not being able to keep it only costs a registration then.
            m_store.writeRegistration(a->config, grantType, client.value(), this, [](Outcome<Done>) {});
            go(client.value());
        });
    });
}

void SsoSignIn::signInWithBrowser(const AttemptPtr &a, const SsoClientRegistration &client)
{
    BrowserAuthorizationRequest request;
    request.authorizationUrl = client.authorizationEndpoint;
    if (request.authorizationUrl.isEmpty()) {
        request.authorizationUrl = SsoOidcClient::endpointFor(a->config);
        request.authorizationUrl.setPath(request.authorizationUrl.path() + QStringLiteral("/authorize"));
    }
    request.clientId = client.clientId;
    request.scopes = a->config.registrationScopes;
    request.scopeParameter = QStringLiteral("scopes");  // IAM Identity Center's name for it
    request.timeoutMs = m_browserTimeoutMs;
    auto *browser = new LoopbackAuthorization(this);
    a->browser = browser;
    browser->start(request, a->prompt.openBrowser, this, [this, a, client, browser](Outcome<BrowserAuthorization> code) {
        browser->deleteLater();
        if (a->over)
            return;
        if (!code) {
            if (code.error().code == noBrowserErrorCode && a->method == SsoSignInMethod::Automatic)
                return registerClient(a, ssoGrantDeviceCode);  // no browser here: the device code works from anywhere
            AwsError error = code.error();
            error.resource = a->config.startUrl;
            error.message = QStringLiteral("The IAM Identity Center sign-in to %1 did not complete: %2")
                                .arg(a->config.startUrl, error.message);
            return finish(a, error);
        }
        const SsoOidcClient oidc(m_http, a->config, m_tls);
        oidc.createTokenWithAuthorizationCode(client, code->code, code->codeVerifier, code->redirectUri, this,
                                              [this, a, client](Outcome<SsoTokenGrant> grant) {
            if (a->over)
                return;
            if (!grant)
                return finish(a, grant.error());
            keep(a, client, grant.value());
        });
    });
}

void SsoSignIn::signInWithDeviceCode(const AttemptPtr &a, const SsoClientRegistration &client)
{
    const SsoOidcClient oidc(m_http, a->config, m_tls);
    oidc.startDeviceAuthorization(client, this, [this, a, client](Outcome<SsoDeviceAuthorization> started) {
        if (a->over)
            return;
        if (!started)
            return finish(a, started.error());
        if (a->prompt.showDeviceCode)
            a->prompt.showDeviceCode(started->shown);
        if (a->prompt.openBrowser) {
            const QUrl url = started->shown.verificationUriComplete.isValid() ? started->shown.verificationUriComplete
                                                                               : started->shown.verificationUri;
            a->prompt.openBrowser(url);  // no browser: the code shown is enough
        }
        pollDeviceCode(a, client, started->deviceCode, started->shown.expiresAt, qMax(1, started->intervalSeconds));
    });
}

void SsoSignIn::pollDeviceCode(const AttemptPtr &a, const SsoClientRegistration &client, const QString &deviceCode,
                               const QDateTime &expiresAt, int intervalSeconds)
{
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    timer->setTimerType(Qt::PreciseTimer);  // a coarse timer may fire 5% early: a poll before the interval is slow_down
    a->timer = timer;
    connect(timer, &QTimer::timeout, this, [=, this] {
        timer->deleteLater();
        if (a->over)
            return;
        const SsoOidcClient oidc(m_http, a->config, m_tls);
        oidc.createTokenWithDeviceCode(client, deviceCode, this, [=, this](Outcome<SsoTokenGrant> grant) {
            if (a->over)
                return;
            if (grant)
                return keep(a, client, grant.value());
            const QString code = grant.error().code;
            const bool timeLeft = !expiresAt.isValid() || QDateTime::currentDateTimeUtc() < expiresAt;
            if (code == QLatin1String("authorization_pending") && timeLeft)
                return pollDeviceCode(a, client, deviceCode, expiresAt, intervalSeconds);
            if (code == QLatin1String("slow_down") && timeLeft)
                return pollDeviceCode(a, client, deviceCode, expiresAt, intervalSeconds + 5);  // RFC 8628 section 3.5
            if (code == QLatin1String("authorization_pending") || code == QLatin1String("slow_down"))
                return finish(a, signInError(AwsErrorKind::ExpiredToken, QStringLiteral("expired_token"),
                                             QStringLiteral("The IAM Identity Center sign-in to %1 expired before the code "
                                                            "was confirmed. Sign in again and confirm the code in time.")
                                                 .arg(a->config.startUrl)));
            finish(a, grant.error());
        });
    });
    timer->start(intervalSeconds * 1000);
}

void SsoSignIn::keep(const AttemptPtr &a, const SsoClientRegistration &client, const SsoTokenGrant &grant)
{
    SsoToken token;
    token.accessToken = grant.accessToken;
    token.expiresAt = grant.expiresAt;
    token.refreshToken = grant.refreshToken;
    token.clientId = client.clientId;
    token.clientSecret = client.clientSecret;
    token.registrationExpiresAt = client.expiresAt;
    token.startUrl = a->config.startUrl;
    token.region = a->config.region;
    m_store.writeToken(a->config, token, this, [this, a, token](Outcome<Done> written) {
        if (a->over)
            return;
        // Without the keychain the token still serves this process; the error says why the next one asks again.
        if (!written)
            qWarning("IAM Identity Center token not kept in the keychain: %s", qPrintable(written.error().message));
        finish(a, token);
    });
}

void SsoSignIn::finish(const AttemptPtr &a, Outcome<SsoToken> result)
{
    if (a->over)
        return;
    a->over = true;
    if (a->timer)
        a->timer->deleteLater();
    if (a->browser)
        a->browser->cancel();
    if (a->lock) {
        a->lock->release();
        a->lock->deleteLater();
    }
    if (m_attempts.value(a->key) == a)
        m_attempts.remove(a->key);
    for (const ResultHandler<SsoToken> &waiter : std::as_const(a->waiters))
        waiter(result);
}

void SsoSignIn::cancel(const SsoSessionConfig &config)
{
    if (const AttemptPtr a = m_attempts.value(attemptKey(config, false)))
        finish(a, signInError(AwsErrorKind::Cancelled, QString(),
                              QStringLiteral("The IAM Identity Center sign-in to %1 was cancelled").arg(config.startUrl)));
}

void SsoSignIn::signOut(const SsoSessionConfig &config, QObject *context, ResultHandler<Done> done)
{
    done = deliverTo(context, std::move(done));
    cancel(config);
    m_store.forgetCached(config);
    // Only RoleDrop's own token: the AWS CLI's cached sign-in is the CLI's to end.
    m_keychain->readSecret(SsoTokenStore::tokenKey(config), this, [this, config, done](Outcome<QString> secret) {
        const auto remove = [this, config, done] {
            m_store.removeToken(config, this, [done](Outcome<Done> removed) { done(removed); });
        };
        const std::optional<SsoToken> token = secret ? SsoTokenStore::tokenFromJson(secret.value().toUtf8()) : std::nullopt;
        if (!token)
            return remove();
        const SsoPortalClient portal(m_http, config, m_tls);
        portal.logout(token->accessToken, this, [done, remove](Outcome<Done> loggedOut) {
            // A token the portal no longer takes has nothing left to end there.
            if (!loggedOut && !SsoPortalClient::needsSignIn(loggedOut.error()) && !loggedOut.error().isTransportFailure())
                qWarning("IAM Identity Center Logout failed: %s", qPrintable(loggedOut.error().message));
            remove();
        });
    });
}

} // namespace RoleDrop::Auth
