// The window's layout and looks as a user meets them, against Ceph RGW as S3Access on the test bucket:
//  - screenshots at 1100x720 and at the minimum size; at the minimum nothing overlaps and no button is cut;
//  - the Name column takes the spare width and shrinks last;
//  - Cancelled and Failed transfers have icons of their own;
//  - every focusable control has a name a screen reader can say, and Tab reaches the browser, the profiles
//    and the transfer queue;
//  - counts read "1 item" / "2 items", durations "1 day" / "7 days", times carry seconds and the zone.
// Screenshots go to $ROLEDROP_SCREENSHOT_DIR.

#include "cli_run.h"
#include "screenshot.h"
#include "test_files.h"
#include "test_session.h"
#include "test_world.h"
#include "core/session/session.h"
#include "core/transfer/transfer.h"
#include "core/transfer/transfer_queue.h"
#include "ui/browser/bucket_browser.h"
#include "ui/main_window.h"
#include "ui/transfers/transfer_controller.h"
#include "ui/transfers/transfer_list_model.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QRegularExpression>
#include <QSplitter>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QTreeView>

#include <algorithm>
#include <memory>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

namespace {

QString describe(const QWidget *widget)
{
    QString name = widget->objectName().isEmpty() ? QString::fromLatin1(widget->metaObject()->className()) : widget->objectName();
    for (const QWidget *parent = widget->parentWidget(); parent && !parent->isWindow(); parent = parent->parentWidget()) {
        if (!parent->objectName().isEmpty())
            return parent->objectName() + QLatin1Char('/') + name;
    }
    return name;
}

// What a screen reader says for the widget: its accessible name, else what Qt derives (a button's text, the
// buddy label of a field).
QString spokenName(QWidget *widget)
{
    QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
    return accessible ? accessible->text(QAccessible::Name).trimmed() : QString();
}

bool isControl(const QWidget *widget)
{
    return qobject_cast<const QAbstractButton *>(widget) || qobject_cast<const QLineEdit *>(widget)
        || qobject_cast<const QComboBox *>(widget) || qobject_cast<const QAbstractItemView *>(widget)
        || qobject_cast<const QAbstractSpinBox *>(widget);
}

// Focusable controls of a window that a screen reader cannot name.
QStringList unnamedControls(QWidget *window)
{
    QStringList unnamed;
    for (QWidget *widget : window->findChildren<QWidget *>()) {
        if (!widget->isVisibleTo(window) || !(widget->focusPolicy() & Qt::TabFocus) || !isControl(widget))
            continue;
        if (spokenName(widget).isEmpty())
            unnamed << describe(widget);
    }
    return unnamed;
}

// Labels that show their mnemonic's "&" as text: a label without a buddy does not take "&C" as Alt+C, and the
// field beside it gets no name from it.
QStringList strayAmpersands(QWidget *window)
{
    QStringList stray;
    static const QRegularExpression mnemonic(QStringLiteral("&[A-Za-z]"));
    for (const QLabel *label : window->findChildren<QLabel *>()) {
        if (label->isVisibleTo(window) && !label->buddy() && label->textFormat() != Qt::RichText && !Qt::mightBeRichText(label->text())
            && label->text().contains(mnemonic))
            stray << label->text();
    }
    return stray;
}

// Pairs of visible sibling widgets that overlap, and buttons narrower than they need, under `parent`.
void collectLayoutProblems(QWidget *parent, QStringList &problems)
{
    QList<QWidget *> children;
    for (QObject *object : parent->children()) {
        auto *child = qobject_cast<QWidget *>(object);
        if (child && !child->isWindow() && child->isVisible())
            children << child;
    }
    for (int i = 0; i < children.size(); ++i) {
        for (int j = i + 1; j < children.size(); ++j) {
            if (children[i]->geometry().intersects(children[j]->geometry()))
                problems << QStringLiteral("%1 %2 overlaps %3 %4")
                                .arg(describe(children[i]), QVariant(children[i]->geometry()).toString(), describe(children[j]),
                                     QVariant(children[j]->geometry()).toString());
        }
        // The dock's own title buttons are sized by the style to its title bar, whatever their size hint says.
        auto *button = qobject_cast<QAbstractButton *>(children[i]);
        if (button && !button->objectName().startsWith(QLatin1String("qt_dockwidget_")) && button->width() < button->minimumSizeHint().width())
            problems << QStringLiteral("button %1 '%2' is %3 px wide, needs %4")
                            .arg(describe(button), button->text())
                            .arg(button->width())
                            .arg(button->minimumSizeHint().width());
        collectLayoutProblems(children[i], problems);
    }
}

QWidget *visibleTopLevel(const char *className)
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (widget->inherits(className) && widget->isVisible())
            return widget;
    }
    return nullptr;
}

} // namespace

class WindowLayoutTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Test::SessionFixture> m_fixture;
    std::unique_ptr<Ui::MainWindow> m_window;
    QString m_bucket;
    QString m_prefix;

    bool listed(const QString &name) const
    {
        const QAbstractItemModel *model = m_window->browser()->view()->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data().toString() == name)
                return true;
        }
        return false;
    }

    QString browserStatus() const { return m_window->browser()->statusText(); }

    Transfers::Transfer *lastTransfer() const { return m_fixture->session().transfers().transfers().last(); }

private slots:
    // One window for the whole suite: james's profile, switched to S3Access, on the test bucket, with a done, a
    // cancelled and a failed transfer in the queue.
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bucket = worldValue("ROLEDROP_TEST_BUCKET");
        m_prefix = QStringLiteral("window-layout-%1/").arg(QCoreApplication::applicationPid());
        m_fixture = std::make_unique<Test::SessionFixture>(QStringLiteral("layout"));
        QVERIFY(m_fixture->openProfile(Test::SessionFixture::rgwJames(QStringLiteral("james-layout")),
                                       Test::SessionFixture::rgwJamesSecret()));
        QVERIFY(m_fixture->switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        m_window = std::make_unique<Ui::MainWindow>(&m_fixture->session(), m_fixture->settings());
        m_window->resize(1100, 720);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->browser()->navigateTo(m_bucket, QString());
        QTRY_VERIFY_WITH_TIMEOUT(listed(QStringLiteral("owner-file.txt")), 20000);

        Sessions::Session &session = m_fixture->session();
        const QString small = m_dir.filePath(QStringLiteral("window-layout-note.txt"));
        QVERIFY(Test::writeFile(small, QByteArray("a note\n")));
        m_window->transferController()->upload({small}, m_bucket, m_prefix);
        QTRY_VERIFY_WITH_TIMEOUT(session.transfers().transfers().size() == 1 && lastTransfer()->isFinished(), 30000);
        QCOMPARE(lastTransfer()->state(), Transfers::TransferState::Succeeded);
        // Cancelled by the user before it got far.
        const QString large = Test::writeRandomFile(m_dir.filePath(QStringLiteral("window-layout-cancelled.bin")), 64 << 20);
        m_window->transferController()->upload({large}, m_bucket, m_prefix);
        QTRY_VERIFY(session.transfers().transfers().size() == 2);
        session.transfers().cancelAll();
        QTRY_COMPARE(lastTransfer()->state(), Transfers::TransferState::Cancelled);
        // Failed: a bucket that does not exist.
        m_window->transferController()->upload({small}, QStringLiteral("roledrop-no-such-bucket-%1").arg(QCoreApplication::applicationPid()),
                                               QString());
        QTRY_VERIFY_WITH_TIMEOUT(session.transfers().transfers().size() == 3 && lastTransfer()->isFinished(), 30000);
        QCOMPARE(lastTransfer()->state(), Transfers::TransferState::Failed);
    }

    void cleanupTestCase()
    {
        if (m_window)
            m_window->browser()->deleteEntries({}, {m_prefix});
        QTest::qWait(1000);
        m_window.reset();
    }

    // Cancelled (the user's choice) and Failed (something to look at) do not share one icon.
    void cancelledAndFailedLookDifferent()
    {
        auto *model = m_window->findChild<Ui::TransferListModel *>();
        QVERIFY(model);
        QImage cancelled;
        QImage failed;
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex state = model->index(row, Ui::TransferListModel::StateColumn);
            const QImage image = state.data(Qt::DecorationRole).value<QIcon>().pixmap(16, 16).toImage();
            if (state.data(Qt::DisplayRole).toString() == QLatin1String("Cancelled"))
                cancelled = image;
            if (state.data(Qt::DisplayRole).toString() == QLatin1String("Failed"))
                failed = image;
        }
        QVERIFY(!cancelled.isNull());
        QVERIFY(!failed.isNull());
        QVERIFY(cancelled != failed);
        // Only the failure is red.
        const auto reddish = [](const QImage &image) {
            int red = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x) {
                    const QColor c = image.pixelColor(x, y);
                    red += c.alpha() > 128 && c.red() > 150 && c.green() < 100 && c.blue() < 100;
                }
            return red;
        };
        QVERIFY2(reddish(failed) > 20, "the Failed icon is red");
        QCOMPARE(reddish(cancelled), 0);
    }

    // At the window's minimum size every part is still there: no two widgets overlap, no button is narrower
    // than its text needs. Screenshots at 1100x720 and at the minimum.
    void minimumSizeFitsEverything()
    {
        m_window->resize(1100, 720);
        QTRY_COMPARE(m_window->size(), QSize(1100, 720));
        QTest::qWait(200);
        QVERIFY(Test::saveScreenshot(m_window.get(), QStringLiteral("window-1100x720")));

        const QSize minimum = m_window->minimumSize();
        qInfo("minimum size %dx%d; the layouts alone would allow %dx%d", minimum.width(), minimum.height(),
              m_window->minimumSizeHint().width(), m_window->minimumSizeHint().height());
        QVERIFY2(minimum.width() >= 640 && minimum.height() >= 420, qPrintable(QVariant(minimum).toString()));
        QVERIFY2(minimum.width() <= 800 && minimum.height() <= 560, qPrintable(QVariant(minimum).toString()));
        m_window->resize(400, 300);  // as in the issue: the window does not go below its minimum
        QTRY_COMPARE(m_window->size(), minimum);
        QTest::qWait(200);
        QVERIFY(Test::saveScreenshot(m_window.get(), QStringLiteral("window-minimum-size")));
        QStringList problems;
        collectLayoutProblems(m_window.get(), problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        m_window->resize(1100, 720);
        QTRY_COMPARE(m_window->size(), QSize(1100, 720));
    }

    // The Name column takes the spare width and gives way last: in a narrow window it stays the widest column,
    // and in a wide one the other columns get all they need.
    void nameColumnStretchesFirst()
    {
        QTreeView *view = m_window->browser()->view();
        QHeaderView *header = view->header();
        m_window->resize(1100, 720);
        QTRY_COMPARE(m_window->size(), QSize(1100, 720));
        QTRY_VERIFY(header->sectionSize(0) > view->viewport()->width() / 2);
        const auto tooNarrow = [view, header] {
            QStringList narrow;
            for (int column = 1; column < header->count(); ++column) {
                const int needed = static_cast<QAbstractItemView *>(view)->sizeHintForColumn(column);
                if (!view->isColumnHidden(column) && header->sectionSize(column) < needed)
                    narrow << QStringLiteral("column %1 is %2 px, its contents need %3").arg(column).arg(header->sectionSize(column)).arg(needed);
            }
            return narrow.join(QStringLiteral("; "));
        };
        QTRY_COMPARE(tooNarrow(), QString());

        // The browser 640 px wide (the profiles take the rest of the window).
        auto *splitter = qobject_cast<QSplitter *>(m_window->browser()->parentWidget());
        QVERIFY(splitter);
        m_window->resize(1000, 720);
        QTRY_COMPARE(m_window->width(), 1000);
        splitter->setSizes({splitter->width() - 640 - splitter->handleWidth(), 640});
        QTRY_COMPARE(m_window->browser()->width(), 640);
        QTest::qWait(100);
        const int name = header->sectionSize(0);
        for (int column = 1; column < header->count(); ++column) {
            if (!view->isColumnHidden(column))
                QVERIFY2(name > header->sectionSize(column),
                         qPrintable(QStringLiteral("Name is %1 px, column %2 is %3 px").arg(name).arg(column).arg(header->sectionSize(column))));
        }
        QVERIFY2(name >= view->viewport()->width() / 2, qPrintable(QString::number(name)));
        QVERIFY(Test::saveScreenshot(m_window->browser(), QStringLiteral("browser-640px")));
        m_window->resize(1100, 720);
        splitter->setSizes({260, 740});
    }

    // Every focusable control in the window has a name a screen reader can say, and Tab alone gets to the
    // profiles, the browser and the transfer queue.
    void keyboardReachesEveryPartAndControlsAreNamed()
    {
        QStringList unnamed = unnamedControls(m_window.get());
        QVERIFY2(unnamed.isEmpty(), qPrintable(QStringLiteral("no accessible name: ") + unnamed.join(QStringLiteral(", "))));
        const QStringList stray = strayAmpersands(m_window.get());
        QVERIFY2(stray.isEmpty(), qPrintable(QStringLiteral("'&' shown as text: ") + stray.join(QStringLiteral(", "))));

        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QWidget *profiles = m_window->findChild<QWidget *>(QStringLiteral("profileTree"));
        auto *queue = m_window->findChild<QWidget *>(QStringLiteral("transferQueueView"))->findChild<QTreeView *>();
        QVERIFY(profiles && queue);
        profiles->setFocus(Qt::TabFocusReason);
        QTRY_COMPARE(QApplication::focusWidget(), profiles);
        QSet<QWidget *> reached;
        for (int press = 0; press < 80 && QApplication::focusWidget(); ++press) {
            reached.insert(QApplication::focusWidget());
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        }
        QVERIFY2(reached.contains(m_window->browser()->view()), "Tab reaches the browser");
        QVERIFY2(reached.contains(queue), "Tab reaches the transfer queue");
        QVERIFY2(reached.contains(profiles), "Tab comes back round to the profiles");
    }

    // The dialogs one opens from the window without typing credentials: every control named there too.
    void dialogControlsAreNamed()
    {
        const auto check = [](QWidget *dialog, const char *what) {
            QVERIFY2(dialog, what);
            QVERIFY(QTest::qWaitForWindowExposed(dialog));
            const QStringList unnamed = unnamedControls(dialog);
            QVERIFY2(unnamed.isEmpty(), qPrintable(QStringLiteral("%1: no accessible name: %2").arg(QLatin1String(what), unnamed.join(QStringLiteral(", ")))));
            const QStringList stray = strayAmpersands(dialog);
            QVERIFY2(stray.isEmpty(), qPrintable(QStringLiteral("%1: '&' shown as text: %2").arg(QLatin1String(what), stray.join(QStringLiteral(", ")))));
            QVERIFY(Test::saveScreenshot(dialog, QLatin1String(what)));
            dialog->close();
        };
        auto *add = m_window->findChild<QAbstractButton *>(QStringLiteral("addProfileButton"));
        QVERIFY(add);
        add->click();
        QTRY_VERIFY(visibleTopLevel("RoleDrop::Ui::ProfileDialog"));
        check(visibleTopLevel("RoleDrop::Ui::ProfileDialog"), "profile-dialog");
        QTRY_VERIFY(!visibleTopLevel("RoleDrop::Ui::ProfileDialog"));

        auto *import = m_window->findChild<QAbstractButton *>(QStringLiteral("importProfilesButton"));
        QVERIFY(import);
        import->click();
        QTRY_VERIFY(visibleTopLevel("RoleDrop::Ui::ImportAwsProfilesDialog"));
        check(visibleTopLevel("RoleDrop::Ui::ImportAwsProfilesDialog"), "import-profiles-dialog");

        // Properties of an object (Alt+Enter-free: the browser's own action, as the context menu calls it).
        QTreeView *view = m_window->browser()->view();
        const QModelIndexList owner = view->model()->match(view->model()->index(0, 0), Qt::DisplayRole, QStringLiteral("owner-file.txt"));
        QCOMPARE(owner.size(), 1);
        view->setCurrentIndex(owner.first());
        view->selectionModel()->select(owner.first(), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_window->browser()->showPropertiesOfSelected();
        QTRY_VERIFY_WITH_TIMEOUT(visibleTopLevel("RoleDrop::Ui::ObjectPropertiesDialog"), 20000);
        QWidget *properties = visibleTopLevel("RoleDrop::Ui::ObjectPropertiesDialog");
        QStringList texts;
        for (const QLabel *label : properties->findChildren<QLabel *>())
            texts << label->text();
        // "hello\n" is 6 bytes: said once, in words, not "6 bytes (6 bytes)".
        QVERIFY2(texts.contains(QStringLiteral("6 bytes")), qPrintable(texts.join(QStringLiteral(" | "))));
        const QRegularExpression withSecondsAndZone(QStringLiteral("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\S+$"));
        QVERIFY2(std::any_of(texts.cbegin(), texts.cend(), [&](const QString &t) { return withSecondsAndZone.match(t).hasMatch(); }),
                 qPrintable(texts.join(QStringLiteral(" | "))));
        check(properties, "object-properties-dialog");
    }

    // Durations and counts as people write them: "1 day" / "7 days", "1 item" / "2 items"; the presign end time
    // with seconds and the zone.
    void pluralsAndTimesReadAsEnglish()
    {
        QTreeView *view = m_window->browser()->view();
        const auto select = [view](const QString &name) {
            const QModelIndexList found = view->model()->match(view->model()->index(0, 0), Qt::DisplayRole, name);
            QCOMPARE(found.size(), 1);
            view->setCurrentIndex(found.first());
            view->selectionModel()->select(found.first(), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        };
        m_window->browser()->navigateTo(m_bucket, QString());
        QTRY_VERIFY_WITH_TIMEOUT(listed(QStringLiteral("owner-file.txt")), 20000);
        select(QStringLiteral("owner-file.txt"));
        const QRegularExpression time(QStringLiteral("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\S+"));
        for (const auto &[seconds, words] : {std::pair{qint64(86400), QStringLiteral("1 day")}, std::pair{qint64(7 * 86400), QStringLiteral("7 days")}}) {
            m_window->browser()->presignSelected(seconds);
            QTRY_VERIFY(visibleTopLevel("RoleDrop::Ui::PresignDialog"));
            QWidget *dialog = visibleTopLevel("RoleDrop::Ui::PresignDialog");
            const QString validity = dialog->findChild<QLabel *>(QStringLiteral("presignValidity"))->text();
            QVERIFY2(validity.contains(words) && !validity.contains(QStringLiteral("(s)")), qPrintable(validity));
            QVERIFY2(time.match(validity).hasMatch(), qPrintable(validity));
            if (seconds == 7 * 86400)
                QVERIFY(Test::saveScreenshot(dialog, QStringLiteral("presign-dialog-7-days")));
            QPointer<QWidget> closing = dialog;
            dialog->close();
            QTRY_VERIFY(closing.isNull() || !closing->isVisible());
        }

        // The folder of this run holds one object: "1 item"; a second one makes "2 items".
        m_window->browser()->navigateTo(m_bucket, m_prefix);
        QTRY_VERIFY_WITH_TIMEOUT(listed(QStringLiteral("window-layout-note.txt")), 20000);
        QTRY_COMPARE(browserStatus(), QStringLiteral("1 item"));
        const QString second = m_dir.filePath(QStringLiteral("window-layout-second.txt"));
        QVERIFY(Test::writeFile(second, QByteArray("second\n")));
        const int before = int(m_fixture->session().transfers().transfers().size());
        m_window->transferController()->upload({second}, m_bucket, m_prefix);
        QTRY_VERIFY_WITH_TIMEOUT(m_fixture->session().transfers().transfers().size() == before + 1 && lastTransfer()->isFinished(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(listed(QStringLiteral("window-layout-second.txt")), 20000);
        QTRY_COMPARE(browserStatus(), QStringLiteral("2 items"));
    }

    // The command line counts the same way: downloading the run's folder (two objects, see above) where one and
    // then both files exist already.
    void cliCountsReadAsEnglish()
    {
        const QString into = m_dir.filePath(QStringLiteral("cli-download"));
        QVERIFY(Test::writeFile(into + QStringLiteral("/window-layout-note.txt"), QByteArray("mine\n")));
        const auto download = [&] {
            return Test::runCli(Test::jamesCliEnvironment(m_dir.filePath(QStringLiteral("cli-config"))),
                                {QStringLiteral("download"), QStringLiteral("s3://%1/%2").arg(m_bucket, m_prefix), into,
                                 QStringLiteral("--endpoint-url"), worldValue("ROLEDROP_TEST_S3_ENDPOINT"), QStringLiteral("--path-style"),
                                 QStringLiteral("--role"), worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"), QStringLiteral("--quiet")});
        };
        Test::CliRun one = download();
        QCOMPARE(one.exitCode, 1);
        QVERIFY2(one.err.contains(QStringLiteral("1 file exists already in %1: nothing was downloaded").arg(into)), qPrintable(Test::describe(one)));
        QVERIFY(Test::writeFile(into + QStringLiteral("/window-layout-second.txt"), QByteArray("mine too\n")));
        Test::CliRun two = download();
        QCOMPARE(two.exitCode, 1);
        QVERIFY2(two.err.contains(QStringLiteral("2 files exist already in %1: nothing was downloaded").arg(into)), qPrintable(Test::describe(two)));
        QVERIFY(!two.err.contains(QStringLiteral("(s)")));
    }
};

QTEST_MAIN(WindowLayoutTest)
#include "window_layout_test.moc"
