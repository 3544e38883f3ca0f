#include "ui/transfers/transfer_controller.h"

#include "core/http/aws_call.h"
#include "core/s3/s3_client.h"
#include "core/session/session.h"
#include "ui/transfers/conflict_dialog.h"

#include <QApplication>
#include <QFileInfo>
#include <QLocale>
#include <QProgressDialog>
#include <QSystemTrayIcon>
#include <QTimer>

namespace RoleDrop::Ui {

namespace {

// The prefix an upload's object sits in ("a/b/c.txt" -> "a/b/"), for refreshing the browser after a retry.
QString folderOf(const QString &key)
{
    return key.left(key.lastIndexOf(QLatin1Char('/')) + 1);
}

QString countedItems(int count)
{
    return count == 1 ? TransferController::tr("1 local item") : TransferController::tr("%1 local items").arg(count);
}

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
    Sessions::UploadCheck check;
    QElapsedTimer clock;
};

struct TransferController::Questions
{
    QList<std::pair<int, ConflictInfo>> conflicts;
    int next = 0;
    Choices choices;
    std::optional<Transfers::ConflictChoice> forAll;
    bool lookedUp = false;  // the next question's object has been looked up (downloads)
    std::function<QString(int)> keepBothName;
    std::function<void(const Choices &)> done;
};

TransferController::TransferController(Sessions::Session *session, QWidget *dialogParent, QObject *parent)
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
    const QPointer<QProgressDialog> progress = scanProgressDialog();
    Http::AwsCall *call = m_session->checkUpload(localPaths, bucket, prefix, this, [this, pending, progress](Outcome<Sessions::UploadCheck> check) {
        closeScanProgress(progress);
        if (!check) {
            // A walk the user cancelled needs no message: nothing was queued, as they asked.
            if (check.error().kind != AwsErrorKind::Cancelled)
                emit errorOccurred(check.error());
            emit batchFinished(0, 0);
            return;
        }
        if (!check->problems.isEmpty()) {
            emit errorOccurred(AwsError::local(AwsErrorKind::LocalFile,
                                               tr("Cannot read %1: %2").arg(countedItems(int(check->problems.size())),
                                                                             check->problems.mid(0, 3).join(QStringLiteral(", ")))));
        }
        if (!check->skippedLinks.isEmpty()) {
            emit errorOccurred(AwsError::local(AwsErrorKind::LocalFile,
                                               tr("Skipped %n symbolic link(s) inside the folder (links are not followed): %1", nullptr,
                                                  int(check->skippedLinks.size()))
                                                   .arg(check->skippedLinks.mid(0, 3).join(QStringLiteral(", ")))));
        }
        pending->check = check.value();
        if (pending->check.plan.items.isEmpty()) {
            emit batchFinished(0, 0);
            return;
        }
        const QSet<QString> existing(pending->check.existing.keyBegin(), pending->check.existing.keyEnd());
        QList<std::pair<int, ConflictInfo>> conflicts;
        for (const int index : Transfers::conflictingItems(pending->check.plan, existing)) {
            const Transfers::UploadItem &item = pending->check.plan.items.at(index);
            const Transfers::RemoteFacts remote = pending->check.existing.value(item.key);
            ConflictInfo info;
            info.bucket = pending->bucket;
            info.key = item.key;
            info.localPath = item.localPath;
            info.localSize = item.size;
            info.localModified = QFileInfo(item.localPath).lastModified();
            info.remoteSize = remote.size;
            info.remoteModified = remote.modified;
            conflicts.append({index, info});
        }
        QSet<QString> taken(existing);
        for (const Transfers::UploadItem &planned : std::as_const(pending->check.plan.items))
            taken.insert(planned.key);
        askConflicts(conflicts, [pending, taken](int index) { return Transfers::keepBothKey(pending->check.plan.items.at(index).key, taken); },
                     [this, pending](const Choices &choices) { enqueueUploads(pending, choices); });
    }, [progress](int filesFound) { showScanProgress(progress, filesFound); });
    if (progress && call)
        connect(progress, &QProgressDialog::canceled, call, &Http::AwsCall::cancel);
}

