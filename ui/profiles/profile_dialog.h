#pragma once

#include "core/auth/profile.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

// Adds, edits or duplicates one of RoleDrop's profiles. The secret key goes only to the keychain
// (written before the profile is saved, so a profile never exists without its secret); the rest goes
// to the ProfileStore. Checked as the user types with ProfileStore::validate.
class ProfileDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProfileDialog)
public:
    enum class Mode { Add, Edit, Duplicate };

    explicit ProfileDialog(Sessions::Session *session, QWidget *parent = nullptr);

    // Edit: the name is fixed and an empty secret keeps the stored one.
    void editProfile(const RoleDrop::Auth::Profile &profile);
    // Duplicate: a new name; an empty secret copies the original's from the keychain.
    void duplicateProfile(const RoleDrop::Auth::Profile &profile);

    Mode mode() const { return m_mode; }
    RoleDrop::Auth::Profile profile() const;
    // The first problem with the form, empty when it can be saved.
    QString problem() const;
    QString savedName() const { return m_savedName; }

private:
    void fill(const RoleDrop::Auth::Profile &profile);
    void validate();
    void save();
    void fail(const QString &message);

    Sessions::Session *m_session;
    Mode m_mode = Mode::Add;
    QString m_sourceName;
    QString m_savedName;
    QLineEdit *m_name;
    QLineEdit *m_accessKeyId;
    QLineEdit *m_secret;
    QLineEdit *m_region;
    QLineEdit *m_endpoint;
    QCheckBox *m_pathStyle;
    QLineEdit *m_mfaSerial;
    QLineEdit *m_caFile;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QPushButton *m_ok;
    bool m_busy = false;
};

} // namespace RoleDrop::Ui
