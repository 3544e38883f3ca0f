#include "ui/identity/switch_role_dialog.h"

#include "core/http/aws_call.h"
#include "core/session/session.h"
#include "core/sts/assume_role_advice.h"
#include "core/sts/role_arn.h"
#include "ui/identity/account_role_picker.h"
#include "ui/identity/role_colors.h"
#include "ui/profiles/profile_fields.h"

#include <QButtonGroup>
#include <QCoreApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QStyle>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

namespace {

const char kTouched[] = "roledropTouched";
const char kHex[] = "roledropHex";
constexpr int kEntryRole = Qt::UserRole + 1;

// A role ARN that passes every check, so one field at a time can be judged by validateAssumeRole.
Sts::AssumeRoleRequest knownGoodRequest()
{
    Sts::AssumeRoleRequest request;
    request.roleArn = QStringLiteral("arn:aws:iam::123456789012:role/RoleDrop");
    request.roleSessionName = QStringLiteral("roledrop");
    request.durationSeconds = 3600;
    return request;
}

QString problemWith(const Sts::AssumeRoleRequest &request)
{
    const auto validated = Sts::validateAssumeRole(request, false);
    return validated ? QString() : validated.error().userMessage();
}

QWidget *stacked(QWidget *parent, QWidget *field, QLabel *error, QWidget *extra = nullptr)
{
    auto *box = new QWidget(parent);
    // Expanding, so that the messages under a narrow field (the duration) get the form's full width.
    box->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    if (extra)
        layout->addWidget(extra);
    layout->addWidget(error);
    return box;
}

QVariant entryToVariant(const Auth::RoleHistoryEntry &e)
{
    return QVariantMap{{QStringLiteral("sourceProfile"), e.sourceProfile}, {QStringLiteral("roleArn"), e.roleArn},
                       {QStringLiteral("accountId"), e.accountId}, {QStringLiteral("roleName"), e.roleName},
                       {QStringLiteral("displayName"), e.displayName}, {QStringLiteral("color"), e.color}};
}

Auth::RoleHistoryEntry entryFromVariant(const QVariant &v)
{
    const QVariantMap m = v.toMap();
    Auth::RoleHistoryEntry e;
    e.sourceProfile = m.value(QStringLiteral("sourceProfile")).toString();
    e.roleArn = m.value(QStringLiteral("roleArn")).toString();
    e.accountId = m.value(QStringLiteral("accountId")).toString();
    e.roleName = m.value(QStringLiteral("roleName")).toString();
    e.displayName = m.value(QStringLiteral("displayName")).toString();
    e.color = m.value(QStringLiteral("color")).toString();
    return e;
}

} // namespace

