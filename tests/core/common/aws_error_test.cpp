#include "core/common/aws_error.h"

#include <QMetaEnum>
#include <QtTest>

using namespace RoleDrop;

namespace {

// Every kind, so a kind added to the enum without a message shows up here.
QList<AwsErrorKind> allKinds()
{
    QList<AwsErrorKind> kinds;
    for (int k = int(AwsErrorKind::None); k <= int(AwsErrorKind::ServiceError); ++k)
        kinds << AwsErrorKind(k);
    return kinds;
}

AwsError errorOf(AwsErrorKind kind)
{
    AwsError error;
    error.kind = kind;
    error.code = QStringLiteral("SomeCode");
    error.message = QStringLiteral("the server's words");
    error.httpStatus = 400;
    error.requestId = QStringLiteral("REQ-42");
    error.action = QStringLiteral("s3:PutObject");
    error.identity = QStringLiteral("arn:aws:sts::123456789012:assumed-role/S3Access/james");
    error.resource = QStringLiteral("s3://data/report.csv");
    return error;
}

} // namespace

class AwsErrorTest : public QObject
{
    Q_OBJECT

private slots:
    void kindFromCode_data();
    void kindFromCode();
    void kindFromStatusAlone_data();
    void kindFromStatusAlone();
    void mfaFailures_data();
    void mfaFailures();
    void retryable_data();
    void retryable();
    void userMessage_accessDenied();
    void userMessage_perKind_data();
    void userMessage_perKind();
    void userMessage_everyKind();
    void userMessage_serverTextIsBoundedToOneLine();
    void userMessage_localKindsDoNotRepeatTheirText();
    void factories();
};

void AwsErrorTest::kindFromCode_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("status");
    QTest::addColumn<AwsErrorKind>("kind");
    const QList<std::tuple<const char *, int, AwsErrorKind>> table = {
        {"AccessDenied", 403, AwsErrorKind::AccessDenied},
        {"AccessDeniedException", 400, AwsErrorKind::AccessDenied},
        {"ExpiredToken", 400, AwsErrorKind::ExpiredToken},
        {"ExpiredTokenException", 400, AwsErrorKind::ExpiredToken},
        {"TokenRefreshRequired", 400, AwsErrorKind::ExpiredToken},
        {"InvalidClientTokenId", 403, AwsErrorKind::InvalidClientTokenId},
        {"InvalidAccessKeyId", 403, AwsErrorKind::InvalidClientTokenId},
        {"InvalidToken", 400, AwsErrorKind::InvalidClientTokenId},
        {"SignatureDoesNotMatch", 403, AwsErrorKind::SignatureDoesNotMatch},
        {"RequestTimeTooSkewed", 403, AwsErrorKind::RequestTimeTooSkewed},
        {"RequestExpired", 400, AwsErrorKind::RequestTimeTooSkewed},
        {"MalformedPolicyDocument", 400, AwsErrorKind::MalformedPolicyDocument},
        {"PackedPolicyTooLarge", 400, AwsErrorKind::PackedPolicyTooLarge},
        {"RegionDisabledException", 403, AwsErrorKind::RegionDisabled},
        {"InvalidParameterValue", 400, AwsErrorKind::InvalidParameter},
        {"InvalidArgument", 400, AwsErrorKind::InvalidParameter},
        {"ValidationError", 400, AwsErrorKind::InvalidParameter},
        {"NoSuchBucket", 404, AwsErrorKind::NoSuchBucket},
        {"NoSuchKey", 404, AwsErrorKind::NoSuchKey},
        {"NoSuchUpload", 404, AwsErrorKind::NoSuchUpload},
        {"BucketAlreadyExists", 409, AwsErrorKind::BucketAlreadyExists},
        {"BucketAlreadyOwnedByYou", 409, AwsErrorKind::BucketAlreadyExists},
        {"SlowDown", 503, AwsErrorKind::Throttled},
        {"Throttling", 400, AwsErrorKind::Throttled},
        {"ThrottlingException", 400, AwsErrorKind::Throttled},
        {"InternalError", 500, AwsErrorKind::ServiceError},
        {"ServiceUnavailable", 503, AwsErrorKind::ServiceError},
        {"RequestTimeout", 400, AwsErrorKind::Timeout},
        {"NoSuchEntity", 404, AwsErrorKind::NotFound},
        // Codes nobody maps: the status still says "not found" or "slow down", nothing more.
        {"InvalidObjectState", 403, AwsErrorKind::ServiceError},
        {"NoSuchLifecycleConfiguration", 404, AwsErrorKind::NotFound},
        {"SomethingNew", 429, AwsErrorKind::Throttled},
        {"MethodNotAllowed", 405, AwsErrorKind::ServiceError},
        // Codes are case-sensitive, as AWS sends them.
        {"accessdenied", 400, AwsErrorKind::ServiceError},
    };
    for (const auto &[code, status, kind] : table)
        QTest::newRow(code) << QString::fromLatin1(code) << status << kind;
}

