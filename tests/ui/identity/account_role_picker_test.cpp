// AccountRolePicker, used with the keyboard and the mouse: its loading, error and empty states, a filter that
// matches account name, ID, email and role (keeping the accounts of matching roles), typing in the tree going to
// the filter, Ctrl+F, Enter and double-click choosing a role, Escape clearing the filter before it closes a dialog.
#include "ui/identity/account_role_picker.h"

#include "screenshot.h"
#include "widget_driving.h"

#include <QAbstractButton>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <QVBoxLayout>

using namespace RoleDrop;
using namespace RoleDrop::Ui;
using RoleDrop::Test::button;
using RoleDrop::Test::child;

namespace {

Auth::SsoAccount account(const QString &id, const QString &name, const QString &email, const QStringList &roles)
{
    Auth::SsoAccount a;
    a.accountId = id;
    a.accountName = name;
    a.emailAddress = email;
    a.roleNames = roles;
    return a;
}

QList<Auth::SsoAccount> someAccounts()
{
    return {account(QStringLiteral("444455556666"), QStringLiteral("Production"), QStringLiteral("aws-prod@example.com"),
                    {QStringLiteral("ReadOnlyAccess"), QStringLiteral("AdministratorAccess")}),
            account(QStringLiteral("111122223333"), QStringLiteral("Development"), QStringLiteral("aws-dev@example.com"),
                    {QStringLiteral("PowerUserAccess"), QStringLiteral("ReadOnlyAccess"), QStringLiteral("S3Uploader")}),
            account(QStringLiteral("777788889999"), QStringLiteral("Log Archive"), QStringLiteral("logs@example.com"),
                    {QStringLiteral("AuditReader")}),
            account(QStringLiteral("222233334444"), QStringLiteral("Sandbox"), QStringLiteral("sandbox@example.com"), {})};
}

// What the tree shows now: "Account: Role, Role" per visible account.
QStringList shown(QTreeView *view)
{
    QStringList lines;
    QAbstractItemModel *model = view->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex accountIndex = model->index(row, 0);
        QStringList roles;
        for (int r = 0; r < model->rowCount(accountIndex); ++r)
            roles << model->index(r, 0, accountIndex).data().toString();
        lines << QStringLiteral("%1: %2").arg(accountIndex.data().toString(), roles.join(QStringLiteral(", ")));
    }
    return lines;
}

QModelIndex roleIndex(QTreeView *view, const QString &accountName, const QString &role)
{
    QAbstractItemModel *model = view->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex accountIndex = model->index(row, 0);
        if (accountIndex.data().toString() != accountName)
            continue;
        for (int r = 0; r < model->rowCount(accountIndex); ++r) {
            if (model->index(r, 0, accountIndex).data().toString() == role)
                return model->index(r, 0, accountIndex);
        }
    }
    return {};
}

void showActive(QWidget *widget)
{
    widget->show();
    widget->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(widget));
}

} // namespace

