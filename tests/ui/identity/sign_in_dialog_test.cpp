// SignInDialog, as the user meets it while signing in: waiting for the browser (open it again, use a code
// instead, cancel), a device code (large, selectable, copied, its page opened, a countdown that runs out into an
// error with Try Again), and an error (Try Again, Close). Screenshots of each state for people to look at.
#include "ui/identity/sign_in_dialog.h"

#include "screenshot.h"
#include "widget_driving.h"

#include <QAbstractButton>
#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTest>

using namespace RoleDrop;
using namespace RoleDrop::Ui;
using RoleDrop::Test::button;
using RoleDrop::Test::child;

namespace {

const QString kStartUrl = QStringLiteral("https://d-1234567890.awsapps.com/start");

Auth::SsoDeviceCode deviceCode(qint64 validForMs)
{
    Auth::SsoDeviceCode code;
    code.userCode = QStringLiteral("WDJB-MJHT");
    code.verificationUri = QUrl(QStringLiteral("https://device.sso.eu-west-1.amazonaws.com/"));
    code.verificationUriComplete = QUrl(QStringLiteral("https://device.sso.eu-west-1.amazonaws.com/?user_code=WDJB-MJHT"));
    code.expiresAt = QDateTime::currentDateTimeUtc().addMSecs(validForMs);
    return code;
}

void showActive(QWidget *widget)
{
    widget->show();
    widget->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(widget));
}

} // namespace

class SignInDialogTest final : public QObject
{
    Q_OBJECT

private slots:
    void browserWaitingOffersTheBrowserAgainACodeOrCancel()
    {
        SignInDialog dialog(kStartUrl);
        const QUrl authorize(QStringLiteral("https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&state=s1"));
        dialog.setBrowserWaiting(authorize);
        showActive(&dialog);
        QCOMPARE(dialog.state(), SignInDialog::State::BrowserWaiting);
        const QString text = child<QLabel>(&dialog, "browserWaitingText")->text();
        QVERIFY2(text.contains(QLatin1String("Continue signing in to")) && text.contains(QLatin1String("d-1234567890.awsapps.com/start")),
                 qPrintable(text));
        auto *busy = child<QWidget>(&dialog, "browserWaitingPage")->findChild<QProgressBar *>();
        QVERIFY(busy && busy->isVisible());
        QCOMPARE(busy->maximum(), 0);  // indeterminate
        QVERIFY(Test::saveScreenshot(&dialog, QStringLiteral("sign-in-browser-waiting")));

        QSignalSpy open(&dialog, &SignInDialog::openBrowserRequested);
        QSignalSpy useCode(&dialog, &SignInDialog::useDeviceCodeRequested);
        QSignalSpy cancelled(&dialog, &SignInDialog::cancelled);
        QTest::mouseClick(button(&dialog, QStringLiteral("Open Browser Again")), Qt::LeftButton);
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.at(0).at(0).toUrl(), authorize);
        // Alt+U is "Use a Code Instead" (a mnemonic's click is animated: it lands a little later).
        QTest::keyClick(&dialog, Qt::Key_U, Qt::AltModifier);
        QTRY_COMPARE(useCode.size(), 1);
        // Enter opens no tab by accident: no button of this page is the default.
        QTest::keyClick(&dialog, Qt::Key_Return);
        QCOMPARE(open.size(), 1);

