#include "core/sts/sts_requests.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace RoleDrop;

namespace {

const QString mfaCode = QStringLiteral("493817");

Sts::AssumeRoleRequest validRequest()
{
    Sts::AssumeRoleRequest r;
    r.roleArn = QStringLiteral("arn:aws:iam::123456789012:role/S3Access");
    r.roleSessionName = QStringLiteral("james@laptop");
    return r;
}

// A policy whose compact JSON form is exactly `size` characters: {"Version":"2012-10-17","Sid":"xxx..."}.
QString policyOfCompactSize(int size)
{
    const QString head = QStringLiteral("{\"Version\":\"2012-10-17\",\"Sid\":\"");
    const QString tail = QStringLiteral("\"}");
    return head + QString(size - head.size() - tail.size(), QLatin1Char('x')) + tail;
}

} // namespace

class StsRequestsTest final : public QObject
{
    Q_OBJECT

private slots:
    void assumeRole_data();
    void assumeRole();
    void duration_data();
    void duration();
    void prettyPolicyIsMeasuredAsSent();
    void roleChaining_data();
    void roleChaining();
    void webIdentity_data();
    void webIdentity();
    void sessionToken_data();
    void sessionToken();
    void defaultSessionName_data();
    void defaultSessionName();
    void defaultSessionNameAlwaysValidates();
};

