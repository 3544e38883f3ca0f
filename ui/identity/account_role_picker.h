#pragma once

#include "core/auth/sso_types.h"

#include <QList>
#include <QWidget>

class QLabel;
class QLineEdit;
class QModelIndex;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QStandardItem;
class QStandardItemModel;
class QTreeView;

namespace RoleDrop::Ui {

// The accounts and roles an Identity Center sign-in may use, as a tree to search: accounts (name, with ID and
// email beside and in the tooltip) holding their roles. A filter above it matches account name, ID, email and
// role (every word typed must match; the accounts of matching roles stay as their parents). Also says when the
// list is being found, could not be found (with Retry), or is empty.
// Keyboard: arrows move, Enter on a role chooses it (on an account: opens or closes it), typing in the tree goes
// to the filter, Ctrl+F (while the focus is inside) goes to the filter, Down from the filter goes to the tree,
// Escape in a filter that holds text clears it.
// Standalone: it asks for nothing itself; refreshRequested() asks whoever fills it to find the accounts again.
class AccountRolePicker final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccountRolePicker)
public:
    enum class State { Loading, Error, Empty, Accounts };

    explicit AccountRolePicker(QWidget *parent = nullptr);

    State state() const;
    // "Finding your accounts…"
    void setLoading();
    // The accounts and their roles (sorted by account name here); the filter and, when it is still there, the
    // current role are kept.
    void setAccounts(const QList<RoleDrop::Auth::SsoAccount> &accounts);
    // Finding the accounts failed: the message and Retry.
    void setError(const QString &message);
    // Makes that role the current one (clearing a filter that hides it); false when there is no such role.
    bool selectRole(const QString &accountId, const QString &roleName);

    QString filterText() const;
    void setFilterText(const QString &text);
    // The role now current; empty strings when an account (or nothing) is.
    QString currentAccountId() const;
    QString currentAccountName() const;
    QString currentRoleName() const;

    QTreeView *view() const { return m_view; }

signals:
    // A role was chosen: double-click (or the platform's activation) or Enter on its row.
    void roleChosen(const QString &accountId, const QString &accountName, const QString &roleName);
    // The current row moved; empty strings when it is not a role.
    void currentRoleChanged(const QString &accountId, const QString &accountName, const QString &roleName);
    // Retry or Refresh: find the accounts and roles again.
    void refreshRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *buildMessagePage(const char *objectName, QLabel **text, QPushButton **button, const QString &buttonText,
                              const QString &buttonAccessibleName);
    void applyFilter();
    QStandardItem *roleItem(const QModelIndex &proxyIndex) const;
    void emitCurrent();
    void chooseIndex(const QModelIndex &proxyIndex);

    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QStackedWidget *m_pages;
    QWidget *m_loadingPage;
    QWidget *m_errorPage;
    QLabel *m_errorText;
    QWidget *m_emptyPage;
    QWidget *m_accountsPage;
    QLineEdit *m_filter;
    QPushButton *m_refresh;
    QTreeView *m_view;
    QLabel *m_noMatch;
    QString m_lastAccountId;
    QString m_lastRoleName;
};

} // namespace RoleDrop::Ui
