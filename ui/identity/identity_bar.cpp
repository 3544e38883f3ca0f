#include "ui/identity/identity_bar.h"

#include "core/session/session.h"
#include "core/sts/role_arn.h"
#include "ui/identity/eliding_text.h"
#include "ui/identity/role_colors.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

namespace {

const QColor kNeutralBand(0xE9, 0xEB, 0xED);
const QColor kAmber(0xF8, 0x9C, 0x24);
const QColor kRed(0xD1, 0x32, 0x12);
constexpr int kCallerPopupWidth = 460;
constexpr int kBackNameLetters = 16;
constexpr int kNameMinimumWidth = 110;

QString formatLeft(qint64 seconds)
{
    if (seconds >= 3600)
        return QStringLiteral("%1:%2:%3").arg(seconds / 3600).arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(seconds / 60, 2, 10, QLatin1Char('0')).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

// A time a person can compare with a clock anywhere: seconds and the zone.
QString timeWithZone(const QDateTime &when)
{
    return when.toLocalTime().toString(QStringLiteral("HH:mm:ss t"));
}

// A link of a chain as the bar names it: a role by its name, the base by its display name.
QString chainStepName(const Auth::Identity &step)
{
    if (step.kind == Auth::Identity::Kind::AssumedRole) {
        if (const auto arn = Sts::parseRoleArn(step.roleArn))
            return arn->roleName;
    }
    return step.displayName;
}

// ARNs have no spaces: let them wrap after their separators in a narrow popup.
QString breakable(const QString &text)
{
    QString out;
    for (const QChar c : text) {
        out += c;
        if (c == u'/' || c == u':')
            out += QChar(0x200B);
    }
    return out;
}

} // namespace

IdentityBar::IdentityBar(Sessions::Session *session, QWidget *parent)
    : QWidget(parent),
      m_session(session),
      m_nameButton(new ElidingToolButton(this)),
      m_chainLabel(new ElidingLabel(Qt::ElideLeft, this)),
      m_expiryLabel(new QLabel(this)),
      m_noticeLabel(new ElidingLabel(Qt::ElideRight, this)),
      m_renewalLabel(new ElidingLabel(Qt::ElideRight, this)),
      m_switchButton(new QPushButton(tr("S&witch Role…"), this)),
      m_backButton(new QPushButton(this)),
      m_now([] { return QDateTime::currentDateTimeUtc(); })
{
    setObjectName(QStringLiteral("identityBar"));
    setAccessibleName(tr("Identity"));
    setAutoFillBackground(true);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);