        dialog.setDeviceCodeOffered(false);
        QVERIFY(!child<QWidget>(&dialog, "useCodeButton")->isVisible());
        QTest::mouseClick(button(&dialog, QStringLiteral("Cancel sign-in")), Qt::LeftButton);
        QCOMPARE(cancelled.size(), 1);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(!dialog.isVisible());
    }

    void deviceCodeIsShownLargeCopiedAndItsPageOpened()
    {
        SignInDialog dialog(kStartUrl);
        // 9:41 and a little: the countdown rounds up, so it says 9:42 at most until a second has gone.
        dialog.showDeviceCode(deviceCode((9 * 60 + 41) * 1000 + 100));
        showActive(&dialog);
        QCOMPARE(dialog.state(), SignInDialog::State::DeviceCode);
        auto *code = child<QLabel>(&dialog, "userCode");
        QCOMPARE(code->text(), QStringLiteral("WDJB-MJHT"));
        QCOMPARE(code->accessibleName(), QStringLiteral("Code to confirm: W D J B - M J H T"));
        QVERIFY(code->textInteractionFlags() & Qt::TextSelectableByMouse);
        // Monospace: every letter as wide as any other.
        const QFontMetrics metrics(code->font());
        QCOMPARE(metrics.horizontalAdvance(QStringLiteral("IIII")), metrics.horizontalAdvance(QStringLiteral("WWWW")));
        QVERIFY(code->font().letterSpacing() > 0);
        QVERIFY(code->font().pointSizeF() > dialog.font().pointSizeF() * 1.5);
        auto *expiry = child<QLabel>(&dialog, "codeExpiry");
        QVERIFY2(expiry->text() == QLatin1String("Code expires in 9:42") || expiry->text() == QLatin1String("Code expires in 9:41"),
                 qPrintable(expiry->text()));
        QCOMPARE(dialog.expiryText(), expiry->text());
        auto *link = child<QLabel>(&dialog, "verificationLink");
        QVERIFY2(link->text().contains(QLatin1String("device.sso.eu-west-1.amazonaws.com")), qPrintable(link->text()));
        QVERIFY(Test::saveScreenshot(&dialog, QStringLiteral("sign-in-device-code")));

        QGuiApplication::clipboard()->clear();
        auto *copy = button(&dialog, QStringLiteral("Copy Code"));
        // Copy Code is the default: Enter copies.
        QTest::keyClick(&dialog, Qt::Key_Return);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("WDJB-MJHT"));
        QCOMPARE(copy->text(), QStringLiteral("Copied"));
        QGuiApplication::clipboard()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(copy->text(), QStringLiteral("&Copy Code"), 4000);
        QTest::mouseClick(copy, Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("WDJB-MJHT"));

        QSignalSpy open(&dialog, &SignInDialog::openBrowserRequested);
        QTest::mouseClick(button(&dialog, QStringLiteral("Open Browser")), Qt::LeftButton);
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.at(0).at(0).toUrl(), QUrl(QStringLiteral("https://device.sso.eu-west-1.amazonaws.com/?user_code=WDJB-MJHT")));
        // The link, clicked where its text is.
        QTest::mouseClick(link, Qt::LeftButton, {}, QPoint(link->fontMetrics().horizontalAdvance(QStringLiteral("device")), link->height() / 2));
        QCOMPARE(open.size(), 2);
        QCOMPARE(open.at(1).at(0).toUrl(), open.at(0).at(0).toUrl());

        QSignalSpy cancelled(&dialog, &SignInDialog::cancelled);
        QTest::keyClick(&dialog, Qt::Key_Escape);
        QCOMPARE(cancelled.size(), 1);
        QVERIFY(!dialog.isVisible());
    }

    void theCountdownRunsOutIntoAnErrorWithTryAgain()
    {
        SignInDialog dialog(kStartUrl);
        dialog.showDeviceCode(deviceCode(2500));
        auto *expiry = child<QLabel>(&dialog, "codeExpiry");
        QCOMPARE(expiry->text(), QStringLiteral("Code expires in 0:03"));  // rounded up
        showActive(&dialog);
        QTRY_COMPARE_WITH_TIMEOUT(expiry->text(), QStringLiteral("Code expires in 0:02"), 2000);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.state(), SignInDialog::State::Error, 5000);
        QCOMPARE(dialog.expiryText(), QStringLiteral("The code has expired"));
        const QString error = child<QLabel>(&dialog, "signInError")->text();
        QVERIFY2(error.contains(QLatin1String("expired")), qPrintable(error));
        QVERIFY(Test::saveScreenshot(&dialog, QStringLiteral("sign-in-code-expired")));

        QSignalSpy retry(&dialog, &SignInDialog::retryRequested);
        // Try Again is the default now.
        QTest::keyClick(&dialog, Qt::Key_Return);
        QCOMPARE(retry.size(), 1);
        QTest::mouseClick(button(&dialog, QStringLiteral("Try Again")), Qt::LeftButton);
        QCOMPARE(retry.size(), 2);
        QVERIFY(dialog.isVisible());
    }

    void anErrorOffersTryAgainAndClose()
    {
        SignInDialog dialog(kStartUrl);
        dialog.setBrowserWaiting(QUrl(QStringLiteral("https://oidc.eu-west-1.amazonaws.com/authorize")));
        showActive(&dialog);
        const QString message = QStringLiteral("Identity Center refused the sign-in (access_denied): you did not allow access "
                                               "in the browser. Try again, and choose Allow when the page asks.");
        dialog.showError(message);
        QCOMPARE(dialog.state(), SignInDialog::State::Error);
        QCOMPARE(child<QLabel>(&dialog, "signInError")->text(), message);
        QVERIFY(!child<QWidget>(&dialog, "openBrowserAgainButton")->isVisible());
        QVERIFY(Test::saveScreenshot(&dialog, QStringLiteral("sign-in-error")));

        QSignalSpy retry(&dialog, &SignInDialog::retryRequested);
        QSignalSpy cancelled(&dialog, &SignInDialog::cancelled);
        QTest::keyClick(&dialog, Qt::Key_T, Qt::AltModifier);
        QTRY_COMPARE(retry.size(), 1);
        // Back to waiting for the browser, as the sign-in starts over.
        dialog.setBrowserWaiting(QUrl(QStringLiteral("https://oidc.eu-west-1.amazonaws.com/authorize?state=2")));
        QCOMPARE(dialog.state(), SignInDialog::State::BrowserWaiting);
        dialog.showError(message);
        QTest::mouseClick(button(&dialog, QStringLiteral("Close")), Qt::LeftButton);
        QCOMPARE(cancelled.size(), 1);
        QCOMPARE(retry.size(), 1);
        QVERIFY(!dialog.isVisible());
    }
};

QTEST_MAIN(SignInDialogTest)
#include "sign_in_dialog_test.moc"
