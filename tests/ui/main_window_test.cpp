// The whole window against Ceph RGW, as the demo lands a newcomer in it: james's profile open (AccessDenied
// on the bucket), Switch Role to S3Access, the bucket's objects listed, a dropped file uploaded through the
// transfer queue. Screenshots go to $ROLEDROP_SCREENSHOT_DIR (default /tmp) for people to look at.

#include "screenshot.h"
#include "test_session.h"
#include "test_world.h"
#include "core/session/session.h"
#include "ui/browser/bucket_browser.h"
#include "ui/identity/identity_bar.h"
#include "ui/main_window.h"
#include "ui/browser/object_list_model.h"
#include "ui/identity/switch_role_dialog.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QMimeData>
#include <QMultiMap>
#include <QSettings>
#include <QShortcut>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeView>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

class MainWindowTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static void shoot(QWidget *widget, const char *name) { QVERIFY(Test::saveScreenshot(widget, QLatin1String(name))); }

    // "bucket/prefix" of the active identity's last place ("" for the bucket list), "(none)" when it has none.
    static QString lastPlace(const Sessions::Session &session)
    {
        const auto place = session.lastPlace();
        return place ? place->bucket + QLatin1Char('/') + place->prefix : QStringLiteral("(none)");
    }

    static bool listed(Ui::BucketBrowser *browser, const QString &name)
    {
        const QAbstractItemModel *model = browser->view()->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data().toString() == name)
                return true;
        }
        return false;
    }