void StsRequestsTest::assumeRole_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("valid");

    // Role ARN forms.
    QTest::newRow("arn aws") << "roleArn" << "arn:aws:iam::123456789012:role/S3Access" << true;
    QTest::newRow("arn rgw empty account") << "roleArn" << "arn:aws:iam:::role/S3Access" << true;
    QTest::newRow("arn with path") << "roleArn" << "arn:aws:iam::123456789012:role/team/ops/Admin" << true;
    QTest::newRow("arn china") << "roleArn" << "arn:aws-cn:iam::123456789012:role/r" << true;
    QTest::newRow("arn govcloud") << "roleArn" << "arn:aws-us-gov:iam::123456789012:role/r" << true;
    QTest::newRow("arn empty") << "roleArn" << "" << false;
    QTest::newRow("arn user") << "roleArn" << "arn:aws:iam::123456789012:user/james" << false;
    QTest::newRow("arn short account") << "roleArn" << "arn:aws:iam::1234:role/r" << false;
    QTest::newRow("arn role name only") << "roleArn" << "S3Access" << false;

    // RoleSessionName: 2-64 of [\w+=,.@-].
    QTest::newRow("session 2 chars") << "roleSessionName" << "ab" << true;
    QTest::newRow("session 1 char") << "roleSessionName" << "a" << false;
    QTest::newRow("session empty") << "roleSessionName" << "" << false;
    QTest::newRow("session 64 chars") << "roleSessionName" << QString(64, QLatin1Char('s')) << true;
    QTest::newRow("session 65 chars") << "roleSessionName" << QString(65, QLatin1Char('s')) << false;
    QTest::newRow("session all allowed chars") << "roleSessionName" << "aZ09_+=,.@-" << true;
    QTest::newRow("session space") << "roleSessionName" << "james laptop" << false;
    QTest::newRow("session slash") << "roleSessionName" << "james/laptop" << false;
    QTest::newRow("session colon") << "roleSessionName" << "james:laptop" << false;
    QTest::newRow("session non-ascii letter") << "roleSessionName" << QStringLiteral("jämes") << false;
    QTest::newRow("session trailing newline") << "roleSessionName" << "james\n" << false;

    // ExternalId: optional, 2-1224 of [\w+=,.@:/-].
    QTest::newRow("external id absent") << "externalId" << "" << true;
    QTest::newRow("external id 2 chars") << "externalId" << "ab" << true;
    QTest::newRow("external id 1 char") << "externalId" << "a" << false;
    QTest::newRow("external id 1224 chars") << "externalId" << QString(1224, QLatin1Char('e')) << true;
    QTest::newRow("external id 1225 chars") << "externalId" << QString(1225, QLatin1Char('e')) << false;
    QTest::newRow("external id colon slash") << "externalId" << "urn:partner/abc-123" << true;
    QTest::newRow("external id all allowed chars") << "externalId" << "aZ09_+=,.@:/-" << true;
    QTest::newRow("external id space") << "externalId" << "a b" << false;
    QTest::newRow("external id quote") << "externalId" << "a\"b" << false;
    QTest::newRow("external id trailing newline") << "externalId" << "partner\n" << false;

    // MFA: serial 9-256 of [\w+=/:,.@-], code exactly 6 digits, both or neither.
    QTest::newRow("mfa arn and code") << "mfa" << "arn:aws:iam::123456789012:mfa/james|" + mfaCode << true;
    QTest::newRow("mfa hardware serial") << "mfa" << "GAHT12345678|" + mfaCode << true;
    QTest::newRow("mfa serial 9 chars") << "mfa" << "ABCDEFGHI|" + mfaCode << true;
    QTest::newRow("mfa serial 8 chars") << "mfa" << "ABCDEFGH|" + mfaCode << false;
    QTest::newRow("mfa serial 256 chars") << "mfa" << QString(256, QLatin1Char('m')) + "|" + mfaCode << true;
    QTest::newRow("mfa serial 257 chars") << "mfa" << QString(257, QLatin1Char('m')) + "|" + mfaCode << false;
    QTest::newRow("mfa serial with space") << "mfa" << "arn:aws:iam::123456789012:mfa/ja mes|" + mfaCode << false;
    QTest::newRow("mfa serial without code") << "mfa" << "arn:aws:iam::123456789012:mfa/james|" << false;
    QTest::newRow("mfa code without serial") << "mfa" << "|" + mfaCode << false;
    QTest::newRow("mfa code 5 digits") << "mfa" << "arn:aws:iam::123456789012:mfa/james|12345" << false;
    QTest::newRow("mfa code 7 digits") << "mfa" << "arn:aws:iam::123456789012:mfa/james|1234567" << false;
    QTest::newRow("mfa code with letter") << "mfa" << "arn:aws:iam::123456789012:mfa/james|12345a" << false;
    QTest::newRow("mfa code with space") << "mfa" << "arn:aws:iam::123456789012:mfa/james|123 456" << false;
    QTest::newRow("mfa code arabic-indic digits") << "mfa" << QStringLiteral("arn:aws:iam::123456789012:mfa/james|\u0661\u0662\u0663\u0664\u0665\u0666") << false;
    QTest::newRow("mfa code trailing newline") << "mfa" << "arn:aws:iam::123456789012:mfa/james|123456\n" << false;

    // Policy: a JSON object whose text is at most 2048 characters.
    QTest::newRow("policy absent") << "policy" << "" << true;
    QTest::newRow("policy object") << "policy"
                                   << R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})" << true;
    QTest::newRow("policy 2048 chars") << "policy" << policyOfCompactSize(2048) << true;
    QTest::newRow("policy 2049 chars") << "policy" << policyOfCompactSize(2049) << false;
    QTest::newRow("policy not json") << "policy" << "Allow everything" << false;
    QTest::newRow("policy truncated") << "policy" << R"({"Version":"2012-10-17")" << false;
    QTest::newRow("policy array") << "policy" << R"([{"Effect":"Allow"}])" << false;
    QTest::newRow("policy string") << "policy" << R"("Allow")" << false;
    QTest::newRow("policy trailing garbage") << "policy" << R"({"Version":"2012-10-17"} x)" << false;
    // STS's pattern for the policy text is [\u0009\u000A\u000D\u0020-\u00FF]+.
    QTest::newRow("policy latin-1 text") << "policy" << QStringLiteral("{\"Sid\":\"caf\u00e9\"}") << true;
    QTest::newRow("policy beyond latin-1") << "policy" << QStringLiteral("{\"Sid\":\"\u65e5\u672c\"}") << false;
}

