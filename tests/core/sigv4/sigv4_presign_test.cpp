#include "core/sigv4/sigv4_presigner.h"
#include "core/sigv4/sigv4_signing_key.h"
#include "core/sigv4/uri_encoding.h"

#include <QTest>
#include <QTimeZone>
#include <QUrl>

using namespace RoleDrop;
using namespace RoleDrop::SigV4;

namespace {

// The example of "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)" in the
// Amazon S3 API Reference.
AwsCredentials docsCredentials()
{
    AwsCredentials credentials;
    credentials.accessKeyId = QStringLiteral("AKIAIOSFODNN7EXAMPLE");
    credentials.secretAccessKey = QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    return credentials;
}

SigningOptions docsOptions()
{
    return SigningOptions::forService(QStringLiteral("us-east-1"), QStringLiteral("s3"),
                                      QDateTime(QDate(2013, 5, 24), QTime(0, 0), QTimeZone::utc()));
}

SigningRequest docsRequest(const QByteArray &method = "GET")
{
    SigningRequest request;
    request.method = method;
    request.path = "/test.txt";
    request.headers = {{"host", "examplebucket.s3.amazonaws.com"}};
    return request;
}

QByteArray queryValue(const QueryList &query, QByteArrayView key)
{
    for (const auto &[name, value] : query) {
        if (name == key)
            return value;
    }
    return {};
}

} // namespace

class SigV4PresignTest final : public QObject
{
    Q_OBJECT

private slots:
    void expiryLimits_data();
    void expiryLimits();
    void s3DocsExample();
    void putIsSignedAsPut();
    void temporaryCredentialsSignTheToken();
    void requestQueryIsKeptAndSorted();
    void refusesIncompleteInput();
    void wireUrlSurvivesQUrl();
};

void SigV4PresignTest::expiryLimits_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("zero") << qint64(0) << false;
    QTest::newRow("negative") << qint64(-60) << false;
    QTest::newRow("one-second") << qint64(1) << true;
    QTest::newRow("seven-days") << qint64(604800) << true;
    QTest::newRow("seven-days-and-a-second") << qint64(604801) << false;
    QTest::newRow("a-year") << qint64(31536000) << false;
}

void SigV4PresignTest::expiryLimits()
{
    QFETCH(qint64, seconds);
    QFETCH(bool, accepted);
    const Outcome<PresignedRequest> result = presignRequest(docsCredentials(), docsOptions(), docsRequest(), seconds);
    QCOMPARE(result.ok(), accepted);
    if (accepted) {
        QCOMPARE(queryValue(result->query, "X-Amz-Expires"), QByteArray::number(seconds));
    } else {
        QCOMPARE(result.error().kind, AwsErrorKind::Validation);
        QVERIFY2(result.error().message.contains(QStringLiteral("604800")), qPrintable(result.error().message));
        QVERIFY(result.error().message.contains(QString::number(seconds)));
    }
}

