#pragma once

#include "core/auth/identity.h"
#include "core/auth/identity_session.h"
#include "core/common/async_result.h"
#include "core/sts/sts_client.h"
#include "core/sts/sts_requests.h"
#include "core/sts/sts_types.h"

#include <QList>
#include <QObject>

#include <memory>
#include <optional>

namespace RoleDrop::Http {
class AwsCall;
}

namespace RoleDrop::Auth {

// Where the next role switch starts from: the console always switches from the base identity (the profile's
// own keys, or the end of its ~/.aws role chain); chaining from the current role is an explicit choice (and
// caps the new session at one hour).
enum class SwitchFrom { BaseIdentity, CurrentIdentity };

// The active identity: a base identity (a profile's keys), optionally an MFA session on top, and the role
// session in use (itself possibly chained from other roles). Every identity is an IdentitySession that renews
// itself; this class keeps track of which one is active, makes new ones on a switch, and passes MFA prompts
// of any session it made (also of one a running transfer still holds) to whoever answers them.
// Operations follow the async contract of core/common/async_result.h.
class CredentialProvider final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialProvider)
public:
    explicit CredentialProvider(QObject *parent = nullptr);
    ~CredentialProvider() override;

    // Starts over from a base identity (drops every role session); its STS calls go to `sts`.
    void setBaseIdentity(const QString &profileName, const AwsCredentials &credentials, const Sts::StsClient &sts,
                         const QString &knownArn = QString());
    // Starts over from a base identity that renews itself (an Identity Center role, a web identity's role); role
    // switches from it go to `sts`.
    void setBaseSession(const IdentitySession::Ptr &base, const Sts::StsClient &sts);
    // Makes a session made elsewhere active, as a switch does (another Identity Center account and role): Back
    // returns to the base identity.
    void activateSession(const IdentitySession::Ptr &session);
    // Forgets every identity (a profile that failed to open, a removed profile).
    void clear();
    // The active identity is what the profile opens as (the end of its ~/.aws role chain, if it has one): the
    // base identity that SwitchFrom::BaseIdentity and backToBase() go back to.
    void markProfileOpened();

    // Assumes `request.roleArn` from the base identity (see markProfileOpened(); or the MFA session) or from the
    // active one.
    Http::AwsCall *switchRole(const Sts::AssumeRoleRequest &request, const QString &displayName, const QString &color,
                              SwitchFrom from, QObject *context, ResultHandler<Identity> done);
    // Replaces the base keys by an MFA session (GetSessionToken), e.g. when roles require MFA.
    Http::AwsCall *startMfaSession(const Sts::SessionTokenRequest &request, QObject *context, ResultHandler<Identity> done);
    // Who the server says we are (GetCallerIdentity); updates the identity's ARN and account.
    Http::AwsCall *whoAmI(QObject *context, ResultHandler<Sts::CallerIdentity> done);
    void backToBase();

    const Identity &active() const;
    // What switches start from by default and Back goes to: the profile's keys, or the end of its role chain.
    const Identity &base() const;
    // The active identity as a credential source: what new requests and transfers are made as.
    IdentitySession::Ptr activeSession() const { return m_active; }
    AwsCredentials activeCredentials() const;
    bool hasRole() const { return m_active && m_active->isRole(); }
    // The active identity and what it was made from, the base first ("james → S3Access → Audit").
    QList<Identity> activeChain() const;

    // Renew this long before expiry (default 5 minutes; shortened for short sessions), for every session made.
    void setRefreshMargin(int seconds);
    // Renews the active role chain now, the role nearest the base first.
    void refreshNow();
    // When the active identity's next renewal runs (invalid when nothing needs renewing).
    QDateTime refreshDueAt() const;
    void provideMfaCode(const QString &code);
    void declineMfaCode();

signals:
    void identityChanged(const RoleDrop::Auth::Identity &identity);
    // The active identity was renewed (new keys, new expiry).
    void credentialsRefreshed(const RoleDrop::Auth::Identity &identity);
    void mfaCodeNeeded(const QString &mfaSerial, const QString &roleArn);
    void refreshFailed(const RoleDrop::AwsError &error);

private:
    IdentitySession::Ptr baseSession() const;
    IdentitySession::Ptr caller(SwitchFrom from) const;
    void adopt(const IdentitySession::Ptr &session);
    void activate(const IdentitySession::Ptr &session);
    void refreshLink(QList<IdentitySession::Ptr> links, int index);

    std::optional<Sts::StsClient> m_sts;
    IdentitySession::Ptr m_base;
    IdentitySession::Ptr m_mfaSession;
    IdentitySession::Ptr m_profileRole;   // the end of the profile's ~/.aws role chain, when it has one
    IdentitySession::Ptr m_active;
    QList<std::weak_ptr<IdentitySession>> m_waitingForMfa;
    int m_refreshMarginSeconds = 300;
    Identity m_none;
};

} // namespace RoleDrop::Auth
