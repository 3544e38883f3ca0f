// Checksums as S3 carries them: names, the base64 of the big-endian value (AWS's "Hello world" example), what is
// refused on the way back, streams, FULL_OBJECT combination and COMPOSITE checksums of parts; and RoleDrop's
// values against another implementation for buffers of many lengths: botocore's CRC32 (zlib) and, since
// botocore 1.29 has no CRC32C or CRC64NVME without awscrt, a reference written from the definitions in Python
// (tests/core/common/crc_reference.py).
#include "core/common/checksum.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;

namespace RoleDrop {
// QCOMPARE shows a checksum as S3 would.
char *toString(const Checksum &checksum)
{
    return QTest::toString(checksumAlgorithmName(checksum.algorithm) + QLatin1Char(' ') + QString::fromLatin1(checksum.toBase64()));
}
} // namespace RoleDrop

namespace {

QByteArray randomData(qsizetype size, QRandomGenerator &random)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(random.bounded(256));
    return bytes;
}

const ChecksumAlgorithm allAlgorithms[] = {ChecksumAlgorithm::Crc32, ChecksumAlgorithm::Crc32c, ChecksumAlgorithm::Crc64Nvme};

} // namespace

class ChecksumTest final : public QObject
{
    Q_OBJECT

private slots:
    void names()
    {
        QCOMPARE(checksumAlgorithmName(ChecksumAlgorithm::Crc64Nvme), QStringLiteral("CRC64NVME"));
        QCOMPARE(checksumAlgorithmName(ChecksumAlgorithm::Crc32c), QStringLiteral("CRC32C"));
        QCOMPARE(checksumAlgorithmFromName(u"crc32"), ChecksumAlgorithm::Crc32);
        QCOMPARE(checksumAlgorithmFromName(u" Crc64nvme "), ChecksumAlgorithm::Crc64Nvme);
        QVERIFY(!checksumAlgorithmFromName(u"SHA256").has_value());
        QVERIFY(!checksumAlgorithmFromName(u"").has_value());
        QCOMPARE(checksumBytes(ChecksumAlgorithm::Crc32), 4);
        QCOMPARE(checksumBytes(ChecksumAlgorithm::Crc64Nvme), 8);
    }

    // AWS's own example (aws-checksums' large-buffer test, as S3 shows it in x-amz-checksum-crc64nvme).
    void headerForm()
    {
        const Checksum hello = checksumOf(ChecksumAlgorithm::Crc64Nvme, "Hello world");
        QCOMPARE(hello.value, quint64(0x38E259D03F312ADBull));
        QCOMPARE(hello.toBase64(), QByteArray("OOJZ0D8xKts="));
        QCOMPARE(Checksum::fromBase64(ChecksumAlgorithm::Crc64Nvme, "OOJZ0D8xKts="), hello);
        const Checksum check = checksumOf(ChecksumAlgorithm::Crc32, "123456789");
        QCOMPARE(check.bytes(), QByteArray::fromHex("cbf43926"));  // big-endian, 4 bytes
        QCOMPARE(Checksum::fromBase64(ChecksumAlgorithm::Crc32, check.toBase64()), check);
    }

    void malformedValuesAreRefused()
    {
        QVERIFY(!Checksum::fromBase64(ChecksumAlgorithm::Crc32, "OOJZ0D8xKts=").has_value());   // 8 bytes for a 4-byte CRC
        QVERIFY(!Checksum::fromBase64(ChecksumAlgorithm::Crc64Nvme, "y/Q5Jg==").has_value());   // and the reverse
        QVERIFY(!Checksum::fromBase64(ChecksumAlgorithm::Crc32, "not base64!").has_value());
        QVERIFY(!Checksum::fromBase64(ChecksumAlgorithm::Crc32, "").has_value());
        QVERIFY(!Checksum::fromBase64(ChecksumAlgorithm::None, "y/Q5Jg==").has_value());
    }

