// CRC-64/NVME, written by hand (PCLMULQDQ folding and a portable table): AWS's published vectors
// (awslabs/aws-checksums tests/crc64_test.c, "Hello world" as S3 shows it), the NVMe NVM Command Set
// specification's 4096-byte test cases, a bit-at-a-time reference written here from the definition, and the two
// implementations against each other on every length up to 2 KiB and every misalignment, as aws-checksums tests
// its own. Also: continuing from a previous CRC, and that the CLMUL path is really taken where the CPU has it.
#include "core/common/crc64_nvme.h"

#include <QRandomGenerator>
#include <QTest>

using namespace RoleDrop;

namespace {

// The definition, one bit at a time: reflected polynomial, initial value and final XOR all ones.
quint64 reference(quint64 previous, QByteArrayView data)
{
    quint64 crc = ~previous;
    for (const char byte : data) {
        crc ^= quint8(byte);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1) ? (crc >> 1) ^ 0x9A6C9329AC4BC9B5ull : crc >> 1;
    }
    return ~crc;
}

QByteArray bytesFrom(int first, int step, int count)
{
    QByteArray bytes;
    for (int i = 0; i < count; ++i)
        bytes.append(char((first + step * i) & 0xff));
    return bytes;
}

using CrcFunction = quint64 (*)(quint64, QByteArrayView);

} // namespace

class Crc64NvmeTest final : public QObject
{
    Q_OBJECT

private slots:
    void vectors_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<quint64>("expected");
        // awslabs/aws-checksums tests/crc64_test.c
        QTest::newRow("123456789") << QByteArray("123456789") << quint64(0xAE8B14860A799888ull);
        QTest::newRow("32 zeros") << QByteArray(32, '\0') << quint64(0xCF3473434D4ECF3Bull);
        QTest::newRow("bytes 0..31") << bytesFrom(0, 1, 32) << quint64(0xB9D9D4A8492CBD7Full);
        QTest::newRow("Hello world") << QByteArray("Hello world") << quint64(0x38E259D03F312ADBull);
        // NVMe NVM Command Set Specification, 64b CRC test cases (4096-byte buffers)
        QTest::newRow("4096 x 00") << QByteArray(4096, '\0') << quint64(0x6482D367EB22B64Eull);
        QTest::newRow("4096 x FF") << QByteArray(4096, '\xff') << quint64(0xC0DDBA7302ECA3ACull);
        QTest::newRow("4096 incrementing") << bytesFrom(0, 1, 4096) << quint64(0x3E729F5F6750449Cull);
        QTest::newRow("4096 decrementing") << bytesFrom(255, -1, 4096) << quint64(0x9A2DF64B8E9E517Eull);
        QTest::newRow("empty") << QByteArray() << quint64(0);
    }

    void vectors()
    {
        QFETCH(QByteArray, data);
        QFETCH(quint64, expected);
        QCOMPARE(reference(0, data), expected);  // the reference itself is right
        for (const CrcFunction crc : {crc64Nvme, crc64NvmeClmul, crc64NvmePortable}) {
            QCOMPARE(crc(0, data), expected);
            const qsizetype half = data.size() / 2;
            QCOMPARE(crc(crc(0, data.first(half)), data.sliced(half)), expected);
        }
    }

    // Every length from 0 to 2 KiB + 64 at each of 16 start offsets (aws-checksums' sweep): the folding's lanes,
    // its 16-byte steps and the tails all meet the bit-at-a-time definition.
    void everyLengthAndAlignment()
    {
        QByteArray buffer(2048 + 64 + 16, Qt::Uninitialized);
        for (int offset = 0; offset < 16; ++offset) {
            for (qsizetype i = 0; i < buffer.size(); ++i)
                buffer[i] = char((i + 1) * 131 + offset);
            quint64 expected = 0;
            for (qsizetype length = 0; length <= 2048 + 64; ++length) {
                const QByteArrayView data(buffer.constData() + offset, length);
                if (length > 0)
                    expected = reference(expected, data.sliced(length - 1));
                QCOMPARE(crc64NvmePortable(0, data), expected);
                QCOMPARE(crc64NvmeClmul(0, data), expected);
            }
        }
    }

    // Large random buffers, cut anywhere: the CLMUL and portable paths continue each other's values.
    void splitsAndMixedImplementations()
    {
        QRandomGenerator random(1996);
        QByteArray data(300000, Qt::Uninitialized);
        for (char &c : data)
            c = char(random.bounded(256));
        const quint64 whole = crc64NvmePortable(0, data);
        QCOMPARE(crc64NvmeClmul(0, data), whole);
        for (int i = 0; i < 100; ++i) {
            const qsizetype cut = random.bounded(int(data.size()) + 1);
            QCOMPARE(crc64NvmePortable(crc64NvmeClmul(0, data.first(cut)), data.sliced(cut)), whole);
            QCOMPARE(crc64NvmeClmul(crc64NvmePortable(0, data.first(cut)), data.sliced(cut)), whole);
        }
    }

    // The fast path is what runs here: this machine's CPU has PCLMULQDQ (every x86-64 CPU since 2010 does).
    void clmulIsUsedWhereAvailable()
    {
#if defined(__x86_64__)
        QVERIFY2(crc64NvmeClmulAvailable(), "this x86-64 CPU reports no PCLMULQDQ: only the portable CRC64/NVME runs");
#else
        QSKIP("PCLMULQDQ exists on x86-64 only");
#endif
    }
};

QTEST_GUILESS_MAIN(Crc64NvmeTest)
#include "crc64_nvme_test.moc"
