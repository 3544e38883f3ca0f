// IdentityBar: the band colour and its contrast (and the badges'), the expiry countdown's thresholds, Back to base,
// "name @ account" and the chain of a chained role at 640 px without overlap, the renewal note, and who-am-I on
// click (with the fallback of a server without GetCallerIdentity, in a popup no wider than the window).
#include "core/session/session.h"
#include "ui/identity/eliding_text.h"
#include "ui/identity/identity_bar.h"
#include "ui/identity/role_colors.h"

#include "screenshot.h"
#include "test_double_knobs.h"
#include "test_session.h"
#include "test_world.h"
#include "widget_driving.h"

#include <QDir>
#include <QFrame>
#include <QLabel>
#include <QVBoxLayout>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace RoleDrop;
using namespace RoleDrop::Ui;
using RoleDrop::Test::child;

namespace {

Auth::Identity fakeRole(const QString &color, const QDateTime &expiration)
{
    Auth::Identity identity;
    identity.kind = Auth::Identity::Kind::AssumedRole;
    identity.profileName = QStringLiteral("james");
    identity.displayName = QStringLiteral("S3Access @ 123456789012");
    identity.color = color;
    identity.arn = QStringLiteral("arn:aws:sts::123456789012:assumed-role/S3Access/james");
    identity.accountId = QStringLiteral("123456789012");
    identity.roleArn = QStringLiteral("arn:aws:iam::123456789012:role/S3Access");
    identity.accessKeyId = QStringLiteral("ASIAFAKEROLEKEY00001");
    identity.expiration = expiration;
    return identity;
}

bool hasStsDouble()
{
    return !qEnvironmentVariableIsEmpty("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT");
}

// The bar's visible children must not overlap each other nor leave the bar; its buttons keep their whole text.
void checkNoOverlap(IdentityBar &bar)
{
    QList<QWidget *> shown;
    for (QWidget *child : bar.findChildren<QWidget *>(Qt::FindDirectChildrenOnly)) {
        if (child->isVisible() && !child->isWindow())
            shown << child;
    }
    QVERIFY(shown.size() >= 3);
    for (QWidget *child : shown) {
        QVERIFY2(bar.rect().contains(child->geometry()),
                 qPrintable(QStringLiteral("%1 leaves the bar").arg(child->objectName())));
        for (QWidget *other : shown) {
            if (other != child)
                QVERIFY2(!child->geometry().intersects(other->geometry()),
                         qPrintable(QStringLiteral("%1 overlaps %2").arg(child->objectName(), other->objectName())));
        }
        if (auto *button = qobject_cast<QPushButton *>(child))
            QVERIFY2(button->width() >= button->sizeHint().width(), qPrintable(button->text()));
    }
}

} // namespace

class IdentityBarTest final : public QObject
{
    Q_OBJECT

private:
    // Offline base keys: the bar needs a base identity to go back to, not a network.
    static std::unique_ptr<Test::SessionFixture> newSession()
    {
        auto fixture = std::make_unique<Test::SessionFixture>(QStringLiteral("identitybar"));
        if (!fixture->openOfflineProfile(QStringLiteral("james")))
            qFatal("cannot open an offline profile");
        return fixture;
    }

private slots:
    void thresholds()
    {
        QCOMPARE(IdentityBar::levelFor(3600), IdentityBar::ExpiryLevel::Normal);
        QCOMPARE(IdentityBar::levelFor(5 * 60), IdentityBar::ExpiryLevel::Normal);
        QCOMPARE(IdentityBar::levelFor(5 * 60 - 1), IdentityBar::ExpiryLevel::Warning);
        QCOMPARE(IdentityBar::levelFor(60), IdentityBar::ExpiryLevel::Warning);
        QCOMPARE(IdentityBar::levelFor(59), IdentityBar::ExpiryLevel::Critical);
        QCOMPARE(IdentityBar::levelFor(1), IdentityBar::ExpiryLevel::Critical);
        QCOMPARE(IdentityBar::levelFor(0), IdentityBar::ExpiryLevel::Expired);
    }

