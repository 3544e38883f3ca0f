// What the S3 client puts on the wire for flexible checksums and conditional writes, recorded byte for byte by
// an in-process test server (tests/support/http_test_server.h) that answers as S3 does: PutObject and UploadPart
// carry the CRC and the SDK's algorithm header, signed; a body without its SHA-256 goes as UNSIGNED-PAYLOAD;
// CreateMultipartUpload declares the algorithm and FULL_OBJECT; CompleteMultipartUpload lists each part's CRC and
// sends the whole object's; If-None-Match: * where asked; GetObject and HeadObject ask for the stored checksum
// (unless response validation is when_required) and read it back; ListParts' part checksums are read.
#include "core/common/crypto.h"
#include "core/http/aws_http_client.h"
#include "core/s3/s3_client.h"
#include "http_test_server.h"
#include "test_world.h"

#include <QBuffer>
#include <QTest>

using namespace RoleDrop;
using Test::HttpTestServer;

namespace {

const AwsCredentials keys{QStringLiteral("AKIDCHECKSUMTEST0001"), QStringLiteral("checksum-test-secret"), {}, {}};

HttpTestServer::Response answer(const HttpTestServer::Request &request)
{
    const QUrlQuery query = request.query();
    if (request.method == "POST" && query.hasQueryItem(QStringLiteral("uploads")))
        return {200, {{"Content-Type", "application/xml"}},
                "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>"};
    if (request.method == "POST" && query.hasQueryItem(QStringLiteral("uploadId")))
        return {200, {{"Content-Type", "application/xml"}},
                "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>\"abc-2\"</ETag></CompleteMultipartUploadResult>"};
    if (request.method == "GET" && query.hasQueryItem(QStringLiteral("uploadId")))
        return {200, {{"Content-Type", "application/xml"}},
                "<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>\"e1\"</ETag><Size>5</Size>"
                "<ChecksumCRC64NVME>OOJZ0D8xKts=</ChecksumCRC64NVME></Part>"
                "<Part><PartNumber>2</PartNumber><ETag>\"e2\"</ETag><Size>3</Size></Part><IsTruncated>false</IsTruncated></ListPartsResult>"};
    if (request.method == "PUT")
        return {200, {{"ETag", "\"etag-of-put\""}}, {}};
    if (request.method == "GET" || request.method == "HEAD")
        return {200, {{"ETag", "\"5d41402abc4b2a76b9719d911017c592\""}, {"x-amz-checksum-crc32", "NhCmhg=="}, {"x-amz-checksum-type", "FULL_OBJECT"}},
                request.method == "GET" ? QByteArray("hello") : QByteArray()};
    return {400, {}, {}};
}

// The header names SigV4 signed, from the Authorization header.
QList<QByteArray> signedHeaders(const HttpTestServer::Request &request)
{
    const QByteArray authorization = request.header("authorization");
    const qsizetype from = authorization.indexOf("SignedHeaders=") + 14;
    return authorization.mid(from, authorization.indexOf(',', from) - from).split(';');
}

} // namespace

class S3ClientChecksumsTest final : public QObject
{
    Q_OBJECT

    HttpTestServer m_server{answer};
    Http::AwsHttpClient m_http;

    std::shared_ptr<const S3::S3Client> client(S3::ChecksumSettings settings = {}, const QUrl &url = QUrl())
    {
        Http::EndpointConfig endpoint;
        endpoint.customEndpoint = url.isEmpty() ? m_server.baseUrl() : url;
        endpoint.pathStyle = true;
        return std::make_shared<S3::S3Client>(&m_http, Http::fixedCredentials(keys, QStringLiteral("tester")), endpoint,
                                              std::make_shared<S3::BucketRegions>(), settings);
    }

    S3::PutObjectRequest put(const QByteArray &body)
    {
        S3::PutObjectRequest request;
        request.bucket = QStringLiteral("b");
        request.key = QStringLiteral("k");
        request.openBody = [body]() -> std::unique_ptr<QIODevice> {
            auto buffer = std::make_unique<QBuffer>();
            buffer->setData(body);
            buffer->open(QIODevice::ReadOnly);
            return buffer;
        };
        request.length = body.size();
        return request;
    }

    const HttpTestServer::Request &last() const { return m_server.requests().last(); }

private slots:
    void initTestCase() { QVERIFY(m_server.listen()); }

    void putCarriesTheSignedChecksum()
    {
        S3::PutObjectRequest request = put("Hello world");
        request.payloadHash = sha256Hex("Hello world");
        request.checksum = checksumOf(ChecksumAlgorithm::Crc64Nvme, "Hello world");
        const auto done = Test::wait<S3::PutObjectResult>([&](QObject *context, auto handler) {
            client()->putObject(request, context, {}, handler);
        });
        QVERIFY2(done, qPrintable(done.error().userMessage()));
        QCOMPARE(last().header("x-amz-checksum-crc64nvme"), QByteArray("OOJZ0D8xKts="));
        QCOMPARE(last().header("x-amz-sdk-checksum-algorithm"), QByteArray("CRC64NVME"));
        QCOMPARE(last().header("x-amz-content-sha256"), request.payloadHash);
        QVERIFY(signedHeaders(last()).contains("x-amz-checksum-crc64nvme"));
        QVERIFY(signedHeaders(last()).contains("x-amz-sdk-checksum-algorithm"));
        QVERIFY(last().header("if-none-match").isEmpty());
        QCOMPARE(last().body, QByteArray("Hello world"));
    }

