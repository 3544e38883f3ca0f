#include "ui/browser/bucket_browser.h"

#include "core/http/aws_call.h"
#include "core/transfer/local_path_guard.h"
#include "core/common/outcome.h"
#include "core/s3/s3_client.h"
#include "core/session/session.h"
#include "ui/browser/breadcrumb_bar.h"
#include "ui/browser/browser_list_view.h"
#include "ui/browser/bucket_list_model.h"
#include "ui/browser/name_column_sizer.h"
#include "ui/human_units.h"
#include "ui/local_file_dialog.h"
#include "ui/sensitive_clipboard.h"
#include "ui/browser/object_filter_proxy.h"
#include "ui/browser/object_list_model.h"
#include "ui/browser/object_deletion.h"
#include "ui/browser/object_properties_dialog.h"
#include "ui/browser/presign_dialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDrag>
#include <QDragMoveEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QShortcut>
#include <QStandardPaths>
#include <QStyle>
#include <QToolButton>
#include <QTreeView>
#include <QUuid>
#include <QVBoxLayout>

#include <memory>

namespace RoleDrop::Ui {

namespace {

bool isAccessError(AwsErrorKind kind)
{
    switch (kind) {
    case AwsErrorKind::AccessDenied:
    case AwsErrorKind::ExpiredToken:
    case AwsErrorKind::InvalidClientTokenId:
    case AwsErrorKind::MfaRequiredOrInvalid:
        return true;
    default:
        return false;
    }
}

} // namespace

BucketBrowser::BucketBrowser(Sessions::Session *session, QWidget *parent)
    : QWidget(parent),
      m_session(session),
      m_buckets(new BucketListModel(this)),
      m_objects(new ObjectListModel(session, this)),
      m_bucketProxy(new ObjectFilterProxy(this)),
      m_objectProxy(new ObjectFilterProxy(this))
{
    m_bucketProxy->setSourceModel(m_buckets);
    m_objectProxy->setSourceModel(m_objects);
    removeStaleStagingFolders();
    buildUi();
    buildShortcuts();

    connect(m_objects, &ObjectListModel::loadFailed, this, &BucketBrowser::showError);
    watchListingForEmptyHint();
    connect(m_objects, &ObjectListModel::loadingChanged, this, &BucketBrowser::updateStatus);
    connect(m_objects, &ObjectListModel::pageLoaded, this, &BucketBrowser::updateStatus);
    watchListings();
    useBucketModel(true);
    updateStatus();
}

BucketBrowser::~BucketBrowser()
{
    ++m_generation;
    if (m_bucketCall)
        m_bucketCall->cancel();
    for (const QString &folder : std::as_const(m_stagingFolders))
        QDir(folder).removeRecursively();
}

void BucketBrowser::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    auto *top = new QHBoxLayout;
    auto *up = new QToolButton(this);
    up->setIcon(QIcon::fromTheme(QStringLiteral("go-up"), style()->standardIcon(QStyle::SP_ArrowUp)));
    up->setToolTip(tr("Up one level (Backspace)"));
    up->setObjectName(QStringLiteral("upButton"));
    up->setAccessibleName(tr("Up one level"));
    up->setAutoRaise(true);
    connect(up, &QToolButton::clicked, this, &BucketBrowser::goUp);
    auto *refresh = new QToolButton(this);
    refresh->setIcon(QIcon::fromTheme(QStringLiteral("view-refresh"), style()->standardIcon(QStyle::SP_BrowserReload)));
    refresh->setToolTip(tr("Refresh (F5)"));
    refresh->setObjectName(QStringLiteral("refreshButton"));
    refresh->setAccessibleName(tr("Refresh"));
    refresh->setAutoRaise(true);
    connect(refresh, &QToolButton::clicked, this, &BucketBrowser::reload);
    m_crumbs = new BreadcrumbBar(this);
    connect(m_crumbs, &BreadcrumbBar::locationRequested, this, [this](const QString &bucket, const QString &prefix) {
        bucket.isEmpty() ? showBuckets() : navigateTo(bucket, prefix);
    });
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter (Ctrl+F)"));
    m_filter->setObjectName(QStringLiteral("browserFilter"));
    m_filter->setAccessibleName(tr("Filter by name"));
    m_filter->setToolTip(tr("Show only names containing this text (in the pages loaded so far)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMaximumWidth(240);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_bucketProxy->setFilterFixedString(text);
        m_objectProxy->setFilterFixedString(text);
        updateStatus();
    });
    top->addWidget(up);
    top->addWidget(refresh);
    top->addWidget(m_crumbs, 1);
    top->addWidget(m_filter);
    layout->addLayout(top);

