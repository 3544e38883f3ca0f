// Removing a profile from the window (profile list, Remove…) and from the command line (roledrop
// profile-remove) leaves the same thing behind: nothing of the profile - no settings, no keychain entry, no
// recent or saved roles - and everything of the others. Both fronts go through ProfileManager::remove.
#include "core/auth/role_history.h"
#include "core/session/session.h"
#include "test_world.h"
#include "ui/profiles/profile_list.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using RoleDrop::Test::wait;

namespace {

QString secretToolLookup(const QString &service, const QString &user)
{
    QProcess tool;
    tool.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"), service, QStringLiteral("user"), user});
    if (!tool.waitForFinished(20000))
        return QStringLiteral("<secret-tool did not finish>");
    return QString::fromUtf8(tool.readAllStandardOutput()).trimmed();
}

// What is left of one profile, as a comparable value.
struct Leftovers
{
    bool inSettings = false;
    bool inKeychain = false;
    int recentRoles = 0;
    int savedRoles = 0;
    bool operator==(const Leftovers &) const = default;
};

} // namespace

class ProfileRemovalTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;  // XDG_CONFIG_HOME of both fronts
    const QString m_service = QStringLiteral("RoleDrop");  // the CLI's keychain service (this is a throwaway keyring)
    const QString m_secret = QStringLiteral("RemovalTestOnlySecret/K7MDENG+Parity0001");

    Leftovers leftoversOf(QSettings &settings, const QString &name)
    {
        settings.sync();
        Auth::RoleHistory history(settings);
        Leftovers left;
        left.inSettings = settings.contains(QStringLiteral("profiles/%1/accessKeyId").arg(name));
        left.inKeychain = !secretToolLookup(m_service, name).isEmpty();
        left.recentRoles = int(history.recent(name).size());
        for (const Auth::RoleHistoryEntry &saved : history.saved())
            left.savedRoles += saved.sourceProfile == name ? 1 : 0;
        return left;
    }

private slots:
    void windowAndCommandLineRemoveTheSameThings()
    {
        QVERIFY(m_config.isValid());
        const QString suffix = QString::number(QCoreApplication::applicationPid());
        const QString viaWindow = QStringLiteral("parity-window-") + suffix;
        const QString viaCli = QStringLiteral("parity-cli-") + suffix;
        const QString keeps = QStringLiteral("parity-keeps-") + suffix;
        // The file the command line reads: QSettings' default place under XDG_CONFIG_HOME.
        QSettings settings(m_config.filePath(QStringLiteral("RoleDrop/RoleDrop.conf")), QSettings::NativeFormat);
        Sessions::Session session(settings, m_service);
        for (const QString &name : {viaWindow, viaCli, keeps}) {
            Auth::Profile profile;
            profile.name = name;
            profile.accessKeyId = QStringLiteral("AKIAPARITYTEST000001");
            const auto added = wait<Auth::Profile>([&](QObject *context, auto done) { session.profiles().add(profile, m_secret, context, done); });
            QVERIFY2(added, qPrintable(added ? QString() : added.error().userMessage()));
            Auth::RoleHistory history(settings);
            Auth::RoleHistoryEntry entry;
            entry.sourceProfile = name;
            entry.roleArn = QStringLiteral("arn:aws:iam::123456789012:role/Parity");
            QVERIFY(history.record(entry));
            QVERIFY(history.save(entry));
        }
        const Leftovers everything{true, true, 1, 1};
        QCOMPARE(leftoversOf(settings, viaWindow), everything);
        QCOMPARE(leftoversOf(settings, viaCli), everything);

        // The window: Remove… in the profile list, confirmed.
        Ui::ProfileList list(&session);
        list.show();
        list.removeProfile(viaWindow);
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = list.findChild<QMessageBox *>(QStringLiteral("removeProfileConfirm"))) != nullptr);
        for (QAbstractButton *button : box->buttons()) {
            if (box->buttonRole(button) == QMessageBox::DestructiveRole)
                button->click();
        }
        QTRY_VERIFY_WITH_TIMEOUT(!session.profiles().contains(viaWindow), 20000);

        // The command line, on the same settings and keychain.
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config.path());
        cli.setProcessEnvironment(env);
        cli.start(QStringLiteral(ROLEDROP_CLI_PATH), {QStringLiteral("profile-remove"), viaCli});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

        const Leftovers nothing{false, false, 0, 0};
        QCOMPARE(leftoversOf(settings, viaWindow), nothing);
        QCOMPARE(leftoversOf(settings, viaCli), nothing);
        QCOMPARE(leftoversOf(settings, viaWindow), leftoversOf(settings, viaCli));
        QCOMPARE(leftoversOf(settings, keeps), everything);
        QVERIFY(wait<Done>([&](QObject *context, auto done) { session.profiles().remove(keeps, context, done); }));
    }
};

QTEST_MAIN(ProfileRemovalTest)
#include "profile_removal_test.moc"
