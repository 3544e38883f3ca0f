#pragma once

#include "core/s3/s3_types.h"

#include <QDialog>

namespace RoleDrop::Ui {

// What HeadObject says about one object: size, type, ETag, storage class, user metadata.
class ObjectPropertiesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ObjectPropertiesDialog)
public:
    ObjectPropertiesDialog(const QString &bucket, const QString &key, const S3::ObjectMetadata &metadata,
                           QWidget *parent = nullptr);
};

} // namespace RoleDrop::Ui
