#include "core/session/web_identity.h"

#include "core/auth/id_token_verifier.h"
#include "core/auth/keychain_store.h"
#include "core/auth/loopback_authorization.h"
#include "core/auth/oidc_token_client.h"
#include "core/auth/sign_in_lock.h"
#include "core/auth/sso_sign_in.h"   // its "sign in again" code: the window offers Sign In Again for both kinds
#include "core/http/aws_call.h"
#include "core/sts/sts_client.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

namespace RoleDrop::Sessions {

namespace {

AwsError webIdentityError(AwsErrorKind kind, const QString &code, const QString &message, const QString &resource)
{
    AwsError error = AwsError::local(kind, message);
    error.code = code;
    error.action = QStringLiteral("OpenID Connect sign-in");
    error.resource = resource;
    return error;
}

// "openid" first (OpenID Connect Core 3.1.2.1 requires it), then the profile's scopes, each once.
QStringList scopesOf(const Auth::WebIdentitySource &source)
{
    QStringList scopes{QStringLiteral("openid")};
    for (const QString &scope : source.scopes.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!scopes.contains(scope))
            scopes.append(scope);
    }
    return scopes;
}

// The ~/.aws form: the token is whatever the file holds now (EKS and CI rotate it).
Outcome<QString> readTokenFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return webIdentityError(AwsErrorKind::LocalFile, QStringLiteral("token_file"),
                                QStringLiteral("cannot read the web identity token file %1 (web_identity_token_file): %2. "
                                               "Check that the file exists and is readable, or fix the profile's path")
                                    .arg(path, file.errorString()),
                                path);
    const QString token = QString::fromUtf8(file.readAll()).trimmed();
    if (token.isEmpty())
        return webIdentityError(AwsErrorKind::LocalFile, QStringLiteral("token_file"),
                                QStringLiteral("the web identity token file %1 (web_identity_token_file) is empty: "
                                               "whatever writes the token there has not done so yet").arg(path),
                                path);
    return token;
}

QString accountOfArn(const QString &arn)
{
    return arn.section(QLatin1Char(':'), 4, 4);
}

} // namespace

QByteArray StoredOidcTokens::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("refreshToken"), refreshToken);
    o.insert(QStringLiteral("idToken"), idToken);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<StoredOidcTokens> StoredOidcTokens::fromJson(const QByteArray &json)
{
    const QJsonDocument document = QJsonDocument::fromJson(json);
    if (!document.isObject())
        return std::nullopt;
    const QJsonObject o = document.object();
    const QJsonValue refresh = o.value(QStringLiteral("refreshToken"));
    const QJsonValue id = o.value(QStringLiteral("idToken"));
    if ((!refresh.isString() && !refresh.isUndefined()) || (!id.isString() && !id.isUndefined()))
        return std::nullopt;
    StoredOidcTokens tokens{refresh.toString(), id.toString()};
    if (tokens.refreshToken.isEmpty() && tokens.idToken.isEmpty())
        return std::nullopt;
    return tokens;
}

struct WebIdentity::SignIn
{
    QString profile;
    Auth::WebIdentitySource source;
    Http::TlsTrust trust;
    bool silent = false;
    QString clientSecret;
    Provider provider;
    QString key;                           // of m_signIns
    QList<ResultHandler<QString>> waiters;  // every caller this attempt serves
    QPointer<Auth::SignInLock> lock;
    QPointer<Auth::LoopbackAuthorization> browser;
    bool over = false;
};

WebIdentity::WebIdentity(Http::AwsHttpClient &http, Auth::KeychainStore &keychain, const QString &dataFolder, QObject *parent)
    : QObject(parent), m_http(http), m_keychain(keychain), m_dataFolder(dataFolder)
{
}

WebIdentity::~WebIdentity() = default;

QString WebIdentity::tokenKey(const QString &issuer, const QString &clientId)
{
    return QStringLiteral("oidc-token:") + issuer + QLatin1Char(' ') + clientId;
}

