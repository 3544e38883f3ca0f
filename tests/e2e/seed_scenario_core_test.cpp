// The seeds' story against a real S3 + STS server (Ceph RGW on 127.0.0.1) through core/ only:
// james is refused, switches to a role, and then lists, uploads (single and multipart), downloads
// and presigns with the temporary credentials; a read-only role and a session policy restrict.

#include "core/http/aws_http_client.h"
#include "core/auth/credential_provider.h"
#include "core/common/crypto.h"
#include "core/transfer/download_transfer.h"
#include "core/s3/s3_client.h"
#include "core/sts/sts_client.h"
#include "core/transfer/upload_transfer.h"
#include "test_files.h"
#include "test_world.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace RoleDrop;
using RoleDrop::Test::wait;
using RoleDrop::Test::worldValue;

class SeedScenarioCoreTest : public QObject
{
    Q_OBJECT

private:
    Http::AwsHttpClient m_http;
    std::shared_ptr<const S3::S3Client> m_s3;  // as the provider's active identity, made anew on each switch
    Auth::CredentialProvider *m_provider = nullptr;
    QTemporaryDir m_dir;
    QString m_bucket;

    void asJames()
    {
        m_provider->setBaseIdentity(QStringLiteral("james"), Test::worldKeys("ROLEDROP_TEST_JAMES_KEY", "ROLEDROP_TEST_JAMES_SECRET"),
                                    Sts::StsClient(&m_http, Test::rgwEndpoint()));
        useActiveIdentity();
    }

    void useActiveIdentity() { m_s3 = std::make_shared<S3::S3Client>(&m_http, m_provider->activeSession(), Test::rgwEndpoint()); }

    Outcome<Auth::Identity> switchTo(const QString &roleArn, int duration = 3600, const QString &policy = QString())
    {
        Sts::AssumeRoleRequest request;
        request.roleArn = roleArn;
        request.roleSessionName = QStringLiteral("e2e-session");
        request.durationSeconds = duration;
        request.policy = policy;
        auto identity = wait<Auth::Identity>([&](QObject *context, auto done) { m_provider->switchRole(request, QString(), QStringLiteral("#1D8102"), Auth::SwitchFrom::BaseIdentity, context, done); });
        if (identity)
            useActiveIdentity();
        return identity;
    }

    QString writeRandomFile(const QString &name, qint64 size) { return Test::writeRandomFile(m_dir.filePath(name), size); }

    static QByteArray fileHash(const QString &path) { return sha256OfFileRange(path, 0, -1).toHex(); }

    Transfers::TransferResult runTransfer(Transfers::Transfer *transfer)
    {
        QSignalSpy finished(transfer, &Transfers::Transfer::finished);
        transfer->start();
        if (finished.isEmpty())
            finished.wait(300000);
        return transfer->result();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bucket = worldValue("ROLEDROP_TEST_BUCKET");
        m_provider = new Auth::CredentialProvider(this);
    }

    void jamesIsDeniedListingAndPutting()
    {
        asJames();
        auto page = wait<S3::ListObjectsPage>([&](QObject *context, auto done) { m_s3->listObjects({m_bucket, QString(), QStringLiteral("/"), QString(), 1000}, context, done); });
        QVERIFY(!page);
        QCOMPARE(page.error().kind, AwsErrorKind::AccessDenied);
        QCOMPARE(page.error().httpStatus, 403);
        const QString message = page.error().userMessage();
        QVERIFY2(message.contains(QStringLiteral("james")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("s3:ListBucket")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("s3://") + m_bucket), qPrintable(message));
        QVERIFY2(!message.contains(worldValue("ROLEDROP_TEST_JAMES_SECRET")), qPrintable(message));

        auto put = wait<QString>([&](QObject *context, auto done) { m_s3->putBytes(m_bucket, QStringLiteral("james.txt"), "x", QString(), context, done); });
        QVERIFY(!put);
        QCOMPARE(put.error().kind, AwsErrorKind::AccessDenied);
    }

