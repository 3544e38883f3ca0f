#pragma once

#include "core/auth/profile.h"

#include <QDialog>
#include <QStringList>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLayout;
class QLineEdit;
class QPushButton;
class QToolButton;

namespace RoleDrop::Ui {

// Adds or edits a profile that signs in instead of holding keys: "Identity Center" (start URL, its region, how
// to sign in) or "OpenID Connect" (issuer, client, scopes, the role its ID token is exchanged for), with the S3
// side (region, endpoint, CA file) folded under Advanced. Checked as the user types with the profile store's own
// checks, each message under the field at fault; Save stays disabled until the profile is valid.
// Standalone: it stores nothing. Save emits saveRequested() when someone listens (who answers with accept() or
// saveFailed()), else it accepts at once; profile() and clientSecret() then say what was entered.
class FederatedProfileDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FederatedProfileDialog)
public:
    // kind: IdentityCenter or OpenIdConnect.
    explicit FederatedProfileDialog(RoleDrop::Auth::ProfileKind kind, QWidget *parent = nullptr);

    RoleDrop::Auth::ProfileKind kind() const { return m_kind; }
    // Names already taken (a new profile must not reuse one).
    void setExistingNames(const QStringList &names);
    // Edit: the name is fixed; what the form does not show (the account and role to open as) is kept, and an empty
    // client secret keeps the stored one.
    void editProfile(const RoleDrop::Auth::Profile &profile);
    bool isEditing() const { return m_editing; }

    // The profile as entered (fields trimmed when valid; what validate() would store).
    RoleDrop::Auth::Profile profile() const;
    // OpenIdConnect: the client secret typed, for the keychain only (never part of profile()). Empty: none, or when
    // editing, the stored one unchanged.
    QString clientSecret() const;
    // The first problem with the form, empty when it can be saved.
    QString problem() const;

public slots:
    // The caller could not store the profile: says why and lets the user try again.
    void saveFailed(const QString &message);

signals:
    // Save was pressed on a valid form (only when connected; else the dialog accepts itself).
    void saveRequested(const RoleDrop::Auth::Profile &profile);

protected:
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QList<QLabel *> messageLabels() const;
    void sizeMessagesForTheirWidth();
    void fitToContents();
    QLineEdit *addLineEdit(const char *objectName, const QString &accessibleName);
    void addRow(QFormLayout *form, const QString &label, QWidget *field, QLabel *error, QLayout *fieldRow = nullptr);
    void setAdvancedVisible(bool visible);
    void validate();
    void save();
    RoleDrop::Auth::Profile knownGood() const;
    QString problemWith(const RoleDrop::Auth::Profile &probe) const;

    RoleDrop::Auth::ProfileKind m_kind;
    RoleDrop::Auth::Profile m_original;   // what editing started from: keeps the fields the form does not show
    QStringList m_existingNames;
    bool m_editing = false;
    bool m_busy = false;
    bool m_regionFollowsSso = true;       // the S3 region follows Identity Center's until the user sets it

    QLineEdit *m_name;
    QLabel *m_nameError;
    // Identity Center
    QLineEdit *m_startUrl = nullptr;
    QLabel *m_startUrlError = nullptr;
    QComboBox *m_ssoRegion = nullptr;
    QLabel *m_ssoRegionError = nullptr;
    QButtonGroup *m_method = nullptr;
    // OpenID Connect
    QLineEdit *m_issuer = nullptr;
    QLabel *m_issuerError = nullptr;
    QLineEdit *m_clientId = nullptr;
    QLabel *m_clientIdError = nullptr;
    QLineEdit *m_clientSecret = nullptr;
    QLineEdit *m_scopes = nullptr;
    QLineEdit *m_roleArn = nullptr;
    QLabel *m_roleArnError = nullptr;
    // Advanced: the S3 side
    QToolButton *m_advancedToggle;
    QWidget *m_advanced;
    QLineEdit *m_region;
    QLabel *m_regionError;
    QLineEdit *m_endpoint;
    QLabel *m_endpointError;
    QCheckBox *m_pathStyle;
    QLineEdit *m_caFile;
    QLabel *m_caFileError;

    QLabel *m_error;          // what no single field explains, and a failed save
    QDialogButtonBox *m_buttons;
    QPushButton *m_save;
};

} // namespace RoleDrop::Ui
