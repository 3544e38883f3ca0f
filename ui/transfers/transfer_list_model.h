#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace RoleDrop::Transfers {
class Transfer;
class TransferQueue;
}

namespace RoleDrop::Ui {

// The transfer queue as a table, one row per transfer in the order they were added (a retry does not
// move its row). Progress arrives far more often than anyone can read it, so changed rows are only
// marked and repainted together by a timer: 1000 small transfers cost ~10 dataChanged a second.
class TransferListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferListModel)
public:
    // IdentityColumn: who the transfer runs as (the identity it was queued under, kept to its end).
    enum Column { NameColumn, DestinationColumn, IdentityColumn, SizeColumn, ProgressColumn, SpeedColumn, EtaColumn, StateColumn, ColumnCount };
    enum Role {
        ProgressRole = Qt::UserRole + 1,  // int 0..100, or -1 while the size is unknown
        StateRole,                        // int(TransferState)
        ErrorRole,                        // AwsError::userMessage() of a failed transfer, else empty
        TransferRole,                     // Transfer *
    };

    explicit TransferListModel(Transfers::TransferQueue *queue, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    Transfers::Transfer *transferAt(int row) const;
    int rowOf(const Transfers::Transfer *transfer) const;
    // How often changed rows are repainted at most (tests shorten it; 0 repaints at once).
    void setRefreshInterval(int ms) { m_refresh.setInterval(ms); }
    int refreshInterval() const { return m_refresh.interval(); }
    // How many dataChanged signals were sent, so a test can see the throttling work.
    int dataChangedCount() const { return m_dataChangedCount; }

    static QString stateText(int state);

private:
    void addTransfer(Transfers::Transfer *transfer);
    void removeTransfer(Transfers::Transfer *transfer);
    void markDirty(Transfers::Transfer *transfer);
    void flushDirty();

    Transfers::TransferQueue *m_queue;
    QList<QPointer<Transfers::Transfer>> m_rows;
    QSet<const Transfers::Transfer *> m_dirty;
    QTimer m_refresh;
    int m_dataChangedCount = 0;
};

} // namespace RoleDrop::Ui
