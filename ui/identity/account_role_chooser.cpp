#include "ui/identity/account_role_chooser.h"

#include "core/session/session.h"
#include "ui/identity/account_role_picker.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

AccountRoleChooser::AccountRoleChooser(Sessions::Session *session, const QString &profile, QWidget *parent)
    : QDialog(parent), m_session(session), m_profile(profile), m_picker(new AccountRolePicker(this))
{
    setObjectName(QStringLiteral("accountRoleChooser"));
    setWindowTitle(tr("Choose Account and Role"));
    auto *intro = new QLabel(tr("Signed in. Choose the account and role that profile “%1” opens as; you can switch to "
                                "the others later with Switch Role.").arg(profile), this);
    intro->setObjectName(QStringLiteral("accountRoleChooserIntro"));
    intro->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_open = m_buttons->addButton(tr("&Open"), QDialogButtonBox::AcceptRole);
    m_open->setObjectName(QStringLiteral("openAccountRoleButton"));
    m_open->setEnabled(false);
    // Enter belongs to the picker (a role chooses it, an account opens or closes): no default button takes it.
    for (QAbstractButton *button : m_buttons->buttons()) {
        if (auto *push = qobject_cast<QPushButton *>(button))
            push->setAutoDefault(false);
    }

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_picker, 1);
    layout->addWidget(m_buttons);
    resize(520, 440);

    connect(m_picker, &AccountRolePicker::refreshRequested, this, [this] { load(true); });
    connect(m_picker, &AccountRolePicker::currentRoleChanged, this,
            [this](const QString &, const QString &, const QString &role) { m_open->setEnabled(!role.isEmpty()); });
    connect(m_picker, &AccountRolePicker::roleChosen, this, &AccountRoleChooser::choose);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_open, &QPushButton::clicked, this, [this] {
        choose(m_picker->currentAccountId(), m_picker->currentAccountName(), m_picker->currentRoleName());
    });
    load(false);
}

void AccountRoleChooser::load(bool refresh)
{
    m_picker->setLoading();
    m_session->identityCenterAccounts(m_profile, refresh, this, [this](Outcome<QList<Auth::SsoAccount>> accounts) {
        if (!accounts)
            return m_picker->setError(accounts.error().userMessage());
        m_picker->setAccounts(accounts.value());
        m_picker->view()->setFocus();
    });
}

void AccountRoleChooser::choose(const QString &accountId, const QString &accountName, const QString &roleName)
{
    if (accountId.isEmpty() || roleName.isEmpty())
        return;
    m_accountId = accountId;
    m_accountName = accountName;
    m_roleName = roleName;
    accept();
}

} // namespace RoleDrop::Ui
