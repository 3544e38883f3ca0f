#pragma once

#include "core/auth/sso_types.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <optional>

class QWidget;

namespace RoleDrop {
struct AwsError;
}
namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

class AccountRoleChooser;
class SignInDialog;

// The window's side of IAM Identity Center sign-in. It is the session's sign-in prompt: the system browser (the
// opener it is given) with a SignInDialog waiting for it, or the dialog's device code. Cancel ends the sign-in;
// "Use a Code Instead" starts it again with a device code; the dialog closes itself once signed in. Opening an
// Identity Center profile that names no account and role asks for one after the sign-in (AccountRoleChooser)
// and keeps the choice in the profile. A renewal that found the sign-in ended offers Sign In Again.
class IdentityCenterSignIn final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IdentityCenterSignIn)
public:
    IdentityCenterSignIn(Sessions::Session *session, QWidget *window);
    ~IdentityCenterSignIn() override;

    // What opens a URL in the user's browser (false: none could); default QDesktopServices::openUrl.
    void setBrowserOpener(std::function<bool(const QUrl &)> opener);

    // Opens a profile as the window does: an Identity Center profile is signed in to first (see above); any
    // other profile just opens. A failure shows through the session's profileFailed (or the sign-in dialog).
    void openProfile(const QString &name);
    // Signs in to the open profile's Identity Center again, then renews its session.
    void signInAgain();
    // A renewal failed: when the sign-in has ended (Auth::ssoSignInRequiredCode), asks whether to sign in again.
    void offerSignInAgain(const RoleDrop::AwsError &error);

    // For tests: the sign-in dialog and the account chooser while they are shown.
    SignInDialog *dialog() const;
    AccountRoleChooser *chooser() const;

signals:
    // A sign-in ended without a session: the message (never a token); a cancel says nothing.
    void signInFailed(const QString &message);

private:
    void installPrompt();
    bool openBrowser(const QUrl &url);
    void showDeviceCode(const RoleDrop::Auth::SsoDeviceCode &code);
    SignInDialog *ensureDialog();
    void closeDialog();
    void signIn(std::optional<RoleDrop::Auth::SsoSignInMethod> method, std::function<void()> then);
    void afterSignIn(const QString &name);
    void chooseAccountRole(const QString &name);

    QPointer<Sessions::Session> m_session;
    QWidget *m_window;
    std::function<bool(const QUrl &)> m_opener;
    QPointer<SignInDialog> m_dialog;
    QPointer<AccountRoleChooser> m_chooser;
    QPointer<QWidget> m_signInAgainBox;
    QString m_profile;                 // whose sign-in runs
    std::function<void()> m_then;      // what follows a successful sign-in
    std::optional<RoleDrop::Auth::SsoSignInMethod> m_restartWith;   // set while a cancel makes way for a restart
    bool m_signingIn = false;
    bool m_codeShown = false;          // this attempt shows a device code (its URL then opens without leaving it)
    quint64 m_attempt = 0;
};

} // namespace RoleDrop::Ui
