#include "ui/transfers/transfer_controller.h"

#include "core/s3/s3_client.h"
#include "core/session/session.h"
#include "ui/transfers/conflict_dialog.h"

#include <QApplication>
#include <QFileInfo>
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
    QList<int> conflicts;
    int nextConflict = 0;
    QHash<int, Transfers::ConflictChoice> choices;
    std::optional<Transfers::ConflictChoice> forAll;
    QElapsedTimer clock;
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
    m_session->checkUpload(localPaths, bucket, prefix, this, [this, pending](Outcome<Sessions::UploadCheck> check) {
        if (!check) {
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
        pending->conflicts = Transfers::conflictingItems(pending->check.plan, existing);
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
    const Transfers::UploadItem &item = pending->check.plan.items.at(index);
    const QFileInfo local(item.localPath);
    const Transfers::RemoteFacts remote = pending->check.existing.value(item.key);
    ConflictInfo info;
    info.bucket = pending->bucket;
    info.key = item.key;
    info.localPath = item.localPath;
    info.localSize = item.size;
    info.localModified = local.lastModified();
    info.remoteSize = remote.size;
    info.remoteModified = remote.modified;
    info.remaining = int(pending->conflicts.size()) - pending->nextConflict - 1;

    auto *dialog = new ConflictDialog(info, m_dialogParent);
    QSet<QString> taken(pending->check.existing.keyBegin(), pending->check.existing.keyEnd());
    for (const Transfers::UploadItem &planned : std::as_const(pending->check.plan.items))
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
    Transfers::UploadPlan &plan = pending->check.plan;
    Transfers::applyConflictChoices(plan, pending->choices,
                                    QSet<QString>(pending->check.existing.keyBegin(), pending->check.existing.keyEnd()));
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
    m_session->planDownload(bucket, keys, folderPrefixes, stripPrefix, folder, this,
                            [this, bucket](Outcome<Transfers::DownloadPlan> plan) {
        if (!plan) {
            emit errorOccurred(plan.error());
            emit batchFinished(0, 0);
            return;
        }
        enqueueDownloads(bucket, plan.value());
    });
}

void TransferController::enqueueDownloads(const QString &bucket, const Transfers::DownloadPlan &plan)
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
    batch->clock.start();
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
