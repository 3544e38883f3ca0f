// An OpenID Connect profile in the window, as a user meets it, against the test OpenID Provider (npm oidc-provider,
// a certified implementation) and the STS + S3 test double, which verifies the ID token against the provider's
// keys in AssumeRoleWithWebIdentity: Add OpenID Connect… typed into, the profile opened (the sign-in in the
// browser: the test double for the user's browser, tests/servers/oidc_test_browser.py, logs in and consents), the
// identity bar as the role, and an upload dropped into the bucket. Screenshots go to $ROLEDROP_SCREENSHOT_DIR.

#include "screenshot.h"
#include "test_double_knobs.h"
#include "test_files.h"
#include "test_browser.h"
#include "test_session.h"
#include "test_world.h"
#include "widget_driving.h"

#include "core/session/session.h"
#include "ui/browser/bucket_browser.h"
#include "ui/identity/identity_bar.h"
#include "ui/identity/identity_center_sign_in.h"
#include "ui/identity/sign_in_dialog.h"
#include "ui/main_window.h"
#include "ui/profiles/federated_profile_dialog.h"
#include "ui/profiles/profile_list.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDateTime>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
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

class OpenIdConnectWindowTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Test::SessionFixture> m_fixture;
    std::unique_ptr<Ui::MainWindow> m_window;
    QString m_browserLog;
    bool m_sawSignInDialog = false;
    const QString m_profile = QStringLiteral("ada-oidc");

    Sessions::Session &session() { return m_fixture->session(); }

    // The window's browser: the test double, which signs in as ada and consents, after a moment.
    bool openInTestBrowser(const QUrl &url)
    {
        m_sawSignInDialog = m_sawSignInDialog || shownTopLevel<Ui::SignInDialog>();
        return Test::openInTestBrowser(this, Test::openIdBrowser(m_browserLog), url, 1);
    }

    int browserPages() const { return int(Test::browserPagesIn(m_browserLog).size()); }

