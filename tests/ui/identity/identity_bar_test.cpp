// IdentityBar: the band colour, the expiry countdown's thresholds, Back to base, and GetCallerIdentity on click.
#include "core/session/session.h"
#include "ui/identity/identity_bar.h"

#include "test_session.h"
#include "test_world.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace RoleDrop;
using namespace RoleDrop::Ui;

namespace {

template <class W>
W *child(QWidget *parent, const char *name)
{
    W *widget = parent->findChild<W *>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no child %s", name);
    return widget;
}

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
        bar.grab().save(QStringLiteral("/tmp/identity-base.png"));
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
        QVERIFY(child<QLabel>(&bar, "identityAccount")->text().contains(QLatin1String("123456789012")));
        QTest::qWait(20);  // let the layout take the new texts before the picture
        bar.grab().save(QStringLiteral("/tmp/identity-role.png"));

        now = expiry.addSecs(-4 * 60);
        QTRY_COMPARE_WITH_TIMEOUT(bar.expiryLevel(), IdentityBar::ExpiryLevel::Warning, 3000);  // the 1 s timer
        QVERIFY(bar.expiryText().contains(QLatin1String("04:00")));
        bar.setIdentity(fakeRole(Auth::roleColorHex(QStringLiteral("yellow")), expiry));
        QTest::qWait(20);
        bar.grab().save(QStringLiteral("/tmp/identity-amber.png"));

        now = expiry.addSecs(-30);
        QTRY_COMPARE_WITH_TIMEOUT(bar.expiryLevel(), IdentityBar::ExpiryLevel::Critical, 3000);
        bar.grab().save(QStringLiteral("/tmp/identity-red.png"));
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
        // The answer also fills in what the bar shows about the identity.
        QVERIFY(child<QLabel>(&bar, "identityAccount")->text().contains(Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ACCOUNT")));
        QVERIFY(child<QToolButton>(&bar, "identityName")->toolTip().contains(arn));
    }
};

QTEST_MAIN(IdentityBarTest)
#include "identity_bar_test.moc"