    m_banner = new QFrame(this);
    m_banner->setObjectName(QStringLiteral("browserBanner"));
    m_banner->setFrameShape(QFrame::StyledPanel);
    auto *bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(8, 4, 4, 4);
    m_bannerText = new QLabel(m_banner);
    m_bannerText->setWordWrap(true);
    m_bannerText->setTextFormat(Qt::RichText);
    m_bannerText->setTextInteractionFlags(Qt::TextBrowserInteraction);
    connect(m_bannerText, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("switch-role"))
            emit switchRoleRequested();
    });
    auto *close = new QToolButton(m_banner);
    close->setIcon(QIcon::fromTheme(QStringLiteral("window-close"), style()->standardIcon(QStyle::SP_TitleBarCloseButton)));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    close->setAccessibleName(tr("Dismiss message"));
    connect(close, &QToolButton::clicked, this, &BucketBrowser::hideBanner);
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(close, 0, Qt::AlignTop);
    m_banner->hide();
    layout->addWidget(m_banner);

    auto *view = new BrowserListView(this);
    m_view = view;
    m_columnSizer = new NameColumnSizer(view);
    view->setObjectName(QStringLiteral("browserView"));
    view->setAccessibleName(tr("Buckets and objects"));
    setAccessibleName(tr("Bucket browser"));
    view->setRootIsDecorated(false);
    view->setUniformRowHeights(true);  // lets the view lay out 100k rows without measuring each
    view->setAllColumnsShowFocus(true);
    view->setAlternatingRowColors(true);
    view->setSortingEnabled(true);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setDragEnabled(true);
    view->setAcceptDrops(true);
    view->viewport()->setAcceptDrops(true);
    view->setDropIndicatorShown(true);
    view->setDragDropOverwriteMode(true);  // drop *onto* folder rows, never between rows
    view->setDragDropMode(QAbstractItemView::DragDrop);
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(view, &QTreeView::activated, this, &BucketBrowser::activate);
    connect(view, &QTreeView::customContextMenuRequested, this, &BucketBrowser::showContextMenu);
    layout->addWidget(view, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("browserStatus"));
    m_status->setContentsMargins(4, 0, 4, 2);
    layout->addWidget(m_status);
}

