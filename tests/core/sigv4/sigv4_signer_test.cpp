// core/sigv4_string_to_sign, core/sigv4_signing_key and core/sigv4_signer: the steps after the canonical
// request, the key cache, and what the one-call signer adds to a request.
#include "core/sigv4/sigv4_signer.h"
#include "core/sigv4/sigv4_signing_key.h"
#include "core/sigv4/sigv4_string_to_sign.h"

#include <QTest>
#include <QTimeZone>

#include <atomic>
#include <thread>
#include <vector>

using namespace RoleDrop;
using namespace RoleDrop::SigV4;

namespace {

const QByteArray suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

AwsCredentials suiteCredentials(const QString &token = {})
{
    AwsCredentials credentials;
    credentials.accessKeyId = QStringLiteral("AKIDEXAMPLE");
    credentials.secretAccessKey = QString::fromLatin1(suiteSecret);
    credentials.sessionToken = token;
    return credentials;
}

SigningOptions suiteOptions(const QString &service = QStringLiteral("service"))
{
    return SigningOptions::forService(QStringLiteral("us-east-1"), service,
                                      QDateTime(QDate(2015, 8, 30), QTime(12, 36), QTimeZone::utc()));
}

SigningRequest vanillaGet()
{
    SigningRequest request;
    request.method = "GET";
    request.path = "/";
    request.headers = {{"Host", "example.amazonaws.com"}};
    return request;
}

QByteArray header(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (key == name)
            return value;
    }
    return {};
}

QByteArrayList names(const HeaderList &headers)
{
    QByteArrayList out;
    for (const auto &header : headers)
        out.append(header.first);
    return out;
}

} // namespace

class SigV4SignerTest final : public QObject
{
    Q_OBJECT

private slots:
    void amzDateIsUtc();
    void scopeAndStringToSign();
    void signingKeyKnownAnswer();
    void vanillaGetMatchesTheSuite();
    void headersAddedPerService();
    void callerCopiesOfSignerHeadersAreReplaced();
    void invalidInputIsRefusedWithoutSecrets_data();
    void invalidInputIsRefusedWithoutSecrets();
    void cacheIsBoundedAndCountsHits();
    void cacheIsThreadSafe();
};

void SigV4SignerTest::amzDateIsUtc()
{
    const QDateTime utc(QDate(2015, 8, 30), QTime(12, 36, 0), QTimeZone::utc());
    QCOMPARE(amzDate(utc), QByteArray("20150830T123600Z"));
    const QDateTime paris(QDate(2015, 8, 30), QTime(14, 36, 0), QTimeZone(2 * 3600));
    QCOMPARE(amzDate(paris), QByteArray("20150830T123600Z"));
    QCOMPARE(dateStamp("20150830T123600Z"), QByteArray("20150830"));
}

void SigV4SignerTest::scopeAndStringToSign()
{
    QCOMPARE(credentialScope("20150830", "us-east-1", "iam"), QByteArray("20150830/us-east-1/iam/aws4_request"));
    // The example of the SigV4 documentation ("Create a string to sign").
    const QByteArray creq = "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
                            "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
                            "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                            "content-type;host;x-amz-date\n"
                            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    QCOMPARE(stringToSign("20150830T123600Z", credentialScope("20150830", "us-east-1", "iam"), creq),
             QByteArray("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
                        "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"));
}

void SigV4SignerTest::signingKeyKnownAnswer()
{
    // The SigV4 documentation's "Calculate the signature" example.
    const QByteArray key = signingKey(suiteSecret, "20150830", "us-east-1", "iam");
    QCOMPARE(key.toHex(), QByteArray("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"));
    const QByteArray sts = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
                           "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59";
    QCOMPARE(signature(key, sts), QByteArray("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"));
}

