#include "core/sts/sts_response_parser.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

#include "test_files.h"

using namespace RoleDrop;

namespace {

QByteArray sample(const QString &name)
{
    return Test::xmlSample(name);
}

// The AWS reference's sample token and secret, on one line (as the SDK docs print them).
const QString awsSampleToken = QStringLiteral(
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTfl"
    "fKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvl"
    "Rd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4r"
    "vx3iSIlTJabIQwj2ICCR/oLxBA==");
const QString awsSampleSecret = QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");

// Removes <name>...</name> (first occurrence) from a document.
QByteArray withoutElement(QByteArray doc, const QByteArray &name)
{
    const qsizetype start = doc.indexOf("<" + name + ">");
    const QByteArray close = "</" + name + ">";
    const qsizetype end = doc.indexOf(close, start);
    if (start < 0 || end < 0)
        qFatal("element %s not in sample", name.constData());
    return doc.remove(start, end + close.size() - start);
}

QByteArray withElementText(QByteArray doc, const QByteArray &name, const QByteArray &text)
{
    const QByteArray open = "<" + name + ">";
    const qsizetype start = doc.indexOf(open);
    const qsizetype end = doc.indexOf("</" + name + ">", start);
    if (start < 0 || end < 0)
        qFatal("element %s not in sample", name.constData());
    return doc.replace(start + open.size(), end - start - open.size(), text);
}

void expectNoSecretIn(const QString &message)
{
    // Any 8 characters in a row of the secret or the token would be a leak.
    for (const QString &secret : {awsSampleSecret, awsSampleToken}) {
        for (qsizetype i = 0; i + 8 <= secret.size(); ++i)
            QVERIFY2(!message.contains(secret.mid(i, 8)), qPrintable(message));
    }
}

} // namespace

class StsResponseParserTest : public QObject
{
    Q_OBJECT

private slots:
    void assumeRole_samples_data();
    void assumeRole_samples();
    void assumeRole_rgwAnswer();
    void assumeRoleWithWebIdentity_awsSample();
    void assumeRoleWithWebIdentity_missingCredentials_isMalformed();
    void getSessionToken_awsSample();
    void getCallerIdentity_awsSample();
    void expiration_formats_data();
    void expiration_formats();
    void missingField_isMalformed_data();
    void missingField_isMalformed();
    void badValue_isMalformed_data();
    void badValue_isMalformed();
    void wrongRoot_isMalformed();
    void errorDocumentWith200_isThatError();
    void prefixedNamespace_isRead();
    void unknownElements_areSkipped();
    void doctype_isRefused_data();
    void doctype_isRefused();
    void qtStreamReader_doesNotFetchExternalEntities();
};

void StsResponseParserTest::assumeRole_samples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("keyId");
    QTest::addColumn<QDateTime>("expiration");
    QTest::addColumn<QString>("arn");
    QTest::addColumn<QString>("roleId");
    QTest::addColumn<int>("packedPolicySize");
    QTest::addColumn<QString>("sourceIdentity");

    QTest::newRow("AWS reference (SourceIdentity)")
        << "aws_sts_assume_role.xml"
        << "ASIAIOSFODNN7EXAMPLE" << QDateTime(QDate(2019, 11, 9), QTime(13, 34, 41), Qt::UTC)
        << "arn:aws:sts::123456789012:assumed-role/demo/TestAR"
        << "ARO123EXAMPLE123:TestAR" << 6 << "Alice";
    QTest::newRow("AWS reference 2011 (milliseconds, credentials first)")
        << "aws_sts_assume_role_2011.xml"
        << "AKIAIOSFODNN7EXAMPLE" << QDateTime(QDate(2011, 7, 15), QTime(23, 28, 33, 359), Qt::UTC)
        << "arn:aws:sts::123456789012:assumed-role/demo/Bob"
        << "ARO123EXAMPLE123:Bob" << 6 << "";
}

