#include "ui/transfers/transfer_queue_view.h"

#include "core/common/human_size.h"
#include "core/s3/s3_client.h"
#include "core/transfer/transfer.h"
#include "core/transfer/transfer_queue.h"
#include "core/session/session.h"
#include "ui/transfers/progress_delegate.h"
#include "ui/transfers/transfer_list_model.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QProgressBar>
#include <QStyle>
#include <QToolBar>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

namespace {

QIcon themed(const char *name, QStyle::StandardPixmap fallback, const QWidget *widget)
{
    return QIcon::fromTheme(QLatin1String(name), widget->style()->standardIcon(fallback));
}

} // namespace

TransferQueueView::TransferQueueView(Sessions::Session *session, QWidget *parent)
    : QWidget(parent), m_session(session), m_model(new TransferListModel(&session->transfers(), this))
{
    setObjectName(QStringLiteral("transferQueueView"));
    setAccessibleName(tr("Transfer queue"));

    m_cancelSelected = new QAction(themed("process-stop", QStyle::SP_BrowserStop, this), tr("&Cancel"), this);
    m_cancelSelected->setToolTip(tr("Cancel the selected transfers (Del)"));
    m_cancelSelected->setShortcut(QKeySequence::Delete);
    m_retrySelected = new QAction(themed("view-refresh", QStyle::SP_BrowserReload, this), tr("&Retry"), this);
    m_retrySelected->setToolTip(tr("Start the selected failed or cancelled transfers again"));
    m_cancelAll = new QAction(themed("process-stop", QStyle::SP_DialogCancelButton, this), tr("Cancel &All"), this);
    m_cancelAll->setToolTip(tr("Cancel every queued and running transfer"));
    m_retryFailed = new QAction(themed("view-refresh", QStyle::SP_BrowserReload, this), tr("Retry &Failed"), this);
    m_retryFailed->setToolTip(tr("Start every failed transfer again (asks which identity when you switched since)"));
    m_clearFinished = new QAction(themed("edit-clear-all", QStyle::SP_DialogResetButton, this), tr("C&lear Finished"), this);
    m_clearFinished->setToolTip(tr("Remove finished, failed and cancelled transfers from the list"));
    m_copyError = new QAction(themed("edit-copy", QStyle::SP_FileDialogDetailedView, this), tr("Cop&y Error"), this);
    m_copyError->setShortcut(QKeySequence::Copy);
    for (QAction *action : {m_cancelSelected, m_retrySelected, m_copyError}) {
        // Only while the table has focus: Del and Ctrl+C mean other things elsewhere in the window.
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    }
    connect(m_cancelSelected, &QAction::triggered, this, &TransferQueueView::cancelSelected);
    connect(m_retrySelected, &QAction::triggered, this, &TransferQueueView::retrySelected);
    connect(m_cancelAll, &QAction::triggered, &session->transfers(), &Transfers::TransferQueue::cancelAll);
    connect(m_retryFailed, &QAction::triggered, this, &TransferQueueView::retryFailed);
    connect(m_clearFinished, &QAction::triggered, &session->transfers(), &Transfers::TransferQueue::clearFinished);
    connect(m_copyError, &QAction::triggered, this, &TransferQueueView::copyErrors);

    m_toolBar = new QToolBar(tr("Transfers"), this);
    m_toolBar->setIconSize(QSize(16, 16));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->addAction(m_cancelSelected);
    m_toolBar->addAction(m_cancelAll);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_retryFailed);
    m_toolBar->addAction(m_clearFinished);

    m_total = new QProgressBar(this);
    m_total->setRange(0, 1000);
    m_total->setTextVisible(false);
    m_total->setMaximumWidth(220);
    m_total->setToolTip(tr("All transfers in the list"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("transferSummary"));
    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 6, 0);
    top->addWidget(m_toolBar, 1);
    top->addWidget(m_summary);
    top->addWidget(m_total);

    m_table = new QTreeView(this);
    m_table->setObjectName(QStringLiteral("transferTable"));
    m_table->setAccessibleName(tr("Transfers"));
    m_table->setModel(m_model);
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);  // lets a long queue scroll without measuring every row
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setItemDelegateForColumn(TransferListModel::ProgressColumn, new ProgressDelegate(m_table));
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->addAction(m_cancelSelected);
    m_table->addAction(m_retrySelected);
    m_table->addAction(m_copyError);
    QHeaderView *header = m_table->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(TransferListModel::DestinationColumn, QHeaderView::Stretch);
    header->resizeSection(TransferListModel::NameColumn, 200);
    header->resizeSection(TransferListModel::IdentityColumn, 150);
    header->resizeSection(TransferListModel::SizeColumn, 80);
    header->resizeSection(TransferListModel::ProgressColumn, 130);
    header->resizeSection(TransferListModel::SpeedColumn, 90);
    header->resizeSection(TransferListModel::EtaColumn, 80);
    header->resizeSection(TransferListModel::StateColumn, 100);
    connect(m_table, &QWidget::customContextMenuRequested, this, &TransferQueueView::showContextMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, &TransferQueueView::refreshDetail);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TransferQueueView::refreshSummary);
    followNewRows();

    m_detailIcon = new QLabel(this);
    m_detailIcon->setPixmap(themed("dialog-error", QStyle::SP_MessageBoxCritical, this).pixmap(16, 16));
    m_detailIcon->setAlignment(Qt::AlignTop);
    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("transferDetail"));
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *detail = new QHBoxLayout;
    detail->setContentsMargins(6, 0, 6, 4);
    detail->addWidget(m_detailIcon);
    detail->addWidget(m_detail, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addLayout(detail);

    // Progress is summed on a timer rather than per signal: the queue can emit thousands a second.
    m_summaryTimer.setInterval(250);
    connect(&m_summaryTimer, &QTimer::timeout, this, &TransferQueueView::refreshSummary);
    Transfers::TransferQueue *queue = &session->transfers();
    // A dropped folder adds thousands at once: the first shows at once, the rest on the timer.
    connect(queue, &Transfers::TransferQueue::transferAdded, this, [this] {
        if (m_summaryTimer.isActive())
            return;
        m_summaryTimer.start();
        refreshSummary();
    });
    connect(queue, &Transfers::TransferQueue::transferRemoved, this, &TransferQueueView::refreshSummary);
    connect(queue, &Transfers::TransferQueue::idle, this, [this] {
        m_summaryTimer.stop();
        refreshSummary();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &TransferQueueView::refreshDetail);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &TransferQueueView::refreshDetail);
    refreshSummary();
    refreshDetail();
}

