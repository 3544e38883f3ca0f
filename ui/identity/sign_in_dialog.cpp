#include "ui/identity/sign_in_dialog.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace RoleDrop::Ui {

namespace {

// "d-1234567890.awsapps.com/start": where the user signs in, without the scheme that only adds noise.
QString readablePlace(const QString &urlText)
{
    const QUrl url(urlText);
    if (!url.isValid() || url.host().isEmpty())
        return urlText;
    return url.toString(QUrl::RemoveScheme | QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment
                        | QUrl::StripTrailingSlash).mid(2);
}

QPushButton *newButton(const QString &text, const QString &accessibleName, const char *objectName, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(QString::fromLatin1(objectName));
    button->setAccessibleName(accessibleName);
    // Enter must not open yet another browser tab by accident: only a page's own default button takes it.
    button->setAutoDefault(false);
    return button;
}

QProgressBar *newBusyBar(QWidget *parent, const QString &accessibleName)
{
    auto *bar = new QProgressBar(parent);
    bar->setRange(0, 0);  // indeterminate: nobody knows how long the user takes
    bar->setTextVisible(false);
    bar->setMaximumHeight(8);
    bar->setAccessibleName(accessibleName);
    return bar;
}

} // namespace

SignInDialog::SignInDialog(const QString &signingInTo, QWidget *parent)
    : QDialog(parent), m_signingInTo(signingInTo), m_pages(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("signInDialog"));
    setWindowTitle(tr("Sign In"));
    m_pages->addWidget(m_browserPage = buildBrowserPage());
    m_pages->addWidget(m_codePage = buildDeviceCodePage());
    m_pages->addWidget(m_errorPage = buildErrorPage());
    setDeviceCodeOffered(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &SignInDialog::updateCountdown);
    setMinimumWidth(480);
}

QWidget *SignInDialog::buildBrowserPage()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("browserWaitingPage"));
    m_browserText = new QLabel(tr("Continue signing in to <b>%1</b> in your browser.").arg(readablePlace(m_signingInTo).toHtmlEscaped()), page);
    m_browserText->setObjectName(QStringLiteral("browserWaitingText"));
    m_browserText->setWordWrap(true);
    m_browserText->setAccessibleDescription(tr("Sign-in status"));  // the name stays the text, read aloud
    auto *hint = m_browserHint = new QLabel(page);
    hint->setObjectName(QStringLiteral("browserWaitingHint"));
    hint->setWordWrap(true);
    m_openAgain = newButton(tr("&Open Browser Again"), tr("Open Browser Again"), "openBrowserAgainButton", page);
    m_useCode = newButton(tr("&Use a Code Instead"), tr("Use a Code Instead"), "useCodeButton", page);
    m_useCode->setToolTip(tr("For when the browser is on another machine: confirm a short code there instead"));
    auto *cancel = newButton(tr("Cancel"), tr("Cancel sign-in"), "browserCancelButton", page);
    connect(m_openAgain, &QPushButton::clicked, this, [this] { emit openBrowserRequested(m_authorizationUrl); });
    connect(m_useCode, &QPushButton::clicked, this, &SignInDialog::useDeviceCodeRequested);
    connect(cancel, &QPushButton::clicked, this, &SignInDialog::reject);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_openAgain);
    buttons->addWidget(m_useCode);
    buttons->addStretch();
    buttons->addWidget(cancel);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_browserText);
    layout->addWidget(newBusyBar(page, tr("Waiting for the browser")));
    layout->addWidget(hint);
    layout->addStretch();
    layout->addLayout(buttons);
    return page;
}

