#pragma once

// The test doubles for the user's browser (tests/servers/sso_test_browser.py, oidc_test_browser.py), as the
// window tests start them and every federated test reads what they did: one line per page in their log.

#include "test_world.h"

#include <QFile>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace RoleDrop::Test {

// A browser test double, as one: which script, whom it signs in as, where it logs the pages it opened.
struct TestBrowser
{
    QString script;          // under tests/servers
    QString variablePrefix;  // "SSO" or "OIDC": the script reads <prefix>_TEST_BROWSER_USER, _PASSWORD, _LOG, _DELAY
    QString user;
    QString password;
    QString log;
};

// The Identity Center browser, signing in as james.
inline TestBrowser identityCenterBrowser(const QString &log)
{
    return {QStringLiteral("sso_test_browser.py"), QStringLiteral("SSO"), worldValue("ROLEDROP_TEST_SSO_JAMES_USER"),
            worldValue("ROLEDROP_TEST_SSO_JAMES_PASSWORD"), log};
}

// The test OpenID Provider's browser, signing in as ada and consenting.
inline TestBrowser openIdBrowser(const QString &log)
{
    return {QStringLiteral("oidc_test_browser.py"), QStringLiteral("OIDC"), worldValue("ROLEDROP_TEST_OIDC_USER"),
            worldValue("ROLEDROP_TEST_OIDC_PASSWORD"), log};
}

// Opens `url` in the browser double, which acts after `delaySeconds` (the time a user takes); the process is
// `owner`'s. False when it could not start.
inline bool openInTestBrowser(QObject *owner, const TestBrowser &browser, const QUrl &url, int delaySeconds)
{
    auto *process = new QProcess(owner);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString prefix = browser.variablePrefix + QStringLiteral("_TEST_BROWSER_");
    env.insert(prefix + QStringLiteral("USER"), browser.user);
    env.insert(prefix + QStringLiteral("PASSWORD"), browser.password);
    env.insert(prefix + QStringLiteral("LOG"), browser.log);
    env.insert(prefix + QStringLiteral("DELAY"), QString::number(delaySeconds));
    process->setProcessEnvironment(env);
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process->start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(ROLEDROP_TESTS_DIR "/servers/") + browser.script,
                                                        QString::fromUtf8(url.toEncoded())});
    return process->waitForStarted(5000);
}

// One line per page a browser test double opened (its *_TEST_BROWSER_LOG).
inline QStringList browserPagesIn(const QString &log)
{
    QFile file(log);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace RoleDrop::Test