QString TransferQueueView::summaryText() const
{
    const Transfers::TransferQueue &queue = m_session->transfers();
    const auto &transfers = queue.transfers();
    if (transfers.isEmpty())
        return tr("No transfers");
    int done = 0;
    int failed = 0;
    int paused = 0;
    double speed = 0;
    for (const Transfers::Transfer *transfer : transfers) {
        if (transfer->state() == Transfers::TransferState::Succeeded)
            ++done;
        else if (transfer->state() == Transfers::TransferState::Failed)
            ++failed;
        else if (transfer->state() == Transfers::TransferState::Paused)
            ++paused;
        else if (transfer->state() == Transfers::TransferState::Running)
            speed += transfer->bytesPerSecond();
    }
    const QString files = transfers.size() == 1 ? tr("%1 of 1 file").arg(done) : tr("%1 of %2 files").arg(done).arg(transfers.size());
    QString text = tr("%1, %2 of %3").arg(files, humanSize(queue.doneBytes()), humanSize(queue.totalBytes()));
    if (queue.activeCount() > 0 && speed >= 1)
        text += tr(", %1/s").arg(humanSize(qint64(speed)));
    if (failed > 0)
        text += tr(", %1 failed").arg(failed);
    if (paused > 0)
        text += tr(", %1 paused").arg(paused);
    return text;
}

