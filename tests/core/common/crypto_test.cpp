#include "core/common/crypto.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <thread>
#include <vector>

using namespace RoleDrop;

namespace {

QByteArray randomBytes(QRandomGenerator &random, qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(random.bounded(256));
    return bytes;
}

QByteArray repeated(char c, int count)
{
    return QByteArray(count, c);
}

} // namespace

class CryptoTest final : public QObject
{
    Q_OBJECT

private slots:
    void sha256KnownVectors_data();
    void sha256KnownVectors();
    void hmacRfc4231_data();
    void hmacRfc4231();
    void hmacEmptyKeyIsNotThePreviousKey();
    void hmacIsThreadSafe();
    void streamEqualsOneShotForRandomSplits();
    void streamRestartsAfterFinishAndMoves();
    void fileRangeEqualsOneShot_data();
    void fileRangeEqualsOneShot();
    void fileRangeRefusesBadRanges();
};

void CryptoTest::sha256KnownVectors_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    // FIPS 180-2 appendix B and the empty message.
    QTest::newRow("abc") << QByteArray("abc")
                         << QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    QTest::newRow("two-blocks") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                << QByteArray("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    QTest::newRow("million-a") << repeated('a', 1000000)
                               << QByteArray("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    QTest::newRow("empty") << QByteArray()
                           << QByteArray("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

void CryptoTest::sha256KnownVectors()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(sha256(input).size(), 32);
    QCOMPARE(sha256(input).toHex(), expected);
    QCOMPARE(sha256Hex(input), expected);
}

void CryptoTest::hmacRfc4231_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expected");
    QByteArray key4;
    for (int i = 1; i <= 25; ++i)
        key4.append(char(i));
    QTest::newRow("case-1") << repeated('\x0b', 20) << QByteArray("Hi There")
                            << QByteArray("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    QTest::newRow("case-2") << QByteArray("Jefe") << QByteArray("what do ya want for nothing?")
                            << QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    QTest::newRow("case-3") << repeated('\xaa', 20) << repeated('\xdd', 50)
                            << QByteArray("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    QTest::newRow("case-4") << key4 << repeated('\xcd', 50)
                            << QByteArray("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    QTest::newRow("case-6") << repeated('\xaa', 131)
                            << QByteArray("Test Using Larger Than Block-Size Key - Hash Key First")
                            << QByteArray("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    QTest::newRow("case-7") << repeated('\xaa', 131)
                            << QByteArray("This is a test using a larger than block-size key and a larger than "
                                          "block-size data. The key needs to be hashed before being used by the "
                                          "HMAC algorithm.")
                            << QByteArray("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

void CryptoTest::hmacRfc4231()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expected);
    QCOMPARE(hmacSha256(key, data).toHex(), expected);
    // Twice: the per-thread context is re-keyed, not accumulated.
    QCOMPARE(hmacSha256(key, data).toHex(), expected);
}

void CryptoTest::hmacEmptyKeyIsNotThePreviousKey()
{
    // OpenSSL reuses the previous key when given none; an empty key must really be empty.
    const QByteArray previous = hmacSha256("some key", "message");
    const QByteArray empty = hmacSha256(QByteArray(), "message");
    QVERIFY(empty != previous);
    // HMAC pads keys with zeros, so the empty key and the key "\0" agree.
    QCOMPARE(empty, hmacSha256(QByteArray(1, '\0'), "message"));
    QCOMPARE(hmacSha256(QByteArray(), QByteArray()).toHex(),
             QByteArray("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"));
}

void CryptoTest::hmacIsThreadSafe()
{
    constexpr int threads = 4;
    constexpr int rounds = 2000;
    std::vector<QByteArray> expected;
    for (int t = 0; t < threads; ++t)
        expected.push_back(hmacSha256(QByteArray::number(t), "payload"));
    std::vector<int> mismatches(threads, 0);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([t, &expected, &mismatches] {
            for (int i = 0; i < rounds; ++i) {
                if (hmacSha256(QByteArray::number(t), "payload") != expected[size_t(t)])
                    ++mismatches[size_t(t)];
            }
        });
    }
    for (auto &worker : workers)
        worker.join();
    for (int t = 0; t < threads; ++t)
        QCOMPARE(mismatches[size_t(t)], 0);
}

void CryptoTest::streamEqualsOneShotForRandomSplits()
{
    QRandomGenerator random(20240601);
    for (int round = 0; round < 200; ++round) {
        const QByteArray data = randomBytes(random, random.bounded(0, 20000));
        Sha256Stream stream;
        qsizetype position = 0;
        while (position < data.size()) {
            const qsizetype piece = std::min<qsizetype>(data.size() - position, random.bounded(0, 3000));
            stream.update(data.constData() + position, piece);
            position += piece;
        }
        QCOMPARE(stream.finish(), sha256(data));
    }
}

void CryptoTest::streamRestartsAfterFinishAndMoves()
{
    Sha256Stream stream;
    stream.update(QByteArrayView("ab"));
    stream.update(QByteArrayView("c"));
    QCOMPARE(stream.finish(), sha256("abc"));
    QCOMPARE(stream.finish(), sha256(""));
    stream.update(QByteArrayView("a"));
    Sha256Stream moved(std::move(stream));
    moved.update(QByteArrayView("bc"));
    QCOMPARE(moved.finish(), sha256("abc"));
    Sha256Stream assigned;
    assigned = std::move(moved);
    assigned.update(QByteArrayView("xyz"));
    QCOMPARE(assigned.finish(), sha256("xyz"));
}

void CryptoTest::fileRangeEqualsOneShot_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("length");
    constexpr qint64 mib = 1024 * 1024;
    QTest::newRow("whole") << qint64(0) << qint64(-1);
    QTest::newRow("first-chunk-exactly") << qint64(0) << mib;
    QTest::newRow("across-chunks") << qint64(12345) << 2 * mib + 777;
    QTest::newRow("tail") << 3 * mib << qint64(-1);
    QTest::newRow("last-byte") << 3 * mib + 4095 << qint64(1);
    QTest::newRow("empty-range") << qint64(100) << qint64(0);
    QTest::newRow("empty-at-end") << 3 * mib + 4096 << qint64(0);
}

void CryptoTest::fileRangeEqualsOneShot()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, length);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QRandomGenerator random(7);
    const QByteArray content = randomBytes(random, 3 * 1024 * 1024 + 4096);
    const QString path = dir.filePath(QStringLiteral("data.bin"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
    file.close();

    QString error;
    const QByteArray digest = sha256OfFileRange(path, offset, length, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const qsizetype effectiveLength = length < 0 ? content.size() - offset : length;
    QCOMPARE(digest, sha256(QByteArrayView(content).sliced(offset, effectiveLength)));
}

void CryptoTest::fileRangeRefusesBadRanges()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("small.bin"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("0123456789");
    file.close();

    QString error;
    QVERIFY(sha256OfFileRange(path, 5, 6, &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("past its end")));
    error.clear();
    QVERIFY(sha256OfFileRange(path, 11, 0, &error).isEmpty());
    QVERIFY(!error.isEmpty());
    error.clear();
    QVERIFY(sha256OfFileRange(path, -1, 2, &error).isEmpty());
    QVERIFY(!error.isEmpty());
    error.clear();
    QVERIFY(sha256OfFileRange(dir.filePath(QStringLiteral("missing.bin")), 0, 1, &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("missing.bin")));
    QCOMPARE(sha256OfFileRange(path, 2, 3, nullptr), sha256("234"));
}

QTEST_GUILESS_MAIN(CryptoTest)
#include "crypto_test.moc"
