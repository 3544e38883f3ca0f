#include "ui/identity/identity_center_sign_in.h"

#include "core/auth/sso_sign_in.h"
#include "core/session/session.h"
#include "ui/identity/account_role_chooser.h"
#include "ui/identity/sign_in_dialog.h"

#include <QDesktopServices>
#include <QMessageBox>
#include <QPushButton>
#include <QWidget>

namespace RoleDrop::Ui {

IdentityCenterSignIn::IdentityCenterSignIn(Sessions::Session *session, QWidget *window)
    : QObject(window), m_session(session), m_window(window), m_opener([](const QUrl &url) { return QDesktopServices::openUrl(url); })
{
    installPrompt();
    // A sign-in another part of the window started (a recent role of a profile, the last profile at start) ends
    // with the profile opening or failing: its dialog goes then too (a failure shows where opening errors do).
    const auto closeOthers = [this] {
        if (!m_signingIn)
            closeDialog();
    };
    connect(session, &Sessions::Session::profileOpened, this, closeOthers);
    connect(session, &Sessions::Session::profileFailed, this, closeOthers);
    connect(session, &Sessions::Session::errorOccurred, this, &IdentityCenterSignIn::offerSignInAgain);
}

IdentityCenterSignIn::~IdentityCenterSignIn()
{
    // The prompt calls into this object: the session (which may outlive the window) must not keep it.
    if (m_session)
        m_session->setSignInPrompt({});
}

SignInDialog *IdentityCenterSignIn::dialog() const
{
    return m_dialog;
}

AccountRoleChooser *IdentityCenterSignIn::chooser() const
{
    return m_chooser;
}

void IdentityCenterSignIn::installPrompt()
{
    Auth::SsoSignInPrompt prompt;
    prompt.openBrowser = [this](const QUrl &url) { return openBrowser(url); };
    prompt.showDeviceCode = [this](const Auth::SsoDeviceCode &code) { showDeviceCode(code); };
    m_session->setSignInPrompt(std::move(prompt));
}

void IdentityCenterSignIn::setBrowserOpener(std::function<bool(const QUrl &)> opener)
{
    m_opener = std::move(opener);
}

bool IdentityCenterSignIn::openBrowser(const QUrl &url)
{
    SignInDialog *dialog = ensureDialog();
    const bool opened = m_opener && m_opener(url);
    // The device code's own page: the code stays on screen while the browser shows where to confirm it.
    if (!m_codeShown && opened)
        dialog->setBrowserWaiting(url);
    return opened;
}

void IdentityCenterSignIn::showDeviceCode(const Auth::SsoDeviceCode &code)
{
    m_codeShown = true;
    ensureDialog()->showDeviceCode(code);
}

SignInDialog *IdentityCenterSignIn::ensureDialog()
{
    if (m_dialog)
        return m_dialog;
    QString where = m_profile;
    if (const auto profile = m_session->profiles().profile(m_profile); profile && !profile->ssoStartUrl.isEmpty())
        where = profile->ssoStartUrl;
    else if (profile && !profile->oidcIssuer.isEmpty())
        where = profile->oidcIssuer;
    m_dialog = new SignInDialog(where.isEmpty() ? tr("IAM Identity Center") : where, m_window);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    // A code instead is a new sign-in of the same profile: offered when this window started the sign-in.
    m_dialog->setDeviceCodeOffered(m_signingIn);
    connect(m_dialog, &SignInDialog::openBrowserRequested, this, [this](const QUrl &url) {
        if (m_opener)
            m_opener(url);
    });
    connect(m_dialog, &SignInDialog::useDeviceCodeRequested, this, [this] {
        if (!m_signingIn)
            return;
        // The browser's attempt ends first (its callers hear Cancelled); then the same sign-in starts with a code.
        m_restartWith = Auth::SsoSignInMethod::DeviceCode;
        m_session->cancelSignIn(m_profile);
    });
    connect(m_dialog, &SignInDialog::retryRequested, this, [this] {
        if (!m_signingIn && m_then)
            signIn(std::nullopt, m_then);
    });
    connect(m_dialog, &SignInDialog::cancelled, this, [this] {
        m_restartWith.reset();
        if (!m_profile.isEmpty())
            m_session->cancelSignIn(m_profile);
    });
    m_dialog->open();
    return m_dialog;
}

void IdentityCenterSignIn::closeDialog()
{
    if (!m_dialog)
        return;
    m_dialog->disconnect(this);
    m_dialog->accept();
    m_dialog = nullptr;
}

void IdentityCenterSignIn::signIn(std::optional<Auth::SsoSignInMethod> method, std::function<void()> then)
{
    m_then = std::move(then);
    m_signingIn = true;
    m_codeShown = false;
    const quint64 attempt = ++m_attempt;
    if (m_dialog)
        m_dialog->setDeviceCodeOffered(true);
    if (method)
        m_session->setSignInMethod(method);
    m_session->signIn(m_profile, this, [this, attempt, method](Outcome<Done> signedIn) {
        if (method)
            m_session->setSignInMethod(std::nullopt);
        if (attempt != m_attempt)
            return;
        m_signingIn = false;
        if (const auto restart = m_restartWith) {
            m_restartWith.reset();
            return signIn(restart, m_then);
        }
        if (!signedIn) {
            if (signedIn.error().kind == AwsErrorKind::Cancelled)
                return closeDialog();
            const QString message = signedIn.error().userMessage();
            ensureDialog()->showError(message);
            emit signInFailed(message);
            return;
        }
        closeDialog();
        if (m_then)
            m_then();
    });
}

void IdentityCenterSignIn::openProfile(const QString &name)
{
    const auto ignore = [](const Outcome<Sessions::OpenedProfile> &) {};
    if (!m_session->isIdentityCenterProfile(name)) {
        // An OpenID Connect profile signs in while it opens: the dialog (if its sign-in needs the browser) names it.
        if (!m_signingIn)
            m_profile = name;
        return m_session->openProfile(name, this, ignore);
    }
    if (m_signingIn && m_profile == name)
        return;   // already under way: its dialog is up
    if (m_signingIn)
        m_session->cancelSignIn(m_profile);
    m_profile = name;
    signIn(std::nullopt, [this, name] { afterSignIn(name); });
}

void IdentityCenterSignIn::afterSignIn(const QString &name)
{
    const auto profile = m_session->profiles().profile(name);
    if (profile && (profile->ssoAccountId.isEmpty() || profile->ssoRoleName.isEmpty()))
        return chooseAccountRole(name);
    m_session->openProfile(name, this, [](const Outcome<Sessions::OpenedProfile> &) {});
}

void IdentityCenterSignIn::chooseAccountRole(const QString &name)
{
    if (m_chooser)
        m_chooser->close();
    m_chooser = new AccountRoleChooser(m_session, name, m_window);
    m_chooser->setAttribute(Qt::WA_DeleteOnClose);
    AccountRoleChooser *chooser = m_chooser;
    connect(chooser, &QDialog::accepted, this, [this, chooser, name] {
        auto profile = m_session->profiles().profile(name);
        if (!profile)
            return;
        profile->ssoAccountId = chooser->accountId();
        profile->ssoRoleName = chooser->roleName();
        // Kept in the profile: the next open goes straight to this account and role.
        m_session->profiles().update(*profile, QString(), this, [this, name](Outcome<Auth::Profile> saved) {
            if (!saved) {
                emit signInFailed(saved.error().userMessage());
                return;
            }
            m_session->openProfile(name, this, [](const Outcome<Sessions::OpenedProfile> &) {});
        });
    });
    chooser->open();
}

void IdentityCenterSignIn::signInAgain()
{
    if (m_session->activeProfile().isEmpty())
        return;
    m_profile = m_session->activeProfile();
    signIn(std::nullopt, [this] { m_session->renewNow(); });
}

void IdentityCenterSignIn::offerSignInAgain(const AwsError &error)
{
    if (error.code != Auth::ssoSignInRequiredCode || m_signInAgainBox || m_signingIn)
        return;
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Sign-In Ended"),
                                tr("Your IAM Identity Center sign-in has ended, so “%1” cannot be renewed.")
                                    .arg(m_session->identity().displayName),
                                QMessageBox::NoButton, m_window);
    box->setObjectName(QStringLiteral("signInAgainBox"));
    box->setInformativeText(tr("Sign in again to go on: the role session is renewed at once, and transfers under way "
                               "continue with it."));
    QPushButton *again = box->addButton(tr("&Sign In Again"), QMessageBox::AcceptRole);
    again->setObjectName(QStringLiteral("signInAgainButton"));
    box->addButton(tr("&Later"), QMessageBox::RejectRole);
    box->setDefaultButton(again);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, again] {
        if (box->clickedButton() == again)
            signInAgain();
    });
    m_signInAgainBox = box;
    box->open();
}

} // namespace RoleDrop::Ui
