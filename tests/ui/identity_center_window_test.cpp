// IAM Identity Center in the window, as a user meets it, against the Identity Center test double (its OIDC and
// portal endpoints given as the SDKs' AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL_SSO) and the STS + S3 test
// double behind it, with the test double for the user's browser (tests/servers/sso_test_browser.py) as the
// window's browser: Add Identity Center… typed into, the sign-in in the browser, the account and role chosen with
// the keyboard, an upload dropped into the bucket, another account's role from Switch Role and Back, and the
// device code ("Use a Code Instead"). Screenshots go to $ROLEDROP_SCREENSHOT_DIR.

#include "screenshot.h"
#include "test_double_knobs.h"
#include "test_files.h"
#include "test_browser.h"
#include "test_session.h"
#include "test_world.h"
#include "widget_driving.h"

#include "core/session/session.h"
#include "ui/browser/bucket_browser.h"
#include "ui/identity/account_role_chooser.h"
#include "ui/identity/account_role_picker.h"
#include "ui/identity/identity_bar.h"
#include "ui/identity/identity_center_sign_in.h"
#include "ui/identity/sign_in_dialog.h"
#include "ui/identity/switch_role_dialog.h"
#include "ui/main_window.h"
#include "ui/profiles/federated_profile_dialog.h"
#include "ui/profiles/profile_list.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>

#include <memory>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;
using RoleDrop::Test::shownTopLevel;

namespace {

int signIns()
{
    return Test::ssoDoubleKnob("GET", QStringLiteral("sign-ins")).value(QStringLiteral("total")).toInt();
}

} // namespace

class IdentityCenterWindowTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Test::SessionFixture> m_fixture;
    std::unique_ptr<Ui::MainWindow> m_window;
    QString m_browserLog;
    int m_browserDelaySeconds = 0;
    const QString m_profile = QStringLiteral("work-ic");

    Sessions::Session &session() { return m_fixture->session(); }
    Ui::IdentityCenterSignIn *signIn() { return m_window->identityCenterSignIn(); }

    void shoot(QWidget *widget, const char *name) { QVERIFY(Test::saveScreenshot(widget, QLatin1String(name))); }

    // The window's browser: the test double, which signs in as james (after the delay a user takes).
    bool openInTestBrowser(const QUrl &url)
    {
        return Test::openInTestBrowser(this, Test::identityCenterBrowser(m_browserLog), url, m_browserDelaySeconds);
    }

    QStringList browserPages() const { return Test::browserPagesIn(m_browserLog); }

    // Types `filter` into the picker (typing in the tree goes to its filter), goes down to the role with the
    // arrow keys and chooses it with Enter, as a user does.
    static bool chooseWithKeyboard(Ui::AccountRolePicker *picker, const QString &filter, const QString &role)
    {
        auto *filterField = picker->findChild<QLineEdit *>(QStringLiteral("accountFilter"));
        if (!filterField)
            return false;
        QTest::keyClick(picker->view(), filter.at(0).toLatin1());   // typing in the tree goes to the filter
        QTest::keyClicks(filterField, filter.mid(1));
        if (picker->filterText() != filter)
            return false;
        QTest::keyClick(filterField, Qt::Key_Down);   // down from the filter into the tree
        for (int step = 0; step < 4 && picker->currentRoleName() != role; ++step)
            QTest::keyClick(picker->view(), Qt::Key_Down);
        if (picker->currentRoleName() != role)
            return false;
        QTest::keyClick(picker->view(), Qt::Key_Return);
        return true;
    }

    QTreeWidgetItem *profileItem(const QString &name)
    {
        QTreeWidget *tree = m_window->profileList()->tree();
        for (int i = 0; i < tree->topLevelItemCount(); ++i) {
            if (tree->topLevelItem(i)->text(0) == name)
                return tree->topLevelItem(i);
        }
        return nullptr;
    }

    // Right-click on the profile in the list, then the menu's entry `actionName`.
    bool chooseFromProfileMenu(const QString &name, const char *actionName, const char *screenshot)
    {
        QTreeWidget *tree = m_window->profileList()->tree();
        QTreeWidgetItem *item = profileItem(name);
        if (!item)
            return false;
        tree->setCurrentItem(item);
        return Test::chooseFromContextMenu(tree, tree->visualItemRect(item).center(), actionName, QLatin1String(screenshot));
    }

    // Enter on the profile in the list, as a user opens it.
    void openFromList(const QString &name)
    {
        QTreeWidget *tree = m_window->profileList()->tree();
        QTreeWidgetItem *item = profileItem(name);
        QVERIFY(item);
        tree->setCurrentItem(item);
        tree->setFocus();
        QTest::keyClick(tree, Qt::Key_Return);
    }

