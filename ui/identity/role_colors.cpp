#include "ui/identity/role_colors.h"

#include <QPainter>
#include <QPixmap>

#include <algorithm>
#include <cmath>

namespace RoleDrop::Ui {

QColor bandColor(const QString &hex, const QColor &neutral)
{
    const QColor color(hex);
    return hex.isEmpty() || !color.isValid() ? neutral : color;
}

double relativeLuminance(const QColor &color)
{
    // sRGB channels back to linear light, then weighted as the eye sees them (WCAG 2.x).
    const auto linear = [](double channel) {
        return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
    };
    const QColor rgb = color.toRgb();
    return 0.2126 * linear(rgb.redF()) + 0.7152 * linear(rgb.greenF()) + 0.0722 * linear(rgb.blueF());
}

double contrastRatio(const QColor &a, const QColor &b)
{
    const double la = relativeLuminance(a);
    const double lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor textColorOn(const QColor &background)
{
    // The console's orange carries white at only 3:1; black at 7:1. Whichever is higher wins.
    const QColor black(Qt::black);
    const QColor white(Qt::white);
    return contrastRatio(background, black) >= contrastRatio(background, white) ? black : white;
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
