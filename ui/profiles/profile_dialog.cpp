#include "ui/profiles/profile_dialog.h"

#include "core/auth/profile_store.h"
#include "core/session/session.h"
#include "ui/profiles/profile_fields.h"

#include <QCheckBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

ProfileDialog::ProfileDialog(Sessions::Session *session, QWidget *parent)
    : QDialog(parent),
      m_session(session),
      m_name(new QLineEdit(this)),
      m_accessKeyId(new QLineEdit(this)),
      m_secret(new QLineEdit(this)),
      m_region(new QLineEdit(this)),
      m_endpoint(new QLineEdit(this)),
      m_pathStyle(new QCheckBox(tr("Pat&h-style addressing (host/bucket/key)"), this)),
      m_mfaSerial(new QLineEdit(this)),
      m_caFile(new QLineEdit(this)),
      m_error(newErrorLabel(this, QStringLiteral("profileError"))),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("profileDialog"));
    setWindowTitle(tr("Add Profile"));
    m_name->setObjectName(QStringLiteral("nameField"));
    m_name->setPlaceholderText(tr("e.g. work"));
    m_accessKeyId->setObjectName(QStringLiteral("accessKeyIdField"));
    m_accessKeyId->setPlaceholderText(tr("AKIA…"));
    m_secret->setObjectName(QStringLiteral("secretField"));
    setUpSecretField(m_secret, tr("Show the secret while typing"));
    m_secret->setToolTip(tr("Stored only in the system keychain (%1), never in RoleDrop's settings")
                             .arg(session->profiles().keychainService()));
    m_region->setObjectName(QStringLiteral("regionField"));
    m_region->setText(QStringLiteral("us-east-1"));
    m_region->setCompleter(new QCompleter(awsRegionNames(), m_region));
    m_endpoint->setObjectName(QStringLiteral("endpointField"));
    setUpEndpointField(m_endpoint);
    m_pathStyle->setObjectName(QStringLiteral("pathStyleField"));
    m_pathStyle->setToolTip(tr("Needed by most S3-compatible servers such as Ceph RGW and MinIO"));
    m_mfaSerial->setObjectName(QStringLiteral("mfaSerialField"));
    m_mfaSerial->setPlaceholderText(tr("Optional: arn:aws:iam::123456789012:mfa/you"));
    m_caFile->setObjectName(QStringLiteral("caFileField"));
    QHBoxLayout *caFileRow = caFileChooserRow(this, m_caFile);
    m_ok = m_buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("&Save"));
    m_ok->setObjectName(QStringLiteral("saveProfileButton"));

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Access key ID:"), m_accessKeyId);
    form->addRow(tr("S&ecret access key:"), m_secret);
    form->addRow(tr("&Region:"), m_region);
    form->addRow(tr("E&ndpoint URL:"), m_endpoint);
    form->addRow(QString(), m_pathStyle);
    form->addRow(tr("&MFA device:"), m_mfaSerial);
    form->addRow(tr("&CA file:"), caFileRow);
    // A row holding a layout gets a label without a buddy: "&C" would show as "&C" and name no field.
    if (auto *caLabel = qobject_cast<QLabel *>(form->labelForField(caFileRow)))
        caLabel->setBuddy(m_caFile);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    for (QLineEdit *edit : {m_name, m_accessKeyId, m_secret, m_region, m_endpoint, m_mfaSerial, m_caFile})
        connect(edit, &QLineEdit::textChanged, this, &ProfileDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ProfileDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
    resize(sizeHint().expandedTo(QSize(480, 0)));
}

void ProfileDialog::fill(const Auth::Profile &profile)
{
    m_name->setText(profile.name);
    m_accessKeyId->setText(profile.accessKeyId);
    m_region->setText(profile.region);
    m_endpoint->setText(profile.endpointUrl);
    m_pathStyle->setChecked(profile.pathStyle);
    m_mfaSerial->setText(profile.mfaSerial);
    m_caFile->setText(profile.caFile);
}

