// FederatedProfileDialog, driven as a user fills it in: an Identity Center or OpenID Connect profile checked as
// typed with each message under its field, Save enabled only for a valid profile, the client secret kept out of
// the profile, editing that keeps what the form does not show, and screenshots of the forms for people to look at.
#include "ui/profiles/federated_profile_dialog.h"

#include "screenshot.h"
#include "widget_driving.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace RoleDrop;
using namespace RoleDrop::Ui;
using RoleDrop::Test::button;
using RoleDrop::Test::child;
using RoleDrop::Test::typeInto;

namespace {

// The messages shown that are cut off (given less height than their wrapped text needs, or outside the dialog).
QStringList messagesFit(QWidget *dialog)
{
    QStringList cut;
    for (QLabel *label : dialog->findChildren<QLabel *>()) {
        if (!label->isVisible() || label->text().isEmpty())
            continue;
        const QRect inDialog(label->mapTo(dialog, QPoint(0, 0)), label->size());
        if ((label->wordWrap() && label->height() < label->heightForWidth(label->width())) || !dialog->rect().contains(inDialog))
            cut << label->objectName() + QStringLiteral(": ") + label->text();
    }
    return cut;
}

void showActive(QWidget *widget)
{
    widget->show();
    widget->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(widget));
}

// The mnemonic letters of what is visible: each must be unique, or Alt+letter goes to the first only.
QStringList mnemonicClashes(QWidget *dialog)
{
    QMap<QChar, QStringList> owners;
    const QRegularExpression mnemonic(QStringLiteral("&([^&])"));
    const auto note = [&](const QString &text) {
        const auto match = mnemonic.match(text);
        if (match.hasMatch())
            owners[match.captured(1).at(0).toLower()] << text;
    };
    for (QLabel *label : dialog->findChildren<QLabel *>()) {
        if (label->isVisibleTo(dialog) && label->buddy())
            note(label->text());
    }
    for (QAbstractButton *b : dialog->findChildren<QAbstractButton *>()) {
        if (b->isVisibleTo(dialog))
            note(b->text());
    }
    QStringList clashes;
    for (auto it = owners.cbegin(); it != owners.cend(); ++it) {
        if (it.value().size() > 1)
            clashes << it.value().join(QStringLiteral(" / "));
    }
    return clashes;
}

} // namespace

