#include "ui/transfers/transfer_list_model.h"

#include "core/s3/s3_client.h"
#include "core/common/human_size.h"
#include "ui/identity/role_colors.h"

#include "core/transfer/transfer.h"
#include "core/transfer/transfer_queue.h"

#include <QApplication>
#include <QFileInfo>
#include <QIcon>
#include <QLocale>
#include <QStyle>

#include <algorithm>

namespace RoleDrop::Ui {

namespace {

QString etaText(qint64 seconds)
{
    if (seconds < 60)
        return TransferListModel::tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return TransferListModel::tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return TransferListModel::tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString nameOf(const Transfers::Transfer *transfer)
{
    if (transfer->direction() == Transfers::TransferDirection::Upload)
        return QFileInfo(transfer->localPath()).fileName();
    const QString &key = transfer->remote().key;
    return key.mid(key.lastIndexOf(QLatin1Char('/')) + 1);
}

QString destinationOf(const Transfers::Transfer *transfer)
{
    return transfer->direction() == Transfers::TransferDirection::Upload ? transfer->remote().toString() : transfer->localPath();
}

QString sourceOf(const Transfers::Transfer *transfer)
{
    return transfer->direction() == Transfers::TransferDirection::Upload ? transfer->localPath() : transfer->remote().toString();
}

int percentOf(const Transfers::Transfer *transfer)
{
    if (transfer->state() == Transfers::TransferState::Succeeded)
        return 100;
    if (transfer->bytesTotal() <= 0)
        return transfer->state() == Transfers::TransferState::Running ? -1 : 0;
    return int(std::clamp(transfer->bytesDone() * 100 / transfer->bytesTotal(), qint64(0), qint64(100)));
}

// Desktop theme icons where there is a theme, the style's own otherwise (e.g. a bare window manager).
QIcon themed(const char *name, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(QLatin1String(name), QApplication::style()->standardIcon(fallback));
}

QIcon directionIcon(const Transfers::Transfer *transfer)
{
    if (transfer->direction() == Transfers::TransferDirection::Upload)
        return themed("go-up", QStyle::SP_ArrowUp);
    return themed("go-down", QStyle::SP_ArrowDown);
}

QIcon stateIcon(Transfers::TransferState state)
{
    switch (state) {
    case Transfers::TransferState::Succeeded:
        return themed("emblem-ok-symbolic", QStyle::SP_DialogApplyButton);
    // Failed (red, "!": something to look at) and Cancelled (grey stop: the user's own choice) must not look
    // alike; the style's stock icons for both are red, so RoleDrop's own stand behind the theme's.
    case Transfers::TransferState::Failed:
        return QIcon::fromTheme(QStringLiteral("dialog-error"), QIcon(QStringLiteral(":/icons/transfer-failed.svg")));
    case Transfers::TransferState::Cancelled:
        return QIcon::fromTheme(QStringLiteral("media-playback-stop"), QIcon(QStringLiteral(":/icons/transfer-cancelled.svg")));
    case Transfers::TransferState::Paused:
        return themed("media-playback-pause", QStyle::SP_MediaPause);
    default:
        return QIcon();
    }
}

} // namespace

TransferListModel::TransferListModel(Transfers::TransferQueue *queue, QObject *parent) : QAbstractTableModel(parent), m_queue(queue)
{
    m_refresh.setInterval(100);
    m_refresh.setSingleShot(true);
    connect(&m_refresh, &QTimer::timeout, this, &TransferListModel::flushDirty);
    connect(queue, &Transfers::TransferQueue::transferAdded, this, &TransferListModel::addTransfer);
    connect(queue, &Transfers::TransferQueue::transferRemoved, this, &TransferListModel::removeTransfer);
    for (Transfers::Transfer *transfer : queue->transfers())
        addTransfer(transfer);
}

int TransferListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TransferListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TransferListModel::stateText(int state)
{
    switch (Transfers::TransferState(state)) {
    case Transfers::TransferState::Queued:
        return tr("Queued");
    case Transfers::TransferState::Running:
        return tr("Running");
    case Transfers::TransferState::Succeeded:
        return tr("Done");
    case Transfers::TransferState::Failed:
        return tr("Failed");
    case Transfers::TransferState::Cancelled:
        return tr("Cancelled");
    case Transfers::TransferState::Paused:
        return tr("Paused");
    }
    return QString();
}

QVariant TransferListModel::data(const QModelIndex &index, int role) const
{
    const Transfers::Transfer *transfer = index.isValid() ? transferAt(index.row()) : nullptr;
    if (!transfer)
        return {};
    const bool running = transfer->state() == Transfers::TransferState::Running;
    // A failure says why; so does a pause (what to do to go on).
    const bool stopped = transfer->state() == Transfers::TransferState::Failed || transfer->state() == Transfers::TransferState::Paused;
    QString error = stopped ? transfer->result().error.userMessage() : QString();
    if (transfer->state() == Transfers::TransferState::Paused && !transfer->result().pauseNote.isEmpty())
        error = tr("Paused: %1. Retry to go on from there. %2").arg(transfer->result().pauseNote, error);
    switch (role) {
    case ProgressRole:
        return percentOf(transfer);
    case StateRole:
        return int(transfer->state());
    case ErrorRole:
        return error;
    case TransferRole:
        return QVariant::fromValue(const_cast<Transfers::Transfer *>(transfer));
    case Qt::ToolTipRole:
        if (!error.isEmpty())
            return error;
        if (index.column() == IdentityColumn)
            return tr("Runs as %1").arg(transfer->client() ? transfer->client()->identityName() : transfer->identityName());
        return tr("%1\n→ %2").arg(sourceOf(transfer), destinationOf(transfer));
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn || index.column() == SpeedColumn || index.column() == EtaColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DecorationRole:
        if (index.column() == NameColumn)
            return directionIcon(transfer);
        if (index.column() == StateColumn)
            return stateIcon(transfer->state());
        if (index.column() == IdentityColumn && !transfer->identityColor().isEmpty())
            return colorChip(transfer->identityColor());
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case NameColumn:
        return nameOf(transfer);
    case DestinationColumn:
        return destinationOf(transfer);
    case IdentityColumn:
        return transfer->identityName();
    case SizeColumn:
        return transfer->bytesTotal() > 0 || transfer->isFinished() ? humanSize(transfer->bytesTotal()) : QString();
    case ProgressColumn: {
        const int percent = percentOf(transfer);
        return percent < 0 ? QString() : tr("%1%").arg(percent);
    }
    case SpeedColumn:
        return running && transfer->bytesPerSecond() > 0 ? tr("%1/s").arg(humanSize(qint64(transfer->bytesPerSecond()))) : QString();
    case EtaColumn: {
        const double speed = transfer->bytesPerSecond();
        if (!running || speed <= 0 || transfer->bytesTotal() <= 0)
            return QString();
        return etaText(qint64((transfer->bytesTotal() - transfer->bytesDone()) / speed + 0.5));
    }
    case StateColumn:
        return stateText(int(transfer->state()));
    default:
        return {};
    }
}

QVariant TransferListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Name");
    case DestinationColumn:
        return tr("Destination");
    case IdentityColumn:
        return tr("As");
    case SizeColumn:
        return tr("Size");
    case ProgressColumn:
        return tr("Progress");
    case SpeedColumn:
        return tr("Speed");
    case EtaColumn:
        return tr("ETA");
    case StateColumn:
        return tr("State");
    default:
        return {};
    }
}

