#include "core/http/error_response_parser.h"

#include <QFile>
#include <QtTest>

#include "test_files.h"

using namespace RoleDrop;

namespace {

QByteArray sample(const QString &name)
{
    return Test::xmlSample(name);
}

} // namespace

class ErrorResponseParserTest : public QObject
{
    Q_OBJECT

private slots:
    void samples_data();
    void samples();
    void withoutBody_data();
    void withoutBody();
    void notAnErrorDocument_data();
    void notAnErrorDocument();
    void truncated_keepsOnlyCompleteValues();
    void otherLayouts();
    void signatureMismatchDetails_areNotCopied();
    void entities_areNotExpanded();
    void oversizedValues_areBounded();
    void deepNesting_doesNotHurt();
    void errorDocumentInSuccess();
};

void ErrorResponseParserTest::samples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("status");
    QTest::addColumn<AwsErrorKind>("kind");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("requestId");

    QTest::newRow("AWS S3 NoSuchKey") << "aws_s3_error_no_such_key.xml" << 404 << AwsErrorKind::NoSuchKey << "NoSuchKey"
                                      << "The resource you requested does not exist"
                                      << "4442587FB7D0A2F9";
    QTest::newRow("AWS S3 InternalError in a 200")
        << "aws_s3_complete_multipart_error_200.xml" << 200 << AwsErrorKind::ServiceError << "InternalError"
        << "We encountered an internal error. Please try again."
        << "656c76696e6727732072657175657374";
    QTest::newRow("STS InvalidClientTokenId") << "synthetic_sts_error_invalid_client_token.xml" << 403
                                              << AwsErrorKind::InvalidClientTokenId << "InvalidClientTokenId"
                                              << "The security token included in the request is invalid."
                                              << "4fc0d3ee-efef-11e9-9282-3b7bffe54a9b";
    QTest::newRow("STS AccessDenied") << "synthetic_sts_error_access_denied.xml" << 403 << AwsErrorKind::AccessDenied
                                      << "AccessDenied"
                                      << "User: arn:aws:iam::123456789012:user/james is not authorized to perform: "
                                         "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/S3Access"
                                      << "c6104cbe-af31-11e0-8154-cbc7ccf896c7";
    QTest::newRow("STS MFA") << "synthetic_sts_error_mfa.xml" << 403 << AwsErrorKind::MfaRequiredOrInvalid
                             << "AccessDenied"
                             << "MultiFactorAuthentication failed with invalid MFA one time pass code."
                             << "7c9ab8e1-2f4d-11ee-be56-0242ac120002";
    QTest::newRow("STS ExpiredToken") << "synthetic_sts_error_expired_token.xml" << 400 << AwsErrorKind::ExpiredToken
                                      << "ExpiredToken"
                                      << "The security token included in the request is expired"
                                      << "90caa9d3-e248-4a7f-8fcf-c2a5d54c12b9";
    QTest::newRow("RGW STS AccessDenied, empty Message")
        << "rgw_sts_error_access_denied.xml" << 403 << AwsErrorKind::AccessDenied << "AccessDenied"
        << ""
        << "tx00000778fba6b9bf2a874-006b040c1a-1018-default";
    QTest::newRow("RGW STS wrong secret")
        << "rgw_sts_error_signature.xml" << 403 << AwsErrorKind::AccessDenied << "AccessDenied"
        << ""
        << "tx000008a4cdcd5cf3b6f9d-006b040c1a-1018-default";
    QTest::newRow("RGW STS duration out of range")
        << "rgw_sts_error_duration.xml" << 400 << AwsErrorKind::InvalidParameter << "InvalidArgument"
        << ""
        << "tx00000141e6343dd94d3f1-006b040c1a-1018-default";
    QTest::newRow("RGW STS unknown role")
        << "rgw_sts_error_no_such_role.xml" << 404 << AwsErrorKind::NotFound << "NoSuchEntity"
        << ""
        << "tx000007e70c6e54262b8c7-006b040c1a-1018-default";
    QTest::newRow("RGW GetCallerIdentity not implemented")
        << "rgw_sts_error_get_caller_identity.xml" << 405 << AwsErrorKind::ServiceError << "MethodNotAllowed"
        << ""
        << "tx000002fc13130aa04bdcc-006b040c1a-1018-default";
    QTest::newRow("RGW S3 AccessDenied") << "rgw_s3_error_access_denied.xml" << 403 << AwsErrorKind::AccessDenied
                                         << "AccessDenied"
                                         << ""
                                         << "tx00000c3fd2e9ab60be1ae-006b040c19-1018-default";
    QTest::newRow("RGW S3 NoSuchBucket") << "rgw_s3_error_no_such_bucket.xml" << 404 << AwsErrorKind::NoSuchBucket
                                         << "NoSuchBucket"
                                         << ""
                                         << "tx00000e1080ac1a9d7d964-006b040c1a-1018-default";
    QTest::newRow("RGW S3 NoSuchKey") << "rgw_s3_error_no_such_key.xml" << 404 << AwsErrorKind::NoSuchKey << "NoSuchKey"
                                      << ""
                                      << "tx00000a6b6fb72d392feca-006b040c1a-1018-default";
    QTest::newRow("RGW S3 completion of an unknown upload")
        << "rgw_s3_error_complete_unknown_upload.xml" << 500 << AwsErrorKind::ServiceError << "InternalError"
        << "This multipart completion is already in progress"
        << "tx0000063cea5859870d7b5-006b040c37-1018-default";
}

