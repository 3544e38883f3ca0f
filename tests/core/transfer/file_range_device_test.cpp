#include "core/transfer/file_range_device.h"
#include "test_files.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;

namespace {

constexpr qint64 fileSize = 100000;

} // namespace

class FileRangeDeviceTest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void readsExactlyTheRange_data();
    void readsExactlyTheRange();
    void seeksAndRewinds_data();
    void seeksAndRewinds();
    void rangeBeyondTheEndFailsToOpen_data();
    void rangeBeyondTheEndFailsToOpen();
    void missingFileFailsToOpen();
    void isReadOnly();

private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_content;
};

void FileRangeDeviceTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("content.bin"));
    m_content = RoleDrop::Test::randomBytes(fileSize, 7);
    QVERIFY(RoleDrop::Test::writeFile(m_path, m_content));
}

void FileRangeDeviceTest::readsExactlyTheRange_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("length");
    QTest::newRow("whole file") << qint64(0) << fileSize;
    QTest::newRow("empty at start") << qint64(0) << qint64(0);
    QTest::newRow("empty at end") << fileSize << qint64(0);
    QTest::newRow("first byte") << qint64(0) << qint64(1);
    QTest::newRow("second byte") << qint64(1) << qint64(1);
    QTest::newRow("last byte") << fileSize - 1 << qint64(1);
    QTest::newRow("all but the last byte") << qint64(0) << fileSize - 1;
    QTest::newRow("all but the first byte") << qint64(1) << fileSize - 1;
    QTest::newRow("middle") << qint64(12345) << qint64(54321);
    QTest::newRow("tail") << qint64(65536) << fileSize - 65536;
}

void FileRangeDeviceTest::readsExactlyTheRange()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, length);
    const QByteArray expected = m_content.mid(offset, length);
    // Several random chunkings of the same range, as the network stack reads what it pleases.
    for (quint32 seed = 1; seed <= 20; ++seed) {
        Transfers::FileRangeDevice device(m_path, offset, length);
        QVERIFY2(device.open(QIODevice::ReadOnly), qPrintable(device.errorString()));
        QCOMPARE(device.size(), length);
        QVERIFY(!device.isSequential());
        QCOMPARE(device.atEnd(), length == 0);
        QRandomGenerator random(seed);
        QByteArray got;
        while (!device.atEnd()) {
            const qint64 before = device.pos();
            const QByteArray chunk = device.read(1 + random.bounded(seed % 2 ? 17 : 9000));
            QVERIFY2(!chunk.isEmpty(), "read nothing before the end");
            QCOMPARE(device.pos(), before + chunk.size());
            QCOMPARE(device.bytesAvailable(), length - device.pos());
            got += chunk;
            QVERIFY(got.size() <= length);
        }
        QCOMPARE(got.size(), length);
        QVERIFY(got == expected);
        QVERIFY(device.read(1).isEmpty());
        QCOMPARE(device.pos(), length);
    }
}

void FileRangeDeviceTest::seeksAndRewinds_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("length");
    QTest::newRow("whole file") << qint64(0) << fileSize;
    QTest::newRow("middle") << qint64(4097) << qint64(30000);
    QTest::newRow("one byte") << qint64(99) << qint64(1);
}

void FileRangeDeviceTest::seeksAndRewinds()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, length);
    const QByteArray expected = m_content.mid(offset, length);
    Transfers::FileRangeDevice device(m_path, offset, length);
    QVERIFY2(device.open(QIODevice::ReadOnly), qPrintable(device.errorString()));

    QVERIFY(device.readAll() == expected);
    QVERIFY(device.atEnd());

    // A resend rewinds to 0 and must see the same bytes again.
    QVERIFY(device.reset());
    QCOMPARE(device.pos(), qint64(0));
    QVERIFY(!device.atEnd());
    QVERIFY(device.readAll() == expected);

    QRandomGenerator random(11);
    for (int i = 0; i < 50; ++i) {
        const qint64 pos = random.bounded(length + 1);
        QVERIFY(device.seek(pos));
        QCOMPARE(device.pos(), pos);
        const qint64 want = random.bounded(length + 1);
        const QByteArray chunk = device.read(want);
        QVERIFY2(chunk == expected.mid(pos, want), qPrintable(QStringLiteral("seek %1 read %2").arg(pos).arg(want)));
    }

    QVERIFY(device.seek(length));
    QVERIFY(device.atEnd());
    QVERIFY(device.read(10).isEmpty());
    QVERIFY(!device.seek(length + 1));
    QVERIFY(!device.seek(-1));
    QVERIFY(device.seek(0));
    QVERIFY(device.read(1) == expected.left(1));
}

void FileRangeDeviceTest::rangeBeyondTheEndFailsToOpen_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("length");
    QTest::newRow("one byte too long") << qint64(0) << fileSize + 1;
    QTest::newRow("tail one byte too long") << fileSize - 10 << qint64(11);
    QTest::newRow("starts past the end") << fileSize + 1 << qint64(0);
    QTest::newRow("far past the end") << fileSize * 40 << qint64(1);
}

void FileRangeDeviceTest::rangeBeyondTheEndFailsToOpen()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, length);
    Transfers::FileRangeDevice device(m_path, offset, length);
    QVERIFY(!device.open(QIODevice::ReadOnly));
    QVERIFY(!device.isOpen());
    QVERIFY2(device.errorString().contains(m_path), qPrintable(device.errorString()));
}

void FileRangeDeviceTest::missingFileFailsToOpen()
{
    Transfers::FileRangeDevice device(m_dir.filePath(QStringLiteral("missing.bin")), 0, 1);
    QVERIFY(!device.open(QIODevice::ReadOnly));
    QVERIFY(!device.isOpen());
    QVERIFY(!device.fileError().isEmpty());
    // upload_transfer.cpp reports device->errorString(): it must carry the OS's reason.
    QVERIFY2(device.errorString().contains(QStringLiteral("No such file")), qPrintable(device.errorString()));
}

void FileRangeDeviceTest::isReadOnly()
{
    Transfers::FileRangeDevice device(m_path, 0, 10);
    QVERIFY(!device.open(QIODevice::ReadWrite));
    QVERIFY(!device.open(QIODevice::WriteOnly));
    QVERIFY(device.open(QIODevice::ReadOnly));
    QCOMPARE(device.write("x"), qint64(-1));
    // The file itself is untouched.
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.read(10) == m_content.left(10));
}

QTEST_GUILESS_MAIN(FileRangeDeviceTest)
#include "file_range_device_test.moc"
