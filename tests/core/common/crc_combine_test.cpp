// Combining CRCs without the bytes (what a multipart upload's FULL_OBJECT checksum is made of): for each of
// CRC-32, CRC-32C and CRC-64/NVME, crc(A + B) from crc(A), crc(B) and len(B) equals the CRC of A + B, for empty
// parts, single bytes and parts of megabytes; many parts fold left to the whole; and the GF(2) arithmetic under it
// (x^n mod P) agrees with shifting one bit at a time.
#include "core/common/crc32.h"
#include "core/common/crc64_nvme.h"
#include "core/common/crc_combine.h"

#include <QRandomGenerator>
#include <QTest>

using namespace RoleDrop;

namespace {

QByteArray randomData(qsizetype size, quint32 seed)
{
    QRandomGenerator random(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(random.bounded(256));
    return bytes;
}

struct Algorithm
{
    const char *name;
    quint64 (*crc)(QByteArrayView);
    quint64 (*combine)(quint64, quint64, qint64);
};

const Algorithm algorithms[] = {
    {"CRC32", [](QByteArrayView d) { return quint64(crc32(0, d)); },
     [](quint64 a, quint64 b, qint64 n) { return quint64(Crc::crc32Combine(quint32(a), quint32(b), n)); }},
    {"CRC32C", [](QByteArrayView d) { return quint64(crc32c(0, d)); },
     [](quint64 a, quint64 b, qint64 n) { return quint64(Crc::crc32cCombine(quint32(a), quint32(b), n)); }},
    {"CRC64NVME", [](QByteArrayView d) { return crc64Nvme(0, d); },
     [](quint64 a, quint64 b, qint64 n) { return Crc::crc64NvmeCombine(a, b, n); }},
};

} // namespace

class CrcCombineTest final : public QObject
{
    Q_OBJECT

private slots:
    void twoPieces()
    {
        const QByteArray data = randomData(3 * 1024 * 1024 + 17, 7);
        const qsizetype cuts[] = {0, 1, 2, 7, 8, 16, 1000, 1024 * 1024, data.size() - 1, data.size()};
        for (const Algorithm &algorithm : algorithms) {
            const quint64 whole = algorithm.crc(data);
            for (const qsizetype cut : cuts) {
                const QByteArrayView first = QByteArrayView(data).first(cut), second = QByteArrayView(data).sliced(cut);
                QVERIFY2(algorithm.combine(algorithm.crc(first), algorithm.crc(second), second.size()) == whole,
                         qPrintable(QStringLiteral("%1 cut at %2").arg(QLatin1String(algorithm.name)).arg(cut)));
            }
        }
    }

    // Parts as an upload has them (16 equal ones and a short last), folded left, give the whole object's CRC;
    // and swapping two parts gives another (the order is in the value).
    void manyPartsInOrder()
    {
        const qsizetype part = 65536 + 3;
        const QByteArray data = randomData(16 * part + 1234, 11);
        for (const Algorithm &algorithm : algorithms) {
            quint64 folded = 0;
            bool first = true;
            for (qsizetype offset = 0; offset < data.size(); offset += part) {
                const QByteArrayView piece = QByteArrayView(data).sliced(offset, std::min(part, data.size() - offset));
                folded = first ? algorithm.crc(piece) : algorithm.combine(folded, algorithm.crc(piece), piece.size());
                first = false;
            }
            QVERIFY2(folded == algorithm.crc(data), algorithm.name);
            const QByteArrayView a = QByteArrayView(data).first(part), b = QByteArrayView(data).sliced(part, part);
            QVERIFY2(algorithm.combine(algorithm.crc(b), algorithm.crc(a), part) != algorithm.combine(algorithm.crc(a), algorithm.crc(b), part),
                     algorithm.name);
        }
    }

    // Lengths of terabytes (S3 allows 5 TiB objects): the combine needs x^(8n) for large n, and equals what
    // combining halves gives (crc of 2n zero bytes after A, in two steps of n).
    void hugeLengthsAreConsistent()
    {
        for (const Algorithm &algorithm : algorithms) {
            const quint64 a = algorithm.crc("prefix");
            const quint64 zeros = 0;  // the CRC of no bytes: combine with it only shifts
            const qint64 n = qint64(5) << 40;
            QVERIFY2(algorithm.combine(algorithm.combine(a, zeros, n), zeros, n) == algorithm.combine(a, zeros, 2 * n), algorithm.name);
        }
    }

    void arithmetic()
    {
        for (const Crc::ReflectedPolynomial p : {Crc::crc32Polynomial, Crc::crc32cPolynomial, Crc::crc64NvmePolynomial}) {
            const quint64 one = quint64(1) << (p.width - 1);
            QCOMPARE(Crc::xPowerModulo(0, p), one);
            QCOMPARE(Crc::xPowerModulo(1, p), one >> 1);
            // x^n by shifting one bit (multiplying by x) n times.
            quint64 shifted = one;
            for (quint64 n = 0; n <= 300; ++n) {
                QCOMPARE(Crc::xPowerModulo(n, p), shifted);
                shifted = (shifted & 1) ? (shifted >> 1) ^ p.value : shifted >> 1;
            }
            // x^a * x^b = x^(a+b)
            QCOMPARE(Crc::multiplyModulo(Crc::xPowerModulo(1000, p), Crc::xPowerModulo(24, p), p), Crc::xPowerModulo(1024, p));
            QCOMPARE(Crc::multiplyModulo(0, Crc::xPowerModulo(5, p), p), quint64(0));
        }
    }
};

QTEST_GUILESS_MAIN(CrcCombineTest)
#include "crc_combine_test.moc"
