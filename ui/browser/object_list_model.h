#pragma once

#include "core/common/aws_error.h"
#include "core/s3/s3_types.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QPointer>
#include <QVector>

#include <memory>

namespace RoleDrop::Http {
class AwsCall;
}
namespace RoleDrop::S3 {
class ObjectPager;
}
namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

// The objects and sub-folders directly under one bucket/prefix, loaded page by page (ListObjectsV2 with
// delimiter '/'). The first page is asked for at once; canFetchMore()/fetchMore() let the view pull
// further pages as the user scrolls, so a prefix with 100k+ keys shows its first 1,000 immediately.
// Rows are small plain values appended a page at a time (one beginInsertRows per page), O(1) per row.
// A response for a location the model no longer shows is dropped (generation counter + cancel).
class ObjectListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ObjectListModel)
public:
    enum Column { NameColumn, SizeColumn, ModifiedColumn, StorageClassColumn, ColumnCount };
    enum Role {
        KeyRole = Qt::UserRole + 1, // the full key (a folder's ends in '/')
        IsFolderRole,
        SortRole,                   // raw value for sorting: name, bytes, time
    };

    struct Entry
    {
        QString name;      // the part after the current prefix, shown to the user
        QString key;       // full key or common prefix
        qint64 size = -1;  // -1 for folders
        QDateTime lastModified;
        QString storageClass;
        bool isFolder = false;
    };

    // Lists as the session's identity of the moment. `session` may be null (tests feed pages with appendPage()).
    explicit ObjectListModel(Sessions::Session *session, QObject *parent = nullptr);
    ~ObjectListModel() override;

    // Clears and starts loading the first page of `bucket`/`prefix` ("" = the bucket's root).
    void open(const QString &bucket, const QString &prefix);
    // Forgets everything (no location): cancels what is in flight.
    void clear();
    const QString &bucket() const { return m_bucket; }
    const QString &prefix() const { return m_prefix; }
    bool isLoading() const { return m_loading; }
    bool hasMore() const { return m_hasMore; }
    int pagesLoaded() const { return m_pagesLoaded; }
    const Entry &entry(int row) const { return m_entries.at(row); }

    // Appends one page as if it had come from S3 for the current location; used by the loader and by tests.
    void appendPage(const S3::ListObjectsPage &page);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    Qt::DropActions supportedDropActions() const override;
    QStringList mimeTypes() const override;

signals:
    void loadingChanged(bool loading);
    void pageLoaded(int pagesLoaded, bool hasMore);
    void loadFailed(const RoleDrop::AwsError &error);

private:
    void requestPage();
    void setLoading(bool loading);

    Sessions::Session *m_session;
    QString m_bucket;
    QString m_prefix;
    QVector<Entry> m_entries;
    std::unique_ptr<S3::ObjectPager> m_pager;  // the listing being shown, page by page
    bool m_hasMore = false;
    QPointer<Http::AwsCall> m_call;
    quint64 m_generation = 0;
    int m_pagesLoaded = 0;
    bool m_loading = false;
};

} // namespace RoleDrop::Ui