void ErrorResponseParserTest::samples()
{
    QFETCH(QString, file);
    QFETCH(int, status);
    QFETCH(AwsErrorKind, kind);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QString, requestId);
    const AwsError error = Http::parseErrorResponse(status, sample(file));
    QCOMPARE(error.kind, kind);
    QCOMPARE(error.code, code);
    QCOMPARE(error.message, message);
    QCOMPARE(error.requestId, requestId);
    QCOMPARE(error.httpStatus, status);
    QVERIFY(error.isError());
    QVERIFY(error.userMessage().contains(requestId));
}

void ErrorResponseParserTest::withoutBody_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<AwsErrorKind>("kind");
    QTest::addColumn<bool>("retryable");
    // HEAD requests: S3 answers with the status alone.
    QTest::newRow("301 bucket elsewhere") << 301 << AwsErrorKind::ServiceError << false;
    QTest::newRow("400") << 400 << AwsErrorKind::ServiceError << false;
    QTest::newRow("403") << 403 << AwsErrorKind::AccessDenied << false;
    QTest::newRow("404") << 404 << AwsErrorKind::NotFound << false;
    QTest::newRow("429") << 429 << AwsErrorKind::Throttled << true;
    QTest::newRow("500") << 500 << AwsErrorKind::ServiceError << true;
    QTest::newRow("501") << 501 << AwsErrorKind::ServiceError << false;
    QTest::newRow("503") << 503 << AwsErrorKind::ServiceError << true;
}

void ErrorResponseParserTest::withoutBody()
{
    QFETCH(int, status);
    QFETCH(AwsErrorKind, kind);
    QFETCH(bool, retryable);
    for (const QByteArray &body : {QByteArray(), QByteArray("\r\n")}) {
        const AwsError error = Http::parseErrorResponse(status, body);
        QCOMPARE(error.kind, kind);
        QCOMPARE(error.httpStatus, status);
        QVERIFY(error.code.isEmpty());
        QVERIFY(error.message.isEmpty());
        QCOMPARE(error.isRetryable(), retryable);
        QVERIFY(error.userMessage().contains(QStringLiteral("HTTP %1").arg(status)));
    }
}

void ErrorResponseParserTest::notAnErrorDocument_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("nginx HTML page") << sample(QStringLiteral("synthetic_proxy_bad_gateway.html"));
    QTest::newRow("HTML with a Code element")
        << QByteArray("<html><body><Error><Code>AccessDenied</Code></Error></body></html>");
    QTest::newRow("JSON") << QByteArray(R"({"__type":"AccessDeniedException","message":"no"})");
    QTest::newRow("plain text") << QByteArray("Service Unavailable");
    QTest::newRow("binary") << QByteArray::fromHex("00ff13370badf00d");
    QTest::newRow("another XML document") << sample(QStringLiteral("aws_s3_list_buckets.xml"));
    QTest::newRow("Code outside Error") << QByteArray("<ErrorResponse><Code>AccessDenied</Code></ErrorResponse>");
}

void ErrorResponseParserTest::notAnErrorDocument()
{
    QFETCH(QByteArray, body);
    const AwsError error = Http::parseErrorResponse(502, body);
    QCOMPARE(error.kind, AwsErrorKind::ServiceError);
    QCOMPARE(error.httpStatus, 502);
    QVERIFY(error.code.isEmpty());
    QVERIFY(error.message.isEmpty()); // nothing of a foreign body is copied
    QVERIFY(error.isRetryable());
    QCOMPARE(Http::parseErrorResponse(403, body).kind, AwsErrorKind::AccessDenied);
    QCOMPARE(Http::parseErrorResponse(404, body).kind, AwsErrorKind::NotFound);
}