class AccountRolePickerTest final : public QObject
{
    Q_OBJECT

private slots:
    void loadingErrorAndEmptyStatesSayWhatIsGoingOn()
    {
        AccountRolePicker picker;
        picker.resize(560, 320);
        showActive(&picker);
        QCOMPARE(picker.state(), AccountRolePicker::State::Loading);
        QCOMPARE(child<QLabel>(&picker, "accountsLoadingText")->text(), QStringLiteral("Finding your accounts…"));
        QVERIFY(child<QLabel>(&picker, "accountsLoadingText")->isVisible());
        QVERIFY(Test::saveScreenshot(&picker, QStringLiteral("account-role-picker-loading")));

        QSignalSpy refresh(&picker, &AccountRolePicker::refreshRequested);
        picker.setError(QStringLiteral("The sign-in has expired (UnauthorizedException): sign in again to list your accounts"));
        QCOMPARE(picker.state(), AccountRolePicker::State::Error);
        QVERIFY(child<QLabel>(&picker, "accountsError")->isVisible());
        QVERIFY(child<QLabel>(&picker, "accountsError")->text().contains(QLatin1String("UnauthorizedException")));
        QVERIFY(Test::saveScreenshot(&picker, QStringLiteral("account-role-picker-error")));
        QTest::mouseClick(button(&picker, QStringLiteral("Retry")), Qt::LeftButton);
        QCOMPARE(refresh.size(), 1);

        picker.setAccounts({});
        QCOMPARE(picker.state(), AccountRolePicker::State::Empty);
        const QString empty = child<QLabel>(&picker, "accountsEmptyText")->text();
        QVERIFY2(empty.startsWith(QLatin1String("You have no AWS accounts assigned in Identity Center")), qPrintable(empty));
        QVERIFY(Test::saveScreenshot(&picker, QStringLiteral("account-role-picker-empty")));
        QTest::mouseClick(button(&picker, QStringLiteral("Check again for accounts")), Qt::LeftButton);
        QCOMPARE(refresh.size(), 2);

        picker.setAccounts(someAccounts());
        QCOMPARE(picker.state(), AccountRolePicker::State::Accounts);
        QTest::mouseClick(button(&picker, QStringLiteral("Refresh accounts and roles")), Qt::LeftButton);
        QCOMPARE(refresh.size(), 3);
    }

    void accountsAreListedByNameWithTheirIdsEmailsAndRoles()
    {
        AccountRolePicker picker;
        picker.setAccounts(someAccounts());
        picker.resize(560, 360);
        showActive(&picker);
        QTreeView *view = picker.view();
        QCOMPARE(shown(view), (QStringList{QStringLiteral("Development: PowerUserAccess, ReadOnlyAccess, S3Uploader"),
                                           QStringLiteral("Log Archive: AuditReader"),
                                           QStringLiteral("Production: AdministratorAccess, ReadOnlyAccess"),
                                           QStringLiteral("Sandbox: No roles for you in this account")}));
        const QModelIndex production = view->model()->index(2, 0);
        QCOMPARE(production.siblingAtColumn(1).data().toString(), QStringLiteral("444455556666"));
        QCOMPARE(production.siblingAtColumn(2).data().toString(), QStringLiteral("aws-prod@example.com"));
        QVERIFY(production.data(Qt::ToolTipRole).toString().contains(QLatin1String("aws-prod@example.com")));
        QVERIFY(view->isExpanded(production));
        // The names are readable: the first column is as wide as its longest text.
        QVERIFY(view->columnWidth(0) >= view->fontMetrics().horizontalAdvance(QStringLiteral("No roles for you in this account")));
        QVERIFY(Test::saveScreenshot(&picker, QStringLiteral("account-role-picker-accounts")));
    }