    m_nameButton->setObjectName(QStringLiteral("identityName"));
    m_nameButton->setAutoRaise(true);
    m_nameButton->setCursor(Qt::PointingHandCursor);
    QFont bold = m_nameButton->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_nameButton->setFont(bold);
    m_chainLabel->setObjectName(QStringLiteral("identityChain"));
    m_chainLabel->setAccessibleName(tr("Role chain"));
    m_chainLabel->setVisible(false);
    m_expiryLabel->setObjectName(QStringLiteral("identityExpiry"));
    m_expiryLabel->setAccessibleName(tr("Credentials expiry"));
    m_noticeLabel->setObjectName(QStringLiteral("identityNotice"));
    m_noticeLabel->setAccessibleName(tr("Notice"));
    m_noticeLabel->setVisible(false);
    m_renewalLabel->setObjectName(QStringLiteral("identityRenewalNote"));
    m_renewalLabel->setAccessibleName(tr("Renewal note"));
    m_renewalLabel->setVisible(false);
    m_switchButton->setObjectName(QStringLiteral("switchRoleButton"));
    m_switchButton->setAccessibleName(tr("Switch Role"));
    m_switchButton->setIcon(QIcon::fromTheme(QStringLiteral("system-switch-user"),
                                             style()->standardIcon(QStyle::SP_BrowserReload)));
    m_switchButton->setToolTip(tr("Assume an IAM role from the base identity (Ctrl+Shift+R)"));
    // The key belongs to Identity › Switch Role… in the window: a second owner makes Qt fire neither.
    m_backButton->setObjectName(QStringLiteral("backToBaseButton"));
    m_backButton->setIcon(QIcon::fromTheme(QStringLiteral("go-previous"), style()->standardIcon(QStyle::SP_ArrowBack)));
    m_backButton->setVisible(false);
    // Buttons keep their whole text; the labels before them give way.
    for (QPushButton *button : {m_switchButton, m_backButton})
        button->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_expiryLabel->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
    // The name and the chain come first; notes take what is left (a few letters at least, the rest in the tooltip).
    for (ElidingLabel *note : {m_noticeLabel, m_renewalLabel}) {
        note->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        note->setMinimumWidth(note->fontMetrics().horizontalAdvance(QStringLiteral("Mmmm") + QChar(0x2026)));
    }

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_nameButton);
    layout->addWidget(m_chainLabel);
    layout->addWidget(m_expiryLabel);
    layout->addWidget(m_noticeLabel, 4);
    layout->addWidget(m_renewalLabel, 4);
    layout->addStretch(1);
    layout->addWidget(m_switchButton);
    layout->addWidget(m_backButton);

    connect(m_switchButton, &QPushButton::clicked, this, &IdentityBar::switchRoleRequested);
    connect(m_backButton, &QPushButton::clicked, this, [this] { m_session->backToBase(); });
    connect(m_nameButton, &QToolButton::clicked, this, &IdentityBar::showCallerIdentity);
    connect(m_session, &Sessions::Session::identityChanged, this, &IdentityBar::setIdentity);
    connect(m_session, &Sessions::Session::identityRenewed, this, &IdentityBar::showRenewal);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &IdentityBar::updateCountdown);
    m_renewalNoteTimer.setSingleShot(true);
    m_renewalNoteTimer.setInterval(kRenewalNoteMs);
    connect(&m_renewalNoteTimer, &QTimer::timeout, m_renewalLabel, &QWidget::hide);

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

QString IdentityBar::nameAtAccount(const Auth::Identity &identity)
{
    // RoleDrop knows account ids, not aliases (iam:ListAccountAliases is rarely allowed to a role).
    if (identity.accountId.isEmpty() || identity.displayName.contains(identity.accountId))
        return identity.displayName;
    return tr("%1 @ %2").arg(identity.displayName, identity.accountId);
}

void IdentityBar::setIdentity(const Auth::Identity &identity)
{
    m_identity = identity;
    const bool none = identity.kind == Auth::Identity::Kind::None;
    const bool inRole = identity.kind == Auth::Identity::Kind::AssumedRole;

    const QString name = none ? tr("No profile open") : nameAtAccount(identity);
    m_nameButton->setText(name);
    // The name keeps room for the display name itself (up to a point); the account part gives way first.
    const int nameWidth = m_nameButton->fontMetrics().horizontalAdvance(none ? name : identity.displayName + QChar(0x2026));
    m_nameButton->setMinimumWidth(std::min(nameWidth, kNameMinimumWidth) + 12);
    m_nameButton->setAccessibleName(none ? name : tr("Identity %1").arg(name));
    m_nameButton->setEnabled(!none);
    QString tip = none ? tr("Open a profile from the list on the left") : tr("Click to ask the server who you are (GetCallerIdentity)");
    if (!identity.arn.isEmpty())
        tip = tr("%1\n%2").arg(identity.arn, tip);
    else if (inRole)
        tip = tr("Role %1\n%2").arg(identity.roleArn, tip);
    if (!identity.accessKeyId.isEmpty())
        tip += tr("\nAccess key %1").arg(identity.accessKeyId);
    m_nameButton->setToolTip(none ? tip : tr("%1\n%2").arg(name, tip));

    m_noticeLabel->setText(identity.notice);
    m_noticeLabel->setToolTip(identity.notice);
    m_noticeLabel->setVisible(!identity.notice.isEmpty());
    // A new identity is not a renewal: the last note goes.
    m_renewalNoteTimer.stop();
    m_renewalLabel->setVisible(false);

    m_switchButton->setEnabled(!none);
    const QString baseName = m_session->baseIdentity().displayName;
    const QString shortBase = baseName.size() > kBackNameLetters ? baseName.left(kBackNameLetters - 1) + QChar(0x2026) : baseName;
    m_backButton->setText(tr("&Back to %1").arg(shortBase.isEmpty() ? tr("base identity") : shortBase));
    m_backButton->setAccessibleName(tr("Back to %1").arg(baseName.isEmpty() ? tr("base identity") : baseName));
    m_backButton->setToolTip(tr("Drop the role session and use %1 again").arg(baseName.isEmpty() ? tr("the profile's own keys") : baseName));
    // A ~/.aws profile's own role is its base: nothing to go back to from there.
    m_backButton->setVisible(inRole && identity.accessKeyId != m_session->baseIdentity().accessKeyId);

    showChain();
    if (identity.isTemporary())
        m_tick.start();
    else
        m_tick.stop();
    m_callerText.clear();
    updateCountdown();
}

