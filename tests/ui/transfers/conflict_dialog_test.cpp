// The conflict dialog never replaces by default: Enter keeps both (the default button has the focus), Overwrite is
// not the default even when it has the focus, Escape skips; only a deliberate click on Overwrite overwrites.
#include "ui/transfers/conflict_dialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QPushButton>
#include <QTest>

using namespace RoleDrop;
using Ui::ConflictDialog;

namespace {

Ui::ConflictInfo uploadConflict()
{
    Ui::ConflictInfo info;
    info.direction = Transfers::TransferDirection::Upload;
    info.bucket = QStringLiteral("data");
    info.key = QStringLiteral("reports/q3.pdf");
    info.localPath = QStringLiteral("/home/james/q3.pdf");
    info.localSize = 1000;
    info.remoteSize = 900;
    info.remaining = 2;
    return info;
}

} // namespace

class ConflictDialogTest final : public QObject
{
    Q_OBJECT

private slots:
    void enterKeepsBoth()
    {
        ConflictDialog dialog(uploadConflict());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.keepBothButton()->isDefault());
        QVERIFY(!dialog.overwriteButton()->isDefault());
        QVERIFY(!dialog.overwriteButton()->autoDefault());
        QCOMPARE(dialog.focusWidget(), static_cast<QWidget *>(dialog.keepBothButton()));
        QTest::keyClick(&dialog, Qt::Key_Return);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.choice(), Transfers::ConflictChoice::KeepBoth);
    }

    // Tabbing onto Overwrite does not make it what Enter does.
    void overwriteWithTheFocusIsStillNotTheDefault()
    {
        ConflictDialog dialog(uploadConflict());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.overwriteButton()->setFocus();
        QCOMPARE(dialog.focusWidget(), static_cast<QWidget *>(dialog.overwriteButton()));
        QVERIFY(!dialog.overwriteButton()->isDefault());
        QTest::keyClick(dialog.overwriteButton(), Qt::Key_Return);
        QCOMPARE(dialog.choice(), Transfers::ConflictChoice::KeepBoth);
    }

    void escapeSkips()
    {
        ConflictDialog dialog(uploadConflict());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClick(&dialog, Qt::Key_Escape);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QCOMPARE(dialog.choice(), Transfers::ConflictChoice::Skip);
    }

    void aClickOnOverwriteOverwrites()
    {
        ConflictDialog dialog(uploadConflict());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.applyToAllBox()->setChecked(true);
        QTest::mouseClick(dialog.overwriteButton(), Qt::LeftButton);
        QCOMPARE(dialog.choice(), Transfers::ConflictChoice::Overwrite);
        QVERIFY(dialog.applyToAll());
    }
};

QTEST_MAIN(ConflictDialogTest)
#include "conflict_dialog_test.moc"
