#include "ui/transfers/transfer_controller.h"

#include "core/transfer/download_transfer.h"
#include "core/transfer/local_path_guard.h"
#include "core/transfer/upload_transfer.h"
#include "ui/app_session.h"
#include "ui/transfers/conflict_dialog.h"

#include <QApplication>
#include <QFileInfo>
#include <QFuture>
#include <QPromise>
#include <QSystemTrayIcon>
#include <QThreadPool>
#include <QTimer>

namespace RoleDrop::Ui {

namespace {

// The prefix an upload's object sits in ("a/b/c.txt" -> "a/b/"), for refreshing the browser after a retry.
QString folderOf(const QString &key)
{
    return key.left(key.lastIndexOf(QLatin1Char('/')) + 1);
}

struct RemoteFacts
{
    qint64 size = -1;
    QDateTime modified;
};

} // namespace

struct TransferController::Batch
{
    Transfers::TransferDirection direction = Transfers::TransferDirection::Upload;
    QString bucket;
    QString prefix;   // uploads: where they went
    int pending = 0;
    int succeeded = 0;
    int failed = 0;
    QElapsedTimer clock;
};

struct TransferController::PendingUpload
{
    QString bucket;
    Transfers::UploadPlan plan;
    QHash<QString, RemoteFacts> existing;  // planned keys that already exist
    int checksLeft = 0;
    QList<int> conflicts;
    int nextConflict = 0;
    QHash<int, Transfers::ConflictChoice> choices;
    std::optional<Transfers::ConflictChoice> forAll;
    QElapsedTimer clock;
};

TransferController::TransferController(AppSession *session, QWidget *dialogParent, QObject *parent)
    : QObject(parent), m_session(session), m_dialogParent(dialogParent)
{
    connect(&session->transfers(), &Transfers::TransferQueue::transferFinished, this, &TransferController::onQueueTransferFinished);
}

TransferController::~TransferController() = default;

void TransferController::upload(const QStringList &localPaths, const QString &bucket, const QString &prefix)
{
    auto pending = std::make_shared<PendingUpload>();
    pending->bucket = bucket;
    pending->clock.start();
    // A dropped folder may hold many thousands of files: walk it on a worker thread.
    auto promise = std::make_shared<QPromise<Transfers::LocalScan>>();
    QFuture<Transfers::LocalScan> scanned = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, localPaths] {
        promise->addResult(Transfers::scanLocalPaths(localPaths));
        promise->finish();
    });
    scanned.then(this, [this, pending, prefix](const Transfers::LocalScan &scan) {
        if (!scan.problems.isEmpty()) {
            AwsError error = AwsError::local(AwsErrorKind::LocalFile,
                                             tr("Cannot read %1: %2")
                                                 .arg(scan.problems.size() == 1 ? tr("1 local item") : tr("%1 local items").arg(scan.problems.size()),
                                                      scan.problems.mid(0, 3).join(QStringLiteral(", "))));
            emit errorOccurred(error);
        }
        pending->plan = Transfers::planUpload(scan.files, prefix);
        if (pending->plan.items.isEmpty()) {
            emit batchFinished(0, 0);
            return;
        }
        checkExisting(pending);
    });
}

void TransferController::checkExisting(const std::shared_ptr<PendingUpload> &pending)
{
    if (pending->plan.items.size() > maxHeadChecks) {
        listExisting(pending, QString());
        return;
    }
    pending->checksLeft = int(pending->plan.items.size());
    for (const Transfers::UploadItem &item : std::as_const(pending->plan.items)) {
        const QString key = item.key;
        m_session->s3().headObject(pending->bucket, key, [this, pending, key](Outcome<S3::ObjectMetadata> head) {
            // Only a found object is a conflict; any other answer (denied, missing) lets the upload
            // itself report what is wrong, with the error the PUT gets.
            if (head)
                pending->existing.insert(key, {head->size, head->lastModified});
            if (--pending->checksLeft == 0) {
                pending->conflicts = Transfers::conflictingItems(pending->plan, QSet<QString>(pending->existing.keyBegin(), pending->existing.keyEnd()));
                askNextConflict(pending);
            }
        });
    }
}