    void theFilterMatchesNameIdEmailAndRole()
    {
        AccountRolePicker picker;
        picker.setAccounts(someAccounts());
        picker.resize(560, 360);
        showActive(&picker);
        QTreeView *view = picker.view();
        auto *filter = child<QLineEdit>(&picker, "accountFilter");
        filter->setFocus();

        QTest::keyClicks(filter, QStringLiteral("readonly"));
        QCOMPARE(shown(view), (QStringList{QStringLiteral("Development: ReadOnlyAccess"), QStringLiteral("Production: ReadOnlyAccess")}));
        QVERIFY(Test::saveScreenshot(&picker, QStringLiteral("account-role-picker-filtered")));
        // The first role found is current: Enter would choose it.
        QCOMPARE(picker.currentRoleName(), QStringLiteral("ReadOnlyAccess"));
        QCOMPARE(picker.currentAccountId(), QStringLiteral("111122223333"));

        picker.setFilterText(QStringLiteral("prod"));  // the account's name: all its roles
        QCOMPARE(shown(view), (QStringList{QStringLiteral("Production: AdministratorAccess, ReadOnlyAccess")}));
        picker.setFilterText(QStringLiteral("7777"));  // its ID
        QCOMPARE(shown(view), (QStringList{QStringLiteral("Log Archive: AuditReader")}));
        picker.setFilterText(QStringLiteral("aws-dev@"));  // its email
        QCOMPARE(shown(view), (QStringList{QStringLiteral("Development: PowerUserAccess, ReadOnlyAccess, S3Uploader")}));
        picker.setFilterText(QStringLiteral("read prod"));  // every word, in any order, across account and role
        QCOMPARE(shown(view), (QStringList{QStringLiteral("Production: ReadOnlyAccess")}));

        filter->selectAll();
        QTest::keyClicks(filter, QStringLiteral("zzz"));
        auto *noMatch = child<QLabel>(&picker, "noMatchText");
        QVERIFY(noMatch->isVisible());
        QCOMPARE(noMatch->text(), QStringLiteral("No account or role matches “zzz”"));
        QVERIFY(!view->isVisible());
        QVERIFY(Test::saveScreenshot(&picker, QStringLiteral("account-role-picker-no-match")));
        QCOMPARE(picker.currentRoleName(), QString());

        // Escape takes the filter back: everything again.
        QTest::keyClick(filter, Qt::Key_Escape);
        QCOMPARE(filter->text(), QString());
        QVERIFY(view->isVisible());
        QCOMPARE(shown(view).size(), 4);
    }