    void streamsEqualOneShot()
    {
        QRandomGenerator random(3);
        const QByteArray data = randomData(100000, random);
        for (const ChecksumAlgorithm algorithm : allAlgorithms) {
            ChecksumStream stream(algorithm);
            for (qsizetype offset = 0; offset < data.size(); offset += 777)
                stream.update(QByteArrayView(data).sliced(offset, std::min<qsizetype>(777, data.size() - offset)));
            QCOMPARE(stream.value(), checksumOf(algorithm, data));
        }
    }

    void combiningParts()
    {
        QRandomGenerator random(5);
        const QByteArray a = randomData(5000, random), b = randomData(1234, random);
        for (const ChecksumAlgorithm algorithm : allAlgorithms)
            QCOMPARE(combineChecksums(checksumOf(algorithm, a), checksumOf(algorithm, b), b.size()), checksumOf(algorithm, a + b));
        // Different algorithms do not combine.
        QVERIFY(!combineChecksums(checksumOf(ChecksumAlgorithm::Crc32, a), checksumOf(ChecksumAlgorithm::Crc32c, b), b.size()).isValid());
    }

    // COMPOSITE: the checksum of the parts' big-endian checksums, one after the other.
    void compositeOfParts()
    {
        QRandomGenerator random(9);
        const QList<QByteArray> parts{randomData(300, random), randomData(300, random), randomData(7, random)};
        for (const ChecksumAlgorithm algorithm : allAlgorithms) {
            QList<Checksum> checksums;
            QByteArray concatenated;
            for (const QByteArray &part : parts) {
                checksums.append(checksumOf(algorithm, part));
                concatenated += checksums.last().bytes();
            }
            QCOMPARE(compositeChecksum(checksums), checksumOf(algorithm, concatenated));
            QVERIFY(compositeChecksum(checksums) != checksumOf(algorithm, parts.join()));
        }
        QVERIFY(!compositeChecksum({}).isValid());
    }

    // RoleDrop's three checksums against botocore (CRC32) and the Python definitions (CRC32C, CRC64NVME), in S3's
    // header form, for lengths around the SIMD paths' block sizes and a buffer of some size.
    void agreeWithBotocoreAndThePythonReference()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QRandomGenerator random(20250101);
        const qsizetype lengths[] = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 63, 64, 127, 128, 129, 255, 256, 257, 511,
                                     1023, 1024, 2049, 4095, 4096, 8193, 65537};
        QStringList files;
        QList<QByteArray> buffers;
        for (const qsizetype length : lengths) {
            buffers.append(randomData(length, random));
            files << dir.filePath(QStringLiteral("buffer-%1").arg(length));
            QFile file(files.last());
            QVERIFY(file.open(QIODevice::WriteOnly));
            QCOMPARE(file.write(buffers.last()), length);
        }
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"), QStringList{QStringLiteral(ROLEDROP_TESTS_DIR "/core/common/crc_reference.py")} + files);
        QVERIFY(python.waitForFinished(120000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        const QList<QByteArray> lines = python.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(lines.size(), buffers.size());
        for (qsizetype i = 0; i < buffers.size(); ++i) {
            const QList<QByteArray> expected = lines.at(i).split(' ');
            QCOMPARE(expected.size(), 3);
            const QByteArray ours = checksumOf(ChecksumAlgorithm::Crc32, buffers.at(i)).toBase64() + ' '
                + checksumOf(ChecksumAlgorithm::Crc32c, buffers.at(i)).toBase64() + ' '
                + checksumOf(ChecksumAlgorithm::Crc64Nvme, buffers.at(i)).toBase64();
            QVERIFY2(ours == lines.at(i), qPrintable(QStringLiteral("length %1: RoleDrop %2, reference %3")
                                                         .arg(buffers.at(i).size()).arg(QString::fromLatin1(ours), QString::fromLatin1(lines.at(i)))));
        }
    }
};

QTEST_GUILESS_MAIN(ChecksumTest)
#include "checksum_test.moc"