void WebIdentity::provider(const Auth::WebIdentitySource &source, const Http::TlsTrust &trust, bool refetchKeys,
                           ResultHandler<Provider> done)
{
    const QString key = source.issuer + QLatin1Char('\n') + trust.caFileNames();
    if (!refetchKeys && m_providers.contains(key))
        return done(m_providers.value(key));
    const auto withMetadata = [this, key, trust, done](const Auth::OidcProviderMetadata &metadata) {
        Auth::fetchJsonWebKeySet(&m_http, metadata.jwksUri, trust, this, [this, key, metadata, done](Outcome<Auth::JsonWebKeySet> keys) {
            if (!keys)
                return done(keys.error());
            Provider provider{metadata, keys.value()};
            m_providers.insert(key, provider);
            done(provider);
        });
    };
    if (m_providers.contains(key))
        return withMetadata(m_providers.value(key).metadata);
    Auth::OidcDiscovery::fetch(&m_http, source.issuer, trust, this, [withMetadata, done](Outcome<Auth::OidcProviderMetadata> metadata) {
        if (!metadata)
            return done(metadata.error());
        withMetadata(metadata.value());
    });
}

// A key id not in the set may be a key the provider rotated in since the set was fetched: fetched again, once.
void WebIdentity::verify(const SignInPtr &s, const QString &idToken, const QString &nonce, bool keysRefetched,
                         ResultHandler<QString> done)
{
    Auth::IdTokenExpectations expected;
    expected.issuer = s->source.issuer;
    expected.clientId = s->source.clientId;
    expected.nonce = nonce;
    expected.now = QDateTime::currentDateTimeUtc();
    Auth::IdTokenProblem problem = Auth::IdTokenProblem::None;
    const auto claims = Auth::IdTokenVerifier::verify(idToken, s->provider.keys, expected, &problem);
    if (claims)
        return done(idToken);
    if (problem != Auth::IdTokenProblem::UnknownKey || keysRefetched)
        return done(claims.error());
    provider(s->source, s->trust, true, [=, this](Outcome<Provider> fresh) {
        if (!fresh)
            return done(fresh.error());
        s->provider = fresh.value();
        verify(s, idToken, nonce, true, done);
    });
}

void WebIdentity::idToken(const QString &profile, const Auth::WebIdentitySource &source, const Http::TlsTrust &trust,
                          bool silent, QObject *context, ResultHandler<QString> done)
{
    // Concurrent calls for one sign-in share one attempt: one refresh (a provider that rotates refresh tokens
    // takes each only once), one browser page.
    const QString key = (silent ? QStringLiteral("silent\n") : QStringLiteral("sign-in\n")) + profile + QLatin1Char('\n')
        + tokenKey(source.issuer, source.clientId);
    if (const SignInPtr running = m_signIns.value(key)) {
        running->waiters.append(deliverTo(context, std::move(done)));
        return;
    }
    auto s = std::make_shared<SignIn>();
    s->key = key;
    s->profile = profile;
    s->source = source;
    s->trust = trust;
    s->silent = silent;
    s->waiters.append(deliverTo(context, std::move(done)));
    m_signIns.insert(key, s);
    if (source.issuer.isEmpty() || source.clientId.isEmpty())
        return finish(s, AwsError::validation(tr("Profile '%1' names no OpenID provider (issuer) or no client id: edit the profile")
                                                  .arg(profile)));
    // The client secret, when the profile has one (a confidential client); none is a public client.
    m_keychain.readSecret(profile, this, [this, s](Outcome<QString> secret) {
        if (s->over)
            return;
        if (!secret && secret.error().kind != AwsErrorKind::NotFound)
            return finish(s, secret.error());
        s->clientSecret = secret ? secret.value() : QString();
        provider(s->source, s->trust, false, [this, s](Outcome<Provider> found) {
            if (s->over)
                return;
            if (!found)
                return finish(s, found.error());
            s->provider = found.value();
            readStored(s);
        });
    });
}

void WebIdentity::readStored(const SignInPtr &s)
{
    const QString key = tokenKey(s->source.issuer, s->source.clientId);
    m_keychain.readSecret(key, this, [this, s](Outcome<QString> secret) {
        if (s->over)
            return;
        if (!secret && secret.error().kind != AwsErrorKind::NotFound)
            return finish(s, secret.error());
        const std::optional<StoredOidcTokens> stored = secret ? StoredOidcTokens::fromJson(secret.value().toUtf8()) : std::nullopt;
        if (!stored)
            return signInOrFail(s);
        // The stored ID token while it has time left; else the refresh token; else the user.
        if (isUsable(s, stored->idToken))
            return finish(s, stored->idToken);
        if (!stored->refreshToken.isEmpty())
            return refresh(s, *stored);
        signInOrFail(s);
    });
}

