#pragma once

#include "core/common/aws_error.h"

#include <QPointer>
#include <QStringList>
#include <QWidget>

#include <functional>

class QFrame;
class QLabel;
class QLineEdit;
class QMenu;
class QMimeData;
class QModelIndex;
class QPoint;
class QTreeView;

namespace RoleDrop::Http {
class AwsCall;
}
namespace RoleDrop {
template <class T>
class Outcome;
}

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

class BreadcrumbBar;
class BucketListModel;
class NameColumnSizer;
class ObjectFilterProxy;
class ObjectListModel;

// The centre of the window: the bucket list, then the objects under a breadcrumb path, with filter,
// sorting, paging on scroll, context menu, keyboard shortcuts, and drag and drop both ways.
//
// Drag in: local files/folders (text/uri-list) dropped on the list emit uploadRequested() for the current
// folder, or for the folder row they were dropped on.
// Drag out: a drag of a few small selected files (maxDragOutBytes in all) carries text/uri-list entries
// pointing into a fresh staging folder (this user's only, removed with the browser), and downloadRequested()
// is emitted for that folder as the drag starts, so the files are coming while the user moves the mouse. Each
// appears under its name only when complete, so a drop too early copies nothing rather than half a file.
// "Download to…" is the path for folders and large objects. The drag also carries the s3:// URIs as
// text/plain, for terminals and editors.
//
// Every request is asynchronous; a response for a location the user has left is ignored (generation
// counter, and the listing call is cancelled). Errors show in a banner above the list, not in popups.
class BucketBrowser final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BucketBrowser)
public:
    static constexpr qint64 maxDragOutBytes = 64LL * 1024 * 1024;

    explicit BucketBrowser(Sessions::Session *session, QWidget *parent = nullptr);
    ~BucketBrowser() override;

    void showBuckets();
    void navigateTo(const QString &bucket, const QString &prefix);
    // Where the active identity was last (bucket_browser_places.cpp), or the bucket list when it has no place yet.
    void goToRememberedPlace();
    // A note above the list saying what to do first (the demo's), until the user hides it.
    void setGuide(const QString &html);
    QString guideText() const;
    void reload();
    QString currentBucket() const { return m_bucket; }
    QString currentPrefix() const { return m_prefix; }
    // Reloads when the given location is (or is inside) what is shown, e.g. after an upload finished.
    void refreshIfShowing(const QString &bucket, const QString &prefix);

    // Actions of the context menu and shortcuts, also callable by the main window's menus.
    void goUp();
    void newFolder();                         // asks for a name
    void createFolder(const QString &name);   // under the current prefix
    void deleteSelected();                    // asks for confirmation
    // Deletes the objects and everything under the folder prefixes, without asking.
    void deleteEntries(const QStringList &keys, const QStringList &folderPrefixes);
    void downloadSelectedTo();                // asks for a folder
    // Ask for local files (or one folder) in a file dialog and upload them into the folder shown.
    void uploadFiles();
    void uploadFolder();
    void copySelectedUris();
    void presignSelected(qint64 expiresSeconds);
    void showPropertiesOfSelected();

    // For the main window's status and for tests.
    QTreeView *view() const { return m_view; }
    ObjectListModel *objectModel() const { return m_objects; }
    QString bannerText() const;
    QString statusText() const;
    bool isLoading() const;
    // What a drop of `mime` at `pos` (viewport coordinates) does; shared by the view's drop handler.
    bool handleDrop(const QMimeData *mime, const QPoint &pos);
    // Builds the drag-out data for the selection and starts the staging download; null when nothing to drag.
    QMimeData *startDragOut();
    // Where a drop at `pos` would go ("s3://bucket/prefix/"), and the folder row it goes into when it is one;
    // empty when a drop is refused (no bucket open).
    QString dropTargetAt(const QPoint &pos, QModelIndex *folderRow = nullptr) const;
    // Says in the banner why local files cannot be dropped here (no bucket open) and what to do.
    void explainRefusedDrop();
    // The hint the list shows while an open folder is empty (empty while it is not, is loading or failed).
    QString emptyHint() const;
    // "s3://bucket/prefix/" of the folder shown; empty on the bucket list.
    QString currentUri() const;
    // Keys per delete request (S3 takes at most 1,000); tests use small batches to see progress and Cancel.
    void setDeleteBatchSize(int keys) { m_deleteBatchSize = keys; }

