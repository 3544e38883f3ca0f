#pragma once

#include "core/http/aws_call.h"
#include "core/common/aws_credentials.h"
#include "core/auth/identity.h"
#include "core/common/outcome.h"
#include "core/sts/sts_requests.h"
#include "core/sts/sts_types.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>

namespace RoleDrop::Sts {
class StsClient;
}

namespace RoleDrop::Auth {

// The active identity and its credentials: a base identity (long-term keys from the keychain), optionally
// an MFA session on top, and a stack of assumed roles (role chaining). Role sessions are kept in memory
// only and refreshed before they expire by re-running the same AssumeRole calls from the base identity;
// when a call needs an MFA code, mfaCodeNeeded() asks for one and the refresh waits for provideMfaCode().
class CredentialProvider final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialProvider)
public:
    explicit CredentialProvider(Sts::StsClient *sts, QObject *parent = nullptr);

    // Starts over from a base identity (drops every role session).
    void setBaseIdentity(const QString &profileName, const AwsCredentials &credentials, const QString &knownArn = QString());

    // Assumes `request.roleArn` from the active identity (chaining when that is itself a role).
    Http::AwsCall *switchRole(const Sts::AssumeRoleRequest &request, const QString &displayName, const QString &color,
                        std::function<void(Outcome<Identity>)> done);
    // Replaces the base keys by an MFA session (GetSessionToken), e.g. when roles require MFA.
    Http::AwsCall *startMfaSession(const Sts::SessionTokenRequest &request, std::function<void(Outcome<Identity>)> done);
    // Who the server says we are (GetCallerIdentity); updates the identity's ARN and account.
    Http::AwsCall *whoAmI(std::function<void(Outcome<Sts::CallerIdentity>)> done);
    void backToBase();

    const Identity &active() const { return m_active; }
    const Identity &base() const { return m_base; }
    AwsCredentials activeCredentials() const;
    bool hasRole() const { return !m_roles.isEmpty(); }

    // Refresh this long before expiry (default 5 minutes; shortened for short sessions).
    void setRefreshMargin(int seconds) { m_refreshMarginSeconds = seconds; scheduleRefresh(); }
    void refreshNow();
    // When the background refresh will run (invalid when nothing needs refreshing).
    QDateTime refreshDueAt() const { return m_refreshDueAt; }
    void provideMfaCode(const QString &code);
    void declineMfaCode();

signals:
    void identityChanged(const RoleDrop::Auth::Identity &identity);
    void credentialsRefreshed(const RoleDrop::Auth::Identity &identity);
    void mfaCodeNeeded(const QString &mfaSerial, const QString &roleArn);
    void refreshFailed(const RoleDrop::AwsError &error);

private:
    struct RoleSession
    {
        Sts::AssumeRoleRequest request;   // as sent (without the MFA code, which is never kept)
        Identity identity;
        AwsCredentials credentials;
    };

    const AwsCredentials &callerCredentials() const;
    void activate(const Identity &identity);
    void scheduleRefresh();
    void refreshFrom(int index, AwsCredentials caller, QString callerName, const QString &mfaCode);

    Sts::StsClient *m_sts;
    Identity m_base;
    AwsCredentials m_baseCredentials;
    std::optional<std::pair<Identity, AwsCredentials>> m_mfaSession;
    QList<RoleSession> m_roles;
    Identity m_active;
    QTimer m_refreshTimer;
    QDateTime m_refreshDueAt;
    int m_refreshMarginSeconds = 300;
    bool m_waitingForMfa = false;
    int m_mfaIndex = 0;          // the role session whose refresh waits for an MFA code
    bool m_refreshing = false;
};

} // namespace RoleDrop::Auth
