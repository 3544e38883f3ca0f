#pragma once

#include "core/session/presigned_url.h"

#include <QDialog>

namespace RoleDrop::Ui {

// Shows a presigned URL with a Copy button and the time it really stops working.
class PresignDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PresignDialog)
public:
    PresignDialog(const QString &s3Uri, const Sessions::PresignedUrl &presigned, qint64 expiresSeconds,
                  QWidget *parent = nullptr);

    QString validityText() const { return m_validityText; }

private:
    QString m_validityText;
};

} // namespace RoleDrop::Ui