void StsRequestsTest::assumeRole()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(bool, valid);
    Sts::AssumeRoleRequest request = validRequest();
    if (field == QLatin1String("roleArn")) {
        request.roleArn = value;
    } else if (field == QLatin1String("roleSessionName")) {
        request.roleSessionName = value;
    } else if (field == QLatin1String("externalId")) {
        request.externalId = value;
    } else if (field == QLatin1String("mfa")) {
        request.serialNumber = value.section(QLatin1Char('|'), 0, 0);
        request.tokenCode = value.section(QLatin1Char('|'), 1);
    } else if (field == QLatin1String("policy")) {
        request.policy = value;
    } else {
        QFAIL("unknown field");
    }

    const auto result = Sts::validateAssumeRole(request, false);
    QCOMPARE(result.ok(), valid);
    if (!result.ok()) {
        QCOMPARE(result.error().kind, AwsErrorKind::Validation);
        QVERIFY(!result.error().message.isEmpty());
        // The MFA code is a secret: never in an error text.
        QVERIFY2(request.tokenCode.size() < 4 || !result.error().message.contains(request.tokenCode.trimmed()),
                 qPrintable(result.error().message));
        return;
    }
    // Nothing is changed on the way when no role chaining is involved.
    QCOMPARE(result->request.roleArn, request.roleArn);
    QCOMPARE(result->request.roleSessionName, request.roleSessionName);
    QCOMPARE(result->request.externalId, request.externalId);
    QCOMPARE(result->request.serialNumber, request.serialNumber);
    QCOMPARE(result->request.tokenCode, request.tokenCode);
    QCOMPARE(result->request.policy, request.policy);
    QCOMPARE(result->request.durationSeconds, request.durationSeconds);
    QVERIFY(result->notice.isEmpty());
}

void StsRequestsTest::duration_data()
{
    QTest::addColumn<int>("seconds");
    QTest::addColumn<bool>("valid");
    QTest::newRow("zero") << 0 << false;
    QTest::newRow("negative") << -3600 << false;
    QTest::newRow("899") << 899 << false;
    QTest::newRow("900") << 900 << true;
    QTest::newRow("3600") << 3600 << true;
    QTest::newRow("43200") << 43200 << true;
    QTest::newRow("43201") << 43201 << false;
    QTest::newRow("129600") << 129600 << false;
}

void StsRequestsTest::duration()
{
    QFETCH(int, seconds);
    QFETCH(bool, valid);
    Sts::AssumeRoleRequest request = validRequest();
    request.durationSeconds = seconds;
    const auto result = Sts::validateAssumeRole(request, false);
    QCOMPARE(result.ok(), valid);
    if (valid)
        QCOMPARE(result->request.durationSeconds, seconds);
    else
        QVERIFY2(result.error().message.contains(QString::number(seconds)), qPrintable(result.error().message));
}

void StsRequestsTest::prettyPolicyIsMeasuredAsSent()
{
    // The Policy parameter is sent as typed, and STS's 2048 limit applies to that text: a pretty-printed
    // policy whose compact form fits must be either refused or sent compacted.
    const QString compact = policyOfCompactSize(1900);
    const QString pretty = QString::fromUtf8(QJsonDocument::fromJson(compact.toUtf8()).toJson(QJsonDocument::Indented))
                               .replace(QLatin1String("\n"), QLatin1String("\n") + QString(200, QLatin1Char(' ')));
    QVERIFY(pretty.size() > Sts::StsLimits::maxPolicyLength);
    Sts::AssumeRoleRequest request = validRequest();
    request.policy = pretty;
    const auto result = Sts::validateAssumeRole(request, false);
    QVERIFY2(!result.ok() || result->request.policy.size() <= Sts::StsLimits::maxPolicyLength,
             qPrintable(QStringLiteral("accepted a %1-character policy").arg(result.ok() ? result->request.policy.size() : 0)));
}