class FederatedProfileDialogTest final : public QObject
{
    Q_OBJECT

private slots:
    void identityCenterIsCheckedFieldByFieldAsTyped()
    {
        FederatedProfileDialog dialog(Auth::ProfileKind::IdentityCenter);
        dialog.setExistingNames({QStringLiteral("taken")});
        dialog.resize(600, dialog.height());
        showActive(&dialog);
        QCOMPARE(dialog.windowTitle(), QStringLiteral("Add Identity Center Profile"));
        auto *save = child<QPushButton>(&dialog, "saveProfileButton");
        QVERIFY(!save->isEnabled());
        // A blank form blames nobody yet.
        for (const char *error : {"nameError", "startUrlError", "ssoRegionError", "profileError"})
            QVERIFY2(!child<QLabel>(&dialog, error)->isVisible(), error);
        // The radio for the recommended way is on from the start.
        QVERIFY(child<QRadioButton>(&dialog, "browserMethodRadio")->isChecked());

        typeInto(child<QLineEdit>(&dialog, "nameField"), QStringLiteral("taken"));
        QVERIFY(child<QLabel>(&dialog, "nameError")->isVisible());
        QVERIFY2(child<QLabel>(&dialog, "nameError")->text().contains(QLatin1String("exists already")),
                 qPrintable(child<QLabel>(&dialog, "nameError")->text()));
        typeInto(child<QLineEdit>(&dialog, "nameField"), QStringLiteral("corp-sso"));
        QVERIFY(!child<QLabel>(&dialog, "nameError")->isVisible());

        auto *startUrl = child<QLineEdit>(&dialog, "startUrlField");
        QCOMPARE(startUrl->placeholderText(), QStringLiteral("https://d-1234567890.awsapps.com/start"));
        typeInto(startUrl, QStringLiteral("http://d-1234567890.awsapps.com/start"));
        auto *startUrlError = child<QLabel>(&dialog, "startUrlError");
        QVERIFY(startUrlError->isVisible());
        QVERIFY2(startUrlError->text().contains(QLatin1String("https://")), qPrintable(startUrlError->text()));
        QVERIFY(!save->isEnabled());
        QVERIFY2(messagesFit(&dialog).isEmpty(), qPrintable(messagesFit(&dialog).join(QLatin1Char('\n'))));
        QVERIFY(Test::saveScreenshot(&dialog, QStringLiteral("federated-identity-center-bad-url")));
        typeInto(startUrl, QStringLiteral("https://d-1234567890.awsapps.com/start"));
        QVERIFY(!startUrlError->isVisible());
        QVERIFY(!save->isEnabled());  // no Identity Center region yet

        auto *ssoRegion = child<QComboBox>(&dialog, "ssoRegionField");
        typeInto(ssoRegion->lineEdit(), QStringLiteral("eu west 1"));
        auto *ssoRegionError = child<QLabel>(&dialog, "ssoRegionError");
        QVERIFY(ssoRegionError->isVisible());
        QVERIFY2(ssoRegionError->text().contains(QLatin1String("Identity Center region")), qPrintable(ssoRegionError->text()));
        typeInto(ssoRegion->lineEdit(), QStringLiteral("eu-west-1"));
        QVERIFY(!ssoRegionError->isVisible());
        QVERIFY2(save->isEnabled(), qPrintable(dialog.problem()));
        // The S3 region follows Identity Center's until the user sets one.
        QCOMPARE(child<QLineEdit>(&dialog, "regionField")->text(), QStringLiteral("eu-west-1"));

        // Alt+D picks the device code, as the label's mnemonic promises (a mnemonic's click is animated: it lands later).
        QTest::keyClick(&dialog, Qt::Key_D, Qt::AltModifier);
        QTRY_VERIFY(child<QRadioButton>(&dialog, "deviceCodeMethodRadio")->isChecked());
        QVERIFY2(mnemonicClashes(&dialog).isEmpty(), qPrintable(mnemonicClashes(&dialog).join(QLatin1Char('\n'))));
        QVERIFY2(messagesFit(&dialog).isEmpty(), qPrintable(messagesFit(&dialog).join(QLatin1Char('\n'))));
        QVERIFY(Test::saveScreenshot(&dialog, QStringLiteral("federated-identity-center-filled")));

        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const Auth::Profile p = dialog.profile();
        QCOMPARE(p.kind, Auth::ProfileKind::IdentityCenter);
        QCOMPARE(p.name, QStringLiteral("corp-sso"));
        QCOMPARE(p.ssoStartUrl, QStringLiteral("https://d-1234567890.awsapps.com/start"));
        QCOMPARE(p.ssoRegion, QStringLiteral("eu-west-1"));
        QCOMPARE(p.region, QStringLiteral("eu-west-1"));
        QCOMPARE(p.signInMethod, Auth::SsoSignInMethod::DeviceCode);
        QVERIFY(p.accessKeyId.isEmpty());
    }

