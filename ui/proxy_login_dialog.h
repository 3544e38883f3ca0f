#pragma once

#include "core/http/proxy_login.h"

#include <QDialog>

#include <optional>

class QDialogButtonBox;
class QLineEdit;

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

// Asks for the user name and password of a proxy that answered 407 ("Proxy Authentication Required"). The
// answer is kept by the session for this process only: never written to the settings or the keychain.
class ProxyLoginDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProxyLoginDialog)
public:
    ProxyLoginDialog(const QString &proxyName, const QString &lastUser, QWidget *parent = nullptr);

    Http::ProxyLogin login() const;

private:
    QLineEdit *m_user;
    QLineEdit *m_password;
    QDialogButtonBox *m_buttons;
};

// Makes the session ask through a ProxyLoginDialog over `parent`. The dialog is modal and answered before the
// request goes on: Qt reads the login when the question returns.
void installProxyLoginPrompt(Sessions::Session *session, QWidget *parent);

} // namespace RoleDrop::Ui