void StsRequestsTest::roleChaining_data()
{
    QTest::addColumn<bool>("chained");
    QTest::addColumn<int>("asked");
    QTest::addColumn<int>("sent");
    QTest::addColumn<bool>("notice");
    QTest::newRow("chained 2 hours") << true << 7200 << 3600 << true;
    QTest::newRow("chained 12 hours") << true << 43200 << 3600 << true;
    QTest::newRow("chained 3601") << true << 3601 << 3600 << true;
    QTest::newRow("chained 1 hour") << true << 3600 << 3600 << false;
    QTest::newRow("chained 15 minutes") << true << 900 << 900 << false;
    QTest::newRow("not chained 2 hours") << false << 7200 << 7200 << false;
    QTest::newRow("not chained 12 hours") << false << 43200 << 43200 << false;
}

void StsRequestsTest::roleChaining()
{
    QFETCH(bool, chained);
    QFETCH(int, asked);
    QFETCH(int, sent);
    QFETCH(bool, notice);
    Sts::AssumeRoleRequest request = validRequest();
    request.durationSeconds = asked;
    const auto result = Sts::validateAssumeRole(request, chained);
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result->request.durationSeconds, sent);
    QCOMPARE(!result->notice.isEmpty(), notice);
    if (notice) {
        QVERIFY2(result->notice.contains(QStringLiteral("1 hour")), qPrintable(result->notice));
        QVERIFY2(result->notice.contains(QString::number(asked)), qPrintable(result->notice));
    }
}

void StsRequestsTest::webIdentity_data()
{
    QTest::addColumn<QString>("roleArn");
    QTest::addColumn<QString>("sessionName");
    QTest::addColumn<QString>("token");
    QTest::addColumn<int>("duration");
    QTest::addColumn<QString>("policy");
    QTest::addColumn<QString>("errorPart");  // empty: valid

    const QString arn = QStringLiteral("arn:aws:iam::123456789012:role/WebIdentityRole");
    // A JWT's shape; its secret part must never reach a message.
    const QString token = QStringLiteral("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2VjcmV0LXNpZ25hdHVyZS1ieXRlcw");
    QTest::newRow("valid") << arn << "ada-web" << token << 3600 << "" << "";
    QTest::newRow("valid, 12 h and a policy") << arn << "ada-web" << token << 43200
                                              << R"({"Version":"2012-10-17","Statement":[]})" << "";
    QTest::newRow("not a role ARN") << "arn:aws:iam::123456789012:user/ada" << "ada-web" << token << 3600 << ""
                                    << "role";
    QTest::newRow("session name with a space") << arn << "ada web" << token << 3600 << "" << "Session name";
    QTest::newRow("no token") << arn << "ada-web" << "" << 3600 << "" << "0 characters";
    QTest::newRow("token too long") << arn << "ada-web" << QString(20001, QLatin1Char('a')) << 3600 << ""
                                    << "20001 characters";
    QTest::newRow("899 s") << arn << "ada-web" << token << 899 << "" << "AssumeRoleWithWebIdentity allows 900";
    QTest::newRow("policy not JSON") << arn << "ada-web" << token << 3600 << "{nope" << "not a JSON object";
}

void StsRequestsTest::webIdentity()
{
    QFETCH(QString, roleArn);
    QFETCH(QString, sessionName);
    QFETCH(QString, token);
    QFETCH(int, duration);
    QFETCH(QString, policy);
    QFETCH(QString, errorPart);
    Sts::AssumeRoleWithWebIdentityRequest request{roleArn, sessionName, token, duration, policy};
    const auto validated = Sts::validateAssumeRoleWithWebIdentity(request);
    if (errorPart.isEmpty()) {
        QVERIFY2(validated.ok(), qPrintable(validated.error().message));
        QCOMPARE(validated->webIdentityToken, token);
        QCOMPARE(validated->durationSeconds, duration);
        return;
    }
    QVERIFY(!validated.ok());
    QCOMPARE(validated.error().kind, AwsErrorKind::Validation);
    QVERIFY2(validated.error().message.contains(errorPart), qPrintable(validated.error().message));
    if (token.size() >= 8)
        QVERIFY2(!validated.error().userMessage().contains(token.right(20)), qPrintable(validated.error().userMessage()));
}

