#include "ui/identity/identity_bar.h"

#include "core/session/session.h"
#include "ui/identity/role_colors.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QToolTip>

namespace RoleDrop::Ui {

namespace {

const QColor kNeutralBand(0xE9, 0xEB, 0xED);
const QColor kAmber(0xF8, 0x9C, 0x24);
const QColor kRed(0xD1, 0x32, 0x12);

QString formatLeft(qint64 seconds)
{
    if (seconds >= 3600)
        return QStringLiteral("%1:%2:%3").arg(seconds / 3600).arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(seconds / 60, 2, 10, QLatin1Char('0')).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

IdentityBar::IdentityBar(Sessions::Session *session, QWidget *parent)
    : QWidget(parent),
      m_session(session),
      m_nameButton(new QToolButton(this)),
      m_accountLabel(new QLabel(this)),
      m_expiryLabel(new QLabel(this)),
      m_noticeLabel(new QLabel(this)),
      m_switchButton(new QPushButton(tr("S&witch Role…"), this)),
      m_backButton(new QPushButton(this)),
      m_now([] { return QDateTime::currentDateTimeUtc(); })
{
    setObjectName(QStringLiteral("identityBar"));
    setAutoFillBackground(true);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);

    m_nameButton->setObjectName(QStringLiteral("identityName"));
    m_nameButton->setAutoRaise(true);
    m_nameButton->setCursor(Qt::PointingHandCursor);
    QFont bold = m_nameButton->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_nameButton->setFont(bold);
    m_accountLabel->setObjectName(QStringLiteral("identityAccount"));
    m_accountLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_expiryLabel->setObjectName(QStringLiteral("identityExpiry"));
    m_noticeLabel->setObjectName(QStringLiteral("identityNotice"));
    m_noticeLabel->setVisible(false);
    m_switchButton->setObjectName(QStringLiteral("switchRoleButton"));
    m_switchButton->setIcon(QIcon::fromTheme(QStringLiteral("system-switch-user"),
                                             style()->standardIcon(QStyle::SP_BrowserReload)));
    m_switchButton->setToolTip(tr("Assume an IAM role from the current identity (Ctrl+Shift+R)"));
    // The key belongs to Identity › Switch Role… in the window: a second owner makes Qt fire neither.
    m_backButton->setObjectName(QStringLiteral("backToBaseButton"));
    m_backButton->setIcon(QIcon::fromTheme(QStringLiteral("go-previous"), style()->standardIcon(QStyle::SP_ArrowBack)));
    m_backButton->setVisible(false);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_nameButton);
    layout->addWidget(m_accountLabel);
    layout->addSpacing(12);
    layout->addWidget(m_expiryLabel);
    layout->addWidget(m_noticeLabel);
    layout->addStretch(1);
    layout->addWidget(m_switchButton);
    layout->addWidget(m_backButton);

    connect(m_switchButton, &QPushButton::clicked, this, &IdentityBar::switchRoleRequested);
    connect(m_backButton, &QPushButton::clicked, this, [this] { m_session->backToBase(); });
    connect(m_nameButton, &QToolButton::clicked, this, &IdentityBar::showCallerIdentity);
    connect(m_session, &Sessions::Session::identityChanged, this, &IdentityBar::setIdentity);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &IdentityBar::updateCountdown);

    setIdentity(m_session->identity());
}

IdentityBar::~IdentityBar()
{
    if (m_whoAmICall)
        m_whoAmICall->cancel();
}

void IdentityBar::setClockForTesting(std::function<QDateTime()> now)
{
    m_now = std::move(now);
    updateCountdown();
}

void IdentityBar::setIdentity(const Auth::Identity &identity)
{
    m_identity = identity;
    const bool none = identity.kind == Auth::Identity::Kind::None;
    const bool inRole = identity.kind == Auth::Identity::Kind::AssumedRole;

    m_nameButton->setText(none ? tr("No profile open") : identity.displayName);
    m_nameButton->setEnabled(!none);
    QString tip = none ? tr("Open a profile from the list on the left") : tr("Click to ask AWS who you are (GetCallerIdentity)");
    if (!identity.arn.isEmpty())
        tip = tr("%1\n%2").arg(identity.arn, tip);
    else if (inRole)
        tip = tr("Role %1\n%2").arg(identity.roleArn, tip);
    if (!identity.accessKeyId.isEmpty())
        tip += tr("\nAccess key %1").arg(identity.accessKeyId);
    m_nameButton->setToolTip(tip);

    m_accountLabel->setText(identity.accountId.isEmpty() ? QString() : tr("Account %1").arg(identity.accountId));
    m_accountLabel->setVisible(!identity.accountId.isEmpty());
    m_accountLabel->setToolTip(identity.arn);

    m_noticeLabel->setText(identity.notice);
    m_noticeLabel->setToolTip(identity.notice);
    m_noticeLabel->setVisible(!identity.notice.isEmpty());

    m_switchButton->setEnabled(!none);
    const QString baseName = m_session->baseIdentity().displayName;
    m_backButton->setText(tr("&Back to %1").arg(baseName.isEmpty() ? tr("base identity") : baseName));
    m_backButton->setToolTip(tr("Drop the role session and use the profile's own keys again"));
    m_backButton->setVisible(inRole);

    if (identity.isTemporary())
        m_tick.start();
    else
        m_tick.stop();
    m_callerText.clear();
    updateCountdown();
}

