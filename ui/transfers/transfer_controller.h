#pragma once

#include "core/common/aws_error.h"
#include "core/transfer/download_plan.h"
#include "core/transfer/upload_plan.h"
#include "ui/transfers/conflict_dialog.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class QProgressDialog;
class QSystemTrayIcon;
class QWidget;

namespace RoleDrop::Transfers {
class Transfer;
}

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

// Turns "upload these files there" and "download these keys here" into transfers on the session's
// queue: it plans the keys, asks about objects that already exist, keeps downloads inside the chosen
// folder, and reports each batch when its last transfer has finished. Everything is asynchronous.
class TransferController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferController)
public:
    TransferController(Sessions::Session *session, QWidget *dialogParent, QObject *parent = nullptr);
    ~TransferController() override;

    // Files and folders (recursively: folder "photos" lands as prefix + "photos/...").
    void upload(const QStringList &localPaths, const QString &bucket, const QString &prefix);
    // Objects, and folders expanded to everything under them; `stripPrefix` is cut from keys to make paths.
    void download(const QString &bucket, const QStringList &keys, const QStringList &folderPrefixes,
                  const QString &stripPrefix, const QString &folder);

    // The "Looking through the files to upload…" dialog shows when walking the local folders takes longer
    // than this (tests: 0, to see it at once).
    void setScanProgressDelayMs(int ms) { m_scanProgressDelayMs = ms; }
    // Batches that take longer than this get a desktop notification when they finish.
    void setNotifyAfterMs(int ms) { m_notifyAfterMs = ms; }

signals:
    void uploadsFinishedInto(const QString &bucket, const QString &prefix);
    // Cancelled transfers count as neither.
    void batchFinished(int succeeded, int failed);
    void errorOccurred(const RoleDrop::AwsError &error);
    // The text of the desktop notification just shown (tray message or taskbar alert).
    void notified(const QString &message);

private:
    struct Batch;
    struct PendingUpload;
    struct Questions;
    using Choices = QHash<int, Transfers::ConflictChoice>;

    // Asks about each conflict in turn (an answer "for all" answers the rest), then gives every answer, by
    // the index each conflict was given under.
    void askConflicts(QList<std::pair<int, ConflictInfo>> conflicts, std::function<QString(int index)> keepBothName,
                      std::function<void(const Choices &)> done);
    void askNext(const std::shared_ptr<Questions> &questions);
    void enqueueUploads(const std::shared_ptr<PendingUpload> &pending, const Choices &choices);
    void resolveDownloadConflicts(const QString &bucket, Transfers::DownloadPlan plan, const QElapsedTimer &clock);
    void enqueueDownloads(const QString &bucket, const Transfers::DownloadPlan &plan, const QElapsedTimer &clock);
    void track(const QList<Transfers::Transfer *> &transfers, const std::shared_ptr<Batch> &batch);
    void finishBatch(const std::shared_ptr<Batch> &batch);
    void onQueueTransferFinished(Transfers::Transfer *transfer);
    void notifyDesktop(const QString &title, const QString &message);
    QProgressDialog *scanProgressDialog();
    static void showScanProgress(QProgressDialog *dialog, int filesFound);
    static void closeScanProgress(QProgressDialog *dialog);

    Sessions::Session *m_session;
    QPointer<QWidget> m_dialogParent;
    int m_notifyAfterMs = 10000;
    int m_scanProgressDelayMs = 400;
    QHash<Transfers::Transfer *, std::shared_ptr<Batch>> m_open;  // transfers whose batch has not finished yet
    QSystemTrayIcon *m_tray = nullptr;
};

} // namespace RoleDrop::Ui
