// humanSize: the one size format of the window and the CLI.

#include "core/common/human_size.h"

#include <QTest>

using RoleDrop::humanSize;

class HumanSizeTest : public QObject
{
    Q_OBJECT

private slots:
    void bytesAreCountedInWords()
    {
        const QLocale c = QLocale::c();
        QCOMPARE(humanSize(0, c), QStringLiteral("0 bytes"));
        QCOMPARE(humanSize(1, c), QStringLiteral("1 byte"));
        QCOMPARE(humanSize(24, c), QStringLiteral("24 bytes"));
        QCOMPARE(humanSize(1023, c), QStringLiteral("1023 bytes"));
        QCOMPARE(humanSize(-1, c), QString());
    }

    // One decimal below 10, whole numbers from 10 on: "40 MiB" everywhere, never "40.0 MiB" beside it.
    void binaryUnitsWithOneDecimalBelowTen()
    {
        const QLocale c = QLocale::c();
        QCOMPARE(humanSize(1024, c), QStringLiteral("1.0 KiB"));
        QCOMPARE(humanSize(1536, c), QStringLiteral("1.5 KiB"));
        QCOMPARE(humanSize(3 * 1024 * 1024, c), QStringLiteral("3.0 MiB"));
        QCOMPARE(humanSize(40 * 1024 * 1024, c), QStringLiteral("40 MiB"));
        QCOMPARE(humanSize(qint64(9.97 * 1024 * 1024), c), QStringLiteral("10 MiB"));
        QCOMPARE(humanSize(512 * 1024 * 1024 + 300 * 1024, c), QStringLiteral("512 MiB"));
        QCOMPARE(humanSize(1024 * 1024 - 1, c), QStringLiteral("1.0 MiB"));  // not "1024 KiB"
        QCOMPARE(humanSize(qint64(5) << 40, c), QStringLiteral("5.0 TiB"));
    }

    // The window's locale writes the digits its way; the CLI passes the C locale.
    void localeWritesTheDigits()
    {
        QCOMPARE(humanSize(1536, QLocale(QLocale::German)), QStringLiteral("1,5 KiB"));
    }
};

QTEST_GUILESS_MAIN(HumanSizeTest)
#include "human_size_test.moc"
