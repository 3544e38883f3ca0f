#include "core/auth/aws_config_file.h"
#include "core/auth/environment_credentials.h"
#include "core/auth/ini_parser.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;

namespace {

QString dataFile(const QString &name)
{
    return QStringLiteral(ROLEDROP_TESTS_DIR "/data/aws/") + name;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QStringList namesInChain(const QList<Auth::AwsConfigProfile> &chain)
{
    QStringList names;
    for (const Auth::AwsConfigProfile &p : chain)
        names << p.name;
    return names;
}

bool anyContains(const QStringList &list, const QString &part)
{
    for (const QString &s : list) {
        if (s.contains(part))
            return true;
    }
    return false;
}

// Sets or unsets environment variables for one test and puts the old values back after it.
class ScopedEnv
{
public:
    ~ScopedEnv()
    {
        for (auto it = m_saved.cbegin(); it != m_saved.cend(); ++it) {
            if (it->has_value())
                qputenv(it.key().constData(), **it);
            else
                qunsetenv(it.key().constData());
        }
    }
    void set(const char *name, const QByteArray &value)
    {
        remember(name);
        qputenv(name, value);
    }
    void unset(const char *name)
    {
        remember(name);
        qunsetenv(name);
    }

private:
    void remember(const char *name)
    {
        if (m_saved.contains(name))
            return;
        m_saved.insert(name, qEnvironmentVariableIsSet(name) ? std::optional<QByteArray>(qgetenv(name)) : std::nullopt);
    }
    QHash<QByteArray, std::optional<QByteArray>> m_saved;
};

struct FileState
{
    QByteArray sha256;
    QDateTime modified;
    QFile::Permissions permissions;
    bool operator==(const FileState &) const = default;
};

FileState stateOf(const QString &path)
{
    const QFileInfo info(path);
    return {QCryptographicHash::hash(readAll(path), QCryptographicHash::Sha256), info.lastModified(), info.permissions()};
}

} // namespace

class AwsConfigFileTest final : public QObject
{
    Q_OBJECT

private slots:
    void chainResolvesDownToBaseCredentials_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QStringList>("chain");
        QTest::newRow("base only") << "base" << QStringList{"base"};
        QTest::newRow("one hop") << "dev" << QStringList{"dev", "base"};
        QTest::newRow("two hops") << "admin" << QStringList{"admin", "dev", "base"};
        QTest::newRow("credential_source") << "ec2" << QStringList{"ec2"};
        QTest::newRow("source only in credentials") << "rgw" << QStringList{"rgw", "james"};
        QTest::newRow("self with static keys") << "self-with-keys" << QStringList{"self-with-keys"};
        QTest::newRow("only in credentials") << "only-in-credentials" << QStringList{"only-in-credentials"};
    }
    void chainResolvesDownToBaseCredentials()
    {
        QFETCH(QString, profile);
        QFETCH(QStringList, chain);
        const auto config = Auth::AwsSharedConfig::load(dataFile("chain.config"), dataFile("chain.credentials"));
        QVERIFY2(config.problems().isEmpty(), qPrintable(config.problems().join('\n')));
        const auto resolved = config.resolveChain(profile);
        QVERIFY2(resolved.ok(), qPrintable(resolved.error().message));
        QCOMPARE(namesInChain(resolved.value()), chain);
        const Auth::AwsConfigProfile &base = resolved->last();
        QVERIFY(base.hasStaticCredentials() || !base.credentialSource.isEmpty());
    }