void AwsErrorTest::kindFromCode()
{
    QFETCH(QString, code);
    QFETCH(int, status);
    QFETCH(AwsErrorKind, kind);
    QCOMPARE(AwsError::kindFromCode(code, QStringLiteral("Some message"), status), kind);
}

void AwsErrorTest::kindFromStatusAlone_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<AwsErrorKind>("kind");
    QTest::newRow("301") << 301 << AwsErrorKind::ServiceError;
    QTest::newRow("400") << 400 << AwsErrorKind::ServiceError;
    QTest::newRow("401") << 401 << AwsErrorKind::AccessDenied;
    QTest::newRow("403") << 403 << AwsErrorKind::AccessDenied;
    QTest::newRow("404") << 404 << AwsErrorKind::NotFound;
    QTest::newRow("408") << 408 << AwsErrorKind::Timeout;
    QTest::newRow("429") << 429 << AwsErrorKind::Throttled;
    QTest::newRow("500") << 500 << AwsErrorKind::ServiceError;
    QTest::newRow("502") << 502 << AwsErrorKind::ServiceError;
    QTest::newRow("503") << 503 << AwsErrorKind::ServiceError;
    QTest::newRow("0 (no status)") << 0 << AwsErrorKind::ServiceError;
}

void AwsErrorTest::kindFromStatusAlone()
{
    QFETCH(int, status);
    QFETCH(AwsErrorKind, kind);
    QCOMPARE(AwsError::kindFromCode(QString(), QString(), status), kind);
}

void AwsErrorTest::mfaFailures_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<AwsErrorKind>("kind");
    QTest::newRow("AssumeRole wrong code") << "AccessDenied"
                                           << "MultiFactorAuthentication failed with invalid MFA one time pass code. "
                                           << AwsErrorKind::MfaRequiredOrInvalid;
    QTest::newRow("GetSessionToken wrong code")
        << "AccessDenied"
        << "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is "
           "valid and associated with this user."
        << AwsErrorKind::MfaRequiredOrInvalid;
    QTest::newRow("lower-case mfa") << "AccessDeniedException"
                                    << "an mfa token is required" << AwsErrorKind::MfaRequiredOrInvalid;
    QTest::newRow("plain denial") << "AccessDenied"
                                  << "User: arn:aws:iam::123456789012:user/james is not authorized to perform: "
                                     "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/S3Access"
                                  << AwsErrorKind::AccessDenied;
    QTest::newRow("MFA inside a word is not MFA") << "AccessDenied"
                                                  << "Denied for user SMFAX" << AwsErrorKind::AccessDenied;
    QTest::newRow("MFA text on another code") << "InvalidParameterValue"
                                              << "MFA serial number is invalid" << AwsErrorKind::InvalidParameter;
}

void AwsErrorTest::mfaFailures()
{
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(AwsErrorKind, kind);
    QCOMPARE(AwsError::kindFromCode(code, message, 403), kind);
}

void AwsErrorTest::retryable_data()
{
    QTest::addColumn<AwsErrorKind>("kind");
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("retryable");
    QTest::newRow("network") << AwsErrorKind::Network << "" << 0 << true;
    QTest::newRow("timeout") << AwsErrorKind::Timeout << "" << 0 << true;
    QTest::newRow("RequestTimeout") << AwsErrorKind::Timeout << "RequestTimeout" << 400 << true;
    QTest::newRow("throttled") << AwsErrorKind::Throttled << "SlowDown" << 503 << true;
    QTest::newRow("500") << AwsErrorKind::ServiceError << "InternalError" << 500 << true;
    QTest::newRow("503 no code") << AwsErrorKind::ServiceError << "" << 503 << true;
    QTest::newRow("InternalError in a 200") << AwsErrorKind::ServiceError << "InternalError" << 200 << true;
    QTest::newRow("501 not implemented") << AwsErrorKind::ServiceError << "NotImplemented" << 501 << false;
    QTest::newRow("405 (RGW GetCallerIdentity)") << AwsErrorKind::ServiceError << "MethodNotAllowed" << 405 << false;
    QTest::newRow("TLS") << AwsErrorKind::Tls << "" << 0 << false;
    QTest::newRow("cancelled") << AwsErrorKind::Cancelled << "" << 0 << false;
    QTest::newRow("access denied") << AwsErrorKind::AccessDenied << "AccessDenied" << 403 << false;
    QTest::newRow("expired") << AwsErrorKind::ExpiredToken << "ExpiredToken" << 400 << false;
    QTest::newRow("malformed") << AwsErrorKind::MalformedResponse << "" << 200 << false;
    QTest::newRow("no error") << AwsErrorKind::None << "" << 0 << false;
}

