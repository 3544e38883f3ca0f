#include "ui/browser/browser_list_view.h"

#include "ui/browser/bucket_browser.h"

#include <QDrag>
#include <QDragMoveEvent>
#include <QHeaderView>
#include <QMimeData>
#include <QPainter>
#include <QStyle>

namespace RoleDrop::Ui {

namespace {

bool carriesLocalFiles(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls())
        return false;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile())
            return true;
    }
    return false;
}

} // namespace

BrowserListView::BrowserListView(BucketBrowser *browser) : QTreeView(browser), m_browser(browser)
{
    setObjectName(QStringLiteral("browserList"));
    setAccessibleName(tr("Buckets and objects"));
}

void BrowserListView::setEmptyHint(const QString &text)
{
    if (text == m_emptyHint)
        return;
    m_emptyHint = text;
    viewport()->update();
}

bool BrowserListView::followDrag(QDropEvent *event)
{
    QModelIndex row;
    const QString target = event->source() == this || !carriesLocalFiles(event->mimeData())
                               ? QString()
                               : m_browser->dropTargetAt(event->position().toPoint(), &row);
    if (target.isEmpty()) {
        // Nowhere to go (the bucket list, or the browser's own rows): the cursor shows it is refused.
        clearDropHighlight();
        event->ignore();
        return false;
    }
    const QString hint = tr("Drop to upload to %1").arg(target);
    if (hint != m_dropHint || QPersistentModelIndex(row) != m_dropRow) {
        m_dropHint = hint;
        m_dropRow = row;
        viewport()->update();
    }
    event->setDropAction(Qt::CopyAction);
    event->accept();
    return true;
}

void BrowserListView::clearDropHighlight()
{
    if (m_dropHint.isEmpty() && !m_dropRow.isValid())
        return;
    m_dropHint.clear();
    m_dropRow = QPersistentModelIndex();
    viewport()->update();
}

void BrowserListView::dragEnterEvent(QDragEnterEvent *event)
{
    // Refused on the bucket list, but not without a word: the banner says what to do instead.
    if (!followDrag(event) && event->source() != this && carriesLocalFiles(event->mimeData()))
        m_browser->explainRefusedDrop();
}

void BrowserListView::dragMoveEvent(QDragMoveEvent *event)
{
    if (!followDrag(event))
        return;
    // The base class scrolls the list when the cursor nears its edges; the drop is ours whatever it decides.
    QTreeView::dragMoveEvent(event);
    event->setDropAction(Qt::CopyAction);
    event->accept();
}

void BrowserListView::dragLeaveEvent(QDragLeaveEvent *event)
{
    QTreeView::dragLeaveEvent(event);
    clearDropHighlight();
}

void BrowserListView::dropEvent(QDropEvent *event)
{
    setState(NoState);
    clearDropHighlight();
    if (event->source() != this && m_browser->handleDrop(event->mimeData(), event->position().toPoint())) {
        event->setDropAction(Qt::CopyAction);
        event->accept();
    } else {
        event->ignore();
    }
}

void BrowserListView::startDrag(Qt::DropActions)
{
    QMimeData *mime = m_browser->startDragOut();
    if (!mime)
        return;
    auto *drag = new QDrag(this);
    drag->setMimeData(mime);
    drag->setPixmap(QIcon::fromTheme(QStringLiteral("document-save"), style()->standardIcon(QStyle::SP_FileIcon)).pixmap(32));
    drag->exec(Qt::CopyAction, Qt::CopyAction);
}

void BrowserListView::paintEvent(QPaintEvent *event)
{
    QTreeView::paintEvent(event);
    QPainter painter(viewport());
    if (!m_dropHint.isEmpty())
        paintDropHighlight(painter);
    else if (!m_emptyHint.isEmpty() && model() && model()->rowCount() == 0)
        paintEmptyHint(painter);
}

void BrowserListView::paintDropHighlight(QPainter &painter)
{
    const QRect area = viewport()->rect();
    QColor accent = palette().color(QPalette::Highlight);
    QColor tint = accent;
    tint.setAlpha(28);
    painter.fillRect(area, tint);
    if (m_dropRow.isValid()) {
        // The whole row of the folder the files would go into.
        QRect row = visualRect(QModelIndex(m_dropRow).siblingAtColumn(0));
        row.setLeft(area.left());
        row.setRight(area.right());
        QColor rowTint = accent;
        rowTint.setAlpha(80);
        painter.fillRect(row, rowTint);
        painter.setPen(QPen(accent, 1));
        painter.drawRect(row.adjusted(0, 0, -1, -1));
    }
    painter.setPen(QPen(accent, 2, Qt::DashLine));
    painter.drawRect(area.adjusted(1, 1, -2, -2));

    // Where the files go, in a label at the bottom (the rows stay readable above it).
    QFont font = painter.font();
    font.setBold(true);
    painter.setFont(font);
    const QFontMetrics metrics(font);
    const int margin = 8;
    const QString text = metrics.elidedText(m_dropHint, Qt::ElideMiddle, area.width() - 6 * margin);
    QRect label(0, 0, metrics.horizontalAdvance(text) + 2 * margin, metrics.height() + margin);
    label.moveCenter(QPoint(area.center().x(), area.bottom() - margin - label.height() / 2));
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    // Darker than the highlight colour, so the white text on it stays readable (Fusion's blue is ~3.7:1).
    painter.setBrush(accent.darker(135));
    painter.drawRoundedRect(label, 4, 4);
    painter.setPen(palette().color(QPalette::HighlightedText));
    painter.drawText(label, Qt::AlignCenter, text);
}

void BrowserListView::paintEmptyHint(QPainter &painter)
{
    QRect area = viewport()->rect().adjusted(24, 24, -24, -24);
    if (area.width() > 460)
        area.setWidth(460);
    area.moveCenter(viewport()->rect().center());
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_emptyHint);
}

} // namespace RoleDrop::Ui