SwitchRoleDialog::SwitchRoleDialog(Sessions::Session *session, QWidget *parent)
    : QDialog(parent),
      m_session(session),
      m_canChainFromRole(session->inRole() && session->identity().accessKeyId != session->baseIdentity().accessKeyId),
      m_baseIsRole(session->baseIdentity().kind == Auth::Identity::Kind::AssumedRole)
{
    setWindowTitle(tr("Switch Role"));
    setObjectName(QStringLiteral("switchRoleDialog"));
    if (const auto profile = session->profiles().profile(session->activeProfile()))
        m_mfaSerial = profile->mfaSerial;

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("switchRoleBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setVisible(false);
    m_banner->setAccessibleName(tr("Message"));
    m_useSuggestedButton = new QPushButton(this);
    m_useSuggestedButton->setObjectName(QStringLiteral("useSuggestedDurationButton"));
    m_useSuggestedButton->setAutoDefault(false);
    m_useSuggestedButton->setVisible(false);

    m_intro = new QLabel(this);
    m_intro->setObjectName(QStringLiteral("switchRoleIntro"));
    m_intro->setWordWrap(true);
    // The console's rule: a switch starts from the base identity; chaining from the role is asked for.
    m_chainCheck = new QCheckBox(tr("Switch from this role (role &chaining: sessions last at most 1 hour)"), this);
    m_chainCheck->setObjectName(QStringLiteral("chainFromRoleCheck"));
    m_chainCheck->setAccessibleName(tr("Switch from this role (role chaining)"));
    m_chainCheck->setToolTip(tr("Off: the new role is assumed by %1, as in the AWS console.\n"
                                "On: by the current role session %2; AWS then caps the new session at 1 hour.")
                                 .arg(session->baseIdentity().displayName, session->identity().displayName));
    m_chainCheck->setVisible(m_canChainFromRole);

    // Saved and recent roles: the quick way back to a role used before.
    auto *savedRow = new QHBoxLayout;
    buildSavedRoles(savedRow);
    m_recentRow = new QWidget(this);
    m_recentLayout = new QHBoxLayout(m_recentRow);
    m_recentLayout->setContentsMargins(0, 0, 0, 0);

    m_account = new QLineEdit(this);
    m_account->setObjectName(QStringLiteral("accountField"));
    m_account->setAccessibleName(tr("Account"));
    m_account->setPlaceholderText(tr("123456789012"));
    m_account->setToolTip(tr("The 12-digit ID of the account that owns the role (1234-5678-9012 works too).\n"
                             "Leave empty when the role field holds a full ARN, e.g. Ceph RGW's arn:aws:iam:::role/NAME."));
    m_accountError = newErrorLabel(this, QStringLiteral("accountError"));
    m_role = new QLineEdit(this);
    m_role->setObjectName(QStringLiteral("roleField"));
    m_role->setAccessibleName(tr("Role"));
    m_role->setPlaceholderText(tr("Role name, path/name, or full role ARN"));
    m_role->setToolTip(tr("The role's name (with its path if it has one), or its full ARN, which then wins over the account"));
    m_roleError = newErrorLabel(this, QStringLiteral("roleError"));
    m_displayName = new QLineEdit(this);
    m_displayName->setObjectName(QStringLiteral("displayNameField"));
    m_displayName->setAccessibleName(tr("Display name"));
    m_displayName->setToolTip(tr("What the identity bar and the profile list call this role"));
    m_displayNameError = newErrorLabel(this, QStringLiteral("displayNameError"));

    auto *colorRow = new QWidget(this);
    auto *colorLayout = new QHBoxLayout(colorRow);
    colorLayout->setContentsMargins(0, 0, 0, 0);
    m_colors = new QButtonGroup(this);
    m_colors->setExclusive(true);
    auto addSwatch = [&](const QString &name, const QString &hex, const QString &tip) {
        auto *swatch = new QToolButton(colorRow);
        swatch->setObjectName(QStringLiteral("color-%1").arg(name));
        swatch->setCheckable(true);
        swatch->setAutoRaise(true);
        swatch->setIcon(colorChip(hex, 20));
        swatch->setIconSize(QSize(20, 20));
        swatch->setToolTip(tip);
        swatch->setAccessibleName(tip);
        swatch->setProperty(kHex, hex);
        m_colors->addButton(swatch);
        colorLayout->addWidget(swatch);
        return swatch;
    };
    addSwatch(QStringLiteral("none"), QString(), tr("No colour"))->setChecked(true);
    for (const Auth::RoleColor &color : Auth::roleColorPalette())
        addSwatch(color.name, color.hex, color.name.at(0).toUpper() + color.name.mid(1));
    colorLayout->addStretch();

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&Account:"), stacked(this, m_account, m_accountError));
    form->addRow(tr("&Role:"), stacked(this, m_role, m_roleError));
    form->addRow(tr("&Display name:"), stacked(this, m_displayName, m_displayNameError));
    form->addRow(tr("Colour:"), colorRow);
    if (auto *label = qobject_cast<QLabel *>(form->labelForField(colorRow)))
        label->setBuddy(m_colors->buttons().constFirst());

    // Advanced: the rest of AssumeRole, folded away as in the console.
    m_advancedToggle = newAdvancedToggle(this);
    m_advanced = new QWidget(this);
    m_advanced->setObjectName(QStringLiteral("advancedSection"));

    const QString profileHint = session->activeProfile().isEmpty() ? QStringLiteral("roledrop") : session->activeProfile();
    m_sessionName = new QLineEdit(m_advanced);
    m_sessionName->setObjectName(QStringLiteral("sessionNameField"));
    m_sessionName->setAccessibleName(tr("Session name"));
    m_sessionName->setPlaceholderText(Sts::defaultSessionName(profileHint));
    m_sessionName->setToolTip(tr("Shows in CloudTrail and in the assumed-role ARN"));
    m_sessionNameError = newErrorLabel(this, QStringLiteral("sessionNameError"));
    // A line edit, not a spin box: a spin box drops the digit that would leave its range and puts its own
    // value back on Tab, under an error that still names what was typed. Here what is typed stays, and is judged.
    m_duration = new QLineEdit(QStringLiteral("3600"), m_advanced);
    m_duration->setObjectName(QStringLiteral("durationField"));
    m_duration->setAccessibleName(tr("Duration in seconds"));
    m_duration->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{0,7}")), m_duration));
    m_duration->setPlaceholderText(QStringLiteral("3600"));
    m_duration->setInputMethodHints(Qt::ImhDigitsOnly);
    m_duration->setMaximumWidth(m_duration->fontMetrics().horizontalAdvance(QStringLiteral("00000000")) + 24);
    m_duration->setToolTip(tr("15 minutes (900 s) to 12 hours (43200 s), and no more than the role's maximum"));
    m_durationNote = new QLabel(m_advanced);
    m_durationNote->setObjectName(QStringLiteral("durationNote"));
    m_durationNote->setAccessibleName(tr("Duration note"));
    m_durationNote->setWordWrap(true);
    m_durationNote->setVisible(false);
    m_durationError = newErrorLabel(this, QStringLiteral("durationError"));
    m_externalId = new QLineEdit(m_advanced);
    m_externalId->setObjectName(QStringLiteral("externalIdField"));
    m_externalId->setAccessibleName(tr("External ID"));
    m_externalId->setPlaceholderText(tr("Only when the role's owner asks for one"));
    m_externalIdError = newErrorLabel(this, QStringLiteral("externalIdError"));
    m_mfaCode = new QLineEdit(m_advanced);
    m_mfaCode->setObjectName(QStringLiteral("mfaCodeField"));
    m_mfaCode->setAccessibleName(tr("MFA code"));
    m_mfaCode->setPlaceholderText(tr("6-digit code"));
    m_mfaCode->setMaxLength(6);
    m_mfaCode->setEchoMode(QLineEdit::Password);
    m_mfaCode->setInputMethodHints(Qt::ImhDigitsOnly | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
    m_mfaCode->setToolTip(tr("From MFA device %1; needed by roles that require MFA").arg(m_mfaSerial));
    m_mfaError = newErrorLabel(this, QStringLiteral("mfaError"));
    m_policy = new QPlainTextEdit(m_advanced);
    m_policy->setObjectName(QStringLiteral("policyField"));
    m_policy->setAccessibleName(tr("Session policy"));
    m_policy->setPlaceholderText(tr("Optional session policy (JSON) to narrow the role's permissions"));
    m_policy->setTabChangesFocus(true);
    m_policy->setFixedHeight(m_policy->fontMetrics().lineSpacing() * 5 + 12);
    m_policyError = newErrorLabel(this, QStringLiteral("policyError"));

    auto *advancedForm = new QFormLayout(m_advanced);
    advancedForm->setContentsMargins(16, 0, 0, 0);
    advancedForm->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    advancedForm->addRow(tr("&Session name:"), stacked(m_advanced, m_sessionName, m_sessionNameError));
    auto *durationRow = new QWidget(m_advanced);
    auto *durationLayout = new QHBoxLayout(durationRow);
    durationLayout->setContentsMargins(0, 0, 0, 0);
    durationLayout->addWidget(m_duration);
    durationLayout->addWidget(new QLabel(tr("seconds (900 to 43200)"), durationRow));
    durationLayout->addStretch();
    auto *durationBox = stacked(m_advanced, durationRow, m_durationError, m_durationNote);
    advancedForm->addRow(tr("D&uration:"), durationBox);
    if (auto *label = qobject_cast<QLabel *>(advancedForm->labelForField(durationBox)))
        label->setBuddy(m_duration);
    advancedForm->addRow(tr("E&xternal ID:"), stacked(m_advanced, m_externalId, m_externalIdError));
    auto *mfaBox = stacked(m_advanced, m_mfaCode, m_mfaError);
    advancedForm->addRow(tr("&MFA code:"), mfaBox);
    m_mfaLabel = qobject_cast<QLabel *>(advancedForm->labelForField(mfaBox));
    advancedForm->addRow(tr("Session &policy:"), stacked(m_advanced, m_policy, m_policyError));
    if (m_mfaSerial.isEmpty()) {
        mfaBox->setVisible(false);
        if (m_mfaLabel)
            m_mfaLabel->setVisible(false);
    }
    m_advanced->setVisible(false);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_switchButton = m_buttons->addButton(tr("&Switch Role"), QDialogButtonBox::AcceptRole);
    m_switchButton->setObjectName(QStringLiteral("switchButton"));
    m_switchButton->setAccessibleName(tr("Switch Role"));
    m_switchButton->setDefault(true);
    m_saveButton = m_buttons->addButton(tr("Sa&ve to Saved Roles"), QDialogButtonBox::ActionRole);
    m_saveButton->setObjectName(QStringLiteral("saveRoleButton"));
    m_saveButton->setAccessibleName(tr("Save to Saved Roles"));
    m_saveButton->setToolTip(tr("Keep this role in the saved roles list (role ARN and label only, no credentials)"));
    // Enter always means Switch Role: a button that takes focus must not take the default with it.
    m_saveButton->setAutoDefault(false);
    for (QAbstractButton *button : m_buttons->buttons()) {
        if (auto *push = qobject_cast<QPushButton *>(button); push && push != m_switchButton)
            push->setAutoDefault(false);
    }

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(m_useSuggestedButton, 0, Qt::AlignLeft);
    layout->addWidget(m_intro);
    if (session->inIdentityCenter())
        layout->addWidget(buildIdentityCenterAccounts());
    layout->addWidget(m_chainCheck);
    layout->addLayout(savedRow);
    layout->addWidget(m_recentRow);
    layout->addLayout(form);
    layout->addWidget(m_advancedToggle, 0, Qt::AlignLeft);
    layout->addWidget(m_advanced);
    layout->addStretch();
    layout->addWidget(m_buttons);

    for (QLineEdit *edit : {m_account, m_role, m_displayName, m_sessionName, m_externalId, m_mfaCode}) {
        connect(edit, &QLineEdit::textEdited, this, [edit] { edit->setProperty(kTouched, true); });
        connect(edit, &QLineEdit::textChanged, this, &SwitchRoleDialog::validate);
    }
    // The field that has the focus first is Account, and people paste a whole role ARN there: it belongs in
    // Role (typing goes on there too), and the account is taken from it.
    connect(m_account, &QLineEdit::textEdited, this, [this](const QString &text) {
        if (!text.trimmed().startsWith(QLatin1String("arn:"), Qt::CaseInsensitive))
            return;
        m_role->setText(text.trimmed());
        m_role->setProperty(kTouched, true);
        m_account->clear();
        m_role->setFocus(Qt::OtherFocusReason);
        m_role->end(false);
    });
    connect(m_duration, &QLineEdit::textChanged, this, &SwitchRoleDialog::validate);
    // Advice about the duration is answered by changing it.
    connect(m_duration, &QLineEdit::textEdited, this, [this] {
        if (m_suggestedDuration > 0)
            showError(QString());
    });
    connect(m_chainCheck, &QCheckBox::toggled, this, [this] {
        applyChainingCap();
        updateIntro();
        validate();
    });
    connect(m_useSuggestedButton, &QPushButton::clicked, this, &SwitchRoleDialog::retryWithSuggestedDuration);
    connect(m_policy, &QPlainTextEdit::textChanged, this, &SwitchRoleDialog::validate);
    connect(m_colors, &QButtonGroup::buttonClicked, this, &SwitchRoleDialog::validate);
    connect(m_advancedToggle, &QToolButton::toggled, this, &SwitchRoleDialog::setAdvancedVisible);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SwitchRoleDialog::reject);
    connect(m_switchButton, &QPushButton::clicked, this, &SwitchRoleDialog::startSwitch);
    connect(m_saveButton, &QPushButton::clicked, this, &SwitchRoleDialog::saveCurrentRole);

    reloadSavedRoles();
    reloadRecentRoles();
    updateIntro();
    validate();
    m_account->setFocus();
    setMinimumWidth(560);
    resize(sizeHint().expandedTo(QSize(560, 0)));
}

SwitchRoleDialog::~SwitchRoleDialog()
{
    if (m_call)
        m_call->cancel();
}

void SwitchRoleDialog::buildSavedRoles(QHBoxLayout *row)
{
    auto *label = new QLabel(tr("Sa&ved roles:"), this);
    m_savedCombo = new QComboBox(this);
    m_savedCombo->setObjectName(QStringLiteral("savedRolesCombo"));
    m_savedCombo->setAccessibleName(tr("Saved roles"));
    m_savedCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_savedCombo->setMinimumContentsLength(24);
    label->setBuddy(m_savedCombo);
    m_savedSearch = new QLineEdit(this);
    m_savedSearch->setObjectName(QStringLiteral("savedRolesSearch"));
    m_savedSearch->setAccessibleName(tr("Filter saved roles"));
    m_savedSearch->setPlaceholderText(tr("Filter by name or account"));
    m_savedSearch->setClearButtonEnabled(true);
    row->addWidget(label);
    row->addWidget(m_savedCombo, 2);
    row->addWidget(m_savedSearch, 1);
    connect(m_savedSearch, &QLineEdit::textChanged, this, &SwitchRoleDialog::reloadSavedRoles);
    connect(m_savedCombo, &QComboBox::activated, this, [this](int index) {
        const QVariant data = m_savedCombo->itemData(index, kEntryRole);
        if (data.isValid())
            prefill(entryFromVariant(data));
    });
}

void SwitchRoleDialog::reloadSavedRoles()
{
    const QList<Auth::RoleHistoryEntry> found = m_session->searchSavedRoles(m_savedSearch->text().trimmed());
    m_savedCombo->clear();
    m_savedCombo->addItem(found.isEmpty() ? tr("No saved roles") : tr("Choose a saved role…"));
    for (const Auth::RoleHistoryEntry &entry : found) {
        const QString text = entry.sourceProfile == m_session->activeProfile()
            ? entry.displayName : tr("%1 (from %2)").arg(entry.displayName, entry.sourceProfile);
        m_savedCombo->addItem(colorChip(entry.color), text);
        m_savedCombo->setItemData(m_savedCombo->count() - 1, entryToVariant(entry), kEntryRole);
        m_savedCombo->setItemData(m_savedCombo->count() - 1, entry.roleArn, Qt::ToolTipRole);
    }
    m_savedCombo->setEnabled(!found.isEmpty());
}

void SwitchRoleDialog::reloadRecentRoles()
{
    while (QLayoutItem *item = m_recentLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const QList<Auth::RoleHistoryEntry> recent = m_session->recentRoles(m_session->activeProfile());
    m_recentRow->setVisible(!recent.isEmpty());
    if (recent.isEmpty())
        return;
    m_recentLayout->addWidget(new QLabel(tr("Recent:"), m_recentRow));
    for (const Auth::RoleHistoryEntry &entry : recent.mid(0, Auth::RoleHistory::kRecentPerSourceProfile)) {
        auto *button = new QToolButton(m_recentRow);
        button->setObjectName(QStringLiteral("recentRole"));
        button->setText(entry.displayName);
        button->setIcon(colorChip(entry.color));
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setAutoRaise(true);
        button->setToolTip(entry.roleArn);
        button->setAccessibleName(tr("Recent role %1").arg(entry.displayName));
        connect(button, &QToolButton::clicked, this, [this, entry] { prefill(entry); });
        m_recentLayout->addWidget(button);
    }
    m_recentLayout->addStretch();
}

void SwitchRoleDialog::prefill(const Auth::RoleHistoryEntry &entry)
{
    const auto arn = Sts::parseRoleArn(entry.roleArn);
    // Account + plain name reads like the console; anything with a path or no account stays a full ARN.
    if (arn && !arn->accountId.isEmpty() && arn->path == QLatin1String("/")) {
        m_account->setText(arn->accountId);
        m_role->setText(arn->roleName);
    } else {
        m_account->setText(arn ? arn->accountId : entry.accountId);
        m_role->setText(entry.roleArn);
    }
    const QString defaultName = defaultDisplayName();
    m_displayName->setText(entry.displayName == defaultName ? QString() : entry.displayName);
    const QString hex = Auth::roleColorHex(entry.color);
    for (QAbstractButton *button : m_colors->buttons()) {
        if (button->property(kHex).toString() == hex)
            button->setChecked(true);
    }
    m_account->setProperty(kTouched, true);
    m_role->setProperty(kTouched, true);
    validate();
    m_switchButton->setFocus();
}

void SwitchRoleDialog::showError(const QString &message)
{
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #FDECEA; color: #7A1B10; border: 1px solid #E8A39B;"
                                           " border-radius: 4px; padding: 6px; }"));
    m_banner->setText(message);
    m_banner->setVisible(!message.isEmpty());
    // The offer of a working duration belongs to the message that explains it.
    if (message.isEmpty())
        m_suggestedDuration = 0;
    m_useSuggestedButton->setVisible(m_suggestedDuration > 0);
    fitToContents();
}