void StsResponseParserTest::assumeRole_samples()
{
    QFETCH(QString, file);
    QFETCH(QString, keyId);
    QFETCH(QDateTime, expiration);
    QFETCH(QString, arn);
    QFETCH(QString, roleId);
    QFETCH(int, packedPolicySize);
    QFETCH(QString, sourceIdentity);
    const auto result = Sts::parseAssumeRoleResponse(sample(file));
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result->credentials.accessKeyId, keyId);
    // The reference wraps the token and the secret over indented lines: they come back whole.
    QCOMPARE(result->credentials.secretAccessKey, awsSampleSecret);
    QCOMPARE(result->credentials.sessionToken, awsSampleToken);
    QCOMPARE(result->credentials.expiration, expiration);
    QCOMPARE(result->credentials.expiration.timeSpec(), Qt::UTC);
    QVERIFY(result->credentials.isTemporary());
    QCOMPARE(result->assumedRoleUser.arn, arn);
    QCOMPARE(result->assumedRoleUser.assumedRoleId, roleId);
    QCOMPARE(result->packedPolicySize, packedPolicySize);
    QCOMPARE(result->sourceIdentity, sourceIdentity);
}

void StsResponseParserTest::assumeRole_rgwAnswer()
{
    // No XML declaration, no namespace, "AssumeRoleId", nanoseconds: what Ceph RGW 16.2 sends.
    const auto result = Sts::parseAssumeRoleResponse(sample(QStringLiteral("rgw_sts_assume_role.xml")));
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result->credentials.accessKeyId, QStringLiteral("YtXoD6TMUzF9BnEsRtS"));
    QCOMPARE(result->credentials.secretAccessKey, QStringLiteral("2M4T0CV3TD2BB13QHSW1DZBX4UBLO0LWZRVBGYZ"));
    QVERIFY(result->credentials.sessionToken.startsWith(QLatin1String("i0BZMfiBq/hX1RA9")));
    QVERIFY(result->credentials.sessionToken.endsWith(QLatin1String("N01V9ENK7Qw==")));
    QCOMPARE(result->credentials.expiration, QDateTime(QDate(2026, 11, 23), QTime(10, 4, 14, 120), Qt::UTC));
    QCOMPARE(result->assumedRoleUser.arn, QStringLiteral("arn:aws:sts:::assumed-role/S3Access/james-session"));
    QCOMPARE(result->assumedRoleUser.assumedRoleId,
             QStringLiteral("95ef5284-50d2-4766-af21-3a362a62922b:james-session"));
    QCOMPARE(result->packedPolicySize, 0);
}

void StsResponseParserTest::assumeRoleWithWebIdentity_awsSample()
{
    const QByteArray doc = sample(QStringLiteral("aws_sts_assume_role_with_web_identity.xml"));
    const auto result = Sts::parseAssumeRoleWithWebIdentityResponse(doc);
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result->credentials.accessKeyId, QStringLiteral("ASgeIAIOSFODNN7EXAMPLE"));
    QCOMPARE(result->credentials.secretAccessKey, awsSampleSecret);
    QCOMPARE(result->credentials.sessionToken, QStringLiteral("AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE"));
    QCOMPARE(result->credentials.expiration, QDateTime(QDate(2014, 10, 24), QTime(23, 0, 23), Qt::UTC));
    QCOMPARE(result->assumedRoleUser.arn,
             QStringLiteral("arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1"));
    QCOMPARE(result->assumedRoleUser.assumedRoleId, QStringLiteral("AROACLKWSDQRAOEXAMPLE:app1"));
    QCOMPARE(result->subjectFromWebIdentityToken, QStringLiteral("amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A"));
    QCOMPARE(result->audience, QStringLiteral("client.5498841531868486423.1548@apps.example.com"));
    QCOMPARE(result->provider, QStringLiteral("www.amazon.com"));
    QCOMPARE(result->sourceIdentity, QStringLiteral("SourceIdentityValue"));
    QCOMPARE(result->packedPolicySize, -1);
    // Another action's parser refuses it: the root names the action.
    QCOMPARE(Sts::parseAssumeRoleResponse(doc).error().kind, AwsErrorKind::MalformedResponse);
}