void BucketBrowser::buildShortcuts()
{
    // whatsThis is what Help › Keyboard Shortcuts lists for each.
    const auto add = [this](QKeySequence key, QWidget *on, Qt::ShortcutContext context, const QString &what, auto slot) {
        auto *shortcut = new QShortcut(key, on);
        shortcut->setContext(context);
        shortcut->setWhatsThis(what);
        connect(shortcut, &QShortcut::activated, this, slot);
    };
    // F5 belongs to View › Refresh in the window (which calls reload()): a second owner makes Qt fire neither.
    add(QKeySequence(Qt::CTRL | Qt::Key_L), this, Qt::WidgetWithChildrenShortcut, tr("Type a bucket or path"),
        [this] { m_crumbs->editPath(); });
    add(QKeySequence::Find, this, Qt::WidgetWithChildrenShortcut, tr("Filter the list"), [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    // On the view only: Backspace and Delete mean text editing in the filter and path boxes.
    add(QKeySequence(Qt::Key_Backspace), m_view, Qt::WidgetShortcut, tr("Go up one folder"), &BucketBrowser::goUp);
    add(QKeySequence::Delete, m_view, Qt::WidgetShortcut, tr("Delete the selection (asks first)"), &BucketBrowser::deleteSelected);
    // Ctrl+Shift+N and Ctrl+U belong to the window's File menu (New Folder…, Upload…), which call this browser.
}

void BucketBrowser::useBucketModel(bool buckets)
{
    QAbstractItemModel *wanted = buckets ? static_cast<QAbstractItemModel *>(m_bucketProxy) : m_objectProxy;
    if (m_view->model() == wanted)
        return;
    m_view->setModel(wanted);
    m_view->sortByColumn(0, Qt::AscendingOrder);
    // Fitting columns to the visible rows only: measuring the default 1,000 rows of text on every page
    // that arrives made the GUI thread stall while a 100k-object listing loaded.
    m_view->header()->setResizeContentsPrecision(0);
    m_view->setColumnHidden(BucketListModel::SizeColumn, buckets);
    // The name stretches first and shrinks last; the other columns fit their contents.
    m_columnSizer->watchModel();
}

void BucketBrowser::setLocation(const QString &bucket, const QString &prefix)
{
    ++m_generation;
    if (m_bucketCall)
        m_bucketCall->cancel();
    m_bucketCall = nullptr;
    m_loadingBuckets = false;
    m_denied = false;
    m_listingByUser = !m_quietReload;
    const bool changed = bucket != m_bucket || prefix != m_prefix;
    m_bucket = bucket;
    m_prefix = prefix;
    m_crumbs->setLocation(bucket, prefix);
    hideBanner();
    if (changed) {
        m_filter->clear();
        emit locationChanged(bucket, prefix);
    }
}

void BucketBrowser::showBuckets()
{
    setLocation(QString(), QString());
    m_objects->clear();
    useBucketModel(true);
    if (!m_session->hasIdentity()) {
        m_buckets->clear();
        showInfo(tr("Open a profile to browse its buckets."));
        updateStatus();
        return;
    }
    m_loadingBuckets = true;
    updateStatus();
    const quint64 generation = m_generation;
    m_bucketCall = m_session->s3()->listBuckets(this, [this, generation](Outcome<S3::ListBucketsResult> result) {
        if (!currentGeneration(generation))
            return;
        m_bucketCall = nullptr;
        m_loadingBuckets = false;
        if (!result) {
            showBucketListFailure(result.error());
        } else {
            m_buckets->setBuckets(result->buckets);
            if (result->buckets.isEmpty())
                showInfo(tr("This identity sees no buckets. If you know a bucket's name, press Ctrl+L and type it."));
            listingLoaded();
        }
        updateStatus();
    });
}

void BucketBrowser::navigateTo(const QString &bucket, const QString &prefix)
{
    if (bucket.isEmpty())
        return showBuckets();
    QString folder = prefix;
    if (!folder.isEmpty() && !folder.endsWith(QLatin1Char('/')))
        folder += QLatin1Char('/');
    setLocation(bucket, folder);
    useBucketModel(false);
    m_objects->open(bucket, folder);
    updateStatus();
}

void BucketBrowser::reload()
{
    m_bucket.isEmpty() ? showBuckets() : navigateTo(m_bucket, m_prefix);
}

void BucketBrowser::refreshIfShowing(const QString &bucket, const QString &prefix)
{
    // An upload into a sub-folder adds that folder here too.
    // Not the user's doing: an error shown meanwhile stays until the user has acted.
    if (!m_bucket.isEmpty() && bucket == m_bucket && prefix.startsWith(m_prefix)) {
        m_quietReload = true;
        reload();
        m_quietReload = false;
    }
}

void BucketBrowser::goUp()
{
    if (m_bucket.isEmpty())
        return;
    if (m_prefix.isEmpty())
        return showBuckets();
    QString parent = m_prefix.chopped(1);
    const qsizetype slash = parent.lastIndexOf(QLatin1Char('/'));
    parent = slash < 0 ? QString() : parent.left(slash + 1);
    navigateTo(m_bucket, parent);
}

void BucketBrowser::activate(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    if (m_bucket.isEmpty()) {
        navigateTo(index.siblingAtColumn(0).data(Qt::DisplayRole).toString(), QString());
        return;
    }
    if (index.data(ObjectListModel::IsFolderRole).toBool())
        navigateTo(m_bucket, index.data(ObjectListModel::KeyRole).toString());
    else
        showPropertiesOfSelected();
}

BucketBrowser::Selection BucketBrowser::selection() const
{
    Selection result;
    if (m_bucket.isEmpty() || !m_view->selectionModel())
        return result;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows(0);
    for (const QModelIndex &row : rows) {
        const QString key = row.data(ObjectListModel::KeyRole).toString();
        const bool folder = row.data(ObjectListModel::IsFolderRole).toBool();
        (folder ? result.folders : result.keys).append(key);
        if (!folder)
            result.bytes += row.siblingAtColumn(ObjectListModel::SizeColumn).data(ObjectListModel::SortRole).toLongLong();
    }
    return result;
}

void BucketBrowser::newFolder()
{
    if (m_bucket.isEmpty()) {
        showInfo(tr("Open a bucket first: folders are created inside a bucket."));
        return;
    }
    auto *dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("New Folder"));
    dialog->setLabelText(tr("Folder &name in s3://%1/%2:").arg(m_bucket, m_prefix));
    dialog->setObjectName(QStringLiteral("newFolderDialog"));
    connect(dialog, &QInputDialog::textValueSelected, this, &BucketBrowser::createFolder);
    dialog->open();
}

void BucketBrowser::createFolder(const QString &name)
{
    QString folder = name.trimmed();
    while (folder.endsWith(QLatin1Char('/')))
        folder.chop(1);
    if (folder.isEmpty() || m_bucket.isEmpty())
        return;
    if (folder.startsWith(QLatin1Char('/')) || folder.split(QLatin1Char('/')).contains(QStringLiteral(".."))) {
        showError(AwsError::validation(tr("A folder name cannot start with '/' or contain '..'")));
        return;
    }
    const QString bucket = m_bucket;
    const QString key = m_prefix + folder + QLatin1Char('/');
    m_session->s3()->createFolder(bucket, key, this, [this, bucket, key](Outcome<Done> result) {
        if (!result)
            return showError(result.error());
        refreshIfShowing(bucket, key);
    });
}

void BucketBrowser::deleteSelected()
{
    const Selection chosen = selection();
    if (!chosen.isEmpty())
        startDeletion(chosen.keys, chosen.folders, true);
}

void BucketBrowser::deleteEntries(const QStringList &keys, const QStringList &folderPrefixes)
{
    startDeletion(keys, folderPrefixes, false);
}

void BucketBrowser::downloadSelectedTo()
{
    const Selection chosen = selection();
    if (chosen.isEmpty()) {
        if (!m_bucket.isEmpty())
            showInfo(tr("Select the files or folders to download first, then choose Download to…."));
        return;
    }
    QFileDialog *dialog = localFileDialog(this, tr("Download to"), QFileDialog::Directory);
    dialog->setObjectName(QStringLiteral("downloadToDialog"));
    const QString bucket = m_bucket;
    const QString prefix = m_prefix;
    connect(dialog, &QFileDialog::fileSelected, this, [this, chosen, bucket, prefix](const QString &folder) {
        emit downloadRequested(bucket, chosen.keys, chosen.folders, prefix, folder);
    });
    dialog->open();
}

void BucketBrowser::copySelectedUris()
{
    const Selection chosen = selection();
    QStringList uris;
    for (const QString &key : chosen.folders + chosen.keys)
        uris.append(QStringLiteral("s3://%1/%2").arg(m_bucket, key));
    if (uris.isEmpty() && !m_bucket.isEmpty())
        uris.append(QStringLiteral("s3://%1/%2").arg(m_bucket, m_prefix));
    QApplication::clipboard()->setText(uris.join(QLatin1Char('\n')));
}

void BucketBrowser::presignSelected(qint64 expiresSeconds)
{
    const Selection chosen = selection();
    if (chosen.keys.size() != 1)
        return;
    const QString key = chosen.keys.first();
    const auto presigned = m_session->presign("GET", m_bucket, key, expiresSeconds);
    if (!presigned)
        return showError(presigned.error());
    // "Copy presigned URL" copies at once, as the menu says; the dialog then shows until when it really works.
    copySensitiveText(presigned->url.toString(QUrl::FullyEncoded));
    auto *dialog = new PresignDialog(QStringLiteral("s3://%1/%2").arg(m_bucket, key), presigned.value(), expiresSeconds, this);
    dialog->open();
}

void BucketBrowser::askPresignCustom()
{
    auto *dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Presigned URL"));
    dialog->setLabelText(tr("Valid for how many &minutes (at most 7 days)?"));
    dialog->setInputMode(QInputDialog::IntInput);
    dialog->setIntRange(1, 7 * 24 * 60);
    dialog->setIntValue(60);
    connect(dialog, &QInputDialog::intValueSelected, this, [this](int minutes) { presignSelected(qint64(minutes) * 60); });
    dialog->open();
}

void BucketBrowser::showPropertiesOfSelected()
{
    const Selection chosen = selection();
    if (chosen.keys.size() != 1)
        return;
    const QString bucket = m_bucket;
    const QString key = chosen.keys.first();
    m_session->s3()->headObject(bucket, key, this, [this, bucket, key](Outcome<S3::ObjectMetadata> metadata) {
        if (!metadata)
            return showError(metadata.error());
        (new ObjectPropertiesDialog(bucket, key, metadata.value(), this))->open();
    });
}

void BucketBrowser::showContextMenu(const QPoint &pos)
{
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    if (m_bucket.isEmpty()) {
        const QModelIndex index = m_view->indexAt(pos);
        if (index.isValid())
            menu->addAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open"), this,
                            [this, index] { activate(index); });
        menu->addAction(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("&Refresh"), QKeySequence::Refresh,
                        this, &BucketBrowser::reload);
        menu->popup(m_view->viewport()->mapToGlobal(pos));
        return;
    }
    const Selection chosen = selection();
    const bool one = chosen.keys.size() == 1 && chosen.folders.isEmpty();
    addUploadEntries(menu);
    menu->addAction(QIcon::fromTheme(QStringLiteral("document-save")), tr("&Download to…"), this,
                    &BucketBrowser::downloadSelectedTo)->setEnabled(!chosen.isEmpty());
    menu->addSeparator();
    menu->addAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("Copy S3 &URI"), this,
                    &BucketBrowser::copySelectedUris);
    QMenu *presign = menu->addMenu(QIcon::fromTheme(QStringLiteral("emblem-shared")), tr("Copy &presigned URL"));
    presign->setEnabled(one);
    presign->setToolTip(tr("A link anyone can use to download this object until it expires"));
    for (qint64 seconds : {qint64(15 * 60), qint64(3600), qint64(12 * 3600), qint64(7 * 86400)})
        presign->addAction(humanDuration(seconds), this, [this, seconds] { presignSelected(seconds); });
    presign->addSeparator();
    presign->addAction(tr("&Custom…"), this, &BucketBrowser::askPresignCustom);
    menu->addSeparator();
    menu->addAction(QIcon::fromTheme(QStringLiteral("folder-new")), tr("&New folder…"),
                    QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), this, &BucketBrowser::newFolder);
    menu->addAction(QIcon::fromTheme(QStringLiteral("edit-delete")), tr("De&lete…"), QKeySequence::Delete, this,
                    &BucketBrowser::deleteSelected)->setEnabled(!chosen.isEmpty());
    menu->addSeparator();
    menu->addAction(QIcon::fromTheme(QStringLiteral("document-properties")), tr("P&roperties"), this,
                    &BucketBrowser::showPropertiesOfSelected)->setEnabled(one);
    menu->popup(m_view->viewport()->mapToGlobal(pos));
}

