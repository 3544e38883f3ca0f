#include "ui/browser/object_filter_proxy.h"

#include "ui/browser/object_list_model.h"

#include <QDateTime>

namespace RoleDrop::Ui {

ObjectFilterProxy::ObjectFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ObjectListModel::SortRole);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setFilterKeyColumn(ObjectListModel::NameColumn);
    // Natural order ("file2" before "file10") is what people expect from a file list.
    setSortLocaleAware(true);
    setDynamicSortFilter(true);
}

bool ObjectFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const bool leftFolder = left.data(ObjectListModel::IsFolderRole).toBool();
    const bool rightFolder = right.data(ObjectListModel::IsFolderRole).toBool();
    if (leftFolder != rightFolder) {
        // The view reverses lessThan for descending order; undo that for the folder rule.
        const bool folderFirst = leftFolder;
        return sortOrder() == Qt::AscendingOrder ? folderFirst : !folderFirst;
    }
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    if (a.typeId() == QMetaType::LongLong)
        return a.toLongLong() < b.toLongLong();
    if (a.typeId() == QMetaType::QDateTime)
        return a.toDateTime() < b.toDateTime();
    return QString::localeAwareCompare(a.toString().toCaseFolded(), b.toString().toCaseFolded()) < 0;
}

} // namespace RoleDrop::Ui
