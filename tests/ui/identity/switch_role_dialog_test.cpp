// SwitchRoleDialog: inline validation before any request (errors that clear when the field is fixed, a dialog
// that shrinks back), and the real switch against the STS test double: from the base identity by default,
// chaining only when ticked, a duration above the role's maximum with its "Use 1 hour" retry.
#include "core/session/session.h"
#include "ui/identity/mfa_prompt.h"
#include "ui/identity/switch_role_dialog.h"

#include "screenshot.h"
#include "test_double_knobs.h"
#include "test_session.h"
#include "test_world.h"
#include "totp.h"
#include "widget_driving.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageAuthenticationCode>
#include <QtEndian>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace RoleDrop;
using namespace RoleDrop::Ui;
using RoleDrop::Test::child;
using RoleDrop::Test::typeInto;

namespace {

bool hasStsDouble()
{
    return !qEnvironmentVariableIsEmpty("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT");
}

// The code james's device shows now, from the double's published test seed.
QString totpNow()
{
    return RoleDrop::Test::totp(QStringLiteral("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
}

// Fills in S3Access with `seconds` under Advanced, as a person does; the dialog's height before the click is
// returned, and the click on Switch Role is left to the caller.
int askForS3AccessFor(SwitchRoleDialog &dialog, const QString &seconds)
{
    typeInto(child<QLineEdit>(&dialog, "roleField"), RoleDrop::Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"));
    child<QToolButton>(&dialog, "advancedToggle")->click();
    typeInto(child<QLineEdit>(&dialog, "durationField"), seconds);
    QCoreApplication::processEvents();
    return dialog.height();
}

} // namespace

class SwitchRoleDialogTest final : public QObject
{
    Q_OBJECT

private:
    static std::unique_ptr<Test::SessionFixture> newSession()
    {
        return std::make_unique<Test::SessionFixture>(QStringLiteral("switchrole"));
    }

    // A base identity that needs no network: enough for the form to enable its Switch button.
    static void giveOfflineIdentity(Test::SessionFixture &session)
    {
        if (!session.openOfflineProfile())
            qFatal("cannot open an offline profile");
    }

    // Opens a RoleDrop profile for james whose endpoint is the STS test double.
    static bool openDoubleProfile(Test::SessionFixture &session, const QString &name, const QString &mfaSerial = QString())
    {
        return session.openProfile(Test::SessionFixture::stsDoubleJames(name, mfaSerial), Test::SessionFixture::stsDoubleJamesSecret());
    }


private slots:
    void badAccountIsNamedUnderTheField()
    {
        auto session = newSession();
        giveOfflineIdentity(*session);
        SwitchRoleDialog dialog(session->get());
        dialog.show();
        typeInto(child<QLineEdit>(&dialog, "roleField"), QStringLiteral("S3Access"));
        typeInto(child<QLineEdit>(&dialog, "accountField"), QStringLiteral("12345"));
        auto *error = child<QLabel>(&dialog, "accountError");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QLatin1String("12")), qPrintable(error->text()));
        QVERIFY(!child<QPushButton>(&dialog, "switchButton")->isEnabled());
        Test::saveScreenshot(&dialog, QStringLiteral("switchrole-bad-account"));

        typeInto(child<QLineEdit>(&dialog, "accountField"), QStringLiteral("1234-5678-9012"));
        QVERIFY(!error->isVisible());
        QVERIFY(child<QPushButton>(&dialog, "switchButton")->isEnabled());
        QCOMPARE(dialog.request().roleArn, QStringLiteral("arn:aws:iam::123456789012:role/S3Access"));
    }

    void badRoleNameIsNamedUnderTheField()
    {
        auto session = newSession();
        giveOfflineIdentity(*session);
        SwitchRoleDialog dialog(session->get());
        typeInto(child<QLineEdit>(&dialog, "accountField"), QStringLiteral("123456789012"));
        typeInto(child<QLineEdit>(&dialog, "roleField"), QStringLiteral("bad role!"));
        auto *error = child<QLabel>(&dialog, "roleError");
        QVERIFY(error->isVisibleTo(&dialog));
        QVERIFY(!error->text().isEmpty());
        QVERIFY(!child<QLabel>(&dialog, "accountError")->isVisibleTo(&dialog));
        QVERIFY(!child<QPushButton>(&dialog, "switchButton")->isEnabled());

        typeInto(child<QLineEdit>(&dialog, "roleField"), QStringLiteral("arn:aws:iam::12:role/X"));
        QVERIFY(error->isVisibleTo(&dialog));
        QVERIFY(!dialog.isFormValid());
    }

    void emptyAccountIsFineWithAFullRgwArn()
    {
        auto session = newSession();
        giveOfflineIdentity(*session);
        SwitchRoleDialog dialog(session->get());
        typeInto(child<QLineEdit>(&dialog, "roleField"), QStringLiteral("arn:aws:iam:::role/S3Access"));
        QVERIFY(!child<QLabel>(&dialog, "accountError")->isVisibleTo(&dialog));
        QVERIFY(dialog.isFormValid());
        QCOMPARE(dialog.effectiveDisplayName(), QStringLiteral("S3Access"));
    }

    void badDurationIsNamedWhileTyping()
    {
        auto session = newSession();
        giveOfflineIdentity(*session);
        SwitchRoleDialog dialog(session->get());
        dialog.show();
        typeInto(child<QLineEdit>(&dialog, "accountField"), QStringLiteral("123456789012"));
        typeInto(child<QLineEdit>(&dialog, "roleField"), QStringLiteral("S3Access"));
        QVERIFY(dialog.isFormValid());
        child<QToolButton>(&dialog, "advancedToggle")->click();
        auto *duration = child<QLineEdit>(&dialog, "durationField");
        typeInto(duration, QStringLiteral("100"));
        auto *error = child<QLabel>(&dialog, "durationError");
        QVERIFY2(error->isVisible(), qPrintable(duration->text()));
        QVERIFY(error->text().contains(QLatin1String("900")));
        QVERIFY(!child<QPushButton>(&dialog, "switchButton")->isEnabled());
        Test::saveScreenshot(&dialog, QStringLiteral("switchrole-bad-duration"));

        typeInto(duration, QStringLiteral("7200"));
        QVERIFY(!error->isVisible());
        QCOMPARE(dialog.request().durationSeconds, 7200);
        QVERIFY(dialog.isFormValid());
    }

    void aDurationTypedOutOfRangeStaysAsTypedWithItsError()
    {
        auto session = newSession();
        giveOfflineIdentity(*session);
        SwitchRoleDialog dialog(session->get());
        dialog.show();
        typeInto(child<QLineEdit>(&dialog, "accountField"), QStringLiteral("123456789012"));
        typeInto(child<QLineEdit>(&dialog, "roleField"), QStringLiteral("S3Access"));
        child<QToolButton>(&dialog, "advancedToggle")->click();
        auto *duration = child<QLineEdit>(&dialog, "durationField");
        duration->setFocus();
        // Five digits, all kept (a spin box capped at 43200 dropped the last one without a word).
        typeInto(duration, QStringLiteral("99999"));
        QCOMPARE(duration->text(), QStringLiteral("99999"));
        auto *error = child<QLabel>(&dialog, "durationError");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QLatin1String("99999")) && error->text().contains(QLatin1String("43200")),
                 qPrintable(error->text()));
        // Tab leaves it as typed: the error and the field keep telling the same story.
        QTest::keyClick(duration, Qt::Key_Tab);
        QVERIFY(!duration->hasFocus());
        QCOMPARE(duration->text(), QStringLiteral("99999"));
        QVERIFY(error->isVisible());
        QVERIFY(!dialog.isFormValid());
        // Letters are not taken at all.
        typeInto(duration, QStringLiteral("12x00"));
        QCOMPARE(duration->text(), QStringLiteral("1200"));
        QVERIFY(!error->isVisible());
        QVERIFY(dialog.isFormValid());
    }

    void aFieldErrorClearsWhenFixedAndTheDialogShrinksBack()
    {
        auto session = newSession();
        giveOfflineIdentity(*session);
        SwitchRoleDialog dialog(session->get());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        typeInto(child<QLineEdit>(&dialog, "roleField"), QStringLiteral("S3Access"));
        typeInto(child<QLineEdit>(&dialog, "accountField"), QStringLiteral("123456789012"));
        QCoreApplication::processEvents();
        const int original = dialog.height();
        auto *error = child<QLabel>(&dialog, "accountError");
        QVERIFY(!error->isVisible());

        typeInto(child<QLineEdit>(&dialog, "accountField"), QStringLiteral("12345"));
        QVERIFY(error->isVisible());
        QTRY_VERIFY2(dialog.height() > original, qPrintable(QStringLiteral("%1 vs %2").arg(dialog.height()).arg(original)));
        QTest::keyClicks(child<QLineEdit>(&dialog, "accountField"), QStringLiteral("6789012"));
        QVERIFY(!error->isVisible());
        QTRY_COMPARE(dialog.height(), original);

        // The banner too: shown, then gone, and the dialog with it.
        dialog.showError(QStringLiteral("A message of some length that wraps over more than one line in the banner at the "
                                        "top of the dialog, as server answers do."));
        QTRY_VERIFY(dialog.height() > original);
        dialog.showError(QString());
        QTRY_COMPARE(dialog.height(), original);
    }

    void sessionPolicyMustBeJson()
    {
        auto session = newSession();
        giveOfflineIdentity(*session);
        SwitchRoleDialog dialog(session->get());
        typeInto(child<QLineEdit>(&dialog, "accountField"), QStringLiteral("123456789012"));
        typeInto(child<QLineEdit>(&dialog, "roleField"), QStringLiteral("S3Access"));
        auto *policy = child<QPlainTextEdit>(&dialog, "policyField");
        policy->setPlainText(QStringLiteral("{\"Version\": \"2012-10-17\", "));
        auto *error = child<QLabel>(&dialog, "policyError");
        QVERIFY(error->isVisibleTo(&dialog));
        QVERIFY(error->text().contains(QLatin1String("JSON")));
        // An error in the folded part unfolds it, so the message is never hidden.
        QVERIFY(child<QWidget>(&dialog, "advancedSection")->isVisibleTo(&dialog));
        QVERIFY(!dialog.isFormValid());

        policy->setPlainText(QStringLiteral("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"));
        QVERIFY(!error->isVisibleTo(&dialog));
        QVERIFY(dialog.isFormValid());
    }

    void displayNameDefaultsToRoleAtAccount()
    {
        auto session = newSession();
        giveOfflineIdentity(*session);
        SwitchRoleDialog dialog(session->get());
        typeInto(child<QLineEdit>(&dialog, "accountField"), QStringLiteral("210987654321"));
        typeInto(child<QLineEdit>(&dialog, "roleField"), QStringLiteral("team/Deploy"));
        auto *display = child<QLineEdit>(&dialog, "displayNameField");
        QCOMPARE(display->placeholderText(), QStringLiteral("Deploy @ 210987654321"));
        QCOMPARE(dialog.effectiveDisplayName(), QStringLiteral("Deploy @ 210987654321"));
        typeInto(display, QStringLiteral("Prod deploy"));
        QCOMPARE(dialog.effectiveDisplayName(), QStringLiteral("Prod deploy"));

        child<QToolButton>(&dialog, "color-green")->click();
        QCOMPARE(dialog.chosenColor(), Auth::roleColorHex(QStringLiteral("green")));
    }

    void prefillFromHistoryEntry()
    {
        auto session = newSession();
        giveOfflineIdentity(*session);
        SwitchRoleDialog dialog(session->get());
        Auth::RoleHistoryEntry entry;
        entry.roleArn = QStringLiteral("arn:aws:iam::123456789012:role/Admin");
        entry.displayName = QStringLiteral("Admin (prod)");
        entry.color = QStringLiteral("#D13212");
        dialog.prefill(entry);
        QCOMPARE(child<QLineEdit>(&dialog, "accountField")->text(), QStringLiteral("123456789012"));
        QCOMPARE(child<QLineEdit>(&dialog, "roleField")->text(), QStringLiteral("Admin"));
        QCOMPARE(dialog.effectiveDisplayName(), entry.displayName);
        QCOMPARE(dialog.chosenColor(), entry.color);
        QVERIFY(dialog.isFormValid());
    }

    void wrongExternalIdKeepsTheDialogOpenThenTheRightOneSwitches()
    {
        if (!hasStsDouble())
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        auto session = newSession();
        QVERIFY(openDoubleProfile(*session, QStringLiteral("james-partner")));
        SwitchRoleDialog dialog(session->get());
        dialog.show();
        typeInto(child<QLineEdit>(&dialog, "roleField"), Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_PARTNER"));
        child<QToolButton>(&dialog, "advancedToggle")->click();
        typeInto(child<QLineEdit>(&dialog, "externalIdField"), QStringLiteral("Wrong-0000"));
        child<QToolButton>(&dialog, "color-orange")->click();
        QVERIFY(dialog.isFormValid());
        QTest::mouseClick(child<QPushButton>(&dialog, "switchButton"), Qt::LeftButton);

        auto *banner = child<QLabel>(&dialog, "switchRoleBanner");
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 20000);
        QVERIFY2(banner->text().contains(QLatin1String("james")), qPrintable(banner->text()));
        QVERIFY2(banner->text().contains(QLatin1String("PartnerRole")), qPrintable(banner->text()));
        QVERIFY(!banner->text().contains(Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET")));
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QCOMPARE(session->get()->identity().kind, Auth::Identity::Kind::BaseUser);
        Test::saveScreenshot(&dialog, QStringLiteral("switchrole-denied"));

        typeInto(child<QLineEdit>(&dialog, "externalIdField"), Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_EXTERNAL_ID"));
        QSignalSpy changed(session->get(), &Sessions::Session::identityChanged);
        QTest::mouseClick(child<QPushButton>(&dialog, "switchButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 20000);
        QVERIFY(!dialog.isVisible());
        const Auth::Identity &active = session->get()->identity();
        QCOMPARE(active.kind, Auth::Identity::Kind::AssumedRole);
        QCOMPARE(active.roleArn, Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_PARTNER"));
        QCOMPARE(active.color, Auth::roleColorHex(QStringLiteral("orange")));
        QVERIFY(changed.count() >= 1);
        // The switch is remembered for the profile list's quick pick.
        const auto recent = session->get()->recentRoles(QStringLiteral("james-partner"));
        QVERIFY(!recent.isEmpty());
        QCOMPARE(recent.first().roleArn, active.roleArn);
    }

    void inARoleTheDialogSwitchesFromTheBaseUnlessChainingIsTicked()
    {
        if (!hasStsDouble())
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        auto session = newSession();
        QVERIFY(openDoubleProfile(*session, QStringLiteral("james-chain")));
        {
            SwitchRoleDialog first(session->get());
            // Not in a role: nothing to chain from.
            QVERIFY(!child<QCheckBox>(&first, "chainFromRoleCheck")->isVisibleTo(&first));
            QVERIFY(!child<QLabel>(&first, "durationNote")->isVisibleTo(&first));
        }
        const QString jamesKey = Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY");
        QVERIFY(session->switchRole(Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS")));

        // In S3Access: LongRole for 2 hours, by default from james (the console's way), not capped.
        {
            SwitchRoleDialog dialog(session->get());
            dialog.show();
            auto *chain = child<QCheckBox>(&dialog, "chainFromRoleCheck");
            QVERIFY(chain->isVisible());
            QVERIFY(!chain->isChecked());
            QVERIFY(chain->text().contains(QLatin1String("1 hour")));
            QVERIFY2(child<QLabel>(&dialog, "switchRoleIntro")->text().contains(QLatin1String("james-chain")),
                     qPrintable(child<QLabel>(&dialog, "switchRoleIntro")->text()));
            typeInto(child<QLineEdit>(&dialog, "roleField"), Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_LONG"));
            child<QToolButton>(&dialog, "advancedToggle")->click();
            typeInto(child<QLineEdit>(&dialog, "durationField"), QStringLiteral("7200"));
            QVERIFY(!child<QLabel>(&dialog, "durationNote")->isVisible());
            const int since = Test::doubleLogSeq();
            QTest::mouseClick(child<QPushButton>(&dialog, "switchButton"), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 20000);
            QCOMPARE(Test::assumeRoleSigner(since), jamesKey);
            const Auth::Identity &active = session->get()->identity();
            QCOMPARE(active.roleArn, Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_LONG"));
            QVERIFY(QDateTime::currentDateTimeUtc().secsTo(active.expiration) > 3600 + 60);
            QCOMPARE(session->get()->identityChain().size(), 2);
        }

        // Back in S3Access, ticked: ChainTarget (which trusts S3Access sessions only), capped at one hour.
        QVERIFY(session->switchRole(Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS")));
        const QString roleKey = session->get()->identity().accessKeyId;
        SwitchRoleDialog dialog(session->get());
        dialog.show();
        typeInto(child<QLineEdit>(&dialog, "roleField"), Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"));
        child<QToolButton>(&dialog, "advancedToggle")->click();
        auto *duration = child<QLineEdit>(&dialog, "durationField");
        typeInto(duration, QStringLiteral("7200"));
        auto *chain = child<QCheckBox>(&dialog, "chainFromRoleCheck");
        QTest::mouseClick(chain, Qt::LeftButton, {}, QPoint(8, chain->height() / 2));
        QVERIFY(chain->isChecked());
        // The cap applies to the field at once, and the note says why.
        QCOMPARE(duration->text(), QStringLiteral("3600"));
        auto *note = child<QLabel>(&dialog, "durationNote");
        QVERIFY(note->isVisible());
        QVERIFY2(note->text().contains(QLatin1String("1 hour")), qPrintable(note->text()));
        QVERIFY(child<QLabel>(&dialog, "switchRoleIntro")->text().contains(QLatin1String("S3Access")));
        typeInto(duration, QStringLiteral("7200"));
        QVERIFY(note->text().contains(QLatin1String("3600")));
        Test::saveScreenshot(&dialog, QStringLiteral("switchrole-chaining"));
        const int since = Test::doubleLogSeq();
        QTest::mouseClick(child<QPushButton>(&dialog, "switchButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 20000);
        QCOMPARE(Test::assumeRoleSigner(since), roleKey);
        const Auth::Identity &active = session->get()->identity();
        QCOMPARE(active.roleArn, Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"));
        QVERIFY(QDateTime::currentDateTimeUtc().secsTo(active.expiration) <= 3600 + 5);
        QVERIFY(!active.notice.isEmpty());
        QCOMPARE(session->get()->identityChain().size(), 3);
    }

    void aProfilesOwnRoleIsTheBaseAndNothingToChainFrom()
    {
        if (!hasStsDouble())
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        // A ~/.aws profile whose role_arn (S3Access) is assumed from base's keys when it opens.
        QTemporaryDir dir;
        QFile config(dir.filePath(QStringLiteral("config")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("[profile base]\nendpoint_url = " + Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT").toUtf8()
                     + "\n\n[profile chain]\nrole_arn = " + Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS").toUtf8()
                     + "\nsource_profile = base\n");
        config.close();
        QFile credentials(dir.filePath(QStringLiteral("credentials")));
        QVERIFY(credentials.open(QIODevice::WriteOnly));
        credentials.write("[base]\naws_access_key_id = " + Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY").toUtf8()
                          + "\naws_secret_access_key = " + Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET").toUtf8() + "\n");
        credentials.close();
        qputenv("AWS_CONFIG_FILE", config.fileName().toUtf8());
        qputenv("AWS_SHARED_CREDENTIALS_FILE", credentials.fileName().toUtf8());
        auto session = newSession();
        session->get()->profiles().reloadAwsConfig();
        const auto opened = session->open(QStringLiteral("chain"));
        qunsetenv("AWS_CONFIG_FILE");
        qunsetenv("AWS_SHARED_CREDENTIALS_FILE");
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().userMessage()));
        QVERIFY(session->get()->inRole());

        SwitchRoleDialog dialog(session->get());
        dialog.show();
        // The profile's role is its base: no "Switch from this role", but a switch from it is chained all the same.
        QVERIFY(!child<QCheckBox>(&dialog, "chainFromRoleCheck")->isVisible());
        typeInto(child<QLineEdit>(&dialog, "roleField"), Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"));
        child<QToolButton>(&dialog, "advancedToggle")->click();
        auto *note = child<QLabel>(&dialog, "durationNote");
        QVERIFY(note->isVisible());
        QVERIFY2(note->text().contains(QLatin1String("1 hour")), qPrintable(note->text()));
        const QString profileRoleKey = session->get()->identity().accessKeyId;
        const int since = Test::doubleLogSeq();
        QTest::mouseClick(child<QPushButton>(&dialog, "switchButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 20000);
        QCOMPARE(Test::assumeRoleSigner(since), profileRoleKey);
        QCOMPARE(session->get()->identity().roleArn, Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_CHAIN"));
    }

    // The dialog opens with the focus in Account; a role ARN typed or pasted there goes to Role, as it is meant.
    void aRoleArnTypedIntoAccountGoesToRole()
    {
        auto session = newSession();
        giveOfflineIdentity(*session);
        SwitchRoleDialog dialog(session->get());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.activateWindow();
        auto *account = child<QLineEdit>(&dialog, "accountField");
        auto *role = child<QLineEdit>(&dialog, "roleField");
        QTRY_VERIFY(account->hasFocus());
        // Each key to whatever has the focus, as the keyboard does.
        for (const QChar c : QStringLiteral("arn:aws:iam::123456789012:role/S3Access"))
            QTest::keyClicks(QApplication::focusWidget(), QString(c));
        QCOMPARE(role->text(), QStringLiteral("arn:aws:iam::123456789012:role/S3Access"));
        QVERIFY(account->text().isEmpty());
        QVERIFY(dialog.isFormValid());
        QVERIFY(!child<QLabel>(&dialog, "accountError")->isVisible());
    }

    void aDurationAboveTheRolesMaximumOffersOneHour()
    {
        if (!hasStsDouble())
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        auto session = newSession();
        QVERIFY(openDoubleProfile(*session, QStringLiteral("james-duration")));
        SwitchRoleDialog dialog(session->get());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        // S3Access allows one hour (its MaxSessionDuration); 2 hours are asked.
        const int heightBefore = askForS3AccessFor(dialog, QStringLiteral("7200"));
        auto *duration = child<QLineEdit>(&dialog, "durationField");
        auto *switchButton = child<QPushButton>(&dialog, "switchButton");
        QTest::mouseClick(switchButton, Qt::LeftButton);

        auto *banner = child<QLabel>(&dialog, "switchRoleBanner");
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 20000);
        QVERIFY2(banner->text().contains(QLatin1String("maximum session duration may be lower")), qPrintable(banner->text()));
        QVERIFY2(banner->text().contains(QLatin1String("2 hours (7200 s)")), qPrintable(banner->text()));
        auto *useOneHour = child<QPushButton>(&dialog, "useSuggestedDurationButton");
        QVERIFY(useOneHour->isVisible());
        QCOMPARE(useOneHour->text().remove(QLatin1Char('&')), QStringLiteral("Use 1 hour"));
        QVERIFY(!useOneHour->accessibleName().isEmpty());
        // Enter still means Switch Role after the failure.
        QVERIFY(switchButton->isDefault());
        QVERIFY(!child<QPushButton>(&dialog, "saveRoleButton")->isDefault());
        QVERIFY(dialog.height() > heightBefore);
        QTest::qWait(50);
        Test::saveScreenshot(&dialog, QStringLiteral("switchrole-duration-error"));
        // Nothing was retried by itself.
        QCOMPARE(duration->text(), QStringLiteral("7200"));
        QCOMPARE(session->get()->identity().kind, Auth::Identity::Kind::BaseUser);

        QTest::mouseClick(useOneHour, Qt::LeftButton);
        QCOMPARE(duration->text(), QStringLiteral("3600"));
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 20000);
        const Auth::Identity &active = session->get()->identity();
        QCOMPARE(active.roleArn, Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"));
        QVERIFY(QDateTime::currentDateTimeUtc().secsTo(active.expiration) <= 3600 + 5);
    }

    void theAdviceGoesWhenTheDurationIsChangedAndTheDialogShrinksBack()
    {
        if (!hasStsDouble())
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        auto session = newSession();
        QVERIFY(openDoubleProfile(*session, QStringLiteral("james-duration2")));
        SwitchRoleDialog dialog(session->get());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const int heightBefore = askForS3AccessFor(dialog, QStringLiteral("10800"));
        auto *duration = child<QLineEdit>(&dialog, "durationField");
        QTest::mouseClick(child<QPushButton>(&dialog, "switchButton"), Qt::LeftButton);
        auto *banner = child<QLabel>(&dialog, "switchRoleBanner");
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 20000);
        QVERIFY(dialog.height() > heightBefore);
        typeInto(duration, QStringLiteral("2700"));
        QVERIFY(!banner->isVisible());
        QVERIFY(!child<QPushButton>(&dialog, "useSuggestedDurationButton")->isVisible());
        QTRY_COMPARE(dialog.height(), heightBefore);
        // Enter switches (the default button), with the duration now typed.
        QTest::keyClick(duration, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 20000);
        QVERIFY(QDateTime::currentDateTimeUtc().secsTo(session->get()->identity().expiration) <= 2700 + 5);
    }

    void mfaCodeInTheDialogThenMfaPromptOnRefresh()
    {
        if (!hasStsDouble())
            QSKIP("needs the STS test double: run through tests/run-tests.sh");
        auto session = newSession();
        QVERIFY(openDoubleProfile(*session, QStringLiteral("james-mfa"), Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_MFA_SERIAL")));
        QWidget window;
        installMfaPrompt(session->get(), &window);
        SwitchRoleDialog dialog(session->get());
        dialog.show();
        auto *code = child<QLineEdit>(&dialog, "mfaCodeField");
        typeInto(child<QLineEdit>(&dialog, "roleField"), Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_MFA"));
        // Without a code the role refuses; the dialog says so and offers the code field.
        QTest::mouseClick(child<QPushButton>(&dialog, "switchButton"), Qt::LeftButton);
        auto *banner = child<QLabel>(&dialog, "switchRoleBanner");
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 20000);
        QVERIFY(code->isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        typeInto(code, QStringLiteral("12ab"));
        QVERIFY(child<QLabel>(&dialog, "mfaError")->isVisible());
        QVERIFY(!dialog.isFormValid());
        const QString totp = totpNow();
        typeInto(code, totp);
        QVERIFY(dialog.isFormValid());
        QTest::mouseClick(child<QPushButton>(&dialog, "switchButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 20000);
        QCOMPARE(session->get()->identity().roleArn, Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_MFA"));
        QVERIFY(!banner->text().contains(totp));

        // The background refresh of that role needs a new code: the prompt asks, the answer renews.
        QSignalSpy refreshed(session->get(), &Sessions::Session::identityRenewed);
        session->get()->renewNow();
        MfaPrompt *prompt = nullptr;
        QTRY_VERIFY((prompt = window.findChild<MfaPrompt *>()) != nullptr);
        QTRY_VERIFY(prompt->isVisible());
        auto *ok = prompt->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        QTest::keyClicks(child<QLineEdit>(prompt, "mfaCodeField"), totpNow());
        Test::saveScreenshot(prompt, QStringLiteral("switchrole-mfa-prompt"));
        QVERIFY(ok->isEnabled());
        QTest::mouseClick(ok, Qt::LeftButton);
        QVERIFY(refreshed.count() == 1 || refreshed.wait(20000));
        QCOMPARE(session->get()->identity().roleArn, Test::worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_MFA"));
    }
};

QTEST_MAIN(SwitchRoleDialogTest)
#include "switch_role_dialog_test.moc"