IdentityBar::ExpiryLevel IdentityBar::levelFor(qint64 secondsLeft)
{
    if (secondsLeft <= 0)
        return ExpiryLevel::Expired;
    if (secondsLeft < kCriticalSeconds)
        return ExpiryLevel::Critical;
    if (secondsLeft < kWarningSeconds)
        return ExpiryLevel::Warning;
    return ExpiryLevel::Normal;
}

QString IdentityBar::expiryText() const
{
    return m_expiryLabel->text();
}

void IdentityBar::updateCountdown()
{
    if (!m_identity.isTemporary()) {
        m_level = ExpiryLevel::None;
        m_expiryLabel->setText(m_identity.kind == Auth::Identity::Kind::None ? QString() : tr("Long-term keys"));
        m_expiryLabel->setToolTip(QString());
    } else {
        const qint64 left = m_now().secsTo(m_identity.expiration);
        m_level = levelFor(left);
        m_expiryLabel->setText(m_level == ExpiryLevel::Expired ? tr("Expired") : tr("Expires in %1").arg(formatLeft(left)));
        m_expiryLabel->setToolTip(tr("Credentials expire at %1 (they are renewed automatically before then)")
                                      .arg(QLocale().toString(m_identity.expiration.toLocalTime(), QLocale::ShortFormat)));
    }
    applyBand();
}

QColor IdentityBar::bandColorShown() const
{
    return palette().color(QPalette::Window);
}

void IdentityBar::applyBand()
{
    const QColor band = bandColor(m_identity.color, kNeutralBand);
    const QColor text = textColorOn(band);
    // Only Window/WindowText change, so the push buttons keep the platform's look on any band.
    QPalette p = palette();
    p.setColor(QPalette::Window, band);
    p.setColor(QPalette::WindowText, text);
    setPalette(p);
    m_nameButton->setStyleSheet(QStringLiteral("QToolButton { border: none; background: transparent; color: %1; padding: 2px 4px; }"
                                               "QToolButton:hover { text-decoration: underline; }").arg(text.name()));

    // The countdown is a badge of its own so amber/red stay readable on any role colour.
    QString badge;
    switch (m_level) {
    case ExpiryLevel::Warning:
        badge = QStringLiteral("background:%1; color:black;").arg(kAmber.name());
        break;
    case ExpiryLevel::Critical:
    case ExpiryLevel::Expired:
        badge = QStringLiteral("background:%1; color:white; font-weight:bold;").arg(kRed.name());
        break;
    default:
        break;
    }
    m_expiryLabel->setStyleSheet(badge.isEmpty() ? QString() : QStringLiteral("QLabel { %1 border-radius:3px; padding:1px 6px; }").arg(badge));
}

void IdentityBar::showCallerIdentity()
{
    if (m_identity.kind == Auth::Identity::Kind::None || m_whoAmICall)
        return;
    m_nameButton->setCursor(Qt::BusyCursor);
    m_whoAmICall = m_session->whoAmI(this, [this](Outcome<Sessions::WhoAmI> result) {
        m_nameButton->setCursor(Qt::PointingHandCursor);
        if (result) {
            m_callerText = tr("Account: %1\nARN: %2").arg(result->account.isEmpty() ? tr("(not known)") : result->account,
                                                         result->arn.isEmpty() ? tr("(not known)") : result->arn);
            if (!result->userId.isEmpty())
                m_callerText += tr("\nUser ID: %1").arg(result->userId);
            if (!result->accessKeyId.isEmpty())
                m_callerText += tr("\nAccess key: %1").arg(result->accessKeyId);
            if (!result->fromServer)
                m_callerText += QLatin1Char('\n') + tr("(The server does not answer GetCallerIdentity: this is what RoleDrop knows.)");
        } else {
            if (result.error().kind == AwsErrorKind::Cancelled)
                return;
            m_callerText = result.error().userMessage();
        }
        const QPoint at = m_nameButton->mapToGlobal(QPoint(0, m_nameButton->height()));
        QToolTip::showText(at, m_callerText, m_nameButton);
    });
}

} // namespace RoleDrop::Ui