    void wrongSecretIsRefusedWithSignatureError()
    {
        AwsCredentials wrong = Test::worldKeys("ROLEDROP_TEST_JAMES_KEY", "ROLEDROP_TEST_JAMES_SECRET");
        wrong.secretAccessKey = QStringLiteral("not-the-secret-at-all-0000000000000000000");
        m_s3 = std::make_shared<S3::S3Client>(&m_http, Http::fixedCredentials(wrong, QStringLiteral("james")), Test::rgwEndpoint());
        auto buckets = wait<S3::ListBucketsResult>([&](QObject *context, auto done) { m_s3->listBuckets(context, done); });
        QVERIFY(!buckets);
        QCOMPARE(buckets.error().httpStatus, 403);
        // AWS says SignatureDoesNotMatch; Ceph RGW says AccessDenied (the STS double test checks the former).
        QVERIFY2(buckets.error().kind == AwsErrorKind::SignatureDoesNotMatch || buckets.error().kind == AwsErrorKind::AccessDenied,
                 qPrintable(buckets.error().code));
        QVERIFY(!buckets.error().userMessage().contains(wrong.secretAccessKey));
    }

    void switchRoleThenListUploadDownloadPresign()
    {
        asJames();
        auto identity = switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
        QVERIFY2(identity, qPrintable(identity ? QString() : identity.error().userMessage()));
        QCOMPARE(identity->kind, Auth::Identity::Kind::AssumedRole);
        QCOMPARE(identity->arn, QStringLiteral("arn:aws:sts:::assumed-role/S3Access/e2e-session"));
        QVERIFY(identity->expiration > QDateTime::currentDateTimeUtc().addSecs(3000));
        QVERIFY(m_provider->activeCredentials().isTemporary());

        auto page = wait<S3::ListObjectsPage>([&](QObject *context, auto done) { m_s3->listObjects({m_bucket, QString(), QStringLiteral("/"), QString(), 1000}, context, done); });
        QVERIFY2(page, qPrintable(page ? QString() : page.error().userMessage()));
        QStringList keys;
        for (const S3::ObjectInfo &object : page->objects)
            keys << object.key;
        QVERIFY(keys.contains(QStringLiteral("owner-file.txt")));

        // Single PUT streamed from a file, and back.
        const QString small = writeRandomFile(QStringLiteral("small.bin"), 300 * 1024);
        Transfers::UploadTransfer up(m_s3, small, {m_bucket, QStringLiteral("e2e/small.bin")});
        Transfers::TransferResult result = runTransfer(&up);
        QVERIFY2(result.state == Transfers::TransferState::Succeeded, qPrintable(result.error.userMessage()));
        const QString back = m_dir.filePath(QStringLiteral("back/small.bin"));
        Transfers::DownloadTransfer down(m_s3, {m_bucket, QStringLiteral("e2e/small.bin")}, back);
        result = runTransfer(&down);
        QVERIFY2(result.state == Transfers::TransferState::Succeeded, qPrintable(result.error.userMessage()));
        QCOMPARE(fileHash(back), fileHash(small));

        // Presigned GET, fetched by a client that has no credentials at all.
        auto url = m_s3->presign("GET", m_bucket, QStringLiteral("e2e/small.bin"), 600);
        QVERIFY(url);
        QNetworkAccessManager plain;
        QNetworkReply *reply = plain.get(QNetworkRequest(url.value()));
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(30000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(sha256(reply->readAll()).toHex(), fileHash(small));
        reply->deleteLater();

        // A tampered presigned URL is refused: the server checks the signature.
        QUrl tampered = url.value();
        tampered.setPath(tampered.path() + QStringLiteral("x"));
        QNetworkReply *bad = plain.get(QNetworkRequest(tampered));
        QSignalSpy badDone(bad, &QNetworkReply::finished);
        QVERIFY(badDone.wait(30000));
        QCOMPARE(bad->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 403);
        bad->deleteLater();
    }

    void multipartUploadRoundTrips()
    {
        asJames();
        QVERIFY(switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        const QString big = writeRandomFile(QStringLiteral("big.bin"), 23 * 1024 * 1024 + 12345);
        Transfers::UploadOptions options;
        options.multipartThreshold = 8 * 1024 * 1024;
        options.partSize = 5 * 1024 * 1024;
        options.maxPartsInFlight = 3;
        Transfers::UploadTransfer up(m_s3, big, {m_bucket, QStringLiteral("e2e/big.bin")}, options);
        QSignalSpy progress(&up, &Transfers::Transfer::progress);
        const Transfers::TransferResult result = runTransfer(&up);
        QVERIFY2(result.state == Transfers::TransferState::Succeeded, qPrintable(result.error.userMessage()));
        QVERIFY(progress.size() > 2);

        auto meta = wait<S3::ObjectMetadata>([&](QObject *context, auto done) { m_s3->headObject(m_bucket, QStringLiteral("e2e/big.bin"), context, done); });
        QVERIFY(meta);
        // RGW 16.2 leaves CompleteMultipartUpload's ETag empty; HeadObject has it: "<md5 of md5s>-<parts>".
        QVERIFY2(meta->eTag.endsWith(QStringLiteral("-5\"")), qPrintable(meta->eTag));
        QCOMPARE(meta->size, QFileInfo(big).size());
        QVERIFY(qAbs(meta->lastModified.secsTo(QDateTime::currentDateTimeUtc())) < 600);

        const QString back = m_dir.filePath(QStringLiteral("back/big.bin"));
        Transfers::DownloadTransfer down(m_s3, {m_bucket, QStringLiteral("e2e/big.bin")}, back);
        QCOMPARE(runTransfer(&down).state, Transfers::TransferState::Succeeded);
        QCOMPARE(fileHash(back), fileHash(big));
    }

    // Objects come as parallel ranged GETs written at their offsets; sizes around the range size and an
    // empty object (for which S3 has no range to give: 416) all come back byte for byte.
    void rangedDownloadRoundTrips_data()
    {
        QTest::addColumn<qint64>("size");
        QTest::newRow("empty") << qint64(0);
        QTest::newRow("one byte") << qint64(1);
        QTest::newRow("range minus one") << qint64(64 * 1024 - 1);
        QTest::newRow("one range") << qint64(64 * 1024);
        QTest::newRow("range plus one") << qint64(64 * 1024 + 1);
        QTest::newRow("many ranges") << qint64(3 * 1024 * 1024 + 7);
    }

    void rangedDownloadRoundTrips()
    {
        QFETCH(qint64, size);
        asJames();
        QVERIFY(switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        const QString name = QStringLiteral("ranged-%1.bin").arg(size);
        const QString source = writeRandomFile(name, size);
        const QString key = QStringLiteral("e2e/") + name;
        Transfers::UploadTransfer up(m_s3, source, {m_bucket, key});
        QCOMPARE(runTransfer(&up).state, Transfers::TransferState::Succeeded);

        Transfers::DownloadOptions options;
        options.rangeBytes = 64 * 1024;
        options.maxRangesInFlight = 3;
        const QString back = m_dir.filePath(QStringLiteral("ranged/") + name);
        Transfers::DownloadTransfer down(m_s3, {m_bucket, key}, back, options);
        const Transfers::TransferResult result = runTransfer(&down);
        QVERIFY2(result.state == Transfers::TransferState::Succeeded, qPrintable(result.error.userMessage()));
        QCOMPARE(QFileInfo(back).size(), size);
        QCOMPARE(fileHash(back), fileHash(source));
        QCOMPARE(down.bytesTotal(), size);
        QVERIFY(!result.eTag.isEmpty());
    }

    // Ranges after the first must match its ETag: an object replaced mid-download fails clearly and
    // leaves no file, instead of a file stitched from two versions.
    void objectReplacedMidDownloadFails()
    {
        asJames();
        QVERIFY(switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        const QString source = writeRandomFile(QStringLiteral("replaced.bin"), 8 * 1024 * 1024);
        const QString key = QStringLiteral("e2e/replaced.bin");
        Transfers::UploadTransfer up(m_s3, source, {m_bucket, key});
        QCOMPARE(runTransfer(&up).state, Transfers::TransferState::Succeeded);

        Transfers::DownloadOptions options;
        options.rangeBytes = 64 * 1024;
        options.maxRangesInFlight = 1;
        const QString back = m_dir.filePath(QStringLiteral("replaced/replaced.bin"));
        Transfers::DownloadTransfer down(m_s3, {m_bucket, key}, back, options);
        bool replaced = false;
        connect(&down, &Transfers::Transfer::progress, this, [&](qint64 done) {
            if (done > 0 && !replaced) {
                replaced = true;
                m_s3->putBytes(m_bucket, key, QByteArray("another version"), QStringLiteral("text/plain"), this, [](Outcome<QString>) {});
            }
        });
        const Transfers::TransferResult result = runTransfer(&down);
        QVERIFY(replaced);
        QCOMPARE(result.state, Transfers::TransferState::Failed);
        QVERIFY2(result.error.userMessage().contains(QStringLiteral("changed")), qPrintable(result.error.userMessage()));
        QVERIFY(!QFileInfo::exists(back));
    }

    void cancelledMultipartLeavesNoObject()
    {
        asJames();
        QVERIFY(switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        const QString big = writeRandomFile(QStringLiteral("cancel.bin"), 30 * 1024 * 1024);
        Transfers::UploadOptions options;
        options.multipartThreshold = 5 * 1024 * 1024;
        options.partSize = 5 * 1024 * 1024;
        options.maxPartsInFlight = 1;
        Transfers::UploadTransfer up(m_s3, big, {m_bucket, QStringLiteral("e2e/cancelled.bin")}, options);
        QSignalSpy finished(&up, &Transfers::Transfer::finished);
        connect(&up, &Transfers::Transfer::progress, &up, [&](qint64 done) {
            if (done > 6 * 1024 * 1024)
                up.cancel();
        });
        up.start();
        QVERIFY(finished.wait(120000) || !finished.isEmpty());
        QCOMPARE(up.state(), Transfers::TransferState::Cancelled);
        QTest::qWait(500);
        auto meta = wait<S3::ObjectMetadata>([&](QObject *context, auto done) { m_s3->headObject(m_bucket, QStringLiteral("e2e/cancelled.bin"), context, done); });
        QVERIFY(!meta);
        QCOMPARE(meta.error().kind, AwsErrorKind::NotFound);
    }

    void oddKeysRoundTrip_data()
    {
        QTest::addColumn<QString>("key");
        QTest::newRow("space") << QStringLiteral("odd/with space.txt");
        QTest::newRow("plus") << QStringLiteral("odd/a+b=c&d.txt");
        QTest::newRow("unicode") << QStringLiteral("odd/ሴ-ünïcødé-日本.txt");
        QTest::newRow("reserved") << QStringLiteral("odd/!$'()*,;:@[]~.txt");
        QTest::newRow("percent") << QStringLiteral("odd/100%25 done%.txt");
        QTest::newRow("double-slash") << QStringLiteral("odd//twice.txt");
        QTest::newRow("question") << QStringLiteral("odd/what?.txt");
        QTest::newRow("hash") << QStringLiteral("odd/#hash.txt");
    }

    void oddKeysRoundTrip()
    {
        QFETCH(QString, key);
        asJames();
        QVERIFY(switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        const QByteArray body = key.toUtf8() + " body";
        auto put = wait<QString>([&](QObject *context, auto done) { m_s3->putBytes(m_bucket, key, body, QStringLiteral("text/plain"), context, done); });
        QVERIFY2(put, qPrintable(put ? QString() : put.error().userMessage()));
        auto page = wait<S3::ListObjectsPage>([&](QObject *context, auto done) { m_s3->listObjects({m_bucket, key, QString(), QString(), 10}, context, done); });
        QVERIFY2(page, qPrintable(page ? QString() : page.error().userMessage()));
        QCOMPARE(page->objects.size(), 1);
        QCOMPARE(page->objects.first().key, key);
        QCOMPARE(page->objects.first().size, body.size());
        auto gone = wait<Done>([&](QObject *context, auto done) { m_s3->deleteObject(m_bucket, key, context, done); });
        QVERIFY(gone);
    }

    void listingPagesWithContinuationTokens()
    {
        asJames();
        QVERIFY(switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        for (int i = 0; i < 7; ++i) {
            auto put = wait<QString>([&](QObject *context, auto done) { m_s3->putBytes(m_bucket, QStringLiteral("paged/k%1").arg(i), "x", QString(), context, done); });
            QVERIFY(put);
        }
        QVERIFY(wait<Done>([&](QObject *context, auto done) { m_s3->createFolder(m_bucket, QStringLiteral("paged/sub"), context, done); }));
        S3::ListObjectsRequest request{m_bucket, QStringLiteral("paged/"), QStringLiteral("/"), QString(), 3};
        QStringList keys, prefixes;
        int pages = 0;
        do {
            auto page = wait<S3::ListObjectsPage>([&](QObject *context, auto done) { m_s3->listObjects(request, context, done); });
            QVERIFY(page);
            ++pages;
            for (const S3::ObjectInfo &object : page->objects)
                keys << object.key;
            prefixes += page->commonPrefixes;
            request.continuationToken = page->isTruncated ? page->nextContinuationToken : QString();
        } while (!request.continuationToken.isEmpty());
        QCOMPARE(keys.size(), 7);
        QCOMPARE(prefixes, QStringList{QStringLiteral("paged/sub/")});
        QVERIFY(pages >= 3);

        QStringList all = keys;
        all << QStringLiteral("paged/sub/");
        auto deleted = wait<S3::DeleteObjectsResult>([&](QObject *context, auto done) { m_s3->deleteObjects(m_bucket, all, context, done); });
        QVERIFY(deleted);
        QCOMPARE(deleted->deleted.size(), 8);
        QVERIFY(deleted->failed.isEmpty());
    }

    void readOnlyRoleCannotPut()
    {
        asJames();
        QVERIFY(switchTo(worldValue("ROLEDROP_TEST_ROLE_READONLY")));
        auto page = wait<S3::ListObjectsPage>([&](QObject *context, auto done) { m_s3->listObjects({m_bucket, QString(), QStringLiteral("/"), QString(), 10}, context, done); });
        QVERIFY(page);
        auto put = wait<QString>([&](QObject *context, auto done) { m_s3->putBytes(m_bucket, QStringLiteral("ro.txt"), "x", QString(), context, done); });
        QVERIFY(!put);
        QCOMPARE(put.error().kind, AwsErrorKind::AccessDenied);
        QVERIFY2(put.error().userMessage().contains(QStringLiteral("assumed-role/S3ReadOnly")), qPrintable(put.error().userMessage()));
    }

    void sessionPolicyNarrowsTheRole()
    {
        asJames();
        const QString policy = QStringLiteral(
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:ListBucket\"],"
            "\"Resource\":[\"arn:aws:s3:::%1\",\"arn:aws:s3:::%1/*\"]}]}")
                                   .arg(m_bucket);
        QVERIFY(switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"), 900, policy));
        auto put = wait<QString>([&](QObject *context, auto done) { m_s3->putBytes(m_bucket, QStringLiteral("policy.txt"), "x", QString(), context, done); });
        QVERIFY(!put);
        QCOMPARE(put.error().kind, AwsErrorKind::AccessDenied);
        auto page = wait<S3::ListObjectsPage>([&](QObject *context, auto done) { m_s3->listObjects({m_bucket, QString(), QStringLiteral("/"), QString(), 10}, context, done); });
        QVERIFY(page);
    }

    void durationOutOfRange()
    {
        asJames();
        // Beyond the role's maximum (RGW's default 3600): the server refuses.
        auto tooLong = switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"), 3601);
        QVERIFY(!tooLong);
        QCOMPARE(tooLong.error().httpStatus, 400);
        QCOMPARE(tooLong.error().action, QStringLiteral("sts:AssumeRole"));
        // Below STS's minimum: refused before any request.
        auto tooShort = switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"), 899);
        QVERIFY(!tooShort);
        QCOMPARE(tooShort.error().kind, AwsErrorKind::Validation);
        QCOMPARE(tooShort.error().httpStatus, 0);
        // The identity did not change on failure.
        QCOMPARE(m_provider->active().kind, Auth::Identity::Kind::BaseUser);
    }

    void roleChainingIsCappedAtOneHour()
    {
        asJames();
        QVERIFY(switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        // From a role session, ask for 2 hours: RoleDrop asks for 3600 s and says why.
        auto chained = switchTo(worldValue("ROLEDROP_TEST_ROLE_READONLY"), 7200);
        if (!chained) {
            // RGW may not let a role session assume a role: the request must still have been capped.
            QVERIFY2(chained.error().kind != AwsErrorKind::Validation, qPrintable(chained.error().userMessage()));
            return;
        }
        QVERIFY(chained->notice.contains(QStringLiteral("1 hour")));
        QVERIFY(chained->expiration <= QDateTime::currentDateTimeUtc().addSecs(3700));
    }

    void backToBaseIdentity()
    {
        asJames();
        QVERIFY(switchTo(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")));
        m_provider->backToBase();
        QCOMPARE(m_provider->active().kind, Auth::Identity::Kind::BaseUser);
        QVERIFY(!m_provider->activeCredentials().isTemporary());
        QCOMPARE(m_provider->activeCredentials().accessKeyId, worldValue("ROLEDROP_TEST_JAMES_KEY"));
    }
};

QTEST_GUILESS_MAIN(SeedScenarioCoreTest)
#include "seed_scenario_core_test.moc"
