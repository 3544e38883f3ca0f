// The browser's paging model and its sort/filter proxy, fed pages directly (no server).
#include "ui/browser/object_filter_proxy.h"
#include "ui/browser/object_list_model.h"
#include "ui/human_units.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTest>

using namespace RoleDrop;
using namespace RoleDrop::Ui;

namespace {

S3::ListObjectsPage makePage(int pageIndex, int perPage, int folders, bool last)
{
    S3::ListObjectsPage page;
    page.bucket = QStringLiteral("data");
    page.prefix = QStringLiteral("big/");
    for (int i = 0; i < folders; ++i)
        page.commonPrefixes.append(QStringLiteral("big/dir-%1-%2/").arg(pageIndex).arg(i));
    for (int i = folders; i < perPage; ++i) {
        S3::ObjectInfo object;
        object.key = QStringLiteral("big/file-%1-%2.bin").arg(pageIndex, 3, 10, QLatin1Char('0')).arg(i, 4, 10, QLatin1Char('0'));
        object.size = (pageIndex * perPage + i) % 5000;
        object.lastModified = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).addSecs(i);
        page.objects.append(object);
    }
    page.isTruncated = !last;
    page.nextContinuationToken = last ? QString() : QStringLiteral("token-%1").arg(pageIndex + 1);
    page.keyCount = perPage;
    return page;
}

} // namespace

class ObjectListModelTest final : public QObject
{
    Q_OBJECT
private slots:
    void hundredThousandRowsInHundredPages()
    {
        ObjectListModel model(nullptr);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        const int pages = 100;
        const int perPage = 1000;
        for (int p = 0; p < pages; ++p) {
            model.appendPage(makePage(p, perPage, p % 10 == 0 ? 5 : 0, p == pages - 1));
            QCOMPARE(model.canFetchMore(QModelIndex()), p != pages - 1);
            QCOMPARE(model.rowCount(), (p + 1) * perPage);
        }
        QCOMPARE(model.rowCount(), pages * perPage);
        QCOMPARE(model.pagesLoaded(), pages);
        // One insertion per page, not per row: what keeps 100k rows cheap for the view.
        QCOMPARE(inserted.count(), pages);
        QVERIFY(!model.hasMore());
    }

    void foldersSortFirstInBothDirections()
    {
        ObjectListModel model(nullptr);
        for (int p = 0; p < 20; ++p)
            model.appendPage(makePage(p, 1000, p % 4 == 0 ? 3 : 0, p == 19));
        ObjectFilterProxy proxy;
        proxy.setSourceModel(&model);
        const int folders = 5 * 3;
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            proxy.sort(ObjectListModel::NameColumn, order);
            for (int row = 0; row < proxy.rowCount(); ++row)
                QCOMPARE(proxy.index(row, 0).data(ObjectListModel::IsFolderRole).toBool(), row < folders);
            const QString a = proxy.index(folders, 0).data().toString();
            const QString b = proxy.index(folders + 1, 0).data().toString();
            QVERIFY2(order == Qt::AscendingOrder ? a < b : a > b, qPrintable(a + QLatin1Char(' ') + b));
        }
        proxy.sort(ObjectListModel::SizeColumn, Qt::AscendingOrder);
        for (int row = folders + 1; row < proxy.rowCount(); ++row)
            QVERIFY(proxy.index(row - 1, 0).data(ObjectListModel::SortRole).toLongLong() >= 0
                    && model.entry(proxy.mapToSource(proxy.index(row - 1, 0)).row()).size
                           <= model.entry(proxy.mapToSource(proxy.index(row, 0)).row()).size);
    }

    void filterMatchesNamesCaseInsensitively()
    {
        ObjectListModel model(nullptr);
        model.appendPage(makePage(7, 1000, 2, true));
        ObjectFilterProxy proxy;
        proxy.setSourceModel(&model);
        proxy.setFilterFixedString(QStringLiteral("FILE-007-012"));
        // file-007-0120 .. file-007-0129
        QCOMPARE(proxy.rowCount(), 10);
        proxy.setFilterFixedString(QStringLiteral("dir-"));
        QCOMPARE(proxy.rowCount(), 2);
    }

    void namesAreRelativeAndOwnMarkerIsHidden()
    {
        ObjectListModel model(nullptr);
        S3::ListObjectsPage page;
        page.prefix = QStringLiteral("big/");
        page.commonPrefixes = {QStringLiteral("big/sub/")};
        S3::ObjectInfo marker;
        marker.key = QStringLiteral("big/");
        S3::ObjectInfo file;
        file.key = QStringLiteral("big/a.txt");
        file.size = 2048;
        page.objects = {marker, file};
        // The model names rows relative to the prefix it was opened on; appendPage keeps the current one.
        model.open(QStringLiteral("data"), QStringLiteral("big/"));
        model.appendPage(page);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("sub"));
        QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("a.txt"));
        QCOMPARE(model.index(1, ObjectListModel::SizeColumn).data().toString(), humanSize(2048));
        QVERIFY(humanSize(2048).contains(QStringLiteral("KiB")));
    }
};

QTEST_MAIN(ObjectListModelTest)
#include "object_list_model_test.moc"
