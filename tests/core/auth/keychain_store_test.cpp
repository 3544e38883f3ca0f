// Runs against a real Secret Service. Started plainly (as CTest does), it re-runs itself inside
// a sandbox: a throwaway HOME and XDG_RUNTIME_DIR, a private D-Bus session (dbus-run-session)
// and a gnome-keyring-daemon unlocked with a dummy password, so the developer's own keyring is
// never touched. The daemon ends with the session bus. Inside (ROLEDROP_KEYCHAIN_TEST_INNER=1) a missing Secret Service FAILS the test.
#include "core/auth/keychain_store.h"
#include "core/auth/profile_store.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace RoleDrop;

namespace {

const char *const kInnerVariable = "ROLEDROP_KEYCHAIN_TEST_INNER";
const QString kService = QStringLiteral("RoleDropTest");

const char *const kHowToRun =
    "keychain_store_test needs a real Secret Service (packages dbus, gnome-keyring, libsecret-tools).\n"
    "Run it plainly (./keychain_store_test) and it sandboxes itself, or by hand:\n"
    "  HOME=$(mktemp -d) ROLEDROP_KEYCHAIN_TEST_INNER=1 dbus-run-session -- sh -c "
    "'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; ./keychain_store_test'";

QString randomSecret()
{
    // Random per run, so that finding it anywhere on disk can only mean it was written there.
    QByteArray bytes(30, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    for (int i = bytes.size() / 4 * 4; i < bytes.size(); ++i)
        bytes[i] = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(bytes.toBase64());
}

template <class T>
Outcome<T> await(const std::function<void(std::function<void(Outcome<T>)>)> &start, int timeoutMs = 30000)
{
    std::optional<Outcome<T>> result;
    start([&](Outcome<T> r) { result = std::move(r); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, timeoutMs))
        return AwsError::local(AwsErrorKind::Timeout, QStringLiteral("the test gave up waiting for the keychain"));
    return *result;
}

Outcome<QString> readNow(Auth::KeychainStore &store, const QString &profile)
{
    return await<QString>([&](auto done) { store.readSecret(profile, &store, done); });
}

Outcome<bool> writeNow(Auth::KeychainStore &store, const QString &profile, const QString &secret)
{
    return await<bool>([&](auto done) { store.writeSecret(profile, secret, &store, done); });
}

Outcome<bool> removeNow(Auth::KeychainStore &store, const QString &profile)
{
    return await<bool>([&](auto done) { store.removeSecret(profile, &store, done); });
}

// What the Secret Service itself holds, asked without QtKeychain.
std::optional<QString> secretToolLookup(const QString &profile)
{
    QProcess p;
    p.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"), kService, QStringLiteral("user"), profile});
    if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return std::nullopt;
    return QString::fromUtf8(p.readAllStandardOutput());
}

bool secretToolClear(const QString &profile)
{
    return QProcess::execute(QStringLiteral("secret-tool"),
                             {QStringLiteral("clear"), QStringLiteral("server"), kService, QStringLiteral("user"), profile})
        == 0;
}

// Every file under `root` that holds `secret` in any encoding a fallback store would use.
QStringList filesHolding(const QString &root, const QString &secret)
{
    const QList<QByteArray> needles{secret.toUtf8(), secret.toUtf8().toBase64(),
                                    QByteArray(reinterpret_cast<const char *>(secret.utf16()), secret.size() * 2)};
    QStringList found;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray content = f.read(64 * 1024 * 1024);
        for (const QByteArray &needle : needles) {
            if (content.contains(needle)) {
                found << path;
                break;
            }
        }
    }
    return found;
}

QProcessEnvironment withoutSessionBus()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/roledrop-test-bus"));
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    return env;
}

