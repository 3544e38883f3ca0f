#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace RoleDrop {
class Transfer;
class TransferQueue;
} // namespace RoleDrop

namespace RoleDrop::Ui {

// The transfer queue as a table, one row per transfer in the order they were added (a retry does not
// move its row). Progress arrives far more often than anyone can read it, so changed rows are only
// marked and repainted together by a timer: 1000 small transfers cost ~10 dataChanged a second.
class TransferListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferListModel)
public:
    enum Column { NameColumn, DestinationColumn, SizeColumn, ProgressColumn, SpeedColumn, EtaColumn, StateColumn, ColumnCount };
    enum Role {
        ProgressRole = Qt::UserRole + 1,  // int 0..100, or -1 while the size is unknown
        StateRole,                        // int(TransferState)
        ErrorRole,                        // AwsError::userMessage() of a failed transfer, else empty
        TransferRole,                     // Transfer *
    };

    explicit TransferListModel(TransferQueue *queue, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    Transfer *transferAt(int row) const;
    int rowOf(const Transfer *transfer) const;
    // How often changed rows are repainted at most (tests shorten it; 0 repaints at once).
    void setRefreshInterval(int ms) { m_refresh.setInterval(ms); }
    int refreshInterval() const { return m_refresh.interval(); }
    // How many dataChanged signals were sent, so a test can see the throttling work.
    int dataChangedCount() const { return m_dataChangedCount; }

    static QString stateText(int state);

private:
    void addTransfer(Transfer *transfer);
    void removeTransfer(Transfer *transfer);
    void markDirty(Transfer *transfer);
    void flushDirty();

    TransferQueue *m_queue;
    QList<QPointer<Transfer>> m_rows;
    QSet<const Transfer *> m_dirty;
    QTimer m_refresh;
    int m_dataChangedCount = 0;
};

} // namespace RoleDrop::Ui