void WebIdentity::refresh(const SignInPtr &s, const StoredOidcTokens &stored)
{
    const Auth::OidcTokenClient client(&m_http, s->provider.metadata.tokenEndpoint, s->source.clientId, s->clientSecret, s->trust);
    client.refresh(stored.refreshToken, this, [this, s](Outcome<Auth::OidcTokens> tokens) {
        if (s->over)
            return;
        if (!tokens) {
            // The provider could not be asked: saying so beats asking the user to sign in for nothing.
            if (tokens.error().isTransportFailure())
                return finish(s, tokens.error());
            return afterRefreshRefused(s);
        }
        if (tokens->idToken.isEmpty())
            return signInOrFail(s);
        verify(s, tokens->idToken, QString(), false, [this, s, tokens](Outcome<QString> verified) {
            if (s->over)
                return;
            if (!verified)
                return finish(s, verified.error());
            keep(s, StoredOidcTokens{tokens->refreshToken, tokens->idToken});
        });
    });
}

// Another process may have used the same refresh token a moment ago (a provider that rotates them takes each only
// once) and stored what it got: the keychain, not this process's cache, knows. Else the sign-in has ended.
void WebIdentity::afterRefreshRefused(const SignInPtr &s)
{
    useStoredOr(s, [this, s] { signInOrFail(s); });
}

// The keychain's tokens read anew (not this process's cache): finished with them if still usable, else `otherwise`.
void WebIdentity::useStoredOr(const SignInPtr &s, std::function<void()> otherwise)
{
    const QString key = tokenKey(s->source.issuer, s->source.clientId);
    m_keychain.forgetCached(key);
    m_keychain.readSecret(key, this, [this, s, otherwise = std::move(otherwise)](Outcome<QString> secret) {
        if (s->over)
            return;
        const std::optional<StoredOidcTokens> stored = secret ? StoredOidcTokens::fromJson(secret.value().toUtf8()) : std::nullopt;
        if (stored && isUsable(s, stored->idToken))
            return finish(s, stored->idToken);
        otherwise();
    });
}

bool WebIdentity::isUsable(const SignInPtr &s, const QString &idToken) const
{
    if (idToken.isEmpty())
        return false;
    Auth::IdTokenExpectations expected;
    expected.issuer = s->source.issuer;
    expected.clientId = s->source.clientId;
    expected.now = QDateTime::currentDateTimeUtc().addSecs(validityMarginSeconds);
    expected.allowedClockSkewSeconds = 0;
    return bool(Auth::IdTokenVerifier::verify(idToken, s->provider.keys, expected));
}

void WebIdentity::signInOrFail(const SignInPtr &s)
{
    if (s->silent)
        return finish(s, webIdentityError(AwsErrorKind::ExpiredToken, Auth::ssoSignInRequiredCode,
                                          tr("The sign-in to %1 (profile '%2') has ended and cannot be renewed without you: "
                                             "sign in again (roledrop login --profile %2)").arg(s->source.issuer, s->profile),
                                          s->source.issuer));
    auto *lock = new Auth::SignInLock(Auth::SignInLock::pathFor(m_dataFolder, QStringLiteral("oidc"),
                                                                tokenKey(s->source.issuer, s->source.clientId)),
                                      s->source.issuer, m_lockWaitMs, this);
    s->lock = lock;
    lock->acquire(this, [this, s](Outcome<Done> locked) {
        if (s->over)
            return;
        if (!locked)
            return finish(s, locked.error());
        afterLock(s);
    });
}

void WebIdentity::afterLock(const SignInPtr &s)
{
    // Another process may have signed in while this one waited.
    useStoredOr(s, [this, s] { signInWithBrowser(s); });
}