QWidget *SignInDialog::buildDeviceCodePage()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("deviceCodePage"));
    m_codeIntro = new QLabel(tr("To sign in to <b>%1</b>, open this page on any device and confirm the code:")
                                 .arg(readablePlace(m_signingInTo).toHtmlEscaped()), page);
    m_codeIntro->setObjectName(QStringLiteral("deviceCodeIntro"));
    m_codeIntro->setWordWrap(true);
    m_verificationLink = new QLabel(page);
    m_verificationLink->setObjectName(QStringLiteral("verificationLink"));
    m_verificationLink->setAccessibleDescription(tr("The page where the code is confirmed"));
    m_verificationLink->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_verificationLink->setToolTip(tr("Opens the page with the code filled in"));
    // The browser is the sign-in's owner's to open (it may prefer the command line's or a test's).
    connect(m_verificationLink, &QLabel::linkActivated, this, [this] { emit openBrowserRequested(deviceCodeUrl()); });

    m_userCode = new QLabel(page);
    m_userCode->setObjectName(QStringLiteral("userCode"));
    QFont codeFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    codeFont.setPointSizeF(std::max(codeFont.pointSizeF(), 10.0) * 2.2);
    codeFont.setBold(true);
    // Letters apart, so that a code read aloud or typed on a phone is not misread.
    codeFont.setLetterSpacing(QFont::AbsoluteSpacing, 4);
    m_userCode->setFont(codeFont);
    m_userCode->setAlignment(Qt::AlignCenter);
    m_userCode->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_userCode->setFocusPolicy(Qt::StrongFocus);
    m_userCode->setStyleSheet(QStringLiteral("QLabel { padding: 8px; border: 1px solid palette(mid); border-radius: 4px; }"));

    m_expiry = new QLabel(page);
    m_expiry->setObjectName(QStringLiteral("codeExpiry"));
    m_expiry->setAccessibleDescription(tr("How long the code stays valid"));
    m_expiry->setAlignment(Qt::AlignCenter);
    m_codeProgress = newBusyBar(page, tr("Waiting for the code to be confirmed"));

    m_copyCode = newButton(tr("&Copy Code"), tr("Copy Code"), "copyCodeButton", page);
    m_openBrowser = newButton(tr("&Open Browser"), tr("Open Browser"), "openBrowserButton", page);
    m_openBrowser->setToolTip(tr("Opens the page with the code filled in"));
    auto *cancel = newButton(tr("Cancel"), tr("Cancel sign-in"), "codeCancelButton", page);
    connect(m_copyCode, &QPushButton::clicked, this, [this] {
        // The user code is no secret (it only works in a browser where the user is signed in and confirms it):
        // the plain clipboard is right, and a clipboard manager may keep it.
        QGuiApplication::clipboard()->setText(m_userCode->text());
        m_copyCode->setText(tr("Copied"));
        QTimer::singleShot(2000, m_copyCode, [this] { m_copyCode->setText(tr("&Copy Code")); });
    });
    connect(m_openBrowser, &QPushButton::clicked, this, [this] { emit openBrowserRequested(deviceCodeUrl()); });
    connect(cancel, &QPushButton::clicked, this, &SignInDialog::reject);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_copyCode);
    buttons->addWidget(m_openBrowser);
    buttons->addStretch();
    buttons->addWidget(cancel);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_codeIntro);
    layout->addWidget(m_verificationLink);
    layout->addWidget(m_userCode);
    layout->addWidget(m_expiry);
    layout->addWidget(m_codeProgress);
    layout->addStretch();
    layout->addLayout(buttons);
    return page;
}

QWidget *SignInDialog::buildErrorPage()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("signInErrorPage"));
    auto *icon = new QLabel(page);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(32, 32));
    icon->setAlignment(Qt::AlignTop);
    m_errorText = new QLabel(page);
    m_errorText->setObjectName(QStringLiteral("signInError"));
    m_errorText->setAccessibleDescription(tr("Why signing in failed"));
    m_errorText->setWordWrap(true);
    m_errorText->setTextFormat(Qt::PlainText);
    m_errorText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tryAgain = newButton(tr("&Try Again"), tr("Try Again"), "tryAgainButton", page);
    auto *close = newButton(tr("Close"), tr("Close"), "closeButton", page);
    connect(m_tryAgain, &QPushButton::clicked, this, &SignInDialog::retryRequested);
    connect(close, &QPushButton::clicked, this, &SignInDialog::reject);

    auto *message = new QHBoxLayout;
    message->addWidget(icon, 0, Qt::AlignTop);
    message->addWidget(m_errorText, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_tryAgain);
    buttons->addWidget(close);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(message);
    layout->addStretch();
    layout->addLayout(buttons);
    return page;
}

SignInDialog::State SignInDialog::state() const
{
    if (m_pages->currentWidget() == m_codePage)
        return State::DeviceCode;
    if (m_pages->currentWidget() == m_errorPage)
        return State::Error;
    return State::BrowserWaiting;
}

