#pragma once

#include "core/auth/sso_oidc_client.h"
#include "core/auth/sso_token_store.h"
#include "core/auth/sso_types.h"
#include "core/common/async_result.h"
#include "core/http/tls_trust.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>

#include <memory>

namespace RoleDrop::Http {
class AwsHttpClient;
}

namespace RoleDrop::Auth {

class KeychainStore;

// The error code of a silent token() that would have had to ask the user: the sign-in has ended.
inline const QString ssoSignInRequiredCode = QStringLiteral("sign_in_required");

// Gets an IAM Identity Center access token for a session, asking the user only when nothing else works:
//   1. a stored token valid for 5 more minutes (the keychain's, or the AWS CLI's cache for the same start URL);
//   2. else the refresh grant, silently (the new token stored);
//   3. else a sign-in: the client registered (a stored registration reused until it expires), then the browser
//      (authorization code + PKCE, LoopbackAuthorization) or the device code (shown, its URL opened when a
//      browser can be, CreateToken polled honouring authorization_pending and slow_down).
// ONE sign-in at a time across RoleDrop processes: a lock file per session in the data folder (SignInLock), waited for without
// blocking the event loop; whoever gets it second reads the keychain again and uses the token the first one stored,
// so two processes never open two browser tabs. Concurrent calls in one process share one attempt.
// Results follow core/common/async_result.h; tokens never reach an error or a log.
class SsoSignIn final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SsoSignIn)
public:
    SsoSignIn(Http::AwsHttpClient *http, KeychainStore *keychain, const QString &dataFolder, Http::TlsTrust tls = {},
              QObject *parent = nullptr);
    ~SsoSignIn() override;

    static constexpr int validityMarginSeconds = 300;

    // A token valid for at least validityMarginSeconds, signing in when needed (see above).
    void token(const SsoSessionConfig &config, SsoSignInMethod method, const SsoSignInPrompt &prompt, QObject *context,
               ResultHandler<SsoToken> done);
    // For renewals in the background: a stored or refreshed token, or the error ssoSignInRequiredCode; never a prompt.
    void silentToken(const SsoSessionConfig &config, QObject *context, ResultHandler<SsoToken> done);
    // Logout at the portal (the sign-in ends there too) and the token removed from the keychain. The AWS CLI's
    // cache is not touched.
    void signOut(const SsoSessionConfig &config, QObject *context, ResultHandler<Done> done);
    // The portal refused this access token (401 UnauthorizedException: SsoPortalClient::needsSignIn) although it
    // looked valid: the next token() or silentToken() refreshes instead of handing it out again.
    void tokenRejected(const SsoSessionConfig &config, const QString &accessToken);
    // Ends a sign-in under way for this session (its callers get Cancelled).
    void cancel(const SsoSessionConfig &config);

    QString lockFilePath(const SsoSessionConfig &config) const;
    void setClientName(const QString &name) { m_clientName = name; }
    void setBrowserTimeoutMs(int ms) { m_browserTimeoutMs = ms; }
    // How long to wait for another process's sign-in before giving up.
    void setLockWaitMs(int ms) { m_lockWaitMs = ms; }

private:
    struct Attempt;
    using AttemptPtr = std::shared_ptr<Attempt>;
    void begin(const SsoSessionConfig &config, bool silent, SsoSignInMethod method, const SsoSignInPrompt &prompt,
               QObject *context, ResultHandler<SsoToken> done);
    void readStored(const AttemptPtr &a);
    void refresh(const AttemptPtr &a, const SsoToken &stored);
    void afterRefreshRefused(const AttemptPtr &a);
    void useStoredOr(const AttemptPtr &a, std::function<void()> otherwise);
    void signInOrFail(const AttemptPtr &a);
    void waitForLock(const AttemptPtr &a);
    void afterLock(const AttemptPtr &a);
    void registerClient(const AttemptPtr &a, const QString &grantType);
    void signInWithBrowser(const AttemptPtr &a, const SsoClientRegistration &client);
    void signInWithDeviceCode(const AttemptPtr &a, const SsoClientRegistration &client);
    void pollDeviceCode(const AttemptPtr &a, const SsoClientRegistration &client, const QString &deviceCode,
                        const QDateTime &expiresAt, int intervalSeconds);
    void keep(const AttemptPtr &a, const SsoClientRegistration &client, const SsoTokenGrant &grant);
    void finish(const AttemptPtr &a, Outcome<SsoToken> result);
    QString attemptKey(const SsoSessionConfig &config, bool silent) const;
    bool isUsable(const SsoToken &token) const;

    Http::AwsHttpClient *m_http;
    KeychainStore *m_keychain;
    SsoTokenStore m_store;
    QString m_dataFolder;
    Http::TlsTrust m_tls;
    QString m_clientName = QStringLiteral("RoleDrop");
    int m_browserTimeoutMs = 5 * 60 * 1000;
    int m_lockWaitMs = 15 * 60 * 1000;
    QHash<QString, AttemptPtr> m_attempts;
    QSet<QByteArray> m_rejected;  // SHA-256 of access tokens the portal refused (not the tokens themselves)
};

} // namespace RoleDrop::Auth
