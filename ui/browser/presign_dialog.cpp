#include "ui/browser/presign_dialog.h"

#include "ui/human_units.h"
#include "ui/sensitive_clipboard.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

PresignDialog::PresignDialog(const QString &s3Uri, const Sessions::PresignedUrl &presigned, qint64 expiresSeconds,
                             QWidget *parent)
    : QDialog(parent)
{
    const QUrl url = presigned.url;
    setWindowTitle(tr("Presigned URL"));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->addRow(tr("Object:"), new QLabel(s3Uri, this));
    auto *urlEdit = new QLineEdit(url.toString(QUrl::FullyEncoded), this);
    urlEdit->setReadOnly(true);
    urlEdit->setMinimumWidth(520);
    urlEdit->setCursorPosition(0);
    form->addRow(tr("&URL:"), urlEdit);
    layout->addLayout(form);

    const QString end = humanTime(presigned.end);
    if (presigned.cutBySession)
        m_validityText = tr("Asked for %1, but this URL stops working when the role session ends at %2: "
                            "it was signed with the role's temporary credentials.")
                             .arg(humanDuration(expiresSeconds), end);
    else
        m_validityText = tr("Anyone with this URL can download the object until %1 (in %2).")
                             .arg(end, humanDuration(expiresSeconds));
    auto *validityLabel = new QLabel(m_validityText, this);
    validityLabel->setWordWrap(true);
    validityLabel->setObjectName(QStringLiteral("presignValidity"));
    if (presigned.cutBySession)
        validityLabel->setStyleSheet(QStringLiteral("color: palette(highlighted-text); background: #a15c00; padding: 6px; border-radius: 3px;"));
    layout->addWidget(validityLabel);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *copy = buttons->addButton(tr("&Copy URL"), QDialogButtonBox::ActionRole);
    copy->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
    copy->setDefault(true);
    connect(copy, &QPushButton::clicked, this, [url, copy] {
        copySensitiveText(url.toString(QUrl::FullyEncoded));
        copy->setText(tr("Copied"));
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace RoleDrop::Ui
