#include "ui/identity/role_colors.h"

#include <QPainter>
#include <QPixmap>

namespace RoleDrop::Ui {

QColor bandColor(const QString &hex, const QColor &neutral)
{
    const QColor color(hex);
    return hex.isEmpty() || !color.isValid() ? neutral : color;
}

QColor textColorOn(const QColor &background)
{
    // Relative luminance (sRGB weights) is enough to pick between black and white.
    const double luminance = 0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luminance > 0.55 ? QColor(Qt::black) : QColor(Qt::white);
}

QIcon colorChip(const QString &hex, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor color(hex);
    if (hex.isEmpty() || !color.isValid()) {
        // "No colour" still needs a visible shape so that rows line up and the choice is clickable.
        painter.setPen(QPen(QColor(0x87, 0x95, 0xA1), 1, Qt::DashLine));
        painter.setBrush(Qt::NoBrush);
    } else {
        painter.setPen(color.darker(130));
        painter.setBrush(color);
    }
    painter.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 2, 2);
    return QIcon(pixmap);
}

} // namespace RoleDrop::Ui