QProgressDialog *TransferController::scanProgressDialog()
{
    // Shown only when the walk takes a while (a folder of many files, a slow disk); Cancel stops it.
    auto *dialog = new QProgressDialog(tr("Looking through the files to upload…"), tr("&Cancel"), 0, 0, m_dialogParent);
    dialog->setObjectName(QStringLiteral("uploadScanProgress"));
    dialog->setWindowTitle(tr("Preparing Upload"));
    dialog->setAccessibleName(tr("Preparing upload"));
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    dialog->setMinimumDuration(m_scanProgressDelayMs);
    dialog->setValue(0);  // starts the delay
    return dialog;
}

void TransferController::showScanProgress(QProgressDialog *dialog, int filesFound)
{
    if (!dialog)
        return;
    dialog->setLabelText(filesFound == 1 ? tr("Looking through the files to upload… 1 file found so far")
                                         : tr("Looking through the files to upload… %1 files found so far")
                                               .arg(QLocale().toString(filesFound)));
}

void TransferController::closeScanProgress(QProgressDialog *dialog)
{
    if (!dialog)
        return;
    dialog->disconnect();
    dialog->close();
    dialog->deleteLater();
}

void TransferController::askConflicts(QList<std::pair<int, ConflictInfo>> conflicts, std::function<QString(int)> keepBothName,
                                      std::function<void(const Choices &)> done)
{
    auto questions = std::make_shared<Questions>();
    questions->conflicts = std::move(conflicts);
    questions->keepBothName = std::move(keepBothName);
    questions->done = std::move(done);
    askNext(questions);
}

void TransferController::askNext(const std::shared_ptr<Questions> &questions)
{
    Questions &q = *questions;
    while (q.next < q.conflicts.size() && q.forAll) {
        q.choices.insert(q.conflicts.at(q.next).first, *q.forAll);
        ++q.next;
    }
    if (q.next >= q.conflicts.size())
        return q.done(q.choices);
    const int index = q.conflicts.at(q.next).first;
    ConflictInfo info = q.conflicts.at(q.next).second;
    // A download's object is looked up when it is asked about (not all of them up front: "apply to all" may
    // answer the rest), so the question can compare sizes and dates.
    if (info.direction == Transfers::TransferDirection::Download && info.remoteSize < 0 && !q.lookedUp && m_session->s3()) {
        q.lookedUp = true;
        m_session->s3()->headObject(info.bucket, info.key, this, [this, questions](Outcome<S3::ObjectMetadata> metadata) {
            if (metadata) {
                ConflictInfo &asked = questions->conflicts[questions->next].second;
                asked.remoteSize = metadata->size;
                asked.remoteModified = metadata->lastModified;
            }
            askNext(questions);
        });
        return;
    }
    q.lookedUp = false;
    info.remaining = int(q.conflicts.size()) - q.next - 1;
    auto *dialog = new ConflictDialog(info, m_dialogParent);
    dialog->setKeepBothName(q.keepBothName(index));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, [this, questions, dialog, index] {
        questions->choices.insert(index, dialog->choice());
        if (dialog->applyToAll())
            questions->forAll = dialog->choice();
        ++questions->next;
        // Next question from the event loop, after this dialog has gone.
        QTimer::singleShot(0, this, [this, questions] { askNext(questions); });
    });
    dialog->open();
}

void TransferController::enqueueUploads(const std::shared_ptr<PendingUpload> &pending, const Choices &choices)
{
    Transfers::UploadPlan &plan = pending->check.plan;
    // Nothing is replaced that the user did not answer "Overwrite" for: not an object that appears between the
    // check and the upload under a key that was free, nor under a "Keep Both" name (If-None-Match: *).
    for (Transfers::UploadItem &item : plan.items)
        item.noClobber = true;
    Transfers::applyConflictChoices(plan, choices, QSet<QString>(pending->check.existing.keyBegin(), pending->check.existing.keyEnd()));
    if (plan.items.isEmpty()) {
        emit batchFinished(0, 0);
        return;
    }
    auto batch = std::make_shared<Batch>();
    batch->direction = Transfers::TransferDirection::Upload;
    batch->bucket = pending->bucket;
    batch->prefix = plan.prefix;
    batch->clock = pending->clock;
    track(m_session->enqueueUploads(pending->bucket, plan), batch);
}

