// ProfileList and its dialogs: a profile added through the dialog keeps its secret in the keychain only,
// import from ~/.aws, removal, and recent roles appearing (and working) after a switch.
#include "core/session/session.h"
#include "ui/profiles/import_aws_profiles_dialog.h"
#include "ui/profiles/profile_dialog.h"
#include "ui/profiles/profile_list.h"

#include "test_session.h"
#include "test_world.h"

#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QSettings>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

using namespace RoleDrop;
using namespace RoleDrop::Ui;

namespace {

template <class W>
W *child(QObject *parent, const char *name)
{
    W *widget = parent->findChild<W *>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no child %s", name);
    return widget;
}

// What the Secret Service holds for `user` under `service`, read by another program than ours.
QString secretToolLookup(const QString &service, const QString &user)
{
    QProcess tool;
    tool.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"), service,
                                               QStringLiteral("user"), user});
    if (!tool.waitForFinished(20000))
        return QStringLiteral("<secret-tool did not finish>");
    return QString::fromUtf8(tool.readAllStandardOutput()).trimmed();
}

QTreeWidgetItem *topLevel(QTreeWidget *tree, const QString &name)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0) == name)
            return tree->topLevelItem(i);
    }
    return nullptr;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

} // namespace

class ProfileListTest final : public QObject
{
    Q_OBJECT

private:
    QString settingsPath(const QString &name) const { return m_dir.filePath(name + QStringLiteral(".ini")); }

