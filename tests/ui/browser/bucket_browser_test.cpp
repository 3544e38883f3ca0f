// The bucket browser against the Ceph RGW world, offscreen: james opens his profile, is refused on
// `data` until he switches to S3Access, then browses, creates and deletes a folder, pages through
// 2,500 keys, and drops a file for upload.
#include "test_session.h"
#include "test_world.h"

#include "core/session/session.h"
#include "ui/browser/bucket_browser.h"
#include "ui/browser/object_list_model.h"

#include <QApplication>
#include <QDropEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>
#include <QTreeView>
#include <QUuid>

#include <memory>

using namespace RoleDrop;
using namespace RoleDrop::Ui;
using namespace RoleDrop::Test;

namespace {

bool showsName(BucketBrowser &browser, const QString &name)
{
    QAbstractItemModel *model = browser.view()->model();
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, 0).data().toString() == name)
            return true;
    return false;
}

int rowOf(BucketBrowser &browser, const QString &name)
{
    QAbstractItemModel *model = browser.view()->model();
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, 0).data().toString() == name)
            return row;
    return -1;
}

void screenshot(QWidget &widget, const char *name)
{
    widget.grab().save(QStringLiteral("/tmp/browser-%1.png").arg(QLatin1String(name)));
}

} // namespace

class BucketBrowserTest final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        m_fixture = std::make_unique<Test::SessionFixture>(QStringLiteral("browser"));
        m_session = m_fixture->get();
        QVERIFY(m_fixture->openProfile(Test::SessionFixture::rgwJames(QStringLiteral("james")), Test::SessionFixture::rgwJamesSecret()));
        m_browser = std::make_unique<BucketBrowser>(m_session);
        m_browser->resize(900, 520);
        m_browser->show();
        m_bucket = worldValue("ROLEDROP_TEST_BUCKET");
    }

    void accessDeniedWithoutRoleShowsBanner()
    {
        QSignalSpy errors(m_browser.get(), &BucketBrowser::errorOccurred);
        m_browser->navigateTo(m_bucket, QString());
        QTRY_VERIFY_WITH_TIMEOUT(!m_browser->bannerText().isEmpty(), 30000);
        QVERIFY2(m_browser->bannerText().contains(QStringLiteral("Switch Role")), qPrintable(m_browser->bannerText()));
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.first().first().value<AwsError>().kind, AwsErrorKind::AccessDenied);
        QCOMPARE(m_browser->view()->model()->rowCount(), 0);
        screenshot(*m_browser, "access-denied");
    }

    void switchRoleThenSeeOwnerFile()
    {
        Sts::AssumeRoleRequest request;
        request.roleArn = worldValue("ROLEDROP_TEST_ROLE_S3ACCESS");
        request.roleSessionName = QStringLiteral("browser-test");
        const auto identity = wait<Auth::Identity>([&](QObject *context, auto done) {
            m_session->switchRole(request, QStringLiteral("S3Access"), QStringLiteral("#2e7d32"), Auth::SwitchFrom::BaseIdentity,
                                  context, done);
        });
        QVERIFY2(identity, qPrintable(identity.error().userMessage()));
        // The browser reloads itself on the identity change: the banner goes and the files come.
        QTRY_VERIFY_WITH_TIMEOUT(showsName(*m_browser, QStringLiteral("owner-file.txt")), 30000);
        QVERIFY(m_browser->bannerText().isEmpty());
        QCOMPARE(m_browser->currentBucket(), m_bucket);
        screenshot(*m_browser, "data");
    }

    void createAndDeleteFolder()
    {
        const QString name = QStringLiteral("ui-folder-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        m_browser->navigateTo(m_bucket, QString());
        QTRY_VERIFY_WITH_TIMEOUT(!m_browser->isLoading(), 30000);
        m_browser->createFolder(name);
        QTRY_VERIFY_WITH_TIMEOUT(showsName(*m_browser, name), 30000);
        const int row = rowOf(*m_browser, name);
        QVERIFY(m_browser->view()->model()->index(row, 0).data(ObjectListModel::IsFolderRole).toBool());
        // Folders sort before files.
        QVERIFY(row < rowOf(*m_browser, QStringLiteral("owner-file.txt")));
        screenshot(*m_browser, "new-folder");
        m_browser->deleteEntries({}, {name + QLatin1Char('/')});
        QTRY_VERIFY_WITH_TIMEOUT(!m_browser->isLoading() && !showsName(*m_browser, name), 30000);
        QVERIFY(showsName(*m_browser, QStringLiteral("owner-file.txt")));
        QVERIFY2(m_browser->bannerText().isEmpty(), qPrintable(m_browser->bannerText()));
    }

    void pagesLoadOnScroll()
    {
        m_pagedPrefix = QStringLiteral("ui-paged-") + QUuid::createUuid().toString(QUuid::Id128).left(8) + QLatin1Char('/');
        const int total = 2500;
        int next = 0;
        int inFlight = 0;
        int failed = 0;
        int done = 0;
        std::function<void()> pump = [&] {
            while (inFlight < 8 && next < total) {
                const QString key = m_pagedPrefix + QStringLiteral("k%1").arg(next++, 5, 10, QLatin1Char('0'));
                ++inFlight;
                m_session->s3()->putBytes(m_bucket, key, QByteArray("x"), QStringLiteral("text/plain"), this,
                                          [&](Outcome<QString> etag) {
                                             --inFlight;
                                             ++done;
                                             if (!etag)
                                                 ++failed;
                                             pump();
                                         });
            }
        };
        pump();
        QTRY_VERIFY_WITH_TIMEOUT(done == total, 300000);
        QCOMPARE(failed, 0);

        m_browser->navigateTo(m_bucket, m_pagedPrefix);
        ObjectListModel *model = m_browser->objectModel();
        QTRY_VERIFY_WITH_TIMEOUT(model->pagesLoaded() >= 1, 60000);
        // The first page shows on its own, before any scrolling: 1,000 rows and more to come.
        QCOMPARE(model->rowCount(), 1000 * model->pagesLoaded());
        QVERIFY(model->hasMore());
        // The view asks for more when its scroll bar reaches the end; its layout is delayed, so scroll
        // again while waiting (the model ignores fetchMore while a page is in flight).
        QTRY_VERIFY_WITH_TIMEOUT((m_browser->view()->scrollToBottom(), model->pagesLoaded() >= 2 && !model->isLoading()),
                                 60000);
        // Page 2 arrived; the view may already have asked for page 3 since it is still at the end.
        QVERIFY(model->rowCount() >= 2000);
        screenshot(*m_browser, "paged");
        // The view asks for more when its scroll bar reaches the end; its layout is delayed, so scroll
        // again while waiting (the model ignores fetchMore while a page is in flight).
        QTRY_VERIFY_WITH_TIMEOUT((m_browser->view()->scrollToBottom(), model->pagesLoaded() >= 3 && !model->isLoading()),
                                 60000);
        QCOMPARE(model->pagesLoaded(), 3);
        QCOMPARE(model->rowCount(), total);
        QCOMPARE(model->rowCount(), total);
        QVERIFY(!model->canFetchMore(QModelIndex()));
    }

    void dropFileRequestsUpload()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("dropped.txt"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("dropped\n");
        out.close();

        QSignalSpy uploads(m_browser.get(), &BucketBrowser::uploadRequested);
        m_browser->navigateTo(m_bucket, m_pagedPrefix);
        // At least the first page (the visible view may already have asked for the next one).
        QTRY_VERIFY_WITH_TIMEOUT(m_browser->objectModel()->pagesLoaded() >= 1, 30000);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(file)});
        QWidget *viewport = m_browser->view()->viewport();
        // Below the last row: into the folder being shown. Row positions are the view's, so use its last row + far below.
        const QPointF pos(10, viewport->height() - 2);
        QDragEnterEvent enter(pos.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &drop);
        QCOMPARE(uploads.count(), 1);
        QCOMPARE(uploads.first().at(0).toStringList(), QStringList{file});
        QCOMPARE(uploads.first().at(1).toString(), m_bucket);
        QCOMPARE(uploads.first().at(2).toString(), m_pagedPrefix);

        // With no bucket open, the drag is refused (the forbidden cursor) and the banner explains what to do; a
        // drop that arrives all the same uploads nothing.
        m_browser->showBuckets();
        QTRY_VERIFY_WITH_TIMEOUT(!m_browser->isLoading(), 30000);
        // (S3Access may not list buckets: the drop hint replaces that error banner.)
        QDragEnterEvent enterList(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &enterList);
        QVERIFY(!enterList.isAccepted());
        QVERIFY2(m_browser->bannerText().contains(QStringLiteral("Open a bucket first")), qPrintable(m_browser->bannerText()));
        QDropEvent lost(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &lost);
        QCOMPARE(uploads.count(), 1);
        QVERIFY2(m_browser->bannerText().contains(QStringLiteral("Open a bucket first")),
                 qPrintable(m_browser->bannerText()));
        screenshot(*m_browser, "buckets-drop-hint");
    }

    void cleanupTestCase()
    {
        if (m_browser && !m_pagedPrefix.isEmpty()) {
            m_browser->navigateTo(m_bucket, QString());
            QTRY_VERIFY_WITH_TIMEOUT(!m_browser->isLoading(), 30000);
            m_browser->deleteEntries({}, {m_pagedPrefix});
            // The browser reloads the bucket's root once the delete is done.
            QTRY_VERIFY_WITH_TIMEOUT(!m_browser->isLoading() && !showsName(*m_browser, m_pagedPrefix.chopped(1)), 120000);
        }
        m_browser.reset();
        m_fixture.reset();
    }

private:
    std::unique_ptr<Test::SessionFixture> m_fixture;
    Sessions::Session *m_session = nullptr;
    std::unique_ptr<BucketBrowser> m_browser;
    QString m_bucket;
    QString m_pagedPrefix;
};

QTEST_MAIN(BucketBrowserTest)
#include "bucket_browser_test.moc"