Transfers::Transfer *TransferListModel::transferAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).data() : nullptr;
}

int TransferListModel::rowOf(const Transfers::Transfer *transfer) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row) == transfer)
            return row;
    }
    return -1;
}

void TransferListModel::addTransfer(Transfers::Transfer *transfer)
{
    const int row = int(m_rows.size());
    beginInsertRows(QModelIndex(), row, row);
    m_rows.append(transfer);
    endInsertRows();
    connect(transfer, &Transfers::Transfer::started, this, [this, transfer] { markDirty(transfer); });
    connect(transfer, &Transfers::Transfer::progress, this, [this, transfer] { markDirty(transfer); });
    connect(transfer, &Transfers::Transfer::finished, this, [this, transfer] { markDirty(transfer); });
}

void TransferListModel::removeTransfer(Transfers::Transfer *transfer)
{
    const int row = rowOf(transfer);
    if (row < 0)
        return;
    disconnect(transfer, nullptr, this, nullptr);
    m_dirty.remove(transfer);
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

void TransferListModel::markDirty(Transfers::Transfer *transfer)
{
    m_dirty.insert(transfer);
    if (!m_refresh.isActive())
        m_refresh.start();
}

void TransferListModel::flushDirty()
{
    if (m_dirty.isEmpty())
        return;
    QList<int> rows;
    rows.reserve(m_dirty.size());
    for (const Transfers::Transfer *transfer : std::as_const(m_dirty)) {
        const int row = rowOf(transfer);
        if (row >= 0)
            rows.append(row);
    }
    m_dirty.clear();
    std::sort(rows.begin(), rows.end());
    // Neighbouring rows go out as one range: views repaint a range as cheaply as a row.
    for (int i = 0; i < rows.size();) {
        int last = i;
        while (last + 1 < rows.size() && rows.at(last + 1) == rows.at(last) + 1)
            ++last;
        emit dataChanged(index(rows.at(i), 0), index(rows.at(last), ColumnCount - 1));
        ++m_dataChangedCount;
        i = last + 1;
    }
}

} // namespace RoleDrop::Ui