    void chainErrorsNameTheProfiles_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("two-profile cycle") << "ping" << "source_profile cycle: ping -> pong -> ping";
        QTest::newRow("three-profile cycle") << "loop-a" << "source_profile cycle: loop-a -> loop-b -> loop-c -> loop-a";
        QTest::newRow("entering a cycle") << "loop-b" << "loop-b -> loop-c -> loop-a -> loop-b";
        QTest::newRow("self without keys") << "selfish" << "source_profile cycle: selfish -> selfish";
        QTest::newRow("missing source") << "orphan" << "Profile 'orphan' has source_profile = nowhere, but there is no profile 'nowhere'";
        QTest::newRow("missing source deeper") << "orphan-child" << "no profile 'nowhere'";
        QTest::newRow("both sources") << "both-sources" << "sets both source_profile and credential_source";
        QTest::newRow("no source") << "no-source" << "neither source_profile nor credential_source";
        QTest::newRow("unknown profile") << "does-not-exist" << "No profile 'does-not-exist'";
    }
    void chainErrorsNameTheProfiles()
    {
        QFETCH(QString, profile);
        QFETCH(QString, messagePart);
        const auto config = Auth::AwsSharedConfig::load(dataFile("chain.config"), dataFile("chain.credentials"));
        const auto resolved = config.resolveChain(profile);
        QVERIFY(!resolved.ok());
        QCOMPARE(resolved.error().kind, AwsErrorKind::Validation);
        QVERIFY2(resolved.error().message.contains(messagePart), qPrintable(resolved.error().message));
    }

    void mergesConfigAndCredentials()
    {
        const auto config = Auth::AwsSharedConfig::load(dataFile("chain.config"), dataFile("chain.credentials"));
        const QStringList names = config.profileNames();
        // Config's order first, then profiles found only in the credentials file.
        QCOMPARE(names.first(), QString("default"));
        QCOMPARE(names.indexOf("base"), 1);
        QCOMPARE(names.last(), QString("only-in-credentials"));
        QVERIFY(names.contains("james"));

        const auto dev = config.profile("dev");
        QVERIFY(dev);
        QCOMPARE(dev->roleArn, QString("arn:aws:iam::111111111111:role/Developer"));
        QCOMPARE(dev->sourceProfile, QString("base"));
        QCOMPARE(dev->mfaSerial, QString("arn:aws:iam::000000000000:mfa/alice"));
        QCOMPARE(dev->externalId, QString("ext-123"));
        QCOMPARE(dev->durationSeconds, 1800);
        QCOMPARE(dev->roleSessionName, QString("alice-dev"));
        QCOMPARE(dev->region, QString("eu-west-2"));
        QVERIFY(!dev->hasStaticCredentials());

        const auto base = config.profile("base");
        QCOMPARE(base->region, QString("eu-west-1"));
        QCOMPARE(base->accessKeyId, QString("AKIAIOSFODNN7EXAMPLE"));
        QCOMPARE(base->secretAccessKey, QString("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

        const auto rgw = config.profile("rgw");
        QCOMPARE(rgw->endpointUrl, QString("http://127.0.0.1:7480"));
        QCOMPARE(config.profile("ec2")->credentialSource, QString("Ec2InstanceMetadata"));

        // The credentials file wins where both files set something.
        const auto overridden = config.profile("overridden");
        QCOMPARE(overridden->accessKeyId, QString("AKIACREDENTIALSFILE0"));
        QCOMPARE(overridden->sessionToken, QString("FwoGZXIvYXdzEXAMPLETOKEN"));
        QCOMPARE(overridden->region, QString("ap-south-2"));
        QVERIFY(!config.profile("nowhere"));
    }

    void commentsNestedBlocksAndSectionKinds()
    {
        const auto config = Auth::AwsSharedConfig::load(dataFile("comments.config"), QString());
        const auto def = config.profile("default");
        QVERIFY(def);
        QCOMPARE(def->region, QString("us-west-1"));
        QCOMPARE(def->externalId, QString("abc#not-a-comment"));
        QCOMPARE(def->roleSessionName, QString("name;not-a-comment"));
        QCOMPARE(def->mfaSerial, QString("arn:aws:iam::123456789012:mfa/me"));
        // Keys are case-insensitive (botocore lower-cases them), profile names are not.
        QCOMPARE(config.profile("Caps")->region, QString("eu-central-1"));
        QCOMPARE(config.profile("Caps")->roleArn, QString("arn:aws:iam::123456789012:role/Caps"));
        QVERIFY(!config.profile("caps"));
        const auto nested = config.profile("nested");
        QCOMPARE(nested->region, QString("us-east-2"));
        QCOMPARE(nested->endpointUrl, QString("http://127.0.0.1:7480"));
        QCOMPARE(config.profile("quoted name")->region, QString("ca-central-1"));
        QCOMPARE(config.profile("dup")->region, QString("second"));
        QCOMPARE(config.profileNames(), (QStringList{"default", "Caps", "nested", "quoted name", "dup"}));

        // Only [notaprofile] and the repeated key are worth a word: sso-session, preview and
        // services sections are the CLI's own, and nested lines are skipped silently.
        const QStringList problems = config.problems();
        QCOMPARE(problems.size(), 2);
        QVERIFY2(anyContains(problems, dataFile("comments.config") + ":31: [notaprofile] is not a profile"), qPrintable(problems.join('\n')));
        QVERIFY2(anyContains(problems, ":35: key 'region' in [profile dup] is set again (first at line 34)"), qPrintable(problems.join('\n')));

        const Auth::IniDocument doc = Auth::readIniFile(dataFile("comments.config"));
        const Auth::IniSection *section = nullptr;
        for (const Auth::IniSection &s : doc.sections) {
            if (s.header == "profile nested")
                section = &s;
        }
        QVERIFY(section);
        QCOMPARE(section->subSections.value("s3").value("addressing_style").value, QString("path"));
        QCOMPARE(section->subSections.value("s3").value("max_concurrent_requests").value, QString("20"));
        QCOMPARE(section->subSections.value("s3").size(), 2);
    }

    void identityCenterSessionsAndProfiles()
    {
        const auto config = Auth::AwsSharedConfig::load(dataFile("sso.config"), QString());
        QCOMPARE(config.problems(), QStringList());
        QCOMPARE(config.ssoSessionNames(), (QStringList{"corp", "bare", "noregion"}));
        const auto corp = config.ssoSession("corp");
        QVERIFY(corp);
        QCOMPARE(corp->startUrl, QString("https://d-1234567890.awsapps.com/start"));
        QCOMPARE(corp->region, QString("eu-west-1"));
        QCOMPARE(corp->registrationScopes, (QStringList{"sso:account:access", "codewhisperer:completions"}));
        QCOMPARE(corp->cacheKey(), QString("corp"));
        // No sso_registration_scopes: the default, which is what gets a refresh token.
        QCOMPARE(config.ssoSession("bare")->registrationScopes, QStringList{"sso:account:access"});
        QVERIFY(!config.ssoSession("dev"));

        const auto dev = config.profile("dev");
        QVERIFY(dev && dev->usesSso());
        QCOMPARE(dev->ssoSession, QString("corp"));
        QCOMPARE(dev->ssoAccountId, QString("123456789012"));
        QCOMPARE(dev->ssoRoleName, QString("S3Access"));
        QCOMPARE(dev->region, QString("eu-central-1"));
        const auto devSession = config.ssoSessionOf(*dev);
        QVERIFY2(devSession, qPrintable(devSession.error().message));
        QCOMPARE(devSession.value(), *corp);

        // The legacy form: keyed by its start URL, registered without scopes as the AWS CLI does.
        const auto legacy = config.ssoSessionOf(*config.profile("legacy"));
        QVERIFY(legacy);
        QCOMPARE(legacy->startUrl, QString("https://d-5555555555.awsapps.com/start"));
        QCOMPARE(legacy->region, QString("ap-southeast-2"));
        QVERIFY(legacy->registrationScopes.isEmpty());
        QCOMPARE(legacy->cacheKey(), legacy->startUrl);

        QCOMPARE(config.profile("eks")->webIdentityTokenFile,
                 QString("/var/run/secrets/eks.amazonaws.com/serviceaccount/token"));
        QVERIFY(!config.profile("eks")->usesSso());
    }

    void identityCenterProfileErrorsNameWhatIsMissing_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("unknown session") << "nosession" << "no [sso-session missing]";
        QTest::newRow("contradicting region") << "contradicts" << "other than its [sso-session corp]";
        QTest::newRow("session without region") << "halfsession" << "[sso-session noregion] has no sso_region";
        QTest::newRow("not an SSO profile") << "eks" << "has no sso_session or sso_start_url";
    }

    void identityCenterProfileErrorsNameWhatIsMissing()
    {
        QFETCH(QString, profile);
        QFETCH(QString, messagePart);
        const auto config = Auth::AwsSharedConfig::load(dataFile("sso.config"), QString());
        const auto session = config.ssoSessionOf(*config.profile(profile));
        QVERIFY(!session);
        QVERIFY2(session.error().message.contains(messagePart), qPrintable(session.error().message));
    }

    void identityCenterProfileIsTheBaseOfItsChain()
    {
        const auto config = Auth::AwsSharedConfig::load(dataFile("sso.config"), QString());
        const auto chained = config.resolveChain("chained");
        QVERIFY2(chained, qPrintable(chained.error().message));
        QCOMPARE(namesInChain(chained.value()), (QStringList{"chained", "dev"}));
        const auto dev = config.resolveChain("dev");
        QVERIFY(dev);
        QCOMPARE(namesInChain(dev.value()), QStringList{"dev"});
    }

    void webIdentityTokenFileProfileIsTheBaseOfItsChain()
    {
        // The EKS / CI form: role_arn with web_identity_token_file needs no source_profile; a role above it chains.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("config"));
        QVERIFY(writeAll(path, "[profile ci]\nweb_identity_token_file = /var/run/token\nrole_arn = arn:aws:iam::1:role/Ci\n"
                               "[profile up]\nrole_arn = arn:aws:iam::2:role/Up\nsource_profile = ci\n"
                               "[profile broken]\nrole_arn = arn:aws:iam::2:role/Up\n"));
        const auto config = Auth::AwsSharedConfig::load(path, QString());
        const auto ci = config.resolveChain("ci");
        QVERIFY2(ci, qPrintable(ci.error().message));
        QCOMPARE(namesInChain(ci.value()), QStringList{"ci"});
        QCOMPARE(ci->first().webIdentityTokenFile, QStringLiteral("/var/run/token"));
        const auto up = config.resolveChain("up");
        QVERIFY2(up, qPrintable(up.error().message));
        QCOMPARE(namesInChain(up.value()), (QStringList{"up", "ci"}));
        QVERIFY(!config.resolveChain("broken"));   // a role with neither a source nor a token file
    }

    void brokenLinesAreReportedWithTheirLineAndSkipped()
    {
        const QString file = dataFile("broken.config");
        const auto config = Auth::AwsSharedConfig::load(file, QString());
        const QStringList problems = config.problems();
        const QList<int> expectedLines{4, 6, 9, 11, 13, 15, 16, 17};
        for (int line : expectedLines)
            QVERIFY2(anyContains(problems, QStringLiteral("%1:%2: ").arg(file).arg(line)), qPrintable(QString::number(line) + "\n" + problems.join('\n')));
        QCOMPARE(problems.size(), expectedLines.size());
        QVERIFY(anyContains(problems, ":6: section header has no closing ']'"));
        QVERIFY(anyContains(problems, ":17: duration_seconds of profile 'good2'"));

        // The rest of the file still counts, and keys under a broken header go nowhere.
        QCOMPARE(config.profileNames(), (QStringList{"good1", "good2", "good3"}));
        QCOMPARE(config.profile("good1")->region, QString("eu-west-1"));
        QCOMPARE(config.profile("good2")->region, QString("ap-south-2"));
        QCOMPARE(config.profile("good2")->durationSeconds, 0);
        QCOMPARE(config.profile("good3")->region, QString("sa-east-1"));
    }

    void problemsNeverQuoteTheFile()
    {
        const QString file = dataFile("broken.credentials");
        const auto config = Auth::AwsSharedConfig::load(QString(), file);
        const QStringList problems = config.problems();
        QVERIFY(anyContains(problems, file + ":1: 'key = value' before any [section]"));
        QVERIFY(anyContains(problems, file + ":4: line is neither"));
        QVERIFY(anyContains(problems, file + ":6: the credentials file names profiles [NAME], not [profile wrongstyle]"));
        QCOMPARE(problems.size(), 3);
        const QString all = problems.join('\n');
        QVERIFY(!all.contains("LEAKEDKEY"));
        QVERIFY(!all.contains("EXAMPLEKEY"));
        QVERIFY(!all.contains("before any section")); // the orphan line's value
        QCOMPARE(config.profile("leaky")->secretAccessKey, QString("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        QVERIFY(!config.profile("wrongstyle"));
        QVERIFY(!config.profile("profile wrongstyle"));
    }

    void bomAndCrlf()
    {
        const auto config = Auth::AwsSharedConfig::load(dataFile("crlf_bom.config"), QString());
        QVERIFY2(config.problems().isEmpty(), qPrintable(config.problems().join('\n')));
        QCOMPARE(config.profileNames(), (QStringList{"default", "crlf"}));
        QCOMPARE(config.profile("default")->region, QString("eu-north-1"));
        const auto crlf = config.profile("crlf");
        QCOMPARE(crlf->roleArn, QString("arn:aws:iam::123456789012:role/Crlf"));
        QCOMPARE(crlf->region, QString("me-south-1"));
        QCOMPARE(namesInChain(config.resolveChain("crlf").value()), (QStringList{"crlf", "default"}));
    }

    void crlfAndBomVariantsParseLikeTheOriginal_data()
    {
        QTest::addColumn<QString>("file");
        for (const char *name : {"chain.config", "chain.credentials", "comments.config", "broken.config"})
            QTest::newRow(name) << QString(name);
    }
    void crlfAndBomVariantsParseLikeTheOriginal()
    {
        QFETCH(QString, file);
        const QByteArray original = readAll(dataFile(file));
        QVERIFY(!original.isEmpty());
        QByteArray crlf = original;
        crlf.replace("\n", "\r\n");
        const Auth::IniDocument a = Auth::parseIni(original, "f");
        for (const QByteArray &variant : {crlf, QByteArray("\xEF\xBB\xBF") + original, QByteArray("\xEF\xBB\xBF") + crlf}) {
            const Auth::IniDocument b = Auth::parseIni(variant, "f");
            QCOMPARE(b.sections.size(), a.sections.size());
            for (int i = 0; i < a.sections.size(); ++i) {
                QCOMPARE(b.sections[i].header, a.sections[i].header);
                QCOMPARE(b.sections[i].line, a.sections[i].line);
                QCOMPARE(b.sections[i].properties.keys(), a.sections[i].properties.keys());
                for (auto it = a.sections[i].properties.cbegin(); it != a.sections[i].properties.cend(); ++it)
                    QCOMPARE(b.sections[i].properties.value(it.key()).value, it->value);
            }
            QCOMPARE(b.problems.size(), a.problems.size());
        }
    }

    void iniDialectDetails_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("section");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("problems");
        QTest::newRow("spaces around =") << QByteArray("[s]\n  k   =   v  \n") << "s" << "k" << "v" << 0;
        QTest::newRow("no spaces") << QByteArray("[s]\nk=v\n") << "s" << "k" << "v" << 0;
        QTest::newRow("= in value") << QByteArray("[s]\nk = a=b==\n") << "s" << "k" << "a=b==" << 0;
        QTest::newRow("empty value") << QByteArray("[s]\nk =\n") << "s" << "k" << "" << 0;
        QTest::newRow("inline # needs whitespace") << QByteArray("[s]\nk = a#b # c\n") << "s" << "k" << "a#b" << 0;
        QTest::newRow("value that is only a comment") << QByteArray("[s]\nk = # c\n") << "s" << "k" << "" << 0;
        QTest::newRow("continuation line") << QByteArray("[s]\nk = a\n  b\n") << "s" << "k" << "a\nb" << 0;
        QTest::newRow("no trailing newline") << QByteArray("[s]\nk = v") << "s" << "k" << "v" << 0;
        QTest::newRow("indented header") << QByteArray("  [s]\nk = v\n") << "s" << "k" << "v" << 0;
        QTest::newRow("padded header") << QByteArray("[  s  ]\nk = v\n") << "s" << "k" << "v" << 0;
        QTest::newRow("utf-8 value") << QByteArray("[s]\nk = caf\xC3\xA9\n") << "s" << "k" << QString::fromUtf8("caf\xC3\xA9") << 0;
        QTest::newRow("key before section") << QByteArray("k = v\n[s]\nk = w\n") << "s" << "k" << "w" << 1;
        QTest::newRow("nul byte line") << QByteArray("[s]\n\0\nk = v\n", 12) << "s" << "k" << "v" << 1;
        QTest::newRow("lone CR inside") << QByteArray("[s]\nk = a\rb\n") << "s" << "k" << "a\rb" << 0;
    }
    void iniDialectDetails()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, section);
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(int, problems);
        const Auth::IniDocument doc = Auth::parseIni(content, "mem");
        QCOMPARE(doc.problems.size(), problems);
        QCOMPARE(doc.sections.size(), 1);
        QCOMPARE(doc.sections[0].header, section);
        QCOMPARE(doc.sections[0].properties.value(key).value, value);
    }

    void emptyAndMissingFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString empty = dir.filePath("empty");
        QVERIFY(writeAll(empty, QByteArray()));
        const QString blank = dir.filePath("blank");
        QVERIFY(writeAll(blank, QByteArray("\n\n   \n# only comments\n")));

        for (const auto &[config, credentials] : {std::pair{empty, empty}, std::pair{dir.filePath("nope"), dir.filePath("nada")},
                                                  std::pair{blank, QString()}}) {
            const auto loaded = Auth::AwsSharedConfig::load(config, credentials);
            QVERIFY(loaded.profileNames().isEmpty());
            QVERIFY2(loaded.problems().isEmpty(), qPrintable(loaded.problems().join('\n')));
            QVERIFY(!loaded.resolveChain("default").ok());
        }
        QVERIFY(!QFileInfo::exists(dir.filePath("nope"))); // reading never creates the file

        const auto directory = Auth::AwsSharedConfig::load(dir.path(), QString());
        QCOMPARE(directory.problems().size(), 1);
        QVERIFY(directory.problems().first().contains("is a directory"));
    }

    void environmentChoosesTheFiles()
    {
        ScopedEnv env;
        env.set("AWS_CONFIG_FILE", dataFile("chain.config").toUtf8());
        env.set("AWS_SHARED_CREDENTIALS_FILE", dataFile("chain.credentials").toUtf8());
        auto config = Auth::AwsSharedConfig::load();
        QCOMPARE(config.configPath(), dataFile("chain.config"));
        QCOMPARE(config.credentialsPath(), dataFile("chain.credentials"));
        QVERIFY(config.profile("admin"));
        QVERIFY(config.profile("base")->hasStaticCredentials());

        // Without the variables: ~/.aws under $HOME.
        QTemporaryDir home;
        QVERIFY(QDir(home.path()).mkpath(".aws"));
        QVERIFY(writeAll(home.filePath(".aws/config"), "[profile from-home]\nregion = eu-south-1\n"));
        QVERIFY(writeAll(home.filePath(".aws/credentials"), "[from-home]\naws_access_key_id = AKIAHOMEHOMEHOMEHOME\n"));
        env.set("HOME", home.path().toUtf8());
        env.unset("AWS_CONFIG_FILE");
        env.unset("AWS_SHARED_CREDENTIALS_FILE");
        config = Auth::AwsSharedConfig::load();
        QCOMPARE(config.configPath(), home.filePath(".aws/config"));
        QCOMPARE(config.profileNames(), QStringList{"from-home"});
        QCOMPARE(config.profile("from-home")->region, QString("eu-south-1"));
        QCOMPARE(config.profile("from-home")->accessKeyId, QString("AKIAHOMEHOMEHOMEHOME"));

        // "~/" in a variable is the home directory, as in botocore.
        QVERIFY(writeAll(home.filePath("other-config"), "[profile tilde]\nregion = il-central-1\n"));
        env.set("AWS_CONFIG_FILE", "~/other-config");
        config = Auth::AwsSharedConfig::load();
        QCOMPARE(config.configPath(), home.filePath("other-config"));
        QCOMPARE(config.profile("tilde")->region, QString("il-central-1"));

        // A file named on purpose that is not there is reported; a missing default is not.
        env.set("AWS_CONFIG_FILE", home.filePath("typo").toUtf8());
        config = Auth::AwsSharedConfig::load();
        QCOMPARE(config.problems().size(), 1);
        QVERIFY(config.problems().first().contains("named by AWS_CONFIG_FILE but does not exist"));
    }

    void credentialsAndRegionFromEnvironment()
    {
        ScopedEnv env;
        for (const char *v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
                              "AWS_PROFILE", "AWS_DEFAULT_PROFILE"})
            env.unset(v);
        QVERIFY(!Auth::credentialsFromEnvironment());
        QVERIFY(Auth::regionFromEnvironment().isEmpty());

        env.set("AWS_ACCESS_KEY_ID", "AKIAENVENVENVENVENV0");
        QVERIFY(!Auth::credentialsFromEnvironment()); // a key id without its secret is useless
        env.set("AWS_SECRET_ACCESS_KEY", "envSecretenvSecretenvSecretenvSecret0000");
        auto credentials = Auth::credentialsFromEnvironment();
        QVERIFY(credentials);
        QCOMPARE(credentials->accessKeyId, QString("AKIAENVENVENVENVENV0"));
        QCOMPARE(credentials->secretAccessKey, QString("envSecretenvSecretenvSecretenvSecret0000"));
        QVERIFY(!credentials->isTemporary());
        env.set("AWS_SESSION_TOKEN", "envToken");
        QVERIFY(Auth::credentialsFromEnvironment()->isTemporary());
        env.set("AWS_SECRET_ACCESS_KEY", "   ");
        QVERIFY(!Auth::credentialsFromEnvironment());

        env.set("AWS_DEFAULT_REGION", "eu-west-3");
        QCOMPARE(Auth::regionFromEnvironment(), QString("eu-west-3"));
        env.set("AWS_REGION", "us-west-2");
        QCOMPARE(Auth::regionFromEnvironment(), QString("us-west-2"));

        env.set("AWS_DEFAULT_PROFILE", "old");
        QCOMPARE(Auth::profileNameFromEnvironment(), QString("old"));
        env.set("AWS_PROFILE", "new");
        QCOMPARE(Auth::profileNameFromEnvironment(), QString("new"));
    }

    void neverWritesTheFiles()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath("config");
        const QString credentials = dir.filePath("credentials");
        QVERIFY(QFile::copy(dataFile("chain.config"), config));
        QVERIFY(QFile::copy(dataFile("broken.credentials"), credentials));
        // Back-date the files so that even a rewrite of identical bytes would show in the mtime.
        for (const QString &path : {config, credentials}) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.setFileTime(QDateTime::currentDateTimeUtc().addDays(-3), QFileDevice::FileModificationTime));
        }
        QVERIFY(QFile::setPermissions(credentials, QFile::ReadOwner | QFile::WriteOwner));
        const FileState configBefore = stateOf(config);
        const FileState credentialsBefore = stateOf(credentials);
        const QStringList filesBefore = QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);

        ScopedEnv env;
        env.set("AWS_CONFIG_FILE", config.toUtf8());
        env.set("AWS_SHARED_CREDENTIALS_FILE", credentials.toUtf8());
        for (int i = 0; i < 3; ++i) {
            const auto loaded = i == 0 ? Auth::AwsSharedConfig::load() : Auth::AwsSharedConfig::load(config, credentials);
            for (const QString &name : loaded.profileNames())
                (void)loaded.resolveChain(name);
            QVERIFY(!loaded.problems().isEmpty());
        }

        QVERIFY(stateOf(config) == configBefore);
        QVERIFY(stateOf(credentials) == credentialsBefore);
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), filesBefore);
    }

    void fuzzedFilesNeverCrash()
    {
        // Fixed seed: a failure here reproduces. Mutations favour the bytes the parser cares about.
        QRandomGenerator random(0x5eed2024);
        const QByteArray interesting[] = {"[", "]", "=", "#", ";", " ", "\t", "\n", "\r\n", "\r", QByteArray(1, '\0'), "\xEF\xBB\xBF",
                                          "\xFF\xFE", "\xC3", "[profile ", "source_profile = ", "role_arn = ", "  ", "\n  x = y\n"};
        QList<QByteArray> seeds;
        for (const char *name : {"chain.config", "chain.credentials", "comments.config", "broken.config", "crlf_bom.config"})
            seeds << readAll(dataFile(name));
        QTemporaryDir dir;
        const QString config = dir.filePath("config");
        const QString credentials = dir.filePath("credentials");

        int totalProblems = 0;
        for (int iteration = 0; iteration < 3000; ++iteration) {
            QByteArray data = seeds[random.bounded(int(seeds.size()))];
            const int mutations = 1 + random.bounded(8);
            for (int m = 0; m < mutations; ++m) {
                const int at = data.isEmpty() ? 0 : random.bounded(int(data.size()) + 1);
                switch (random.bounded(6)) {
                case 0: data.insert(at, interesting[random.bounded(int(std::size(interesting)))]); break;
                case 1: data.insert(at, char(random.bounded(256))); break;
                case 2: data.remove(at, random.bounded(40)); break;
                case 3: data.insert(at, data.mid(random.bounded(int(data.size()) + 1), random.bounded(80))); break;
                case 4: data.truncate(at); break;
                default:
                    if (at < data.size())
                        data[at] = char(random.bounded(256));
                    break;
                }
            }
            const Auth::IniDocument doc = Auth::parseIni(data, "fuzz");
            const int lines = int(data.count('\n')) + 1;
            for (const Auth::IniProblem &p : doc.problems) {
                QVERIFY(p.line >= 0 && p.line <= lines);
                QVERIFY(!p.message.isEmpty());
            }
            for (const Auth::IniSection &s : doc.sections) {
                QVERIFY(!s.header.isEmpty());
                QVERIFY(s.line >= 1 && s.line <= lines);
            }
            totalProblems += int(doc.problems.size());

            if (iteration % 10 == 0) {
                QVERIFY(writeAll(config, data));
                QVERIFY(writeAll(credentials, seeds[random.bounded(int(seeds.size()))].left(random.bounded(700))));
                const auto loaded = Auth::AwsSharedConfig::load(config, credentials);
                for (const QString &name : loaded.profileNames()) {
                    QVERIFY(!name.isEmpty());
                    const auto chain = loaded.resolveChain(name); // cycles must end, not spin
                    QVERIFY(chain.ok() || !chain.error().message.isEmpty());
                    if (chain.ok())
                        QVERIFY(chain->size() <= loaded.profileNames().size());
                }
            }
        }
        QVERIFY(totalProblems > 0); // the mutations did reach the error paths
    }
};

QTEST_GUILESS_MAIN(AwsConfigFileTest)
#include "aws_config_file_test.moc"
