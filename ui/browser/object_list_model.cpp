#include "ui/browser/object_list_model.h"

#include "core/http/aws_call.h"
#include "core/s3/object_listing.h"
#include "core/session/session.h"
#include "ui/human_units.h"

#include <QApplication>
#include <QIcon>
#include <QStyle>

namespace RoleDrop::Ui {

namespace {

QIcon folderIcon()
{
    static const QIcon icon = QIcon::fromTheme(QStringLiteral("folder"),
                                               QApplication::style()->standardIcon(QStyle::SP_DirIcon));
    return icon;
}

QIcon fileIcon()
{
    static const QIcon icon = QIcon::fromTheme(QStringLiteral("text-x-generic"),
                                               QApplication::style()->standardIcon(QStyle::SP_FileIcon));
    return icon;
}

} // namespace

ObjectListModel::ObjectListModel(Sessions::Session *session, QObject *parent)
    : QAbstractTableModel(parent), m_session(session)
{
}

ObjectListModel::~ObjectListModel()
{
    if (m_call)
        m_call->cancel();
}

void ObjectListModel::open(const QString &bucket, const QString &prefix)
{
    clear();
    m_bucket = bucket;
    m_prefix = prefix;
    if (m_session && m_session->s3()) {
        S3::ListObjectsRequest request;
        request.bucket = bucket;
        request.prefix = prefix;
        m_pager = std::make_unique<S3::ObjectPager>(m_session->s3(), request);
        requestPage();
    }
}

void ObjectListModel::clear()
{
    ++m_generation;
    if (m_call)
        m_call->cancel();
    m_call = nullptr;
    beginResetModel();
    m_entries.clear();
    m_entries.squeeze();
    m_bucket.clear();
    m_prefix.clear();
    m_pager.reset();
    m_hasMore = false;
    m_pagesLoaded = 0;
    endResetModel();
    setLoading(false);
}

void ObjectListModel::requestPage()
{
    if (!m_pager || !m_pager->hasMore())
        return;
    setLoading(true);
    const quint64 generation = m_generation;
    m_call = m_pager->fetchNext(this, [this, generation](Outcome<S3::ListObjectsPage> page) {
        // The user may have navigated elsewhere while this page travelled.
        if (generation != m_generation)
            return;
        m_call = nullptr;
        setLoading(false);
        if (!page) {
            m_hasMore = false;
            if (page.error().kind != AwsErrorKind::Cancelled)
                emit loadFailed(page.error());
            return;
        }
        appendPage(page.value());
    });
}

void ObjectListModel::appendPage(const S3::ListObjectsPage &page)
{
    QVector<Entry> rows;
    rows.reserve(page.commonPrefixes.size() + page.objects.size());
    for (const QString &folder : page.commonPrefixes) {
        Entry entry;
        entry.key = folder;
        entry.name = folder.mid(m_prefix.size());
        if (entry.name.endsWith(QLatin1Char('/')))
            entry.name.chop(1);
        entry.isFolder = true;
        rows.append(std::move(entry));
    }
    for (const S3::ObjectInfo &object : page.objects) {
        // The current folder's own marker ("photos/" listed under "photos/") is not a child of itself.
        if (object.key == m_prefix)
            continue;
        Entry entry;
        entry.key = object.key;
        entry.name = object.key.mid(m_prefix.size());
        entry.size = object.size;
        entry.lastModified = object.lastModified;
        entry.storageClass = object.storageClass.isEmpty() ? QStringLiteral("STANDARD") : object.storageClass;
        rows.append(std::move(entry));
    }
    m_hasMore = page.isTruncated;
    ++m_pagesLoaded;
    if (!rows.isEmpty()) {
        const int first = int(m_entries.size());
        beginInsertRows(QModelIndex(), first, first + int(rows.size()) - 1);
        m_entries.append(std::move(rows));
        endInsertRows();
    }
    emit pageLoaded(m_pagesLoaded, hasMore());
}

int ObjectListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int ObjectListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ObjectListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const Entry &entry = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return entry.name;
        case SizeColumn: return entry.isFolder ? QString() : humanSize(entry.size);
        case ModifiedColumn: return humanTime(entry.lastModified);
        case StorageClassColumn: return entry.storageClass;
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == NameColumn)
            return entry.isFolder ? folderIcon() : fileIcon();
        break;
    case Qt::ToolTipRole:
        if (index.column() == SizeColumn && !entry.isFolder)
            return tr("%L1 bytes").arg(entry.size);
        if (index.column() == NameColumn)
            return QStringLiteral("s3://%1/%2").arg(m_bucket, entry.key);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case KeyRole: return entry.key;
    case IsFolderRole: return entry.isFolder;
    case SortRole:
        switch (index.column()) {
        case NameColumn: return entry.name;
        case SizeColumn: return entry.size;
        case ModifiedColumn: return entry.lastModified;
        case StorageClassColumn: return entry.storageClass;
        }
        break;
    }
    return {};
}

QVariant ObjectListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Name");
    case SizeColumn: return tr("Size");
    case ModifiedColumn: return tr("Last modified");
    case StorageClassColumn: return tr("Storage class");
    }
    return {};
}

Qt::ItemFlags ObjectListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled;
    // A flat list: saying so spares the view a hasChildren() call per row on every relayout (100k rows).
    Qt::ItemFlags result = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled | Qt::ItemNeverHasChildren;
    if (m_entries.at(index.row()).isFolder)
        result |= Qt::ItemIsDropEnabled;
    return result;
}

bool ObjectListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && hasMore() && !m_loading;
}

void ObjectListModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

Qt::DropActions ObjectListModel::supportedDropActions() const
{
    return Qt::CopyAction;
}

QStringList ObjectListModel::mimeTypes() const
{
    return {QStringLiteral("text/uri-list")};
}

void ObjectListModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    emit loadingChanged(loading);
}

} // namespace RoleDrop::Ui