private slots:
    void initTestCase()
    {
        if (worldValue("ROLEDROP_TEST_SSO_OIDC_ENDPOINT").isEmpty())
            QSKIP("the IAM Identity Center test double is not running: run tests/run-tests.sh");
        QVERIFY(m_dir.isValid());
        m_browserLog = m_dir.filePath(QStringLiteral("browser.log"));
        // The Identity Center endpoints, as the SDKs take them: read when a sign-in starts.
        qputenv("AWS_ENDPOINT_URL_SSO_OIDC", worldValue("ROLEDROP_TEST_SSO_OIDC_ENDPOINT").toUtf8());
        qputenv("AWS_ENDPOINT_URL_SSO", worldValue("ROLEDROP_TEST_SSO_PORTAL_ENDPOINT").toUtf8());
        m_fixture = std::make_unique<Test::SessionFixture>(QStringLiteral("icwindow"));
        m_window = std::make_unique<Ui::MainWindow>(m_fixture->get(), m_fixture->settings());
        m_window->setBrowserOpener([this](const QUrl &url) { return openInTestBrowser(url); });
        m_window->resize(1100, 720);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanupTestCase()
    {
        if (!m_fixture)
            return;
        Test::signOutAndRemove(session(), m_profile);
        m_window.reset();
        m_fixture.reset();
    }

    void addsAnIdentityCenterProfileByTyping()
    {
        // The Add Profile button's menu offers it beside the key profile.
        auto *add = m_window->findChild<QToolButton *>(QStringLiteral("addProfileButton"));
        QVERIFY(add && add->menu());
        QAction *addIdentityCenter = add->menu()->findChild<QAction *>(QStringLiteral("addIdentityCenterAction"));
        QVERIFY(addIdentityCenter);
        QVERIFY(add->menu()->findChild<QAction *>(QStringLiteral("addOpenIdConnectAction")));
        addIdentityCenter->trigger();
        Ui::FederatedProfileDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = shownTopLevel<Ui::FederatedProfileDialog>()) != nullptr);
        QCOMPARE(dialog->kind(), Auth::ProfileKind::IdentityCenter);
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("nameField")), m_profile);
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("startUrlField")), worldValue("ROLEDROP_TEST_SSO_START_URL"));
        auto *ssoRegion = dialog->findChild<QComboBox *>(QStringLiteral("ssoRegionField"));
        QTest::keyClicks(ssoRegion->lineEdit(), worldValue("ROLEDROP_TEST_SSO_REGION"));
        // Advanced: the S3 side is the STS double's.
        QTest::mouseClick(dialog->findChild<QToolButton *>(QStringLiteral("advancedToggle")), Qt::LeftButton);
        auto *region = dialog->findChild<QLineEdit *>(QStringLiteral("regionField"));
        region->selectAll();
        QTest::keyClicks(region, QStringLiteral("us-east-1"));
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("endpointField")), worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        dialog->findChild<QCheckBox *>(QStringLiteral("pathStyleField"))->setChecked(true);
        auto *save = dialog->findChild<QPushButton *>(QStringLiteral("saveProfileButton"));
        QTRY_VERIFY2(save->isEnabled(), qPrintable(dialog->problem()));
        shoot(dialog, "ic-window-01-add-identity-center");
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_VERIFY(session().profiles().contains(m_profile));
        QTRY_VERIFY(!shownTopLevel<Ui::FederatedProfileDialog>());

        const auto profile = session().profiles().profile(m_profile);
        QCOMPARE(profile->kind, Auth::ProfileKind::IdentityCenter);
        QCOMPARE(profile->ssoStartUrl, worldValue("ROLEDROP_TEST_SSO_START_URL"));
        QVERIFY(profile->ssoAccountId.isEmpty());
        // Listed with its own icon and what it signs in to.
        QTreeWidgetItem *item = profileItem(m_profile);
        QVERIFY(item);
        QVERIFY2(item->toolTip(0).contains(worldValue("ROLEDROP_TEST_SSO_START_URL")), qPrintable(item->toolTip(0)));
        QVERIFY2(item->toolTip(0).contains(QStringLiteral("chosen after sign-in")), qPrintable(item->toolTip(0)));
        shoot(m_window.get(), "ic-window-02-profile-listed");
    }

    void signsInInTheBrowserAndChoosesAnAccountAndRole()
    {
        QVERIFY(session().profiles().contains(m_profile));
        const int before = signIns();
        m_browserDelaySeconds = 1;   // a user's moment in the browser: the dialog waits meanwhile
        openFromList(m_profile);
        QTRY_VERIFY(signIn()->dialog() && signIn()->dialog()->isVisible());
        QCOMPARE(signIn()->dialog()->state(), Ui::SignInDialog::State::BrowserWaiting);
        shoot(signIn()->dialog(), "ic-window-03-browser-waiting");

        // Signed in: the dialog goes, and the profile names no account and role yet, so they are asked for.
        QTRY_VERIFY_WITH_TIMEOUT(signIn()->chooser() && signIn()->chooser()->isVisible(), 20000);
        QVERIFY(!signIn()->dialog());
        QCOMPARE(signIns(), before + 1);
        QVERIFY2(browserPages().last().endsWith(QStringLiteral("/authorize")), qPrintable(browserPages().join('\n')));
        Ui::AccountRoleChooser *chooser = signIn()->chooser();
        QTRY_COMPARE_WITH_TIMEOUT(chooser->picker()->state(), Ui::AccountRolePicker::State::Accounts, 20000);
        shoot(chooser, "ic-window-04-choose-account-and-role");
        const QString mainId = worldValue("ROLEDROP_TEST_SSO_ACCOUNT_MAIN_ID");
        QVERIFY(chooseWithKeyboard(chooser->picker(), QStringLiteral("S3Access ") + mainId, QStringLiteral("S3Access")));

        // The choice is kept in the profile, which opens as that role.
        QTRY_COMPARE_WITH_TIMEOUT(session().identity().displayName.section(QStringLiteral(" @ "), 0, 0), QStringLiteral("S3Access"), 20000);
        QCOMPARE(session().profiles().profile(m_profile)->ssoAccountId, mainId);
        QCOMPARE(session().profiles().profile(m_profile)->ssoRoleName, QStringLiteral("S3Access"));
        QVERIFY(session().inIdentityCenter());
        auto *bar = m_window->findChild<Ui::IdentityBar *>();
        QVERIFY(bar);
        QVERIFY2(Ui::IdentityBar::nameAtAccount(session().identity()).startsWith(QStringLiteral("S3Access @ ")),
                 qPrintable(Ui::IdentityBar::nameAtAccount(session().identity())));
        QVERIFY2(m_window->windowTitle().startsWith(QStringLiteral("S3Access @ ")), qPrintable(m_window->windowTitle()));
        QCOMPARE(signIns(), before + 1);   // the accounts and the role came with the one sign-in
        QTest::qWait(300);
        shoot(m_window.get(), "ic-window-05-signed-in-as-s3access");
    }

    void uploadsIntoTheBucketByDropping()
    {
        QVERIFY(session().inIdentityCenter());
        const QString bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        Ui::BucketBrowser *browser = m_window->browser();
        browser->navigateTo(bucket, QString());
        QTRY_VERIFY_WITH_TIMEOUT(!browser->isLoading() && browser->currentBucket() == bucket, 20000);
        QVERIFY2(browser->bannerText().isEmpty(), qPrintable(browser->bannerText()));

        const QByteArray content = Test::randomBytes(200 * 1024, 21);
        const QString name = QStringLiteral("ic-window-%1.bin").arg(QDateTime::currentMSecsSinceEpoch());
        const QString file = m_dir.filePath(name);
        QVERIFY(Test::writeFile(file, content));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(file)});
        QVERIFY(browser->handleDrop(&mime, browser->view()->viewport()->rect().center()));
        QTRY_VERIFY_WITH_TIMEOUT(!Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2").arg(bucket, name))
                                      .value(QStringLiteral("sha256")).toString().isEmpty(), 30000);
        QCOMPARE(Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2").arg(bucket, name)).value(QStringLiteral("sha256")).toString(),
                 Test::bytesSha256(content));
        QTest::qWait(500);
        shoot(m_window.get(), "ic-window-06-uploaded");
    }

    void switchesToAnotherAccountsRoleAndBack()
    {
        QVERIFY(session().inIdentityCenter());
        const int before = signIns();
        QAction *switchRole = m_window->findChild<QAction *>(QStringLiteral("switchRoleAction"));
        QVERIFY(switchRole);
        switchRole->trigger();
        Ui::SwitchRoleDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = shownTopLevel<Ui::SwitchRoleDialog>()) != nullptr);
        Ui::AccountRolePicker *picker = dialog->identityCenterPicker();
        QVERIFY(picker);
        QTRY_COMPARE_WITH_TIMEOUT(picker->state(), Ui::AccountRolePicker::State::Accounts, 20000);
        // It starts at the role in use.
        QCOMPARE(picker->currentRoleName(), QStringLiteral("S3Access"));
        shoot(dialog, "ic-window-07-switch-role-accounts");
        // A display name typed in the form names the new role too.
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("displayNameField")), QStringLiteral("Archive reader"));
        QVERIFY(chooseWithKeyboard(picker, QStringLiteral("ReadOnly"), QStringLiteral("ReadOnly")));
        QTRY_COMPARE_WITH_TIMEOUT(session().identity().displayName, QStringLiteral("Archive reader"), 20000);
        QCOMPARE(session().identity().accountId, worldValue("ROLEDROP_TEST_SSO_ACCOUNT_ARCHIVE_ID"));
        QTRY_VERIFY(!shownTopLevel<Ui::SwitchRoleDialog>());
        QTest::qWait(300);
        shoot(m_window.get(), "ic-window-08-switched-to-readonly");

        // Back: the profile's own account and role again.
        session().backToBase();
        QTRY_COMPARE(session().identity().displayName.section(QStringLiteral(" @ "), 0, 0), QStringLiteral("S3Access"));
        QCOMPARE(session().identity().accountId, worldValue("ROLEDROP_TEST_SSO_ACCOUNT_MAIN_ID"));
        QCOMPARE(signIns(), before);   // the same sign-in served
    }

    void signsInWithADeviceCodeInstead()
    {
        QVERIFY(session().profiles().contains(m_profile));
        // Signed out: the next open needs a sign-in again.
        const auto signedOut = Test::wait<Done>([&](QObject *context, auto done) { session().signOut(m_profile, context, done); }, 30000);
        QVERIFY2(signedOut.ok(), qPrintable(signedOut ? QString() : signedOut.error().userMessage()));
        const int before = signIns();
        const int pagesBefore = browserPages().size();
        m_browserDelaySeconds = 4;   // long enough to choose "Use a Code Instead" before the browser goes on
        openFromList(m_profile);
        QTRY_VERIFY(signIn()->dialog() && signIn()->dialog()->isVisible());
        Ui::SignInDialog *dialog = signIn()->dialog();
        QCOMPARE(dialog->state(), Ui::SignInDialog::State::BrowserWaiting);
        auto *useCode = dialog->findChild<QPushButton *>(QStringLiteral("useCodeButton"));
        QVERIFY(useCode && useCode->isVisible());
        QTest::mouseClick(useCode, Qt::LeftButton);
        // The user leaves the browser's tab (it never reaches RoleDrop's loopback address, now closed anyway).
        for (QProcess *browser : findChildren<QProcess *>())
            browser->kill();
        m_browserDelaySeconds = 3;
        // The code is shown, and the browser is sent to confirm it.
        QTRY_VERIFY_WITH_TIMEOUT(signIn()->dialog() && signIn()->dialog()->state() == Ui::SignInDialog::State::DeviceCode, 15000);
        QVERIFY2(!signIn()->dialog()->expiryText().isEmpty(), "the code's expiry is shown");
        shoot(signIn()->dialog(), "ic-window-09-device-code");
        // Confirmed in the browser: signed in, the profile opens as its role (no chooser: it names one now).
        QTRY_COMPARE_WITH_TIMEOUT(signIns(), before + 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!signIn()->dialog(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(session().inIdentityCenter() && session().identity().displayName.startsWith(QStringLiteral("S3Access")), 20000);
        QVERIFY(!signIn()->chooser());
        QTRY_VERIFY(browserPages().size() >= pagesBefore + 1);   // the tab left before it signed in logs nothing
        QVERIFY2(browserPages().join('\n').contains(QStringLiteral("/device")), qPrintable(browserPages().join('\n')));
        shoot(m_window.get(), "ic-window-10-signed-in-with-code");
    }

    void offersToSignInAgainWhenARenewalFindsTheSignInEnded()
    {
        QVERIFY(session().inIdentityCenter());
        // The user signs out from the profile's menu: the sign-in ends at the portal and its token leaves the
        // keychain, so the next renewal cannot go on silently.
        QVERIFY(chooseFromProfileMenu(m_profile, "signOutAction", "ic-window-11-sign-out-menu"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusBar()->currentMessage().startsWith(QStringLiteral("Signed out of “%1”").arg(m_profile)), 20000);
        shoot(m_window.get(), "ic-window-12-signed-out");
        const int before = signIns();
        QSignalSpy renewed(&session(), &Sessions::Session::identityRenewed);
        session().renewNow();
        QMessageBox *box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = m_window->findChild<QMessageBox *>(QStringLiteral("signInAgainBox"))) && box->isVisible(), 20000);
        shoot(box, "ic-window-13-sign-in-again");
        m_browserDelaySeconds = 0;
        QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("signInAgainButton")), Qt::LeftButton);
        // Signed in through the browser again, then renewed at once.
        QTRY_COMPARE_WITH_TIMEOUT(signIns(), before + 1, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(renewed.count() >= 1, 20000);
        QVERIFY(session().identity().displayName.startsWith(QStringLiteral("S3Access")));
    }
};

QTEST_MAIN(IdentityCenterWindowTest)
#include "identity_center_window_test.moc"