QList<Transfers::Transfer *> TransferQueueView::selectedTransfers() const
{
    QList<Transfers::Transfer *> transfers;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows) {
        if (Transfers::Transfer *transfer = m_model->transferAt(row.row()))
            transfers.append(transfer);
    }
    return transfers;
}

void TransferQueueView::cancelSelected()
{
    for (Transfers::Transfer *transfer : selectedTransfers())
        transfer->cancel();
}

void TransferQueueView::retrySelected()
{
    QList<Transfers::Transfer *> retryable;
    for (Transfers::Transfer *transfer : selectedTransfers()) {
        if (transfer->state() == Transfers::TransferState::Failed || transfer->state() == Transfers::TransferState::Cancelled
            || transfer->state() == Transfers::TransferState::Paused)
            retryable.append(transfer);
    }
    retry(retryable);
}

void TransferQueueView::retryFailed()
{
    QList<Transfers::Transfer *> failed;
    for (Transfers::Transfer *transfer : m_session->transfers().transfers()) {
        if (transfer->state() == Transfers::TransferState::Failed || transfer->state() == Transfers::TransferState::Paused)
            failed.append(transfer);
    }
    retry(failed);
}

// A transfer keeps the identity it was queued under; when the user has switched since, the retry may be
// meant as either, so it asks (the queued identity is the default: nothing changes without a word).
void TransferQueueView::retry(const QList<Transfers::Transfer *> &transfers)
{
    const auto current = m_session->s3();
    QString queuedName;
    bool anotherIdentity = false;
    for (const Transfers::Transfer *transfer : transfers) {
        if (current && transfer->client() && transfer->client()->caller() != current->caller()) {
            anotherIdentity = true;
            queuedName = transfer->identityName();
        }
    }
    if (!anotherIdentity) {
        for (Transfers::Transfer *transfer : transfers)
            m_session->retry(transfer, Sessions::RetryAs::QueuedIdentity);
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Question, tr("Retry as which identity?"),
                                tr("These transfers were queued as %1; you now work as %2.", nullptr, int(transfers.size()))
                                    .arg(queuedName, m_session->identity().displayName),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("retryIdentityQuestion"));
    box->setInformativeText(tr("A transfer runs to its end as the identity it was queued under. Retry it as that one, or as "
                               "the identity you have now?"));
    QPushButton *asQueued = box->addButton(tr("Retry as %1").arg(queuedName), QMessageBox::AcceptRole);
    asQueued->setObjectName(QStringLiteral("retryAsQueued"));
    QPushButton *asCurrent = box->addButton(tr("Retry as %1").arg(m_session->identity().displayName), QMessageBox::AcceptRole);
    asCurrent->setObjectName(QStringLiteral("retryAsCurrent"));
    box->setDefaultButton(asQueued);
    box->setAttribute(Qt::WA_DeleteOnClose);
    const QList<QPointer<Transfers::Transfer>> chosen(transfers.cbegin(), transfers.cend());
    connect(box, &QMessageBox::finished, this, [this, box, asQueued, asCurrent, chosen] {
        const QAbstractButton *clicked = box->clickedButton();
        if (clicked != asQueued && clicked != asCurrent)
            return;
        const auto as = clicked == asCurrent ? Sessions::RetryAs::CurrentIdentity : Sessions::RetryAs::QueuedIdentity;
        for (const QPointer<Transfers::Transfer> &transfer : chosen) {
            if (transfer)
                m_session->retry(transfer, as);
        }
    });
    box->open();
}