void AwsErrorTest::retryable()
{
    QFETCH(AwsErrorKind, kind);
    QFETCH(QString, code);
    QFETCH(int, status);
    QFETCH(bool, retryable);
    AwsError error;
    error.kind = kind;
    error.code = code;
    error.httpStatus = status;
    QCOMPARE(error.isRetryable(), retryable);
}

void AwsErrorTest::userMessage_accessDenied()
{
    AwsError error;
    error.kind = AwsErrorKind::AccessDenied;
    error.code = QStringLiteral("AccessDenied");
    error.httpStatus = 403;
    error.requestId = QStringLiteral("tx0000-rgw");
    error.action = QStringLiteral("s3:ListBucket");
    error.identity = QStringLiteral("arn:aws:iam::123456789012:user/james");
    error.resource = QStringLiteral("s3://data");
    const QString text = error.userMessage();
    QVERIFY2(text.startsWith(QLatin1String("Access denied: arn:aws:iam::123456789012:user/james is not allowed to "
                                           "s3:ListBucket on s3://data. Switch to a role that allows it, or ask your "
                                           "administrator.")),
             qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("tx0000-rgw")), qPrintable(text));
    // RGW's empty <Message/> adds no empty "Server message:".
    QVERIFY2(!text.contains(QLatin1String("Server message")), qPrintable(text));

    error.message = QStringLiteral("Access Denied");
    QVERIFY2(error.userMessage().contains(QLatin1String("Server message: Access Denied")),
             qPrintable(error.userMessage()));

    AwsError anonymous;
    anonymous.kind = AwsErrorKind::AccessDenied;
    QVERIFY2(anonymous.userMessage().startsWith(QLatin1String("Access denied: these credentials are not allowed")),
             qPrintable(anonymous.userMessage()));
}

void AwsErrorTest::userMessage_perKind_data()
{
    QTest::addColumn<AwsErrorKind>("kind");
    QTest::addColumn<QString>("identity");
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("expired") << AwsErrorKind::ExpiredToken << "arn:aws:sts::1:assumed-role/R/s"
                             << ""
                             << QStringList{"session", "expired", "Switch role again",
                                            "arn:aws:sts::1:assumed-role/R/s"};
    QTest::newRow("wrong secret") << AwsErrorKind::SignatureDoesNotMatch << "AKIAIOSFODNN7EXAMPLE"
                                  << "" << QStringList{"secret access key for AKIAIOSFODNN7EXAMPLE is wrong"};
    QTest::newRow("clock skew") << AwsErrorKind::RequestTimeTooSkewed << ""
                                << "" << QStringList{"clock"};
    QTest::newRow("no such bucket") << AwsErrorKind::NoSuchBucket << ""
                                    << "s3://x/some/key" << QStringList{"Bucket 'x' does not exist"};
    QTest::newRow("no such key") << AwsErrorKind::NoSuchKey << ""
                                 << "s3://x/some/key" << QStringList{"s3://x/some/key", "does not exist"};
    QTest::newRow("unknown key id") << AwsErrorKind::InvalidClientTokenId << "AKIAIOSFODNN7EXAMPLE"
                                    << "" << QStringList{"AKIAIOSFODNN7EXAMPLE", "access key"};
    QTest::newRow("MFA") << AwsErrorKind::MfaRequiredOrInvalid << "arn:aws:iam::1:user/james"
                         << "" << QStringList{"MFA", "arn:aws:iam::1:user/james"};
    QTest::newRow("throttled") << AwsErrorKind::Throttled << ""
                               << "" << QStringList{"slow down"};
    QTest::newRow("bucket taken") << AwsErrorKind::BucketAlreadyExists << ""
                                  << "s3://taken" << QStringList{"Bucket 'taken' already exists"};
    QTest::newRow("upload gone") << AwsErrorKind::NoSuchUpload << ""
                                 << "s3://d/big.iso" << QStringList{"s3://d/big.iso", "Start the upload again"};
    QTest::newRow("policy") << AwsErrorKind::MalformedPolicyDocument << ""
                            << "" << QStringList{"policy"};
    QTest::newRow("packed") << AwsErrorKind::PackedPolicyTooLarge << ""
                            << "" << QStringList{"too large"};
    QTest::newRow("region") << AwsErrorKind::RegionDisabled << ""
                            << "" << QStringList{"region"};
}

