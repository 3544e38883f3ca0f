#pragma once

#include "core/auth/identity.h"

#include <QDateTime>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>

class QFrame;
class QLabel;
class QPushButton;

namespace RoleDrop::Http {
class AwsCall;
}

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

class ElidingLabel;
class ElidingToolButton;

// The band at the top of the window: who requests are made as ("Display name @ account", on the role's colour),
// the chain it came from when roles were chained ("james → S3Access → Audit"), the time left before its
// credentials expire (a badge that turns amber, then red), a brief note when they were renewed, and the way
// into and out of a role. Texts shorten with "…" so that the buttons always stay whole: the bar's minimum size
// (its layout's) is its buttons plus a few letters of each text.
class IdentityBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IdentityBar)
public:
    enum class ExpiryLevel { None, Normal, Warning, Critical, Expired };

    static constexpr int kWarningSeconds = 5 * 60;
    static constexpr int kCriticalSeconds = 60;
    static constexpr int kRenewalNoteMs = 10 * 1000;

    explicit IdentityBar(Sessions::Session *session, QWidget *parent = nullptr);
    ~IdentityBar() override;

    // Shows `identity`. The session's identityChanged() calls it; tests call it with a made-up one.
    void setIdentity(const RoleDrop::Auth::Identity &identity);
    // Tests move the clock instead of waiting for minutes to pass.
    void setClockForTesting(std::function<QDateTime()> now);

    ExpiryLevel expiryLevel() const { return m_level; }
    QString expiryText() const;
    QColor bandColorShown() const;
    // The colour the bar's own text is drawn in on the band.
    QColor textColorShown() const;
    // The expiry badge's colours (background, text) for a level; invalid colours where there is no badge.
    static std::pair<QColor, QColor> badgeColors(ExpiryLevel level);
    // The last GetCallerIdentity answer (or its error) as shown to the user.
    QString callerIdentityText() const { return m_callerText; }
    QString renewalNoteText() const;

    static ExpiryLevel levelFor(qint64 secondsLeft);
    // "S3Access @ 123456789012": the display name with the account, unless it names the account already.
    static QString nameAtAccount(const RoleDrop::Auth::Identity &identity);

signals:
    void switchRoleRequested();

private:
    void updateCountdown();
    void applyBand();
    void showChain();
    void showRenewal(const RoleDrop::Auth::Identity &identity);
    void showCallerIdentity();
    void popUpCallerIdentity();

    Sessions::Session *m_session;
    RoleDrop::Auth::Identity m_identity;
    ElidingToolButton *m_nameButton;
    ElidingLabel *m_chainLabel;
    QLabel *m_expiryLabel;
    ElidingLabel *m_noticeLabel;
    ElidingLabel *m_renewalLabel;
    QPushButton *m_switchButton;
    QPushButton *m_backButton;
    QFrame *m_callerPopup = nullptr;
    QLabel *m_callerPopupText = nullptr;
    QTimer m_tick;
    QTimer m_renewalNoteTimer;
    std::function<QDateTime()> m_now;
    ExpiryLevel m_level = ExpiryLevel::None;
    QString m_callerText;
    QPointer<RoleDrop::Http::AwsCall> m_whoAmICall;
};

} // namespace RoleDrop::Ui