bool BucketBrowser::handleDrop(const QMimeData *mime, const QPoint &pos)
{
    if (!mime || !mime->hasUrls())
        return false;
    QStringList paths;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    if (paths.isEmpty()) {
        showInfo(tr("Only local files and folders can be uploaded."));
        return false;
    }
    if (m_bucket.isEmpty()) {
        explainRefusedDrop();
        return false;
    }
    const QString prefix = dropPrefixAt(pos);
    hideBanner();
    emit uploadRequested(paths, m_bucket, prefix);
    return true;
}

QMimeData *BucketBrowser::startDragOut()
{
    const Selection chosen = selection();
    if (chosen.isEmpty())
        return nullptr;
    // A file manager copies what is there when the mouse is released: the objects download during the drag
    // and appear under their names only when complete (renamed into place), so a drop too early finds nothing
    // rather than half a file. That is only worth it for a few small files.
    if (!chosen.folders.isEmpty() || chosen.bytes > maxDragOutBytes) {
        showInfo(tr("Dragging out works for files up to %1 in all. For folders and large objects use Download to… "
                    "(right-click), which shows their progress in the transfer queue.").arg(humanSize(maxDragOutBytes)));
        return nullptr;
    }
    // Readable by this user only, and removed when the browser goes.
    const QString staging = QDir(QStandardPaths::writableLocation(QStandardPaths::TempLocation))
                                .filePath(QStringLiteral("roledrop-drag-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    if (!QDir().mkpath(staging)
        || !QFile::setPermissions(staging, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)) {
        showError(AwsError::local(AwsErrorKind::LocalFile, tr("Cannot create the staging folder %1").arg(staging)));
        return nullptr;
    }
    m_stagingFolders.append(staging);
    QList<QUrl> urls;
    QStringList uris;
    for (const QString &key : chosen.keys) {
        if (const auto path = Transfers::localPathForKey(staging, key, m_prefix))
            urls.append(QUrl::fromLocalFile(path.value()));
        uris.append(QStringLiteral("s3://%1/%2").arg(m_bucket, key));
    }
    emit downloadRequested(m_bucket, chosen.keys, {}, m_prefix, staging);
    auto *mime = new QMimeData;
    mime->setUrls(urls);
    mime->setText(uris.join(QLatin1Char('\n')));
    return mime;
}

void BucketBrowser::removeStaleStagingFolders()
{
    // Left by a run that ended without cleaning up (a crash): older than a day, nobody drags from them now.
    QDir temp(QStandardPaths::writableLocation(QStandardPaths::TempLocation));
    const QFileInfoList stale = temp.entryInfoList({QStringLiteral("roledrop-drag-*")}, QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo &folder : stale) {
        if (folder.isDir() && !folder.isSymLink() && folder.lastModified().secsTo(QDateTime::currentDateTime()) > 86400
            && folder.ownerId() == QFileInfo(temp.path()).ownerId())
            QDir(folder.absoluteFilePath()).removeRecursively();
    }
}

void BucketBrowser::showError(const AwsError &error)
{
    if (error.kind == AwsErrorKind::Cancelled)
        return;
    QString text = error.userMessage().toHtmlEscaped();
    if (isAccessError(error.kind))
        text += QStringLiteral(" <a href=\"switch-role\">%1</a>").arg(tr("Switch Role…"));
    m_bannerText->setText(text);
    m_banner->setStyleSheet(QStringLiteral("#browserBanner { background: #fdecea; border: 1px solid #e0a0a0; }"
                                           "#browserBanner QLabel { color: #611a15; }"));
    m_banner->show();
    emit errorOccurred(error);
    updateStatus();
}

void BucketBrowser::showInfo(const QString &text)
{
    m_bannerText->setText(text.toHtmlEscaped());
    m_banner->setStyleSheet(QStringLiteral("#browserBanner { background: #e8f0fe; border: 1px solid #a0b8e0; }"
                                           "#browserBanner QLabel { color: #0b2e6b; }"));
    m_banner->show();
}

void BucketBrowser::hideBanner()
{
    m_banner->hide();
    m_bannerText->clear();
}

QString BucketBrowser::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_bannerText->text();
}