void SigV4SignerTest::vanillaGetMatchesTheSuite()
{
    const Outcome<SignedRequest> result = signRequest(suiteCredentials(), suiteOptions(), vanillaGet());
    QVERIFY(result.ok());
    QCOMPARE(result->authorization,
             QByteArray("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        "SignedHeaders=host;x-amz-date, "
                        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
    QCOMPARE(names(result->headersToAdd), QByteArrayList({"x-amz-date", "authorization"}));
    QCOMPARE(header(result->headersToAdd, "authorization"), result->authorization);
}

void SigV4SignerTest::headersAddedPerService()
{
    const QString token = QStringLiteral("session/token+=");
    // S3 always says which payload hash it signed.
    SigningRequest put = vanillaGet();
    put.method = "PUT";
    put.payloadHash = unsignedPayload;
    const Outcome<SignedRequest> s3 = signRequest(suiteCredentials(token), suiteOptions(QStringLiteral("s3")), put);
    QVERIFY(s3.ok());
    QCOMPARE(names(s3->headersToAdd),
             QByteArrayList({"x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "authorization"}));
    QCOMPARE(header(s3->headersToAdd, "x-amz-security-token"), token.toUtf8());
    QCOMPARE(header(s3->headersToAdd, "x-amz-content-sha256"), QByteArray(unsignedPayload));
    QVERIFY(s3->authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"));
    QVERIFY(s3->canonicalRequest.endsWith("\nUNSIGNED-PAYLOAD"));

    // Other services: no payload header while the payload is signed; one when it is not.
    const Outcome<SignedRequest> sts = signRequest(suiteCredentials(token), suiteOptions(QStringLiteral("sts")), vanillaGet());
    QCOMPARE(names(sts->headersToAdd), QByteArrayList({"x-amz-date", "x-amz-security-token", "authorization"}));
    SigningRequest unsignedGet = vanillaGet();
    unsignedGet.payloadHash = unsignedPayload;
    const Outcome<SignedRequest> unsignedSts =
        signRequest(suiteCredentials(), suiteOptions(QStringLiteral("sts")), unsignedGet);
    QCOMPARE(names(unsignedSts->headersToAdd), QByteArrayList({"x-amz-date", "x-amz-content-sha256", "authorization"}));
}

void SigV4SignerTest::callerCopiesOfSignerHeadersAreReplaced()
{
    SigningRequest request = vanillaGet();
    request.headers += HeaderList{{"X-Amz-Date", "19990101T000000Z"}, {"Authorization", "stale"},
                                  {"x-amz-security-token", "old-token"}};
    const Outcome<SignedRequest> replaced = signRequest(suiteCredentials(QStringLiteral("new-token")), suiteOptions(), request);
    QVERIFY(replaced.ok());
    QVERIFY(!replaced->canonicalRequest.contains("19990101") && !replaced->canonicalRequest.contains("stale"));
    QVERIFY(!replaced->canonicalRequest.contains("old-token"));
    QVERIFY(replaced->canonicalRequest.contains("x-amz-security-token:new-token\n"));
    // With long-term keys a caller's token header is the caller's business, and is signed as given.
    const Outcome<SignedRequest> kept = signRequest(suiteCredentials(), suiteOptions(), request);
    QVERIFY(kept->canonicalRequest.contains("x-amz-security-token:old-token\n"));
    QVERIFY(!names(kept->headersToAdd).contains("x-amz-security-token"));
}

void SigV4SignerTest::invalidInputIsRefusedWithoutSecrets_data()
{
    QTest::addColumn<int>("broken");
    QTest::newRow("no-key-id") << 0;
    QTest::newRow("no-secret") << 1;
    QTest::newRow("no-region") << 2;
    QTest::newRow("no-service") << 3;
    QTest::newRow("no-time") << 4;
    QTest::newRow("no-method") << 5;
    QTest::newRow("no-host") << 6;
}

void SigV4SignerTest::invalidInputIsRefusedWithoutSecrets()
{
    QFETCH(int, broken);
    AwsCredentials credentials = suiteCredentials(QStringLiteral("SECRET-TOKEN"));
    SigningOptions options = suiteOptions();
    SigningRequest request = vanillaGet();
    switch (broken) {
    case 0: credentials.accessKeyId.clear(); break;
    case 1: credentials.secretAccessKey.clear(); break;
    case 2: options.region.clear(); break;
    case 3: options.service.clear(); break;
    case 4: options.time = QDateTime(); break;
    case 5: request.method.clear(); break;
    case 6: request.headers.clear(); break;
    }
    const Outcome<SignedRequest> result = signRequest(credentials, options, request);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, AwsErrorKind::Validation);
    QVERIFY(!result.error().message.isEmpty());
    QVERIFY(!result.error().message.contains(QString::fromLatin1(suiteSecret)));
    QVERIFY(!result.error().message.contains(QStringLiteral("SECRET-TOKEN")));
}

void SigV4SignerTest::cacheIsBoundedAndCountsHits()
{
    SigningKeyCache cache(3);
    QCOMPARE(cache.capacity(), 3);
    const QByteArrayList days = {"20240101", "20240102", "20240103", "20240104", "20240105"};
    for (const QByteArray &day : days)
        QCOMPARE(cache.signingKey(suiteSecret, day, "eu-west-1", "s3"), signingKey(suiteSecret, day, "eu-west-1", "s3"));
    QCOMPARE(cache.size(), 3);
    QCOMPARE(cache.misses(), qint64(5));
    QCOMPARE(cache.hits(), qint64(0));
    // The newest stay, the oldest went.
    cache.signingKey(suiteSecret, "20240105", "eu-west-1", "s3");
    QCOMPARE(cache.hits(), qint64(1));
    cache.signingKey(suiteSecret, "20240101", "eu-west-1", "s3");
    QCOMPARE(cache.misses(), qint64(6));
    // Another secret, region or service is another key.
    QVERIFY(cache.signingKey("other", "20240105", "eu-west-1", "s3") != cache.signingKey(suiteSecret, "20240105", "eu-west-1", "s3"));
    QVERIFY(cache.signingKey(suiteSecret, "20240105", "eu-west-2", "s3") != signingKey(suiteSecret, "20240105", "eu-west-1", "s3"));
    cache.clear();
    QCOMPARE(cache.size(), 0);
}

void SigV4SignerTest::cacheIsThreadSafe()
{
    SigningKeyCache cache(4);
    constexpr int threads = 4;
    std::atomic<int> wrong{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&cache, &wrong, t] {
            for (int i = 0; i < 3000; ++i) {
                const QByteArray region = "region-" + QByteArray::number((i + t) % 6);
                if (cache.signingKey(suiteSecret, "20240101", region, "s3") != signingKey(suiteSecret, "20240101", region, "s3"))
                    ++wrong;
            }
        });
    }
    for (auto &worker : workers)
        worker.join();
    QCOMPARE(wrong.load(), 0);
    QVERIFY(cache.size() <= 4);
    QCOMPARE(cache.hits() + cache.misses(), qint64(threads * 3000));
}

QTEST_GUILESS_MAIN(SigV4SignerTest)
#include "sigv4_signer_test.moc"