void TransferController::listExisting(const std::shared_ptr<PendingUpload> &pending, const QString &continuationToken)
{
    S3::ListObjectsRequest request;
    request.bucket = pending->bucket;
    request.prefix = pending->plan.prefix;
    request.delimiter.clear();  // the whole subtree: folders dropped keep their structure
    request.continuationToken = continuationToken;
    QSet<QString> planned;
    for (const Transfers::UploadItem &item : std::as_const(pending->plan.items))
        planned.insert(item.key);
    m_session->s3().listObjects(request, [this, pending, planned](Outcome<S3::ListObjectsPage> page) {
        if (page) {
            for (const S3::ObjectInfo &object : page->objects) {
                if (planned.contains(object.key))
                    pending->existing.insert(object.key, {object.size, object.lastModified});
            }
            if (page->isTruncated) {
                listExisting(pending, page->nextContinuationToken);
                return;
            }
        }
        pending->conflicts = Transfers::conflictingItems(pending->plan, QSet<QString>(pending->existing.keyBegin(), pending->existing.keyEnd()));
        askNextConflict(pending);
    });
}

void TransferController::askNextConflict(const std::shared_ptr<PendingUpload> &pending)
{
    while (pending->nextConflict < pending->conflicts.size() && pending->forAll) {
        pending->choices.insert(pending->conflicts.at(pending->nextConflict), *pending->forAll);
        ++pending->nextConflict;
    }
    if (pending->nextConflict >= pending->conflicts.size()) {
        enqueueUploads(pending);
        return;
    }
    const int index = pending->conflicts.at(pending->nextConflict);
    const Transfers::UploadItem &item = pending->plan.items.at(index);
    const QFileInfo local(item.localPath);
    ConflictInfo info;
    info.bucket = pending->bucket;
    info.key = item.key;
    info.localPath = item.localPath;
    info.localSize = item.size;
    info.localModified = local.lastModified();
    info.remoteSize = pending->existing.value(item.key).size;
    info.remoteModified = pending->existing.value(item.key).modified;
    info.remaining = int(pending->conflicts.size()) - pending->nextConflict - 1;

    auto *dialog = new ConflictDialog(info, m_dialogParent);
    QSet<QString> taken(pending->existing.keyBegin(), pending->existing.keyEnd());
    for (const Transfers::UploadItem &planned : std::as_const(pending->plan.items))
        taken.insert(planned.key);
    dialog->setKeepBothName(Transfers::keepBothKey(item.key, taken));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, [this, pending, dialog, index] {
        pending->choices.insert(index, dialog->choice());
        if (dialog->applyToAll())
            pending->forAll = dialog->choice();
        ++pending->nextConflict;
        // Next question from the event loop, after this dialog has gone.
        QTimer::singleShot(0, this, [this, pending] { askNextConflict(pending); });
    });
    dialog->open();
}

void TransferController::enqueueUploads(const std::shared_ptr<PendingUpload> &pending)
{
    Transfers::applyConflictChoices(pending->plan, pending->choices,
                         QSet<QString>(pending->existing.keyBegin(), pending->existing.keyEnd()));
    auto batch = std::make_shared<Batch>();
    batch->direction = Transfers::TransferDirection::Upload;
    batch->bucket = pending->bucket;
    batch->prefix = pending->plan.prefix;
    batch->clock = pending->clock;
    if (pending->plan.items.isEmpty()) {
        emit batchFinished(0, 0);
        return;
    }
    QList<Transfers::Transfer *> transfers;
    for (const Transfers::UploadItem &item : std::as_const(pending->plan.items)) {
        auto *transfer = new Transfers::UploadTransfer(&m_session->s3(), item.localPath, S3::S3Uri{pending->bucket, item.key});
        transfers.append(transfer);
    }
    batch->pending = int(transfers.size());
    for (Transfers::Transfer *transfer : std::as_const(transfers))
        m_open.insert(transfer, batch);
    for (Transfers::Transfer *transfer : std::as_const(transfers))
        m_session->transfers().enqueue(transfer);
}

void TransferController::download(const QString &bucket, const QStringList &keys, const QString &stripPrefix, const QString &folder)
{
    struct Expansion
    {
        QStringList keys;
        int listingsLeft = 0;
    };
    auto expansion = std::make_shared<Expansion>();
    QStringList folders;
    for (const QString &key : keys) {
        if (key.endsWith(QLatin1Char('/')))
            folders.append(key);
        else
            expansion->keys.append(key);
    }
    if (folders.isEmpty()) {
        enqueueDownloads(bucket, expansion->keys, stripPrefix, folder);
        return;
    }
    expansion->listingsLeft = int(folders.size());
    for (const QString &prefix : std::as_const(folders)) {
        auto listPage = std::make_shared<std::function<void(QString)>>();
        // The function holds itself only weakly: the last page's callback drops it.
        *listPage = [this, bucket, prefix, stripPrefix, folder, expansion, weak = std::weak_ptr(listPage)](const QString &token) {
            S3::ListObjectsRequest request;
            request.bucket = bucket;
            request.prefix = prefix;
            request.delimiter.clear();
            request.continuationToken = token;
            auto self = weak.lock();
            m_session->s3().listObjects(request, [=, this](Outcome<S3::ListObjectsPage> page) {
                if (!page) {
                    emit errorOccurred(page.error());
                } else {
                    for (const S3::ObjectInfo &object : page->objects) {
                        if (!object.key.endsWith(QLatin1Char('/')))
                            expansion->keys.append(object.key);
                    }
                    if (page->isTruncated && self) {
                        (*self)(page->nextContinuationToken);
                        return;
                    }
                }
                if (--expansion->listingsLeft == 0)
                    enqueueDownloads(bucket, expansion->keys, stripPrefix, folder);
            });
        };
        (*listPage)(QString());
    }
}

