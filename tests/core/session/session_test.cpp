// Session, the composition root the window and the CLI share: opening profiles from RoleDrop's store, from
// ~/.aws (with a role chain) and from the environment, one role-history path, switching from the base or the
// current identity (which key signed each AssumeRole, from the double's log), a refused duration's advice, who-am-I (with the fallback for servers without GetCallerIdentity), the presign end time,
// and a profile removed while open. Against the STS + S3 test double and Ceph RGW.
#include "core/session/session.h"
#include "test_double_knobs.h"
#include "test_session.h"
#include "test_world.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using RoleDrop::Test::SessionFixture;
using RoleDrop::Test::wait;
using RoleDrop::Test::worldValue;

namespace {

void writeText(const QString &path, const QByteArray &text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

} // namespace

class SessionTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // A ~/.aws pair whose "chain" profile assumes S3Access (at the double) from "base"'s keys.
    void useAwsFiles()
    {
        const QString config = m_dir.filePath(QStringLiteral("aws-config"));
        const QString credentials = m_dir.filePath(QStringLiteral("aws-credentials"));
        writeText(config, "[profile base]\nregion = us-east-1\nendpoint_url = " + worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT").toUtf8()
                              + "\n\n[profile chain]\nrole_arn = " + worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS").toUtf8()
                              + "\nsource_profile = base\nrole_session_name = chain-test\n");
        writeText(credentials, "[base]\naws_access_key_id = " + worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY").toUtf8()
                                   + "\naws_secret_access_key = " + worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET").toUtf8() + "\n");
        qputenv("AWS_CONFIG_FILE", config.toUtf8());
        qputenv("AWS_SHARED_CREDENTIALS_FILE", credentials.toUtf8());
    }

private slots:
    void cleanup()
    {
        for (const char *name : {"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"})
            qunsetenv(name);
    }

    void openAKeychainProfile()
    {
        SessionFixture session(QStringLiteral("session-open"));
        QSignalSpy opened(session.get(), &Sessions::Session::profileOpened);
        QVERIFY(session.addProfile(SessionFixture::stsDoubleJames(QStringLiteral("james")), SessionFixture::stsDoubleJamesSecret()));
        const auto result = session.open(QStringLiteral("james"));
        QVERIFY2(result, qPrintable(result ? QString() : result.error().userMessage()));
        QCOMPARE(result->source, QStringLiteral("keychain"));
        QCOMPARE(result->identity.kind, Auth::Identity::Kind::BaseUser);
        QCOMPARE(session->activeProfile(), QStringLiteral("james"));
        QCOMPARE(session->endpoint().customEndpoint, QUrl(worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT")));
        QCOMPARE(opened.count(), 1);
        QVERIFY(session->s3());
        QCOMPARE(session->s3()->identityName(), session->identity().nameForErrors());
    }

    void openAnAwsProfileAssumesItsChainWithoutRecordingIt()
    {
        useAwsFiles();
        SessionFixture session(QStringLiteral("session-aws"));
        session->profiles().reloadAwsConfig();
        QSignalSpy remembered(session.get(), &Sessions::Session::rolesRemembered);
        const auto result = session.open(QStringLiteral("chain"));
        QVERIFY2(result, qPrintable(result ? QString() : result.error().userMessage()));
        QCOMPARE(result->source, QStringLiteral("~/.aws"));
        QCOMPARE(result->identity.kind, Auth::Identity::Kind::AssumedRole);
        QVERIFY(result->identity.arn.contains(QStringLiteral("assumed-role/S3Access/chain-test")));
        QCOMPARE(session->identityChain().size(), 2);
        // ~/.aws profiles are not in RoleDrop's list: their chains are not remembered as recent roles.
        QCOMPARE(remembered.count(), 0);
        QVERIFY(session->recentRoles(QStringLiteral("chain")).isEmpty());
    }

    void openTheEnvironmentWithOverrides()
    {
        qputenv("AWS_ACCESS_KEY_ID", worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY").toUtf8());
        qputenv("AWS_SECRET_ACCESS_KEY", worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET").toUtf8());
        SessionFixture session(QStringLiteral("session-env"));
        Sessions::ProfileOverrides overrides;
        overrides.region = QStringLiteral("eu-central-1");
        overrides.endpointUrl = worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT");
        overrides.pathStyle = true;
        const auto result = wait<Sessions::OpenedProfile>([&](QObject *context, auto done) {
            session->openProfile(QString(), context, done, overrides);
        });
        QVERIFY2(result, qPrintable(result ? QString() : result.error().userMessage()));
        QCOMPARE(result->source, QStringLiteral("environment"));
        QCOMPARE(session->endpoint().region, QStringLiteral("eu-central-1"));
        QVERIFY(session->endpoint().pathStyle);
        const auto who = wait<Sessions::WhoAmI>([&](QObject *context, auto done) { session->whoAmI(context, done); });
        QVERIFY(who && who->fromServer);
        QCOMPARE(who->arn, worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_ARN"));
    }

    void aMissingProfileFailsClearly()
    {
        SessionFixture session(QStringLiteral("session-missing"));
        QSignalSpy failed(session.get(), &Sessions::Session::profileFailed);
        const auto result = session.open(QStringLiteral("nobody"));
        QVERIFY(!result);
        QVERIFY(result.error().userMessage().contains(QStringLiteral("nobody")));
        QCOMPARE(failed.count(), 1);
        QVERIFY(!session->hasIdentity());
    }

    void switchingRecordsRecentRolesAndChainsOnlyWhenAsked()
    {
        SessionFixture session(QStringLiteral("session-switch"));
        QVERIFY(session.openProfile(SessionFixture::stsDoubleJames(QStringLiteral("james")), SessionFixture::stsDoubleJamesSecret()));
        QSignalSpy remembered(session.get(), &Sessions::Session::rolesRemembered);
        QVERIFY(session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS")));
        QCOMPARE(remembered.count(), 1);
        QCOMPARE(session->recentRoles(QStringLiteral("james")).size(), 1);
        QCOMPARE(session->identityChain().size(), 2);

        // From the base identity (the default of a switch in the console): james -> LongRole, not chained.
        auto fromBase = session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_LONG"), Auth::SwitchFrom::BaseIdentity);
        QVERIFY(fromBase);
        QCOMPARE(session->identityChain().size(), 2);
        QVERIFY(fromBase->notice.isEmpty());

        // ChainTarget trusts only sessions of S3Access: reachable only by chaining from it.
        QVERIFY(!session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"), Auth::SwitchFrom::BaseIdentity));
        QVERIFY(session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS")));
        const auto chained = session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"), Auth::SwitchFrom::CurrentIdentity);
        QVERIFY2(chained, qPrintable(chained ? QString() : chained.error().userMessage()));
        const QList<Auth::Identity> chain = session->identityChain();
        QCOMPARE(chain.size(), 3);
        QCOMPARE(chain.at(0).kind, Auth::Identity::Kind::BaseUser);
        QVERIFY(chain.at(1).roleArn.endsWith(QStringLiteral("/S3Access")));
        QVERIFY(chain.at(2).roleArn.endsWith(QStringLiteral("/ChainTarget")));

        session->backToBase();
        QCOMPARE(session->identity().kind, Auth::Identity::Kind::BaseUser);
        QCOMPARE(session->identityChain().size(), 1);
    }

    void switchingFromARoleGoesFromTheBaseUnlessChainingIsAsked()
    {
        SessionFixture session(QStringLiteral("session-from-base"));
        QVERIFY(session.openProfile(SessionFixture::stsDoubleJames(QStringLiteral("james-base")), SessionFixture::stsDoubleJamesSecret()));
        const QString jamesKey = worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY");
        const auto s3Access = session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"));
        QVERIFY(s3Access);

        // In S3Access, a switch by default is signed by james's own key, and lasts the 2 hours asked.
        int since = Test::doubleLogSeq();
        const auto longRole = session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_LONG"), Auth::SwitchFrom::BaseIdentity,
                                                 QString(), 7200);
        QVERIFY2(longRole, qPrintable(longRole ? QString() : longRole.error().userMessage()));
        QCOMPARE(Test::assumeRoleSigner(since), jamesKey);
        QVERIFY(QDateTime::currentDateTimeUtc().secsTo(longRole->expiration) > 3600 + 60);
        QCOMPARE(session->identityChain().size(), 2);

        // Chaining, asked for: signed by the role session's key, capped at one hour (and said so).
        QVERIFY(session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS")));
        const QString roleKey = session->identity().accessKeyId;
        since = Test::doubleLogSeq();
        const auto chained = session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"), Auth::SwitchFrom::CurrentIdentity,
                                                QString(), 7200);
        QVERIFY2(chained, qPrintable(chained ? QString() : chained.error().userMessage()));
        QCOMPARE(Test::assumeRoleSigner(since), roleKey);
        QVERIFY(roleKey != jamesKey);
        QVERIFY(QDateTime::currentDateTimeUtc().secsTo(chained->expiration) <= 3600 + 5);
        QVERIFY2(chained->notice.contains(QLatin1String("1 hour")), qPrintable(chained->notice));
        QCOMPARE(session->identityChain().size(), 3);
    }

    void aProfilesOwnRoleChainIsItsBase()
    {
        useAwsFiles();
        SessionFixture session(QStringLiteral("session-aws-base"));
        session->profiles().reloadAwsConfig();
        QVERIFY(session.open(QStringLiteral("chain")));
        const QString profileRoleKey = session->identity().accessKeyId;
        QCOMPARE(session->baseIdentity().accessKeyId, profileRoleKey);
        // ChainTarget trusts S3Access sessions only: from this profile's base (its S3Access) it works by default.
        const int since = Test::doubleLogSeq();
        const auto target = session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"));
        QVERIFY2(target, qPrintable(target ? QString() : target.error().userMessage()));
        QCOMPARE(Test::assumeRoleSigner(since), profileRoleKey);
        session->backToBase();
        QCOMPARE(session->identity().accessKeyId, profileRoleKey);
        QVERIFY(session->inRole());
    }

    void aDurationAboveTheRolesMaximumIsAdvised()
    {
        SessionFixture session(QStringLiteral("session-duration"));
        QVERIFY(session.openProfile(SessionFixture::stsDoubleJames(QStringLiteral("james-duration")), SessionFixture::stsDoubleJamesSecret()));
        // S3Access's MaxSessionDuration is one hour: AWS (and the double) answer ValidationError.
        const auto refused = session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"), Auth::SwitchFrom::BaseIdentity,
                                                QString(), 7200);
        QVERIFY(!refused);
        const QString message = refused.error().userMessage();
        QVERIFY2(message.contains(QLatin1String("maximum session duration may be lower")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("1 hour (3600 s)")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("ValidationError")), qPrintable(message));
        QVERIFY(session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"), Auth::SwitchFrom::BaseIdentity, QString(), 3600));
    }

    void whoAmIFallsBackWhereTheServerHasNoGetCallerIdentity()
    {
        SessionFixture session(QStringLiteral("session-rgw"));
        QVERIFY(session.openProfile(SessionFixture::rgwJames(QStringLiteral("james-rgw")), SessionFixture::rgwJamesSecret()));
        const auto who = wait<Sessions::WhoAmI>([&](QObject *context, auto done) { session->whoAmI(context, done); });
        QVERIFY2(who, qPrintable(who ? QString() : who.error().userMessage()));
        QVERIFY(!who->fromServer);
        QCOMPARE(who->accessKeyId, worldValue("ROLEDROP_TEST_JAMES_KEY"));
        QVERIFY(who->note.contains(QStringLiteral("GetCallerIdentity")));
    }

    void presignEndsWithTheRoleSession()
    {
        SessionFixture session(QStringLiteral("session-presign"));
        QVERIFY(session.openProfile(SessionFixture::stsDoubleJames(QStringLiteral("james")), SessionFixture::stsDoubleJamesSecret()));
        QVERIFY(session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS")));
        const auto week = session->presign("GET", QStringLiteral("double-data"), QStringLiteral("x"), 7 * 86400);
        QVERIFY(week);
        QVERIFY(week->cutBySession);
        QCOMPARE(week->end, session->identity().expiration);
        QVERIFY(week->url.query().contains(QStringLiteral("X-Amz-Security-Token")));
        const auto minutes = session->presign("GET", QStringLiteral("double-data"), QStringLiteral("x"), 600);
        QVERIFY(minutes && !minutes->cutBySession);
    }

    void removingTheOpenProfileLeavesNoIdentity()
    {
        SessionFixture session(QStringLiteral("session-remove"));
        QVERIFY(session.openOfflineProfile(QStringLiteral("soon-gone")));
        QVERIFY(session->hasIdentity());
        QVERIFY(wait<Done>([&](QObject *context, auto done) { session->profiles().remove(QStringLiteral("soon-gone"), context, done); }));
        QVERIFY(!session->hasIdentity());
        QVERIFY(!session->s3());
        QVERIFY(session->activeProfile().isEmpty());
    }

    void aLaterOpenWins()
    {
        SessionFixture session(QStringLiteral("session-race"));
        QVERIFY(session.addProfile(SessionFixture::stsDoubleJames(QStringLiteral("first")), SessionFixture::stsDoubleJamesSecret()));
        QVERIFY(session.addProfile(SessionFixture::stsDoubleJames(QStringLiteral("second")), SessionFixture::stsDoubleJamesSecret()));
        std::optional<Outcome<Sessions::OpenedProfile>> first, second;
        QObject context;
        session->openProfile(QStringLiteral("first"), &context, [&](Outcome<Sessions::OpenedProfile> r) { first.emplace(r); });
        session->openProfile(QStringLiteral("second"), &context, [&](Outcome<Sessions::OpenedProfile> r) { second.emplace(r); });
        QTRY_VERIFY(first.has_value() && second.has_value());
        QVERIFY(!first->ok());
        QCOMPARE(first->error().kind, AwsErrorKind::Cancelled);
        QVERIFY(second->ok());
        QCOMPARE(session->activeProfile(), QStringLiteral("second"));
    }
};

QTEST_GUILESS_MAIN(SessionTest)
#include "session_test.moc"
