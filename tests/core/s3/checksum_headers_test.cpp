// S3's flexible-checksum headers as plain values: what PutObject / UploadPart, CreateMultipartUpload and
// CompleteMultipartUpload send (names and values as in the S3 API reference and as aws-cli 2.23+ sends them),
// and what is read back from an answer: a full-object checksum, a composite one with its "-N", and the odd values
// that are left unchecked rather than believed.
#include "core/s3/checksum_headers.h"

#include <QTest>

using namespace RoleDrop;
using S3::HeaderList;

namespace {

QByteArray valueOf(const HeaderList &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key == name)
            return value;
    }
    return "(absent)";
}

} // namespace

class ChecksumHeadersTest final : public QObject
{
    Q_OBJECT

private slots:
    void names()
    {
        QCOMPARE(S3::checksumHeaderName(ChecksumAlgorithm::Crc64Nvme), QByteArray("x-amz-checksum-crc64nvme"));
        QCOMPARE(S3::checksumHeaderName(ChecksumAlgorithm::Crc32c), QByteArray("x-amz-checksum-crc32c"));
        QCOMPARE(S3::checksumXmlElement(ChecksumAlgorithm::Crc32), QByteArray("ChecksumCRC32"));
        QCOMPARE(S3::checksumXmlElement(ChecksumAlgorithm::Crc64Nvme), QByteArray("ChecksumCRC64NVME"));
    }

    void putAndPartHeaders()
    {
        const HeaderList headers = S3::payloadChecksumHeaders(checksumOf(ChecksumAlgorithm::Crc64Nvme, "Hello world"));
        QCOMPARE(headers.size(), 2);
        QCOMPARE(valueOf(headers, "x-amz-sdk-checksum-algorithm"), QByteArray("CRC64NVME"));
        QCOMPARE(valueOf(headers, "x-amz-checksum-crc64nvme"), QByteArray("OOJZ0D8xKts="));
        const HeaderList crc32 = S3::payloadChecksumHeaders(checksumOf(ChecksumAlgorithm::Crc32, "123456789"));
        QCOMPARE(valueOf(crc32, "x-amz-sdk-checksum-algorithm"), QByteArray("CRC32"));
        QCOMPARE(valueOf(crc32, "x-amz-checksum-crc32"), QByteArray("y/Q5Jg=="));
        QVERIFY(S3::payloadChecksumHeaders(Checksum{}).isEmpty());  // when_required: nothing at all
    }

    void multipartHeaders()
    {
        const HeaderList create = S3::createMultipartChecksumHeaders(ChecksumAlgorithm::Crc32c);
        QCOMPARE(valueOf(create, "x-amz-checksum-algorithm"), QByteArray("CRC32C"));
        QCOMPARE(valueOf(create, "x-amz-checksum-type"), QByteArray("FULL_OBJECT"));
        QVERIFY(S3::createMultipartChecksumHeaders(ChecksumAlgorithm::None).isEmpty());
        const HeaderList complete = S3::completeMultipartChecksumHeaders(checksumOf(ChecksumAlgorithm::Crc32c, "123456789"));
        QCOMPARE(valueOf(complete, "x-amz-checksum-crc32c"), QByteArray("4waSgw=="));
        QCOMPARE(valueOf(complete, "x-amz-checksum-type"), QByteArray("FULL_OBJECT"));
        QVERIFY(S3::completeMultipartChecksumHeaders(Checksum{}).isEmpty());
    }

    void readingAnAnswer()
    {
        const S3::ObjectChecksum full = S3::objectChecksumFromHeaders(
            {{"ETag", "\"x\""}, {"X-Amz-Checksum-Crc64nvme", "OOJZ0D8xKts="}, {"x-amz-checksum-type", "FULL_OBJECT"}});
        QVERIFY(full.isValid());
        QVERIFY(!full.composite);
        QVERIFY(full.checksum == checksumOf(ChecksumAlgorithm::Crc64Nvme, "Hello world"));

        const S3::ObjectChecksum composite = S3::objectChecksumFromHeaders({{"x-amz-checksum-crc32", "y/Q5Jg==-12"}, {"x-amz-checksum-type", "COMPOSITE"}});
        QVERIFY(composite.isValid());
        QVERIFY(composite.composite);
        QCOMPARE(composite.parts, 12);
        QCOMPARE(composite.checksum.value, quint64(0xCBF43926u));

        // Not there, of an algorithm RoleDrop does not compute, malformed, or composite without its count: unchecked.
        QVERIFY(!S3::objectChecksumFromHeaders({{"ETag", "\"x\""}}).isValid());
        QVERIFY(!S3::objectChecksumFromHeaders({{"x-amz-checksum-sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}}).isValid());
        QVERIFY(!S3::objectChecksumFromHeaders({{"x-amz-checksum-crc32", "OOJZ0D8xKts="}}).isValid());
        QVERIFY(!S3::objectChecksumFromHeaders({{"x-amz-checksum-crc32", "y/Q5Jg=="}, {"x-amz-checksum-type", "COMPOSITE"}}).isValid());
        QVERIFY(!S3::objectChecksumFromHeaders({{"x-amz-checksum-crc32", "y/Q5Jg==-0"}}).isValid());
    }
};

QTEST_GUILESS_MAIN(ChecksumHeadersTest)
#include "checksum_headers_test.moc"