private slots:
    void initTestCase()
    {
        if (worldValue("ROLEDROP_TEST_OIDC_ISSUER").isEmpty() || worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT").isEmpty())
            QSKIP("the test OpenID Provider or the STS test double is not running: run tests/run-tests.sh");
        QVERIFY(m_dir.isValid());
        m_browserLog = m_dir.filePath(QStringLiteral("browser.log"));
        m_fixture = std::make_unique<Test::SessionFixture>(QStringLiteral("oidcwindow"));
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

    void addsAnOpenIdConnectProfileByTyping()
    {
        auto *add = m_window->findChild<QToolButton *>(QStringLiteral("addProfileButton"));
        QVERIFY(add && add->menu());
        QAction *addOidc = add->menu()->findChild<QAction *>(QStringLiteral("addOpenIdConnectAction"));
        QVERIFY(addOidc);
        addOidc->trigger();
        Ui::FederatedProfileDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = shownTopLevel<Ui::FederatedProfileDialog>()) != nullptr);
        QCOMPARE(dialog->kind(), Auth::ProfileKind::OpenIdConnect);
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("nameField")), m_profile);
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("issuerField")), worldValue("ROLEDROP_TEST_OIDC_ISSUER"));
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("clientIdField")), worldValue("ROLEDROP_TEST_OIDC_CLIENT_ID"));
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("roleArnField")), worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_WEB_IDENTITY"));
        // Advanced: STS and S3 are the STS double's.
        QTest::mouseClick(dialog->findChild<QToolButton *>(QStringLiteral("advancedToggle")), Qt::LeftButton);
        auto *region = dialog->findChild<QLineEdit *>(QStringLiteral("regionField"));
        region->selectAll();
        QTest::keyClicks(region, QStringLiteral("us-east-1"));
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("endpointField")), worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        dialog->findChild<QCheckBox *>(QStringLiteral("pathStyleField"))->setChecked(true);
        auto *save = dialog->findChild<QPushButton *>(QStringLiteral("saveProfileButton"));
        QTRY_VERIFY2(save->isEnabled(), qPrintable(dialog->problem()));
        QVERIFY(Test::saveScreenshot(dialog, QStringLiteral("oidc-window-01-add-openid-connect")));
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_VERIFY(session().profiles().contains(m_profile));
        const auto profile = session().profiles().profile(m_profile);
        QCOMPARE(profile->kind, Auth::ProfileKind::OpenIdConnect);
        QCOMPARE(profile->oidcIssuer, worldValue("ROLEDROP_TEST_OIDC_ISSUER"));
        QCOMPARE(profile->oidcRoleArn, worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_WEB_IDENTITY"));
    }

    void opensSigningInInTheBrowserAndUploads()
    {
        // Enter on the profile: the provider's sign-in opens in the browser while a dialog says so; then the role.
        QTreeWidget *tree = m_window->profileList()->tree();
        const auto listed = [&]() -> QTreeWidgetItem * {
            for (int i = 0; i < tree->topLevelItemCount(); ++i) {
                if (tree->topLevelItem(i)->text(0) == m_profile)
                    return tree->topLevelItem(i);
            }
            return nullptr;
        };
        QTRY_VERIFY(listed() != nullptr);   // the list reloads after the save
        QTreeWidgetItem *item = listed();
        tree->setCurrentItem(item);
        tree->setFocus();
        QTest::keyClick(tree, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(shownTopLevel<Ui::SignInDialog>() != nullptr, 20000);
        QVERIFY(Test::saveScreenshot(shownTopLevel<Ui::SignInDialog>(), QStringLiteral("oidc-window-02-browser-waiting")));
        QTRY_VERIFY_WITH_TIMEOUT(session().identity().arn.contains(QStringLiteral(":assumed-role/WebIdentityRole/")), 30000);
        QCOMPARE(browserPages(), 1);
        QTRY_VERIFY(!shownTopLevel<Ui::SignInDialog>());
        QVERIFY2(Ui::IdentityBar::nameAtAccount(session().identity()).contains(QStringLiteral("WebIdentityRole")),
                 qPrintable(Ui::IdentityBar::nameAtAccount(session().identity())));
        QVERIFY(session().identity().expiration.isValid());

        const QString bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        Ui::BucketBrowser *browser = m_window->browser();
        browser->navigateTo(bucket, QString());
        QTRY_VERIFY_WITH_TIMEOUT(!browser->isLoading() && browser->currentBucket() == bucket, 20000);
        QVERIFY2(browser->bannerText().isEmpty(), qPrintable(browser->bannerText()));
        const QByteArray content = Test::randomBytes(150 * 1024, 33);
        const QString name = QStringLiteral("oidc-window-%1.bin").arg(QDateTime::currentMSecsSinceEpoch());
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
        QVERIFY(Test::saveScreenshot(m_window.get(), QStringLiteral("oidc-window-03-uploaded")));

        // Opened again, the stored sign-in serves: no second page.
        Test::wait<Sessions::OpenedProfile>([&](QObject *context, auto done) { session().openProfile(m_profile, context, done); }, 30000);
        QVERIFY(session().identity().arn.contains(QStringLiteral(":assumed-role/WebIdentityRole/")));
        QCOMPARE(browserPages(), 1);
    }

    void signsOutFromTheProfilesMenu()
    {
        // Right-click on the profile, Sign Out: the refresh token is revoked at the provider and leaves the keychain.
        QTreeWidget *tree = m_window->profileList()->tree();
        QTreeWidgetItem *item = nullptr;
        for (int i = 0; i < tree->topLevelItemCount(); ++i) {
            if (tree->topLevelItem(i)->text(0) == m_profile)
                item = tree->topLevelItem(i);
        }
        QVERIFY(item);
        tree->setCurrentItem(item);
        QVERIFY(Test::chooseFromContextMenu(tree, tree->visualItemRect(item).center(), "signOutAction",
                                            QStringLiteral("oidc-window-04-sign-out-menu")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusBar()->currentMessage().startsWith(QStringLiteral("Signed out of “%1”").arg(m_profile)), 20000);
        QVERIFY(Test::saveScreenshot(m_window.get(), QStringLiteral("oidc-window-05-signed-out")));

        // Opening it now signs in at the provider again: a second page.
        QSignalSpy opened(&session(), &Sessions::Session::profileOpened);
        tree->setFocus();
        QTest::keyClick(tree, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(opened.count() == 1, 30000);
        QCOMPARE(browserPages(), 2);
        QVERIFY(session().identity().arn.contains(QStringLiteral(":assumed-role/WebIdentityRole/")));
    }
};

QTEST_MAIN(OpenIdConnectWindowTest)
#include "openid_connect_window_test.moc"