void WebIdentity::signInWithBrowser(const SignInPtr &s)
{
    Auth::BrowserAuthorizationRequest request;
    request.authorizationUrl = s->provider.metadata.authorizationEndpoint;
    request.clientId = s->source.clientId;
    request.scopes = scopesOf(s->source);
    const QString nonce = Auth::LoopbackAuthorization::randomToken();
    request.extraParameters.append({QStringLiteral("nonce"), nonce});
    // offline_access asks for a refresh token; providers give one only after the consent page (Core 11).
    if (request.scopes.contains(QLatin1String("offline_access")))
        request.extraParameters.append({QStringLiteral("prompt"), QStringLiteral("consent")});
    request.timeoutMs = m_browserTimeoutMs;
    auto *browser = new Auth::LoopbackAuthorization(this);
    s->browser = browser;
    browser->start(request, m_openBrowser, this, [this, s, browser, nonce](Outcome<Auth::BrowserAuthorization> code) {
        browser->deleteLater();
        if (s->over)
            return;
        if (!code) {
            AwsError error = code.error();
            error.resource = s->source.issuer;
            error.message = code.error().code == Auth::noBrowserErrorCode
                ? tr("The sign-in to %1 needs a browser and none could be opened: set BROWSER, or sign in where one can be opened")
                      .arg(s->source.issuer)
                : tr("The sign-in to %1 did not complete: %2").arg(s->source.issuer, error.message);
            return finish(s, error);
        }
        const Auth::OidcTokenClient client(&m_http, s->provider.metadata.tokenEndpoint, s->source.clientId,
                                           s->clientSecret, s->trust);
        client.exchangeCode({code->code, code->codeVerifier, code->redirectUri.toString(QUrl::FullyEncoded)}, this,
                            [this, s, nonce](Outcome<Auth::OidcTokens> tokens) {
            if (s->over)
                return;
            if (!tokens)
                return finish(s, tokens.error());
            verify(s, tokens->idToken, nonce, false, [this, s, tokens](Outcome<QString> verified) {
                if (s->over)
                    return;
                if (!verified)
                    return finish(s, verified.error());
                keep(s, StoredOidcTokens{tokens->refreshToken, tokens->idToken});
            });
        });
    });
}

void WebIdentity::keep(const SignInPtr &s, const StoredOidcTokens &tokens)
{
    const QString key = tokenKey(s->source.issuer, s->source.clientId);
    m_keychain.writeSecret(key, QString::fromUtf8(tokens.toJson()), this, [this, s, tokens](Outcome<bool> written) {
        if (s->over)
            return;
        // Without the keychain the token still serves this run; the warning says why the next one asks again.
        if (!written)
            qWarning("OpenID Connect sign-in not kept in the keychain: %s", qPrintable(written.error().message));
        finish(s, tokens.idToken);
    });
}

void WebIdentity::finish(const SignInPtr &s, Outcome<QString> result)
{
    if (s->over)
        return;
    s->over = true;
    if (s->browser)
        s->browser->cancel();
    if (s->lock) {
        s->lock->release();
        s->lock->deleteLater();
    }
    if (m_signIns.value(s->key) == s)
        m_signIns.remove(s->key);
    for (const ResultHandler<QString> &waiter : std::as_const(s->waiters))
        waiter(result);
}

void WebIdentity::signOut(const QString &profile, const Auth::WebIdentitySource &source, const Http::TlsTrust &trust,
                          QObject *context, ResultHandler<Done> done)
{
    done = deliverTo(context, std::move(done));
    const QString key = tokenKey(source.issuer, source.clientId);
    // Forgotten here whatever the provider answered: signing out must not hang on the network.
    const auto forget = [this, key, done] {
        m_keychain.removeSecret(key, this, [done](Outcome<bool> removed) {
            if (!removed)
                return done(removed.error());
            done(Done{});
        });
    };
    m_keychain.forgetCached(key);
    m_keychain.readSecret(key, this, [=, this](Outcome<QString> secret) {
        const std::optional<StoredOidcTokens> stored = secret ? StoredOidcTokens::fromJson(secret.value().toUtf8()) : std::nullopt;
        if (!stored || stored->refreshToken.isEmpty())
            return forget();
        revoke(profile, source, trust, stored->refreshToken, forget);
    });
}