    void baseIdentityIsNeutralWithoutCountdown()
    {
        auto session = newSession();
        IdentityBar bar(session->get());
        bar.resize(900, bar.sizeHint().height());
        bar.show();
        QCOMPARE(child<QToolButton>(&bar, "identityName")->text(), QStringLiteral("james"));
        QCOMPARE(bar.expiryLevel(), IdentityBar::ExpiryLevel::None);
        QVERIFY(!child<QPushButton>(&bar, "backToBaseButton")->isVisible());
        for (const Auth::RoleColor &color : Auth::roleColorPalette())
            QVERIFY(bar.bandColorShown() != QColor(color.hex));
        Test::saveScreenshot(&bar, QStringLiteral("identity-base"));
    }

    void roleBandTakesTheRoleColourAndCountsDown()
    {
        auto session = newSession();
        IdentityBar bar(session->get());
        bar.resize(900, bar.sizeHint().height());
        bar.show();
        QDateTime now = QDateTime::currentDateTimeUtc();
        bar.setClockForTesting([&now] { return now; });
        const QDateTime expiry = now.addSecs(10 * 60);
        const QString blue = Auth::roleColorHex(QStringLiteral("blue"));
        bar.setIdentity(fakeRole(blue, expiry));
        QCOMPARE(bar.bandColorShown(), QColor(blue));
        QCOMPARE(bar.expiryLevel(), IdentityBar::ExpiryLevel::Normal);
        QVERIFY2(bar.expiryText().contains(QLatin1String("10:00")), qPrintable(bar.expiryText()));
        QVERIFY(child<QToolButton>(&bar, "identityName")->toolTip().contains(QLatin1String("assumed-role/S3Access")));
        QCOMPARE(child<QToolButton>(&bar, "identityName")->text(), QStringLiteral("S3Access @ 123456789012"));
        QTest::qWait(20);  // let the layout take the new texts before the picture
        Test::saveScreenshot(&bar, QStringLiteral("identity-role"));

        now = expiry.addSecs(-4 * 60);
        QTRY_COMPARE_WITH_TIMEOUT(bar.expiryLevel(), IdentityBar::ExpiryLevel::Warning, 3000);  // the 1 s timer
        QVERIFY(bar.expiryText().contains(QLatin1String("04:00")));
        bar.setIdentity(fakeRole(Auth::roleColorHex(QStringLiteral("yellow")), expiry));
        QTest::qWait(20);
        Test::saveScreenshot(&bar, QStringLiteral("identity-amber"));

        now = expiry.addSecs(-30);
        QTRY_COMPARE_WITH_TIMEOUT(bar.expiryLevel(), IdentityBar::ExpiryLevel::Critical, 3000);
        Test::saveScreenshot(&bar, QStringLiteral("identity-red"));
        now = expiry.addSecs(5);
        QTRY_COMPARE_WITH_TIMEOUT(bar.expiryLevel(), IdentityBar::ExpiryLevel::Expired, 3000);
        QVERIFY(bar.expiryText().contains(QLatin1String("Expired")));
    }

