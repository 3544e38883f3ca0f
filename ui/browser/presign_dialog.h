#pragma once

#include "core/auth/identity.h"

#include <QDateTime>
#include <QDialog>
#include <QUrl>

namespace RoleDrop::Ui {

// When a presigned URL really stops working: at the expiry asked for, or earlier when it was signed
// with temporary credentials (a role session) that expire first.
struct PresignValidity
{
    QDateTime end;
    bool cutBySession = false;  // the role session ends before the asked expiry
};
PresignValidity presignValidity(const QDateTime &now, qint64 expiresSeconds, const Auth::Identity &signer);

// Shows a presigned URL with a Copy button and the time it really stops working.
class PresignDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PresignDialog)
public:
    PresignDialog(const QString &s3Uri, const QUrl &url, qint64 expiresSeconds, const PresignValidity &validity,
                  QWidget *parent = nullptr);

    QString validityText() const { return m_validityText; }

private:
    QString m_validityText;
};

} // namespace RoleDrop::Ui