void SwitchRoleDialog::fitToContents()
{
    // Messages and notes come and go after the dialog was sized: its height follows them both ways (a dialog
    // that only grows keeps empty space where messages were). The width is the user's, or wider if needed.
    if (!isVisible())
        return;
    // The fields' own layouts learn of a message shown or hidden through posted events: settle them first.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    layout()->invalidate();
    layout()->activate();
    const int width = std::max(this->width(), sizeHint().width());
    // Wrapped messages: their height at this width, or their own idea of it, whichever is more (the first can
    // lag behind a message just shown).
    int height = sizeHint().height();
    if (layout()->hasHeightForWidth())
        height = std::max(height, layout()->totalHeightForWidth(width));
    resize(width, std::max(height, minimumSizeHint().height()));
}

bool SwitchRoleDialog::fromCurrentRole() const
{
    return m_canChainFromRole && m_chainCheck->isChecked();
}

bool SwitchRoleDialog::isChaining() const
{
    return fromCurrentRole() || m_baseIsRole;
}

void SwitchRoleDialog::updateIntro()
{
    const QString from = fromCurrentRole() ? m_session->identity().displayName : m_session->baseIdentity().displayName;
    m_intro->setText(tr("Act as an IAM role from <b>%1</b>. The role's trust policy must allow it.").arg(from.toHtmlEscaped()));
}