QString BucketBrowser::statusText() const
{
    return m_status->text();
}

bool BucketBrowser::isLoading() const
{
    return m_bucket.isEmpty() ? m_loadingBuckets : m_objects->isLoading();
}

void BucketBrowser::updateStatus()
{
    updateEmptyHint();
    if (statusUnderDenial())
        return;
    if (m_bucket.isEmpty()) {
        m_status->setText(m_loadingBuckets ? tr("Loading buckets…")
                                           : tr("%n bucket(s)", nullptr, m_buckets->rowCount()));
        return;
    }
    const int shown = m_objectProxy->rowCount();
    const int loaded = m_objects->rowCount();
    QString text = shown == loaded ? tr("%n item(s)", nullptr, loaded)
                                   : tr("%1 of %n item(s) match the filter", nullptr, loaded).arg(shown);
    if (m_objects->isLoading())
        text += QStringLiteral(" — ") + tr("loading…");
    else if (m_objects->hasMore())
        text += QStringLiteral(" — ") + tr("more load as you scroll");
    m_status->setText(text);
}

// --- Getting files in: Upload…, drop targets, the empty folder's hint, deletion with feedback

QString BucketBrowser::currentUri() const
{
    return m_bucket.isEmpty() ? QString() : QStringLiteral("s3://%1/%2").arg(m_bucket, m_prefix);
}