void TransferController::download(const QString &bucket, const QStringList &keys, const QStringList &folderPrefixes,
                                  const QString &stripPrefix, const QString &folder)
{
    QElapsedTimer clock;
    clock.start();
    m_session->planDownload(bucket, keys, folderPrefixes, stripPrefix, folder, this,
                            [this, bucket, clock](Outcome<Transfers::DownloadPlan> plan) {
        if (!plan) {
            emit errorOccurred(plan.error());
            emit batchFinished(0, 0);
            return;
        }
        resolveDownloadConflicts(bucket, plan.value(), clock);
    });
}

// A file that is there already is never replaced without asking: overwrite, skip or keep both.
void TransferController::resolveDownloadConflicts(const QString &bucket, Transfers::DownloadPlan plan, const QElapsedTimer &clock)
{
    QList<std::pair<int, ConflictInfo>> conflicts;
    for (int i = 0; i < plan.items.size(); ++i) {
        const Transfers::DownloadItem &item = plan.items.at(i);
        if (!item.existsLocally)
            continue;
        const QFileInfo local(item.localPath);
        ConflictInfo info;
        info.direction = Transfers::TransferDirection::Download;
        info.bucket = bucket;
        info.key = item.key;
        info.localPath = item.localPath;
        info.localSize = local.size();
        info.localModified = local.lastModified();
        conflicts.append({i, info});
    }
    auto shared = std::make_shared<Transfers::DownloadPlan>(std::move(plan));
    askConflicts(conflicts, [shared](int index) {
        Transfers::DownloadPlan preview;
        preview.items = {shared->items.at(index)};
        Transfers::applyDownloadChoices(preview, {{0, Transfers::ConflictChoice::KeepBoth}});
        return preview.items.isEmpty() ? QString() : preview.items.first().localPath;
    }, [this, bucket, shared, clock](const Choices &choices) {
        Transfers::applyDownloadChoices(*shared, choices);
        enqueueDownloads(bucket, *shared, clock);
    });
}

void TransferController::enqueueDownloads(const QString &bucket, const Transfers::DownloadPlan &plan, const QElapsedTimer &clock)
{
    if (!plan.refused.isEmpty()) {
        AwsError error = plan.refused.first().second;
        error.resource = S3::s3ResourceName(bucket, plan.refused.first().first);
        if (plan.refused.size() > 1)
            error.message = tr("%1 (and %2 not downloaded)")
                                .arg(error.message, plan.refused.size() == 2 ? tr("1 more key") : tr("%1 more keys").arg(plan.refused.size() - 1));
        emit errorOccurred(error);
    }
    if (!plan.collisions.isEmpty()) {
        const auto &[key, kept] = plan.collisions.first();
        emit errorOccurred(AwsError::local(AwsErrorKind::LocalFile,
                                           tr("Not downloaded: %n key(s) would land on the same local file as another, e.g. “%1” and “%2”",
                                              nullptr, int(plan.collisions.size()))
                                               .arg(key, kept)));
    }
    if (plan.items.isEmpty()) {
        emit batchFinished(0, 0);
        return;
    }
    auto batch = std::make_shared<Batch>();
    batch->direction = Transfers::TransferDirection::Download;
    batch->bucket = bucket;
    batch->clock = clock;
    track(m_session->enqueueDownloads(bucket, plan), batch);
}

void TransferController::track(const QList<Transfers::Transfer *> &transfers, const std::shared_ptr<Batch> &batch)
{
    if (transfers.isEmpty()) {
        emit batchFinished(0, 0);
        return;
    }
    batch->pending += int(transfers.size());
    for (Transfers::Transfer *transfer : transfers) {
        m_open.insert(transfer, batch);
        // A transfer that finished before it was tracked (a missing file fails at once) still counts.
        if (transfer->isFinished())
            onQueueTransferFinished(transfer);
    }
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
