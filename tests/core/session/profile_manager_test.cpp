// ProfileManager: RoleDrop's profiles as one thing - settings (never a secret), the keychain entry, the recent
// and saved roles - added, changed, copied, removed and imported along one path for the window and the CLI.
// Needs a real Secret Service (tests/run-tests.sh runs every suite inside a D-Bus session with one).
#include "core/auth/keychain_store.h"
#include "core/auth/profile_store.h"
#include "core/auth/role_history.h"
#include "core/session/profile_manager.h"
#include "test_world.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using RoleDrop::Test::wait;

namespace {

// What the Secret Service holds, asked by another program than ours.
QString secretToolLookup(const QString &service, const QString &user)
{
    QProcess tool;
    tool.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"), service, QStringLiteral("user"), user});
    if (!tool.waitForFinished(20000))
        return QStringLiteral("<secret-tool did not finish>");
    return QString::fromUtf8(tool.readAllStandardOutput()).trimmed();
}

Auth::Profile profileNamed(const QString &name, const QString &keyId = QStringLiteral("AKIAMANAGERTEST00001"))
{
    Auth::Profile profile;
    profile.name = name;
    profile.accessKeyId = keyId;
    profile.region = QStringLiteral("eu-west-1");
    return profile;
}

} // namespace

class ProfileManagerTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    const QString m_service = QStringLiteral("RoleDropTest-manager-%1").arg(QCoreApplication::applicationPid());
    const QString m_secret = QStringLiteral("ManagerTestOnlySecret/K7MDENG+Profile0001");
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<Auth::ProfileStore> m_store;
    std::unique_ptr<Auth::KeychainStore> m_keychain;
    std::unique_ptr<Auth::RoleHistory> m_history;
    std::unique_ptr<Sessions::ProfileManager> m_manager;

    Outcome<Auth::Profile> add(const Auth::Profile &profile, const QString &secret)
    {
        return wait<Auth::Profile>([&](QObject *context, auto done) { m_manager->add(profile, secret, context, done); });
    }
    Outcome<Done> remove(const QString &name)
    {
        return wait<Done>([&](QObject *context, auto done) { m_manager->remove(name, context, done); });
    }
    QByteArray settingsText()
    {
        m_settings->sync();
        QFile file(m_settings->fileName());
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private slots:
    void init()
    {
        static int count = 0;
        m_settings = std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("s%1.ini").arg(++count)), QSettings::IniFormat);
        m_store = std::make_unique<Auth::ProfileStore>(*m_settings);
        m_keychain = std::make_unique<Auth::KeychainStore>(m_service);
        m_history = std::make_unique<Auth::RoleHistory>(*m_settings);
        m_manager = std::make_unique<Sessions::ProfileManager>(*m_store, *m_keychain, *m_history);
    }

    void cleanup()
    {
        for (const QString &name : m_manager->names())
            remove(name);
        m_manager.reset();
    }

    void addKeepsTheSecretInTheKeychainOnly()
    {
        QSignalSpy changed(m_manager.get(), &Sessions::ProfileManager::profilesChanged);
        const auto added = add(profileNamed(QStringLiteral("work")), m_secret);
        QVERIFY2(added, qPrintable(added ? QString() : added.error().userMessage()));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_manager->profile(QStringLiteral("work"))->region, QStringLiteral("eu-west-1"));
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("work")), m_secret);
        QVERIFY(settingsText().contains("AKIAMANAGERTEST00001"));
        QVERIFY(!settingsText().contains(m_secret.toUtf8()));
    }

    void addRefusesBeforeWritingAnything()
    {
        QVERIFY(add(profileNamed(QStringLiteral("taken")), m_secret));
        const auto twice = add(profileNamed(QStringLiteral("taken"), QStringLiteral("AKIAOTHERKEY00000002")), QStringLiteral("other-secret-0000000"));
        QVERIFY(!twice);
        QVERIFY(twice.error().userMessage().contains(QStringLiteral("exists")));
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("taken")), m_secret);  // the first one's key is untouched

        Auth::Profile bad = profileNamed(QStringLiteral("bad"));
        bad.accessKeyId = QStringLiteral("not a key");
        QVERIFY(!add(bad, m_secret));
        QVERIFY(!add(profileNamed(QStringLiteral("nosecret")), QString()));
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("bad")), QString());
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("nosecret")), QString());
        QCOMPARE(m_manager->names(), QStringList{QStringLiteral("taken")});
    }

    void updateChangesTheSecretOnlyWhenGiven()
    {
        QVERIFY(add(profileNamed(QStringLiteral("edit")), m_secret));
        Auth::Profile changed = profileNamed(QStringLiteral("edit"));
        changed.region = QStringLiteral("us-west-2");
        QVERIFY(wait<Auth::Profile>([&](QObject *context, auto done) { m_manager->update(changed, QString(), context, done); }));
        QCOMPARE(m_manager->profile(QStringLiteral("edit"))->region, QStringLiteral("us-west-2"));
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("edit")), m_secret);
        const QString newSecret = QStringLiteral("ManagerTestOnlySecret/K7MDENG+Profile0002");
        QVERIFY(wait<Auth::Profile>([&](QObject *context, auto done) { m_manager->update(changed, newSecret, context, done); }));
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("edit")), newSecret);
        QVERIFY(!wait<Auth::Profile>([&](QObject *context, auto done) {
            m_manager->update(profileNamed(QStringLiteral("missing")), QString(), context, done);
        }));
    }

    void duplicateCopiesTheKey()
    {
        QVERIFY(add(profileNamed(QStringLiteral("original")), m_secret));
        const auto copy = wait<Auth::Profile>([&](QObject *context, auto done) {
            m_manager->duplicate(QStringLiteral("original"), profileNamed(QStringLiteral("copy")), QString(), context, done);
        });
        QVERIFY2(copy, qPrintable(copy ? QString() : copy.error().userMessage()));
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("copy")), m_secret);
        QVERIFY(m_manager->contains(QStringLiteral("original")));
    }

    void removeTakesTheKeyAndTheRolesToo()
    {
        QVERIFY(add(profileNamed(QStringLiteral("gone")), m_secret));
        QVERIFY(add(profileNamed(QStringLiteral("stays")), m_secret));
        for (const QString &source : {QStringLiteral("gone"), QStringLiteral("stays")}) {
            Auth::RoleHistoryEntry entry;
            entry.sourceProfile = source;
            entry.roleArn = QStringLiteral("arn:aws:iam::123456789012:role/Audit");
            QVERIFY(m_history->record(entry));
            QVERIFY(m_history->save(entry));
        }
        QVERIFY(remove(QStringLiteral("gone")));
        QVERIFY(!m_manager->contains(QStringLiteral("gone")));
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("gone")), QString());
        QVERIFY(m_history->recent(QStringLiteral("gone")).isEmpty());
        for (const Auth::RoleHistoryEntry &saved : m_history->saved())
            QVERIFY(saved.sourceProfile != QLatin1String("gone"));
        QVERIFY(!settingsText().contains("gone"));
        // The other profile keeps all of its own.
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("stays")), m_secret);
        QCOMPARE(m_history->recent(QStringLiteral("stays")).size(), 1);
        QVERIFY(!remove(QStringLiteral("never-there")));
    }

    void importCopiesKeyProfilesFromAwsFiles()
    {
        const QString config = m_dir.filePath(QStringLiteral("aws-config"));
        const QString credentials = m_dir.filePath(QStringLiteral("aws-credentials"));
        QFile c(config);
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write("[profile imported]\nregion = ap-south-1\nendpoint_url = http://127.0.0.1:7480\n\n[profile roleonly]\n"
                "role_arn = arn:aws:iam::123456789012:role/X\nsource_profile = imported\n");
        c.close();
        QFile k(credentials);
        QVERIFY(k.open(QIODevice::WriteOnly));
        k.write("[imported]\naws_access_key_id = AKIAIMPORTEDTEST0001\naws_secret_access_key = " + m_secret.toUtf8() + "\n");
        k.close();
        qputenv("AWS_CONFIG_FILE", config.toUtf8());
        qputenv("AWS_SHARED_CREDENTIALS_FILE", credentials.toUtf8());
        m_manager->reloadAwsConfig();
        const auto result = wait<Sessions::ProfileManager::ImportResult>([&](QObject *context, auto done) {
            m_manager->importFromAws({QStringLiteral("imported"), QStringLiteral("roleonly")}, context, done);
        });
        qunsetenv("AWS_CONFIG_FILE");
        qunsetenv("AWS_SHARED_CREDENTIALS_FILE");
        QVERIFY(result);
        QCOMPARE(result->imported, QStringList{QStringLiteral("imported")});
        QCOMPARE(result->failures.size(), 1);
        QVERIFY(result->failures.first().startsWith(QStringLiteral("roleonly")));
        const auto imported = m_manager->profile(QStringLiteral("imported"));
        QVERIFY(imported);
        QCOMPARE(imported->region, QStringLiteral("ap-south-1"));
        QVERIFY(imported->pathStyle);  // a custom endpoint nearly always wants path-style
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("imported")), m_secret);
    }

    void importCopiesIdentityCenterProfiles()
    {
        // An [sso-session] profile has no secret: RoleDrop keeps its start URL, region, account and role.
        const QString config = m_dir.filePath(QStringLiteral("aws-config-sso"));
        QFile c(config);
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write("[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n"
                "sso_registration_scopes = sso:account:access\n\n"
                "[profile corp-dev]\nsso_session = corp\nsso_account_id = 210987654321\nsso_role_name = Developer\n"
                "region = eu-central-1\n\n[profile broken-sso]\nsso_session = missing\n");
        c.close();
        qputenv("AWS_CONFIG_FILE", config.toUtf8());
        qputenv("AWS_SHARED_CREDENTIALS_FILE", m_dir.filePath(QStringLiteral("none")).toUtf8());
        m_manager->reloadAwsConfig();
        const auto result = wait<Sessions::ProfileManager::ImportResult>([&](QObject *context, auto done) {
            m_manager->importFromAws({QStringLiteral("corp-dev"), QStringLiteral("broken-sso")}, context, done);
        });
        qunsetenv("AWS_CONFIG_FILE");
        qunsetenv("AWS_SHARED_CREDENTIALS_FILE");
        QVERIFY(result);
        QCOMPARE(result->imported, QStringList{QStringLiteral("corp-dev")});
        QCOMPARE(result->failures.size(), 1);
        QVERIFY2(result->failures.first().startsWith(QStringLiteral("broken-sso")), qPrintable(result->failures.first()));
        const auto imported = m_manager->profile(QStringLiteral("corp-dev"));
        QVERIFY(imported);
        QCOMPARE(imported->kind, Auth::ProfileKind::IdentityCenter);
        QCOMPARE(imported->ssoStartUrl, QStringLiteral("https://d-1234567890.awsapps.com/start"));
        QCOMPARE(imported->ssoRegion, QStringLiteral("eu-west-1"));
        QCOMPARE(imported->ssoAccountId, QStringLiteral("210987654321"));
        QCOMPARE(imported->ssoRoleName, QStringLiteral("Developer"));
        QCOMPARE(imported->region, QStringLiteral("eu-central-1"));
        QVERIFY(secretToolLookup(m_service, QStringLiteral("corp-dev")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(ProfileManagerTest)
#include "profile_manager_test.moc"
