#include "ui/browser/object_properties_dialog.h"

#include "ui/human_units.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

ObjectPropertiesDialog::ObjectPropertiesDialog(const QString &bucket, const QString &key,
                                               const S3::ObjectMetadata &metadata, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Properties of %1").arg(key.section(QLatin1Char('/'), -1)));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    const auto addRow = [this, form](const QString &label, const QString &value) {
        auto *field = new QLabel(value.isEmpty() ? tr("(none)") : value, this);
        // Users copy ETags and keys into tickets and scripts.
        field->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        field->setWordWrap(true);
        form->addRow(label, field);
    };
    addRow(tr("Location:"), QStringLiteral("s3://%1/%2").arg(bucket, key));
    // The exact count beside a rounded one ("40 MiB (41,943,040 bytes)"); below 1 KiB it is exact already.
    addRow(tr("Size:"), metadata.size < 1024 ? humanSize(metadata.size)
                                             : tr("%1 (%L2 bytes)").arg(humanSize(metadata.size)).arg(metadata.size));
    addRow(tr("Last modified:"), humanTime(metadata.lastModified));
    addRow(tr("Content type:"), metadata.contentType);
    addRow(tr("ETag:"), metadata.eTag);
    addRow(tr("Storage class:"), metadata.storageClass.isEmpty() ? QStringLiteral("STANDARD") : metadata.storageClass);
    if (!metadata.versionId.isEmpty())
        addRow(tr("Version:"), metadata.versionId);
    for (auto it = metadata.userMetadata.cbegin(); it != metadata.userMetadata.cend(); ++it)
        addRow(QStringLiteral("x-amz-meta-%1:").arg(it.key()), it.value());
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace RoleDrop::Ui