void StsResponseParserTest::assumeRoleWithWebIdentity_missingCredentials_isMalformed()
{
    const QByteArray doc = sample(QStringLiteral("aws_sts_assume_role_with_web_identity.xml"));
    const auto noCredentials = Sts::parseAssumeRoleWithWebIdentityResponse(withoutElement(doc, "Credentials"));
    QCOMPARE(noCredentials.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(noCredentials.error().message.contains(QLatin1String("AssumeRoleWithWebIdentityResult")),
             qPrintable(noCredentials.error().message));
    const auto noToken = Sts::parseAssumeRoleWithWebIdentityResponse(withoutElement(doc, "SessionToken"));
    QCOMPARE(noToken.error().kind, AwsErrorKind::MalformedResponse);
    expectNoSecretIn(noToken.error().message);
}

void StsResponseParserTest::getSessionToken_awsSample()
{
    const auto result = Sts::parseGetSessionTokenResponse(sample(QStringLiteral("aws_sts_get_session_token.xml")));
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result->credentials.accessKeyId, QStringLiteral("AKIAIOSFODNN7EXAMPLE"));
    QCOMPARE(result->credentials.secretAccessKey, awsSampleSecret);
    QCOMPARE(result->credentials.sessionToken,
             QStringLiteral("AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrU"
                            "tdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXl"
                            "zBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE"));
    QCOMPARE(result->credentials.expiration, QDateTime(QDate(2011, 7, 11), QTime(19, 55, 29, 611), Qt::UTC));
    // The same document is not an AssumeRole answer.
    QCOMPARE(Sts::parseAssumeRoleResponse(sample(QStringLiteral("aws_sts_get_session_token.xml"))).error().kind,
             AwsErrorKind::MalformedResponse);
}

void StsResponseParserTest::getCallerIdentity_awsSample()
{
    const auto result = Sts::parseGetCallerIdentityResponse(sample(QStringLiteral("aws_sts_get_caller_identity.xml")));
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result->arn, QStringLiteral("arn:aws:iam::123456789012:user/Alice"));
    QCOMPARE(result->userId, QStringLiteral("AIDACKCEVSQ6C2EXAMPLE"));
    QCOMPARE(result->account, QStringLiteral("123456789012"));

    const auto noArn = Sts::parseGetCallerIdentityResponse(
        withoutElement(sample(QStringLiteral("aws_sts_get_caller_identity.xml")), "Arn"));
    QCOMPARE(noArn.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(noArn.error().message.contains(QLatin1String("Arn")), qPrintable(noArn.error().message));
}

void StsResponseParserTest::expiration_formats_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QDateTime>("expected"); // invalid: must be refused

    const QDate day(2011, 7, 15);
    QTest::newRow("milliseconds Z") << QByteArray("2011-07-15T23:28:33.359Z")
                                    << QDateTime(day, QTime(23, 28, 33, 359), Qt::UTC);
    QTest::newRow("no fraction Z") << QByteArray("2011-07-15T23:28:33Z") << QDateTime(day, QTime(23, 28, 33), Qt::UTC);
    QTest::newRow("nanoseconds (RGW)") << QByteArray("2011-07-15T23:28:33.120407865Z")
                                       << QDateTime(day, QTime(23, 28, 33, 120), Qt::UTC);
    QTest::newRow("one digit fraction") << QByteArray("2011-07-15T23:28:33.5Z")
                                        << QDateTime(day, QTime(23, 28, 33, 500), Qt::UTC);
    QTest::newRow("positive offset") << QByteArray("2011-07-16T01:28:33+02:00")
                                     << QDateTime(day, QTime(23, 28, 33), Qt::UTC);
    QTest::newRow("negative offset") << QByteArray("2011-07-15T18:58:33-04:30")
                                     << QDateTime(day, QTime(23, 28, 33), Qt::UTC);
    QTest::newRow("surrounding whitespace")
        << QByteArray("\n  2011-07-15T23:28:33Z \n") << QDateTime(day, QTime(23, 28, 33), Qt::UTC);
    QTest::newRow("no zone (would be local time)") << QByteArray("2011-07-15T23:28:33") << QDateTime();
    QTest::newRow("date only") << QByteArray("2011-07-15") << QDateTime();
    QTest::newRow("space instead of T") << QByteArray("2011-07-15 23:28:33Z") << QDateTime();
    QTest::newRow("month 13") << QByteArray("2011-13-15T23:28:33Z") << QDateTime();
    QTest::newRow("February 30") << QByteArray("2011-02-30T23:28:33Z") << QDateTime();
    QTest::newRow("hour 24") << QByteArray("2011-07-15T24:00:00Z") << QDateTime();
    QTest::newRow("leap second") << QByteArray("2011-07-15T23:59:60Z") << QDateTime();
    QTest::newRow("empty fraction") << QByteArray("2011-07-15T23:28:33.Z") << QDateTime();
    QTest::newRow("ten fraction digits") << QByteArray("2011-07-15T23:28:33.1234567890Z") << QDateTime();
    QTest::newRow("offset without colon") << QByteArray("2011-07-15T23:28:33+0200") << QDateTime();
    QTest::newRow("offset 99 hours") << QByteArray("2011-07-15T23:28:33+99:00") << QDateTime();
    QTest::newRow("trailing garbage") << QByteArray("2011-07-15T23:28:33Zjunk") << QDateTime();
    QTest::newRow("epoch seconds") << QByteArray("1310772513") << QDateTime();
    QTest::newRow("RFC 2822") << QByteArray("Fri, 15 Jul 2011 23:28:33 GMT") << QDateTime();
    QTest::newRow("full-width digits") << QByteArray("\xef\xbc\x92"
                                                     "011-07-15T23:28:33Z")
                                       << QDateTime();
    QTest::newRow("year zero") << QByteArray("0000-07-15T23:28:33Z") << QDateTime();
    QTest::newRow("empty") << QByteArray("") << QDateTime();
}

