#pragma once

#include <QList>
#include <QTimer>
#include <QWidget>

class QAction;
class QLabel;
class QProgressBar;
class QToolBar;
class QTreeView;

namespace RoleDrop::Transfers {
class Transfer;
}

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

class TransferListModel;

// The bottom dock: every transfer of the session with its progress, the total ("3 of 10 files, 120 MiB
// of 1.2 GiB, 45 MiB/s"), and what one does with a queue: cancel, retry the failed ones, clear the
// finished ones. A failed row says why in its tooltip and in the detail line under the table.
class TransferQueueView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferQueueView)
public:
    explicit TransferQueueView(Sessions::Session *session, QWidget *parent = nullptr);

    TransferListModel *model() const { return m_model; }
    QTreeView *table() const { return m_table; }
    QProgressBar *totalProgressBar() const { return m_total; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *detailLabel() const { return m_detail; }
    QAction *cancelSelectedAction() const { return m_cancelSelected; }
    QAction *cancelAllAction() const { return m_cancelAll; }
    QAction *retryFailedAction() const { return m_retryFailed; }
    QAction *clearFinishedAction() const { return m_clearFinished; }

    // The summary line for the queue as it is now (also the dock's tooltip).
    QString summaryText() const;

private:
    QList<Transfers::Transfer *> selectedTransfers() const;
    void cancelSelected();
    void retrySelected();
    void retryFailed();
    void retry(const QList<Transfers::Transfer *> &transfers);
    void copyErrors();
    void showContextMenu(const QPoint &position);
    void refreshSummary();
    void refreshDetail();
    void followNewRows();

    Sessions::Session *m_session;
    TransferListModel *m_model;
    QTreeView *m_table;
    QToolBar *m_toolBar;
    QProgressBar *m_total;
    QLabel *m_summary;
    QLabel *m_detailIcon;
    QLabel *m_detail;
    QAction *m_cancelSelected;
    QAction *m_retrySelected;
    QAction *m_cancelAll;
    QAction *m_retryFailed;
    QAction *m_clearFinished;
    QAction *m_copyError;
    QTimer m_summaryTimer;
};

} // namespace RoleDrop::Ui