    void theKeyboardFiltersMovesAndChooses()
    {
        AccountRolePicker picker;
        picker.setAccounts(someAccounts());
        picker.resize(560, 360);
        showActive(&picker);
        QTreeView *view = picker.view();
        auto *filter = child<QLineEdit>(&picker, "accountFilter");
        QSignalSpy chosen(&picker, &AccountRolePicker::roleChosen);
        QSignalSpy current(&picker, &AccountRolePicker::currentRoleChanged);

        // Typing in the tree goes to the filter.
        view->setFocus();
        QTest::keyClicks(view, QStringLiteral("s3"));
        QVERIFY(filter->hasFocus());
        QCOMPARE(filter->text(), QStringLiteral("s3"));
        QCOMPARE(shown(view), (QStringList{QStringLiteral("Development: S3Uploader")}));
        // Backspace in the tree takes back what was typed.
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Backspace);
        QVERIFY(filter->hasFocus());
        QCOMPARE(filter->text(), QStringLiteral("s"));
        QTest::keyClick(filter, Qt::Key_3);
        QCOMPARE(shown(view), (QStringList{QStringLiteral("Development: S3Uploader")}));
        QVERIFY(!current.isEmpty());
        QCOMPARE(current.last(), (QList<QVariant>{QStringLiteral("111122223333"), QStringLiteral("Development"), QStringLiteral("S3Uploader")}));
        // Enter in the filter chooses the role found.
        QTest::keyClick(filter, Qt::Key_Return);
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.at(0), (QList<QVariant>{QStringLiteral("111122223333"), QStringLiteral("Development"), QStringLiteral("S3Uploader")}));

        // Ctrl+F from the tree goes back to the filter, all of it selected, so typing replaces it.
        view->setFocus();
        QTest::keyClick(view, Qt::Key_F, Qt::ControlModifier);
        QVERIFY(filter->hasFocus());
        QCOMPARE(filter->selectedText(), QStringLiteral("s3"));
        QTest::keyClick(filter, Qt::Key_Backspace);
        QCOMPARE(shown(view).size(), 4);

        // Down into the tree, along to a role, and Enter.
        QTest::keyClick(filter, Qt::Key_Down);
        QVERIFY(view->hasFocus());
        view->setCurrentIndex(view->model()->index(0, 0));   // Development
        QTest::keyClick(view, Qt::Key_Down);                   // PowerUserAccess
        QTest::keyClick(view, Qt::Key_Down);                   // ReadOnlyAccess
        QCOMPARE(picker.currentRoleName(), QStringLiteral("ReadOnlyAccess"));
        QCOMPARE(current.last(), (QList<QVariant>{QStringLiteral("111122223333"), QStringLiteral("Development"), QStringLiteral("ReadOnlyAccess")}));
        QTest::keyClick(view, Qt::Key_Return);
        QCOMPARE(chosen.size(), 2);
        QCOMPARE(chosen.at(1).at(2).toString(), QStringLiteral("ReadOnlyAccess"));

        // Enter on an account folds it (and chooses nothing); again unfolds it.
        const QModelIndex development = view->model()->index(0, 0);
        view->setCurrentIndex(development);
        QCOMPARE(current.last(), (QList<QVariant>{QString(), QString(), QString()}));
        QTest::keyClick(view, Qt::Key_Return);
        QVERIFY(!view->isExpanded(development));
        QTest::keyClick(view, Qt::Key_Return);
        QVERIFY(view->isExpanded(development));
        QCOMPARE(chosen.size(), 2);
    }

    void doubleClickChoosesARole()
    {
        AccountRolePicker picker;
        picker.setAccounts(someAccounts());
        picker.resize(560, 360);
        showActive(&picker);
        QTreeView *view = picker.view();
        QSignalSpy chosen(&picker, &AccountRolePicker::roleChosen);
        const QModelIndex admin = roleIndex(view, QStringLiteral("Production"), QStringLiteral("AdministratorAccess"));
        QVERIFY(admin.isValid());
        const QPoint at = view->visualRect(admin).center();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.at(0), (QList<QVariant>{QStringLiteral("444455556666"), QStringLiteral("Production"), QStringLiteral("AdministratorAccess")}));
    }

    void selectRoleFindsARoleTheFilterHidAndNewAccountsKeepIt()
    {
        AccountRolePicker picker;
        picker.setAccounts(someAccounts());
        picker.setFilterText(QStringLiteral("audit"));
        QSignalSpy current(&picker, &AccountRolePicker::currentRoleChanged);
        QVERIFY(picker.selectRole(QStringLiteral("444455556666"), QStringLiteral("ReadOnlyAccess")));
        QCOMPARE(picker.filterText(), QString());
        QCOMPARE(picker.currentAccountName(), QStringLiteral("Production"));
        QCOMPARE(current.last(), (QList<QVariant>{QStringLiteral("444455556666"), QStringLiteral("Production"), QStringLiteral("ReadOnlyAccess")}));
        QVERIFY(!picker.selectRole(QStringLiteral("444455556666"), QStringLiteral("NoSuchRole")));

        // A refresh that brings a new account keeps the role the user was on.
        QList<Auth::SsoAccount> more = someAccounts();
        more << account(QStringLiteral("999900001111"), QStringLiteral("Analytics"), QStringLiteral("data@example.com"),
                        {QStringLiteral("DataScientist")});
        picker.setAccounts(more);
        QCOMPARE(shown(picker.view()).first(), QStringLiteral("Analytics: DataScientist"));
        QCOMPARE(picker.currentAccountId(), QStringLiteral("444455556666"));
        QCOMPARE(picker.currentRoleName(), QStringLiteral("ReadOnlyAccess"));
    }

    void escapeClearsTheFilterBeforeItClosesTheDialog()
    {
        QDialog dialog;
        auto *picker = new AccountRolePicker(&dialog);
        auto *layout = new QVBoxLayout(&dialog);
        layout->addWidget(picker);
        picker->setAccounts(someAccounts());
        dialog.resize(560, 360);
        showActive(&dialog);
        auto *filter = child<QLineEdit>(picker, "accountFilter");
        filter->setFocus();
        QTest::keyClicks(filter, QStringLiteral("sand"));
        QTest::keyClick(filter, Qt::Key_Escape);
        QVERIFY(dialog.isVisible());
        QCOMPARE(filter->text(), QString());
        QTest::keyClick(filter, Qt::Key_Escape);
        QVERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }
};

QTEST_MAIN(AccountRolePickerTest)
#include "account_role_picker_test.moc"
