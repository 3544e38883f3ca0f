// The window's proxy login, driven as a user would: a real tinyproxy on 127.0.0.1 that wants Basic authentication
// sits in HTTPS_PROXY in front of Ceph RGW over https; a role switch through it brings up the dialog naming the
// proxy, the user types a user name and a password (not echoed) and the request goes on; the login is remembered
// for the session, and a dialog closed with Cancel fails the request with the 407 message.

#include "screenshot.h"
#include "test_session.h"
#include "tinyproxy_process.h"
#include "ui/proxy_login_dialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>
#include <QTimer>

using namespace RoleDrop;
using RoleDrop::Test::SessionFixture;
using RoleDrop::Test::TinyproxyProcess;
using RoleDrop::Test::worldValue;

namespace {

const QString proxyUser = QStringLiteral("proxyuser");
const QString proxyPassword = QStringLiteral("dialog-Pr0xy-pw");

// Answers every ProxyLoginDialog that opens: types the login (or cancels), and notes what it saw.
class DialogAnswerer final : public QObject
{
public:
    explicit DialogAnswerer(bool accept) : m_accept(accept)
    {
        connect(&m_poll, &QTimer::timeout, this, [this] { answerOpenDialog(); });
        m_poll.start(50);
    }

    int shown = 0;
    QString text;
    bool passwordHidden = false;

private:
    void answerOpenDialog()
    {
        auto *dialog = qobject_cast<Ui::ProxyLoginDialog *>(QApplication::activeModalWidget());
        if (!dialog || dialog->property("answered").toBool())
            return;
        dialog->setProperty("answered", true);
        ++shown;
        text = dialog->findChild<QLabel *>(QStringLiteral("proxyLoginText"))->text();
        auto *user = dialog->findChild<QLineEdit *>(QStringLiteral("proxyUserField"));
        auto *password = dialog->findChild<QLineEdit *>(QStringLiteral("proxyPasswordField"));
        auto *buttons = dialog->findChild<QDialogButtonBox *>();
        passwordHidden = password->echoMode() == QLineEdit::Password;
        if (!m_accept) {
            QTest::mouseClick(buttons->button(QDialogButtonBox::Cancel), Qt::LeftButton);
            return;
        }
        QVERIFY(!buttons->button(QDialogButtonBox::Ok)->isEnabled());
        QTest::keyClicks(user, proxyUser);
        QTest::keyClicks(password, proxyPassword);
        // For people to look at: the dialog as the user sees it, filled in.
        QVERIFY(Test::saveScreenshot(dialog, QStringLiteral("proxy-login-dialog")));
        QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
    }

    bool m_accept;
    QTimer m_poll;
};

} // namespace

class ProxyLoginDialogTest : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TinyproxyProcess> m_proxy;
    QString m_connectLine;

private slots:
    void initTestCase()
    {
        const int rgwPort = QUrl(worldValue("ROLEDROP_TEST_S3_ENDPOINT")).port();
        m_connectLine = QStringLiteral("CONNECT 127.0.0.1:%1 HTTP/1.1").arg(rgwPort);
        m_proxy = std::make_unique<TinyproxyProcess>(rgwPort, proxyUser, proxyPassword);
        QVERIFY(m_proxy->isRunning());
        // Read by each Session's HTTP client when it is made.
        for (const char *name : {"https_proxy", "no_proxy", "NO_PROXY"})
            qunsetenv(name);
        qputenv("HTTPS_PROXY", QStringLiteral("http://%1").arg(m_proxy->address()).toUtf8());
    }
    void cleanupTestCase() { qunsetenv("HTTPS_PROXY"); }

    void asksOnceAndRemembersForTheSession()
    {
        SessionFixture session(QStringLiteral("proxy-login"));
        QWidget window;
        window.show();
        Ui::installProxyLoginPrompt(session.get(), &window);
        DialogAnswerer answerer(true);
        QVERIFY(session.openProfile(SessionFixture::rgwJames(QStringLiteral("proxied")), SessionFixture::rgwJamesSecret()));
        const auto role = session.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
        QVERIFY2(role.ok(), role ? "" : qPrintable(role.error().userMessage()));
        QCOMPARE(answerer.shown, 1);
        QVERIFY2(answerer.text.contains(QStringLiteral("http://%1").arg(m_proxy->address())), qPrintable(answerer.text));
        QVERIFY(answerer.passwordHidden);
        QVERIFY(!answerer.text.contains(proxyPassword));
        QVERIFY2(m_proxy->requests().contains(m_connectLine), qPrintable(m_proxy->log()));

        // Again: the login is remembered, nobody is asked.
        session->backToBase();
        const auto again = session.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
        QVERIFY2(again.ok(), again ? "" : qPrintable(again.error().userMessage()));
        QCOMPARE(answerer.shown, 1);
        // Never written down.
        session.settings().sync();
        QFile settings(session.settingsPath());
        QVERIFY(settings.open(QIODevice::ReadOnly));
        QVERIFY(!settings.readAll().contains(proxyPassword.toUtf8()));
    }

    void cancelFailsWithThe407Message()
    {
        SessionFixture session(QStringLiteral("proxy-cancel"));
        QWidget window;
        window.show();
        Ui::installProxyLoginPrompt(session.get(), &window);
        DialogAnswerer answerer(false);
        QVERIFY(session.openProfile(SessionFixture::rgwJames(QStringLiteral("cancelled")), SessionFixture::rgwJamesSecret()));
        const auto role = session.switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
        QVERIFY(!role.ok());
        QCOMPARE(answerer.shown, 1);
        QVERIFY2(role.error().userMessage().contains(QStringLiteral("the proxy http://%1 needs a user name and password (407").arg(m_proxy->address())),
                 qPrintable(role.error().userMessage()));
    }
};

QTEST_MAIN(ProxyLoginDialogTest)
#include "proxy_login_dialog_test.moc"