void StsResponseParserTest::expiration_formats()
{
    QFETCH(QByteArray, text);
    QFETCH(QDateTime, expected);
    const auto result = Sts::parseAssumeRoleResponse(
        withElementText(sample(QStringLiteral("aws_sts_assume_role.xml")), "Expiration", text));
    if (expected.isValid()) {
        QVERIFY2(result.ok(), qPrintable(result.error().message));
        QCOMPARE(result->credentials.expiration, expected);
        QCOMPARE(result->credentials.expiration.timeSpec(), Qt::UTC);
    } else {
        QVERIFY(!result.ok());
        QCOMPARE(result.error().kind, AwsErrorKind::MalformedResponse);
        QVERIFY2(result.error().message.contains(QLatin1String("Expiration")), qPrintable(result.error().message));
        QVERIFY2(result.error().message.contains(QLatin1String("AssumeRole")), qPrintable(result.error().message));
    }
}

void StsResponseParserTest::missingField_isMalformed_data()
{
    QTest::addColumn<QByteArray>("removed");
    for (const char *name :
         {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "Credentials", "AssumeRoleResult", "Arn"})
        QTest::newRow(name) << QByteArray(name);
}

void StsResponseParserTest::missingField_isMalformed()
{
    QFETCH(QByteArray, removed);
    for (const QString &file : {QStringLiteral("aws_sts_assume_role.xml"), QStringLiteral("rgw_sts_assume_role.xml")}) {
        const auto result = Sts::parseAssumeRoleResponse(withoutElement(sample(file), removed));
        QVERIFY2(!result.ok(), qPrintable(file));
        QCOMPARE(result.error().kind, AwsErrorKind::MalformedResponse);
        QVERIFY2(result.error().message.contains(QString::fromLatin1(removed)), qPrintable(result.error().message));
        QVERIFY2(result.error().message.contains(QLatin1String("line")), qPrintable(result.error().message));
        expectNoSecretIn(result.error().message);
    }
    // An element that is there but empty is as bad as a missing one.
    if (removed != "Credentials" && removed != "AssumeRoleResult") {
        const auto empty = Sts::parseAssumeRoleResponse(
            withElementText(sample(QStringLiteral("aws_sts_assume_role.xml")), removed, "  "));
        QCOMPARE(empty.error().kind, AwsErrorKind::MalformedResponse);
    }
}