private slots:
    // The status bar names the endpoint; plain http to another machine is shown in red as not encrypted (opening
    // such a profile sends nothing: the warning is there before any request).
    void plainHttpToAnotherMachineIsShown()
    {
        Test::SessionFixture fixture(QStringLiteral("plainhttp"));
        Sessions::Session &session = fixture.session();
        Auth::Profile secure = Test::SessionFixture::rgwJames(QStringLiteral("secure"));
        Auth::Profile plain = Test::SessionFixture::rgwJames(QStringLiteral("plain"));
        plain.endpointUrl = QStringLiteral("http://s3.example.invalid:7480");
        QVERIFY(fixture.addProfile(secure, Test::SessionFixture::rgwJamesSecret()));
        QVERIFY(fixture.addProfile(plain, Test::SessionFixture::rgwJamesSecret()));
        Ui::MainWindow window(&session, fixture.settings());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *label = window.findChild<QLabel *>(QStringLiteral("endpointLabel"));
        QVERIFY(label);

        QVERIFY(fixture.open(secure.name));
        QTRY_VERIFY(label->text().startsWith(QStringLiteral("Endpoint: https://")));
        QVERIFY(label->toolTip().isEmpty());

        QVERIFY(fixture.open(plain.name));
        QTRY_COMPARE(label->text(), QStringLiteral("Not encrypted (http): http://s3.example.invalid:7480"));
        QVERIFY2(label->toolTip().startsWith(QStringLiteral("s3.example.invalid:7480 is reached over plain http")), qPrintable(label->toolTip()));
        QVERIFY(label->styleSheet().contains(QStringLiteral("#B0271A")));
        shoot(&window, "mainwindow-plain-http");
    }

    // Qt fires neither of two shortcuts that own one key in the same place ("Ambiguous shortcut overload"): every
    // key of the window has one owner among the window-wide ones (menu actions, buttons, window shortcuts), and a
    // key scoped to one widget is not also window-wide. (tutorialInTheWindow presses Ctrl+Shift+R and sees it act.)
    void everyShortcutHasOneOwner()
    {
        Test::SessionFixture fixture(QStringLiteral("shortcuts"));
        Ui::MainWindow window(&fixture.session(), fixture.settings());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QMultiMap<QString, QString> windowWide;  // key -> owner
        QMultiMap<QString, QString> scoped;
        const auto owner = [](const QObject *object, const QString &what) {
            return QStringLiteral("%1 '%2'").arg(what, object->objectName().isEmpty() ? QString::fromLatin1(object->metaObject()->className())
                                                                                        : object->objectName());
        };
        for (const QAction *action : window.findChildren<QAction *>()) {
            for (const QKeySequence &key : action->shortcuts()) {
                const QString name = owner(action, QStringLiteral("action ") + action->text());
                if (action->shortcutContext() == Qt::WindowShortcut || action->shortcutContext() == Qt::ApplicationShortcut)
                    windowWide.insert(key.toString(), name);
                else
                    scoped.insert(key.toString(), name);
            }
        }
        for (const QAbstractButton *button : window.findChildren<QAbstractButton *>()) {
            if (!button->shortcut().isEmpty())
                windowWide.insert(button->shortcut().toString(), owner(button, QStringLiteral("button ") + button->text()));
        }
        for (const QShortcut *shortcut : window.findChildren<QShortcut *>()) {
            const QString name = owner(shortcut->parent(), QStringLiteral("shortcut on"));
            if (shortcut->context() == Qt::WindowShortcut || shortcut->context() == Qt::ApplicationShortcut)
                windowWide.insert(shortcut->key().toString(), name);
            else
                scoped.insert(shortcut->key().toString(), name);
        }
        QStringList clashes;
        for (const QString &key : windowWide.uniqueKeys()) {
            const QStringList owners = windowWide.values(key) + scoped.values(key);
            if (owners.size() > 1)
                clashes << QStringLiteral("%1: %2").arg(key, owners.join(QStringLiteral(", ")));
        }
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
        QVERIFY(windowWide.contains(QStringLiteral("Ctrl+Shift+R")));
        QVERIFY(windowWide.contains(QStringLiteral("F5")));
    }

    void tutorialInTheWindow()
    {
        Test::SessionFixture fixture(QStringLiteral("mainwindow"));
        Sessions::Session &session = fixture.session();
        const Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("james"));
        QVERIFY(fixture.addProfile(profile, Test::SessionFixture::rgwJamesSecret()));

        Ui::MainWindow window(&session, fixture.settings());
        window.resize(1200, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The icons come from resources/ when the desktop theme has none.
        QVERIFY(!QIcon(QStringLiteral(":/icons/roledrop.svg")).pixmap(32, 32).isNull());
        QVERIFY(!window.windowIcon().isNull());
        QVERIFY(fixture.open(profile.name));

        // Ctrl+Shift+R pressed with the focus in the browser opens Switch Role (its one owner: Identity › Switch Role…).
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.browser()->view()->setFocus();
        QTest::keyClick(window.browser()->view(), Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(window.findChild<Ui::SwitchRoleDialog *>() && window.findChild<Ui::SwitchRoleDialog *>()->isVisible());
        {
            QPointer<Ui::SwitchRoleDialog> opened = window.findChild<Ui::SwitchRoleDialog *>();
            opened->reject();
            opened->deleteLater();
            QTRY_VERIFY(opened.isNull());
        }

        // As james: the bucket is refused, and the browser says so in place.
        window.browser()->navigateTo(worldValue("ROLEDROP_TEST_BUCKET"), QString());
        QTRY_VERIFY_WITH_TIMEOUT(window.browser()->bannerText().contains(QStringLiteral("s3:ListBucket")), 20000);
        shoot(&window, "mainwindow-before-switch");

        // The Switch Role dialog, as a person sees it (filled in, before pressing Switch).
        {
            Ui::SwitchRoleDialog dialog(&session, &window);
            Auth::RoleHistoryEntry entry;
            entry.roleArn = worldValue("ROLEDROP_TEST_ROLE_S3ACCESS");
            entry.displayName = QStringLiteral("S3Access");
            entry.color = QStringLiteral("#1D8102");
            dialog.prefill(entry);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QVERIFY(dialog.isFormValid());
            shoot(&dialog, "switch-role-dialog");
        }

        // Switch Role as the dialog does: the identity bar, the colour and the listing follow.
        Sts::AssumeRoleRequest request;
        request.roleArn = worldValue("ROLEDROP_TEST_ROLE_S3ACCESS");
        request.roleSessionName = QStringLiteral("window-test");
        auto identity = Test::wait<Auth::Identity>([&](QObject *context, auto done) {
            session.switchRole(request, QStringLiteral("S3Access"), QStringLiteral("#1D8102"), Auth::SwitchFrom::BaseIdentity, context, done);
        });
        QVERIFY2(identity, qPrintable(identity ? QString() : identity.error().userMessage()));
        window.browser()->navigateTo(worldValue("ROLEDROP_TEST_BUCKET"), QString());
        QTRY_VERIFY_WITH_TIMEOUT(listed(window.browser(), QStringLiteral("owner-file.txt")), 20000);
        QVERIFY(window.browser()->bannerText().isEmpty());
        QVERIFY(window.windowTitle().contains(QStringLiteral("S3Access")));
        QCOMPARE(session.recentRoles(profile.name).size(), 1);
        shoot(&window, "mainwindow-after-switch");

        // A file dropped on the browser goes through the transfer queue into the current folder.
        const QString file = m_dir.filePath(QStringLiteral("dropped-in-window.txt"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("dropped\n");
        out.close();
        // A leftover from an interrupted run would (rightly) raise the overwrite question.
        Test::wait<Done>([&](QObject *context, auto done) {
            session.s3()->deleteObject(worldValue("ROLEDROP_TEST_BUCKET"), QStringLiteral("dropped-in-window.txt"), context, done);
        });
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(file)});
        QSignalSpy idle(&session.transfers(), &Transfers::TransferQueue::idle);
        QSignalSpy requested(window.browser(), &Ui::BucketBrowser::uploadRequested);
        // Below the rows: onto the folder itself, not onto a sub-folder's row.
        const QPoint emptyArea = window.browser()->view()->viewport()->rect().bottomLeft() + QPoint(5, -5);
        QVERIFY(window.browser()->handleDrop(&mime, emptyArea));
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(2).toString(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!idle.isEmpty(), 30000);
        QCOMPARE(session.transfers().transfers().last()->state(), Transfers::TransferState::Succeeded);
        QTRY_VERIFY_WITH_TIMEOUT(listed(window.browser(), QStringLiteral("dropped-in-window.txt")), 20000);
        shoot(&window, "mainwindow-uploaded");

        // Browse into a prefix with the keyboard, and back up.
        window.browser()->createFolder(QStringLiteral("ui-browse"));
        QTRY_VERIFY_WITH_TIMEOUT(listed(window.browser(), QStringLiteral("ui-browse")), 20000);
        QTreeView *view = window.browser()->view();
        const QModelIndexList folder = view->model()->match(view->model()->index(0, 0), Qt::DisplayRole, QStringLiteral("ui-browse"));
        QCOMPARE(folder.size(), 1);
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        view->setFocus();
        view->setCurrentIndex(folder.first());
        QTest::keyClick(view, Qt::Key_Return);
        QTRY_COMPARE(window.browser()->currentPrefix(), QStringLiteral("ui-browse/"));
        QTest::keyClick(window.browser()->view(), Qt::Key_Backspace);
        QTRY_COMPARE(window.browser()->currentPrefix(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(listed(window.browser(), QStringLiteral("owner-file.txt")), 20000);

        // Copy presigned URL: the clipboard holds a URL that works with a plain GET and no credentials.
        const QModelIndexList ownerFile = view->model()->match(view->model()->index(0, 0), Qt::DisplayRole, QStringLiteral("owner-file.txt"));
        QCOMPARE(ownerFile.size(), 1);
        view->setCurrentIndex(ownerFile.first());
        view->selectionModel()->select(ownerFile.first(), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QApplication::clipboard()->clear();
        window.browser()->presignSelected(900);
        const QUrl presigned(QApplication::clipboard()->text());
        QVERIFY2(presigned.query().contains(QStringLiteral("X-Amz-Signature=")), qPrintable(presigned.toString()));
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (w->inherits("RoleDrop::Ui::PresignDialog") && w->isVisible()) {
                shoot(w, "presign-dialog");
                w->close();
            }
        }
        QNetworkAccessManager plain;
        QNetworkReply *reply = plain.get(QNetworkRequest(presigned));
        QSignalSpy fetched(reply, &QNetworkReply::finished);
        QVERIFY(fetched.wait(20000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), QByteArray("hello\n"));
        reply->deleteLater();

        // A large upload, seen mid-way in the queue, then cancelled: nothing is left on the server.
        const QString big = m_dir.filePath(QStringLiteral("large-upload.bin"));
        QFile bigFile(big);
        QVERIFY(bigFile.open(QIODevice::WriteOnly));
        QByteArray chunk(1 << 20, 'x');
        for (int i = 0; i < 300; ++i)
            bigFile.write(chunk);
        bigFile.close();
        QMimeData bigMime;
        bigMime.setUrls({QUrl::fromLocalFile(big)});
        QVERIFY(window.browser()->handleDrop(&bigMime, emptyArea));
        QTRY_VERIFY_WITH_TIMEOUT(session.transfers().transfers().size() == 2
                                     && session.transfers().transfers().last()->bytesDone() > 20 * 1024 * 1024, 60000);
        Transfers::Transfer *large = session.transfers().transfers().last();
        QCOMPARE(large->state(), Transfers::TransferState::Running);
        shoot(&window, "transfer-queue-mid-upload");
        session.transfers().cancelAll();
        QCOMPARE(large->state(), Transfers::TransferState::Cancelled);
        QTest::qWait(1000);
        auto gone = Test::wait<S3::ObjectMetadata>([&](QObject *context, auto done) {
            session.s3()->headObject(worldValue("ROLEDROP_TEST_BUCKET"), QStringLiteral("large-upload.bin"), context, done);
        });
        QVERIFY(!gone);
        QCOMPARE(gone.error().kind, AwsErrorKind::NotFound);
        window.browser()->deleteEntries({}, {QStringLiteral("ui-browse/")});

        auto removed = Test::wait<Done>([&](QObject *context, auto done) {
            session.s3()->deleteObject(worldValue("ROLEDROP_TEST_BUCKET"), QStringLiteral("dropped-in-window.txt"), context, done);
        });
        QVERIFY(removed);
    }

    // Places per identity: each identity goes back to where it was last (not to where the previous one was, often
    // refused to it); a refused listing says "Not allowed", never a count; a refused bucket list shows the
    // identity's recent buckets; an error goes once a listing the user asked for works, not on a background one.
    void placesFollowTheIdentity()
    {
        Test::SessionFixture fixture(QStringLiteral("places"));
        Sessions::Session &session = fixture.session();
        const Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("james-places"));
        QVERIFY(fixture.addProfile(profile, Test::SessionFixture::rgwJamesSecret()));
        const QString bucket = worldValue("ROLEDROP_TEST_BUCKET");
        Ui::MainWindow window(&session, fixture.settings());
        window.resize(1100, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        Ui::BucketBrowser *browser = window.browser();
        auto *error = window.findChild<QLabel *>(QStringLiteral("statusError"));
        QVERIFY(error);

        // james: his bucket list (of his own buckets: none) is his place; the tutorial's bucket is refused to him.
        QVERIFY(fixture.open(profile.name));
        QTRY_COMPARE_WITH_TIMEOUT(lastPlace(session), QStringLiteral("/"), 20000);
        browser->navigateTo(bucket, QString());
        QTRY_VERIFY_WITH_TIMEOUT(browser->bannerText().contains(QStringLiteral("s3:ListBucket")), 20000);
        QTRY_COMPARE(browser->statusText(), QStringLiteral("Not allowed"));
        QVERIFY(!error->text().isEmpty());
        shoot(&window, "places-not-allowed");
        QCOMPARE(lastPlace(session), QStringLiteral("/"));  // a refused bucket is no place to come back to

        // S3Access has no place yet: it stays on the bucket and lists it; the stale error goes with the switch.
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        QTRY_VERIFY_WITH_TIMEOUT(listed(browser, QStringLiteral("owner-file.txt")), 20000);
        QVERIFY(error->text().isEmpty());
        QVERIFY(!browser->statusText().startsWith(QStringLiteral("Not allowed")));
        browser->createFolder(QStringLiteral("places-test"));
        QTRY_VERIFY_WITH_TIMEOUT(listed(browser, QStringLiteral("places-test")), 20000);
        browser->navigateTo(bucket, QStringLiteral("places-test/"));
        QTRY_COMPARE_WITH_TIMEOUT(lastPlace(session), bucket + QStringLiteral("/places-test/"), 20000);

        // An error shown, then a background refresh (as after an upload) that works: the error stays to be read...
        browser->createFolder(QStringLiteral("../not-a-folder"));
        QVERIFY(error->text().contains(QStringLiteral("'..'")));
        browser->refreshIfShowing(bucket, QStringLiteral("places-test/"));
        QTRY_VERIFY_WITH_TIMEOUT(!browser->isLoading(), 20000);
        QTest::qWait(300);
        QVERIFY(!error->text().isEmpty());
        // ...and a refresh the user asks for (View › Refresh) that works clears it.
        QAction *refresh = nullptr;
        for (QAction *action : window.findChildren<QAction *>()) {
            if (action->text() == QStringLiteral("&Refresh"))
                refresh = action;
        }
        QVERIFY(refresh);
        refresh->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(error->text().isEmpty(), 20000);

        // S3ReadOnly, new too, may not list all buckets: the list shows the bucket it opened, marked recent, and
        // says "Not allowed" instead of a count.
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_READONLY")));
        QTRY_COMPARE_WITH_TIMEOUT(lastPlace(session), bucket + QStringLiteral("/places-test/"), 20000);
        browser->showBuckets();
        QTRY_VERIFY_WITH_TIMEOUT(!browser->isLoading() && !browser->bannerText().isEmpty(), 20000);
        QVERIFY2(browser->bannerText().contains(QStringLiteral("Open Bucket…")), qPrintable(browser->bannerText()));
        QCOMPARE(browser->statusText(), QStringLiteral("Not allowed to list all buckets: showing the ones opened recently"));
        QVERIFY(listed(browser, bucket));
        QTreeView *view = browser->view();
        const QModelIndex recent = view->model()->index(0, 0);
        QVERIFY(recent.data(Qt::ToolTipRole).toString().contains(QStringLiteral("opened recently")));
        QCOMPARE(recent.siblingAtColumn(2).data().toString(), QStringLiteral("Opened recently"));
        shoot(&window, "places-recent-buckets");
        // Opened from there with the keyboard: S3ReadOnly's place is the bucket's root now.
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        view->setFocus();
        view->setCurrentIndex(recent);
        QTest::keyClick(view, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(listed(browser, QStringLiteral("owner-file.txt")), 20000);
        QTRY_COMPARE(lastPlace(session), bucket + QStringLiteral("/"));

        // Back to S3Access: its own last place, the folder, not S3ReadOnly's.
        QVERIFY(fixture.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        QTRY_COMPARE_WITH_TIMEOUT(browser->currentPrefix(), QStringLiteral("places-test/"), 20000);
        QCOMPARE(browser->currentBucket(), bucket);
        QTRY_VERIFY_WITH_TIMEOUT(!browser->isLoading(), 20000);
        QVERIFY(browser->bannerText().isEmpty());
        shoot(&window, "places-back-in-role");
        browser->navigateTo(bucket, QString());
        browser->deleteEntries({}, {QStringLiteral("places-test/")});
        QTRY_VERIFY_WITH_TIMEOUT(!listed(browser, QStringLiteral("places-test")) && !browser->isLoading(), 20000);

        // Back to base (Identity › Back to Base Identity): james's place, his bucket list, not the refused bucket.
        QAction *back = nullptr;
        for (QAction *action : window.findChildren<QAction *>()) {
            if (action->text() == QStringLiteral("&Back to Base Identity"))
                back = action;
        }
        QVERIFY(back);
        back->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(browser->currentBucket().isEmpty() && !browser->isLoading(), 20000);
        QVERIFY2(!browser->bannerText().contains(QStringLiteral("Access")), qPrintable(browser->bannerText()));
        QVERIFY(!browser->statusText().startsWith(QStringLiteral("Not allowed")));
    }

    // The next start of the app opens the last profile where its identity was last.
    void lastPlaceRestoredAtStart()
    {
        Test::SessionFixture fixture(QStringLiteral("restart"));
        Auth::Profile owner = Test::SessionFixture::rgwJames(QStringLiteral("owner-restart"));
        owner.accessKeyId = worldValue("ROLEDROP_TEST_OWNER_KEY");
        QVERIFY(fixture.addProfile(owner, worldValue("ROLEDROP_TEST_OWNER_SECRET")));
        const QString bucket = worldValue("ROLEDROP_TEST_BUCKET");
        {
            Ui::MainWindow window(&fixture.session(), fixture.settings());
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.restoreLastProfile();  // the only profile: opened
            QTRY_VERIFY_WITH_TIMEOUT(listed(window.browser(), bucket), 20000);
            window.browser()->navigateTo(bucket, QString());
            window.browser()->createFolder(QStringLiteral("restart-place"));
            QTRY_VERIFY_WITH_TIMEOUT(listed(window.browser(), QStringLiteral("restart-place")), 20000);
            window.browser()->navigateTo(bucket, QStringLiteral("restart-place/"));
            QTRY_COMPARE_WITH_TIMEOUT(lastPlace(fixture.session()), bucket + QStringLiteral("/restart-place/"), 20000);
        }
        {
            // Another run: a new Session and window over the same settings.
            Sessions::Session next(fixture.settings(), fixture.keychainService(), nullptr, m_dir.filePath(QStringLiteral("restart-data")));
            Ui::MainWindow window(&next, fixture.settings());
            window.resize(1100, 720);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.restoreLastProfile();
            QTRY_COMPARE_WITH_TIMEOUT(window.browser()->currentPrefix(), QStringLiteral("restart-place/"), 20000);
            QCOMPARE(window.browser()->currentBucket(), bucket);
            QTRY_VERIFY_WITH_TIMEOUT(!window.browser()->isLoading(), 20000);
            QVERIFY(window.browser()->bannerText().isEmpty());
            shoot(&window, "places-restored-at-start");
        }
        auto removed = Test::wait<Done>([&](QObject *context, auto done) {
            fixture.session().s3()->deleteObject(bucket, QStringLiteral("restart-place/"), context, done);
        });
        QVERIFY(removed);
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
