#include "ui/profiles/federated_profile_dialog.h"

#include "core/session/profile_manager.h"
#include "ui/profiles/profile_fields.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMetaMethod>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QResizeEvent>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace RoleDrop::Ui {

namespace {

const char kTouched[] = "roledropTouched";

// A field with its message under it, so the message stands where the user looks.
QWidget *stacked(QWidget *parent, QWidget *field, QLayout *fieldRow, QLabel *error)
{
    auto *box = new QWidget(parent);
    box->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    if (fieldRow)
        layout->addLayout(fieldRow);
    else
        layout->addWidget(field);
    if (error)
        layout->addWidget(error);
    return box;
}

bool touched(const QLineEdit *edit)
{
    return edit->property(kTouched).toBool() || !edit->text().trimmed().isEmpty();
}

} // namespace

FederatedProfileDialog::FederatedProfileDialog(Auth::ProfileKind kind, QWidget *parent)
    : QDialog(parent), m_kind(kind == Auth::ProfileKind::OpenIdConnect ? kind : Auth::ProfileKind::IdentityCenter)
{
    const bool identityCenter = m_kind == Auth::ProfileKind::IdentityCenter;
    setObjectName(QStringLiteral("federatedProfileDialog"));
    setWindowTitle(identityCenter ? tr("Add Identity Center Profile") : tr("Add OpenID Connect Profile"));

    auto *intro = new QLabel(identityCenter
        ? tr("Sign in through IAM Identity Center (AWS SSO) and choose an account and role; no access keys needed.")
        : tr("Sign in at your organisation's OpenID provider; its ID token is exchanged for an AWS role session."), this);
    intro->setObjectName(QStringLiteral("federatedProfileIntro"));
    intro->setWordWrap(true);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_name = addLineEdit("nameField", tr("Profile name"));
    m_name->setPlaceholderText(identityCenter ? tr("e.g. company-sso") : tr("e.g. company-login"));
    m_nameError = newErrorLabel(this, QStringLiteral("nameError"));
    addRow(form, tr("&Name:"), m_name, m_nameError);

    if (identityCenter) {
        m_startUrl = addLineEdit("startUrlField", tr("Start URL"));
        m_startUrl->setPlaceholderText(QStringLiteral("https://d-1234567890.awsapps.com/start"));
        m_startUrl->setToolTip(tr("Your AWS access portal's URL, as your administrator gave it (it ends in /start)"));
        m_startUrlError = newErrorLabel(this, QStringLiteral("startUrlError"));
        addRow(form, tr("Start &URL:"), m_startUrl, m_startUrlError);

        m_ssoRegion = new QComboBox(this);
        m_ssoRegion->setObjectName(QStringLiteral("ssoRegionField"));
        m_ssoRegion->setAccessibleName(tr("Identity Center region"));
        m_ssoRegion->setEditable(true);
        m_ssoRegion->setInsertPolicy(QComboBox::NoInsert);
        m_ssoRegion->addItems(awsRegionNames());
        m_ssoRegion->setCurrentIndex(-1);
        m_ssoRegion->lineEdit()->setPlaceholderText(tr("Where Identity Center was set up, e.g. eu-west-1"));
        m_ssoRegion->setToolTip(tr("The region of your organisation's Identity Center instance (the portal's settings show it)"));
        m_ssoRegionError = newErrorLabel(this, QStringLiteral("ssoRegionError"));
        addRow(form, tr("&Identity Center region:"), m_ssoRegion, m_ssoRegionError);
        connect(m_ssoRegion->lineEdit(), &QLineEdit::textEdited, this, [this] { m_ssoRegion->lineEdit()->setProperty(kTouched, true); });
        connect(m_ssoRegion, &QComboBox::currentTextChanged, this, [this](const QString &text) {
            // Only a region that is one: half-typed text must not put an error on a field the user never touched.
            Auth::Profile probe = knownGood();
            probe.region = text.trimmed();
            if (m_regionFollowsSso && problemWith(probe).isEmpty())
                m_region->setText(probe.region);
            validate();
        });

        auto *methods = new QWidget(this);
        methods->setObjectName(QStringLiteral("signInMethodGroup"));
        auto *methodsLayout = new QVBoxLayout(methods);
        methodsLayout->setContentsMargins(0, 0, 0, 0);
        methodsLayout->setSpacing(2);
        m_method = new QButtonGroup(this);
        const auto addMethod = [&](Auth::SsoSignInMethod method, const QString &text, const QString &accessible,
                                   const char *objectName) {
            auto *radio = new QRadioButton(text, methods);
            radio->setObjectName(QString::fromLatin1(objectName));
            radio->setAccessibleName(accessible);
            m_method->addButton(radio, int(method));
            methodsLayout->addWidget(radio);
            return radio;
        };
        addMethod(Auth::SsoSignInMethod::Browser, tr("Br&owser (recommended)"), tr("Sign in with the browser"),
                  "browserMethodRadio")->setChecked(true);
        addMethod(Auth::SsoSignInMethod::DeviceCode, tr("&Device code: for machines without a browser (SSH, containers, WSL)"),
                  tr("Sign in with a device code"), "deviceCodeMethodRadio");
        addMethod(Auth::SsoSignInMethod::Automatic, tr("Au&tomatic: the browser, or a device code when none can be opened"),
                  tr("Sign in automatically with the browser or a device code"), "automaticMethodRadio");
        form->addRow(tr("Sign in with:"), methods);
        if (auto *label = qobject_cast<QLabel *>(form->labelForField(methods)))
            label->setBuddy(m_method->buttons().constFirst());
    } else {
        m_issuer = addLineEdit("issuerField", tr("Issuer"));
        m_issuer->setPlaceholderText(QStringLiteral("https://login.example.com"));
        m_issuer->setToolTip(tr("The provider's issuer URL: RoleDrop reads its /.well-known/openid-configuration"));
        m_issuerError = newErrorLabel(this, QStringLiteral("issuerError"));
        addRow(form, tr("&Issuer:"), m_issuer, m_issuerError);
        m_clientId = addLineEdit("clientIdField", tr("Client ID"));
        m_clientId->setToolTip(tr("The ID the provider gave RoleDrop when it was registered as a client"));
        m_clientIdError = newErrorLabel(this, QStringLiteral("clientIdError"));
        addRow(form, tr("C&lient ID:"), m_clientId, m_clientIdError);
        m_clientSecret = addLineEdit("clientSecretField", tr("Client secret"));
        setUpSecretField(m_clientSecret, tr("Show the client secret while typing"));
        m_clientSecret->setPlaceholderText(tr("Optional: only for confidential clients"));
        m_clientSecret->setToolTip(tr("Stored only in the system keychain, never in RoleDrop's settings"));
        addRow(form, tr("Client se&cret:"), m_clientSecret, nullptr);
        m_scopes = addLineEdit("scopesField", tr("Scopes"));
        m_scopes->setText(Auth::Profile().oidcScopes);
        m_scopes->setToolTip(tr("Space-separated; offline_access lets RoleDrop renew the session without a new sign-in"));
        addRow(form, tr("Sc&opes:"), m_scopes, nullptr);
        m_roleArn = addLineEdit("roleArnField", tr("Role ARN"));
        m_roleArn->setPlaceholderText(QStringLiteral("arn:aws:iam::123456789012:role/NAME"));
        m_roleArn->setToolTip(tr("The role whose trust policy accepts this provider's ID tokens (AssumeRoleWithWebIdentity)"));
        m_roleArnError = newErrorLabel(this, QStringLiteral("roleArnError"));
        addRow(form, tr("&Role ARN:"), m_roleArn, m_roleArnError);
    }

    // Advanced: where S3 requests go, folded away because most people use AWS itself.
    m_advancedToggle = newAdvancedToggle(this);
    m_advanced = new QWidget(this);
    m_advanced->setObjectName(QStringLiteral("advancedSection"));
    auto *advancedForm = new QFormLayout(m_advanced);
    advancedForm->setContentsMargins(16, 0, 0, 0);
    advancedForm->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_region = addLineEdit("regionField", tr("S3 region"));
    m_region->setText(Auth::Profile().region);
    m_region->setToolTip(tr("The region S3 requests are signed for (Ceph RGW: its zonegroup, often 'default')"));
    auto *regionCompleter = new QCompleter(awsRegionNames(), m_region);
    m_region->setCompleter(regionCompleter);
    connect(m_region, &QLineEdit::textEdited, this, [this] { m_regionFollowsSso = false; });
    m_regionError = newErrorLabel(this, QStringLiteral("regionError"));
    addRow(advancedForm, tr("S3 re&gion:"), m_region, m_regionError);
    m_endpoint = addLineEdit("endpointField", tr("Endpoint URL"));
    setUpEndpointField(m_endpoint);
    m_endpointError = newErrorLabel(this, QStringLiteral("endpointError"));
    addRow(advancedForm, tr("&Endpoint URL:"), m_endpoint, m_endpointError);
    m_pathStyle = new QCheckBox(tr("Pat&h-style addressing (host/bucket/key)"), m_advanced);
    m_pathStyle->setObjectName(QStringLiteral("pathStyleField"));
    m_pathStyle->setToolTip(tr("Needed by most S3-compatible servers such as Ceph RGW and MinIO"));
    advancedForm->addRow(QString(), m_pathStyle);
    m_caFile = addLineEdit("caFileField", tr("CA file"));
    m_caFileError = newErrorLabel(this, QStringLiteral("caFileError"));
    addRow(advancedForm, tr("C&A file:"), m_caFile, m_caFileError, caFileChooserRow(this, m_caFile));
    m_advanced->setVisible(false);
    connect(m_advancedToggle, &QToolButton::toggled, this, &FederatedProfileDialog::setAdvancedVisible);

    m_error = newErrorLabel(this, QStringLiteral("profileError"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_save = m_buttons->button(QDialogButtonBox::Ok);
    m_save->setText(tr("&Save"));
    m_save->setObjectName(QStringLiteral("saveProfileButton"));
    m_save->setAccessibleName(tr("Save profile"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &FederatedProfileDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_advancedToggle, 0, Qt::AlignLeft);
    layout->addWidget(m_advanced);
    layout->addWidget(m_error);
    layout->addStretch();
    layout->addWidget(m_buttons);

    // Judged as typed, once every field exists.
    for (QLineEdit *edit : findChildren<QLineEdit *>())
        connect(edit, &QLineEdit::textChanged, this, &FederatedProfileDialog::validate);
    if (m_method)
        connect(m_method, &QButtonGroup::idClicked, this, &FederatedProfileDialog::validate);
    m_name->setFocus();
    validate();
    resize(sizeHint().expandedTo(QSize(560, 0)));
}

QLineEdit *FederatedProfileDialog::addLineEdit(const char *objectName, const QString &accessibleName)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(QString::fromLatin1(objectName));
    edit->setAccessibleName(accessibleName);
    connect(edit, &QLineEdit::textEdited, this, [edit] { edit->setProperty(kTouched, true); });
    return edit;
}

void FederatedProfileDialog::addRow(QFormLayout *form, const QString &label, QWidget *field, QLabel *error, QLayout *fieldRow)
{
    QWidget *box = stacked(form->parentWidget() ? form->parentWidget() : this, field, fieldRow, error);
    form->addRow(label, box);
    // The label's mnemonic names the field, not the box around it.
    if (auto *labelWidget = qobject_cast<QLabel *>(form->labelForField(box)))
        labelWidget->setBuddy(field);
}

void FederatedProfileDialog::setAdvancedVisible(bool visible)
{
    m_advancedToggle->setChecked(visible);
    m_advancedToggle->setArrowType(visible ? Qt::DownArrow : Qt::RightArrow);
    m_advanced->setVisible(visible);
    fitToContents();
}

QList<QLabel *> FederatedProfileDialog::messageLabels() const
{
    return findChildren<QLabel *>(QRegularExpression(QStringLiteral("Error$")));
}

void FederatedProfileDialog::sizeMessagesForTheirWidth()
{
    // A form layout under-reckons a wrapped message in a field's box (it asks at another width than it gives):
    // each message is told the height its text needs at the width it has.
    for (QLabel *label : messageLabels())
        label->setMinimumHeight(label->isHidden() ? 0 : label->heightForWidth(label->width()));
}

void FederatedProfileDialog::fitToContents()
{
    // Messages come and go after the dialog was sized: its height follows them both ways, the width stays the
    // user's. As SwitchRoleDialog does.
    if (!isVisible())
        return;
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    layout()->invalidate();
    layout()->activate();
    sizeMessagesForTheirWidth();
    layout()->invalidate();
    layout()->activate();
    const int width = std::max(this->width(), minimumSizeHint().width());
    int height = sizeHint().height();
    if (layout()->hasHeightForWidth())
        height = std::max(height, layout()->totalHeightForWidth(width));
    resize(width, std::max(height, minimumSizeHint().height()));
}

void FederatedProfileDialog::resizeEvent(QResizeEvent *event)
{
    QDialog::resizeEvent(event);
    if (event->size().width() != event->oldSize().width())
        sizeMessagesForTheirWidth();
}

void FederatedProfileDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    fitToContents();
}

void FederatedProfileDialog::setExistingNames(const QStringList &names)
{
    m_existingNames = names;
    validate();
}

void FederatedProfileDialog::editProfile(const Auth::Profile &profile)
{
    m_editing = true;
    m_original = profile;
    setWindowTitle(tr("Edit Profile “%1”").arg(profile.name));
    m_name->setText(profile.name);
    m_name->setReadOnly(true);
    m_name->setToolTip(tr("A profile keeps its name; add another to use a different one"));
    if (m_kind == Auth::ProfileKind::IdentityCenter) {
        m_startUrl->setText(profile.ssoStartUrl);
        m_regionFollowsSso = false;
        m_ssoRegion->setCurrentText(profile.ssoRegion);
        if (QAbstractButton *button = m_method->button(int(profile.signInMethod)))
            button->setChecked(true);
        m_startUrl->setFocus();
    } else {
        m_issuer->setText(profile.oidcIssuer);
        m_clientId->setText(profile.oidcClientId);
        m_scopes->setText(profile.oidcScopes);
        m_roleArn->setText(profile.oidcRoleArn);
        m_clientSecret->setPlaceholderText(tr("Unchanged (stored in the keychain)"));
        m_issuer->setFocus();
    }
    m_region->setText(profile.region);
    m_endpoint->setText(profile.endpointUrl);
    m_pathStyle->setChecked(profile.pathStyle);
    m_caFile->setText(profile.caFile);
    // Settings away from AWS's defaults are shown, not hidden under a folded part.
    if (!profile.endpointUrl.isEmpty() || !profile.caFile.isEmpty() || profile.pathStyle)
        setAdvancedVisible(true);
    validate();
}

Auth::Profile FederatedProfileDialog::profile() const
{
    // Editing starts from the stored profile, so what the form does not show (the account and role to open as,
    // an MFA serial) is kept.
    Auth::Profile p = m_editing ? m_original : Auth::Profile();
    p.kind = m_kind;
    p.name = m_name->text();
    if (m_kind == Auth::ProfileKind::IdentityCenter) {
        p.ssoStartUrl = m_startUrl->text();
        p.ssoRegion = m_ssoRegion->currentText();
        p.signInMethod = Auth::SsoSignInMethod(m_method->checkedId());
    } else {
        p.oidcIssuer = m_issuer->text();
        p.oidcClientId = m_clientId->text();
        p.oidcScopes = m_scopes->text();
        p.oidcRoleArn = m_roleArn->text();
    }
    p.region = m_region->text();
    p.endpointUrl = m_endpoint->text();
    p.pathStyle = m_pathStyle->isChecked();
    p.caFile = m_caFile->text();
    const auto validated = Sessions::ProfileManager::validate(p);
    return validated ? validated.value() : p;
}

QString FederatedProfileDialog::clientSecret() const
{
    return m_clientSecret ? m_clientSecret->text() : QString();
}

// A profile that passes every check: one field at a time is put into it, so each message lands under its field.
Auth::Profile FederatedProfileDialog::knownGood() const
{
    Auth::Profile p;
    p.kind = m_kind;
    p.name = QStringLiteral("probe");
    p.ssoStartUrl = QStringLiteral("https://d-1234567890.awsapps.com/start");
    p.ssoRegion = QStringLiteral("us-east-1");
    p.oidcIssuer = QStringLiteral("https://login.example.com");
    p.oidcClientId = QStringLiteral("roledrop");
    p.oidcRoleArn = QStringLiteral("arn:aws:iam::123456789012:role/RoleDrop");
    return p;
}

QString FederatedProfileDialog::problemWith(const Auth::Profile &probe) const
{
    const auto validated = Sessions::ProfileManager::validate(probe);
    return validated ? QString() : validated.error().userMessage();
}

QString FederatedProfileDialog::problem() const
{
    const Auth::Profile p = profile();
    if (QString message = problemWith(p); !message.isEmpty())
        return message;
    if (!m_editing && m_existingNames.contains(p.name))
        return tr("A profile named “%1” exists already").arg(p.name);
    // Never quote the secret, not even in part.
    if (!clientSecret().isEmpty() && clientSecret().trimmed() != clientSecret())
        return tr("The client secret starts or ends with spaces: check what was pasted");
    return QString();
}

void FederatedProfileDialog::validate()
{
    const QList<QLabel *> messages = messageLabels();
    // A message shown, gone, or longer (wrapped on more lines) changes the height the dialog needs.
    const auto shown = [&messages] {
        QStringList texts;
        for (QLabel *label : messages)
            texts << (label->isHidden() ? QString() : label->text());
        return texts;
    };
    const QStringList shownBefore = shown();
    const Auth::Profile typed = profile();
    const auto judge = [&](QLabel *error, bool show, const std::function<void(Auth::Profile &)> &put) -> QString {
        Auth::Profile probe = knownGood();
        put(probe);
        QString message = problemWith(probe);
        if (error) {
            error->setText(message);
            error->setVisible(show && !message.isEmpty());
        }
        return message;
    };
    QString nameMessage = judge(nullptr, false, [&](Auth::Profile &p) { p.name = m_name->text(); });
    if (nameMessage.isEmpty() && !m_editing && m_existingNames.contains(typed.name))
        nameMessage = tr("A profile named “%1” exists already").arg(typed.name);
    m_nameError->setText(nameMessage);
    m_nameError->setVisible(touched(m_name) && !nameMessage.isEmpty());
    QString fieldMessages = nameMessage;
    if (m_kind == Auth::ProfileKind::IdentityCenter) {
        fieldMessages += judge(m_startUrlError, touched(m_startUrl), [&](Auth::Profile &p) { p.ssoStartUrl = m_startUrl->text(); });
        fieldMessages += judge(m_ssoRegionError, touched(m_ssoRegion->lineEdit()),
                               [&](Auth::Profile &p) { p.ssoRegion = m_ssoRegion->currentText(); });
    } else {
        fieldMessages += judge(m_issuerError, touched(m_issuer), [&](Auth::Profile &p) { p.oidcIssuer = m_issuer->text(); });
        fieldMessages += judge(m_clientIdError, touched(m_clientId), [&](Auth::Profile &p) { p.oidcClientId = m_clientId->text(); });
        fieldMessages += judge(m_roleArnError, touched(m_roleArn), [&](Auth::Profile &p) { p.oidcRoleArn = m_roleArn->text(); });
    }
    const QString advancedMessages
        = judge(m_regionError, true, [&](Auth::Profile &p) { p.region = m_region->text(); })
        + judge(m_endpointError, true, [&](Auth::Profile &p) { p.endpointUrl = m_endpoint->text(); })
        + judge(m_caFileError, true, [&](Auth::Profile &p) { p.caFile = m_caFile->text(); });
    // Errors in the folded part must not hide: unfold it.
    if (!advancedMessages.isEmpty() && m_advanced->isHidden())
        setAdvancedVisible(true);

    // What no single field explains (or a check the per-field probes missed) goes under the form.
    const QString whole = problem();
    const bool explainedByField = !(fieldMessages + advancedMessages).isEmpty();
    m_error->setText(whole);
    m_error->setVisible(!whole.isEmpty() && !explainedByField && !m_busy);
    m_save->setEnabled(whole.isEmpty() && !m_busy);
    if (shown() != shownBefore)
        fitToContents();
}

void FederatedProfileDialog::save()
{
    validate();
    if (m_busy || !problem().isEmpty())
        return;
    // Someone stores it and answers; else the caller reads profile() once the dialog is accepted.
    if (!isSignalConnected(QMetaMethod::fromSignal(&FederatedProfileDialog::saveRequested))) {
        accept();
        return;
    }
    m_busy = true;
    m_save->setEnabled(false);
    emit saveRequested(profile());
}

void FederatedProfileDialog::saveFailed(const QString &message)
{
    m_busy = false;
    validate();
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    fitToContents();
}

} // namespace RoleDrop::Ui