void SwitchRoleDialog::applyChainingCap()
{
    // AWS would refuse more than an hour for a chained session: the field says what will be asked.
    if (isChaining() && typedDuration().value_or(0) > Sts::StsLimits::roleChainingMaxDuration)
        m_duration->setText(QString::number(Sts::StsLimits::roleChainingMaxDuration));
}

void SwitchRoleDialog::retryWithSuggestedDuration()
{
    const int seconds = m_suggestedDuration;
    if (seconds <= 0)
        return;
    m_duration->setText(QString::number(seconds));
    showError(QString());
    startSwitch();
}

void SwitchRoleDialog::setFieldError(QLabel *label, const QString &message, bool show)
{
    label->setText(message);
    const bool visible = show && !message.isEmpty();
    if (visible != !label->isHidden()) {
        label->setVisible(visible);
        fitToContents();
    }
}

void SwitchRoleDialog::setAdvancedVisible(bool visible)
{
    m_advancedToggle->setChecked(visible);
    m_advancedToggle->setArrowType(visible ? Qt::DownArrow : Qt::RightArrow);
    m_advanced->setVisible(visible);
    fitToContents();
}

std::optional<int> SwitchRoleDialog::typedDuration() const
{
    const QString text = m_duration->text().trimmed();
    if (text.isEmpty())
        return Sts::StsLimits::roleChainingMaxDuration;  // the placeholder: STS's own default, one hour
    bool ok = false;
    const int seconds = text.toInt(&ok);
    return ok ? std::optional<int>(seconds) : std::nullopt;
}