void TransferQueueView::copyErrors()
{
    QStringList lines;
    for (const Transfers::Transfer *transfer : selectedTransfers()) {
        if (transfer->state() == Transfers::TransferState::Failed)
            lines.append(QStringLiteral("%1: %2").arg(transfer->remote().toString(), transfer->result().error.userMessage()));
    }
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

void TransferQueueView::showContextMenu(const QPoint &position)
{
    const QList<Transfers::Transfer *> selected = selectedTransfers();
    QMenu menu(this);
    menu.addAction(m_cancelSelected);
    menu.addAction(m_retrySelected);
    menu.addAction(m_copyError);
    if (selected.size() == 1 && selected.first()->direction() == Transfers::TransferDirection::Download
        && selected.first()->state() == Transfers::TransferState::Succeeded) {
        const QString folder = QFileInfo(selected.first()->localPath()).absolutePath();
        QAction *open = menu.addAction(themed("folder-open", QStyle::SP_DirOpenIcon, this), tr("&Open Containing Folder"));
        connect(open, &QAction::triggered, this, [folder] { QDesktopServices::openUrl(QUrl::fromLocalFile(folder)); });
    }
    menu.addSeparator();
    menu.addAction(m_cancelAll);
    menu.addAction(m_retryFailed);
    menu.addAction(m_clearFinished);
    menu.exec(m_table->viewport()->mapToGlobal(position));
}

void TransferQueueView::refreshSummary()
{
    const Transfers::TransferQueue &queue = m_session->transfers();
    const qint64 total = queue.totalBytes();
    m_total->setValue(total > 0 ? int(queue.doneBytes() * 1000 / total) : 0);
    m_total->setVisible(!queue.transfers().isEmpty());
    m_summary->setText(summaryText());
    setToolTip(m_summary->text());

    bool anyFailed = false;
    bool anyFinished = false;
    for (const Transfers::Transfer *transfer : queue.transfers()) {
        anyFailed = anyFailed || transfer->state() == Transfers::TransferState::Failed
                    || transfer->state() == Transfers::TransferState::Paused;
        anyFinished = anyFinished || transfer->isFinished();
    }
    bool selectedRunning = false;
    bool selectedRetryable = false;
    bool selectedFailed = false;
    for (const Transfers::Transfer *transfer : selectedTransfers()) {
        selectedRunning = selectedRunning || !transfer->isFinished();  // a paused one can be cancelled too
        selectedFailed = selectedFailed || transfer->state() == Transfers::TransferState::Failed
                         || transfer->state() == Transfers::TransferState::Paused;
        selectedRetryable = selectedRetryable || transfer->state() == Transfers::TransferState::Failed
                            || transfer->state() == Transfers::TransferState::Cancelled
                            || transfer->state() == Transfers::TransferState::Paused;
    }
    m_cancelSelected->setEnabled(selectedRunning);
    m_retrySelected->setEnabled(selectedRetryable);
    m_copyError->setEnabled(selectedFailed);
    m_cancelAll->setEnabled(queue.pendingCount() > 0);
    m_retryFailed->setEnabled(anyFailed);
    m_clearFinished->setEnabled(anyFinished);
}

void TransferQueueView::refreshDetail()
{
    // The current row's error, or else the first failed row's, so a failure is visible without a click.
    QString error;
    QString name;
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid()) {
        error = current.siblingAtColumn(0).data(TransferListModel::ErrorRole).toString();
        name = current.siblingAtColumn(TransferListModel::NameColumn).data().toString();
    }
    for (int row = 0; error.isEmpty() && row < m_model->rowCount(); ++row) {
        const QModelIndex index = m_model->index(row, TransferListModel::NameColumn);
        error = index.data(TransferListModel::ErrorRole).toString();
        name = index.data().toString();
    }
    m_detail->setText(error.isEmpty() ? QString() : tr("%1: %2").arg(name, error));
    m_detail->setVisible(!error.isEmpty());
    m_detailIcon->setVisible(!error.isEmpty());
    refreshSummary();
}

void TransferQueueView::followNewRows()
{
    // New transfers are appended at the bottom, out of sight once the queue is long: the list follows them, so
    // what was just dropped or chosen is seen starting. (After the rows are laid out: queued to the event loop.)
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &parent, int, int last) {
        if (parent.isValid())
            return;
        QMetaObject::invokeMethod(this, [this, last] {
            const QModelIndex newest = m_model->index(last, 0);
            if (newest.isValid())
                m_table->scrollTo(newest);
        }, Qt::QueuedConnection);
    });
}

} // namespace RoleDrop::Ui
