// Getting files in and out of the window as a user does, against Ceph RGW as S3Access: Upload… (Ctrl+U, the
// File menu, the toolbar, the context menu) through a real file dialog typed into, Upload Folder…, the file
// dialogs remembering their folder, the drop target highlight, the empty folder's hint, the transfer queue
// following new rows, Help › Keyboard Shortcuts, and deleting a folder: counted first, then deleted in batches
// under a progress dialog whose Cancel stops it. Screenshots go to $ROLEDROP_SCREENSHOT_DIR.

#include "test_session.h"
#include "test_world.h"

#include "core/s3/object_listing.h"
#include "core/session/session.h"
#include "ui/browser/browser_list_view.h"
#include "ui/browser/bucket_browser.h"
#include "ui/main_window.h"
#include "ui/profiles/profile_dialog.h"
#include "ui/transfers/transfer_controller.h"
#include "ui/transfers/transfer_list_model.h"
#include "ui/transfers/transfer_queue_view.h"

#include <QAbstractButton>
#include <QApplication>
#include <QAbstractItemView>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QTreeView>
#include <QTreeWidget>
#include <QUuid>

#include <memory>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

class MainWindowFilesTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Test::SessionFixture> m_fixture;
    std::unique_ptr<Ui::MainWindow> m_window;
    QString m_bucket;
    QString m_prefix;  // this run's folder in the bucket, removed at the end

    Sessions::Session &session() { return m_fixture->session(); }
    Ui::BucketBrowser *browser() { return m_window->browser(); }
    Ui::BrowserListView *list() { return qobject_cast<Ui::BrowserListView *>(browser()->view()); }

    static void shoot(QWidget *widget, const char *name)
    {
        const QString dir = qEnvironmentVariable("ROLEDROP_SCREENSHOT_DIR", QStringLiteral("/tmp"));
        QDir().mkpath(dir);
        QVERIFY(widget->grab().save(dir + QStringLiteral("/%1.png").arg(QLatin1String(name))));
    }

    QModelIndex rowNamed(const QString &name)
    {
        const QAbstractItemModel *model = browser()->view()->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data().toString() == name)
                return model->index(row, 0);
        }
        return {};
    }

    bool onServer(const QString &key)
    {
        return Test::wait<S3::ObjectMetadata>([&](QObject *context, auto done) {
            session().s3()->headObject(m_bucket, key, context, done);
        }, 30000).ok();
    }

    QStringList keysUnder(const QString &prefix)
    {
        const auto objects = Test::wait<QList<S3::ObjectInfo>>([&](QObject *context, auto done) {
            S3::listAllObjects(session().s3(), m_bucket, prefix, context, done);
        }, 30000);
        QStringList keys;
        if (objects) {
            for (const S3::ObjectInfo &object : objects.value())
                keys << object.key;
        }
        return keys;
    }

    QString writeFile(const QString &relative, const QByteArray &content)
    {
        const QString path = m_dir.filePath(relative);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(content);
        return path;
    }

    // Opens the folder and waits for its listing to finish.
    void open(const QString &prefix)
    {
        browser()->navigateTo(m_bucket, prefix);
        QTRY_VERIFY_WITH_TIMEOUT(!browser()->isLoading(), 20000);
        QVERIFY2(browser()->bannerText().isEmpty(), qPrintable(browser()->bannerText()));
    }

    template <class T>
    static T *modal(const QString &objectName)
    {
        auto *widget = qobject_cast<T *>(QApplication::activeModalWidget());
        return widget && widget->objectName() == objectName ? widget : nullptr;
    }

    // Pastes `path` into the (Qt, not native) file dialog open now and clicks its accept button, as a user does.
    static void typeIntoFileDialog(QFileDialog *dialog, const QString &path)
    {
        auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"));
        QVERIFY(name);
        name->setFocus();
        name->selectAll();
        // Pasted in one go: typed a character at a time, the dialog enters each folder at its '/' and clears the box.
        name->insert(path);
        // The path completer's list closes as a user's click elsewhere closes it (it would take the click).
        if (QCompleter *completer = name->completer(); completer && completer->popup()->isVisible())
            completer->popup()->hide();
        // The dialog's own accept button (Return may go to the path completer's popup instead).
        auto *buttons = dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttonBox"));
        QVERIFY(buttons);
        QAbstractButton *accept = nullptr;
        for (QAbstractButton *button : buttons->buttons()) {
            if (buttons->buttonRole(button) == QDialogButtonBox::AcceptRole)
                accept = button;
        }
        QVERIFY(accept);
        QTRY_VERIFY(accept->isEnabled());
        QPointer<QFileDialog> closing(dialog);  // deleted once closed
        QTest::mouseClick(accept, Qt::LeftButton);
        QTRY_VERIFY(!closing || !closing->isVisible());
    }