void StsResponseParserTest::badValue_isMalformed_data()
{
    QTest::addColumn<QByteArray>("document");
    const QByteArray doc = sample(QStringLiteral("aws_sts_assume_role.xml"));
    QTest::newRow("negative PackedPolicySize") << withElementText(doc, "PackedPolicySize", "-6");
    QTest::newRow("text PackedPolicySize") << withElementText(doc, "PackedPolicySize", "six");
    QTest::newRow("huge PackedPolicySize") << withElementText(doc, "PackedPolicySize", "99999999999999999999");
    QTest::newRow("PackedPolicySize beyond int") << withElementText(doc, "PackedPolicySize", "2147483648");
    QTest::newRow("element inside SessionToken")
        << withElementText(doc, "SessionToken", "AQoDYXdzEPT<Secret>x</Secret>oLxBA==");
    QTest::newRow("two AccessKeyIds") << QByteArray(doc).replace("<AccessKeyId>",
                                                                 "<AccessKeyId>ASIAOTHER</AccessKeyId><AccessKeyId>");
    QTest::newRow("two Credentials") << QByteArray(doc).replace("<PackedPolicySize>",
                                                                "<Credentials/><PackedPolicySize>");
    QTest::newRow("second root element") << doc + "<AssumeRoleResponse/>";
    QTest::newRow("text after the root") << doc + "trailing";
    QTest::newRow("truncated") << doc.left(doc.indexOf("</Credentials>"));
    QTest::newRow("empty body") << QByteArray();
    QTest::newRow("whitespace body") << QByteArray(" \r\n\t ");
    QTest::newRow("JSON body") << QByteArray(R"({"Credentials":{"AccessKeyId":"ASIA"}})");
    QTest::newRow("invalid UTF-8") << QByteArray(doc).replace("Alice", "Al\xff\xfe");
    QTest::newRow("NUL byte") << QByteArray(doc).replace("Alice", QByteArray("Al\0ce", 5));
    QTest::newRow("undeclared entity") << QByteArray(doc).replace("Alice", "&alice;");
    // Qt names the undeclared entity in its message ("Entity 'wJalrXUtnFEMI' not declared."):
    // inside a secret, that name is part of the secret.
    QTest::newRow("entity made of the secret") << QByteArray(doc).replace("wJalrXUtnFEMI/", "&wJalrXUtnFEMI;/");
    QTest::newRow("namespace prefix made of the token") << QByteArray(doc).replace(
        "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW", "wEXAMPLE<tc764bNrC9:SAPBSM22wDOk4x4HIZ8j4FZTwdQW>");
    QTest::newRow("undeclared namespace prefix")
        << QByteArray(doc).replace("<AssumeRoleResult>", "<x:AssumeRoleResult>");
}

void StsResponseParserTest::badValue_isMalformed()
{
    QFETCH(QByteArray, document);
    const auto result = Sts::parseAssumeRoleResponse(document);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(result.error().message.startsWith(QLatin1String("Cannot read the AssumeRole response: ")),
             qPrintable(result.error().message));
    expectNoSecretIn(result.error().message);
    expectNoSecretIn(result.error().userMessage());
}

void StsResponseParserTest::wrongRoot_isMalformed()
{
    const auto result = Sts::parseGetSessionTokenResponse(sample(QStringLiteral("aws_sts_assume_role.xml")));
    QCOMPARE(result.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(result.error().message.contains(QLatin1String("<AssumeRoleResponse>")),
             qPrintable(result.error().message));
    QVERIFY2(result.error().message.contains(QLatin1String("<GetSessionTokenResponse>")),
             qPrintable(result.error().message));

    const auto html = Sts::parseAssumeRoleResponse(sample(QStringLiteral("synthetic_proxy_bad_gateway.html")));
    QCOMPARE(html.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(html.error().message.contains(QLatin1String("<html>")), qPrintable(html.error().message));
}

void StsResponseParserTest::errorDocumentWith200_isThatError()
{
    // A proxy or a buggy server may send an error document with 200: it is that error, not a success.
    const auto aws = Sts::parseAssumeRoleResponse(sample(QStringLiteral("synthetic_sts_error_access_denied.xml")));
    QCOMPARE(aws.error().kind, AwsErrorKind::AccessDenied);
    QCOMPARE(aws.error().code, QStringLiteral("AccessDenied"));
    const auto rgw = Sts::parseAssumeRoleResponse(sample(QStringLiteral("rgw_sts_error_duration.xml")));
    QCOMPARE(rgw.error().kind, AwsErrorKind::InvalidParameter);
    QCOMPARE(rgw.error().code, QStringLiteral("InvalidArgument"));
    const auto noCode = Sts::parseAssumeRoleResponse("<ErrorResponse><Error><Message>x</Message></Error></ErrorResponse>");
    QCOMPARE(noCode.error().kind, AwsErrorKind::MalformedResponse);
}

void StsResponseParserTest::prefixedNamespace_isRead()
{
    QByteArray doc = sample(QStringLiteral("aws_sts_get_caller_identity.xml"));
    doc.replace("<GetCallerIdentityResponse xmlns=", "<sts:GetCallerIdentityResponse xmlns:sts=")
        .replace("</GetCallerIdentityResponse>", "</sts:GetCallerIdentityResponse>")
        .replace("<Arn>", "<sts:Arn>")
        .replace("</Arn>", "</sts:Arn>");
    const auto result = Sts::parseGetCallerIdentityResponse(doc);
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result->arn, QStringLiteral("arn:aws:iam::123456789012:user/Alice"));
}

void StsResponseParserTest::unknownElements_areSkipped()
{
    // Elements AWS may add later, with nested content, must not disturb the known ones.
    QByteArray doc = sample(QStringLiteral("aws_sts_assume_role.xml"));
    doc.replace("<Credentials>",
                "<Future><Credentials><AccessKeyId>WRONG</AccessKeyId></Credentials></Future>"
                "<!-- comment --><Credentials><?pi data?>");
    const auto result = Sts::parseAssumeRoleResponse(doc);
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result->credentials.accessKeyId, QStringLiteral("ASIAIOSFODNN7EXAMPLE"));
}