void BucketBrowser::addUploadEntries(QMenu *menu)
{
    menu->addAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("Upload &Files…"), this, &BucketBrowser::uploadFiles)
        ->setObjectName(QStringLiteral("contextUploadFiles"));
    menu->addAction(QIcon::fromTheme(QStringLiteral("folder-open")), tr("Upload F&older…"), this, &BucketBrowser::uploadFolder)
        ->setObjectName(QStringLiteral("contextUploadFolder"));
    menu->addSeparator();
}

void BucketBrowser::uploadFiles()
{
    askUploadPaths(QFileDialog::ExistingFiles);
}

void BucketBrowser::uploadFolder()
{
    askUploadPaths(QFileDialog::Directory);
}

void BucketBrowser::askUploadPaths(int fileMode)
{
    if (m_bucket.isEmpty()) {
        showInfo(tr("Open a bucket first: uploads go into the bucket and folder shown here."));
        return;
    }
    const bool folder = fileMode == QFileDialog::Directory;
    const QString bucket = m_bucket;
    const QString prefix = m_prefix;
    QFileDialog *dialog = localFileDialog(this, folder ? tr("Upload Folder to %1").arg(currentUri()) : tr("Upload Files to %1").arg(currentUri()),
                                          QFileDialog::FileMode(fileMode));
    dialog->setObjectName(folder ? QStringLiteral("uploadFolderDialog") : QStringLiteral("uploadFilesDialog"));
    dialog->setLabelText(QFileDialog::Accept, tr("&Upload"));
    // Where the files go is fixed when the dialog opens: browsing on meanwhile does not move them.
    connect(dialog, &QFileDialog::filesSelected, this, [this, bucket, prefix](const QStringList &paths) {
        if (!paths.isEmpty()) {
            hideBanner();
            emit uploadRequested(paths, bucket, prefix);
        }
    });
    dialog->open();
}

