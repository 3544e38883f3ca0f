#include "ui/transfers/conflict_dialog.h"

#include "core/common/human_size.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

namespace {

QString describe(qint64 size, const QDateTime &modified)
{
    const QLocale locale;
    QString text = size < 0 ? ConflictDialog::tr("size unknown") : humanSize(size, locale);
    if (modified.isValid())
        text += ConflictDialog::tr(", modified %1").arg(locale.toString(modified.toLocalTime(), QLocale::ShortFormat));
    return text;
}

} // namespace

ConflictDialog::ConflictDialog(const ConflictInfo &info, QWidget *parent) : QDialog(parent)
{
    const bool download = info.direction == Transfers::TransferDirection::Download;
    setWindowTitle(download ? tr("File Already Exists") : tr("Object Already Exists"));
    setObjectName(QStringLiteral("conflictDialog"));

    auto *icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxQuestion).pixmap(48, 48));
    icon->setAlignment(Qt::AlignTop);

    const QString name = download ? QFileInfo(info.localPath).fileName() : info.key.mid(info.key.lastIndexOf(QLatin1Char('/')) + 1);
    const QString folder = download ? QDir::toNativeSeparators(QFileInfo(info.localPath).absolutePath())
                                    : QStringLiteral("s3://%1/%2").arg(info.bucket, info.key.left(info.key.lastIndexOf(QLatin1Char('/')) + 1));
    auto *headline = new QLabel(tr("<b>“%1” already exists in %2</b>").arg(name.toHtmlEscaped(), folder.toHtmlEscaped()), this);
    headline->setWordWrap(true);
    headline->setTextFormat(Qt::RichText);

    auto *facts = new QFormLayout;
    if (download) {
        facts->addRow(tr("Existing file:"), new QLabel(describe(info.localSize, info.localModified), this));
        facts->addRow(tr("Object to download:"), new QLabel(describe(info.remoteSize, info.remoteModified), this));
    } else {
        facts->addRow(tr("Existing object:"), new QLabel(describe(info.remoteSize, info.remoteModified), this));
        facts->addRow(tr("File to upload:"), new QLabel(describe(info.localSize, info.localModified), this));
    }

    m_applyToAll = new QCheckBox(info.remaining == 1 ? tr("&Apply to the other conflict too")
                                                     : tr("&Apply to all %1 other conflicts").arg(info.remaining), this);
    m_applyToAll->setObjectName(QStringLiteral("applyToAll"));
    m_applyToAll->setVisible(info.remaining > 0);

    auto *buttons = new QDialogButtonBox(this);
    m_overwrite = buttons->addButton(tr("&Overwrite"), QDialogButtonBox::DestructiveRole);
    m_overwrite->setObjectName(QStringLiteral("overwrite"));
    // Replacing is never what Enter does: not by default, nor when the button merely has the focus.
    m_overwrite->setAutoDefault(false);
    m_overwrite->setDefault(false);
    m_overwrite->setToolTip(download ? tr("Replace the local file with the object") : tr("Replace the object in the bucket with the local file"));
    m_skip = buttons->addButton(tr("&Skip"), QDialogButtonBox::RejectRole);
    m_skip->setObjectName(QStringLiteral("skip"));
    m_skip->setToolTip(download ? tr("Leave the file as it is and do not download this object")
                                : tr("Leave the object as it is and do not upload this file"));
    m_keepBoth = buttons->addButton(tr("&Keep Both"), QDialogButtonBox::AcceptRole);
    m_keepBoth->setObjectName(QStringLiteral("keepBoth"));
    m_keepBoth->setDefault(true);
    m_keepBoth->setToolTip(download ? tr("Download under a new name, like “name (1).ext”") : tr("Upload under a new name, like “name (1).ext”"));
    m_download = download;
    connect(m_overwrite, &QPushButton::clicked, this, [this] { choose(Transfers::ConflictChoice::Overwrite); });
    connect(m_skip, &QPushButton::clicked, this, [this] { choose(Transfers::ConflictChoice::Skip); });
    connect(m_keepBoth, &QPushButton::clicked, this, [this] { choose(Transfers::ConflictChoice::KeepBoth); });

    auto *text = new QVBoxLayout;
    text->addWidget(headline);
    text->addLayout(facts);
    text->addWidget(m_applyToAll);
    auto *top = new QHBoxLayout;
    top->addWidget(icon);
    top->addLayout(text, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buttons);
    setMinimumWidth(440);
    m_keepBoth->setFocus();  // Enter and Space keep both; the focus does not start on Overwrite
}

bool ConflictDialog::applyToAll() const
{
    return !m_applyToAll->isHidden() && m_applyToAll->isChecked();
}

void ConflictDialog::setKeepBothName(const QString &key)
{
    const QString name = key.mid(key.lastIndexOf(QLatin1Char('/')) + 1);
    m_keepBoth->setToolTip(m_download ? tr("Download as “%1”").arg(name) : tr("Upload as “%1”").arg(name));
}

void ConflictDialog::choose(Transfers::ConflictChoice choice)
{
    m_choice = choice;
    // Escape/closing means Skip (the safe answer), so every way out leaves a defined choice.
    if (choice == Transfers::ConflictChoice::Skip)
        reject();
    else
        accept();
}

} // namespace RoleDrop::Ui