    // Over https a body with a checksum is not hashed for SigV4 (UNSIGNED-PAYLOAD); over http, or without a
    // checksum, it is. The request goes out as the transfer made it.
    void unsignedPayloadOnlyWithAChecksumOverHttps()
    {
        QVERIFY(!client({}, QUrl(QStringLiteral("https://s3.example.com")))->needsPayloadSha256(true));
        QVERIFY(client({}, QUrl(QStringLiteral("https://s3.example.com")))->needsPayloadSha256(false));
        QVERIFY(client()->needsPayloadSha256(true));  // http://127.0.0.1
        Http::EndpointConfig aws;  // AWS itself: https
        QVERIFY(!std::make_shared<S3::S3Client>(&m_http, Http::fixedCredentials(keys), aws)->needsPayloadSha256(true));

        S3::PutObjectRequest request = put("123456789");
        request.checksum = checksumOf(ChecksumAlgorithm::Crc32, "123456789");
        request.ifNoneMatch = true;
        QVERIFY(Test::wait<S3::PutObjectResult>([&](QObject *context, auto handler) { client()->putObject(request, context, {}, handler); }));
        QCOMPARE(last().header("x-amz-content-sha256"), QByteArray("UNSIGNED-PAYLOAD"));
        QCOMPARE(last().header("x-amz-checksum-crc32"), QByteArray("y/Q5Jg=="));
        QCOMPARE(last().header("if-none-match"), QByteArray("*"));
    }

    void noChecksumNoHeaders()
    {
        S3::PutObjectRequest request = put("plain");
        request.payloadHash = sha256Hex("plain");
        QVERIFY(Test::wait<S3::PutObjectResult>([&](QObject *context, auto handler) { client()->putObject(request, context, {}, handler); }));
        for (const auto &[name, value] : last().headers)
            QVERIFY2(!name.toLower().startsWith("x-amz-checksum") && !name.toLower().startsWith("x-amz-sdk-checksum"), name.constData());
    }

    // A part goes with its checksum, never with If-None-Match (that belongs to the completion).
    void partCarriesItsChecksum()
    {
        S3::PutObjectRequest request = put("part bytes");
        request.uploadId = QStringLiteral("up-1");
        request.partNumber = 2;
        request.ifNoneMatch = true;
        request.checksum = checksumOf(ChecksumAlgorithm::Crc32c, "part bytes");
        QVERIFY(Test::wait<S3::PutObjectResult>([&](QObject *context, auto handler) { client()->putObject(request, context, {}, handler); }));
        QCOMPARE(last().query().queryItemValue(QStringLiteral("partNumber")), QStringLiteral("2"));
        QCOMPARE(last().header("x-amz-checksum-crc32c"), request.checksum.toBase64());
        QCOMPARE(last().header("x-amz-sdk-checksum-algorithm"), QByteArray("CRC32C"));
        QVERIFY(last().header("if-none-match").isEmpty());
    }

    void createDeclaresTheAlgorithmAndFullObject()
    {
        S3::CreateMultipartRequest request{QStringLiteral("b"), QStringLiteral("k"), QStringLiteral("text/plain"), ChecksumAlgorithm::Crc64Nvme};
        const auto created = Test::wait<S3::InitiateMultipartResult>([&](QObject *context, auto handler) {
            client()->createMultipartUpload(request, context, handler);
        });
        QVERIFY2(created, qPrintable(created.error().userMessage()));
        QCOMPARE(created->uploadId, QStringLiteral("up-1"));
        QCOMPARE(last().header("x-amz-checksum-algorithm"), QByteArray("CRC64NVME"));
        QCOMPARE(last().header("x-amz-checksum-type"), QByteArray("FULL_OBJECT"));
        QVERIFY(signedHeaders(last()).contains("x-amz-checksum-type"));

        request.compositeChecksum = true;
        request.checksumAlgorithm = ChecksumAlgorithm::Crc32;
        QVERIFY(Test::wait<S3::InitiateMultipartResult>([&](QObject *context, auto handler) { client()->createMultipartUpload(request, context, handler); }));
        QCOMPARE(last().header("x-amz-checksum-type"), QByteArray("COMPOSITE"));

        request.checksumAlgorithm = ChecksumAlgorithm::None;
        QVERIFY(Test::wait<S3::InitiateMultipartResult>([&](QObject *context, auto handler) { client()->createMultipartUpload(request, context, handler); }));
        QVERIFY(last().header("x-amz-checksum-algorithm").isEmpty());
        QVERIFY(last().header("x-amz-checksum-type").isEmpty());
    }

