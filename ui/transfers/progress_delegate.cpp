#include "ui/transfers/progress_delegate.h"

#include "core/transfer/transfer.h"
#include "ui/transfers/transfer_list_model.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

namespace RoleDrop::Ui {

ProgressDelegate::ProgressDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

void ProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    // The selection background first, so a selected row stays highlighted behind the bar.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    QStyle *style = option.widget ? option.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, option.widget);

    const int percent = index.data(TransferListModel::ProgressRole).toInt();
    const auto state = Transfers::TransferState(index.data(TransferListModel::StateRole).toInt());

    QStyleOptionProgressBar bar;
    bar.initFrom(option.widget);
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.minimum = 0;
    bar.maximum = percent < 0 ? 0 : 100;  // 0..0 is the style's busy indicator
    bar.progress = std::max(percent, 0);
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    switch (state) {
    case Transfers::TransferState::Failed:
    case Transfers::TransferState::Cancelled:
    case Transfers::TransferState::Paused:
        bar.text = TransferListModel::stateText(int(state));
        bar.palette.setColor(QPalette::Highlight, option.palette.color(QPalette::Disabled, QPalette::Highlight));
        break;
    default:
        bar.text = percent < 0 ? QString() : tr("%1%").arg(percent);
        break;
    }
    if (state == Transfers::TransferState::Failed)
        bar.palette.setColor(QPalette::Highlight, QColor(0xc0, 0x1c, 0x28));
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
}

QSize ProgressDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(std::max(size.width(), 120));
    // Tall enough for a readable bar with its text inside; the table's rows all take this height.
    size.setHeight(std::max(size.height(), option.fontMetrics.height() + 8));
    return size;
}

} // namespace RoleDrop::Ui
