#pragma once

#include <QSortFilterProxyModel>

namespace RoleDrop::Ui {

// Sorts the browser's rows with folders always first (in either direction, as file managers do) and
// filters them by a case-insensitive substring of the name. Works on ObjectListModel and BucketListModel
// through their IsFolderRole/SortRole.
class ObjectFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ObjectFilterProxy)
public:
    explicit ObjectFilterProxy(QObject *parent = nullptr);

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
};

} // namespace RoleDrop::Ui
