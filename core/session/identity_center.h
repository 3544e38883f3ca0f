#pragma once

#include "core/auth/identity_session.h"
#include "core/auth/profile_resolver.h"
#include "core/auth/sso_types.h"
#include "core/common/async_result.h"
#include "core/http/tls_trust.h"

#include <QHash>
#include <QObject>

#include <memory>
#include <optional>

namespace RoleDrop::Http {
class AwsHttpClient;
}

namespace RoleDrop::Auth {
class KeychainStore;
class SsoSignIn;
}

namespace RoleDrop::Sessions {

// IAM Identity Center for core/session: sign-in (one per start URL, shared by every RoleDrop process), the
// accounts and roles the user may use, and role sessions made by GetRoleCredentials that renew themselves
// with the sign-in's token, refreshed silently, so a transfer outlives the hour a role's keys last. Who shows
// the sign-in (browser, device code) is the front end's prompt. Operations follow core/common/async_result.h.
class IdentityCenter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IdentityCenter)
public:
    IdentityCenter(Http::AwsHttpClient &http, Auth::KeychainStore &keychain, const QString &dataFolder,
                   QObject *parent = nullptr);
    ~IdentityCenter() override;

    void setPrompt(Auth::SsoSignInPrompt prompt) { m_prompt = std::move(prompt); }
    // Overrides every profile's sign-in method (the command line's --device-code / --browser).
    void setMethodOverride(std::optional<Auth::SsoSignInMethod> method) { m_methodOverride = method; }
    Auth::SsoSignInMethod methodFor(const Auth::IdentityCenterSource &source) const;

    // A valid token for the source's sign-in, asking the user (the prompt) only when the stored one cannot be
    // refreshed. `trust`: the CAs the Identity Center endpoints' certificates may chain to, besides the system's.
    void signIn(const Auth::IdentityCenterSource &source, const Http::TlsTrust &trust, QObject *context,
                ResultHandler<Auth::SsoToken> done);
    // Ends a sign-in under way for the session (its callers get Cancelled); a stored token stays.
    void cancelSignIn(const Auth::SsoSessionConfig &session);
    // Ends the sign-in (at the portal too) and forgets its token and the accounts found with it.
    void signOut(const Auth::SsoSessionConfig &session, const Http::TlsTrust &trust, QObject *context, ResultHandler<Done> done);

    // The accounts and, in each, the roles the signed-in user may use (signing in first when needed); kept for
    // the run, asked again when `refresh`.
    void accounts(const Auth::IdentityCenterSource &source, const Http::TlsTrust &trust, bool refresh, QObject *context,
                  ResultHandler<QList<Auth::SsoAccount>> done);

    // How a role of an account is named, as the console names it: "S3Access @ Production (123456789012)", or with
    // the id alone when the name is not known.
    static QString roleDisplayName(const QString &roleName, const QString &accountId, const QString &accountName);
    // The account's name as last listed this run (empty when its accounts were not listed).
    QString accountName(const Auth::SsoSessionConfig &session, const QString &accountId) const;

    // The role `accountId` / `roleName` as a session that renews itself (signing in first when needed).
    // `identity` gives its profile, display name and colour; its keys, expiry and account are filled in here.
    void openRole(const Auth::IdentityCenterSource &source, const QString &accountId, const QString &roleName,
                  const Auth::Identity &identity, const Http::TlsTrust &trust, QObject *context,
                  ResultHandler<Auth::IdentitySession::Ptr> done);

private:
    Auth::SsoSignIn &signInFor(const Http::TlsTrust &trust);
    void roleCredentials(const Auth::IdentityCenterSource &source, const QString &accountId, const QString &roleName,
                         const Http::TlsTrust &trust, bool silent, bool retried, QObject *context,
                         ResultHandler<AwsCredentials> done);
    void listRoles(const Auth::IdentityCenterSource &source, const Http::TlsTrust &trust, const QString &token,
                   QList<Auth::SsoAccount> accounts, int index, QObject *context,
                   ResultHandler<QList<Auth::SsoAccount>> done);

    Http::AwsHttpClient &m_http;
    Auth::KeychainStore &m_keychain;
    QString m_dataFolder;
    Auth::SsoSignInPrompt m_prompt;
    std::optional<Auth::SsoSignInMethod> m_methodOverride;
    // One sign-in object per set of trusted CA files, so that concurrent sign-ins to one start URL share one attempt.
    QHash<QString, Auth::SsoSignIn *> m_signIns;
    QHash<QString, QList<Auth::SsoAccount>> m_accounts;   // by the session's cache key
};

} // namespace RoleDrop::Sessions