void ErrorResponseParserTest::truncated_keepsOnlyCompleteValues()
{
    const QByteArray doc = sample(QStringLiteral("aws_s3_error_no_such_key.xml"));
    const AwsError cutInMessage = Http::parseErrorResponse(404, doc.left(doc.indexOf("you requested")));
    QCOMPARE(cutInMessage.code, QStringLiteral("NoSuchKey"));
    QCOMPARE(cutInMessage.kind, AwsErrorKind::NoSuchKey);
    QVERIFY(cutInMessage.message.isEmpty());

    const AwsError cutInCode = Http::parseErrorResponse(403, "<Error><Code>NoSuchBu");
    QVERIFY(cutInCode.code.isEmpty());
    QCOMPARE(cutInCode.kind, AwsErrorKind::AccessDenied); // from the status, not from half a code

    // Broken in the middle of a value: Qt has already handed out the text before the fault.
    const AwsError brokenInCode = Http::parseErrorResponse(404, "<Error><Code>NoSuchBucket&#1;Policy</Code></Error>");
    QVERIFY2(brokenInCode.code.isEmpty(), qPrintable(brokenInCode.code));
    QCOMPARE(brokenInCode.kind, AwsErrorKind::NotFound);
    const AwsError brokenInMessage
        = Http::parseErrorResponse(403, "<Error><Code>AccessDenied</Code><Message>Not for you\x01 at all</Message></Error>");
    QCOMPARE(brokenInMessage.code, QStringLiteral("AccessDenied"));
    QVERIFY2(brokenInMessage.message.isEmpty(), qPrintable(brokenInMessage.message));
}

void ErrorResponseParserTest::otherLayouts()
{
    // EC2-style query errors: <Response><Errors><Error>...</Error></Errors><RequestID/></Response>.
    const AwsError ec2 = Http::parseErrorResponse(
        503,
        "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
        "</Error></Errors><RequestID>bdb11d2c-6f1b-4a2e-9d4e-3d5b0a51d8ab</RequestID></Response>");
    QCOMPARE(ec2.kind, AwsErrorKind::Throttled);
    QCOMPARE(ec2.code, QStringLiteral("RequestLimitExceeded"));
    QCOMPARE(ec2.requestId, QStringLiteral("bdb11d2c-6f1b-4a2e-9d4e-3d5b0a51d8ab"));

    // A namespace prefix, comments, whitespace and an S3 RequestId inside <Error>.
    const AwsError prefixed = Http::parseErrorResponse(
        400,
        "<?xml version=\"1.0\"?>\n<!-- x --><s:ErrorResponse xmlns:s=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        "<s:Error><s:Type>Sender</s:Type><s:Code>\n  RegionDisabledException \n</s:Code>"
        "<s:Message>STS is not activated in this region</s:Message></s:Error>"
        "<s:RequestId>r-1</s:RequestId></s:ErrorResponse>");
    QCOMPARE(prefixed.kind, AwsErrorKind::RegionDisabled);
    QCOMPARE(prefixed.code, QStringLiteral("RegionDisabledException"));
    QCOMPARE(prefixed.requestId, QStringLiteral("r-1"));

    // Only the first Code counts.
    const AwsError twoCodes = Http::parseErrorResponse(403, "<Error><Code>SlowDown</Code><Code>AccessDenied</Code></Error>");
    QCOMPARE(twoCodes.code, QStringLiteral("SlowDown"));
}

void ErrorResponseParserTest::signatureMismatchDetails_areNotCopied()
{
    // AWS's SignatureDoesNotMatch document echoes the canonical request, which carries the session
    // token of temporary credentials. Only Code, Message and RequestId may come out.
    const QByteArray token = "FwoGZXIvYXdzEJr//////////wEaDEXAMPLETOKENcanonicalrequestleak";
    const QByteArray body
        = "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the "
          "signature you provided. Check your key and signing method.</Message>"
          "<AWSAccessKeyId>ASIAEXAMPLE</AWSAccessKeyId>"
          "<StringToSign>AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/us-east-1/s3/aws4_request\nabc</StringToSign>"
          "<SignatureProvided>deadbeef</SignatureProvided><CanonicalRequest>GET\n/\n\nhost:s3.amazonaws.com\n"
          "x-amz-security-token:"
        + token
        + "\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD</CanonicalRequest>"
          "<RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>";
    AwsError error = Http::parseErrorResponse(403, body);
    QCOMPARE(error.kind, AwsErrorKind::SignatureDoesNotMatch);
    error.identity = QStringLiteral("ASIAEXAMPLE");
    error.action = QStringLiteral("s3:ListBucket");
    error.resource = QStringLiteral("s3://data");
    for (const QString &text : {error.code, error.message, error.requestId, error.userMessage()}) {
        QVERIFY2(!text.contains(QString::fromLatin1(token.left(12))), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("deadbeef")), qPrintable(text));
    }
    QVERIFY2(error.userMessage().contains(QLatin1String("secret access key for ASIAEXAMPLE is wrong")),
             qPrintable(error.userMessage()));
}

