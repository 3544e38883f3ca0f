#include "core/auth/profile_store.h"
#include "test_ca.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;

namespace {

Auth::Profile validProfile(const QString &name = QStringLiteral("prod"))
{
    Auth::Profile p;
    p.name = name;
    p.accessKeyId = QStringLiteral("AKIAIOSFODNN7EXAMPLE");
    return p;
}

QByteArray fileContent(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class ProfileStoreTest final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_dir.reset(new QTemporaryDir);
        QVERIFY(m_dir->isValid());
        m_file = m_dir->filePath("settings.ini");
    }

    void validation_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("keyId");
        QTest::addColumn<QString>("region");
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("mfa");
        QTest::addColumn<QString>("messagePart"); // empty: valid
        const QString key = "AKIAIOSFODNN7EXAMPLE";
        QTest::newRow("minimal") << "prod" << key << "us-east-1" << "" << "" << "";
        QTest::newRow("ceph key id") << "rgw" << "0555B35654AD1656D804" << "default" << "http://127.0.0.1:7480" << "" << "";
        QTest::newRow("https endpoint with slash") << "p" << key << "eu-west-1" << "https://s3.example.com/" << "" << "";
        QTest::newRow("16-char key") << "p" << "AKIA000000000000" << "us-east-1" << "" << "" << "";
        QTest::newRow("128-char key") << "p" << QString(128, 'A') << "us-east-1" << "" << "" << "";
        QTest::newRow("mfa arn") << "p" << key << "us-east-1" << "" << "arn:aws:iam::123456789012:mfa/alice" << "";
        QTest::newRow("mfa hardware serial") << "p" << key << "us-east-1" << "" << "GAHT12345678" << "";
        QTest::newRow("name with spaces and unicode") << QString::fromUtf8("Prod (EU) \xC3\xA9t\xC3\xA9") << key << "us-east-1" << "" << "" << "";
        QTest::newRow("empty name") << "" << key << "us-east-1" << "" << "" << "Profile name is empty";
        QTest::newRow("blank name") << "   " << key << "us-east-1" << "" << "" << "Profile name is empty";
        QTest::newRow("slash in name") << "a/b" << key << "us-east-1" << "" << "" << "must not contain '/'";
        QTest::newRow("backslash in name") << "a\\b" << key << "us-east-1" << "" << "" << "must not contain";
        QTest::newRow("newline in name") << "a\nb" << key << "us-east-1" << "" << "" << "control characters";
        QTest::newRow("65-char name") << QString(65, 'n') << key << "us-east-1" << "" << "" << "longer than 64";
        QTest::newRow("empty key") << "p" << "" << "us-east-1" << "" << "" << "Access key ID is empty";
        QTest::newRow("15-char key") << "p" << "AKIA00000000000" << "us-east-1" << "" << "" << "16-128";
        QTest::newRow("129-char key") << "p" << QString(129, 'A') << "us-east-1" << "" << "" << "16-128";
        QTest::newRow("lower-case key") << "p" << "akiaiosfodnn7example" << "us-east-1" << "" << "" << "upper-case";
        QTest::newRow("secret in key field") << "p" << "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" << "us-east-1" << "" << ""
                                             << "looks like a secret access key";
        QTest::newRow("empty region") << "p" << key << "" << "" << "" << "Region is empty";
        QTest::newRow("bad region") << "p" << key << "us east" << "" << "" << "may only hold";
        QTest::newRow("ftp endpoint") << "p" << key << "us-east-1" << "ftp://host" << "" << "http:// or https://";
        QTest::newRow("no scheme") << "p" << key << "us-east-1" << "s3.example.com" << "" << "not a valid URL";
        QTest::newRow("endpoint path") << "p" << key << "us-east-1" << "http://host:7480/bucket" << "" << "no path";
        QTest::newRow("endpoint query") << "p" << key << "us-east-1" << "http://host?x=1" << "" << "no path, query";
        QTest::newRow("endpoint bad port") << "p" << key << "us-east-1" << "http://host:99999" << "" << "not a valid URL";
        QTest::newRow("endpoint with password") << "p" << key << "us-east-1" << "https://user:hunter2@host" << ""
                                                << "must not contain a user name or password";
        QTest::newRow("short mfa") << "p" << key << "us-east-1" << "" << "abc" << "MFA serial";
        QTest::newRow("mfa with space") << "p" << key << "us-east-1" << "" << "arn:aws:iam::1:mfa/a b" << "MFA serial";
    }
    void validation()
    {
        QFETCH(QString, name);
        QFETCH(QString, keyId);
        QFETCH(QString, region);
        QFETCH(QString, endpoint);
        QFETCH(QString, mfa);
        QFETCH(QString, messagePart);
        Auth::Profile p{name, keyId, region, endpoint, true, mfa};
        Auth::ProfileStore store(m_file);
        const auto saved = store.save(p);
        if (messagePart.isEmpty()) {
            QVERIFY2(saved.ok(), qPrintable(saved.error().message));
            QCOMPARE(store.profile(name).value(), saved.value());
            QCOMPARE(store.names(), QStringList{name});
        } else {
            QVERIFY(!saved.ok());
            QCOMPARE(saved.error().kind, AwsErrorKind::Validation);
            QVERIFY2(saved.error().message.contains(messagePart), qPrintable(saved.error().message));
            // Whatever went into a field does not come back in the message when it could be secret.
            QVERIFY(!saved.error().message.contains("EXAMPLEKEY"));
            QVERIFY(!saved.error().message.contains("hunter2"));
            QVERIFY(store.list().isEmpty());
        }
    }

    void roundTripThroughTheFile()
    {
        const QString odd = QString::fromUtf8("Prod (EU) = #1; 100% \xE2\x9C\x93");
        {
            Auth::ProfileStore store(m_file);
            Auth::Profile a{odd, "AKIAIOSFODNN7EXAMPLE", "eu-west-1", "https://s3.example.com", true, "arn:aws:iam::123456789012:mfa/a"};
            Auth::Profile b{"alpha", "0555B35654AD1656D804", "default", "http://127.0.0.1:7480", false, ""};
            QVERIFY(store.save(a).ok());
            QVERIFY(store.save(b).ok());
        }
        // A second store on the same file sees exactly the same profiles: they were written out.
        Auth::ProfileStore reopened(m_file);
        QStringList expected{odd, "alpha"};
        expected.sort();
        QCOMPARE(reopened.names(), expected);
        const auto a = reopened.profile(odd);
        QVERIFY(a);
        QCOMPARE(a->accessKeyId, QString("AKIAIOSFODNN7EXAMPLE"));
        QCOMPARE(a->region, QString("eu-west-1"));
        QCOMPARE(a->endpointUrl, QString("https://s3.example.com"));
        QCOMPARE(a->pathStyle, true);
        QCOMPARE(a->mfaSerial, QString("arn:aws:iam::123456789012:mfa/a"));
        QCOMPARE(reopened.profile("alpha")->pathStyle, false);
        QCOMPARE(reopened.list().size(), 2);
        QVERIFY(!reopened.profile("missing"));
        QVERIFY(!reopened.profile(""));
    }

    void worksOnACallersSettings()
    {
        QSettings settings(m_file, QSettings::IniFormat);
        settings.setValue("ui/geometry", 42);
        Auth::ProfileStore store(settings);
        QVERIFY(store.save(validProfile()).ok());
        QCOMPARE(settings.value("profiles/prod/accessKeyId").toString(), QString("AKIAIOSFODNN7EXAMPLE"));
        QVERIFY(store.remove("prod"));
        QCOMPARE(settings.value("ui/geometry").toInt(), 42); // other groups are left alone
    }

    void fieldsAreTrimmed()
    {
        Auth::ProfileStore store(m_file);
        Auth::Profile p{"  padded ", " AKIAIOSFODNN7EXAMPLE\n", " eu-west-1 ", " http://h:1 ", false, " GAHT12345678 "};
        const auto saved = store.save(p);
        QVERIFY(saved.ok());
        QCOMPARE(saved->name, QString("padded"));
        QCOMPARE(store.profile("padded")->accessKeyId, QString("AKIAIOSFODNN7EXAMPLE"));
        QCOMPARE(store.profile("padded")->endpointUrl, QString("http://h:1"));
        QCOMPARE(store.profile("padded")->mfaSerial, QString("GAHT12345678"));
    }

    void saveReplacesTheWholeProfile()
    {
        Auth::ProfileStore store(m_file);
        Auth::Profile p = validProfile();
        p.endpointUrl = "http://127.0.0.1:7480";
        p.mfaSerial = "GAHT12345678";
        QVERIFY(store.save(p).ok());
        p.endpointUrl.clear();
        p.mfaSerial.clear();
        p.region = "eu-west-1";
        QVERIFY(store.save(p).ok());
        QCOMPARE(store.list().size(), 1);
        QCOMPARE(store.profile("prod").value(), p);
    }

    void removeAndRename()
    {
        Auth::ProfileStore store(m_file);
        QVERIFY(store.save(validProfile("a")).ok());
        QVERIFY(store.save(validProfile("b")).ok());
        QVERIFY(!store.remove("missing"));
        QVERIFY(!store.remove(""));

        auto renamed = store.rename("a", "c");
        QVERIFY2(renamed.ok(), qPrintable(renamed.error().message));
        QCOMPARE(renamed->name, QString("c"));
        QCOMPARE(store.names(), (QStringList{"b", "c"}));
        QCOMPARE(store.profile("c")->accessKeyId, QString("AKIAIOSFODNN7EXAMPLE"));

        QVERIFY(store.rename("c", "b").error().message.contains("already exists"));
        QVERIFY(store.rename("missing", "x").error().message.contains("No profile 'missing'"));
        QVERIFY(store.rename("c", "x/y").error().message.contains("must not contain '/'"));
        QVERIFY(store.rename("c", "c").ok());
        QCOMPARE(store.names(), (QStringList{"b", "c"}));

        QVERIFY(store.remove("b"));
        QCOMPARE(Auth::ProfileStore(m_file).names(), QStringList{"c"});
    }

    void storesOnlyKnownNonSecretKeys()
    {
        Auth::ProfileStore store(m_file);
        Auth::Profile p{"prod", "AKIAIOSFODNN7EXAMPLE", "eu-west-1", "https://s3.example.com", true, "GAHT12345678"};
        QVERIFY(store.save(p).ok());
        QSettings raw(m_file, QSettings::IniFormat);
        QStringList keys = raw.allKeys();
        keys.sort();
        QCOMPARE(keys, (QStringList{"profiles/prod/accessKeyId", "profiles/prod/endpointUrl", "profiles/prod/mfaSerial",
                                    "profiles/prod/pathStyle", "profiles/prod/region"}));
        QVERIFY(!fileContent(m_file).toLower().contains("secret"));
    }

    void keepsItsCaFile()
    {
        Test::TestCa ca;
        QVERIFY2(ca.make(), qPrintable(ca.problem()));
        Auth::ProfileStore store(m_file);
        Auth::Profile p = validProfile(QStringLiteral("private"));
        p.endpointUrl = QStringLiteral("https://rgw.example.com");
        p.caFile = QStringLiteral(" ") + ca.path(QStringLiteral("ca.pem")) + QStringLiteral(" ");
        QVERIFY(store.save(p).ok());
        QCOMPARE(store.profile(QStringLiteral("private"))->caFile, ca.path(QStringLiteral("ca.pem")));
        QCOMPARE(QSettings(m_file, QSettings::IniFormat).value(QStringLiteral("profiles/private/caFile")).toString(), ca.path(QStringLiteral("ca.pem")));
        // A CA file that is not there is refused by name, and the stored profile is left as it was.
        p.caFile = ca.path(QStringLiteral("missing.pem"));
        const auto refused = store.save(p);
        QVERIFY(!refused);
        QVERIFY2(refused.error().userMessage().contains(p.caFile), qPrintable(refused.error().userMessage()));
        QCOMPARE(store.profile(QStringLiteral("private"))->caFile, ca.path(QStringLiteral("ca.pem")));
        // Cleared, it is gone from the settings.
        p.caFile.clear();
        QVERIFY(store.save(p).ok());
        QVERIFY(store.profile(QStringLiteral("private"))->caFile.isEmpty());
        QVERIFY(!QSettings(m_file, QSettings::IniFormat).contains(QStringLiteral("profiles/private/caFile")));
    }

    void identityCenterProfile()
    {
        Auth::ProfileStore store(m_file);
        Auth::Profile p;
        p.name = QStringLiteral("work-sso");
        p.kind = Auth::ProfileKind::IdentityCenter;
        p.ssoStartUrl = QStringLiteral(" https://d-1234567890.awsapps.com/start ");
        p.ssoRegion = QStringLiteral("eu-central-1");
        p.signInMethod = Auth::SsoSignInMethod::DeviceCode;
        p.accessKeyId = QStringLiteral("AKIAIOSFODNN7EXAMPLE");   // not this kind's: not stored
        const auto saved = store.save(p);
        QVERIFY2(saved.ok(), qPrintable(saved.error().message));
        const auto loaded = store.profile(QStringLiteral("work-sso"));
        QVERIFY(loaded);
        QCOMPARE(loaded->kind, Auth::ProfileKind::IdentityCenter);
        QCOMPARE(loaded->ssoStartUrl, QStringLiteral("https://d-1234567890.awsapps.com/start"));
        QCOMPARE(loaded->ssoRegion, QStringLiteral("eu-central-1"));
        QCOMPARE(loaded->signInMethod, Auth::SsoSignInMethod::DeviceCode);
        QVERIFY(loaded->accessKeyId.isEmpty());
        QCOMPARE(loaded->ssoSession().cacheKey(), loaded->ssoStartUrl);

        // An account and a role to open as go together; bad ones are named.
        p.ssoAccountId = QStringLiteral("123456789012");
        QVERIFY(store.save(p).error().message.contains(QStringLiteral("both an account and a role")));
        p.ssoRoleName = QStringLiteral("S3Access");
        QVERIFY(store.save(p).ok());
        QCOMPARE(store.profile(QStringLiteral("work-sso"))->ssoRoleName, QStringLiteral("S3Access"));
        p.ssoAccountId = QStringLiteral("1234");
        QVERIFY(store.save(p).error().message.contains(QStringLiteral("12 digits")));
        p.ssoAccountId = QStringLiteral("123456789012");
        p.ssoStartUrl = QStringLiteral("http://d-1234567890.awsapps.com/start");
        QVERIFY(store.save(p).error().message.contains(QStringLiteral("https://")));
        p.ssoStartUrl = QStringLiteral("https://d-1234567890.awsapps.com/start");
        p.ssoRegion.clear();
        QVERIFY(store.save(p).error().message.startsWith(QStringLiteral("Identity Center region")));

        // An access-key profile saved over it leaves no Identity Center key behind.
        QVERIFY(store.save(validProfile(QStringLiteral("work-sso"))).ok());
        const QStringList keys = QSettings(m_file, QSettings::IniFormat).allKeys();
        QVERIFY2(keys.filter(QStringLiteral("work-sso/sso")).isEmpty() && keys.filter(QStringLiteral("work-sso/kind")).isEmpty(),
                 qPrintable(keys.join(' ')));
        QCOMPARE(store.profile(QStringLiteral("work-sso"))->kind, Auth::ProfileKind::AccessKeys);
    }

    void openIdConnectProfile()
    {
        Auth::ProfileStore store(m_file);
        Auth::Profile p;
        p.name = QStringLiteral("ci-oidc");
        p.kind = Auth::ProfileKind::OpenIdConnect;
        p.oidcIssuer = QStringLiteral("https://login.example.com/realms/dev");
        p.oidcClientId = QStringLiteral("roledrop");
        p.oidcRoleArn = QStringLiteral("arn:aws:iam::123456789012:role/WebIdentityRole");
        QVERIFY(store.save(p).ok());
        const auto loaded = store.profile(QStringLiteral("ci-oidc"));
        QCOMPARE(loaded->kind, Auth::ProfileKind::OpenIdConnect);
        QCOMPARE(loaded->oidcIssuer, p.oidcIssuer);
        QCOMPARE(loaded->oidcClientId, p.oidcClientId);
        QCOMPARE(loaded->oidcScopes, QStringLiteral("openid offline_access"));
        QCOMPARE(loaded->oidcRoleArn, p.oidcRoleArn);
        p.oidcRoleArn = QStringLiteral("WebIdentityRole");
        QVERIFY(store.save(p).error().message.contains(QStringLiteral("Role ARN")));
        p.oidcRoleArn = QStringLiteral("arn:aws:iam::123456789012:role/WebIdentityRole");
        p.oidcClientId.clear();
        QVERIFY(store.save(p).error().message.contains(QStringLiteral("Client ID")));
    }

    void unwritableSettingsFileIsAnError()
    {
        // A path inside a regular file can never be created, even by root.
        QFile blocker(m_dir->filePath("blocker"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        Auth::ProfileStore store(m_dir->filePath("blocker/settings.ini"));
        const auto saved = store.save(validProfile());
        QVERIFY(!saved.ok());
        QCOMPARE(saved.error().kind, AwsErrorKind::LocalFile);
        QVERIFY(saved.error().message.contains("blocker/settings.ini"));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_file;
};

QTEST_GUILESS_MAIN(ProfileStoreTest)
#include "profile_store_test.moc"
