#include "ui/profiles/profile_fields.h"

#include "ui/local_file_dialog.h"

#include <QAction>
#include <QCoreApplication>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>

namespace RoleDrop::Ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("RoleDrop::Ui::ProfileFields", text);
}

} // namespace

QStringList awsRegionNames()
{
    return {QStringLiteral("us-east-1"),      QStringLiteral("us-east-2"),      QStringLiteral("us-west-1"),
            QStringLiteral("us-west-2"),      QStringLiteral("af-south-1"),     QStringLiteral("ap-east-1"),
            QStringLiteral("ap-south-1"),     QStringLiteral("ap-south-2"),     QStringLiteral("ap-southeast-1"),
            QStringLiteral("ap-southeast-2"), QStringLiteral("ap-southeast-3"), QStringLiteral("ap-southeast-4"),
            QStringLiteral("ap-northeast-1"), QStringLiteral("ap-northeast-2"), QStringLiteral("ap-northeast-3"),
            QStringLiteral("ca-central-1"),   QStringLiteral("ca-west-1"),      QStringLiteral("eu-central-1"),
            QStringLiteral("eu-central-2"),   QStringLiteral("eu-west-1"),      QStringLiteral("eu-west-2"),
            QStringLiteral("eu-west-3"),      QStringLiteral("eu-south-1"),     QStringLiteral("eu-south-2"),
            QStringLiteral("eu-north-1"),     QStringLiteral("il-central-1"),   QStringLiteral("me-south-1"),
            QStringLiteral("me-central-1"),   QStringLiteral("sa-east-1"),      QStringLiteral("us-gov-east-1"),
            QStringLiteral("us-gov-west-1")};
}

void setUpEndpointField(QLineEdit *field)
{
    field->setPlaceholderText(tr("Empty for AWS; e.g. https://rgw.example.com for Ceph RGW"));
}

QHBoxLayout *caFileChooserRow(QWidget *form, QLineEdit *field)
{
    field->setPlaceholderText(tr("Optional: PEM file of a private CA, trusted besides the system's"));
    field->setToolTip(tr("For a server whose certificate comes from your organisation's own CA. Its certificates are "
                                    "added to the system's; certificates are always checked. AWS_CA_BUNDLE, when set, comes first."));
    auto *browse = new QPushButton(tr("&Browse…"), form);
    browse->setObjectName(QStringLiteral("browseCaFileButton"));
    browse->setAccessibleName(tr("Browse for a CA file"));
    browse->setAutoDefault(false);
    QObject::connect(browse, &QPushButton::clicked, field, [form, field] {
        QFileDialog *dialog = localFileDialog(form, tr("CA certificates (PEM)"), QFileDialog::ExistingFile, field->text());
        dialog->setObjectName(QStringLiteral("caFileDialog"));
        dialog->setNameFilter(tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"));
        QObject::connect(dialog, &QFileDialog::fileSelected, field, [field](const QString &file) {
            if (!file.isEmpty())
                field->setText(file);
        });
        dialog->open();
    });
    auto *row = new QHBoxLayout;
    row->addWidget(field, 1);
    row->addWidget(browse);
    return row;
}

void setUpSecretField(QLineEdit *field, const QString &revealToolTip)
{
    field->setEchoMode(QLineEdit::Password);
    field->setInputMethodHints(Qt::ImhSensitiveData | Qt::ImhNoPredictiveText | Qt::ImhNoAutoUppercase);
    QAction *reveal = field->addAction(QIcon::fromTheme(QStringLiteral("view-visible"),
                                                        field->style()->standardIcon(QStyle::SP_FileDialogContentsView)),
                                       QLineEdit::TrailingPosition);
    reveal->setObjectName(QStringLiteral("revealSecretAction"));
    reveal->setCheckable(true);
    reveal->setToolTip(revealToolTip);
    QObject::connect(reveal, &QAction::toggled, field, [field](bool on) {
        field->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
    });
}

QToolButton *newAdvancedToggle(QWidget *parent)
{
    auto *toggle = new QToolButton(parent);
    toggle->setObjectName(QStringLiteral("advancedToggle"));
    toggle->setAccessibleName(tr("Advanced settings"));
    toggle->setText(tr("Ad&vanced"));
    toggle->setCheckable(true);
    toggle->setAutoRaise(true);
    toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toggle->setArrowType(Qt::RightArrow);
    return toggle;
}

QLabel *newErrorLabel(QWidget *parent, const QString &objectName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setAccessibleName(tr("Error"));
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("QLabel { color: #B0271A; }"));
    label->setVisible(false);
    return label;
}

} // namespace RoleDrop::Ui
