#include "ui/sensitive_clipboard.h"

#include <QApplication>
#include <QClipboard>
#include <QMimeData>

namespace RoleDrop::Ui {

void copySensitiveText(const QString &text)
{
    auto *mime = new QMimeData;
    mime->setText(text);
    mime->setData(QStringLiteral("x-kde-passwordManagerHint"), QByteArrayLiteral("secret"));
    QApplication::clipboard()->setMimeData(mime);
}

} // namespace RoleDrop::Ui