void SigV4PresignTest::s3DocsExample()
{
    SigningKeyCache cache;
    const Outcome<PresignedRequest> result = presignRequest(docsCredentials(), docsOptions(), docsRequest(), 86400, &cache);
    QVERIFY(result.ok());
    QCOMPARE(result->canonicalRequest,
             QByteArray("GET\n/test.txt\n"
                        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1"
                        "%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\n"
                        "host:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"));
    QCOMPARE(result->stringToSign,
             QByteArray("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                        "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"));
    QCOMPARE(result->signature, QByteArray("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
    // The documentation's URL, byte for byte.
    QCOMPARE(result->encodedQuery,
             QByteArray("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1"
                        "%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
    QCOMPARE(result->query.constLast(), std::make_pair(QByteArray("X-Amz-Signature"), result->signature));
    QCOMPARE(queryValue(result->query, "X-Amz-Credential"),
             QByteArray("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"));
    QVERIFY(queryValue(result->query, "X-Amz-Security-Token").isNull());
    // Signed again, the key comes from the cache and the answer is the same.
    const Outcome<PresignedRequest> again = presignRequest(docsCredentials(), docsOptions(), docsRequest(), 86400, &cache);
    QCOMPARE(again->signature, result->signature);
    QCOMPARE(cache.hits(), qint64(1));
}

void SigV4PresignTest::putIsSignedAsPut()
{
    SigningRequest put = docsRequest("PUT");
    put.payloadHash = "0000000000000000000000000000000000000000000000000000000000000000";
    const Outcome<PresignedRequest> result = presignRequest(docsCredentials(), docsOptions(), put, 3600);
    QVERIFY(result.ok());
    QVERIFY(result->canonicalRequest.startsWith("PUT\n/test.txt\n"));
    QVERIFY(result->canonicalRequest.endsWith("\nUNSIGNED-PAYLOAD"));
    const Outcome<PresignedRequest> get = presignRequest(docsCredentials(), docsOptions(), docsRequest("GET"), 3600);
    QVERIFY(get->signature != result->signature);
}

void SigV4PresignTest::temporaryCredentialsSignTheToken()
{
    AwsCredentials temporary = docsCredentials();
    temporary.sessionToken = QStringLiteral("FQoG+ZXIvYXdzE/token==");
    const Outcome<PresignedRequest> withToken = presignRequest(temporary, docsOptions(), docsRequest(), 900);
    const Outcome<PresignedRequest> without = presignRequest(docsCredentials(), docsOptions(), docsRequest(), 900);
    QVERIFY(withToken.ok() && without.ok());
    QCOMPARE(queryValue(withToken->query, "X-Amz-Security-Token"), temporary.sessionToken.toUtf8());
    // Signed: it is in the canonical query string, encoded like any value.
    QVERIFY(withToken->canonicalRequest.contains(
        "&X-Amz-Security-Token=FQoG%2BZXIvYXdzE%2Ftoken%3D%3D&X-Amz-SignedHeaders=host\n"));
    QVERIFY(withToken->encodedQuery.endsWith("&X-Amz-SignedHeaders=host&X-Amz-Signature=" + withToken->signature));
    QVERIFY(withToken->signature != without->signature);
}

void SigV4PresignTest::requestQueryIsKeptAndSorted()
{
    SigningRequest request = docsRequest();
    request.query = {{"response-content-disposition", "attachment; filename=\"a b.txt\""}, {"versionId", "3/L4kq"}};
    const Outcome<PresignedRequest> result = presignRequest(docsCredentials(), docsOptions(), request, 60);
    QVERIFY(result.ok());
    QVERIFY(result->encodedQuery.startsWith("X-Amz-Algorithm="));
    QVERIFY(result->encodedQuery.contains(
        "&response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22&versionId=3%2FL4kq&X-Amz-Signature="));
    QCOMPARE(queryValue(result->query, "response-content-disposition"), request.query.at(0).second);
    // What is sent is what was signed: the canonical query is the wire query minus the signature.
    const qsizetype signatureAt = result->encodedQuery.indexOf("&X-Amz-Signature=");
    QVERIFY(result->canonicalRequest.contains('\n' + result->encodedQuery.first(signatureAt) + '\n'));
}

void SigV4PresignTest::refusesIncompleteInput()
{
    SigningRequest noHost = docsRequest();
    noHost.headers.clear();
    const Outcome<PresignedRequest> missingHost = presignRequest(docsCredentials(), docsOptions(), noHost, 60);
    QVERIFY(!missingHost.ok());
    QCOMPARE(missingHost.error().kind, AwsErrorKind::Validation);

    AwsCredentials noSecret = docsCredentials();
    noSecret.secretAccessKey.clear();
    QCOMPARE(presignRequest(noSecret, docsOptions(), docsRequest(), 60).error().kind, AwsErrorKind::Validation);

    SigningOptions noRegion = docsOptions();
    noRegion.region.clear();
    const Outcome<PresignedRequest> missingRegion = presignRequest(docsCredentials(), noRegion, docsRequest(), 60);
    QCOMPARE(missingRegion.error().kind, AwsErrorKind::Validation);
    QVERIFY(!missingRegion.error().message.contains(docsCredentials().secretAccessKey));
}

void SigV4PresignTest::wireUrlSurvivesQUrl()
{
    SigningRequest request = docsRequest();
    request.path = "/examplebucket/dir/ሴ a+b%20c~!.txt";
    request.query = {{"x", "a/b?c#d"}};
    AwsCredentials temporary = docsCredentials();
    temporary.sessionToken = QStringLiteral("tok/en+==");
    const Outcome<PresignedRequest> result = presignRequest(temporary, docsOptions(), request, 60);
    QVERIFY(result.ok());
    const QByteArray wire = "https://s3.example.com:8443" + encodedPath(request.path) + '?' + result->encodedQuery;
    const QUrl url = QUrl::fromEncoded(wire, QUrl::StrictMode);
    QVERIFY(url.isValid());
    QCOMPARE(url.toEncoded(), wire);
    QCOMPARE(url.path(QUrl::FullyDecoded).toUtf8(), request.path);
}

QTEST_GUILESS_MAIN(SigV4PresignTest)
#include "sigv4_presign_test.moc"