signals:
    void locationChanged(const QString &bucket, const QString &prefix);
    void uploadRequested(const QStringList &localPaths, const QString &bucket, const QString &prefix);
    // Objects and whole folders (prefixes) to download into `localFolder`, with `stripPrefix` cut from their keys.
    void downloadRequested(const QString &bucket, const QStringList &keys, const QStringList &folderPrefixes,
                           const QString &stripPrefix, const QString &localFolder);
    void errorOccurred(const RoleDrop::AwsError &error);
    // A listing the user asked for (navigation, refresh) succeeded: errors of earlier attempts are stale now.
    void listingSucceeded();
    // The user clicked the banner's "Switch Role…" after an access error.
    void switchRoleRequested();

private:
    struct Selection
    {
        QStringList keys;
        QStringList folders;
        qint64 bytes = 0;  // of the keys (folders' contents are not known without listing)
        bool isEmpty() const { return keys.isEmpty() && folders.isEmpty(); }
        int count() const { return int(keys.size() + folders.size()); }
    };

    void buildUi();
    void buildShortcuts();
    void setLocation(const QString &bucket, const QString &prefix);
    void useBucketModel(bool buckets);
    void activate(const QModelIndex &index);
    void showContextMenu(const QPoint &pos);
    void showError(const AwsError &error);
    void showInfo(const QString &text);
    void hideBanner();
    void updateStatus();
    // Places (bucket_browser_places.cpp): remembered on a successful listing, followed on an identity change.
    void watchListings();
    void followIdentity();
    void listingLoaded();
    void listingFailed(const AwsError &error);
    void showBucketListFailure(const AwsError &error);
    bool statusUnderDenial();
    Selection selection() const;
    void askPresignCustom();
    bool currentGeneration(quint64 generation) const { return generation == m_generation; }
    static void removeStaleStagingFolders();
    void addUploadEntries(QMenu *menu);
    void askUploadPaths(int fileMode);
    QString dropPrefixAt(const QPoint &pos) const;
    void watchListingForEmptyHint();
    void updateEmptyHint();
    void startDeletion(const QStringList &keys, const QStringList &folderPrefixes, bool confirm);

    Sessions::Session *m_session;
    BreadcrumbBar *m_crumbs = nullptr;
    QLineEdit *m_filter = nullptr;
    QFrame *m_banner = nullptr;
    QLabel *m_bannerText = nullptr;
    QTreeView *m_view = nullptr;
    NameColumnSizer *m_columnSizer = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_guide = nullptr;
    BucketListModel *m_buckets;
    ObjectListModel *m_objects;
    ObjectFilterProxy *m_bucketProxy;
    ObjectFilterProxy *m_objectProxy;
    QPointer<Http::AwsCall> m_bucketCall;
    QString m_bucket;
    QString m_prefix;
    quint64 m_generation = 0;
    bool m_loadingBuckets = false;
    bool m_denied = false;         // the location's listing was refused: nothing to count
    bool m_listingByUser = false;  // the listing under way was asked for by the user, not a background refresh
    bool m_quietReload = false;
    QString m_placesKey;           // the identity whose places the browser follows
    QStringList m_stagingFolders;  // drag-out downloads of this run, removed with the browser
    bool m_listingFailed = false;  // the folder shown could not be listed (it is not "empty")
    int m_deleteBatchSize = 1000;
};

} // namespace RoleDrop::Ui
