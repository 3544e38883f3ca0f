#pragma once

#include <QPersistentModelIndex>
#include <QTreeView>

namespace RoleDrop::Ui {

class BucketBrowser;

// The browser's list: drag and drop routed to the browser, and what the list says when it has no rows to say it
// with. While local files are dragged over an open bucket the list is tinted and framed and says where a drop
// goes ("Drop to upload to s3://bucket/prefix/"), and a folder row under the cursor is marked as the target;
// on the bucket list a drop is refused (no highlight, the forbidden cursor). An empty folder shows a hint in the
// middle of the list (set by the browser, which knows whether the listing finished).
class BrowserListView final : public QTreeView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BrowserListView)
public:
    explicit BrowserListView(BucketBrowser *browser);

    // Drawn in the middle of the list while it has no rows; empty: nothing.
    void setEmptyHint(const QString &text);
    QString emptyHint() const { return m_emptyHint; }
    // While a drag of local files is over the list: where a drop would go (empty otherwise), and the folder
    // row it would go into (invalid: the folder shown).
    QString dropHint() const { return m_dropHint; }
    QModelIndex dropRow() const { return m_dropRow; }

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void startDrag(Qt::DropActions supportedActions) override;
    void paintEvent(QPaintEvent *event) override;

private:
    // Accepts and highlights a drag of local files that can go somewhere here; refuses any other.
    bool followDrag(QDropEvent *event);
    void clearDropHighlight();
    void paintDropHighlight(QPainter &painter);
    void paintEmptyHint(QPainter &painter);

    BucketBrowser *m_browser;
    QString m_emptyHint;
    QString m_dropHint;
    QPersistentModelIndex m_dropRow;
};

} // namespace RoleDrop::Ui
