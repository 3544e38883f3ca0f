#include "ui/identity/mfa_prompt.h"

#include "core/session/session.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QStyle>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

MfaPrompt::MfaPrompt(const QString &mfaSerial, const QString &roleArn, QWidget *parent)
    : QDialog(parent),
      m_code(new QLineEdit(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("mfaPrompt"));
    setWindowTitle(tr("MFA Code Needed"));
    auto *icon = new QLabel(this);
    icon->setPixmap(QIcon::fromTheme(QStringLiteral("dialog-password"), style()->standardIcon(QStyle::SP_MessageBoxQuestion))
                        .pixmap(32, 32));
    auto *text = new QLabel(tr("The session for role <b>%1</b> is about to expire. Renewing it needs a code from "
                               "your MFA device <b>%2</b>.").arg(roleArn.toHtmlEscaped(), mfaSerial.toHtmlEscaped()), this);
    text->setWordWrap(true);
    m_code->setObjectName(QStringLiteral("mfaCodeField"));
    m_code->setPlaceholderText(tr("123456"));
    m_code->setMaxLength(6);
    m_code->setEchoMode(QLineEdit::Password);
    m_code->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{0,6}")), m_code));
    m_code->setInputMethodHints(Qt::ImhDigitsOnly | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Renew"));
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("&Not Now"));
    m_buttons->button(QDialogButtonBox::Cancel)->setToolTip(tr("The role session ends when its credentials expire"));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);

    auto *top = new QHBoxLayout;
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addWidget(text, 1);
    auto *form = new QFormLayout;
    form->addRow(tr("&Code:"), m_code);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(form);
    layout->addWidget(m_buttons);

    setMinimumWidth(460);
    connect(m_code, &QLineEdit::textChanged, this, [this](const QString &code) {
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(code.size() == 6);
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString MfaPrompt::code() const
{
    return m_code->text();
}

void installMfaPrompt(Sessions::Session *session, QWidget *parent)
{
    auto open = std::make_shared<QPointer<MfaPrompt>>();
    QObject::connect(session, &Sessions::Session::mfaCodeNeeded, parent,
                     [session, parent, open](const QString &serial, const QString &roleArn) {
        if (*open)
            return;
        auto *prompt = new MfaPrompt(serial, roleArn, parent);
        prompt->setAttribute(Qt::WA_DeleteOnClose);
        *open = prompt;
        QObject::connect(prompt, &QDialog::finished, session, [session, prompt](int result) {
            if (result == QDialog::Accepted)
                session->provideMfaCode(prompt->code());
            else
                session->declineMfaCode();
        });
        prompt->open();
    });
}

} // namespace RoleDrop::Ui
