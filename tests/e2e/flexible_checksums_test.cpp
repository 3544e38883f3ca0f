// Flexible checksums (as aws-cli 2.23+ sends and checks them) against the STS + S3 test double, which verifies
// every x-amz-checksum-* it receives (400 BadDigest on a wrong one) and keeps the object's checksum. Ceph RGW 16.2
// ignores these headers, so this is where they are held to account. What went on the wire is read from the fault
// proxy (a test tool) in front of the double: rules that change nothing ("observe: ...") mark the requests that
// carried a header.
//   - Uploads, single and multipart (FULL_OBJECT), with CRC64NVME (the default), CRC32 and CRC32C: the double
//     stores the same checksum as the file's, every PUT and part carried it, unsigned over https, signed over http.
//   - A wrong checksum is refused (single PUT, a part, a completion) and nothing is stored.
//   - when_required (AWS_REQUEST_CHECKSUM_CALCULATION / AWS_RESPONSE_CHECKSUM_VALIDATION) sends no checksum
//     header at all, and payloads are signed with their SHA-256; --checksum-algorithm still sends one.
//   - Downloads ask for the checksum (x-amz-checksum-mode) and verify it: single-part, multipart FULL_OBJECT and
//     COMPOSITE objects arrive; the same with corrupted bytes (corrupt_body) fail naming the checksum, and leave
//     no file behind.
//   - A multipart upload killed with -9 and run again completes with the right FULL_OBJECT checksum.
#include "core/common/checksum.h"
#include "core/common/crypto.h"
#include "core/session/session.h"
#include "fault_proxy_log.h"
#include "fault_proxy_process.h"
#include "fault_proxy_rules.h"
#include "test_double_knobs.h"
#include "test_files.h"
#include "test_session.h"
#include "test_world.h"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace RoleDrop;
using RoleDrop::Test::rule;
using RoleDrop::Test::worldValue;

namespace {

constexpr qint64 MiB = 1024 * 1024;
constexpr qint64 partBytes = 5 * MiB;  // the world's smallest part

const ChecksumAlgorithm crcs[] = {ChecksumAlgorithm::Crc64Nvme, ChecksumAlgorithm::Crc32, ChecksumAlgorithm::Crc32c};

QString base64Of(ChecksumAlgorithm algorithm, const QByteArray &bytes)
{
    return QString::fromLatin1(checksumOf(algorithm, bytes).toBase64());
}

// The double's record of an object (empty when it has none).
QJsonObject storedObject(const QString &bucket, const QString &key)
{
    return Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2")
                                       .arg(bucket, QString::fromLatin1(QUrl::toPercentEncoding(key))));
}

// A rule that changes nothing and only marks, in the proxy's log, the requests it matches.
QJsonObject observe(const QString &name, const QJsonObject &match)
{
    return rule(QStringLiteral("observe: ") + name, match, Test::hold(0));
}

QString ruleName(const QJsonObject &entry)
{
    return entry.value(QStringLiteral("rule")).toObject().value(QStringLiteral("name")).toString();
}

// The proxy's entries for one key (bucket/key in the path), as "Operation=rule name" (the rule empty if none).
QStringList markedRequests(const QJsonArray &log, const QString &bucket, const QString &key)
{
    QStringList marked;
    const QString path = QLatin1Char('/') + bucket + QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(key, "/"));
    for (const QJsonValue &value : log) {
        const QJsonObject entry = value.toObject();
        if (entry.value(QStringLiteral("path")).toString() == path)
            marked << Test::proxyOperation(entry) + QLatin1Char('=') + ruleName(entry);
    }
    return marked;
}

// Every header name through which a request can carry or ask for a flexible checksum.
const char *const checksumHeaders[] = {"x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme",
                                       "x-amz-checksum-sha1", "x-amz-checksum-sha256", "x-amz-sdk-checksum-algorithm",
                                       "x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-checksum-mode", "x-amz-trailer"};

// Sets environment variables for one test and puts them back.
class ScopedEnvironment
{
public:
    explicit ScopedEnvironment(const QList<std::pair<const char *, QByteArray>> &values)
    {
        for (const auto &[name, value] : values) {
            m_saved.append({name, qEnvironmentVariableIsSet(name) ? std::optional<QByteArray>(qgetenv(name)) : std::nullopt});
            qputenv(name, value);
        }
    }
    ~ScopedEnvironment()
    {
        for (const auto &[name, value] : std::as_const(m_saved))
            value ? qputenv(name, *value) : qunsetenv(name);
    }
    Q_DISABLE_COPY_MOVE(ScopedEnvironment)

private:
    QList<std::pair<const char *, std::optional<QByteArray>>> m_saved;
};

} // namespace

class FlexibleChecksumsTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_bucket;
    QString m_prefix;
    std::unique_ptr<Test::SessionFixture> m_direct;  // straight to the double, as S3Access
    std::unique_ptr<Test::FaultProxyProcess> m_proxy;


    bool overHttps() const { return m_proxy->endpoint().startsWith(QLatin1String("https://")); }

    QString writeBytes(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        return Test::writeFile(path, bytes) ? path : QString();
    }

    // Uploads one file and waits for it to end.
    Transfers::Transfer *upload(Test::SessionFixture &session, const QString &path, const QString &key,
                                Transfers::UploadOptions options = {})
    {
        options.multipartThreshold = partBytes;
        options.partSize = partBytes;
        Transfers::UploadPlan plan;
        plan.items = {{path, key, QFileInfo(path).size()}};
        const auto transfers = session->enqueueUploads(m_bucket, plan, options);
        if (transfers.size() != 1)
            return nullptr;
        if (!QTest::qWaitFor([&] { return transfers.first()->isIdle(); }, 120000))
            qWarning("the transfer of %s is still running after 120 s", qPrintable(transfers.first()->localPath()));
        return transfers.first();
    }

    Transfers::Transfer *download(Test::SessionFixture &session, const QString &key, const QString &localPath)
    {
        Transfers::DownloadPlan plan;
        plan.items = {{key, localPath, false}};
        Transfers::DownloadOptions options;
        options.rangeBytes = 4 * MiB;
        const auto transfers = session->enqueueDownloads(m_bucket, plan, options);
        if (transfers.size() != 1)
            return nullptr;
        if (!QTest::qWaitFor([&] { return transfers.first()->isIdle(); }, 120000))
            qWarning("the transfer of %s is still running after 120 s", qPrintable(transfers.first()->localPath()));
        return transfers.first();
    }

    // What the double stores for `key` is `bytes` with the FULL_OBJECT checksum `algorithm` gives them.
    void verifyStored(const QString &key, const QByteArray &bytes, ChecksumAlgorithm algorithm)
    {
        const QJsonObject stored = storedObject(m_bucket, key);
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), Test::bytesSha256(bytes));
        const QJsonObject checksum = stored.value(QStringLiteral("checksum")).toObject();
        QCOMPARE(checksum.value(QStringLiteral("algorithm")).toString(), checksumAlgorithmName(algorithm));
        QCOMPARE(checksum.value(QStringLiteral("type")).toString(), QStringLiteral("FULL_OBJECT"));
        QCOMPARE(checksum.value(QStringLiteral("value")).toString(), base64Of(algorithm, bytes));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        m_prefix = QStringLiteral("checksums-%1/").arg(QDateTime::currentMSecsSinceEpoch());
        Test::doubleKnob("POST", QStringLiteral("reset"));
        m_direct = Test::SessionFixture::stsDoubleS3Access(QStringLiteral("direct"), worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        QVERIFY(m_direct);
        m_proxy = std::make_unique<Test::FaultProxyProcess>(worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        QVERIFY(m_proxy->isRunning());
    }

    void cleanup()
    {
        m_proxy->setRules({});
        m_proxy->clearLog();
    }

    void cleanupTestCase()
    {
        m_proxy.reset();
        m_direct.reset();
    }

    // Each CRC, a single PUT and a multipart upload: stored with the file's checksum, carried by every request.
    void uploadsCarryAChecksumTheServerVerifies_data()
    {
        QTest::addColumn<int>("algorithm");
        for (const ChecksumAlgorithm algorithm : crcs)
            QTest::newRow(qPrintable(checksumAlgorithmName(algorithm))) << int(algorithm);
    }

    void uploadsCarryAChecksumTheServerVerifies()
    {
        QFETCH(int, algorithm);
        const auto crc = ChecksumAlgorithm(algorithm);
        const QString name = checksumAlgorithmName(crc);
        const QByteArray header = "x-amz-checksum-" + name.toLower().toLatin1();
        auto session = Test::SessionFixture::stsDoubleS3Access(QStringLiteral("upload-") + name.toLower(), m_proxy->endpoint());
        QVERIFY(session);
        QVERIFY(m_proxy->setRules({observe(QStringLiteral("crc, unsigned"), {{QStringLiteral("headers"), QJsonObject{{QString::fromLatin1(header), true},
                                                                                                   {QStringLiteral("x-amz-content-sha256"), QStringLiteral("UNSIGNED-PAYLOAD")}}}}),
                                   observe(QStringLiteral("crc, signed"), {{QStringLiteral("headers"), QJsonObject{{QString::fromLatin1(header), true},
                                                                                                 {QStringLiteral("x-amz-content-sha256"), QJsonObject{{QStringLiteral("regex"), QStringLiteral("^[0-9a-f]{64}$")}}}}}}),
                                   observe(QStringLiteral("declares FULL_OBJECT"), {{QStringLiteral("headers"), QJsonObject{{QStringLiteral("x-amz-checksum-algorithm"), name},
                                                                                                          {QStringLiteral("x-amz-checksum-type"), QStringLiteral("FULL_OBJECT")}}}})}));
        Transfers::UploadOptions options;
        if (crc != ChecksumAlgorithm::Crc64Nvme)  // CRC64NVME is what uploads use when none is named
            options.checksumAlgorithm = crc;

        const QByteArray small = Test::randomBytes(MiB + 3, 100 + algorithm);
        const QString smallKey = m_prefix + name + QStringLiteral("/small.bin");
        Transfers::Transfer *single = upload(*session, writeBytes(name + QStringLiteral("-small.bin"), small), smallKey, options);
        QVERIFY(single);
        QVERIFY2(single->state() == Transfers::TransferState::Succeeded, qPrintable(single->result().error.userMessage()));
        verifyStored(smallKey, small, crc);

        const QByteArray big = Test::randomBytes(2 * partBytes + 2 * MiB + 5, 200 + algorithm);
        const QString bigKey = m_prefix + name + QStringLiteral("/big.bin");
        Transfers::Transfer *multipart = upload(*session, writeBytes(name + QStringLiteral("-big.bin"), big), bigKey, options);
        QVERIFY(multipart);
        QVERIFY2(multipart->state() == Transfers::TransferState::Succeeded, qPrintable(multipart->result().error.userMessage()));
        verifyStored(bigKey, big, crc);
        QCOMPARE(storedObject(m_bucket, bigKey).value(QStringLiteral("parts")).toInt(), 3);

        // On the wire: the CRC with every PUT, part and completion; the payload unsigned over https only.
        const QJsonArray log = m_proxy->log();
        const QString body = overHttps() ? QStringLiteral("observe: crc, unsigned") : QStringLiteral("observe: crc, signed");
        QCOMPARE(markedRequests(log, m_bucket, smallKey), QStringList{QStringLiteral("PutObject=") + body});
        const QStringList expected{QStringLiteral("CreateMultipartUpload=observe: declares FULL_OBJECT"), QStringLiteral("UploadPart=") + body,
                                   QStringLiteral("UploadPart=") + body, QStringLiteral("UploadPart=") + body,
                                   QStringLiteral("CompleteMultipartUpload=observe: crc, signed")};
        QStringList marked = markedRequests(log, m_bucket, bigKey);
        marked.removeAll(QStringLiteral("HeadObject="));
        QCOMPARE(marked, expected);
    }

    // The server refuses a checksum that is not the body's (BadDigest) and stores nothing: a single PUT, a part,
    // and a completion whose whole-object checksum is not the parts' combination.
    void aWrongChecksumIsRefused()
    {
        const auto s3 = m_direct->session().s3();
        const QString key = m_prefix + QStringLiteral("refused.bin");
        const QByteArray bytes = Test::randomBytes(1000, 7);
        S3::PutObjectRequest put;
        put.bucket = m_bucket;
        put.key = key;
        put.openBody = [bytes]() -> std::unique_ptr<QIODevice> {
            auto buffer = std::make_unique<QBuffer>();
            buffer->setData(bytes);
            buffer->open(QIODevice::ReadOnly);
            return buffer;
        };
        put.length = bytes.size();
        put.payloadHash = sha256Hex(bytes);
        put.checksum = checksumOf(ChecksumAlgorithm::Crc64Nvme, bytes + 'x');
        const auto refused = Test::wait<S3::PutObjectResult>([&](QObject *context, auto done) { s3->putObject(put, context, {}, done); });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("BadDigest"));
        QCOMPARE(refused.error().httpStatus, 400);
        QVERIFY2(refused.error().userMessage().contains(QLatin1String("did not match the calculated checksum")), qPrintable(refused.error().userMessage()));
        QVERIFY(!storedObject(m_bucket, key).contains(QStringLiteral("size")));

        // Multipart: a wrong part checksum, then a wrong whole-object one.
        S3::CreateMultipartRequest create{m_bucket, key, QString(), ChecksumAlgorithm::Crc32c};
        const auto created = Test::wait<S3::InitiateMultipartResult>([&](QObject *context, auto done) { s3->createMultipartUpload(create, context, done); });
        QVERIFY2(created, qPrintable(created.error().userMessage()));
        put.uploadId = created->uploadId;
        put.partNumber = 1;
        put.checksum = checksumOf(ChecksumAlgorithm::Crc32c, "other bytes");
        const auto wrongPart = Test::wait<S3::PutObjectResult>([&](QObject *context, auto done) { s3->putObject(put, context, {}, done); });
        QVERIFY(!wrongPart);
        QCOMPARE(wrongPart.error().code, QStringLiteral("BadDigest"));
        put.checksum = checksumOf(ChecksumAlgorithm::Crc32c, bytes);
        const auto part = Test::wait<S3::PutObjectResult>([&](QObject *context, auto done) { s3->putObject(put, context, {}, done); });
        QVERIFY2(part, qPrintable(part.error().userMessage()));
        S3::CompleteMultipartRequest complete;
        complete.bucket = m_bucket;
        complete.key = key;
        complete.uploadId = created->uploadId;
        complete.parts = {{1, part->eTag, put.checksum}};
        complete.wholeObject = checksumOf(ChecksumAlgorithm::Crc32c, bytes + 'x');
        const auto wrongWhole = Test::wait<S3::CompleteMultipartResult>([&](QObject *context, auto done) { s3->completeMultipartUpload(complete, context, done); });
        QVERIFY(!wrongWhole);
        QCOMPARE(wrongWhole.error().code, QStringLiteral("BadDigest"));
        QVERIFY(!storedObject(m_bucket, key).contains(QStringLiteral("size")));
        complete.wholeObject = put.checksum;  // one part: the whole is the part
        const auto completed = Test::wait<S3::CompleteMultipartResult>([&](QObject *context, auto done) { s3->completeMultipartUpload(complete, context, done); });
        QVERIFY2(completed, qPrintable(completed.error().userMessage()));
        verifyStored(key, bytes, ChecksumAlgorithm::Crc32c);
    }

    // when_required: not one checksum header goes out (uploads, multipart, downloads); payloads are signed with
    // their SHA-256 even over https. A named algorithm (--checksum-algorithm) is still sent, as botocore does.
    void whenRequiredSendsNone()
    {
        const ScopedEnvironment settings({{"AWS_REQUEST_CHECKSUM_CALCULATION", "when_required"},
                                          {"AWS_RESPONSE_CHECKSUM_VALIDATION", "WHEN_REQUIRED"}});
        auto session = Test::SessionFixture::stsDoubleS3Access(QStringLiteral("when-required"), m_proxy->endpoint());
        QVERIFY(session);
        QVERIFY(!session->session().s3()->checksums().calculatesRequestChecksums());
        QJsonArray rules;
        for (const char *header : checksumHeaders)
            rules.append(observe(QStringLiteral("checksum header ") + QLatin1String(header),
                                 {{QStringLiteral("headers"), QJsonObject{{QLatin1String(header), true}}}}));
        rules.append(observe(QStringLiteral("signed payload"), {{QStringLiteral("method"), QStringLiteral("PUT")},
                                                                {QStringLiteral("headers"), QJsonObject{{QStringLiteral("x-amz-content-sha256"),
                                                                                                         QJsonObject{{QStringLiteral("regex"), QStringLiteral("^[0-9a-f]{64}$")}}}}}}));
        QVERIFY(m_proxy->setRules(rules));

        const QByteArray small = Test::randomBytes(200000, 31), big = Test::randomBytes(2 * partBytes + 77, 32);
        const QString smallKey = m_prefix + QStringLiteral("required/small.bin"), bigKey = m_prefix + QStringLiteral("required/big.bin");
        for (const auto &[key, bytes] : {std::pair{smallKey, small}, std::pair{bigKey, big}}) {
            Transfers::Transfer *sent = upload(*session, writeBytes(QFileInfo(key).fileName(), bytes), key);
            QVERIFY(sent);
            QVERIFY2(sent->state() == Transfers::TransferState::Succeeded, qPrintable(sent->result().error.userMessage()));
            const QString local = m_dir.filePath(QStringLiteral("required-back-") + QFileInfo(key).fileName());
            Transfers::Transfer *fetched = download(*session, key, local);
            QVERIFY(fetched);
            QVERIFY2(fetched->state() == Transfers::TransferState::Succeeded, qPrintable(fetched->result().error.userMessage()));
            QCOMPARE(Test::fileSha256(local), Test::bytesSha256(bytes));
        }
        // The multipart object was made without any checksum (the double gives a plain PUT S3's default).
        QVERIFY(!storedObject(m_bucket, bigKey).contains(QStringLiteral("checksum")));
        int puts = 0;
        for (const QJsonValue &value : m_proxy->log()) {
            const QJsonObject entry = value.toObject();
            const QString marked = ruleName(entry);
            QVERIFY2(!marked.startsWith(QLatin1String("observe: checksum header")),
                     qPrintable(Test::proxyOperation(entry) + QStringLiteral(" carried a checksum header: ") + marked));
            if (entry.value(QStringLiteral("method")).toString() == QLatin1String("PUT")) {
                ++puts;
                QCOMPARE(marked, QStringLiteral("observe: signed payload"));
            }
        }
        QCOMPARE(puts, 4);  // the small PUT and three parts

        // An algorithm named on the command line is sent all the same.
        m_proxy->clearLog();
        Transfers::UploadOptions named;
        named.checksumAlgorithm = ChecksumAlgorithm::Crc32;
        const QString namedKey = m_prefix + QStringLiteral("required/named.bin");
        Transfers::Transfer *sent = upload(*session, writeBytes(QStringLiteral("named.bin"), small), namedKey, named);
        QVERIFY2(sent && sent->state() == Transfers::TransferState::Succeeded, sent ? qPrintable(sent->result().error.userMessage()) : "");
        verifyStored(namedKey, small, ChecksumAlgorithm::Crc32);
        QCOMPARE(markedRequests(m_proxy->log(), m_bucket, namedKey), QStringList{QStringLiteral("PutObject=observe: checksum header x-amz-checksum-crc32")});
    }

    // Downloads ask for the stored checksum (x-amz-checksum-mode) and check it; single-part, multipart FULL_OBJECT
    // and COMPOSITE objects come down whole. Then the same bytes corrupted on the way (one in 1000 flipped, by the
    // proxy) fail with the checksum named, and nothing is left: no file, no part file.
    void downloadsVerifyTheStoredChecksum()
    {
        const QByteArray small = Test::randomBytes(3 * MiB + 11, 41), big = Test::randomBytes(2 * partBytes + 3 * MiB, 42);
        const QString smallKey = m_prefix + QStringLiteral("down/small.bin"), bigKey = m_prefix + QStringLiteral("down/big.bin");
        for (const auto &[key, bytes] : {std::pair{smallKey, small}, std::pair{bigKey, big}}) {
            Transfers::Transfer *sent = upload(*m_direct, writeBytes(QStringLiteral("down-") + QFileInfo(key).fileName(), bytes), key);
            QVERIFY2(sent && sent->state() == Transfers::TransferState::Succeeded, sent ? qPrintable(sent->result().error.userMessage()) : "");
        }
        // A COMPOSITE CRC32 object of three parts (aws-cli v1 and the SDKs make these), written part by part.
        const QString compositeKey = m_prefix + QStringLiteral("down/composite.bin");
        const QByteArray composite = Test::randomBytes(2 * partBytes + 1001, 43);
        {
            const auto s3 = m_direct->session().s3();
            S3::CreateMultipartRequest create{m_bucket, compositeKey, QString(), ChecksumAlgorithm::Crc32, true};
            const auto created = Test::wait<S3::InitiateMultipartResult>([&](QObject *context, auto done) { s3->createMultipartUpload(create, context, done); });
            QVERIFY2(created, qPrintable(created.error().userMessage()));
            S3::CompleteMultipartRequest complete{m_bucket, compositeKey, created->uploadId, {}, {}, false};
            for (int number = 1; number <= 3; ++number) {
                const QByteArray bytes = composite.mid((number - 1) * partBytes, partBytes);
                S3::PutObjectRequest put;
                put.bucket = m_bucket;
                put.key = compositeKey;
                put.uploadId = created->uploadId;
                put.partNumber = number;
                put.openBody = [bytes]() -> std::unique_ptr<QIODevice> {
                    auto buffer = std::make_unique<QBuffer>();
                    buffer->setData(bytes);
                    buffer->open(QIODevice::ReadOnly);
                    return buffer;
                };
                put.length = bytes.size();
                put.payloadHash = sha256Hex(bytes);
                put.checksum = checksumOf(ChecksumAlgorithm::Crc32, bytes);
                const auto part = Test::wait<S3::PutObjectResult>([&](QObject *context, auto done) { s3->putObject(put, context, {}, done); });
                QVERIFY2(part, qPrintable(part.error().userMessage()));
                complete.parts.append({number, part->eTag, put.checksum});
            }
            const auto completed = Test::wait<S3::CompleteMultipartResult>([&](QObject *context, auto done) { s3->completeMultipartUpload(complete, context, done); });
            QVERIFY2(completed, qPrintable(completed.error().userMessage()));
            const QJsonObject checksum = storedObject(m_bucket, compositeKey).value(QStringLiteral("checksum")).toObject();
            QCOMPARE(checksum.value(QStringLiteral("type")).toString(), QStringLiteral("COMPOSITE"));
            QVERIFY2(checksum.value(QStringLiteral("value")).toString().endsWith(QLatin1String("-3")), qPrintable(checksum.value(QStringLiteral("value")).toString()));
        }

        auto session = Test::SessionFixture::stsDoubleS3Access(QStringLiteral("download"), m_proxy->endpoint());
        QVERIFY(session);
        const std::pair<QString, QByteArray> objects[] = {{smallKey, small}, {bigKey, big}, {compositeKey, composite}};
        QVERIFY(m_proxy->setRules({observe(QStringLiteral("checksum mode"), {{QStringLiteral("headers"), QJsonObject{{QStringLiteral("x-amz-checksum-mode"), QStringLiteral("ENABLED")}}}})}));
        for (const auto &[key, bytes] : objects) {
            const QString local = m_dir.filePath(QStringLiteral("whole-") + QFileInfo(key).fileName());
            Transfers::Transfer *fetched = download(*session, key, local);
            QVERIFY(fetched);
            QVERIFY2(fetched->state() == Transfers::TransferState::Succeeded, qPrintable(key + QLatin1String(": ") + fetched->result().error.userMessage()));
            QCOMPARE(Test::fileSha256(local), Test::bytesSha256(bytes));
            // Every GET asked for the checksum, and a HEAD (ranges carry none) brought it.
            const QStringList marked = markedRequests(m_proxy->log(), m_bucket, key);
            QVERIFY2(marked.contains(QStringLiteral("HeadObject=observe: checksum mode")), qPrintable(marked.join(QLatin1Char(' '))));
            QVERIFY2(!marked.contains(QStringLiteral("GetObject=")), qPrintable(marked.join(QLatin1Char(' '))));
        }

        const QString stored[] = {QStringLiteral("CRC64NVME ") + base64Of(ChecksumAlgorithm::Crc64Nvme, small),
                                  QStringLiteral("CRC64NVME ") + base64Of(ChecksumAlgorithm::Crc64Nvme, big),
                                  QStringLiteral("CRC32 ")};
        for (int i = 0; i < 3; ++i) {
            const auto &[key, bytes] = objects[i];
            QVERIFY(m_proxy->setRules({rule(QStringLiteral("corrupt the first range"), Test::rangedGet(),
                                            {{QStringLiteral("corrupt_body"), QJsonObject{{QStringLiteral("every"), 1000}}}}, 1)}));
            const QString local = m_dir.filePath(QStringLiteral("corrupt-") + QFileInfo(key).fileName());
            Transfers::Transfer *fetched = download(*session, key, local);
            QVERIFY(fetched);
            QCOMPARE(fetched->state(), Transfers::TransferState::Failed);
            const QString message = fetched->result().error.userMessage();
            QVERIFY2(message.contains(QLatin1String("do not match the object's stored checksum (") + stored[i]), qPrintable(message));
            if (i == 2)
                QVERIFY2(message.contains(QLatin1String("-3, downloaded CRC32 ")) && message.contains(QLatin1String("as 3 parts of 5242880 bytes")), qPrintable(message));
            QVERIFY2(message.contains(remoteUri(key)), qPrintable(message));
            QVERIFY(!QFileInfo::exists(local));
            QVERIFY(!QFileInfo::exists(Transfers::DownloadTransfer::partPathFor(local)));
            QVERIFY(!QFileInfo::exists(Transfers::DownloadTransfer::mapPathFor(local)));
        }
    }

    // kill -9 in the middle of a multipart upload; the same command again sends the missing parts and completes
    // with the FULL_OBJECT checksum of the whole file (the journal kept each part's CRC).
    void aResumedUploadCompletesWithTheRightChecksum()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const qint64 cliPart = 16 * MiB;  // the CLI's part size
        const QByteArray bytes = Test::randomBytes(5 * cliPart + 12345, 51);
        const QString file = writeBytes(QStringLiteral("resumed.bin"), bytes);
        const QString key = m_prefix + QStringLiteral("resumed.bin");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &name : env.keys()) {
            if (name.startsWith(QLatin1String("AWS_")) && name != QLatin1String("AWS_CA_BUNDLE"))
                env.remove(name);
        }
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("AWS_CONFIG_FILE"), home.filePath(QStringLiteral("no-config")));
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), home.filePath(QStringLiteral("no-credentials")));
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET"));
        const QStringList command{QStringLiteral("upload"), file, QStringLiteral("s3://%1/%2").arg(m_bucket, key),
                                  QStringLiteral("--endpoint-url"), m_proxy->endpoint(), QStringLiteral("--path-style"),
                                  QStringLiteral("--role"), worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"),
                                  QStringLiteral("--parallel"), QStringLiteral("1"), QStringLiteral("--quiet"),
                                  QStringLiteral("--checksum-algorithm"), QStringLiteral("crc32c")};
        // Parts 1 and 2 go through, 3 and later are held: the CLI is killed with two parts in its journal.
        QVERIFY(m_proxy->setRules(Test::holdAfter(Test::anyPart(), 2, 120)));
        const QString journal = home.filePath(QStringLiteral("data/RoleDrop/RoleDrop/unfinished-uploads"));
        QProcess cli;
        cli.setProcessEnvironment(env);
        cli.start(QStringLiteral(ROLEDROP_CLI_PATH), command);
        QVERIFY(cli.waitForStarted(10000));
        const auto journalParts = [&] {
            int parts = 0;
            for (const QString &name : QDir(journal).entryList(QDir::Files))
                parts += int(Test::readFile(journal + QLatin1Char('/') + name).count("\"type\":\"part\""));
            return parts;
        };
        QVERIFY2(QTest::qWaitFor([&] { return journalParts() >= 2 || cli.state() == QProcess::NotRunning; }, 120000),
                 "two parts did not reach the journal in time");
        QVERIFY2(cli.state() == QProcess::Running, cli.readAllStandardError().constData());
        cli.kill();
        QVERIFY(cli.waitForFinished(10000));
        QVERIFY(Test::readFile(QDir(journal).filePath(QDir(journal).entryList(QDir::Files).value(0))).contains("\"checksumAlgorithm\":\"CRC32C\""));

        QVERIFY(m_proxy->setRules({}));
        m_proxy->clearLog();
        QProcess again;
        again.setProcessEnvironment(env);
        again.start(QStringLiteral(ROLEDROP_CLI_PATH), command);
        QVERIFY(again.waitForFinished(180000));
        const QString err = QString::fromUtf8(again.readAllStandardError());
        QVERIFY2(again.exitStatus() == QProcess::NormalExit && again.exitCode() == 0, qPrintable(err));
        QStringList parts;
        for (const QJsonValue &value : m_proxy->log()) {
            if (Test::proxyOperation(value.toObject()) == QLatin1String("UploadPart"))
                parts << QString::number(Test::proxyPartNumber(value.toObject()));
        }
        QCOMPARE(parts.join(QLatin1Char(',')), QStringLiteral("3,4,5,6"));
        verifyStored(key, bytes, ChecksumAlgorithm::Crc32c);
        QVERIFY(QDir(journal).entryList(QDir::Files).isEmpty());
    }

private:
    QString remoteUri(const QString &key) const { return QStringLiteral("s3://%1/%2").arg(m_bucket, key); }
};

QTEST_GUILESS_MAIN(FlexibleChecksumsTest)
#include "flexible_checksums_test.moc"