    void completeListsPartChecksumsAndTheWhole()
    {
        const Checksum first = checksumOf(ChecksumAlgorithm::Crc32c, "hello"), second = checksumOf(ChecksumAlgorithm::Crc32c, " world");
        S3::CompleteMultipartRequest request;
        request.bucket = QStringLiteral("b");
        request.key = QStringLiteral("k");
        request.uploadId = QStringLiteral("up-1");
        request.parts = {{1, QStringLiteral("\"e1\""), first}, {2, QStringLiteral("\"e2\""), second}};
        request.wholeObject = combineChecksums(first, second, 6);
        request.ifNoneMatch = true;
        QCOMPARE(request.wholeObject, checksumOf(ChecksumAlgorithm::Crc32c, "hello world"));
        const auto completed = Test::wait<S3::CompleteMultipartResult>([&](QObject *context, auto handler) {
            client()->completeMultipartUpload(request, context, handler);
        });
        QVERIFY2(completed, qPrintable(completed.error().userMessage()));
        const QByteArray xml = last().body;
        QVERIFY2(xml.contains("<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag><ChecksumCRC32C>" + first.toBase64()
                              + "</ChecksumCRC32C></Part>"), xml.constData());
        QVERIFY2(xml.contains("<PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag><ChecksumCRC32C>" + second.toBase64()), xml.constData());
        QCOMPARE(last().header("x-amz-checksum-crc32c"), request.wholeObject.toBase64());
        QCOMPARE(last().header("x-amz-checksum-type"), QByteArray("FULL_OBJECT"));
        QCOMPARE(last().header("if-none-match"), QByteArray("*"));
    }

    void getAsksForTheChecksumAndReadsIt()
    {
        S3::ObjectStreamHead seen;
        QByteArray body;
        S3::GetObjectRequest request{QStringLiteral("b"), QStringLiteral("k")};
        QVERIFY(Test::wait<Done>([&](QObject *context, auto handler) {
            client()->getObject(request, context, [&](const S3::ObjectStreamHead &head) { seen = head; return std::optional<AwsError>(); },
                                [&](const QByteArray &chunk) { body += chunk; return std::optional<AwsError>(); }, handler);
        }));
        QCOMPARE(last().header("x-amz-checksum-mode"), QByteArray("ENABLED"));
        QVERIFY(signedHeaders(last()).contains("x-amz-checksum-mode"));
        QCOMPARE(body, QByteArray("hello"));
        QVERIFY(seen.checksum.isValid());
        QVERIFY(seen.checksum.checksum == checksumOf(ChecksumAlgorithm::Crc32, "hello"));

        // response_checksum_validation = when_required: not asked for.
        QVERIFY(Test::wait<Done>([&](QObject *context, auto handler) {
            client({S3::ChecksumWhen::WhenSupported, S3::ChecksumWhen::WhenRequired})
                ->getObject(request, context, [](const S3::ObjectStreamHead &) { return std::optional<AwsError>(); },
                            [](const QByteArray &) { return std::optional<AwsError>(); }, handler);
        }));
        QVERIFY(last().header("x-amz-checksum-mode").isEmpty());
    }

    void headWithChecksumMode()
    {
        const auto plain = Test::wait<S3::ObjectMetadata>([&](QObject *context, auto handler) { client()->headObject(QStringLiteral("b"), QStringLiteral("k"), context, handler); });
        QVERIFY(plain);
        QVERIFY(last().header("x-amz-checksum-mode").isEmpty());
        const auto asked = Test::wait<S3::ObjectMetadata>([&](QObject *context, auto handler) {
            client()->headObject(QStringLiteral("b"), QStringLiteral("k"), context, handler, 0, true);
        });
        QVERIFY(asked);
        QCOMPARE(last().header("x-amz-checksum-mode"), QByteArray("ENABLED"));
        QVERIFY(asked->checksum.checksum == checksumOf(ChecksumAlgorithm::Crc32, "hello"));
        QVERIFY(!asked->checksum.composite);
    }

    void listPartsReadsPartChecksums()
    {
        const auto parts = Test::wait<QList<S3::UploadedPart>>([&](QObject *context, auto handler) {
            client()->listParts(QStringLiteral("b"), QStringLiteral("k"), QStringLiteral("up-1"), context, handler);
        });
        QVERIFY2(parts, qPrintable(parts.error().userMessage()));
        QCOMPARE(parts->size(), 2);
        QVERIFY(parts->at(0).checksum == checksumOf(ChecksumAlgorithm::Crc64Nvme, "Hello world"));
        QVERIFY(!parts->at(1).checksum.isValid());
    }
};

QTEST_GUILESS_MAIN(S3ClientChecksumsTest)
#include "s3_client_checksums_test.moc"
