// CRC-32 and CRC-32C through Intel ISA-L, held to AWS's published vectors (awslabs/aws-checksums
// tests/crc_test.c) and to zlib's CRC-32 (Qt has none, but "123456789" is the check value every CRC catalogue
// lists): the value, continuing from a previous CRC (whole, halves, a byte at a time), and buffers that are not
// aligned or longer than ISA-L's int length.
#include "core/common/crc32.h"

#include <QRandomGenerator>
#include <QTest>

#include <memory>

using namespace RoleDrop;

namespace {

QByteArray zeros32() { return QByteArray(32, '\0'); }

QByteArray values32()
{
    QByteArray bytes;
    for (int i = 0; i < 32; ++i)
        bytes.append(char(i));
    return bytes;
}

using CrcFunction = quint32 (*)(quint32, QByteArrayView);

// The value three ways, as aws-checksums checks it: at once, in two halves, one byte after the other.
void checkAllWays(CrcFunction crc, const QByteArray &data, quint32 expected)
{
    QCOMPARE(crc(0, data), expected);
    const qsizetype half = data.size() / 2;
    QCOMPARE(crc(crc(0, data.first(half)), data.sliced(half)), expected);
    quint32 bytewise = 0;
    for (qsizetype i = 0; i < data.size(); ++i)
        bytewise = crc(bytewise, data.sliced(i, 1));
    QCOMPARE(bytewise, expected);
}

} // namespace

class Crc32Test final : public QObject
{
    Q_OBJECT

private slots:
    void crc32Vectors()
    {
        checkAllWays(crc32, "123456789", 0xCBF43926u);
        checkAllWays(crc32, zeros32(), 0x190A55ADu);
        QCOMPARE(crc32(0, QByteArray()), 0u);
        // zlib's documented chaining with an empty buffer: the CRC stays.
        QCOMPARE(crc32(0xCBF43926u, QByteArray()), 0xCBF43926u);
    }

    void crc32cVectors()
    {
        checkAllWays(crc32c, "123456789", 0xE3069283u);
        checkAllWays(crc32c, zeros32(), 0x8A9136AAu);
        checkAllWays(crc32c, values32(), 0x46DD794Eu);
        QCOMPARE(crc32c(0, QByteArray()), 0u);
        QCOMPARE(crc32c(0xE3069283u, QByteArray()), 0xE3069283u);
    }

    // aws-checksums' unaligned case: the bytes at an odd address, with other bytes around them that must not count.
    void unalignedBuffers()
    {
        QByteArray padded(32 + 6, '\x01');
        padded.replace(3, 32, values32());
        const QByteArrayView inside(padded.constData() + 3, 32);
        QCOMPARE(crc32c(0, inside), 0x46DD794Eu);
        QCOMPARE(crc32(0, inside), crc32(0, values32()));
    }

    // Any split of a random buffer gives the same CRC: the SIMD paths and their tails agree with each other.
    void splitsAgree()
    {
        QRandomGenerator random(4711);
        QByteArray data(70000, Qt::Uninitialized);
        for (char &c : data)
            c = char(random.bounded(256));
        const quint32 whole32 = crc32(0, data);
        const quint32 whole32c = crc32c(0, data);
        for (int i = 0; i < 200; ++i) {
            const qsizetype cut = random.bounded(int(data.size()) + 1);
            QCOMPARE(crc32(crc32(0, data.first(cut)), data.sliced(cut)), whole32);
            QCOMPARE(crc32c(crc32c(0, data.first(cut)), data.sliced(cut)), whole32c);
        }
    }

    // ISA-L's crc32_iscsi() takes an int length: a buffer past 2 GiB goes in pieces and still gives the CRC of
    // all of it (compared with the same bytes fed in 1 MiB pieces). Skipped where 2.1 GiB cannot be had.
    void crc32cPast2GiB()
    {
        const qsizetype size = (qsizetype(1) << 31) + 4099;
        std::unique_ptr<char[]> buffer(new (std::nothrow) char[size]());
        if (!buffer)
            QSKIP("cannot allocate 2 GiB for this check");
        for (qsizetype i = 0; i < size; i += 4096)
            buffer[i] = char(i / 4096);
        for (qsizetype i = size - 4099; i < size; ++i)
            buffer[i] = char(i);
        const QByteArrayView all(buffer.get(), size);
        quint32 pieces = 0;
        for (qsizetype done = 0; done < size; done += 1 << 20)
            pieces = crc32c(pieces, all.sliced(done, std::min<qsizetype>(1 << 20, size - done)));
        QCOMPARE(crc32c(0, all), pieces);
    }
};

QTEST_GUILESS_MAIN(Crc32Test)
#include "crc32_test.moc"
