// What Ceph RGW cannot show, against the STS TEST DOUBLE (tests/servers/sts_test_double.py, which verifies
// every request's SigV4 signature with botocore and answers in AWS's ErrorResponse format):
// GetCallerIdentity, ExternalId and MFA trust conditions, DurationSeconds limits, role chaining,
// GetSessionToken, expiry, and refresh (including the MFA prompt).

#include "core/http/aws_http_client.h"
#include "core/auth/credential_provider.h"
#include "core/sts/sts_client.h"
#include "test_world.h"
#include "totp.h"

#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QtEndian>

using namespace RoleDrop;
using RoleDrop::Test::wait;
using RoleDrop::Test::worldValue;


class StsDoubleTest : public QObject
{
    Q_OBJECT

private:
    Http::AwsHttpClient m_http;
    std::optional<Sts::StsClient> m_sts;
    Auth::CredentialProvider *m_provider = nullptr;
    qint64 m_clockAdvance = 0;

    AwsCredentials james() const { return Test::worldKeys("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY", "ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET"); }
    QString mfaCode() const
    {
        return Test::totp(worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_MFA_SEED"), QDateTime::currentSecsSinceEpoch() + m_clockAdvance);
    }

    Sts::AssumeRoleRequest request(const QString &roleArn, int duration = 3600) const
    {
        Sts::AssumeRoleRequest r;
        r.roleArn = roleArn;
        r.roleSessionName = QStringLiteral("double-test");
        r.durationSeconds = duration;
        return r;
    }

    Outcome<Auth::Identity> switchTo(const Sts::AssumeRoleRequest &r)
    {
        return wait<Auth::Identity>([&](QObject *context, auto done) { m_provider->switchRole(r, QString(), QStringLiteral("#0073BB"), Auth::SwitchFrom::CurrentIdentity, context, done); });
    }

    void advanceClock(qint64 seconds)
    {
        QNetworkAccessManager plain;
        QUrl url(worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT") + QStringLiteral("/__test__/advance-clock?seconds=%1").arg(seconds));
        QNetworkReply *reply = plain.post(QNetworkRequest(url), QByteArray());
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        m_clockAdvance += seconds;
        reply->deleteLater();
    }

private slots:
    void initTestCase()
    {
        Http::EndpointConfig endpoint;
        endpoint.customEndpoint = QUrl(worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT"));
        endpoint.tls = Test::testCaTrust();
        m_sts.emplace(&m_http, endpoint);
        m_provider = new Auth::CredentialProvider(this);
    }

    void init() { m_provider->setBaseIdentity(QStringLiteral("james"), james(), *m_sts); }

    void cleanup()
    {
        if (m_clockAdvance != 0)
            advanceClock(-m_clockAdvance);
    }

    void getCallerIdentityNamesTheUser()
    {
        auto who = wait<Sts::CallerIdentity>([&](QObject *context, auto done) { m_provider->whoAmI(context, done); });
        QVERIFY2(who, qPrintable(who ? QString() : who.error().userMessage()));
        QCOMPARE(who->arn, worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_ARN"));
        QCOMPARE(who->account, worldValue("ROLEDROP_TEST_STS_DOUBLE_ACCOUNT"));
        QCOMPARE(m_provider->active().arn, who->arn);
    }

    void wrongSecretAndUnknownKey()
    {
        AwsCredentials wrong = james();
        wrong.secretAccessKey = QStringLiteral("WrongSecretWrongSecretWrongSecret0000000");
        auto who = wait<Sts::CallerIdentity>([&](QObject *context, auto done) { m_sts->getCallerIdentity(Http::fixedCredentials(wrong), context, done); });
        QVERIFY(!who);
        QCOMPARE(who.error().kind, AwsErrorKind::SignatureDoesNotMatch);
        QCOMPARE(who.error().httpStatus, 403);
        QVERIFY(!who.error().userMessage().contains(wrong.secretAccessKey));
        QVERIFY(who.error().userMessage().contains(wrong.accessKeyId));

        AwsCredentials unknown{QStringLiteral("AKIAUNKNOWNKEY000000"), QStringLiteral("x"), QString(), QDateTime()};
        auto nobody = wait<Sts::CallerIdentity>([&](QObject *context, auto done) { m_sts->getCallerIdentity(Http::fixedCredentials(unknown), context, done); });
        QVERIFY(!nobody);
        QCOMPARE(nobody.error().kind, AwsErrorKind::InvalidClientTokenId);
    }

    void clockSkewIsLearnedFromTheServer()
    {
        // Our clock 20 minutes behind: the first request is refused as expired, the client learns the
        // offset from the server's Date header and the retry succeeds.
        m_http.setClockOffsetMs(-20 * 60 * 1000);
        const auto restore = qScopeGuard([this] { m_http.setClockOffsetMs(0); });
        auto who = wait<Sts::CallerIdentity>([&](QObject *context, auto done) { m_provider->whoAmI(context, done); });
        QVERIFY2(who, qPrintable(who ? QString() : who.error().userMessage()));
        QVERIFY(qAbs(m_http.clockOffsetMs()) < 10000);
    }

    void assumedRoleIdentity()
    {
        auto identity = switchTo(request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS")));
        QVERIFY2(identity, qPrintable(identity ? QString() : identity.error().userMessage()));
        QCOMPARE(identity->accountId, worldValue("ROLEDROP_TEST_STS_DOUBLE_ACCOUNT"));
        QCOMPARE(identity->displayName, QStringLiteral("S3Access @ %1").arg(worldValue("ROLEDROP_TEST_STS_DOUBLE_ACCOUNT")));
        auto who = wait<Sts::CallerIdentity>([&](QObject *context, auto done) { m_provider->whoAmI(context, done); });
        QVERIFY(who);
        QVERIFY2(who->arn.endsWith(QStringLiteral(":assumed-role/S3Access/double-test")), qPrintable(who->arn));
    }

    void externalIdCondition()
    {
        const QString role = worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_PARTNER");
        auto missing = switchTo(request(role));
        QVERIFY(!missing);
        QCOMPARE(missing.error().kind, AwsErrorKind::AccessDenied);
        const QString message = missing.error().userMessage();
        QVERIFY2(message.contains(worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_ARN")) || message.contains(QStringLiteral("james")), qPrintable(message));
        QVERIFY2(message.contains(role), qPrintable(message));

        Sts::AssumeRoleRequest wrong = request(role);
        wrong.externalId = QStringLiteral("Partner-0000");
        auto refused = switchTo(wrong);
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, AwsErrorKind::AccessDenied);

        Sts::AssumeRoleRequest right = request(role);
        right.externalId = worldValue("ROLEDROP_TEST_STS_DOUBLE_EXTERNAL_ID");
        QVERIFY(switchTo(right));
    }

    void mfaCondition()
    {
        const QString role = worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_MFA");
        auto noMfa = switchTo(request(role));
        QVERIFY(!noMfa);
        QCOMPARE(noMfa.error().kind, AwsErrorKind::AccessDenied);

        Sts::AssumeRoleRequest wrongCode = request(role);
        wrongCode.serialNumber = worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_MFA_SERIAL");
        wrongCode.tokenCode = mfaCode() == QLatin1String("000000") ? QStringLiteral("111111") : QStringLiteral("000000");
        auto refused = switchTo(wrongCode);
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, AwsErrorKind::MfaRequiredOrInvalid);
        QVERIFY(!refused.error().userMessage().contains(wrongCode.tokenCode));

        Sts::AssumeRoleRequest badForm = wrongCode;
        badForm.tokenCode = QStringLiteral("12345");
        auto local = switchTo(badForm);
        QVERIFY(!local);
        QCOMPARE(local.error().kind, AwsErrorKind::Validation);

        Sts::AssumeRoleRequest right = wrongCode;
        right.tokenCode = mfaCode();
        auto identity = switchTo(right);
        QVERIFY2(identity, qPrintable(identity ? QString() : identity.error().userMessage()));
    }

    void durationLimits()
    {
        auto beyondRoleMax = switchTo(request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"), 7200));
        QVERIFY(!beyondRoleMax);
        QCOMPARE(beyondRoleMax.error().kind, AwsErrorKind::InvalidParameter);
        QVERIFY(beyondRoleMax.error().userMessage().contains(QStringLiteral("MaxSessionDuration")));

        auto longRole = switchTo(request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_LONG"), 43200));
        QVERIFY2(longRole, qPrintable(longRole ? QString() : longRole.error().userMessage()));
        QVERIFY(longRole->expiration > QDateTime::currentDateTimeUtc().addSecs(43000));

        m_provider->backToBase();
        auto tooLong = switchTo(request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_LONG"), 43201));
        QVERIFY(!tooLong);
        QCOMPARE(tooLong.error().kind, AwsErrorKind::Validation);
    }

    void roleChainingCappedAtOneHour()
    {
        QVERIFY(switchTo(request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"))));
        // The double refuses more than 3600 s for a chained role, as AWS does: success shows the cap was applied.
        auto chained = switchTo(request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"), 7200));
        QVERIFY2(chained, qPrintable(chained ? QString() : chained.error().userMessage()));
        QVERIFY(chained->notice.contains(QStringLiteral("1 hour")));
        QVERIFY(chained->expiration <= QDateTime::currentDateTimeUtc().addSecs(3700));
        auto who = wait<Sts::CallerIdentity>([&](QObject *context, auto done) { m_provider->whoAmI(context, done); });
        QVERIFY(who);
        QVERIFY(who->arn.contains(QStringLiteral("assumed-role/ChainTarget/")));
    }

    void mfaSessionWithGetSessionToken()
    {
        Sts::SessionTokenRequest r;
        r.durationSeconds = 129601;
        auto local = wait<Auth::Identity>([&](QObject *context, auto done) { m_provider->startMfaSession(r, context, done); });
        QVERIFY(!local);
        QCOMPARE(local.error().kind, AwsErrorKind::Validation);

        r.durationSeconds = 3600;
        r.serialNumber = worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_MFA_SERIAL");
        r.tokenCode = mfaCode();
        auto session = wait<Auth::Identity>([&](QObject *context, auto done) { m_provider->startMfaSession(r, context, done); });
        QVERIFY2(session, qPrintable(session ? QString() : session.error().userMessage()));
        QCOMPARE(session->kind, Auth::Identity::Kind::MfaSession);
        QVERIFY(m_provider->activeCredentials().isTemporary());
        // From the MFA session, the MFA-protected role opens without another code.
        QVERIFY(switchTo(request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_MFA"))));
    }

    void expiredSessionIsReportedAndRefreshed()
    {
        auto identity = switchTo(request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"), 900));
        QVERIFY(identity);
        const QString firstKey = m_provider->activeCredentials().accessKeyId;
        advanceClock(1000);
        auto expired = wait<Sts::CallerIdentity>([&](QObject *context, auto done) { m_sts->getCallerIdentity(Http::fixedCredentials(m_provider->activeCredentials()), context, done); });
        QVERIFY(!expired);
        QCOMPARE(expired.error().kind, AwsErrorKind::ExpiredToken);
        QVERIFY(expired.error().userMessage().contains(QStringLiteral("expired"), Qt::CaseInsensitive));

        QSignalSpy refreshed(m_provider, &Auth::CredentialProvider::credentialsRefreshed);
        m_provider->refreshNow();
        QVERIFY(refreshed.wait(30000));
        QVERIFY(m_provider->activeCredentials().accessKeyId != firstKey);
        auto who = wait<Sts::CallerIdentity>([&](QObject *context, auto done) { m_sts->getCallerIdentity(Http::fixedCredentials(m_provider->activeCredentials()), context, done); });
        QVERIFY2(who, qPrintable(who ? QString() : who.error().userMessage()));
    }

    void refreshAsksForMfaCode()
    {
        Sts::AssumeRoleRequest r = request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_MFA"));
        r.serialNumber = worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_MFA_SERIAL");
        r.tokenCode = mfaCode();
        QVERIFY(switchTo(r));
        QSignalSpy asked(m_provider, &Auth::CredentialProvider::mfaCodeNeeded);
        QSignalSpy refreshed(m_provider, &Auth::CredentialProvider::credentialsRefreshed);
        m_provider->refreshNow();
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.first().at(0).toString(), r.serialNumber);
        QVERIFY(refreshed.isEmpty());
        m_provider->provideMfaCode(mfaCode());
        QVERIFY(refreshed.wait(30000));
    }

    void automaticRefreshIsScheduledBeforeExpiry()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(!m_provider->refreshDueAt().isValid());  // long-term keys never need one
        QVERIFY(switchTo(request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"), 3600)));
        // One hour: renewed 5 minutes before the end.
        QVERIFY(qAbs(m_provider->refreshDueAt().secsTo(now.addSecs(3300))) < 30);
        m_provider->backToBase();
        QVERIFY(!m_provider->refreshDueAt().isValid());
        // 15 minutes: renewed at 80% of its life (12 minutes), not 5 minutes before.
        QVERIFY(switchTo(request(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"), 900)));
        QVERIFY(qAbs(m_provider->refreshDueAt().secsTo(now.addSecs(720))) < 30);
    }
};

QTEST_GUILESS_MAIN(StsDoubleTest)
#include "sts_double_test.moc"