void ErrorResponseParserTest::entities_areNotExpanded()
{
    const AwsError internal
        = Http::parseErrorResponse(403, "<!DOCTYPE Error [<!ENTITY c \"NoSuchBucket\">]><Error><Code>&c;</Code></Error>");
    QVERIFY(internal.code.isEmpty());
    QCOMPARE(internal.kind, AwsErrorKind::AccessDenied);

    QByteArray laughs = "<!DOCTYPE Error [<!ENTITY a \"aaaaaaaaaa\">";
    for (char c = 'b'; c <= 'j'; ++c)
        laughs += QByteArray("<!ENTITY ") + c + " \"" + QByteArray("&") + char(c - 1) + ";" + QByteArray("&")
            + char(c - 1) + ";&" + char(c - 1) + ";&" + char(c - 1) + ";&" + char(c - 1) + ";\">";
    laughs += "]><Error><Code>SlowDown</Code><Message>&j;</Message></Error>";
    QElapsedTimer timer;
    timer.start();
    const AwsError bomb = Http::parseErrorResponse(503, laughs);
    QVERIFY(timer.elapsed() < 1000);
    QVERIFY(bomb.message.isEmpty());
    QVERIFY(bomb.code.isEmpty());

    const AwsError external = Http::parseErrorResponse(
        403,
        "<!DOCTYPE Error [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Error><Code>AccessDenied</Code>"
        "<Message>&x;</Message></Error>");
    QVERIFY(!external.message.contains(QLatin1String("root:")));
}

void ErrorResponseParserTest::oversizedValues_areBounded()
{
    const QByteArray huge(1 << 20, 'm');
    const AwsError error = Http::parseErrorResponse(500,
                                              "<Error><Code>InternalError</Code><Message>" + huge
                                                  + "</Message><RequestId>" + huge + "</RequestId></Error>");
    QCOMPARE(error.code, QStringLiteral("InternalError"));
    QVERIFY(error.message.size() <= 4096);
    QVERIFY(error.requestId.size() <= 256);
    QVERIFY(error.userMessage().size() < 2000);
    QVERIFY(!error.userMessage().contains(QLatin1Char('\n')));
}

void ErrorResponseParserTest::deepNesting_doesNotHurt()
{
    QByteArray deep = "<Error>";
    for (int i = 0; i < 20000; ++i)
        deep += "<a>";
    deep += "<Code>AccessDenied</Code>";
    for (int i = 0; i < 20000; ++i)
        deep += "</a>";
    deep += "<Code>SlowDown</Code></Error>";
    const AwsError error = Http::parseErrorResponse(503, deep);
    QCOMPARE(error.code, QStringLiteral("SlowDown"));
    QCOMPARE(error.kind, AwsErrorKind::Throttled);
}

void ErrorResponseParserTest::errorDocumentInSuccess()
{
    const AwsError withCode
        = Http::parseErrorDocumentInSuccess(200, sample(QStringLiteral("aws_s3_complete_multipart_error_200.xml")),
                                      QStringLiteral("CompleteMultipartUpload"));
    QCOMPARE(withCode.kind, AwsErrorKind::ServiceError);
    QCOMPARE(withCode.code, QStringLiteral("InternalError"));
    QVERIFY(withCode.isRetryable());

    const AwsError without = Http::parseErrorDocumentInSuccess(200, "<Error><Message>odd</Message></Error>",
                                                         QStringLiteral("CompleteMultipartUpload"));
    QCOMPARE(without.kind, AwsErrorKind::MalformedResponse);
    QVERIFY(without.message.contains(QLatin1String("CompleteMultipartUpload")));
}

QTEST_GUILESS_MAIN(ErrorResponseParserTest)
#include "error_response_parser_test.moc"
