// The seeds' scenario through the real `roledrop` binary, as a script would run it: a throwaway HOME,
// profiles in ~/.aws files and in RoleDrop's own store (secret in the real Secret Service), and Ceph RGW.

#include "core/common/crypto.h"
#include "core/auth/role_history.h"
#include "test_files.h"
#include "test_world.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

using RoleDrop::Test::worldValue;

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

class CliScenarioTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_bucket;

    CliRun run(const QStringList &arguments, const QByteArray &stdinData = QByteArray())
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("AWS_CONFIG_FILE"), m_home.filePath(QStringLiteral("aws/config")));
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), m_home.filePath(QStringLiteral("aws/credentials")));
        for (const char *name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"})
            env.remove(QString::fromLatin1(name));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(ROLEDROP_CLI_PATH), arguments);
        process.write(stdinData);
        process.closeWriteChannel();
        if (!process.waitForFinished(300000))
            qFatal("roledrop %s did not finish", qPrintable(arguments.join(QLatin1Char(' '))));
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }

    CliRun asRole(QStringList arguments, const QString &role = QString())
    {
        arguments << QStringLiteral("--profile") << QStringLiteral("james")
                  << QStringLiteral("--role") << (role.isEmpty() ? worldValue("ROLEDROP_TEST_ROLE_S3ACCESS") : role);
        return run(arguments);
    }

    QString writeFile(const QString &relative, qint64 size) { return RoleDrop::Test::writeRandomFile(m_home.filePath(relative), size); }

    static QByteArray hashOf(const QString &path) { return RoleDrop::sha256OfFileRange(path, 0, -1).toHex(); }

    void assertNoSecretIn(const CliRun &result)
    {
        for (const char *name : {"ROLEDROP_TEST_JAMES_SECRET", "ROLEDROP_TEST_OWNER_SECRET"}) {
            QVERIFY(!result.err.contains(worldValue(name)));
            QVERIFY(!result.out.contains(worldValue(name)));
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        m_bucket = worldValue("ROLEDROP_TEST_BUCKET");
        QDir(m_home.path()).mkpath(QStringLiteral("aws"));
        QFile config(m_home.filePath(QStringLiteral("aws/config")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral("[profile james]\nregion = us-east-1\nendpoint_url = %1\n\n"
                                    "[profile s3access]\nrole_arn = %2\nsource_profile = james\nrole_session_name = chained-from-config\n")
                         .arg(worldValue("ROLEDROP_TEST_S3_ENDPOINT"), worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"))
                         .toUtf8());
        config.close();
        QFile credentials(m_home.filePath(QStringLiteral("aws/credentials")));
        QVERIFY(credentials.open(QIODevice::WriteOnly));
        credentials.write(QStringLiteral("[james]\naws_access_key_id = %1\naws_secret_access_key = %2\n")
                              .arg(worldValue("ROLEDROP_TEST_JAMES_KEY"), worldValue("ROLEDROP_TEST_JAMES_SECRET"))
                              .toUtf8());
    }

    void usageErrorsExitTwo()
    {
        const CliRun none = run({QStringLiteral("frobnicate"), QStringLiteral("--help")});
        QCOMPARE(none.exitCode, 0);
        QVERIFY(none.out.contains(QStringLiteral("upload FILE")));
        const CliRun bad = run({QStringLiteral("upload"), QStringLiteral("--duration"), QStringLiteral("abc")});
        QCOMPARE(bad.exitCode, 2);
        QCOMPARE(bad.err.count(QLatin1Char('\n')), 1);
    }

    void jamesIsDenied()
    {
        const CliRun result = run({QStringLiteral("ls"), QStringLiteral("s3://%1/").arg(m_bucket), QStringLiteral("--profile"), QStringLiteral("james")});
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(result.err.count(QLatin1Char('\n')), 1);
        QVERIFY2(result.err.contains(QStringLiteral("james")), qPrintable(result.err));
        QVERIFY2(result.err.contains(QStringLiteral("s3:ListBucket")), qPrintable(result.err));
        assertNoSecretIn(result);
    }

    void roleListsUploadsDownloadsPresigns()
    {
        const CliRun list = asRole({QStringLiteral("ls"), QStringLiteral("s3://%1/").arg(m_bucket)});
        QVERIFY2(list.exitCode == 0, qPrintable(list.err));
        QVERIFY(list.out.contains(QStringLiteral("owner-file.txt")));

        const QString small = writeFile(QStringLiteral("up/small.txt"), 1000);
        const QString big = writeFile(QStringLiteral("up/big.bin"), 21 * 1024 * 1024);  // multipart (threshold 16 MiB)
        writeFile(QStringLiteral("up/folder/a.txt"), 10);
        writeFile(QStringLiteral("up/folder/sub/b.txt"), 20);
        const CliRun upload = asRole({QStringLiteral("upload"), small, big, m_home.filePath(QStringLiteral("up/folder")),
                                      QStringLiteral("s3://%1/cli/").arg(m_bucket), QStringLiteral("--quiet")});
        QVERIFY2(upload.exitCode == 0, qPrintable(upload.err));

        const CliRun recursive = asRole({QStringLiteral("ls"), QStringLiteral("s3://%1/cli/").arg(m_bucket), QStringLiteral("--recursive")});
        QVERIFY2(recursive.exitCode == 0, qPrintable(recursive.err));
        for (const char *key : {"cli/small.txt", "cli/big.bin", "cli/folder/a.txt", "cli/folder/sub/b.txt"})
            QVERIFY2(recursive.out.contains(QString::fromLatin1(key)), qPrintable(recursive.out));

        const QString into = m_home.filePath(QStringLiteral("down"));
        const CliRun one = asRole({QStringLiteral("download"), QStringLiteral("s3://%1/cli/big.bin").arg(m_bucket), into, QStringLiteral("--quiet")});
        QVERIFY2(one.exitCode == 0, qPrintable(one.err));
        QCOMPARE(hashOf(into + QStringLiteral("/big.bin")), hashOf(big));
        const CliRun tree = asRole({QStringLiteral("download"), QStringLiteral("s3://%1/cli/folder/").arg(m_bucket), into + QStringLiteral("/tree"), QStringLiteral("--quiet")});
        QVERIFY2(tree.exitCode == 0, qPrintable(tree.err));
        QVERIFY(QFile::exists(into + QStringLiteral("/tree/sub/b.txt")));

        const CliRun presign = asRole({QStringLiteral("presign"), QStringLiteral("s3://%1/cli/small.txt").arg(m_bucket), QStringLiteral("--expires"), QStringLiteral("300")});
        QVERIFY2(presign.exitCode == 0, qPrintable(presign.err));
        QNetworkAccessManager plain;
        QNetworkReply *reply = plain.get(QNetworkRequest(QUrl(presign.out.trimmed())));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(30000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(RoleDrop::sha256(reply->readAll()).toHex(), hashOf(small));
        reply->deleteLater();

        const CliRun tooLong = asRole({QStringLiteral("presign"), QStringLiteral("s3://%1/cli/small.txt").arg(m_bucket), QStringLiteral("--expires"), QStringLiteral("604801")});
        QCOMPARE(tooLong.exitCode, 1);
    }

    void roleChainFromAwsConfig()
    {
        const CliRun list = run({QStringLiteral("ls"), QStringLiteral("s3://%1/").arg(m_bucket), QStringLiteral("--profile"), QStringLiteral("s3access")});
        QVERIFY2(list.exitCode == 0, qPrintable(list.err));
        QVERIFY(list.out.contains(QStringLiteral("owner-file.txt")));
    }

    void assumePrintsCredentials()
    {
        const CliRun json = asRole({QStringLiteral("assume")});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonObject doc = QJsonDocument::fromJson(json.out.toUtf8()).object();
        const QJsonObject creds = doc.value(QStringLiteral("Credentials")).toObject();
        QVERIFY(!creds.value(QStringLiteral("SessionToken")).toString().isEmpty());
        QVERIFY(QDateTime::fromString(creds.value(QStringLiteral("Expiration")).toString(), Qt::ISODate) > QDateTime::currentDateTimeUtc());
        QVERIFY(doc.value(QStringLiteral("AssumedRoleUser")).toObject().value(QStringLiteral("Arn")).toString().contains(QStringLiteral("assumed-role/S3Access/")));

        const CliRun shell = asRole({QStringLiteral("assume"), QStringLiteral("--export")});
        QCOMPARE(shell.exitCode, 0);
        QVERIFY(shell.out.contains(QStringLiteral("export AWS_SESSION_TOKEN='")));
    }

    void whoamiFallsBackOnRgw()
    {
        const CliRun who = asRole({QStringLiteral("whoami")});
        QVERIFY2(who.exitCode == 0, qPrintable(who.err));
        const QJsonObject doc = QJsonDocument::fromJson(who.out.toUtf8()).object();
        QVERIFY(doc.value(QStringLiteral("Arn")).toString().contains(QStringLiteral("assumed-role/S3Access/")));
    }

    void readOnlyRoleUploadFails()
    {
        const QString file = writeFile(QStringLiteral("ro.txt"), 10);
        const CliRun result = asRole({QStringLiteral("upload"), file, QStringLiteral("s3://%1/ro.txt").arg(m_bucket), QStringLiteral("--quiet")},
                                     worldValue("ROLEDROP_TEST_ROLE_READONLY"));
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(QStringLiteral("S3ReadOnly")), qPrintable(result.err));
        QVERIFY2(result.err.contains(QStringLiteral("s3:PutObject")), qPrintable(result.err));
    }

    void badInputsGiveOneClearLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bad arn") << QStringList{QStringLiteral("ls"), QStringLiteral("--profile"), QStringLiteral("james"), QStringLiteral("--role"), QStringLiteral("arn:aws:iam::12:role/x")} << QStringLiteral("12");
        QTest::newRow("short duration") << QStringList{QStringLiteral("ls"), QStringLiteral("--profile"), QStringLiteral("james"), QStringLiteral("--role"), worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"), QStringLiteral("--duration"), QStringLiteral("800")} << QStringLiteral("900");
        // RGW answers a duration above S3Access's maximum (3600 s) with a bare InvalidArgument: the line says what to ask for.
        QTest::newRow("duration above the role's maximum") << QStringList{QStringLiteral("ls"), QStringLiteral("--profile"), QStringLiteral("james"), QStringLiteral("--role"), worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"), QStringLiteral("--duration"), QStringLiteral("7200")} << QStringLiteral("maximum session duration may be lower than the 2 hours (7200 s) asked: ask for 1 hour (3600 s)");
        QTest::newRow("no profile") << QStringList{QStringLiteral("ls"), QStringLiteral("--profile"), QStringLiteral("nobody")} << QStringLiteral("nobody");
        QTest::newRow("not s3 uri") << QStringList{QStringLiteral("ls"), QStringLiteral("http://x"), QStringLiteral("--profile"), QStringLiteral("james")} << QStringLiteral("s3://");
        QTest::newRow("missing bucket") << QStringList{QStringLiteral("ls"), QStringLiteral("s3://no-such-bucket-here/"), QStringLiteral("--profile"), QStringLiteral("james"), QStringLiteral("--role"), worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")} << QStringLiteral("no-such-bucket-here");
    }

    void badInputsGiveOneClearLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const CliRun result = run(arguments);
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(result.err.count(QLatin1Char('\n')), 1);
        QVERIFY2(result.err.contains(expected), qPrintable(result.err));
    }

    void keychainProfileRoundTrip()
    {
        const CliRun added = run({QStringLiteral("profile-add"), QStringLiteral("kc"), QStringLiteral("--access-key-id"), worldValue("ROLEDROP_TEST_JAMES_KEY"),
                                  QStringLiteral("--endpoint-url"), worldValue("ROLEDROP_TEST_S3_ENDPOINT"), QStringLiteral("--path-style")},
                                 worldValue("ROLEDROP_TEST_JAMES_SECRET").toUtf8() + "\n");
        QVERIFY2(added.exitCode == 0, qPrintable(added.err));
        assertNoSecretIn(added);

        const CliRun list = run({QStringLiteral("ls"), QStringLiteral("s3://%1/").arg(m_bucket), QStringLiteral("--profile"), QStringLiteral("kc"),
                                 QStringLiteral("--role"), worldValue("ROLEDROP_TEST_ROLE_S3ACCESS")});
        QVERIFY2(list.exitCode == 0, qPrintable(list.err));
        QVERIFY(list.out.contains(QStringLiteral("owner-file.txt")));
        // The role joins the profile's recent roles, as the console's Switch Role history does.
        QSettings settings(m_home.filePath(QStringLiteral("config/RoleDrop/RoleDrop.conf")), QSettings::IniFormat);
        QVERIFY2(settings.allKeys().join(QLatin1Char(' ')).contains(QStringLiteral("kc")), qPrintable(settings.allKeys().join(QLatin1Char(' '))));
        QVERIFY(RoleDrop::Auth::RoleHistory(settings).recent(QStringLiteral("kc")).size() == 1);

        // The settings hold the profile but never the secret; the Secret Service holds the secret.
        QDirIterator files(m_home.filePath(QStringLiteral("config")), QDir::Files, QDirIterator::Subdirectories);
        int seen = 0;
        while (files.hasNext()) {
            QFile file(files.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY(!file.readAll().contains(worldValue("ROLEDROP_TEST_JAMES_SECRET").toUtf8()));
            ++seen;
        }
        QVERIFY(seen > 0);
        QProcess lookup;
        lookup.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"), QStringLiteral("RoleDrop"), QStringLiteral("user"), QStringLiteral("kc")});
        QVERIFY(lookup.waitForFinished(30000));
        QCOMPARE(QString::fromUtf8(lookup.readAllStandardOutput()).trimmed(), worldValue("ROLEDROP_TEST_JAMES_SECRET"));

        const CliRun profiles = run({QStringLiteral("profiles")});
        QVERIFY(profiles.out.contains(QStringLiteral("kc\t(RoleDrop, keychain)")));
        QVERIFY(profiles.out.contains(QStringLiteral("s3access\t(~/.aws)")));

        QCOMPARE(run({QStringLiteral("profile-remove"), QStringLiteral("kc")}).exitCode, 0);
        QCOMPARE(run({QStringLiteral("ls"), QStringLiteral("--profile"), QStringLiteral("kc")}).exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(CliScenarioTest)
#include "cli_scenario_test.moc"