QString BucketBrowser::dropPrefixAt(const QPoint &pos) const
{
    const QModelIndex index = m_view->indexAt(pos);
    if (index.isValid() && index.data(ObjectListModel::IsFolderRole).toBool())
        return index.data(ObjectListModel::KeyRole).toString();
    return m_prefix;
}

QString BucketBrowser::dropTargetAt(const QPoint &pos, QModelIndex *folderRow) const
{
    if (folderRow)
        *folderRow = QModelIndex();
    if (m_bucket.isEmpty())
        return QString();
    const QString prefix = dropPrefixAt(pos);
    if (folderRow && prefix != m_prefix)
        *folderRow = m_view->indexAt(pos);
    return QStringLiteral("s3://%1/%2").arg(m_bucket, prefix);
}

void BucketBrowser::explainRefusedDrop()
{
    showInfo(tr("Open a bucket first, then drop files into it (or into one of its folders)."));
}

void BucketBrowser::watchListingForEmptyHint()
{
    // "Empty" only once a listing has finished without an error: not while loading, not after a refusal.
    connect(m_objects, &ObjectListModel::loadFailed, this, [this] {
        m_listingFailed = true;
        updateEmptyHint();
    });
    connect(m_objects, &ObjectListModel::loadingChanged, this, [this](bool loading) {
        if (loading)
            m_listingFailed = false;
    });
    connect(m_objects, &QAbstractItemModel::modelReset, this, [this] { m_listingFailed = false; });
}

void BucketBrowser::updateEmptyHint()
{
    auto *list = static_cast<BrowserListView *>(m_view);
    const bool empty = !m_bucket.isEmpty() && !m_listingFailed && !m_objects->isLoading() && !m_objects->hasMore()
                       && m_objects->rowCount() == 0 && m_objects->bucket() == m_bucket;
    if (!empty)
        return list->setEmptyHint(QString());
    list->setEmptyHint((m_prefix.isEmpty() ? tr("This bucket is empty.") : tr("This folder is empty.")) + QLatin1Char(' ')
                       + tr("Drop files here or use Upload… (Ctrl+U) to add them to %1").arg(currentUri()));
}

QString BucketBrowser::emptyHint() const
{
    return static_cast<const BrowserListView *>(m_view)->emptyHint();
}

void BucketBrowser::startDeletion(const QStringList &keys, const QStringList &folderPrefixes, bool confirm)
{
    if (m_bucket.isEmpty() || (keys.isEmpty() && folderPrefixes.isEmpty()))
        return;
    auto *deletion = new ObjectDeletion(m_session, m_bucket, m_prefix, this);
    deletion->setBatchSize(m_deleteBatchSize);
    connect(deletion, &ObjectDeletion::finished, this, &BucketBrowser::refreshIfShowing);
    connect(deletion, &ObjectDeletion::reported, this, &BucketBrowser::showInfo);
    connect(deletion, &ObjectDeletion::failed, this, [this](const AwsError &error, const QString &note) {
        showError(error);
        if (!note.isEmpty())
            m_bannerText->setText(m_bannerText->text() + QStringLiteral("<br>") + note.toHtmlEscaped());
    });
    deletion->start(keys, folderPrefixes, confirm);
}

} // namespace RoleDrop::Ui