    void backButtonReturnsToTheBaseIdentity()
    {
        auto session = newSession();
        IdentityBar bar(session->get());
        bar.show();
        auto *back = child<QPushButton>(&bar, "backToBaseButton");
        bar.setIdentity(fakeRole(Auth::roleColorHex(QStringLiteral("red")), QDateTime::currentDateTimeUtc().addSecs(3600)));
        QVERIFY(back->isVisible());
        QVERIFY(back->text().contains(QLatin1String("james")));

        QSignalSpy changed(session->get(), &Sessions::Session::identityChanged);
        QTest::mouseClick(back, Qt::LeftButton);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().first().value<Auth::Identity>().kind, Auth::Identity::Kind::BaseUser);
        QVERIFY(!back->isVisible());
        QCOMPARE(child<QToolButton>(&bar, "identityName")->text(), QStringLiteral("james"));
        QCOMPARE(bar.expiryLevel(), IdentityBar::ExpiryLevel::None);
    }

    void switchRoleButtonAsksForTheDialog()
    {
        auto session = newSession();
        IdentityBar bar(session->get());
        bar.show();
        QSignalSpy asked(&bar, &IdentityBar::switchRoleRequested);
        QTest::mouseClick(child<QPushButton>(&bar, "switchRoleButton"), Qt::LeftButton);
        QCOMPARE(asked.count(), 1);
    }

    void clickingTheNameAsksWhoAmI()
    {
        if (qEnvironmentVariableIsEmpty("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT"))
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        Test::SessionFixture session(QStringLiteral("identitybar-whoami"));
        QVERIFY(session.openProfile(Test::SessionFixture::stsDoubleJames(QStringLiteral("james-whoami")),
                                    Test::SessionFixture::stsDoubleJamesSecret()));

        IdentityBar bar(session.get());
        bar.show();
        QTest::mouseClick(child<QToolButton>(&bar, "identityName"), Qt::LeftButton);
        const QString arn = Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_ARN");
        QTRY_VERIFY_WITH_TIMEOUT(bar.callerIdentityText().contains(arn), 20000);
        // The answer also fills in what the bar shows about the identity: "james-whoami @ account".
        QCOMPARE(child<QToolButton>(&bar, "identityName")->text(),
                 QStringLiteral("james-whoami @ %1").arg(Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ACCOUNT")));
        QVERIFY(child<QToolButton>(&bar, "identityName")->toolTip().contains(arn));
    }

    void whoAmIFallsBackAsTheCliDoesInAPopupNoWiderThanTheWindow()
    {
        if (!hasStsDouble())
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        Test::SessionFixture session(QStringLiteral("identitybar-405"));
        QVERIFY(session.openProfile(Test::SessionFixture::stsDoubleJames(QStringLiteral("james-nocaller")),
                                    Test::SessionFixture::stsDoubleJamesSecret()));
        QVERIFY(session.switchRole(Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS")));
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        auto *bar = new IdentityBar(session.get(), &window);
        layout->addWidget(bar);
        layout->addStretch();
        window.resize(640, 300);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // A server without GetCallerIdentity answers 405, as S3-only servers do.
        Test::doubleKnob("POST", QStringLiteral("fail?action=sts:GetCallerIdentity&times=1&status=405&code=MethodNotAllowed"));
        QTest::mouseClick(child<QToolButton>(bar, "identityName"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!bar->callerIdentityText().isEmpty(), 20000);
        const QString text = bar->callerIdentityText();
        QVERIFY2(text.contains(QLatin1String("does not support GetCallerIdentity")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("assumed-role/S3Access")), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("405")), qPrintable(text));
        auto *popup = bar->findChild<QFrame *>(QStringLiteral("callerIdentityPopup"));
        QVERIFY(popup);
        QTRY_VERIFY(popup->isVisible());
        QVERIFY2(popup->width() <= window.width(), qPrintable(QString::number(popup->width())));
        QVERIFY(popup->geometry().left() >= window.geometry().left());
        QVERIFY(popup->geometry().right() <= window.geometry().right());
        Test::saveScreenshot(popup, QStringLiteral("identity-whoami-fallback"));
        QTest::keyClick(popup, Qt::Key_Escape);
        QTRY_VERIFY(!popup->isVisible());
    }

    void everyBandAndBadgeHasTextContrastOfAtLeast4_5()
    {
        auto session = newSession();
        IdentityBar bar(session->get());
        bar.resize(900, bar.sizeHint().height());
        bar.show();
        QStringList bands{QString()};  // the neutral band of a base identity
        for (const Auth::RoleColor &color : Auth::roleColorPalette())
            bands << color.hex;
        for (const QString &hex : std::as_const(bands)) {
            bar.setIdentity(fakeRole(hex, QDateTime::currentDateTimeUtc().addSecs(3600)));
            const QColor band = bar.bandColorShown();
            const QColor text = bar.textColorShown();
            const double ratio = contrastRatio(band, text);
            QVERIFY2(ratio >= 4.5, qPrintable(QStringLiteral("%1 on %2: %3:1").arg(text.name(), band.name()).arg(ratio)));
            // The name is drawn in that colour too.
            QVERIFY(child<QToolButton>(&bar, "identityName")->styleSheet().contains(text.name()));
        }
        // The console's orange read at 3:1 with white: it takes black now.
        QCOMPARE(textColorOn(QColor(Auth::roleColorHex(QStringLiteral("orange")))), QColor(Qt::black));
        QVERIFY(contrastRatio(Qt::black, Qt::white) > 20.9);

        QDateTime now = QDateTime::currentDateTimeUtc();
        bar.setClockForTesting([&now] { return now; });
        const QDateTime expiry = now.addSecs(3600);
        bar.setIdentity(fakeRole(Auth::roleColorHex(QStringLiteral("blue")), expiry));
        auto *badge = child<QLabel>(&bar, "identityExpiry");
        for (const qint64 left : {240, 30, -5}) {
            now = expiry.addSecs(-left);
            QTRY_VERIFY_WITH_TIMEOUT(bar.expiryLevel() == IdentityBar::levelFor(left), 3000);
            const auto [background, foreground] = IdentityBar::badgeColors(bar.expiryLevel());
            QVERIFY(background.isValid());
            QVERIFY2(badge->styleSheet().contains(background.name()) && badge->styleSheet().contains(foreground.name()),
                     qPrintable(badge->styleSheet()));
            const double ratio = contrastRatio(background, foreground);
            QVERIFY2(ratio >= 4.5, qPrintable(QStringLiteral("%1 on %2: %3:1").arg(foreground.name(), background.name()).arg(ratio)));
        }
    }

    void aLongNameElidesAndTheBarFitsAt640()
    {
        auto session = newSession();
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        layout->setContentsMargins(0, 0, 0, 0);
        auto *bar = new IdentityBar(session->get(), &window);
        layout->addWidget(bar);
        layout->addStretch();
        window.resize(640, 200);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        Auth::Identity role = fakeRole(Auth::roleColorHex(QStringLiteral("orange")), QDateTime::currentDateTimeUtc().addSecs(3600));
        role.displayName = QStringLiteral("Production data lake administrators (read and write, all regions)");
        role.notice = QStringLiteral("Asked for 7200 s, but a role assumed from another role session (role chaining) lasts at most 1 hour: asking for 3600 s");
        bar->setIdentity(role);
        QTest::qWait(50);
        QCOMPARE(bar->width(), 640);
        checkNoOverlap(*bar);
        auto *name = child<ElidingToolButton>(bar, "identityName");
        QVERIFY2(name->shownText().endsWith(QChar(0x2026)), qPrintable(name->shownText()));
        QVERIFY(name->text().endsWith(QLatin1String("@ 123456789012")));
        QVERIFY(bar->minimumSizeHint().width() <= 640);
        Test::saveScreenshot(&window, QStringLiteral("identity-640-long-name"));
    }

    void aChainedRoleShowsItsChainWithoutOverlapAt640()
    {
        if (!hasStsDouble())
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        Test::SessionFixture session(QStringLiteral("identitybar-chain"));
        QVERIFY(session.openProfile(Test::SessionFixture::stsDoubleJames(QStringLiteral("james-chain")),
                                    Test::SessionFixture::stsDoubleJamesSecret()));
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        layout->setContentsMargins(0, 0, 0, 0);
        auto *bar = new IdentityBar(session.get(), &window);
        layout->addWidget(bar);
        layout->addStretch();
        window.resize(640, 120);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QVERIFY(session.switchRole(Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS")));
        // One role straight from the base: no chain to show.
        QVERIFY(!child<ElidingLabel>(bar, "identityChain")->isVisible());
        QVERIFY(session.switchRole(Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"), Auth::SwitchFrom::CurrentIdentity,
                                   Auth::roleColorHex(QStringLiteral("orange"))));
        const QString account = Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ACCOUNT");
        QCOMPARE(child<QToolButton>(bar, "identityName")->text(), QStringLiteral("ChainTarget @ %1").arg(account));
        auto *chain = child<ElidingLabel>(bar, "identityChain");
        QVERIFY(chain->isVisible());
        QCOMPARE(chain->text(), QStringLiteral("james-chain → S3Access → ChainTarget"));
        QVERIFY2(chain->toolTip().contains(Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"))
                     || chain->toolTip().contains(QLatin1String("assumed-role/ChainTarget")), qPrintable(chain->toolTip()));
        QVERIFY2(chain->toolTip().contains(QLatin1String("assumed-role/S3Access")), qPrintable(chain->toolTip()));
        QVERIFY(!chain->accessibleName().isEmpty());
        QTest::qWait(50);
        QCOMPARE(bar->width(), 640);
        QVERIFY(bar->minimumSizeHint().width() <= 640);
        checkNoOverlap(*bar);
        // Elided from the left: the end of the chain (where the user is) stays readable.
        if (chain->shownText() != chain->text())
            QVERIFY2(chain->shownText().startsWith(QChar(0x2026)) && chain->shownText().endsWith(QLatin1String("ChainTarget")),
                     qPrintable(chain->shownText()));
        Test::saveScreenshot(&window, QStringLiteral("identity-chained-640"));
        window.resize(1100, 120);
        QTest::qWait(50);
        checkNoOverlap(*bar);
        QCOMPARE(chain->shownText(), chain->text());
        Test::saveScreenshot(&window, QStringLiteral("identity-chained-1100"));
        // Every control says what it is to a screen reader.
        for (QWidget *control : bar->findChildren<QWidget *>(Qt::FindDirectChildrenOnly)) {
            if (control->isVisible() && !control->isWindow())
                QVERIFY2(!control->accessibleName().isEmpty(), qPrintable(control->objectName()));
        }
    }

    void aRenewalSaysUntilWhenAndTheAmberBadgeGoes()
    {
        if (!hasStsDouble())
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        Test::SessionFixture session(QStringLiteral("identitybar-renewal"));
        QVERIFY(session.openProfile(Test::SessionFixture::stsDoubleJames(QStringLiteral("james-renewal")),
                                    Test::SessionFixture::stsDoubleJamesSecret()));
        IdentityBar bar(session.get());
        bar.resize(1100, bar.sizeHint().height());
        bar.show();
        // A 4-minute session: the badge is amber from the start.
        Test::doubleKnob("POST", QStringLiteral("session-lifetime?seconds=240"));
        const auto role = session.switchRole(Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"));
        Test::doubleKnob("DELETE", QStringLiteral("session-lifetime"));
        QVERIFY(role);
        QCOMPARE(bar.expiryLevel(), IdentityBar::ExpiryLevel::Warning);
        QVERIFY(bar.renewalNoteText().isEmpty());
        QTest::qWait(20);
        Test::saveScreenshot(&bar, QStringLiteral("identity-before-renewal"));

        QSignalSpy renewed(session.get(), &Sessions::Session::identityRenewed);
        session->renewNow();
        QTRY_VERIFY_WITH_TIMEOUT(renewed.count() >= 1, 20000);
        const QDateTime until = session->identity().expiration;
        QCOMPARE(bar.expiryLevel(), IdentityBar::ExpiryLevel::Normal);
        const QString note = bar.renewalNoteText();
        const QString time = until.toLocalTime().toString(QStringLiteral("HH:mm:ss t"));
        QVERIFY2(note == QStringLiteral("Session renewed until %1").arg(time), qPrintable(note));
        QVERIFY2(note.count(QLatin1Char(':')) == 2, qPrintable(note));  // seconds, not just minutes
        QVERIFY(child<QLabel>(&bar, "identityExpiry")->styleSheet().isEmpty());  // no amber badge any more
        QTest::qWait(20);
        Test::saveScreenshot(&bar, QStringLiteral("identity-renewed"));
        // Brief: gone after about ten seconds.
        QTRY_VERIFY_WITH_TIMEOUT(bar.renewalNoteText().isEmpty(), IdentityBar::kRenewalNoteMs + 3000);
        QCOMPARE(bar.expiryLevel(), IdentityBar::ExpiryLevel::Normal);
    }
};

QTEST_MAIN(IdentityBarTest)
#include "identity_bar_test.moc"
