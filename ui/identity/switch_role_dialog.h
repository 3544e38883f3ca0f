#pragma once

#include "core/auth/role_history.h"
#include "core/sts/sts_requests.h"

#include <QDialog>
#include <QPointer>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QToolButton;
class QWidget;

namespace RoleDrop::Http {
class AwsCall;
}

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

class AccountRolePicker;

// The console's Switch Role form: account + role (or a full ARN), a display name and a colour, plus an
// Advanced part for the rest of AssumeRole. Everything is checked as the user types, with the message
// under the field at fault (gone as soon as the field is right); the request is only sent when the form is
// valid. Like the console it switches from the base identity; while in a role, "Switch from this role" chains
// instead (one hour at most). A refused switch keeps the dialog open with the server's answer and what to
// change (a duration above the role's maximum offers "Use 1 hour"); a successful one closes it.
// The dialog grows to show a message and shrinks back when it goes.
class SwitchRoleDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SwitchRoleDialog)
public:
    explicit SwitchRoleDialog(Sessions::Session *session, QWidget *parent = nullptr);
    ~SwitchRoleDialog() override;

    void prefill(const RoleDrop::Auth::RoleHistoryEntry &entry);
    // Shows a message in the dialog's banner, e.g. why a quick switch from the profile list needs more.
    void showError(const QString &message);

    // The request the form describes (not yet validated) and what the dialog would label it.
    RoleDrop::Sts::AssumeRoleRequest request() const;
    QString effectiveDisplayName() const;
    QString chosenColor() const;
    bool isFormValid() const { return m_valid; }
    // Whether the new session would be a chained one (capped at one hour): "Switch from this role" is ticked,
    // or the base identity is itself a role (the end of a ~/.aws profile's role chain).
    bool isChaining() const;

    // While the open profile is an Identity Center one: the user's accounts and roles (null otherwise).
    AccountRolePicker *identityCenterPicker() const { return m_identityCenterPicker; }

    void reject() override;

protected:
    void showEvent(QShowEvent *event) override;

private:
    void buildSavedRoles(QHBoxLayout *row);
    QWidget *buildIdentityCenterAccounts();
    void loadIdentityCenterAccounts(bool refresh);
    void switchToAccountRole(const QString &accountId, const QString &accountName, const QString &roleName);
    void reloadSavedRoles();
    void reloadRecentRoles();
    void validate();
    void setFieldError(QLabel *label, const QString &message, bool show);
    void setAdvancedVisible(bool visible);
    void fitToContents();
    void updateIntro();
    void applyChainingCap();
    void retryWithSuggestedDuration();
    bool fromCurrentRole() const;
    void setBusy(bool busy);
    void startSwitch();
    void saveCurrentRole();
    RoleDrop::Auth::RoleHistoryEntry currentEntry() const;
    QString defaultDisplayName() const;
    std::optional<int> typedDuration() const;

    Sessions::Session *m_session;
    QString m_mfaSerial;
    bool m_canChainFromRole;   // in a role other than the base identity
    bool m_baseIsRole;
    bool m_valid = false;
    int m_suggestedDuration = 0;   // offered by the banner's button after a refused duration

    QLabel *m_banner;
    QPushButton *m_useSuggestedButton;
    QLabel *m_intro;
    QCheckBox *m_chainCheck;
    QComboBox *m_savedCombo;
    QLineEdit *m_savedSearch;
    QWidget *m_recentRow;
    QHBoxLayout *m_recentLayout;
    QLineEdit *m_account;
    QLabel *m_accountError;
    QLineEdit *m_role;
    QLabel *m_roleError;
    QLineEdit *m_displayName;
    QLabel *m_displayNameError;
    QButtonGroup *m_colors;
    QToolButton *m_advancedToggle;
    QWidget *m_advanced;
    QLineEdit *m_sessionName;
    QLabel *m_sessionNameError;
    QLineEdit *m_duration;
    QLabel *m_durationNote;
    QLabel *m_durationError;
    QLineEdit *m_externalId;
    QLabel *m_externalIdError;
    QLabel *m_mfaLabel;
    QLineEdit *m_mfaCode;
    QLabel *m_mfaError;
    QPlainTextEdit *m_policy;
    QLabel *m_policyError;
    QPushButton *m_saveButton;
    QDialogButtonBox *m_buttons;
    QPushButton *m_switchButton;
    AccountRolePicker *m_identityCenterPicker = nullptr;
    QPointer<RoleDrop::Http::AwsCall> m_call;
    bool m_busy = false;
};

} // namespace RoleDrop::Ui
