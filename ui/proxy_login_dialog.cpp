#include "ui/proxy_login_dialog.h"

#include "core/session/session.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

ProxyLoginDialog::ProxyLoginDialog(const QString &proxyName, const QString &lastUser, QWidget *parent)
    : QDialog(parent),
      m_user(new QLineEdit(lastUser, this)),
      m_password(new QLineEdit(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("proxyLoginDialog"));
    setWindowTitle(tr("Proxy Login"));
    auto *text = new QLabel(tr("The proxy <b>%1</b> asks for a user name and password. They are kept until RoleDrop "
                               "quits, and never saved.").arg(proxyName.toHtmlEscaped()), this);
    text->setObjectName(QStringLiteral("proxyLoginText"));
    text->setWordWrap(true);
    m_user->setObjectName(QStringLiteral("proxyUserField"));
    m_password->setObjectName(QStringLiteral("proxyPasswordField"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setInputMethodHints(Qt::ImhSensitiveData | Qt::ImhNoPredictiveText | Qt::ImhNoAutoUppercase);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Log In"));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!lastUser.isEmpty());

    auto *form = new QFormLayout;
    form->addRow(tr("&User name:"), m_user);
    form->addRow(tr("&Password:"), m_password);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    setMinimumWidth(420);
    if (!lastUser.isEmpty())
        m_password->setFocus();

    connect(m_user, &QLineEdit::textChanged, this, [this](const QString &user) {
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!user.isEmpty());
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

Http::ProxyLogin ProxyLoginDialog::login() const
{
    return {m_user->text(), m_password->text()};
}

void installProxyLoginPrompt(Sessions::Session *session, QWidget *parent)
{
    session->setProxyLoginPrompt([parent = QPointer<QWidget>(parent)](const QString &proxyName, const QString &lastUser)
                                     -> std::optional<Http::ProxyLogin> {
        if (!parent)
            return std::nullopt;
        ProxyLoginDialog dialog(proxyName, lastUser, parent);
        if (dialog.exec() != QDialog::Accepted)
            return std::nullopt;
        return dialog.login();
    });
}

} // namespace RoleDrop::Ui
