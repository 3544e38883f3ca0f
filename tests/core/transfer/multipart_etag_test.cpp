// Multipart ETags: reading the part count, the part sizes worth trying, and the ETag of a file's bytes checked
// against one computed here the way S3 does (MD5 of the parts' MD5s). That Ceph RGW computes them so too is
// shown end to end: every multipart download of the e2e and window tests is checked against RGW's ETag.
#include "core/transfer/multipart_etag.h"
#include "test_files.h"

#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;

namespace {

constexpr qint64 MiB = 1024 * 1024;

// S3's rule, written out plainly from the bytes in memory.
QByteArray expectedETag(const QByteArray &bytes, qint64 partSize)
{
    QCryptographicHash ofParts(QCryptographicHash::Md5);
    int parts = 0;
    for (qint64 offset = 0; offset < bytes.size(); offset += partSize, ++parts)
        ofParts.addData(QCryptographicHash::hash(bytes.mid(offset, partSize), QCryptographicHash::Md5));
    return ofParts.result().toHex() + '-' + QByteArray::number(parts);
}

} // namespace

class MultipartETagTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void partCounts()
    {
        QCOMPARE(Transfers::multipartETagParts("\"9b2cf535f27731c974343645a3985328-64\""), std::optional<int>(64));
        QCOMPARE(Transfers::multipartETagParts("9b2cf535f27731c974343645a3985328-1"), std::optional<int>(1));
        QCOMPARE(Transfers::multipartETagParts("\"9b2cf535f27731c974343645a3985328\""), std::nullopt);
        QCOMPARE(Transfers::multipartETagParts("\"9b2cf535f27731c974343645a3985328-0\""), std::nullopt);
        QCOMPARE(Transfers::multipartETagParts("\"9b2cf535f27731c974343645a3985328-10001\""), std::nullopt);
        QCOMPARE(Transfers::multipartETagParts("\"zz2cf535f27731c974343645a3985328-2\""), std::nullopt);
        QCOMPARE(Transfers::multipartETagParts(""), std::nullopt);
    }

    void likelySizesCutIntoThatManyParts()
    {
        // 1 GiB in 64 parts: 16 MiB is the one whole-MiB size.
        QCOMPARE(Transfers::likelyPartSizes(1024 * MiB, 64).first(), 16 * MiB);
        // 1 GiB in 128 parts: 8 MiB, aws-cli's.
        QCOMPARE(Transfers::likelyPartSizes(1024 * MiB, 128).first(), 8 * MiB);
        // 30 MiB in 2 parts: the usual sizes first, then every whole MiB that gives 2 parts.
        const QList<qint64> two = Transfers::likelyPartSizes(30 * MiB, 2);
        QCOMPARE(two.first(), 16 * MiB);
        QVERIFY(two.contains(15 * MiB));
        QCOMPARE(two.size(), 8);
        for (const qint64 size : Transfers::likelyPartSizes(123456789, 7, 50)) {
            QCOMPARE((123456789 + size - 1) / size, 7);
            QVERIFY(size >= 5 * MiB);
        }
        // One part: the whole object.
        QCOMPARE(Transfers::likelyPartSizes(3 * MiB, 1).first(), 3 * MiB);
        QVERIFY(Transfers::likelyPartSizes(0, 3).isEmpty());
        QVERIFY(Transfers::likelyPartSizes(10 * MiB, 0).isEmpty());
        // No size of 5 MiB or more gives 10 parts of 20 MiB.
        QVERIFY(Transfers::likelyPartSizes(20 * MiB, 10).isEmpty());
    }

    void aFilesETagIsS3s()
    {
        const QByteArray bytes = Test::randomBytes(21 * MiB + 12345, 7);
        const QString path = m_dir.filePath(QStringLiteral("object.bin"));
        QVERIFY(Test::writeFile(path, bytes));
        for (const qint64 part : {5 * MiB, 8 * MiB, 16 * MiB, 21 * MiB + 12345, 64 * MiB})
            QCOMPARE(Transfers::multipartETagOfFile(path, part).value(), expectedETag(bytes, part));
        QVERIFY(!Transfers::multipartETagOfFile(m_dir.filePath(QStringLiteral("missing")), 8 * MiB));
    }

    void matchingFindsThePartSizeOrNone()
    {
        const QByteArray bytes = Test::randomBytes(40 * MiB + 7, 11);
        const QString path = m_dir.filePath(QStringLiteral("match.bin"));
        QVERIFY(Test::writeFile(path, bytes));
        const QByteArray eTag = '"' + expectedETag(bytes, 10 * MiB) + '"';
        const auto match = [&](const QByteArray &tag, const QList<qint64> &sizes) {
            std::optional<Outcome<std::optional<qint64>>> result;
            QObject context;
            Transfers::matchMultipartETagAsync(path, tag, sizes, &context, [&](Outcome<std::optional<qint64>> found) { result = found; });
            QTest::qWaitFor([&] { return result.has_value(); }, 20000);
            return result.value();
        };
        const auto sizes = Transfers::likelyPartSizes(bytes.size(), 5);
        QVERIFY(sizes.contains(10 * MiB));
        QCOMPARE(match(eTag, sizes).value(), std::optional<qint64>(10 * MiB));
        QCOMPARE(match(eTag.toUpper().replace("\"", ""), sizes).value(), std::optional<qint64>(10 * MiB));
        // One byte changed: no part size reproduces the ETag.
        QByteArray changed = bytes;
        changed[int(25 * MiB)] = char(changed.at(int(25 * MiB)) ^ 1);
        QVERIFY(Test::writeFile(path, changed));
        QCOMPARE(match(eTag, sizes).value(), std::nullopt);
    }
};

QTEST_GUILESS_MAIN(MultipartETagTest)
#include "multipart_etag_test.moc"
