#pragma once

#include "core/auth/identity.h"

#include <QDateTime>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QToolButton;

namespace RoleDrop::Http {
class AwsCall;
}

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

// The band at the top of the window: who requests are made as (on the role's colour), its account,
// the time left before its credentials expire, and the way into and out of a role.
class IdentityBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IdentityBar)
public:
    enum class ExpiryLevel { None, Normal, Warning, Critical, Expired };

    static constexpr int kWarningSeconds = 5 * 60;
    static constexpr int kCriticalSeconds = 60;

    explicit IdentityBar(Sessions::Session *session, QWidget *parent = nullptr);
    ~IdentityBar() override;

    // Shows `identity`. The session's identityChanged() calls it; tests call it with a made-up one.
    void setIdentity(const RoleDrop::Auth::Identity &identity);
    // Tests move the clock instead of waiting for minutes to pass.
    void setClockForTesting(std::function<QDateTime()> now);

    ExpiryLevel expiryLevel() const { return m_level; }
    QString expiryText() const;
    QColor bandColorShown() const;
    // The last GetCallerIdentity answer (or its error) as shown to the user.
    QString callerIdentityText() const { return m_callerText; }

    static ExpiryLevel levelFor(qint64 secondsLeft);

signals:
    void switchRoleRequested();

private:
    void updateCountdown();
    void applyBand();
    void showCallerIdentity();

    Sessions::Session *m_session;
    RoleDrop::Auth::Identity m_identity;
    QToolButton *m_nameButton;
    QLabel *m_accountLabel;
    QLabel *m_expiryLabel;
    QLabel *m_noticeLabel;
    QPushButton *m_switchButton;
    QPushButton *m_backButton;
    QTimer m_tick;
    std::function<QDateTime()> m_now;
    ExpiryLevel m_level = ExpiryLevel::None;
    QString m_callerText;
    QPointer<RoleDrop::Http::AwsCall> m_whoAmICall;
};

} // namespace RoleDrop::Ui