    void aWrongEndpointUnfoldsAdvancedWithItsMessage()
    {
        FederatedProfileDialog dialog(Auth::ProfileKind::IdentityCenter);
        showActive(&dialog);
        auto *advanced = child<QWidget>(&dialog, "advancedSection");
        QVERIFY(!advanced->isVisible());
        QTest::keyClick(&dialog, Qt::Key_V, Qt::AltModifier);
        QTRY_VERIFY(advanced->isVisible());
        typeInto(child<QLineEdit>(&dialog, "endpointField"), QStringLiteral("ftp://rgw.example.com"));
        auto *error = child<QLabel>(&dialog, "endpointError");
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QLatin1String("http://")), qPrintable(error->text()));
        // Folding it away and typing on elsewhere: the fault unfolds it again.
        button(&dialog, QStringLiteral("Advanced settings"))->click();
        QVERIFY(!advanced->isVisible());
        typeInto(child<QLineEdit>(&dialog, "nameField"), QStringLiteral("x"));
        QVERIFY(advanced->isVisible());

        QTemporaryDir dir;
        typeInto(child<QLineEdit>(&dialog, "caFileField"), dir.filePath(QStringLiteral("missing.pem")));
        QVERIFY(child<QLabel>(&dialog, "caFileError")->isVisible());
        QVERIFY(!child<QPushButton>(&dialog, "saveProfileButton")->isEnabled());
        QVERIFY2(messagesFit(&dialog).isEmpty(), qPrintable(messagesFit(&dialog).join(QLatin1Char('\n'))));
        QVERIFY(Test::saveScreenshot(&dialog, QStringLiteral("federated-identity-center-advanced-errors")));
    }

    void openIdConnectKeepsTheClientSecretOutOfTheProfile()
    {
        FederatedProfileDialog dialog(Auth::ProfileKind::OpenIdConnect);
        showActive(&dialog);
        QCOMPARE(dialog.windowTitle(), QStringLiteral("Add OpenID Connect Profile"));
        QVERIFY(dialog.findChild<QLineEdit *>(QStringLiteral("startUrlField")) == nullptr);
        auto *save = child<QPushButton>(&dialog, "saveProfileButton");
        typeInto(child<QLineEdit>(&dialog, "nameField"), QStringLiteral("corp-oidc"));
        typeInto(child<QLineEdit>(&dialog, "issuerField"), QStringLiteral("https://login.example.com/realms/corp"));
        typeInto(child<QLineEdit>(&dialog, "clientIdField"), QStringLiteral("roledrop-desktop"));
        const QString secret = QStringLiteral("TestOnly-ClientSecret-0123456789");
        auto *secretField = child<QLineEdit>(&dialog, "clientSecretField");
        typeInto(secretField, secret);
        QCOMPARE(secretField->echoMode(), QLineEdit::Password);
        QCOMPARE(child<QLineEdit>(&dialog, "scopesField")->text(), QStringLiteral("openid offline_access"));
        typeInto(child<QLineEdit>(&dialog, "roleArnField"), QStringLiteral("arn:aws:iam::123456789012:user/alice"));
        auto *roleArnError = child<QLabel>(&dialog, "roleArnError");
        QVERIFY(roleArnError->isVisible());
        QVERIFY2(roleArnError->text().contains(QLatin1String(":role/")), qPrintable(roleArnError->text()));
        QVERIFY(!save->isEnabled());
        typeInto(child<QLineEdit>(&dialog, "roleArnField"), QStringLiteral("arn:aws:iam::123456789012:role/WebIdentityS3"));
        QVERIFY(!roleArnError->isVisible());
        QVERIFY2(save->isEnabled(), qPrintable(dialog.problem()));
        QVERIFY2(mnemonicClashes(&dialog).isEmpty(), qPrintable(mnemonicClashes(&dialog).join(QLatin1Char('\n'))));
        QVERIFY2(messagesFit(&dialog).isEmpty(), qPrintable(messagesFit(&dialog).join(QLatin1Char('\n'))));
        QVERIFY(Test::saveScreenshot(&dialog, QStringLiteral("federated-openid-connect-filled")));

        // Someone stores it: Save hands the profile over and waits for the answer.
        QSignalSpy saveRequested(&dialog, &FederatedProfileDialog::saveRequested);
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(saveRequested.size(), 1);
        QVERIFY(dialog.isVisible());
        QVERIFY(!save->isEnabled());
        const auto p = saveRequested.at(0).at(0).value<Auth::Profile>();
        QCOMPARE(p.kind, Auth::ProfileKind::OpenIdConnect);
        QCOMPARE(p.oidcIssuer, QStringLiteral("https://login.example.com/realms/corp"));
        QCOMPARE(p.oidcClientId, QStringLiteral("roledrop-desktop"));
        QCOMPARE(p.oidcRoleArn, QStringLiteral("arn:aws:iam::123456789012:role/WebIdentityS3"));
        QCOMPARE(dialog.clientSecret(), secret);
        // The secret is nowhere in the profile that goes to the settings.
        for (const QString &field : {p.name, p.oidcIssuer, p.oidcClientId, p.oidcScopes, p.oidcRoleArn, p.region,
                                     p.endpointUrl, p.caFile, p.accessKeyId, p.mfaSerial})
            QVERIFY(!field.contains(secret));

        dialog.saveFailed(QStringLiteral("Cannot write the settings file /nowhere/roledrop.conf"));
        auto *error = child<QLabel>(&dialog, "profileError");
        QVERIFY(error->isVisible());
        QVERIFY(error->text().contains(QLatin1String("/nowhere")));
        QVERIFY(save->isEnabled());
        QVERIFY2(messagesFit(&dialog).isEmpty(), qPrintable(messagesFit(&dialog).join(QLatin1Char('\n'))));
        QVERIFY(Test::saveScreenshot(&dialog, QStringLiteral("federated-openid-connect-save-failed")));
    }

    void editingKeepsTheAccountAndRoleTheFormDoesNotShow()
    {
        Auth::Profile stored;
        stored.kind = Auth::ProfileKind::IdentityCenter;
        stored.name = QStringLiteral("corp-sso");
        stored.ssoStartUrl = QStringLiteral("https://d-1234567890.awsapps.com/start");
        stored.ssoRegion = QStringLiteral("eu-central-1");
        stored.ssoAccountId = QStringLiteral("111122223333");
        stored.ssoRoleName = QStringLiteral("ReadOnly");
        stored.signInMethod = Auth::SsoSignInMethod::Automatic;
        stored.region = QStringLiteral("default");
        stored.endpointUrl = QStringLiteral("https://rgw.example.com");
        stored.pathStyle = true;

        FederatedProfileDialog dialog(Auth::ProfileKind::IdentityCenter);
        dialog.setExistingNames({stored.name});
        dialog.editProfile(stored);
        showActive(&dialog);
        QVERIFY(dialog.windowTitle().contains(stored.name));
        QVERIFY(child<QLineEdit>(&dialog, "nameField")->isReadOnly());
        QVERIFY(child<QRadioButton>(&dialog, "automaticMethodRadio")->isChecked());
        QVERIFY(child<QWidget>(&dialog, "advancedSection")->isVisible());  // settings away from AWS are shown
        QCOMPARE(child<QComboBox>(&dialog, "ssoRegionField")->currentText(), QStringLiteral("eu-central-1"));
        // Editing another region of Identity Center leaves the S3 region the user set.
        typeInto(child<QComboBox>(&dialog, "ssoRegionField")->lineEdit(), QStringLiteral("us-west-2"));
        QCOMPARE(child<QLineEdit>(&dialog, "regionField")->text(), QStringLiteral("default"));
        auto *save = child<QPushButton>(&dialog, "saveProfileButton");
        QVERIFY2(save->isEnabled(), qPrintable(dialog.problem()));
        QVERIFY2(messagesFit(&dialog).isEmpty(), qPrintable(messagesFit(&dialog).join(QLatin1Char('\n'))));
        QVERIFY(Test::saveScreenshot(&dialog, QStringLiteral("federated-identity-center-edit")));
        QTest::mouseClick(save, Qt::LeftButton);
        const Auth::Profile p = dialog.profile();
        QCOMPARE(p.ssoRegion, QStringLiteral("us-west-2"));
        QCOMPARE(p.ssoAccountId, stored.ssoAccountId);
        QCOMPARE(p.ssoRoleName, stored.ssoRoleName);
        QCOMPARE(p.endpointUrl, stored.endpointUrl);
        QVERIFY(p.pathStyle);
    }
};

QTEST_MAIN(FederatedProfileDialogTest)
#include "federated_profile_dialog_test.moc"