// Child mode: one write with no reachable keychain, printing the error it got.
int probeWrite(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Auth::KeychainStore store(kService);
    store.setTimeout(20000);
    const auto result = writeNow(store, QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    if (result.ok()) {
        std::printf("UNEXPECTED SUCCESS\n");
        return 2;
    }
    std::printf("KIND=%d\nMESSAGE=%s\n", int(result.error().kind), qPrintable(result.error().message));
    return 0;
}

int runInSandbox(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString dbusRunSession = QStandardPaths::findExecutable(QStringLiteral("dbus-run-session"));
    const QString keyringDaemon = QStandardPaths::findExecutable(QStringLiteral("gnome-keyring-daemon"));
    if (dbusRunSession.isEmpty() || keyringDaemon.isEmpty()) {
        std::fprintf(stderr, "FAIL: dbus-run-session or gnome-keyring-daemon not found.\n%s\n", kHowToRun);
        return 1;
    }
    QTemporaryDir home;
    QTemporaryDir runtime;
    if (!home.isValid() || !runtime.isValid()
        || !QFile::setPermissions(runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
        std::fprintf(stderr, "FAIL: cannot create the sandbox's temporary directories\n");
        return 1;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path()); // else gnome-keyring may find the user's daemon
    for (const char *inherited : {"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY",
                                  "WAYLAND_DISPLAY", "GNOME_KEYRING_CONTROL", "SSH_AUTH_SOCK"})
        env.remove(QString::fromLatin1(inherited));
    env.insert(QString::fromLatin1(kInnerVariable), QStringLiteral("1"));

    QStringList arguments{QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                          QStringLiteral("echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
                                         "exec \"$0\" \"$@\""),
                          QCoreApplication::applicationFilePath()};
    for (int i = 1; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    QProcess child;
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.start(dbusRunSession, arguments);
    if (!child.waitForFinished(-1) || child.exitStatus() != QProcess::NormalExit) {
        std::fprintf(stderr, "FAIL: the sandboxed test did not finish normally: %s\n", qPrintable(child.errorString()));
        return 1;
    }
    return child.exitCode();
}

} // namespace

class KeychainStoreTest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(QDir::homePath().startsWith(QDir::tempPath()),
                 qPrintable(QStringLiteral("HOME (%1) is not a throwaway directory under %2.\n%3")
                                .arg(QDir::homePath(), QDir::tempPath(), QLatin1String(kHowToRun))));
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"), kHowToRun);
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("secret-tool")).isEmpty(), kHowToRun);
        Auth::KeychainStore probe(kService);
        probe.setTimeout(20000);
        const auto written = writeNow(probe, QStringLiteral("probe"), QStringLiteral("probe-secret"));
        QVERIFY2(written.ok(), qPrintable(QStringLiteral("No usable Secret Service: %1\n%2").arg(written.ok() ? QString() : written.error().message, QLatin1String(kHowToRun))));
        QVERIFY(removeNow(probe, QStringLiteral("probe")).ok());
    }

    void writeReadOverwriteDelete()
    {
        const QString profile = QStringLiteral("prod");
        const QString first = secret();
        const QString second = secret();
        Auth::KeychainStore store(kService);

        QVERIFY(writeNow(store, profile, first).ok());
        QCOMPARE(secretToolLookup(profile), std::optional<QString>(first)); // really in the Secret Service
        Auth::KeychainStore fresh(kService);
        QCOMPARE(readNow(fresh, profile).value(), first);

        QVERIFY(writeNow(store, profile, second).ok());
        QCOMPARE(secretToolLookup(profile), std::optional<QString>(second));
        QCOMPARE(readNow(store, profile).value(), second); // the writer's cache follows the write
        Auth::KeychainStore fresh2(kService);
        QCOMPARE(readNow(fresh2, profile).value(), second);

        QVERIFY(removeNow(store, profile).ok());
        QVERIFY(!secretToolLookup(profile));
        QVERIFY(!store.isCached(profile));
        const auto gone = readNow(store, profile);
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().kind, AwsErrorKind::NotFound);
        QVERIFY(removeNow(store, profile).ok()); // removing what is not there is not an error
    }

    void profilesAreSeparateEntries()
    {
        Auth::KeychainStore store(kService);
        const QString a = secret();
        const QString b = secret();
        const QString odd = QString::fromUtf8("Prod (EU) \xC3\xA9");
        QVERIFY(writeNow(store, QStringLiteral("a"), a).ok());
        QVERIFY(writeNow(store, odd, b).ok());
        Auth::KeychainStore fresh(kService);
        QCOMPARE(readNow(fresh, QStringLiteral("a")).value(), a);
        QCOMPARE(readNow(fresh, odd).value(), b);
        Auth::KeychainStore otherService(kService + QStringLiteral("-other"));
        QCOMPARE(readNow(otherService, QStringLiteral("a")).error().kind, AwsErrorKind::NotFound);
        QVERIFY(removeNow(store, QStringLiteral("a")).ok());
        QVERIFY(removeNow(store, odd).ok());
    }

    void secretIsReadFromTheKeychainOncePerRun()
    {
        const QString profile = QStringLiteral("cached");
        const QString value = secret();
        {
            Auth::KeychainStore writer(kService);
            QVERIFY(writeNow(writer, profile, value).ok());
        }
        Auth::KeychainStore store(kService);
        QCOMPARE(store.backendCalls(), 0);
        QCOMPARE(readNow(store, profile).value(), value);
        QCOMPARE(store.backendCalls(), 1);
        QVERIFY(store.isCached(profile));

        // Deleted behind the store's back: the cached value still answers, without a new request.
        QVERIFY(secretToolClear(profile));
        QVERIFY(!secretToolLookup(profile));
        QCOMPARE(readNow(store, profile).value(), value);
        QCOMPARE(store.backendCalls(), 1);

        // Forgetting the cache sends the next read to the keychain, which no longer has it.
        store.forgetCached(profile);
        const auto missing = readNow(store, profile);
        QVERIFY(!missing.ok());
        QCOMPARE(store.backendCalls(), 2);
    }

    void concurrentReadsShareOneRequest()
    {
        const QString profile = QStringLiteral("shared");
        const QString value = secret();
        {
            Auth::KeychainStore writer(kService);
            QVERIFY(writeNow(writer, profile, value).ok());
        }
        Auth::KeychainStore store(kService);
        QList<QString> answers;
        for (int i = 0; i < 3; ++i)
            store.readSecret(profile, &store, [&](Outcome<QString> r) { answers << (r.ok() ? r.value() : r.error().message); });
        QVERIFY(answers.isEmpty()); // callbacks never run inside the call
        QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 3, 30000);
        QCOMPARE(answers, (QList<QString>{value, value, value}));
        QCOMPARE(store.backendCalls(), 1);

        bool called = false;
        store.readSecret(profile, &store, [&](Outcome<QString>) { called = true; });
        QVERIFY(!called); // even a cache hit answers later, from the event loop
        QTRY_VERIFY(called);
        QVERIFY(removeNow(store, profile).ok());
    }

    void missingEntryGivesAClearError()
    {
        Auth::KeychainStore store(kService);
        const auto result = readNow(store, QStringLiteral("never-stored"));
        QVERIFY(!result.ok());
        const AwsError &e = result.error();
        QCOMPARE(e.kind, AwsErrorKind::NotFound);
        QVERIFY2(e.message.contains(QStringLiteral("profile 'never-stored'")), qPrintable(e.message));
        QVERIFY(e.message.contains(kService));
        QVERIFY(e.message.contains(QStringLiteral("enter the secret key again")));
        QVERIFY(!store.isCached(QStringLiteral("never-stored")));
    }

    void invalidArgumentsNeverReachTheKeychain()
    {
        Auth::KeychainStore store(kService);
        QCOMPARE(readNow(store, QString()).error().kind, AwsErrorKind::Validation);
        QCOMPARE(writeNow(store, QStringLiteral("p"), QString()).error().kind, AwsErrorKind::Validation);
        QCOMPARE(writeNow(store, QString(), QStringLiteral("s")).error().kind, AwsErrorKind::Validation);
        QCOMPARE(removeNow(store, QString()).error().kind, AwsErrorKind::Validation);
        QCOMPARE(store.backendCalls(), 0);
    }

    void profileAndSecretRoundTripKeepsTheSecretOutOfSettings()
    {
        const QString settingsFile = QDir::home().filePath(QStringLiteral(".config/RoleDrop/RoleDrop.conf"));
        const QString value = secret();
        {
            Auth::ProfileStore profiles(settingsFile);
            Auth::KeychainStore keychain(kService);
            Auth::Profile p{QStringLiteral("roundtrip"), QStringLiteral("AKIAIOSFODNN7EXAMPLE"), QStringLiteral("eu-west-1"),
                      QStringLiteral("http://127.0.0.1:7480"), true, QString()};
            QVERIFY(profiles.save(p).ok());
            QVERIFY(writeNow(keychain, p.name, value).ok());
        }
        {
            Auth::ProfileStore profiles(settingsFile);
            Auth::KeychainStore keychain(kService);
            const auto p = profiles.profile(QStringLiteral("roundtrip"));
            QVERIFY(p);
            QCOMPARE(readNow(keychain, p->name).value(), value);
            QVERIFY(profiles.rename(p->name, QStringLiteral("renamed")).ok());
            QVERIFY(writeNow(keychain, QStringLiteral("renamed"), value).ok());
            QVERIFY(removeNow(keychain, p->name).ok());
        }
        QFile file(settingsFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY(content.contains("AKIAIOSFODNN7EXAMPLE")); // the file is the one the store wrote
        QVERIFY(!content.contains(value.toUtf8()));
        QVERIFY(filesHolding(QDir::homePath(), value).isEmpty());
        QCOMPARE(secretToolLookup(QStringLiteral("renamed")), std::optional<QString>(value));
    }

    void withoutSecretServiceWritesFailClearlyAndLeaveNoFile_data()
    {
        QTest::addColumn<bool>("kde4");
        QTest::newRow("no session bus") << false;
        // QtKeychain picks KWallet 4 for a KDE 4 session and, when the wallet cannot be reached,
        // is exactly where its plaintext fallback would write the secret into a settings file.
        QTest::newRow("KDE 4 wallet unreachable") << true;
    }
    void withoutSecretServiceWritesFailClearlyAndLeaveNoFile()
    {
        QFETCH(bool, kde4);
        const QString value = secret();
        QProcessEnvironment env = withoutSessionBus();
        if (kde4) {
            env.insert(QStringLiteral("XDG_CURRENT_DESKTOP"), QStringLiteral("KDE"));
            env.insert(QStringLiteral("KDE_SESSION_VERSION"), QStringLiteral("4"));
        }
        QProcess child;
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--probe-write"), QStringLiteral("nobus"), value});
        QVERIFY(child.waitForFinished(60000));
        const QString out = QString::fromUtf8(child.readAllStandardOutput());
        QVERIFY2(child.exitCode() == 0, qPrintable(out + QString::fromUtf8(child.readAllStandardError())));
        QVERIFY2(out.contains(QStringLiteral("profile 'nobus'")), qPrintable(out));
        QVERIFY(out.contains(kService));
        QVERIFY(!out.contains(value));
        // This is where QtKeychain's plaintext fallback would have written: it must not have.
        QVERIFY2(filesHolding(QDir::homePath(), value).isEmpty(), qPrintable(filesHolding(QDir::homePath(), value).join('\n')));
    }

    void lockedKeyringFailsInsteadOfHanging()
    {
        // A second session bus whose keyring daemon finds this HOME's keyring locked and cannot
        // show its password prompt (no display).
        const QString dbusRunSession = QStandardPaths::findExecutable(QStringLiteral("dbus-run-session"));
        QVERIFY(!dbusRunSession.isEmpty());
        QTemporaryDir runtime;
        QVERIFY(QFile::setPermissions(runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QProcessEnvironment env = withoutSessionBus();
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
        const QString value = secret();
        QProcess child;
        child.setProcessEnvironment(env);
        child.start(dbusRunSession, {QStringLiteral("--"), QCoreApplication::applicationFilePath(), QStringLiteral("--probe-write"),
                                     QStringLiteral("locked"), value});
        QVERIFY(child.waitForFinished(60000));
        const QString out = QString::fromUtf8(child.readAllStandardOutput());
        QVERIFY2(child.exitCode() == 0, qPrintable(out + QString::fromUtf8(child.readAllStandardError())));
        QVERIFY2(out.contains(QStringLiteral("profile 'locked'")), qPrintable(out));
        QVERIFY(!out.contains(value));
        QVERIFY(filesHolding(QDir::homePath(), value).isEmpty());
        QVERIFY(!secretToolLookup(QStringLiteral("locked")));
    }

    void testItselfFailsWithoutSecretService()
    {
        QProcess child;
        child.setProcessEnvironment(withoutSessionBus());
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("invalidArgumentsNeverReachTheKeychain")});
        QVERIFY(child.waitForFinished(90000));
        const QString out = QString::fromUtf8(child.readAllStandardOutput() + child.readAllStandardError());
        QVERIFY2(child.exitCode() != 0, qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("FAIL!")) && out.contains(QStringLiteral("dbus-run-session")), qPrintable(out));
        QVERIFY(!out.contains(QStringLiteral("SKIP")));
    }

    // Last on purpose: every secret written above must be found in no file under HOME.
    void noFileUnderHomeHoldsAnySecret()
    {
        // The search itself works: a planted copy is found.
        const QString planted = secret();
        const QString plantPath = QDir::home().filePath(QStringLiteral(".cache/planted"));
        QVERIFY(QDir::home().mkpath(QStringLiteral(".cache")));
        QFile plant(plantPath);
        QVERIFY(plant.open(QIODevice::WriteOnly));
        plant.write(planted.toUtf8());
        plant.close();
        QCOMPARE(filesHolding(QDir::homePath(), planted), QStringList{plantPath});
        QVERIFY(QFile::remove(plantPath));

        // The keychain did write its (encrypted) files under this HOME, so there was something to search.
        QVERIFY(QDir(QDir::home().filePath(QStringLiteral(".local/share/keyrings"))).exists());
        QVERIFY(m_secrets.size() >= 10);
        for (const QString &s : std::as_const(m_secrets))
            QVERIFY2(filesHolding(QDir::homePath(), s).isEmpty(), qPrintable(filesHolding(QDir::homePath(), s).join('\n')));
    }

private:
    QString secret()
    {
        m_secrets << randomSecret();
        return m_secrets.last();
    }

    QStringList m_secrets;
};

int main(int argc, char **argv)
{
    if (argc == 4 && qstrcmp(argv[1], "--probe-write") == 0)
        return probeWrite(argc, argv);
    if (qEnvironmentVariable(kInnerVariable) != QLatin1String("1"))
        return runInSandbox(argc, argv);
    QCoreApplication app(argc, argv);
    KeychainStoreTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "keychain_store_test.moc"