QString SwitchRoleDialog::defaultDisplayName() const
{
    const auto arn = Sts::roleArnFromAccountAndName(m_account->text(), m_role->text());
    if (!arn)
        return QString();
    return arn->accountId.isEmpty() ? arn->roleName : QStringLiteral("%1 @ %2").arg(arn->roleName, arn->accountId);
}

QString SwitchRoleDialog::effectiveDisplayName() const
{
    const QString typed = m_displayName->text().trimmed();
    return typed.isEmpty() ? defaultDisplayName() : typed;
}

QString SwitchRoleDialog::chosenColor() const
{
    QAbstractButton *checked = m_colors->checkedButton();
    return checked ? checked->property(kHex).toString() : QString();
}

Sts::AssumeRoleRequest SwitchRoleDialog::request() const
{
    Sts::AssumeRoleRequest request;
    const auto arn = Sts::roleArnFromAccountAndName(m_account->text(), m_role->text());
    request.roleArn = arn ? arn->toString() : m_role->text().trimmed();
    request.roleSessionName = m_sessionName->text().trimmed().isEmpty() ? m_sessionName->placeholderText()
                                                                        : m_sessionName->text().trimmed();
    request.durationSeconds = typedDuration().value_or(0);
    request.externalId = m_externalId->text().trimmed();
    if (!m_mfaSerial.isEmpty() && !m_mfaCode->text().trimmed().isEmpty()) {
        request.serialNumber = m_mfaSerial;
        request.tokenCode = m_mfaCode->text().trimmed();
    }
    request.policy = m_policy->toPlainText().trimmed();
    return request;
}