void TransferController::enqueueDownloads(const QString &bucket, const QStringList &keys, const QString &stripPrefix,
                                          const QString &folder)
{
    QList<Transfers::Transfer *> transfers;
    QStringList refused;
    AwsError firstRefusal;
    QSet<QString> destinations;
    for (const QString &key : keys) {
        const Outcome<QString> path = Transfers::localPathForKey(folder, key, stripPrefix);
        if (!path) {
            if (refused.isEmpty())
                firstRefusal = path.error();
            refused.append(key);
            continue;
        }
        if (destinations.contains(path.value()))
            continue;  // the same key selected twice (directly and inside a selected folder)
        destinations.insert(path.value());
        transfers.append(new Transfers::DownloadTransfer(&m_session->s3(), S3::S3Uri{bucket, key}, path.value()));
    }
    if (!refused.isEmpty()) {
        AwsError error = firstRefusal;
        error.resource = S3::s3ResourceName(bucket, refused.first());
        if (refused.size() > 1)
            error.message = tr("%1 (and %2 not downloaded)")
                                .arg(error.message, refused.size() == 2 ? tr("1 more key") : tr("%1 more keys").arg(refused.size() - 1));
        emit errorOccurred(error);
    }
    if (transfers.isEmpty()) {
        emit batchFinished(0, 0);
        return;
    }
    auto batch = std::make_shared<Batch>();
    batch->direction = Transfers::TransferDirection::Download;
    batch->bucket = bucket;
    batch->pending = int(transfers.size());
    batch->clock.start();
    for (Transfers::Transfer *transfer : std::as_const(transfers))
        m_open.insert(transfer, batch);
    for (Transfers::Transfer *transfer : std::as_const(transfers))
        m_session->transfers().enqueue(transfer);
}

void TransferController::onQueueTransferFinished(Transfers::Transfer *transfer)
{
    const auto batch = m_open.take(transfer);
    if (!batch) {
        // A retry from the queue view, after its batch was reported: still refresh where it went.
        if (transfer->direction() == Transfers::TransferDirection::Upload && transfer->state() == Transfers::TransferState::Succeeded)
            emit uploadsFinishedInto(transfer->remote().bucket, folderOf(transfer->remote().key));
        return;
    }
    if (transfer->state() == Transfers::TransferState::Succeeded)
        ++batch->succeeded;
    else if (transfer->state() == Transfers::TransferState::Failed)
        ++batch->failed;
    if (--batch->pending == 0)
        finishBatch(batch);
}

void TransferController::finishBatch(const std::shared_ptr<Batch> &batch)
{
    if (batch->direction == Transfers::TransferDirection::Upload && batch->succeeded > 0)
        emit uploadsFinishedInto(batch->bucket, batch->prefix);
    emit batchFinished(batch->succeeded, batch->failed);
    if (batch->clock.elapsed() < m_notifyAfterMs)
        return;
    const bool up = batch->direction == Transfers::TransferDirection::Upload;
    const QString title = up ? tr("Uploads finished") : tr("Downloads finished");
    const QString files = batch->succeeded == 1 ? tr("1 file") : tr("%1 files").arg(batch->succeeded);
    QString message = up ? tr("%1 uploaded to s3://%2/%3").arg(files, batch->bucket, batch->prefix)
                         : tr("%1 downloaded from s3://%2").arg(files, batch->bucket);
    if (batch->failed > 0)
        message += tr(", %1 failed").arg(batch->failed);
    notifyDesktop(title, message);
}

void TransferController::notifyDesktop(const QString &title, const QString &message)
{
    if (QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
            m_tray->setToolTip(QApplication::applicationDisplayName());
        }
        m_tray->show();
        m_tray->showMessage(title, message, QSystemTrayIcon::Information, 8000);
        // The icon is only there to carry the message; it should not linger in the tray.
        QTimer::singleShot(10000, m_tray, &QSystemTrayIcon::hide);
    } else if (m_dialogParent) {
        QApplication::alert(m_dialogParent->window());
    }
    emit notified(message);
}

} // namespace RoleDrop::Ui