void SignInDialog::showPage(QWidget *page, QPushButton *focus)
{
    for (QPushButton *button : findChildren<QPushButton *>())
        button->setDefault(false);
    m_pages->setCurrentWidget(page);
    if (focus) {
        focus->setDefault(true);
        focus->setFocus();
    }
}

void SignInDialog::setBrowserWaiting(const QUrl &authorizationUrl)
{
    m_authorizationUrl = authorizationUrl;
    m_countdown.stop();
    m_openAgain->setEnabled(authorizationUrl.isValid());
    showPage(m_browserPage, nullptr);
    m_openAgain->setFocus();
}

void SignInDialog::setDeviceCodeOffered(bool offered)
{
    m_useCode->setVisible(offered);
    // Only what can be done is suggested: an OpenID provider has no device code here.
    m_browserHint->setText(offered ? tr("Once you allow access there, RoleDrop goes on by itself. No browser window? Open it again, "
                                        "or use a code you confirm on any device.")
                                   : tr("Once you allow access there, RoleDrop goes on by itself. No browser window? Open it again."));
}

void SignInDialog::showDeviceCode(const Auth::SsoDeviceCode &code)
{
    m_deviceCode = code;
    m_deviceCode.userCode = code.userCode.trimmed();
    m_userCode->setText(m_deviceCode.userCode);
    // Read out letter by letter ("W D J B - M J H T"): a screen reader would otherwise try to pronounce it.
    m_userCode->setAccessibleName(tr("Code to confirm: %1").arg(m_deviceCode.userCode.split(QString(), Qt::SkipEmptyParts).join(QLatin1Char(' '))));
    // In full: it may be typed on another device.
    const QString shown = code.verificationUri.isValid() ? code.verificationUri.toString() : deviceCodeUrl().toString();
    m_verificationLink->setText(QStringLiteral("<a href=\"%1\">%2</a>")
                                    .arg(deviceCodeUrl().toString(QUrl::FullyEncoded).toHtmlEscaped(), shown.toHtmlEscaped()));
    m_copyCode->setText(tr("&Copy Code"));
    const bool hasUrl = deviceCodeUrl().isValid();
    m_openBrowser->setEnabled(hasUrl);
    m_verificationLink->setVisible(hasUrl);
    showPage(m_codePage, m_copyCode);
    updateCountdown();
    if (code.expiresAt.isValid())
        m_countdown.start();
}

QUrl SignInDialog::deviceCodeUrl() const
{
    // The page with the code filled in saves typing it; the plain one is what is shown, to type elsewhere.
    return m_deviceCode.verificationUriComplete.isValid() ? m_deviceCode.verificationUriComplete : m_deviceCode.verificationUri;
}

QString SignInDialog::expiryText() const
{
    if (!m_deviceCode.expiresAt.isValid())
        return QString();
    // Rounded up: "0:00" is never shown while the code still works.
    const qint64 left = (QDateTime::currentDateTimeUtc().msecsTo(m_deviceCode.expiresAt) + 999) / 1000;
    if (left <= 0)
        return tr("The code has expired");
    const qint64 hours = left / 3600;
    const QString minutesSeconds = QStringLiteral("%1:%2").arg(left / 60 % 60).arg(left % 60, 2, 10, QLatin1Char('0'));
    return hours > 0 ? tr("Code expires in %1:%2").arg(hours).arg(minutesSeconds.rightJustified(5, QLatin1Char('0')))
                     : tr("Code expires in %1").arg(minutesSeconds);
}

void SignInDialog::updateCountdown()
{
    m_expiry->setText(expiryText());
    m_expiry->setVisible(m_deviceCode.expiresAt.isValid());
    if (!m_deviceCode.expiresAt.isValid() || QDateTime::currentDateTimeUtc() < m_deviceCode.expiresAt)
        return;
    m_countdown.stop();
    // A code past its time can no longer be confirmed: say so now rather than leave the user typing it.
    showError(tr("The code expired before it was confirmed. Try again for a new one."));
}

void SignInDialog::showError(const QString &message)
{
    m_countdown.stop();
    m_errorText->setText(message);
    showPage(m_errorPage, m_tryAgain);
}

void SignInDialog::reject()
{
    m_countdown.stop();
    emit cancelled();
    QDialog::reject();
}

} // namespace RoleDrop::Ui
