#include "ui/browser/name_column_sizer.h"

#include <QEvent>
#include <QHeaderView>
#include <QTimer>
#include <QTreeView>

#include <algorithm>

namespace RoleDrop::Ui {

NameColumnSizer::NameColumnSizer(QTreeView *view) : QObject(view), m_view(view)
{
    view->viewport()->installEventFilter(this);
    view->setTextElideMode(Qt::ElideRight);
}

void NameColumnSizer::watchModel()
{
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(0, QHeaderView::Stretch);
    if (QAbstractItemModel *model = m_view->model()) {
        // UniqueConnection: the view switches back and forth between its bucket and object models.
        connect(model, &QAbstractItemModel::modelReset, this, &NameColumnSizer::fitLater, Qt::UniqueConnection);
        connect(model, &QAbstractItemModel::rowsInserted, this, &NameColumnSizer::fitLater, Qt::UniqueConnection);
        connect(model, &QAbstractItemModel::layoutChanged, this, &NameColumnSizer::fitLater, Qt::UniqueConnection);
        connect(model, &QAbstractItemModel::dataChanged, this, &NameColumnSizer::fitLater, Qt::UniqueConnection);
    }
    fitLater();
}

bool NameColumnSizer::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        fitLater();
    return QObject::eventFilter(watched, event);
}

void NameColumnSizer::fitLater()
{
    // Pages of a large listing arrive in bursts: measure once per burst, after the view laid them out.
    if (m_pending)
        return;
    m_pending = true;
    QTimer::singleShot(0, this, [this] {
        m_pending = false;
        fit();
    });
}

void NameColumnSizer::fit()
{
    QHeaderView *header = m_view->header();
    const int columns = header->count();
    const int width = m_view->viewport()->width();
    if (columns < 2 || width <= 0)
        return;
    QList<int> wanted(columns, 0);
    int total = 0;
    for (int column = 1; column < columns; ++column) {
        if (m_view->isColumnHidden(column))
            continue;
        // The view measures the visible rows only (the header's resize precision), so this stays cheap.
        wanted[column] = std::max(header->sectionSizeHint(column), static_cast<QAbstractItemView *>(m_view)->sizeHintForColumn(column));
        total += wanted[column];
    }
    // What the other columns may take together; the name keeps the rest. When they want more, the widest give
    // way first (one cap for all, as high as fits): "6 bytes" stays whole while a long date is elided.
    const int allowed = width / 2;
    int cap = allowed;
    if (total > allowed) {
        QList<int> sorted;
        for (int column = 1; column < columns; ++column) {
            if (!m_view->isColumnHidden(column))
                sorted << wanted[column];
        }
        std::sort(sorted.begin(), sorted.end());
        int left = allowed;
        for (int i = 0; i < sorted.size(); ++i) {
            const int share = left / int(sorted.size() - i);
            if (sorted[i] > share) {
                cap = share;
                break;
            }
            left -= sorted[i];
        }
    }
    for (int column = 1; column < columns; ++column) {
        if (!m_view->isColumnHidden(column))
            header->resizeSection(column, std::max(std::min(wanted[column], cap), header->minimumSectionSize()));
    }
}

} // namespace RoleDrop::Ui
