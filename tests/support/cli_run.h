#pragma once

// The roledrop binary run once as a child process by an e2e test, as james of the RGW world with his keys in
// the environment and nothing of the developer's: no AWS profile, session token or proxy, settings under the
// test's own folder, one attempt per request (so a refusal shows at once).

#include "test_browser.h"   // browserPagesIn: what the CLI's browser double opened
#include "test_world.h"

#include <QByteArray>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace RoleDrop::Test {

struct CliRun
{
    int exitCode = -1;  // -1: it crashed
    QString out;
    QString err;
};

inline QString describe(const CliRun &run)
{
    return QStringLiteral("exit %1, stderr: %2, stdout: %3").arg(run.exitCode).arg(run.err, run.out.left(400));
}

// `env` with `changes` applied: a null value removes the variable (e.g. AWS_CA_BUNDLE, which the test run sets).
inline QProcessEnvironment withChanges(QProcessEnvironment env, const QMap<QString, QString> &changes)
{
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        if (it.value().isNull())
            env.remove(it.key());
        else
            env.insert(it.key(), it.value());
    }
    return env;
}

// `changes` are applied last, by withChanges.
inline QProcessEnvironment jamesCliEnvironment(const QString &configHome, const QMap<QString, QString> &changes = {})
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"AWS_PROFILE", "AWS_SESSION_TOKEN", "https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY",
                             "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
    env.insert(QStringLiteral("AWS_CONFIG_FILE"), QStringLiteral("/dev/null"));
    env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), QStringLiteral("/dev/null"));
    env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), worldValue("ROLEDROP_TEST_JAMES_KEY"));
    env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), worldValue("ROLEDROP_TEST_JAMES_SECRET"));
    env.insert(QStringLiteral("AWS_MAX_ATTEMPTS"), QStringLiteral("1"));
    return withChanges(env, changes);
}

// The roledrop binary as a user with no AWS keys at all runs it, in a home folder of the test's own (`home`): no
// key, profile, proxy or display from the test's environment; ~/.aws under that home; one attempt per request;
// `browser` (a test double for the user's browser) in BROWSER, as the AWS CLI reads it.
inline QProcessEnvironment keylessCliEnvironment(const QString &home, const QString &browser)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "DISPLAY",
                             "WAYLAND_DISPLAY", "https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
    env.insert(QStringLiteral("AWS_CONFIG_FILE"), home + QStringLiteral("/.aws/config"));
    env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), home + QStringLiteral("/.aws/credentials"));
    env.insert(QStringLiteral("AWS_MAX_ATTEMPTS"), QStringLiteral("1"));
    env.insert(QStringLiteral("BROWSER"), QStringLiteral("/usr/bin/python3 ") + browser);
    return env;
}

inline CliRun runCli(const QProcessEnvironment &env, const QStringList &arguments, const QByteArray &input = {})
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(ROLEDROP_CLI_PATH), arguments);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(180000))
        qFatal("roledrop %s did not finish", qPrintable(arguments.join(QLatin1Char(' '))));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

} // namespace RoleDrop::Test
