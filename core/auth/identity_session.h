#pragma once

#include "core/auth/identity.h"
#include "core/common/async_result.h"
#include "core/http/credential_source.h"
#include "core/sts/sts_client.h"
#include "core/sts/sts_requests.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace RoleDrop::Http {
class AwsCall;
}

namespace RoleDrop::Auth {

// One identity requests can be made as, with its current credentials: a profile's own keys, an MFA session
// made from them, or a role assumed from another identity (its parent). A role session renews itself before
// it expires by assuming the role again from its parent's credentials of that moment, so whoever holds it -
// a running transfer, a CLI run, the window - keeps working as this identity for as long as it lives.
// Switching role makes a new IdentitySession and leaves the old one, and everyone holding it, alone.
//
// A renewal that fails is tried again with backoff while the session has time left. A role that needs an
// MFA code asks for one (mfaCodeNeeded) and waits for provideMfaCode(). Made only through the factories,
// owned through shared pointers, used on one thread.
class IdentitySession final : public QObject,
                              public Http::CredentialSource,
                              public std::enable_shared_from_this<IdentitySession>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IdentitySession)
public:
    using Ptr = std::shared_ptr<IdentitySession>;

    // A profile's own keys, or an MFA session made from them: not renewed here.
    static Ptr fixed(const Identity &identity, const AwsCredentials &credentials, Ptr parent = nullptr);
    // A role assumed from `parent` with `request` (as sent, without the MFA code, which is never kept).
    static Ptr assumed(Ptr parent, const Sts::StsClient &sts, const Sts::AssumeRoleRequest &request,
                       const Identity &identity, const AwsCredentials &credentials);

    // Fresh keys for an identity not made by AssumeRole: an Identity Center role (GetRoleCredentials with the
    // sign-in's token, refreshed silently) or a web identity (AssumeRoleWithWebIdentity with a new ID token).
    struct Renewal
    {
        AwsCredentials credentials;
        QString arn;               // empty: unchanged
    };
    // Gets them; the result goes to `done` by the async contract, for `context`.
    using Renew = std::function<Http::AwsCall *(QObject *context, ResultHandler<Renewal> done)>;
    // A session that renews itself with `renew` before `credentials` expire, as role sessions do.
    static Ptr renewedBy(Renew renew, const Identity &identity, const AwsCredentials &credentials, Ptr parent = nullptr);
    ~IdentitySession() override;

    const Identity &identity() const { return m_identity; }
    const Ptr &parent() const { return m_parent; }
    bool isRole() const { return m_identity.kind == Identity::Kind::AssumedRole; }
    // This identity and every one it was made from, the base first.
    QList<Identity> chain() const;
    // What GetCallerIdentity said about this identity.
    void setCallerFacts(const QString &arn, const QString &accountId);

    AwsCredentials credentials() const override { return m_credentials; }
    QString nameForErrors() const override { return m_identity.nameForErrors(); }
    QString displayName() const override { return m_identity.displayName; }
    QString color() const override { return m_identity.color; }
    bool canRefresh() const override { return m_sts.has_value() || bool(m_renew); }
    // Renews now for a request the server refused as stale, trying again with backoff (also past the
    // session's end, since its parent's keys are what renewal needs); done(false) once it gives up.
    void refreshCredentials(std::function<void(bool renewed)> done) override;
    AwsError lastRenewalFailure() const override { return m_lastFailure; }

    // Renew this long before expiry (default 5 minutes; a fifth of the lifetime for short sessions).
    void setRenewalMargin(int seconds);
    // When the next renewal runs; invalid when this identity is not renewed.
    QDateTime renewalDueAt() const { return m_dueAt; }
    // Renews now (a role session only); `done` gets whether it worked, later.
    void renewNow(std::function<void(bool renewed)> done = {});
    bool isWaitingForMfa() const { return m_waitingForMfa; }
    QString mfaSerial() const { return m_request.serialNumber; }
    void provideMfaCode(const QString &code);
    void declineMfaCode();

signals:
    void renewed(const RoleDrop::Auth::Identity &identity);
    // `willRetry`: another attempt is scheduled before the session ends.
    void renewalFailed(const RoleDrop::AwsError &error, bool willRetry);
    void mfaCodeNeeded(const QString &mfaSerial, const QString &roleArn);

private:
    IdentitySession() = default;
    void schedule();
    void scheduleRetry(const AwsError &error);
    // Asks for new keys: AssumeRole again (with the MFA code, if the role needs one), or the identity's own renewal.
    void assume(const QString &mfaCode);
    void adoptCredentials(const AwsCredentials &credentials, const QString &arn);
    // One renewal attempt is over; `final`: no further attempt is scheduled.
    void finishRenewal(bool renewed, bool final);

    Identity m_identity;
    AwsCredentials m_credentials;
    Ptr m_parent;
    std::optional<Sts::StsClient> m_sts;   // set for role sessions: where renewals go
    Sts::AssumeRoleRequest m_request;      // without the MFA code
    Renew m_renew;                         // set instead of m_sts for identities not made by AssumeRole
    QTimer m_timer;
    QDateTime m_dueAt;
    int m_marginSeconds = 300;
    int m_failedAttempts = 0;
    AwsError m_lastFailure;               // of the last renewal, cleared when one succeeds
    int m_onDemandRetries = 0;            // retries made for refreshCredentials() since the last success
    bool m_renewing = false;
    bool m_waitingForMfa = false;
    QPointer<Http::AwsCall> m_call;
    std::vector<std::function<void(bool)>> m_waiters;         // renewNow(): the attempt's outcome
    std::vector<std::function<void(bool)>> m_finalWaiters;    // refreshCredentials(): the eventual outcome
};

} // namespace RoleDrop::Auth
