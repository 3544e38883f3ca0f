#pragma once

#include <QDialog>
#include <QStringList>

class QDialogButtonBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

// Copies profiles with static keys from the AWS CLI's ~/.aws files into RoleDrop: the key id and the
// rest into the ProfileStore, the secret into the keychain. The ~/.aws files are only read. Profiles
// that cannot be imported (roles, temporary keys) are listed greyed with the reason.
class ImportAwsProfilesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImportAwsProfilesDialog)
public:
    explicit ImportAwsProfilesDialog(Sessions::Session *session, QWidget *parent = nullptr);

    QStringList importable() const;
    void setChecked(const QString &profileName, bool checked);
    QStringList imported() const { return m_imported; }

private:
    void populate();
    void updateButtons();
    void importChecked();

    Sessions::Session *m_session;
    QLabel *m_summary;
    QListWidget *m_list;
    QLabel *m_warnings;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QPushButton *m_import;
    QStringList m_imported;
    QStringList m_failures;
    bool m_busy = false;
};

} // namespace RoleDrop::Ui