void AwsErrorTest::userMessage_perKind()
{
    QFETCH(AwsErrorKind, kind);
    QFETCH(QString, identity);
    QFETCH(QString, resource);
    QFETCH(QStringList, mentions);
    AwsError error;
    error.kind = kind;
    error.identity = identity;
    error.resource = resource;
    error.requestId = QStringLiteral("RID-7");
    const QString text = error.userMessage();
    for (const QString &mention : mentions)
        QVERIFY2(text.contains(mention), qPrintable(text + QLatin1String(" / missing: ") + mention));
    QVERIFY2(text.contains(QLatin1String("RID-7")), qPrintable(text));
}

void AwsErrorTest::userMessage_everyKind()
{
    // The message is built from the error's fields only: a secret that is in none of them
    // (as a secret never is) cannot appear, whatever the kind.
    const QString secret = QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    for (const AwsErrorKind kind : allKinds()) {
        const AwsError error = errorOf(kind);
        const QString text = error.userMessage();
        const QString what = QStringLiteral("kind %1: %2").arg(int(kind)).arg(text);
        QVERIFY2(!text.trimmed().isEmpty(), qPrintable(what));
        QVERIFY2(!text.contains(QLatin1Char('\n')), qPrintable(what));
        QVERIFY2(!text.contains(secret), qPrintable(what));
        if (kind != AwsErrorKind::None)
            QVERIFY2(text.contains(QLatin1String("REQ-42")), qPrintable(what));
        // Bare errors (nothing known but the kind) still read as a sentence.
        AwsError bare;
        bare.kind = kind;
        QVERIFY2(bare.userMessage().size() > 10, qPrintable(QString::number(int(kind))));
        QVERIFY2(!bare.userMessage().contains(QLatin1String("()")), qPrintable(bare.userMessage()));
        QVERIFY2(!bare.userMessage().contains(QLatin1String("''")), qPrintable(bare.userMessage()));
    }
}

void AwsErrorTest::userMessage_serverTextIsBoundedToOneLine()
{
    AwsError error;
    error.kind = AwsErrorKind::ServiceError;
    error.message = QStringLiteral("line one\nline two\r\n") + QString(5000, QLatin1Char('x'));
    const QString text = error.userMessage();
    QVERIFY(!text.contains(QLatin1Char('\n')));
    QVERIFY(!text.contains(QLatin1Char('\r')));
    QVERIFY(text.contains(QLatin1String("line one line two")));
    QVERIFY(text.size() < 1000);

    // Object keys may hold line breaks, control characters and bidi overrides ("exe.txt" shown as
    // "txt.exe"): the message shows none of them raw.
    AwsError odd;
    odd.kind = AwsErrorKind::NoSuchKey;
    odd.code = QStringLiteral("No\nSuch\rKey");
    odd.resource = QStringLiteral("s3://data/new\nline\x01"
                                  "bell\x7f")
        + QChar(0x202E) + QStringLiteral("txt.exe");
    odd.requestId = QStringLiteral("id\twith\ttabs");
    const QString shown = odd.userMessage();
    for (const QChar c : shown)
        QVERIFY2(c.category() != QChar::Other_Control && c != QChar(0x202E), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("s3://data/new line")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("id with tabs")), qPrintable(shown));
}

void AwsErrorTest::userMessage_localKindsDoNotRepeatTheirText()
{
    const AwsError malformed
        = AwsError::local(AwsErrorKind::MalformedResponse,
                          QStringLiteral("Cannot read the ListObjectsV2 response: x (line 1, column 2)"));
    QCOMPARE(malformed.userMessage().count(QLatin1String("Cannot read the ListObjectsV2 response")), 1);
    const AwsError network = AwsError::local(AwsErrorKind::Network, QStringLiteral("Connection refused"));
    QCOMPARE(network.userMessage().count(QLatin1String("Connection refused")), 1);
}

void AwsErrorTest::factories()
{
    const AwsError invalid = AwsError::validation(QStringLiteral("DurationSeconds must be between 900 and 43200"));
    QCOMPARE(invalid.kind, AwsErrorKind::Validation);
    QCOMPARE(invalid.message, QStringLiteral("DurationSeconds must be between 900 and 43200"));
    QVERIFY(invalid.isError());
    QVERIFY(!invalid.isRetryable());
    QCOMPARE(invalid.httpStatus, 0);
    QVERIFY(invalid.userMessage().contains(invalid.message));

    const AwsError file = AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Permission denied"));
    QCOMPARE(file.kind, AwsErrorKind::LocalFile);
    QVERIFY(file.code.isEmpty());
    QVERIFY(file.userMessage().contains(QLatin1String("Permission denied")));

    QVERIFY(!AwsError().isError());
}

QTEST_GUILESS_MAIN(AwsErrorTest)
#include "aws_error_test.moc"
