#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QPushButton;

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

class AccountRolePicker;

// "Choose Account and Role": after signing in to an Identity Center profile that names no account and role, the
// accounts and roles the user may use (found through the session, found again on Retry / Refresh), searchable.
// Enter or a double-click on a role, or Open, chooses it: accepted, with the choice in the getters below.
class AccountRoleChooser final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccountRoleChooser)
public:
    AccountRoleChooser(Sessions::Session *session, const QString &profile, QWidget *parent = nullptr);

    AccountRolePicker *picker() const { return m_picker; }
    QString accountId() const { return m_accountId; }
    QString accountName() const { return m_accountName; }
    QString roleName() const { return m_roleName; }

    // Finds the accounts and roles (again, past the session's cache, when `refresh`).
    void load(bool refresh);

private:
    void choose(const QString &accountId, const QString &accountName, const QString &roleName);

    Sessions::Session *m_session;
    QString m_profile;
    AccountRolePicker *m_picker;
    QDialogButtonBox *m_buttons;
    QPushButton *m_open;
    QString m_accountId;
    QString m_accountName;
    QString m_roleName;
};

} // namespace RoleDrop::Ui