void StsRequestsTest::sessionToken_data()
{
    QTest::addColumn<int>("seconds");
    QTest::addColumn<QString>("serial");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("valid");
    const QString serial = QStringLiteral("arn:aws:iam::123456789012:mfa/james");
    QTest::newRow("899") << 899 << "" << "" << false;
    QTest::newRow("900") << 900 << "" << "" << true;
    QTest::newRow("43200") << 43200 << "" << "" << true;
    QTest::newRow("129600") << 129600 << "" << "" << true;
    QTest::newRow("129601") << 129601 << "" << "" << false;
    QTest::newRow("with mfa") << 3600 << serial << mfaCode << true;
    QTest::newRow("serial without code") << 3600 << serial << "" << false;
    QTest::newRow("code without serial") << 3600 << "" << mfaCode << false;
    QTest::newRow("short code") << 3600 << serial << "12345" << false;
    QTest::newRow("short serial") << 3600 << "mfa/jim" << mfaCode << false;
}

void StsRequestsTest::sessionToken()
{
    QFETCH(int, seconds);
    QFETCH(QString, serial);
    QFETCH(QString, code);
    QFETCH(bool, valid);
    const auto result = Sts::validateSessionToken({seconds, serial, code});
    QCOMPARE(result.ok(), valid);
    if (valid) {
        QCOMPARE(result->durationSeconds, seconds);
        QCOMPARE(result->serialNumber, serial);
        QCOMPARE(result->tokenCode, code);
    } else {
        QCOMPARE(result.error().kind, AwsErrorKind::Validation);
        QVERIFY2(code.isEmpty() || !result.error().message.contains(code), qPrintable(result.error().message));
    }
}

void StsRequestsTest::defaultSessionName_data()
{
    QTest::addColumn<QString>("hint");
    QTest::addColumn<QString>("name");
    QTest::newRow("user at host") << "james@laptop" << "james@laptop";
    QTest::newRow("allowed punctuation kept") << "a_b+c=d,e.f@g-h" << "a_b+c=d,e.f@g-h";
    QTest::newRow("spaces dropped") << "James Smith" << "JamesSmith";
    QTest::newRow("slashes and colons dropped") << "DOMAIN\\james:x/y" << "DOMAINjamesxy";
    QTest::newRow("non-ascii dropped") << QStringLiteral("jöhn.dœ") << "jhn.d";
    QTest::newRow("one char padded") << "j" << "roledrop-j";
    QTest::newRow("empty padded") << "" << "roledrop-";
    QTest::newRow("nothing usable padded") << QStringLiteral("日本 語") << "roledrop-";
    QTest::newRow("long cut to 64") << QString(100, QLatin1Char('x')) << QString(64, QLatin1Char('x'));
}

void StsRequestsTest::defaultSessionName()
{
    QFETCH(QString, hint);
    QFETCH(QString, name);
    QCOMPARE(RoleDrop::Sts::defaultSessionName(hint), name);
}

void StsRequestsTest::defaultSessionNameAlwaysValidates()
{
    // Whatever the hint (user names come from the OS, profile names from the user), the result is a
    // session name STS accepts.
    const QString alphabet = QStringLiteral("aZ09 _+=,.@-/\\:;!?\"'\t\n\u00e9\u65e5\U0001F600");
    QRandomGenerator random(424242);
    static const QRegularExpression stsPattern(QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z0-9_+=,.@-]{2,64}")));
    for (int i = 0; i < 2000; ++i) {
        QString hint;
        const int length = int(random.bounded(80));
        for (int j = 0; j < length; ++j)
            hint += alphabet.at(random.bounded(int(alphabet.size())));
        const QString name = RoleDrop::Sts::defaultSessionName(hint);
        if (!stsPattern.match(name).hasMatch())
            QFAIL(qPrintable(QStringLiteral("hint '%1' gave '%2'").arg(hint, name)));
        Sts::AssumeRoleRequest request = validRequest();
        request.roleSessionName = name;
        const auto result = Sts::validateAssumeRole(request, false);
        if (!result.ok())
            QFAIL(qPrintable(QStringLiteral("hint '%1' gave '%2': %3").arg(hint, name, result.error().message)));
    }
}

QTEST_GUILESS_MAIN(StsRequestsTest)
#include "sts_requests_test.moc"