void StsResponseParserTest::doctype_isRefused_data()
{
    QTest::addColumn<QByteArray>("document");
    const QByteArray body = sample(QStringLiteral("aws_sts_assume_role.xml"));

    QTest::newRow("internal entity in AccessKeyId")
        << QByteArray("<!DOCTYPE AssumeRoleResponse [<!ENTITY k \"ASIAINJECTED\">]>")
            + QByteArray(body).replace("ASIAIOSFODNN7EXAMPLE", "&k;");

    QByteArray laughs = "<?xml version=\"1.0\"?><!DOCTYPE AssumeRoleResponse [<!ENTITY lol0 \"lollollollollol\">";
    for (int i = 1; i <= 9; ++i) {
        laughs += "<!ENTITY lol" + QByteArray::number(i) + " \"";
        for (int j = 0; j < 10; ++j)
            laughs += "&lol" + QByteArray::number(i - 1) + ";";
        laughs += "\">";
    }
    laughs += "]>" + QByteArray(body).replace("ASIAIOSFODNN7EXAMPLE", "&lol9;");
    QTest::newRow("billion laughs") << laughs;

    QTest::newRow("external entity")
        << QByteArray("<!DOCTYPE AssumeRoleResponse [<!ENTITY k SYSTEM \"file:///etc/hostname\">]>")
            + QByteArray(body).replace("ASIAIOSFODNN7EXAMPLE", "ASIA&k;");
    QTest::newRow("external DTD") << QByteArray("<!DOCTYPE AssumeRoleResponse SYSTEM \"http://127.0.0.1:9/x.dtd\">")
            + body;
    QTest::newRow("parameter entity") << QByteArray("<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>")
            + body;
}

void StsResponseParserTest::doctype_isRefused()
{
    QFETCH(QByteArray, document);
    QElapsedTimer timer;
    timer.start();
    const auto result = Sts::parseAssumeRoleResponse(document);
    QVERIFY2(timer.elapsed() < 1000, "a DOCTYPE must be refused before any expansion");
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(result.error().message.contains(QLatin1String("DOCTYPE")), qPrintable(result.error().message));

    QFile hostname(QStringLiteral("/etc/hostname"));
    if (hostname.open(QIODevice::ReadOnly)) {
        const QString host = QString::fromUtf8(hostname.readAll()).trimmed();
        if (!host.isEmpty())
            QVERIFY(!result.error().message.contains(host));
    }
}

void StsResponseParserTest::qtStreamReader_doesNotFetchExternalEntities()
{
    // What the DOCTYPE refusal guards against, checked on Qt itself: external entities are never
    // fetched (they expand to nothing) and internal ones stop at the expansion limit.
    QFile hostname(QStringLiteral("/etc/hostname"));
    if (!hostname.open(QIODevice::ReadOnly))
        QSKIP("no /etc/hostname to try to read");
    const QByteArray host = hostname.readAll().trimmed();
    QXmlStreamReader external("<!DOCTYPE r [<!ENTITY k SYSTEM \"file:///etc/hostname\">]><r>[&k;]</r>");
    QString text;
    while (!external.atEnd()) {
        if (external.readNext() == QXmlStreamReader::Characters)
            text += external.text();
    }
    QVERIFY(!external.hasError());
    QVERIFY(!host.isEmpty());
    QVERIFY(!text.contains(QString::fromUtf8(host)));
    QCOMPARE(text, QStringLiteral("[]"));
}

QTEST_GUILESS_MAIN(StsResponseParserTest)
#include "sts_response_parser_test.moc"