void IdentityBar::showChain()
{
    // Only the session's own identity has a chain to show (tests may give the bar a made-up one).
    const bool active = m_identity.kind != Auth::Identity::Kind::None && m_identity.accessKeyId == m_session->identity().accessKeyId;
    const QList<Auth::Identity> chain = active ? m_session->identityChain() : QList<Auth::Identity>{};
    // Chained: a role assumed from a role. One role straight from the base needs no chain to explain it.
    if (chain.size() < 3) {
        m_chainLabel->clear();
        m_chainLabel->setToolTip(QString());
        m_chainLabel->setVisible(false);
        return;
    }
    QStringList names;
    QStringList arns;
    for (const Auth::Identity &step : chain) {
        names << chainStepName(step);
        arns << (step.arn.isEmpty() ? (step.roleArn.isEmpty() ? step.nameForErrors() : step.roleArn) : step.arn);
    }
    const QString arrow = QStringLiteral(" \u2192 ");
    m_chainLabel->setText(names.join(arrow));
    // However narrow the bar, the chain keeps its last step readable ("… → Audit"): it elides from the left.
    m_chainLabel->setMinimumWidth(m_chainLabel->fontMetrics().horizontalAdvance(QChar(0x2026) + names.constLast()) + 2);
    m_chainLabel->setToolTip(tr("Role chain, from the base identity:\n%1").arg(arns.join(QLatin1Char('\n'))));
    m_chainLabel->setAccessibleName(tr("Role chain %1").arg(names.join(arrow)));
    m_chainLabel->setVisible(true);
}

void IdentityBar::showRenewal(const Auth::Identity &identity)
{
    setIdentity(identity);
    if (!identity.isTemporary())
        return;
    m_renewalLabel->setText(tr("Session renewed until %1").arg(timeWithZone(identity.expiration)));
    m_renewalLabel->setToolTip(m_renewalLabel->text());
    m_renewalLabel->setVisible(true);
    m_renewalNoteTimer.start();
}

QString IdentityBar::renewalNoteText() const
{
    return m_renewalLabel->isVisibleTo(const_cast<IdentityBar *>(this)) ? m_renewalLabel->text() : QString();
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
                                      .arg(timeWithZone(m_identity.expiration)));
    }
    applyBand();
}

QColor IdentityBar::bandColorShown() const
{
    return palette().color(QPalette::Window);
}

QColor IdentityBar::textColorShown() const
{
    return palette().color(QPalette::WindowText);
}