Auth::RoleHistoryEntry SwitchRoleDialog::currentEntry() const
{
    Auth::RoleHistoryEntry entry;
    entry.sourceProfile = m_session->activeProfile();
    entry.roleArn = request().roleArn;
    entry.displayName = effectiveDisplayName();
    entry.color = chosenColor();
    return entry;
}

void SwitchRoleDialog::validate()
{
    const QString account = m_account->text().trimmed();
    const QString role = m_role->text().trimmed();
    QString accountMessage;
    QString roleMessage;
    bool arnValid = false;
    if (role.startsWith(QLatin1String("arn:"))) {
        const auto arn = Sts::parseRoleArn(role);
        roleMessage = arn ? QString() : arn.error().userMessage();
        arnValid = arn.ok();
    } else {
        // Each field judged by the same core function, with a stand-in for the other one.
        const auto accountOnly = Sts::roleArnFromAccountAndName(account, QStringLiteral("RoleDrop"));
        accountMessage = accountOnly ? QString() : accountOnly.error().userMessage();
        const auto roleOnly = Sts::roleArnFromAccountAndName(accountOnly ? account : QStringLiteral("123456789012"), role);
        roleMessage = roleOnly ? QString() : roleOnly.error().userMessage();
        arnValid = accountOnly.ok() && roleOnly.ok();
    }
    setFieldError(m_accountError, accountMessage, m_account->property(kTouched).toBool() || !account.isEmpty());
    setFieldError(m_roleError, roleMessage, m_role->property(kTouched).toBool() || !role.isEmpty());
    const bool accountFromArn = role.startsWith(QLatin1String("arn:"));
    m_account->setEnabled(!accountFromArn || !account.isEmpty());
    m_account->setPlaceholderText(accountFromArn ? tr("Taken from the role ARN") : tr("123456789012"));

    m_displayName->setPlaceholderText(arnValid ? defaultDisplayName() : tr("Role @ account"));
    QString displayMessage;
    if (arnValid) {
        Auth::RoleHistoryEntry entry = currentEntry();
        if (entry.sourceProfile.isEmpty())  // keys given without a profile (e.g. from the environment)
            entry.sourceProfile = QStringLiteral("roledrop");
        const auto normalised = Auth::RoleHistory::normalise(entry);
        displayMessage = normalised ? QString() : normalised.error().userMessage();
    }
    setFieldError(m_displayNameError, displayMessage, true);

    Sts::AssumeRoleRequest probe = knownGoodRequest();
    probe.roleSessionName = request().roleSessionName;
    const QString sessionMessage = problemWith(probe);
    setFieldError(m_sessionNameError, sessionMessage, true);

    probe = knownGoodRequest();
    probe.externalId = m_externalId->text().trimmed();
    const QString externalIdMessage = problemWith(probe);
    setFieldError(m_externalIdError, externalIdMessage, true);

    QString mfaMessage;
    if (!m_mfaSerial.isEmpty() && !m_mfaCode->text().trimmed().isEmpty()) {
        probe = knownGoodRequest();
        probe.serialNumber = m_mfaSerial;
        probe.tokenCode = m_mfaCode->text().trimmed();
        mfaMessage = problemWith(probe);
    }
    setFieldError(m_mfaError, mfaMessage, true);

    probe = knownGoodRequest();
    probe.policy = m_policy->toPlainText().trimmed();
    const QString policyMessage = problemWith(probe);
    setFieldError(m_policyError, policyMessage, true);

    probe = knownGoodRequest();
    probe.durationSeconds = typedDuration().value_or(0);
    const QString durationMessage = problemWith(probe);
    setFieldError(m_durationError, durationMessage, true);
    QString note;
    if (isChaining()) {
        note = tr("Role chaining (assumed from a role session): AWS caps the session at 1 hour.");
        if (typedDuration().value_or(0) > Sts::StsLimits::roleChainingMaxDuration)
            note += tr(" RoleDrop will ask for 3600 s.");
    }
    if (note != m_durationNote->text()) {
        m_durationNote->setText(note);
        m_durationNote->setVisible(!note.isEmpty());
        fitToContents();
    }

    const bool fieldsValid = arnValid && displayMessage.isEmpty() && sessionMessage.isEmpty()
        && externalIdMessage.isEmpty() && mfaMessage.isEmpty() && policyMessage.isEmpty() && durationMessage.isEmpty();
    // The whole request once more, so nothing the per-field checks missed can reach the network.
    m_valid = fieldsValid && Sts::validateAssumeRole(request(), isChaining()).ok();
    m_switchButton->setEnabled(m_valid && !m_busy && m_session->hasIdentity());
    m_switchButton->setToolTip(m_session->hasIdentity() ? QString() : tr("Open a profile first"));
    m_saveButton->setEnabled(arnValid && displayMessage.isEmpty() && !m_session->activeProfile().isEmpty());

    // Errors in the folded part must not hide: unfold it.
    if (m_advanced->isHidden() && !(sessionMessage + externalIdMessage + mfaMessage + policyMessage + durationMessage).isEmpty())
        setAdvancedVisible(true);
}

void SwitchRoleDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_switchButton->setText(busy ? tr("Switching…") : tr("&Switch Role"));
    if (busy)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
    validate();
}

void SwitchRoleDialog::startSwitch()
{
    validate();
    if (!m_valid || m_busy)
        return;
    showError(QString());
    setBusy(true);
    const bool mfaAvailable = !m_mfaSerial.isEmpty();
    const int asked = isChaining() ? std::min(request().durationSeconds, int(Sts::StsLimits::roleChainingMaxDuration))
                                   : request().durationSeconds;
    // From the base identity, as the console does, unless "Switch from this role" is ticked.
    m_call = m_session->switchRole(request(), effectiveDisplayName(), chosenColor(),
                                   fromCurrentRole() ? Auth::SwitchFrom::CurrentIdentity : Auth::SwitchFrom::BaseIdentity, this,
                                   [this, mfaAvailable, asked](Outcome<Auth::Identity> identity) {
        m_call = nullptr;
        setBusy(false);
        // A disabled default button hands the default to the next one: Enter must still mean Switch Role.
        m_switchButton->setDefault(true);
        if (identity) {
            accept();
            return;
        }
        if (identity.error().kind == AwsErrorKind::Cancelled)
            return;
        // A duration above the role's maximum: the message says so (core's advice), the button fixes it.
        const auto advice = Sts::adviseOnDuration(identity.error(), asked);
        m_suggestedDuration = advice ? advice->suggestedSeconds : 0;
        if (advice) {
            m_useSuggestedButton->setText(tr("Use &1 hour"));
            m_useSuggestedButton->setAccessibleName(tr("Use 1 hour and switch again"));
            m_useSuggestedButton->setToolTip(tr("Set the duration to %1 s and switch again").arg(advice->suggestedSeconds));
            setAdvancedVisible(true);
        }
        showError(identity.error().userMessage());
        // A trust policy that wants MFA often just says AccessDenied: point at the code field either way.
        const AwsErrorKind kind = identity.error().kind;
        if (mfaAvailable && (kind == AwsErrorKind::MfaRequiredOrInvalid || kind == AwsErrorKind::AccessDenied)) {
            setAdvancedVisible(true);
            m_mfaCode->clear();
            m_mfaCode->setFocus();
        }
    });
}