// A refresh token left valid at the provider would outlive the sign-out: it is revoked where the provider offers
// revocation (RFC 7009). A failure is logged, naming the provider (never the token), and the sign-out goes on.
void WebIdentity::revoke(const QString &profile, const Auth::WebIdentitySource &source, const Http::TlsTrust &trust,
                         const QString &refreshToken, std::function<void()> then)
{
    const auto warn = [issuer = source.issuer](const AwsError &error) {
        qWarning("The OpenID provider %s could not be told of the sign-out (its refresh token may stay valid until it "
                 "expires): %s", qPrintable(issuer), qPrintable(error.userMessage()));
    };
    m_keychain.readSecret(profile, this, [=, this](Outcome<QString> clientSecret) {
        provider(source, trust, false, [=, this](Outcome<Provider> found) {
            if (!found) {
                warn(found.error());
                return then();
            }
            if (found->metadata.revocationEndpoint.isEmpty())
                return then();
            const Auth::OidcTokenClient client(&m_http, found->metadata.tokenEndpoint, source.clientId,
                                               clientSecret ? clientSecret.value() : QString(), trust);
            client.revokeRefreshToken(found->metadata.revocationEndpoint, refreshToken, this, [=](Outcome<Done> revoked) {
                if (!revoked)
                    warn(revoked.error());
                then();
            });
        });
    });
}

void WebIdentity::credentials(const QString &profile, const Auth::WebIdentitySource &source, const Http::TlsTrust &trust,
                              const Http::EndpointConfig &endpoint, bool silent, QObject *context,
                              ResultHandler<Auth::IdentitySession::Renewal> done)
{
    const auto assume = [this, source, endpoint, context, done](const QString &token) {
        Sts::AssumeRoleWithWebIdentityRequest request;
        request.roleArn = source.roleArn;
        request.roleSessionName = source.roleSessionName;
        request.webIdentityToken = token;
        Sts::StsClient(&m_http, endpoint).assumeRoleWithWebIdentity(request, context,
                                                                     [done](Outcome<Sts::AssumeRoleWithWebIdentityResult> role) {
            if (!role)
                return done(role.error());
            done(Auth::IdentitySession::Renewal{role->credentials, role->assumedRoleUser.arn});
        });
    };
    if (!source.tokenFile.isEmpty()) {
        const auto token = readTokenFile(source.tokenFile);
        if (!token)
            return done(token.error());
        return assume(token.value());
    }
    idToken(profile, source, trust, silent, context, [assume, done](Outcome<QString> token) {
        if (!token)
            return done(token.error());
        assume(token.value());
    });
}

void WebIdentity::open(const QString &profile, const Auth::WebIdentitySource &source, const Auth::Identity &identity,
                       const Http::EndpointConfig &endpoint, QObject *context, ResultHandler<Auth::IdentitySession::Ptr> done)
{
    done = deliverTo(context, std::move(done));
    if (source.roleArn.isEmpty())
        return done(AwsError::validation(tr("Profile '%1' names no role to assume with its web identity: set its role ARN").arg(profile)));
    credentials(profile, source, endpoint.tls, endpoint, false, this, [=, this](Outcome<Auth::IdentitySession::Renewal> first) {
        if (!first)
            return done(first.error());
        Auth::Identity role = identity;
        role.kind = Auth::Identity::Kind::AssumedRole;
        role.roleArn = source.roleArn;
        role.arn = first->arn;
        role.accountId = accountOfArn(first->arn.isEmpty() ? source.roleArn : first->arn);
        role.accessKeyId = first->credentials.accessKeyId;
        role.expiration = first->credentials.expiration;
        // Renewed silently (the refresh token, or the token file read again): a renewal never opens a browser.
        QPointer<WebIdentity> self(this);
        Auth::IdentitySession::Renew renew = [self, profile, source, endpoint](
                                                 QObject *renewalContext, ResultHandler<Auth::IdentitySession::Renewal> renewed) -> Http::AwsCall * {
            if (!self) {
                renewed(AwsError::local(AwsErrorKind::Cancelled, tr("Signed out meanwhile")));
                return nullptr;
            }
            self->credentials(profile, source, endpoint.tls, endpoint, true, renewalContext, renewed);
            return nullptr;
        };
        done(Auth::IdentitySession::renewedBy(std::move(renew), role, first->credentials));
    });
}

} // namespace RoleDrop::Sessions