std::pair<QColor, QColor> IdentityBar::badgeColors(ExpiryLevel level)
{
    switch (level) {
    case ExpiryLevel::Warning:
        return {kAmber, textColorOn(kAmber)};
    case ExpiryLevel::Critical:
    case ExpiryLevel::Expired:
        return {kRed, textColorOn(kRed)};
    default:
        return {QColor(), QColor()};
    }
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
    const auto [background, foreground] = badgeColors(m_level);
    if (!background.isValid()) {
        m_expiryLabel->setStyleSheet(QString());
        return;
    }
    m_expiryLabel->setStyleSheet(QStringLiteral("QLabel { background:%1; color:%2; %3 border-radius:3px; padding:1px 6px; }")
                                     .arg(background.name(), foreground.name(),
                                          m_level == ExpiryLevel::Warning ? QString() : QStringLiteral("font-weight:bold;")));
}

void IdentityBar::showCallerIdentity()
{
    if (m_identity.kind == Auth::Identity::Kind::None || m_whoAmICall)
        return;
    m_nameButton->setCursor(Qt::BusyCursor);
    // What `roledrop whoami` prints: the server's answer, or (where it lacks GetCallerIdentity) what RoleDrop knows.
    m_whoAmICall = m_session->whoAmI(this, [this](Outcome<Sessions::WhoAmI> result) {
        m_nameButton->setCursor(Qt::PointingHandCursor);
        if (result) {
            const QString unknown = tr("(not known)");
            QStringList lines;
            lines << tr("Account: %1").arg(result->account.isEmpty() ? unknown : result->account)
                  << tr("ARN: %1").arg(result->arn.isEmpty() ? unknown : result->arn);
            if (!result->userId.isEmpty())
                lines << tr("User ID: %1").arg(result->userId);
            if (!result->accessKeyId.isEmpty())
                lines << tr("Access key: %1").arg(result->accessKeyId);
            if (!result->fromServer) {
                lines << tr("Profile: %1").arg(m_session->identity().profileName);
                QString note = result->note;
                if (!note.isEmpty())
                    note[0] = note.at(0).toUpper();
                lines << tr("Note: %1.").arg(note);
            }
            m_callerText = lines.join(QLatin1Char('\n'));
        } else {
            if (result.error().kind == AwsErrorKind::Cancelled)
                return;
            m_callerText = result.error().userMessage();
        }
        popUpCallerIdentity();
    });
}

void IdentityBar::popUpCallerIdentity()
{
    // A popup of its own rather than a tooltip: it wraps within the window, and stays until clicked away or Esc.
    if (!m_callerPopup) {
        m_callerPopup = new QFrame(this, Qt::Popup);
        m_callerPopup->setObjectName(QStringLiteral("callerIdentityPopup"));
        m_callerPopup->setAccessibleName(tr("Who am I"));
        m_callerPopup->setFrameShape(QFrame::StyledPanel);
        auto *layout = new QVBoxLayout(m_callerPopup);
        layout->setContentsMargins(8, 6, 8, 6);
        m_callerPopupText = new QLabel(m_callerPopup);
        m_callerPopupText->setObjectName(QStringLiteral("callerIdentityText"));
        m_callerPopupText->setAccessibleName(tr("Who am I"));
        m_callerPopupText->setWordWrap(true);
        m_callerPopupText->setTextFormat(Qt::PlainText);
        m_callerPopupText->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(m_callerPopupText);
    }
    const int windowWidth = window() ? window()->width() : width();
    const int width = std::max(160, std::min(kCallerPopupWidth, windowWidth - 16));
    m_callerPopupText->setText(breakable(m_callerText));
    m_callerPopup->setFixedWidth(width);
    m_callerPopup->adjustSize();
    QPoint at = m_nameButton->mapToGlobal(QPoint(0, m_nameButton->height()));
    // Inside the window's width where it can be.
    if (window()) {
        const int right = window()->mapToGlobal(QPoint(window()->width(), 0)).x();
        at.setX(std::max(window()->mapToGlobal(QPoint(0, 0)).x(), std::min(at.x(), right - width)));
    }
    m_callerPopup->move(at);
    m_callerPopup->show();
}

} // namespace RoleDrop::Ui