void ProfileDialog::editProfile(const Auth::Profile &profile)
{
    m_mode = Mode::Edit;
    m_sourceName = profile.name;
    setWindowTitle(tr("Edit Profile “%1”").arg(profile.name));
    fill(profile);
    m_name->setReadOnly(true);
    m_name->setToolTip(tr("Duplicate the profile to use another name"));
    m_secret->setPlaceholderText(tr("Unchanged (stored in the keychain)"));
    m_accessKeyId->setFocus();
    validate();
}

void ProfileDialog::duplicateProfile(const Auth::Profile &profile)
{
    m_mode = Mode::Duplicate;
    m_sourceName = profile.name;
    setWindowTitle(tr("Duplicate Profile “%1”").arg(profile.name));
    fill(profile);
    QString name = tr("%1 copy").arg(profile.name);
    for (int n = 2; m_session->profiles().contains(name); ++n)
        name = tr("%1 copy %2").arg(profile.name).arg(n);
    m_name->setText(name);
    m_secret->setPlaceholderText(tr("Same as “%1”").arg(profile.name));
    m_name->selectAll();
    m_name->setFocus();
    validate();
}

Auth::Profile ProfileDialog::profile() const
{
    Auth::Profile p;
    p.name = m_name->text();
    p.accessKeyId = m_accessKeyId->text();
    p.region = m_region->text();
    p.endpointUrl = m_endpoint->text();
    p.pathStyle = m_pathStyle->isChecked();
    p.mfaSerial = m_mfaSerial->text();
    p.caFile = m_caFile->text();
    return p;
}

QString ProfileDialog::problem() const
{
    const auto validated = Sessions::ProfileManager::validate(profile());
    if (!validated)
        return validated.error().userMessage();
    if (m_mode != Mode::Edit && m_session->profiles().contains(validated->name))
        return tr("A profile named “%1” exists already").arg(validated->name);
    const QString secret = m_secret->text();
    if (m_mode == Mode::Add && secret.isEmpty())
        return tr("Enter the secret access key that belongs to access key %1").arg(validated->accessKeyId);
    // Never quote the secret, not even in part.
    if (!secret.isEmpty() && secret.trimmed() != secret)
        return tr("The secret access key starts or ends with spaces: check what was pasted");
    if (!secret.isEmpty() && secret.size() < 16)
        return tr("The secret access key is too short to be one (AWS secrets are 40 characters)");
    return QString();
}

void ProfileDialog::validate()
{
    const QString message = problem();
    // A blank new form is not an error yet: only say what is wrong once something was typed.
    const bool pristine = m_mode == Mode::Add && m_name->text().isEmpty() && m_accessKeyId->text().isEmpty()
        && m_secret->text().isEmpty();
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty() && !pristine);
    m_ok->setEnabled(message.isEmpty() && !m_busy);
}

void ProfileDialog::fail(const QString &message)
{
    m_busy = false;
    validate();
    m_error->setText(message);
    m_error->setVisible(true);
}

void ProfileDialog::save()
{
    if (m_busy || !problem().isEmpty())
        return;
    const auto validated = Sessions::ProfileManager::validate(profile());
    if (!validated)
        return fail(validated.error().userMessage());
    m_busy = true;
    m_ok->setEnabled(false);
    const auto saved = [this](Outcome<Auth::Profile> stored) {
        if (!stored)
            return fail(stored.error().userMessage());
        m_busy = false;
        m_savedName = stored->name;
        accept();
    };
    Sessions::ProfileManager &profiles = m_session->profiles();
    switch (m_mode) {
    case Mode::Add:
        return profiles.add(validated.value(), m_secret->text(), this, saved);
    case Mode::Edit:
        return profiles.update(validated.value(), m_secret->text(), this, saved);
    case Mode::Duplicate:
        return profiles.duplicate(m_sourceName, validated.value(), m_secret->text(), this, saved);
    }
}

} // namespace RoleDrop::Ui
