#include "ui/browser/bucket_list_model.h"

#include "ui/human_units.h"
#include "ui/browser/object_list_model.h"

#include <QApplication>
#include <QFont>
#include <QIcon>
#include <QStyle>

namespace RoleDrop::Ui {

BucketListModel::BucketListModel(QObject *parent) : QAbstractTableModel(parent) {}

void BucketListModel::setBuckets(const QList<S3::BucketInfo> &buckets)
{
    beginResetModel();
    m_buckets = buckets;
    m_recent = false;
    endResetModel();
}

void BucketListModel::setRecentBuckets(const QStringList &names)
{
    beginResetModel();
    m_buckets.clear();
    for (const QString &name : names) {
        S3::BucketInfo bucket;
        bucket.name = name;
        m_buckets.append(bucket);
    }
    m_recent = true;
    endResetModel();
}

int BucketListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_buckets.size());
}

int BucketListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BucketListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_buckets.size())
        return {};
    const S3::BucketInfo &bucket = m_buckets.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return bucket.name;
        case CreatedColumn: return m_recent ? tr("Opened recently") : humanTime(bucket.creationDate);
        case RegionColumn: return bucket.region;
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == NameColumn) {
            static const QIcon icon = QIcon::fromTheme(
                QStringLiteral("folder-remote"), QApplication::style()->standardIcon(QStyle::SP_DriveNetIcon));
            return icon;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == NameColumn && m_recent)
            return tr("s3://%1 — opened recently as this identity (it may not list all buckets)").arg(bucket.name);
        if (index.column() == NameColumn)
            return QStringLiteral("s3://%1").arg(bucket.name);
        break;
    case Qt::FontRole:
        if (m_recent) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        break;
    case ObjectListModel::KeyRole: return QString();
    case ObjectListModel::IsFolderRole: return true;
    case ObjectListModel::SortRole:
        switch (index.column()) {
        case NameColumn: return bucket.name;
        case CreatedColumn: return bucket.creationDate;
        case RegionColumn: return bucket.region;
        }
        return QString();
    }
    return {};
}

QVariant BucketListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Bucket");
    case SizeColumn: return QString();
    case CreatedColumn: return tr("Created");
    case RegionColumn: return tr("Region");
    }
    return {};
}

Qt::ItemFlags BucketListModel::flags(const QModelIndex &index) const
{
    return index.isValid() ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDropEnabled : Qt::NoItemFlags;
}

} // namespace RoleDrop::Ui
