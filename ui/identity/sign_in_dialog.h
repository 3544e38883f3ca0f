#pragma once

#include "core/auth/sso_types.h"

#include <QDialog>
#include <QTimer>
#include <QUrl>

class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace RoleDrop::Ui {

// Shown while the user signs in (IAM Identity Center or an OpenID provider), in one of three states:
//  - waiting for the browser: "Continue signing in to <where> in your browser", with Open Browser Again and
//    Use a Code Instead;
//  - a device code: the code, large and selectable, the URL to confirm it at, Copy Code, Open Browser, and how
//    long the code stays valid;
//  - an error: what went wrong, with Try Again and Close.
// Standalone: it opens nothing itself. It says what the user asked for through its signals; whoever runs the
// sign-in opens the browser, changes the state, and closes the dialog (accept()) once signed in.
class SignInDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignInDialog)
public:
    // signingInTo: what the user recognises as where they sign in (the start URL, the issuer).
    explicit SignInDialog(const QString &signingInTo, QWidget *parent = nullptr);

    enum class State { BrowserWaiting, DeviceCode, Error };
    State state() const;

    // The browser was sent to authorizationUrl (Open Browser Again sends it there again).
    void setBrowserWaiting(const QUrl &authorizationUrl);
    // The device authorization flow: the user confirms `code` at its URL before it expires.
    void showDeviceCode(const RoleDrop::Auth::SsoDeviceCode &code);
    // Sign-in failed; the message says why (never a token).
    void showError(const QString &message);
    // Whether "Use a Code Instead" is offered while the browser is waiting (Identity Center: yes; a provider
    // without device authorization: no). Default: offered.
    void setDeviceCodeOffered(bool offered);

    // "Code expires in 9:41", "The code has expired": what the countdown says now.
    QString expiryText() const;

    void reject() override;

signals:
    // Open Browser Again, Open Browser or the verification link: open this URL in the system browser.
    void openBrowserRequested(const QUrl &url);
    // Use a Code Instead: switch to the device authorization flow.
    void useDeviceCodeRequested();
    // Try Again after an error.
    void retryRequested();
    // The user gave up: Cancel, Close, Escape or the window's close button.
    void cancelled();

private:
    QWidget *buildBrowserPage();
    QWidget *buildDeviceCodePage();
    QWidget *buildErrorPage();
    void showPage(QWidget *page, QPushButton *focus);
    void updateCountdown();
    QUrl deviceCodeUrl() const;

    QString m_signingInTo;
    QUrl m_authorizationUrl;
    RoleDrop::Auth::SsoDeviceCode m_deviceCode;
    QTimer m_countdown;

    QStackedWidget *m_pages;
    QWidget *m_browserPage;
    QLabel *m_browserText;
    QLabel *m_browserHint;
    QPushButton *m_openAgain;
    QPushButton *m_useCode;
    QWidget *m_codePage;
    QLabel *m_codeIntro;
    QLabel *m_userCode;
    QLabel *m_verificationLink;
    QLabel *m_expiry;
    QProgressBar *m_codeProgress;
    QPushButton *m_copyCode;
    QPushButton *m_openBrowser;
    QWidget *m_errorPage;
    QLabel *m_errorText;
    QPushButton *m_tryAgain;
};

} // namespace RoleDrop::Ui