    QTemporaryDir m_dir;
    QString m_service = QStringLiteral("RoleDropTest-profiles-%1").arg(QCoreApplication::applicationPid());
    // Made-up keys of the right shape; not valid anywhere.
    const QString m_testSecret = QStringLiteral("TestOnlySecret/K7MDENG+ProfileListDbl001");

private slots:
    void addProfileThroughTheDialogKeepsTheSecretInTheKeychainOnly()
    {
        QSettings settings(settingsPath(QStringLiteral("add")), QSettings::IniFormat);
        Sessions::Session session(settings, m_service);
        ProfileList list(&session);
        list.resize(320, 420);
        list.show();
        QTest::mouseClick(child<QToolButton>(&list, "addProfileButton"), Qt::LeftButton);
        ProfileDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = list.findChild<ProfileDialog *>()) != nullptr);
        QVERIFY(dialog->isVisible());

        auto *save = child<QPushButton>(dialog, "saveProfileButton");
        QVERIFY(!save->isEnabled());
        QTest::keyClicks(child<QLineEdit>(dialog, "nameField"), QStringLiteral("work"));
        QTest::keyClicks(child<QLineEdit>(dialog, "accessKeyIdField"), QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        auto *error = child<QLabel>(dialog, "profileError");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QLatin1String("secret")), qPrintable(error->text()));
        QVERIFY(!save->isEnabled());
        child<QLineEdit>(dialog, "accessKeyIdField")->clear();
        QTest::keyClicks(child<QLineEdit>(dialog, "accessKeyIdField"), QStringLiteral("AKIAPROFILELISTTEST1"));
        QVERIFY(!save->isEnabled());  // no secret yet
        QTest::keyClicks(child<QLineEdit>(dialog, "secretField"), m_testSecret);
        QCOMPARE(child<QLineEdit>(dialog, "secretField")->echoMode(), QLineEdit::Password);
        QTest::keyClicks(child<QLineEdit>(dialog, "endpointField"), QStringLiteral("http://127.0.0.1:7480"));
        child<QCheckBox>(dialog, "pathStyleField")->setChecked(true);
        QVERIFY2(save->isEnabled(), qPrintable(error->text()));
        dialog->grab().save(QStringLiteral("/tmp/profiles-add-dialog.png"));
        QTest::mouseClick(save, Qt::LeftButton);

        QTRY_VERIFY_WITH_TIMEOUT(topLevel(list.tree(), QStringLiteral("work")) != nullptr, 20000);
        const auto stored = session.profiles().profile(QStringLiteral("work"));
        QVERIFY(stored);
        QCOMPARE(stored->accessKeyId, QStringLiteral("AKIAPROFILELISTTEST1"));
        QVERIFY(stored->pathStyle);
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("work")), m_testSecret);
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray written = file.readAll();
        QVERIFY(written.contains("AKIAPROFILELISTTEST1"));
        QVERIFY(!written.contains(m_testSecret.toUtf8()));
        list.grab().save(QStringLiteral("/tmp/profiles-after-add.png"));

        // A second profile of the same name is refused before anything is written.
        list.addProfile();
        QTRY_VERIFY((dialog = list.findChild<ProfileDialog *>()) != nullptr);
        QTest::keyClicks(child<QLineEdit>(dialog, "nameField"), QStringLiteral("work"));
        QTest::keyClicks(child<QLineEdit>(dialog, "accessKeyIdField"), QStringLiteral("AKIAPROFILELISTTEST2"));
        QTest::keyClicks(child<QLineEdit>(dialog, "secretField"), m_testSecret);
        QVERIFY(child<QLabel>(dialog, "profileError")->text().contains(QLatin1String("exists")));
        QVERIFY(!child<QPushButton>(dialog, "saveProfileButton")->isEnabled());
        dialog->reject();

        // Remove: the keychain entry goes with the profile.
        list.removeProfile(QStringLiteral("work"));
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = list.findChild<QMessageBox *>(QStringLiteral("removeProfileConfirm"))) != nullptr);
        QPushButton *remove = nullptr;
        for (QAbstractButton *button : box->buttons()) {
            if (box->buttonRole(button) == QMessageBox::DestructiveRole)
                remove = qobject_cast<QPushButton *>(button);
        }
        QVERIFY(remove);
        remove->click();
        QTRY_VERIFY_WITH_TIMEOUT(!session.profiles().contains(QStringLiteral("work")), 20000);
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("work")), QString());
        QTRY_VERIFY(topLevel(list.tree(), QStringLiteral("work")) == nullptr);   // the list reloads from the event loop
    }

    void importFromAwsFiles()
    {
        const QString config = m_dir.filePath(QStringLiteral("aws-config"));
        const QString credentials = m_dir.filePath(QStringLiteral("aws-credentials"));
        writeFile(config, "[profile imported]\nregion = eu-west-1\n\n[profile roleonly]\nrole_arn = arn:aws:iam::123456789012:role/X\n"
                          "source_profile = imported\n");
        writeFile(credentials, "[imported]\naws_access_key_id = AKIAIMPORTEDTEST0001\naws_secret_access_key = " + m_testSecret.toUtf8()
                                   + "\n\n[temporary]\naws_access_key_id = ASIATEMPORARYTEST001\naws_secret_access_key = "
                                   + m_testSecret.toUtf8() + "\naws_session_token = tok\nbroken line here\n");
        qputenv("AWS_CONFIG_FILE", config.toUtf8());
        qputenv("AWS_SHARED_CREDENTIALS_FILE", credentials.toUtf8());
        QSettings settings(settingsPath(QStringLiteral("import")), QSettings::IniFormat);
        Sessions::Session session(settings, m_service);
        ProfileList list(&session);
        list.show();
        QTest::mouseClick(child<QToolButton>(&list, "importProfilesButton"), Qt::LeftButton);
        ImportAwsProfilesDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = list.findChild<ImportAwsProfilesDialog *>()) != nullptr);
        QCOMPARE(dialog->importable(), QStringList{QStringLiteral("imported")});
        QVERIFY(child<QLabel>(dialog, "importWarnings")->isVisible());
        dialog->grab().save(QStringLiteral("/tmp/profiles-import.png"));
        QTest::mouseClick(child<QPushButton>(dialog, "importButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(topLevel(list.tree(), QStringLiteral("imported")) != nullptr, 20000);
        QCOMPARE(session.profiles().profile(QStringLiteral("imported"))->region, QStringLiteral("eu-west-1"));
        QVERIFY(!session.profiles().contains(QStringLiteral("temporary")));
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("imported")), m_testSecret);
        qunsetenv("AWS_CONFIG_FILE");
        qunsetenv("AWS_SHARED_CREDENTIALS_FILE");
        Test::wait<Done>([&](QObject *context, auto done) { session.profiles().remove(QStringLiteral("imported"), context, done); });
        QCOMPARE(secretToolLookup(m_service, QStringLiteral("imported")), QString());
    }

    void recentRolesAppearAfterASwitchAndSwitchOnDoubleClick()
    {
        if (qEnvironmentVariableIsEmpty("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT"))
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        Test::SessionFixture fixture(QStringLiteral("profiles-history"));
        Sessions::Session &session = fixture.session();
        const Auth::Profile profile = Test::SessionFixture::stsDoubleJames(QStringLiteral("james"));
        QVERIFY(fixture.addProfile(profile, Test::SessionFixture::stsDoubleJamesSecret()));

        ProfileList list(&session);
        list.resize(320, 420);
        list.show();
        QSignalSpy opened(&list, &ProfileList::profileOpened);
        QTreeWidgetItem *item = topLevel(list.tree(), profile.name);
        QVERIFY(item);
        QCOMPARE(item->childCount(), 0);
        const QRect rect = list.tree()->visualItemRect(item);
        QTest::mouseClick(list.tree()->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(list.tree()->viewport(), Qt::LeftButton, {}, rect.center());
        QVERIFY(opened.wait(20000));
        QCOMPARE(opened.first().first().toString(), profile.name);
        QCOMPARE(session.identity().kind, Auth::Identity::Kind::BaseUser);

        for (const char *role : {"ROLEDROP_TEST_STS_DOUBLE_ROLE_LONG", "ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"}) {
            session.backToBase();
            Sts::AssumeRoleRequest request;
            request.roleArn = Test::worldValue(role);
            request.roleSessionName = QStringLiteral("ui-test");
            const auto switched = Test::wait<Auth::Identity>([&](QObject *context, auto done) {
                session.switchRole(request, QString(), Auth::roleColorHex(QStringLiteral("green")), Auth::SwitchFrom::BaseIdentity,
                                   context, done);
            });
            QVERIFY2(switched.ok(), qPrintable(switched.error().userMessage()));
        }
        QTRY_VERIFY((item = topLevel(list.tree(), profile.name)) && item->childCount() == 2);
        QCOMPARE(item->child(0)->text(0), QStringLiteral("S3Access @ 123456789012"));  // newest first
        QCOMPARE(item->child(1)->text(0), QStringLiteral("LongRole @ 123456789012"));
        QVERIFY(item->child(0)->font(0).bold());
        list.grab().save(QStringLiteral("/tmp/profiles-history.png"));

        // Double-clicking the older role switches to it (from the base keys, not chained).
        QSignalSpy changed(&session, &Sessions::Session::identityChanged);
        const QRect roleRect = list.tree()->visualItemRect(item->child(1));
        QTest::mouseClick(list.tree()->viewport(), Qt::LeftButton, {}, roleRect.center());
        QTest::mouseDClick(list.tree()->viewport(), Qt::LeftButton, {}, roleRect.center());
        QTRY_COMPARE_WITH_TIMEOUT(session.identity().roleArn, Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_LONG"), 20000);
        QVERIFY(session.identity().arn.contains(QLatin1String("assumed-role/LongRole")));
        QVERIFY(list.errorText().isEmpty());
    }
};

QTEST_MAIN(ProfileListTest)
#include "profile_list_test.moc"
