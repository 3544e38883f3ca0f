#include "ui/identity/eliding_text.h"

#include <QPainter>
#include <QStyleOptionToolButton>
#include <QStylePainter>

namespace RoleDrop::Ui {

namespace {

// A few letters and the ellipsis: enough to recognise a name, small enough to leave room for the buttons.
constexpr int kShortestLetters = 4;

int shortestWidth(const QFontMetrics &metrics)
{
    return metrics.horizontalAdvance(QString(kShortestLetters, QLatin1Char('M')) + QChar(0x2026));
}

} // namespace

ElidingLabel::ElidingLabel(Qt::TextElideMode mode, QWidget *parent) : QLabel(parent), m_mode(mode)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    setTextFormat(Qt::PlainText);
}

QString ElidingLabel::shownText() const
{
    const QRect area = contentsRect();
    return fontMetrics().elidedText(text(), m_mode, area.width());
}

QSize ElidingLabel::minimumSizeHint() const
{
    const QSize full = QLabel::minimumSizeHint();
    const int margins = contentsMargins().left() + contentsMargins().right() + 2 * margin();
    return QSize(std::min(full.width(), shortestWidth(fontMetrics()) + margins), full.height());
}

void ElidingLabel::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    QStyleOption option;
    option.initFrom(this);
    style()->drawPrimitive(QStyle::PE_Widget, &option, &painter, this);
    drawFrame(&painter);
    const QRect area = contentsRect().adjusted(margin(), margin(), -margin(), -margin());
    painter.setPen(palette().color(foregroundRole()));
    painter.drawText(area, int(alignment()) | Qt::TextSingleLine, fontMetrics().elidedText(text(), m_mode, area.width()));
}

ElidingToolButton::ElidingToolButton(QWidget *parent) : QToolButton(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

int ElidingToolButton::padding() const
{
    // QToolButton's size hint adds a space's width on each side of the text to the style's margins: that room
    // is the button's, not the text's, and fractional glyph widths must not elide a text that fits its hint.
    const int spaces = 2 * fontMetrics().horizontalAdvance(QLatin1Char(' '));
    return std::max(0, QToolButton::sizeHint().width() - fontMetrics().horizontalAdvance(text()) - spaces);
}

QString ElidingToolButton::shownText() const
{
    return fontMetrics().elidedText(text(), Qt::ElideRight, width() - padding());
}

QSize ElidingToolButton::minimumSizeHint() const
{
    const QSize full = QToolButton::sizeHint();
    return QSize(std::min(full.width(), shortestWidth(fontMetrics()) + padding()), full.height());
}

void ElidingToolButton::paintEvent(QPaintEvent *)
{
    QStylePainter painter(this);
    QStyleOptionToolButton option;
    initStyleOption(&option);
    option.text = shownText();
    painter.drawComplexControl(QStyle::CC_ToolButton, option);
}

} // namespace RoleDrop::Ui
