#pragma once

#include "core/s3/s3_types.h"

#include <QAbstractTableModel>
#include <QList>

namespace RoleDrop::Ui {

// The buckets the identity can list, as the browser's first level (or, when it may not list them, the ones
// it opened recently, marked so). Columns line up with
// ObjectListModel's (Name, -, Created, Region) so one view and one header serve both.
class BucketListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BucketListModel)
public:
    enum Column { NameColumn, SizeColumn, CreatedColumn, RegionColumn, ColumnCount };

    explicit BucketListModel(QObject *parent = nullptr);

    void setBuckets(const QList<S3::BucketInfo> &buckets);
    // Buckets the identity opened recently, shown (and marked) when it may not list all of them.
    void setRecentBuckets(const QStringList &names);
    bool showsRecent() const { return m_recent; }
    void clear() { setBuckets({}); }
    const S3::BucketInfo &bucket(int row) const { return m_buckets.at(row); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    QList<S3::BucketInfo> m_buckets;
    bool m_recent = false;
};

} // namespace RoleDrop::Ui
