#pragma once

#include "core/auth/identity_session.h"
#include "core/auth/json_web_key_set.h"
#include "core/auth/oidc_discovery.h"
#include "core/auth/profile_resolver.h"
#include "core/common/async_result.h"
#include "core/http/endpoint_config.h"
#include "core/http/tls_trust.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <optional>

namespace RoleDrop::Http {
class AwsHttpClient;
}

namespace RoleDrop::Auth {
class KeychainStore;
}

namespace RoleDrop::Sessions {

// What RoleDrop keeps of an OpenID Connect sign-in, in the keychain only (never a file): the refresh token and
// the last ID token. Both are secrets.
struct StoredOidcTokens
{
    QString refreshToken;
    QString idToken;

    QByteArray toJson() const;
    // nullopt for anything that is not such a document (an old or foreign entry: sign in again).
    static std::optional<StoredOidcTokens> fromJson(const QByteArray &json);
};

// Web identities for core/session: a role assumed with STS AssumeRoleWithWebIdentity, as a session that renews
// itself, from
//  - a RoleDrop OpenID Connect profile: the provider's discovery document, a browser sign-in (authorization code
//    + PKCE, a nonce, the profile's scopes after "openid"), the code exchanged (with the profile's client secret
//    from the keychain when it has one), the ID token verified (signature by the JWKS, fetched again once for an
//    unknown key id; issuer, audience, expiry, nonce). The refresh token is kept in the keychain; renewals and
//    later runs use it silently (a new ID token, verified), a browser opens only when it no longer works. One
//    interactive sign-in at a time across RoleDrop processes (Auth::SignInLock): the second reads the keychain.
//  - a ~/.aws profile with web_identity_token_file (EKS, CI): the file is read at every renewal.
// Operations follow core/common/async_result.h; errors name the issuer, the role or the file and what to change,
// never a token.
class WebIdentity final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebIdentity)
public:
    WebIdentity(Http::AwsHttpClient &http, Auth::KeychainStore &keychain, const QString &dataFolder,
                QObject *parent = nullptr);
    ~WebIdentity() override;

    static constexpr int validityMarginSeconds = 300;

    // Opens the sign-in page; false when no browser could be opened (then signing in fails saying so).
    void setOpenBrowser(std::function<bool(const QUrl &)> openBrowser) { m_openBrowser = std::move(openBrowser); }
    void setBrowserTimeoutMs(int ms) { m_browserTimeoutMs = ms; }
    void setLockWaitMs(int ms) { m_lockWaitMs = ms; }

    // The keychain entry of a sign-in: "oidc-token:" + issuer + " " + client id.
    static QString tokenKey(const QString &issuer, const QString &clientId);

    // A verified ID token of `source` (a RoleDrop OpenID Connect profile named `profile`): the stored one while
    // valid for validityMarginSeconds more, else the refresh grant, else (unless `silent`) a browser sign-in.
    // A silent call that would need the user fails with code "sign_in_required".
    void idToken(const QString &profile, const Auth::WebIdentitySource &source, const Http::TlsTrust &trust,
                 bool silent, QObject *context, ResultHandler<QString> done);
    // Ends the sign-in: the refresh token revoked at the provider where it offers revocation (best effort), then
    // the tokens leave the keychain.
    void signOut(const QString &profile, const Auth::WebIdentitySource &source, const Http::TlsTrust &trust,
                 QObject *context, ResultHandler<Done> done);

    // The role of `source` as a session that renews itself (signing in first when needed). `identity` gives its
    // profile, display name and colour; the rest is filled in here. `endpoint`: STS's (the profile's endpoint).
    void open(const QString &profile, const Auth::WebIdentitySource &source, const Auth::Identity &identity,
              const Http::EndpointConfig &endpoint, QObject *context, ResultHandler<Auth::IdentitySession::Ptr> done);

private:
    struct Provider
    {
        Auth::OidcProviderMetadata metadata;
        Auth::JsonWebKeySet keys;
    };
    struct SignIn;
    using SignInPtr = std::shared_ptr<SignIn>;

    void provider(const Auth::WebIdentitySource &source, const Http::TlsTrust &trust, bool refetchKeys,
                  ResultHandler<Provider> done);
    void verify(const SignInPtr &s, const QString &idToken, const QString &nonce, bool keysRefetched,
                ResultHandler<QString> done);
    void readStored(const SignInPtr &s);
    void refresh(const SignInPtr &s, const StoredOidcTokens &stored);
    void afterRefreshRefused(const SignInPtr &s);
    void useStoredOr(const SignInPtr &s, std::function<void()> otherwise);
    void revoke(const QString &profile, const Auth::WebIdentitySource &source, const Http::TlsTrust &trust,
                const QString &refreshToken, std::function<void()> then);
    // Verified (signature, issuer, audience) and valid for validityMarginSeconds more.
    bool isUsable(const SignInPtr &s, const QString &idToken) const;
    void signInOrFail(const SignInPtr &s);
    void afterLock(const SignInPtr &s);
    void signInWithBrowser(const SignInPtr &s);
    void keep(const SignInPtr &s, const StoredOidcTokens &tokens);
    void finish(const SignInPtr &s, Outcome<QString> result);
    void credentials(const QString &profile, const Auth::WebIdentitySource &source, const Http::TlsTrust &trust,
                     const Http::EndpointConfig &endpoint, bool silent, QObject *context,
                     ResultHandler<Auth::IdentitySession::Renewal> done);

    Http::AwsHttpClient &m_http;
    Auth::KeychainStore &m_keychain;
    QString m_dataFolder;
    std::function<bool(const QUrl &)> m_openBrowser;
    int m_browserTimeoutMs = 5 * 60 * 1000;
    int m_lockWaitMs = 15 * 60 * 1000;
    QHash<QString, Provider> m_providers;   // by issuer and trusted CAs
    QHash<QString, SignInPtr> m_signIns;    // attempts under way, shared by concurrent callers
};

} // namespace RoleDrop::Sessions
