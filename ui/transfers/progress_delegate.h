#pragma once

#include <QStyledItemDelegate>

namespace RoleDrop::Ui {

// Paints TransferListModel's progress column as the platform's own progress bar, so it looks like every
// other progress bar on the desktop (busy while the size is unknown, the state's text once finished).
class ProgressDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressDelegate)
public:
    explicit ProgressDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace RoleDrop::Ui
