#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

// Asks for a 6-digit MFA code when a role session that needed MFA is renewed in the background.
// The code goes straight to the credential provider and is never stored.
class MfaPrompt final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MfaPrompt)
public:
    MfaPrompt(const QString &mfaSerial, const QString &roleArn, QWidget *parent = nullptr);

    QString code() const;

private:
    QLineEdit *m_code;
    QDialogButtonBox *m_buttons;
};

// Shows an MfaPrompt whenever the session's credential provider asks for a code, and hands the answer
// (or the refusal) back to it. One prompt at a time.
void installMfaPrompt(Sessions::Session *session, QWidget *parent);

} // namespace RoleDrop::Ui