void SwitchRoleDialog::saveCurrentRole()
{
    const auto saved = m_session->saveRole(currentEntry());
    if (!saved) {
        showError(saved.error().userMessage());
        return;
    }
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #EAF5E4; color: #1D4F0B; border: 1px solid #A9D39A;"
                                           " border-radius: 4px; padding: 6px; }"));
    m_banner->setText(tr("Saved “%1” to your saved roles.").arg(saved->displayName));
    m_banner->setVisible(true);
    reloadSavedRoles();
}

QWidget *SwitchRoleDialog::buildIdentityCenterAccounts()
{
    // Identity Center: the other accounts and roles of the same sign-in, picked rather than typed (not a chain:
    // Back returns to the profile's own role). The form below still assumes a role by ARN from this one.
    auto *box = new QGroupBox(tr("Your IAM Identity Center accounts"), this);
    box->setObjectName(QStringLiteral("identityCenterAccounts"));
    m_identityCenterPicker = new AccountRolePicker(box);
    m_identityCenterPicker->setMinimumHeight(220);
    m_identityCenterPicker->setToolTip(tr("Enter or double-click a role to switch to it; the display name and colour below apply"));
    auto *boxLayout = new QVBoxLayout(box);
    boxLayout->addWidget(m_identityCenterPicker);
    auto *orLabel = new QLabel(tr("Or assume a role by its ARN from the current role:"), box);
    boxLayout->addWidget(orLabel);
    connect(m_identityCenterPicker, &AccountRolePicker::refreshRequested, this, [this] { loadIdentityCenterAccounts(true); });
    connect(m_identityCenterPicker, &AccountRolePicker::roleChosen, this, &SwitchRoleDialog::switchToAccountRole);
    loadIdentityCenterAccounts(false);
    return box;
}

void SwitchRoleDialog::loadIdentityCenterAccounts(bool refresh)
{
    m_identityCenterPicker->setLoading();
    m_session->identityCenterAccounts(QString(), refresh, this, [this](Outcome<QList<Auth::SsoAccount>> accounts) {
        if (!accounts)
            return m_identityCenterPicker->setError(accounts.error().userMessage());
        m_identityCenterPicker->setAccounts(accounts.value());
        const Auth::Identity &active = m_session->identity();
        // The role in use now is where the list starts.
        if (!m_identityCenterPicker->selectRole(active.accountId, active.roleArn.section(QLatin1Char('/'), -1)))
            m_identityCenterPicker->selectRole(active.accountId, active.displayName.section(QStringLiteral(" @ "), 0, 0));
        m_identityCenterPicker->view()->setFocus();
    });
}

void SwitchRoleDialog::switchToAccountRole(const QString &accountId, const QString &accountName, const QString &roleName)
{
    if (m_busy)
        return;
    showError(QString());
    setBusy(true);
    m_session->switchToAccountRole(accountId, accountName, roleName, chosenColor(), this,
                                   [this](Outcome<Auth::Identity> identity) {
        setBusy(false);
        m_switchButton->setDefault(true);
        if (!identity)
            return showError(identity.error().userMessage());
        accept();
    }, m_displayName->text().trimmed());
}

void SwitchRoleDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    // Sized as every later message will size it, so that a message gone leaves the height it found.
    fitToContents();
}

void SwitchRoleDialog::reject()
{
    if (m_call)
        m_call->cancel();
    QDialog::reject();
}

} // namespace RoleDrop::Ui