private slots:
    void initTestCase()
    {
        // The test drives Qt's own file dialog; a desktop's native one would be out of its reach.
        QApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
        m_bucket = worldValue("ROLEDROP_TEST_BUCKET");
        m_prefix = QStringLiteral("window-files-%1/").arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
        m_fixture = std::make_unique<Test::SessionFixture>(QStringLiteral("windowfiles"));
        QVERIFY(m_fixture->openProfile(Test::SessionFixture::rgwJames(QStringLiteral("james")), Test::SessionFixture::rgwJamesSecret()));
        const auto role = m_fixture->switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
        QVERIFY2(role, qPrintable(role ? QString() : role.error().userMessage()));
        m_window = std::make_unique<Ui::MainWindow>(&session(), m_fixture->settings());
        m_window->resize(1100, 720);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        const auto made = Test::wait<Done>([&](QObject *context, auto done) {
            session().s3()->createFolder(m_bucket, m_prefix, context, done);
        }, 30000);
        QVERIFY(made);
    }

    // A dialog a failed test left open would take the next test's keys.
    void cleanup()
    {
        while (QWidget *left = QApplication::activeModalWidget()) {
            qWarning("closing a dialog left open: %s", qPrintable(left->objectName()));
            left->close();
            QTest::qWait(50);
            if (QApplication::activeModalWidget() == left) {
                delete left;
            }
        }
    }

    void cleanupTestCase()
    {
        if (m_fixture && session().s3()) {
            Test::wait<S3::DeleteObjectsResult>([&](QObject *context, auto done) {
                session().deleteEntries(m_bucket, {}, {m_prefix}, context, done);
            }, 60000);
        }
        m_window.reset();
    }

    // The toolbar holds the menus' own actions; the context menu offers files and folders; with no bucket open
    // the upload actions are disabled and say why.
    void uploadIsOfferedEverywhere()
    {
        browser()->showBuckets();
        auto *bar = m_window->findChild<QToolBar *>(QStringLiteral("mainToolBar"));
        QVERIFY(bar);
        QStringList names;
        for (const QAction *action : bar->actions())
            names << action->objectName();
        QCOMPARE(names, QStringList({QStringLiteral("uploadAction"), QStringLiteral("downloadAction"), QStringLiteral("newFolderAction"),
                                     QString(), QStringLiteral("refreshAction")}));
        auto *upload = m_window->findChild<QAction *>(QStringLiteral("uploadAction"));
        QVERIFY(upload);
        QCOMPARE(upload->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_U));
        QVERIFY(upload->associatedObjects().contains(bar));  // the same QAction in the menu and the toolbar
        QVERIFY(!upload->isEnabled());
        QVERIFY2(upload->toolTip().startsWith(QStringLiteral("Open a bucket first")), qPrintable(upload->toolTip()));
        shoot(m_window.get(), "files-toolbar-no-bucket");

        open(m_prefix);
        QVERIFY(upload->isEnabled());
        QCOMPARE(upload->toolTip(), QStringLiteral("Upload files into s3://%1/%2").arg(m_bucket, m_prefix));
        QVERIFY(m_window->findChild<QAction *>(QStringLiteral("uploadFolderAction"))->isEnabled());

        // Right-click in the list.
        emit browser()->view()->customContextMenuRequested(QPoint(20, 20));
        QMenu *menu = nullptr;
        QTRY_VERIFY((menu = qobject_cast<QMenu *>(QApplication::activePopupWidget())));
        QStringList entries;
        for (const QAction *action : menu->actions())
            entries << action->text();
        QVERIFY2(entries.contains(QStringLiteral("Upload &Files…")), qPrintable(entries.join(QLatin1Char('|'))));
        QVERIFY2(entries.contains(QStringLiteral("Upload F&older…")), qPrintable(entries.join(QLatin1Char('|'))));
        menu->close();
        shoot(m_window.get(), "files-toolbar-1100x720");
    }

    // Ctrl+Shift+N moved from the browser to File › New Folder… (one owner): pressed in the list, it still asks.
    void newFolderKeyStillWorks()
    {
        open(m_prefix);
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        browser()->view()->setFocus();
        QTest::keyClick(browser()->view(), Qt::Key_N, Qt::ControlModifier | Qt::ShiftModifier);
        QDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = modal<QDialog>(QStringLiteral("newFolderDialog"))));
        dialog->reject();
    }

    // Ctrl+U opens the file dialog in the home folder the first time; the file typed in goes to the folder shown.
    void uploadThroughFileDialog()
    {
        open(m_prefix);
        const QString file = writeFile(QStringLiteral("picked/upload-me.txt"), "chosen in a dialog\n");
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        browser()->view()->setFocus();
        QTest::keyClick(browser()->view(), Qt::Key_U, Qt::ControlModifier);
        QFileDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = modal<QFileDialog>(QStringLiteral("uploadFilesDialog"))));
        QCOMPARE(dialog->directory().absolutePath(), QDir::homePath());
        QCOMPARE(dialog->fileMode(), QFileDialog::ExistingFiles);
        typeIntoFileDialog(dialog, file);
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(rowNamed(QStringLiteral("upload-me.txt")).isValid(), 30000);
        QVERIFY(onServer(m_prefix + QStringLiteral("upload-me.txt")));

        // The folder it came from is remembered (in the window's settings) and is where the next dialog opens.
        QCOMPARE(m_fixture->settings().value(QStringLiteral("dialogs/lastLocalFolder")).toString(), QFileInfo(file).absolutePath());
        m_window->findChild<QAction *>(QStringLiteral("uploadFolderAction"))->trigger();
        QTRY_VERIFY((dialog = modal<QFileDialog>(QStringLiteral("uploadFolderDialog"))));
        QCOMPARE(dialog->directory().absolutePath(), QFileInfo(file).absolutePath());
        QCOMPARE(dialog->fileMode(), QFileDialog::Directory);

        // Upload Folder…: the folder and what is inside it, under its own name.
        writeFile(QStringLiteral("album/one.txt"), "1\n");
        writeFile(QStringLiteral("album/deeper/two.txt"), "2\n");
        typeIntoFileDialog(dialog, m_dir.filePath(QStringLiteral("album")));
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(rowNamed(QStringLiteral("album")).isValid(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(onServer(m_prefix + QStringLiteral("album/deeper/two.txt")), 30000);
        QVERIFY(onServer(m_prefix + QStringLiteral("album/one.txt")));
    }

    // Download… opens where the user picked last (not the working directory), and downloads there.
    void downloadOpensInLastFolder()
    {
        open(m_prefix);
        const QModelIndex row = rowNamed(QStringLiteral("upload-me.txt"));
        QVERIFY(row.isValid());
        browser()->view()->selectionModel()->select(row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_window->findChild<QAction *>(QStringLiteral("downloadAction"))->trigger();
        QFileDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = modal<QFileDialog>(QStringLiteral("downloadToDialog"))));
        QCOMPARE(dialog->directory().absolutePath(), m_fixture->settings().value(QStringLiteral("dialogs/lastLocalFolder")).toString());
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("downloads"))));
        typeIntoFileDialog(dialog, m_dir.filePath(QStringLiteral("downloads")));
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(m_dir.filePath(QStringLiteral("downloads/upload-me.txt"))), 30000);
    }

    // Every file dialog of the window shares that folder: the profile's CA file too (while its field is empty).
    void caFileDialogOpensInLastFolder()
    {
        Ui::ProfileDialog profile(&session(), m_window.get());
        profile.open();
        auto *browse = profile.findChild<QPushButton *>(QStringLiteral("browseCaFileButton"));
        QVERIFY(browse);
        browse->click();
        QFileDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = modal<QFileDialog>(QStringLiteral("caFileDialog"))));
        QCOMPARE(dialog->directory().absolutePath(), m_fixture->settings().value(QStringLiteral("dialogs/lastLocalFolder")).toString());
        dialog->reject();
        profile.reject();
    }

    // Local files dragged over the list: tinted and framed, saying where they go; a folder row under the cursor is
    // the target; gone on leave. On the bucket list the drag is refused.
    void dropTargetIsHighlighted()
    {
        open(m_prefix);
        QTRY_VERIFY(rowNamed(QStringLiteral("album")).isValid());
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(writeFile(QStringLiteral("dragged.txt"), "dragged\n"))});
        QWidget *viewport = browser()->view()->viewport();
        const QPoint below = viewport->rect().bottomLeft() + QPoint(10, -40);

        QDragEnterEvent enter(below, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &enter);
        QVERIFY(enter.isAccepted());
        QCOMPARE(list()->dropHint(), QStringLiteral("Drop to upload to s3://%1/%2").arg(m_bucket, m_prefix));
        QVERIFY(!list()->dropRow().isValid());

        const QPoint onAlbum = browser()->view()->visualRect(rowNamed(QStringLiteral("album"))).center();
        QDragMoveEvent move(onAlbum, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &move);
        QVERIFY(move.isAccepted());
        QCOMPARE(list()->dropHint(), QStringLiteral("Drop to upload to s3://%1/%2album/").arg(m_bucket, m_prefix));
        QCOMPARE(list()->dropRow().data().toString(), QStringLiteral("album"));
        shoot(m_window.get(), "files-drop-highlight-folder");

        QDragMoveEvent back(below, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &back);
        QVERIFY(!list()->dropRow().isValid());
        shoot(m_window.get(), "files-drop-highlight");

        QDragLeaveEvent leave;
        QApplication::sendEvent(viewport, &leave);
        QVERIFY(list()->dropHint().isEmpty());

        // Not a folder of a bucket: nowhere to upload to.
        browser()->showBuckets();
        QTRY_VERIFY_WITH_TIMEOUT(!browser()->isLoading(), 20000);
        QDragEnterEvent refused(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &refused);
        QVERIFY(!refused.isAccepted());
        QVERIFY(list()->dropHint().isEmpty());
    }

    // An empty folder says so and where a drop goes, once its listing is done; a folder with objects does not.
    void emptyFolderSaysWhatToDo()
    {
        const QString empty = m_prefix + QStringLiteral("empty/");
        QVERIFY(Test::wait<Done>([&](QObject *context, auto done) { session().s3()->createFolder(m_bucket, empty, context, done); }, 30000));
        browser()->navigateTo(m_bucket, empty);
        QVERIFY(browser()->isLoading());
        QVERIFY(browser()->emptyHint().isEmpty());  // not while the listing is on its way
        QTRY_VERIFY_WITH_TIMEOUT(!browser()->isLoading(), 20000);
        QCOMPARE(browser()->emptyHint(), QStringLiteral("This folder is empty. Drop files here or use Upload… (Ctrl+U) to add them to s3://%1/%2")
                                             .arg(m_bucket, empty));
        shoot(m_window.get(), "files-empty-folder");

        open(m_prefix);
        QVERIFY(browser()->view()->model()->rowCount() > 0);
        QVERIFY(browser()->emptyHint().isEmpty());
    }

    // New transfers scroll into view at the bottom of the queue.
    void queueScrollsToNewRows()
    {
        open(m_prefix);
        auto *queue = m_window->findChild<Ui::TransferQueueView *>();
        QVERIFY(queue);
        QStringList paths;
        for (int i = 0; i < 30; ++i)
            paths << writeFile(QStringLiteral("many/file-%1.txt").arg(i, 2, 10, QLatin1Char('0')), QByteArray::number(i));
        QMimeData mime;
        QList<QUrl> urls;
        for (const QString &path : std::as_const(paths))
            urls << QUrl::fromLocalFile(path);
        mime.setUrls(urls);
        QSignalSpy idle(&session().transfers(), &Transfers::TransferQueue::idle);
        QVERIFY(browser()->handleDrop(&mime, browser()->view()->viewport()->rect().bottomLeft() + QPoint(10, -5)));
        QTRY_VERIFY_WITH_TIMEOUT(queue->model()->rowCount() >= 30, 30000);
        QTreeView *table = queue->table();
        QTRY_VERIFY(table->verticalScrollBar()->maximum() > 0);  // more rows than fit: there is somewhere to scroll
        const QModelIndex last = queue->model()->index(queue->model()->rowCount() - 1, 0);
        QTRY_VERIFY(table->viewport()->rect().intersects(table->visualRect(last)));
        QCOMPARE(table->verticalScrollBar()->value(), table->verticalScrollBar()->maximum());
        shoot(m_window.get(), "files-queue-scrolled");
        QTRY_VERIFY_WITH_TIMEOUT(!idle.isEmpty(), 60000);
    }

    // A folder upload is walked before anything is queued: a big one shows "Looking through the files to upload…",
    // and Cancel there queues nothing.
    void folderWalkCanBeCancelled()
    {
        open(m_prefix);
        const QString big = m_dir.filePath(QStringLiteral("big-folder"));
        for (int i = 0; i < 4000; ++i)
            writeFile(QStringLiteral("big-folder/%1/f%2.txt").arg(i / 100).arg(i), "x");
        m_window->transferController()->setScanProgressDelayMs(0);
        const qsizetype queued = session().transfers().transfers().size();

        // Cancel is pressed the moment the dialog shows (the walk of 4,000 files is still going then).
        struct PressCancelOnShow : QObject
        {
            QString label;
            bool eventFilter(QObject *watched, QEvent *event) override
            {
                if (event->type() == QEvent::Show && watched->objectName() == QStringLiteral("uploadScanProgress")) {
                    auto *dialog = static_cast<QProgressDialog *>(watched);
                    label = dialog->labelText();
                    if (auto *cancel = dialog->findChild<QPushButton *>())
                        cancel->click();
                }
                return false;
            }
        } presser;
        qApp->installEventFilter(&presser);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(big)});
        QSignalSpy finished(m_window->transferController(), &Ui::TransferController::batchFinished);
        QVERIFY(browser()->handleDrop(&mime, browser()->view()->viewport()->rect().bottomLeft() + QPoint(10, -5)));
        QVERIFY(finished.wait(30000));
        qApp->removeEventFilter(&presser);
        m_window->transferController()->setScanProgressDelayMs(400);
        QVERIFY2(presser.label.startsWith(QStringLiteral("Looking through the files to upload…")), qPrintable(presser.label));
        QCOMPARE(finished.first().at(0).toInt(), 0);
        QCOMPARE(session().transfers().transfers().size(), queued);
        QVERIFY(!onServer(m_prefix + QStringLiteral("big-folder/0/f0.txt")));
    }

    // F1 lists every action that has a key, read from the actions.
    void shortcutsAreListed()
    {
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QTest::keyClick(m_window.get(), Qt::Key_F1);
        QDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = modal<QDialog>(QStringLiteral("keyboardShortcutsDialog"))));
        auto *list = dialog->findChild<QTreeWidget *>(QStringLiteral("shortcutList"));
        QVERIFY(list);
        QHash<QString, QString> keys;  // command -> keys
        for (int row = 0; row < list->topLevelItemCount(); ++row)
            keys.insert(list->topLevelItem(row)->text(0), list->topLevelItem(row)->text(2));
        QCOMPARE(keys.value(QStringLiteral("Upload…")), QStringLiteral("Ctrl+U"));
        QCOMPARE(keys.value(QStringLiteral("Switch Role…")), QStringLiteral("Ctrl+Shift+R"));
        QCOMPARE(keys.value(QStringLiteral("Refresh")), QStringLiteral("F5"));
        QCOMPARE(keys.value(QStringLiteral("Keyboard Shortcuts")), QStringLiteral("F1"));
        QVERIFY(!keys.contains(QString()));
        // The browser's own keys are listed too, with the part of the window they work in.
        QCOMPARE(keys.value(QStringLiteral("Go up one folder")), QStringLiteral("Backspace"));
        QCOMPARE(keys.value(QStringLiteral("Type a bucket or path")), QStringLiteral("Ctrl+L"));
        const QList<QTreeWidgetItem *> cancel = list->findItems(QStringLiteral("Cancel"), Qt::MatchExactly, 0);
        QCOMPARE(cancel.size(), 1);
        QCOMPARE(cancel.first()->text(1), QStringLiteral("Transfer queue (when focused)"));
        shoot(dialog, "files-keyboard-shortcuts");
        dialog->reject();
    }

    // Deleting a folder counts its objects first and says how many; the deletion shows progress, and Cancel stops
    // it between batches, saying what was deleted.
    void folderDeleteCountsAndCancels()
    {
        const QString folder = m_prefix + QStringLiteral("doomed/");
        for (int i = 0; i < 23; ++i) {
            QVERIFY(Test::wait<QString>([&](QObject *context, auto done) {
                session().s3()->putBytes(m_bucket, folder + QStringLiteral("d%1.txt").arg(i, 2, 10, QLatin1Char('0')), "x", QStringLiteral("text/plain"), context, done);
            }, 30000));
        }
        browser()->setDeleteBatchSize(5);
        open(m_prefix);
        const auto pressDelete = [this] {
            const QModelIndex row = rowNamed(QStringLiteral("doomed"));
            QVERIFY(row.isValid());
            browser()->view()->setCurrentIndex(row);
            browser()->view()->selectionModel()->select(row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_window->activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
            browser()->view()->setFocus();
            QTest::keyClick(browser()->view(), Qt::Key_Delete);
        };
        pressDelete();
        QMessageBox *question = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((question = modal<QMessageBox>(QStringLiteral("deleteConfirmation"))), 20000);
        QCOMPARE(question->text(), QStringLiteral("Delete folder doomed/ and its 23 objects?"));
        shoot(question, "files-delete-question");
        QAbstractButton *yes = nullptr;
        for (QAbstractButton *button : question->buttons())
            if (button->text() == QStringLiteral("&Delete"))
                yes = button;
        QVERIFY(yes);
        yes->click();

        // The progress dialog, cancelled as soon as the first batch is reported.
        QProgressDialog *progress = nullptr;
        QTRY_VERIFY((progress = modal<QProgressDialog>(QStringLiteral("deleteProgress"))));
        QCOMPARE(progress->maximum(), 23 + 1);  // and the folder's own marker, deleted last
        QCOMPARE(progress->labelText(), QStringLiteral("Deleting 23 objects…"));
        shoot(progress, "files-delete-progress");
        QProgressBar *bar = progress->findChild<QProgressBar *>();
        QVERIFY(bar);
        QPointer<QProgressDialog> guard(progress);
        connect(bar, &QProgressBar::valueChanged, progress, [guard](int value) {
            if (value > 0 && guard) {
                if (auto *cancel = guard->findChild<QPushButton *>())
                    cancel->click();
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(browser()->bannerText().startsWith(QStringLiteral("Deletion stopped")), 30000);
        QCOMPARE(browser()->bannerText(), QStringLiteral("Deletion stopped: 5 of 23 objects deleted. 18 objects left in the bucket."));
        QCOMPARE(keysUnder(folder).size(), 18);

        // Again, to the end: the question counts what is left.
        QTRY_VERIFY_WITH_TIMEOUT(rowNamed(QStringLiteral("doomed")).isValid(), 20000);
        pressDelete();
        QTRY_VERIFY_WITH_TIMEOUT((question = modal<QMessageBox>(QStringLiteral("deleteConfirmation"))), 20000);
        QCOMPARE(question->text(), QStringLiteral("Delete folder doomed/ and its 18 objects?"));
        for (QAbstractButton *button : question->buttons())
            if (button->text() == QStringLiteral("&Delete"))
                button->click();
        QTRY_VERIFY_WITH_TIMEOUT(keysUnder(folder).isEmpty(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!rowNamed(QStringLiteral("doomed")).isValid() && !browser()->isLoading(), 20000);
        QVERIFY(!modal<QProgressDialog>(QStringLiteral("deleteProgress")));
    }
};

QTEST_MAIN(MainWindowFilesTest)
#include "main_window_files_test.moc"
