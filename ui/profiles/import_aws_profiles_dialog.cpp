#include "ui/profiles/import_aws_profiles_dialog.h"
#include "ui/profiles/profile_fields.h"

#include "core/auth/profile_store.h"
#include "core/session/session.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

namespace {
constexpr int kNameRole = Qt::UserRole + 1;
}

ImportAwsProfilesDialog::ImportAwsProfilesDialog(Sessions::Session *session, QWidget *parent)
    : QDialog(parent),
      m_session(session),
      m_summary(new QLabel(this)),
      m_list(new QListWidget(this)),
      m_warnings(new QLabel(this)),
      m_error(newErrorLabel(this, QStringLiteral("importError"))),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("importAwsProfilesDialog"));
    setWindowTitle(tr("Import from ~/.aws"));
    m_summary->setWordWrap(true);
    m_list->setObjectName(QStringLiteral("importList"));
    m_list->setAccessibleName(tr("Profiles to import"));
    m_warnings->setObjectName(QStringLiteral("importWarnings"));
    m_warnings->setWordWrap(true);
    m_warnings->setStyleSheet(QStringLiteral("QLabel { background: #FFF4E0; color: #5F3B00; border: 1px solid #F2C26B;"
                                             " border-radius: 4px; padding: 6px; }"));
    m_import = m_buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName(QStringLiteral("importButton"));
    m_import->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_warnings);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_list, &QListWidget::itemChanged, this, &ImportAwsProfilesDialog::updateButtons);
    connect(m_import, &QPushButton::clicked, this, &ImportAwsProfilesDialog::importChecked);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_session->profiles().reloadAwsConfig();
    populate();
    resize(520, 420);
}

void ImportAwsProfilesDialog::populate()
{
    const Auth::AwsSharedConfig &config = m_session->profiles().awsConfig();
    m_summary->setText(tr("Profiles with access keys or an IAM Identity Center sign-in in <tt>%1</tt> and <tt>%2</tt>. RoleDrop "
                          "copies them: a secret goes to the system keychain, and the ~/.aws files are left as they are.")
                           .arg(config.configPath().toHtmlEscaped(), config.credentialsPath().toHtmlEscaped()));
    m_list->clear();
    for (const QString &name : config.profileNames()) {
        const auto profile = config.profile(name);
        if (!profile)
            continue;
        auto *item = new QListWidgetItem(m_list);
        item->setData(kNameRole, name);
        QString reason;
        if (!profile->sessionToken.isEmpty())
            reason = tr("temporary keys (session token): they would stop working");
        else if (!profile->hasStaticCredentials() && !profile->usesSso())
            reason = profile->roleArn.isEmpty() ? tr("no access keys") : tr("a role profile: switch to its role from the imported source profile");
        else if (Auth::ProfileStore::checkName(name))
            reason = tr("the name cannot be a RoleDrop profile name");
        if (!reason.isEmpty()) {
            item->setText(tr("%1 — %2").arg(name, reason));
            item->setFlags(Qt::ItemIsSelectable);  // shown, greyed, not checkable
            continue;
        }
        const bool exists = m_session->profiles().contains(name);
        // What identifies it: its access key, or (Identity Center) its role in its account.
        const QString what = profile->usesSso() ? tr("Identity Center: %1 in %2").arg(profile->ssoRoleName, profile->ssoAccountId)
                                                : profile->accessKeyId;
        item->setText(exists ? tr("%1  (%2, replaces RoleDrop's profile of that name)").arg(name, what)
                             : tr("%1  (%2)").arg(name, what));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        item->setCheckState(exists ? Qt::Unchecked : Qt::Checked);
        item->setIcon(QIcon::fromTheme(QStringLiteral("dialog-password"), style()->standardIcon(QStyle::SP_DriveNetIcon)));
    }
    if (m_list->count() == 0)
        m_list->addItem(tr("No profiles found"));
    const QStringList problems = config.problems();
    m_warnings->setText(problems.isEmpty() ? QString() : tr("Some lines could not be read:\n%1").arg(problems.join(QLatin1Char('\n'))));
    m_warnings->setVisible(!problems.isEmpty());
    updateButtons();
}

QStringList ImportAwsProfilesDialog::importable() const
{
    QStringList names;
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->flags() & Qt::ItemIsUserCheckable)
            names << m_list->item(i)->data(kNameRole).toString();
    }
    return names;
}

void ImportAwsProfilesDialog::setChecked(const QString &profileName, bool checked)
{
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        if ((item->flags() & Qt::ItemIsUserCheckable) && item->data(kNameRole).toString() == profileName)
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    }
}

void ImportAwsProfilesDialog::updateButtons()
{
    int checked = 0;
    for (int i = 0; i < m_list->count(); ++i)
        checked += m_list->item(i)->checkState() == Qt::Checked ? 1 : 0;
    m_import->setEnabled(checked > 0 && !m_busy);
    m_import->setText(checked > 1 ? tr("&Import %1 Profiles").arg(checked) : tr("&Import"));
}

void ImportAwsProfilesDialog::importChecked()
{
    QStringList chosen;
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->checkState() == Qt::Checked)
            chosen << m_list->item(i)->data(kNameRole).toString();
    }
    if (chosen.isEmpty() || m_busy)
        return;
    m_busy = true;
    m_imported.clear();
    m_failures.clear();
    m_error->setVisible(false);
    updateButtons();
    m_session->profiles().importFromAws(chosen, this, [this](Outcome<Sessions::ProfileManager::ImportResult> result) {
        m_busy = false;
        updateButtons();
        m_imported = result->imported;
        m_failures = result->failures;
        if (m_failures.isEmpty()) {
            accept();
            return;
        }
        m_error->setText(m_failures.join(QLatin1Char('\n')));
        m_error->setVisible(true);
    });
}

} // namespace RoleDrop::Ui
