#include "core/auth/identity_session.h"

#include <QSignalSpy>
#include <QTest>

using namespace RoleDrop;
using Auth::IdentitySession;

namespace {

AwsCredentials keysUntil(const QString &id, const QDateTime &expiration)
{
    return {id, QStringLiteral("secret-of-") + id, QStringLiteral("token-of-") + id, expiration};
}

Auth::Identity federatedRole()
{
    Auth::Identity identity;
    identity.kind = Auth::Identity::Kind::AssumedRole;
    identity.profileName = QStringLiteral("work-sso");
    identity.displayName = QStringLiteral("S3Access @ RoleDrop Test");
    identity.accountId = QStringLiteral("123456789012");
    return identity;
}

} // namespace

// Sessions renewed by a function of their own (an Identity Center role, a web identity), not by AssumeRole.
class IdentitySessionTest final : public QObject
{
    Q_OBJECT

private slots:
    void renewsItselfBeforeExpiry()
    {
        int calls = 0;
        IdentitySession::Renew renew = [&](QObject *context, ResultHandler<IdentitySession::Renewal> done) -> Http::AwsCall * {
            ++calls;
            const QString id = QStringLiteral("ASIARENEWED%1").arg(calls);
            deliverTo(context, std::move(done))(IdentitySession::Renewal{keysUntil(id, QDateTime::currentDateTimeUtc().addSecs(3600)),
                                                                         QStringLiteral("arn:aws:sts::123456789012:assumed-role/S3Access/james")});
            return nullptr;
        };
        const auto session = IdentitySession::renewedBy(renew, federatedRole(),
                                                        keysUntil(QStringLiteral("ASIAFIRST"), QDateTime::currentDateTimeUtc().addSecs(3)));
        QVERIFY(session->canRefresh());
        QVERIFY(session->isRole());
        QVERIFY(session->renewalDueAt().isValid());
        QVERIFY(session->renewalDueAt() < QDateTime::currentDateTimeUtc().addSecs(3));
        QSignalSpy renewed(session.get(), &IdentitySession::renewed);
        QVERIFY(renewed.wait(5000));
        QCOMPARE(calls, 1);
        QCOMPARE(session->credentials().accessKeyId, QStringLiteral("ASIARENEWED1"));
        QCOMPARE(session->identity().accessKeyId, QStringLiteral("ASIARENEWED1"));
        QCOMPARE(session->identity().arn, QStringLiteral("arn:aws:sts::123456789012:assumed-role/S3Access/james"));
        QVERIFY(session->identity().expiration > QDateTime::currentDateTimeUtc().addSecs(3000));
        // The next renewal is planned before the new expiry, not now.
        QVERIFY(session->renewalDueAt() > QDateTime::currentDateTimeUtc().addSecs(3000));
    }

    void aRefusedRenewalReachesWhoWaits()
    {
        IdentitySession::Renew renew = [](QObject *context, ResultHandler<IdentitySession::Renewal> done) -> Http::AwsCall * {
            AwsError error = AwsError::validation(QStringLiteral("The sign-in has ended: sign in again"));
            deliverTo(context, std::move(done))(error);
            return nullptr;
        };
        const auto session = IdentitySession::renewedBy(renew, federatedRole(),
                                                        keysUntil(QStringLiteral("ASIAFIRST"), QDateTime::currentDateTimeUtc().addSecs(3600)));
        QSignalSpy failed(session.get(), &IdentitySession::renewalFailed);
        std::optional<bool> outcome;
        session->refreshCredentials([&](bool renewed) { outcome = renewed; });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 5000);
        QCOMPARE(*outcome, false);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(1).toBool(), false);   // a refusal is not tried again
        QVERIFY(session->lastRenewalFailure().message.contains(QStringLiteral("sign in again")));
        QCOMPARE(session->credentials().accessKeyId, QStringLiteral("ASIAFIRST"));
    }

    void fixedKeysAreNotRenewed()
    {
        const auto session = IdentitySession::fixed(federatedRole(), keysUntil(QStringLiteral("AKIALONG"), QDateTime()));
        QVERIFY(!session->canRefresh());
        QVERIFY(!session->renewalDueAt().isValid());
    }
};

QTEST_GUILESS_MAIN(IdentitySessionTest)
#include "identity_session_test.moc"
