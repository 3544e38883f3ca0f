#include "ui/identity/account_role_picker.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStyle>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace RoleDrop::Ui {

namespace {

enum ItemData {
    kAccountId = Qt::UserRole + 1,
    kAccountName,
    kRoleName,     // role rows only
    kSearchText    // what the filter matches: the account's name, ID and email, and a role row's own name
};

enum Column { kNameColumn, kIdColumn, kEmailColumn, kColumnCount };

// Expanded in full while short enough to read at a glance; a long list opens account by account.
constexpr int kExpandAllUpTo = 20;

QString accountTooltip(const Auth::SsoAccount &account)
{
    QStringList lines{account.accountName, account.accountId};
    if (!account.emailAddress.isEmpty())
        lines << account.emailAddress;
    return lines.join(QLatin1Char('\n'));
}

} // namespace

AccountRolePicker::AccountRolePicker(QWidget *parent)
    : QWidget(parent),
      m_model(new QStandardItemModel(0, kColumnCount, this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_pages(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("accountRolePicker"));
    setAccessibleName(tr("Accounts and roles"));
    m_model->setHorizontalHeaderLabels({tr("Account or role"), tr("Account ID"), tr("Email")});
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(kSearchText);
    m_proxy->setFilterKeyColumn(kNameColumn);
    // An account kept for a matching role shows only the roles that match; an account that matches shows all.
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setAutoAcceptChildRows(true);

    // Loading
    m_loadingPage = new QWidget(this);
    m_loadingPage->setObjectName(QStringLiteral("accountsLoadingPage"));
    auto *loadingText = new QLabel(tr("Finding your accounts…"), m_loadingPage);
    loadingText->setObjectName(QStringLiteral("accountsLoadingText"));
    loadingText->setAlignment(Qt::AlignCenter);
    auto *loadingBar = new QProgressBar(m_loadingPage);
    loadingBar->setRange(0, 0);
    loadingBar->setTextVisible(false);
    loadingBar->setMaximumHeight(8);
    loadingBar->setMaximumWidth(240);
    loadingBar->setAccessibleName(tr("Finding your accounts"));
    auto *loadingLayout = new QVBoxLayout(m_loadingPage);
    loadingLayout->addStretch();
    loadingLayout->addWidget(loadingText);
    loadingLayout->addWidget(loadingBar, 0, Qt::AlignHCenter);
    loadingLayout->addStretch();

    QPushButton *retry = nullptr;
    m_errorPage = buildMessagePage("accountsErrorPage", &m_errorText, &retry, tr("&Retry"), tr("Retry finding accounts"));
    m_errorText->setObjectName(QStringLiteral("accountsError"));
    m_errorText->setAccessibleDescription(tr("Why the accounts could not be found"));
    m_errorText->setStyleSheet(QStringLiteral("QLabel { color: #B0271A; }"));
    retry->setObjectName(QStringLiteral("retryAccountsButton"));
    QLabel *emptyText = nullptr;
    QPushButton *checkAgain = nullptr;
    m_emptyPage = buildMessagePage("accountsEmptyPage", &emptyText, &checkAgain, tr("Check &Again"), tr("Check again for accounts"));
    emptyText->setObjectName(QStringLiteral("accountsEmptyText"));
    emptyText->setText(tr("You have no AWS accounts assigned in Identity Center. Ask your administrator to assign you "
                          "a permission set in an account, then check again."));
    checkAgain->setObjectName(QStringLiteral("checkAgainButton"));
    connect(retry, &QPushButton::clicked, this, &AccountRolePicker::refreshRequested);
    connect(checkAgain, &QPushButton::clicked, this, &AccountRolePicker::refreshRequested);

    // The accounts
    m_accountsPage = new QWidget(this);
    m_accountsPage->setObjectName(QStringLiteral("accountsPage"));
    m_filter = new QLineEdit(m_accountsPage);
    m_filter->setObjectName(QStringLiteral("accountFilter"));
    m_filter->setAccessibleName(tr("Filter accounts and roles"));
    m_filter->setPlaceholderText(tr("Filter by account, ID, email or role (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    auto *refresh = new QToolButton(m_accountsPage);
    refresh->setObjectName(QStringLiteral("refreshAccountsButton"));
    refresh->setIcon(QIcon::fromTheme(QStringLiteral("view-refresh"), style()->standardIcon(QStyle::SP_BrowserReload)));
    refresh->setAccessibleName(tr("Refresh accounts and roles"));
    refresh->setToolTip(tr("Find the accounts and roles again (new assignments show up)"));
    refresh->setAutoRaise(true);
    connect(refresh, &QToolButton::clicked, this, &AccountRolePicker::refreshRequested);
    m_view = new QTreeView(m_accountsPage);
    m_view->setObjectName(QStringLiteral("accountRoleTree"));
    m_view->setAccessibleName(tr("Accounts and roles"));
    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->header()->setStretchLastSection(true);
    m_view->installEventFilter(this);
    m_noMatch = new QLabel(m_accountsPage);
    m_noMatch->setObjectName(QStringLiteral("noMatchText"));
    m_noMatch->setAccessibleDescription(tr("Filter result"));
    m_noMatch->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    m_noMatch->setWordWrap(true);
    m_noMatch->setVisible(false);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(refresh);
    auto *accountsLayout = new QVBoxLayout(m_accountsPage);
    accountsLayout->setContentsMargins(0, 0, 0, 0);
    accountsLayout->addLayout(filterRow);
    accountsLayout->addWidget(m_view, 1);
    accountsLayout->addWidget(m_noMatch, 1);

    m_pages->addWidget(m_loadingPage);
    m_pages->addWidget(m_errorPage);
    m_pages->addWidget(m_emptyPage);
    m_pages->addWidget(m_accountsPage);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    // Ctrl+F belongs to the picker only while the focus is inside it: the window around it keeps its own.
    auto *find = new QShortcut(QKeySequence::Find, this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    find->setWhatsThis(tr("Filter the accounts and roles"));  // what Help › Keyboard Shortcuts lists
    connect(find, &QShortcut::activated, this, [this] {
        if (m_pages->currentWidget() != m_accountsPage)
            return;
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    connect(m_filter, &QLineEdit::textChanged, this, &AccountRolePicker::applyFilter);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &AccountRolePicker::emitCurrent);
    connect(m_view, &QTreeView::activated, this, &AccountRolePicker::chooseIndex);
    setLoading();
}

QWidget *AccountRolePicker::buildMessagePage(const char *objectName, QLabel **text, QPushButton **button,
                                             const QString &buttonText, const QString &buttonAccessibleName)
{
    auto *page = new QWidget(this);
    page->setObjectName(QString::fromLatin1(objectName));
    *text = new QLabel(page);
    (*text)->setWordWrap(true);
    (*text)->setAlignment(Qt::AlignCenter);
    (*text)->setTextInteractionFlags(Qt::TextSelectableByMouse);
    *button = new QPushButton(buttonText, page);
    (*button)->setAccessibleName(buttonAccessibleName);
    (*button)->setAutoDefault(false);
    auto *layout = new QVBoxLayout(page);
    layout->addStretch();
    layout->addWidget(*text);
    layout->addWidget(*button, 0, Qt::AlignHCenter);
    layout->addStretch();
    return page;
}

AccountRolePicker::State AccountRolePicker::state() const
{
    if (m_pages->currentWidget() == m_errorPage)
        return State::Error;
    if (m_pages->currentWidget() == m_emptyPage)
        return State::Empty;
    if (m_pages->currentWidget() == m_accountsPage)
        return State::Accounts;
    return State::Loading;
}

void AccountRolePicker::setLoading()
{
    m_pages->setCurrentWidget(m_loadingPage);
}

void AccountRolePicker::setError(const QString &message)
{
    m_errorText->setText(message);
    m_pages->setCurrentWidget(m_errorPage);
}

void AccountRolePicker::setAccounts(const QList<Auth::SsoAccount> &accounts)
{
    const QString keepAccount = m_lastAccountId;
    const QString keepRole = m_lastRoleName;
    QList<Auth::SsoAccount> sorted = accounts;
    std::sort(sorted.begin(), sorted.end(), [](const Auth::SsoAccount &a, const Auth::SsoAccount &b) {
        const int byName = QString::compare(a.accountName, b.accountName, Qt::CaseInsensitive);
        return byName != 0 ? byName < 0 : a.accountId < b.accountId;
    });
    m_model->removeRows(0, m_model->rowCount());
    for (const Auth::SsoAccount &account : sorted) {
        const QString name = account.accountName.isEmpty() ? account.accountId : account.accountName;
        const QString accountSearch = QStringList{name, account.accountId, account.emailAddress}.join(QLatin1Char(' '));
        auto *accountItem = new QStandardItem(name);
        QFont bold = accountItem->font();
        bold.setBold(true);
        accountItem->setFont(bold);
        accountItem->setData(account.accountId, kAccountId);
        accountItem->setData(name, kAccountName);
        accountItem->setData(accountSearch, kSearchText);
        accountItem->setToolTip(accountTooltip(account));
        auto *idItem = new QStandardItem(account.accountId);
        idItem->setToolTip(accountTooltip(account));
        auto *emailItem = new QStandardItem(account.emailAddress);
        emailItem->setToolTip(accountTooltip(account));
        QStringList roles = account.roleNames;
        roles.sort(Qt::CaseInsensitive);
        for (const QString &role : roles) {
            auto *roleItem = new QStandardItem(role);
            roleItem->setData(account.accountId, kAccountId);
            roleItem->setData(name, kAccountName);
            roleItem->setData(role, kRoleName);
            // With the account's words too: "prod admin" finds AdministratorAccess in Production.
            roleItem->setData(accountSearch + QLatin1Char(' ') + role, kSearchText);
            roleItem->setToolTip(tr("%1 in %2 (%3)").arg(role, name, account.accountId));
            accountItem->appendRow({roleItem, new QStandardItem, new QStandardItem});
        }
        if (roles.isEmpty()) {
            auto *none = new QStandardItem(tr("No roles for you in this account"));
            none->setEnabled(false);
            none->setData(accountSearch, kSearchText);
            accountItem->appendRow({none, new QStandardItem, new QStandardItem});
        }
        m_model->appendRow({accountItem, idItem, emailItem});
    }
    m_lastAccountId.clear();
    m_lastRoleName.clear();
    if (accounts.isEmpty()) {
        m_pages->setCurrentWidget(m_emptyPage);
        emit currentRoleChanged(QString(), QString(), QString());
        return;
    }
    m_pages->setCurrentWidget(m_accountsPage);
    applyFilter();
    m_view->resizeColumnToContents(kNameColumn);
    m_view->resizeColumnToContents(kIdColumn);
    // Room between the ID and the email, which would otherwise touch.
    m_view->setColumnWidth(kIdColumn, m_view->columnWidth(kIdColumn) + m_view->fontMetrics().averageCharWidth() * 2);
    if (keepRole.isEmpty() || !selectRole(keepAccount, keepRole))
        emitCurrent();
}

bool AccountRolePicker::selectRole(const QString &accountId, const QString &roleName)
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        QStandardItem *account = m_model->item(row);
        if (account->data(kAccountId).toString() != accountId)
            continue;
        for (int child = 0; child < account->rowCount(); ++child) {
            QStandardItem *role = account->child(child);
            if (role->data(kRoleName).toString() != roleName)
                continue;
            QModelIndex index = m_proxy->mapFromSource(role->index());
            if (!index.isValid()) {  // hidden by the filter: the role asked for wins
                m_filter->clear();
                index = m_proxy->mapFromSource(role->index());
            }
            m_view->expand(index.parent());
            m_view->setCurrentIndex(index);
            m_view->scrollTo(index);
            return true;
        }
    }
    return false;
}

QString AccountRolePicker::filterText() const
{
    return m_filter->text();
}

void AccountRolePicker::setFilterText(const QString &text)
{
    m_filter->setText(text);
}

void AccountRolePicker::applyFilter()
{
    const QStringList words = m_filter->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    // Every word, anywhere, in any order.
    QString pattern;
    for (const QString &word : words)
        pattern += QStringLiteral("(?=.*%1)").arg(QRegularExpression::escape(word));
    m_proxy->setFilterRegularExpression(QRegularExpression(pattern, QRegularExpression::CaseInsensitiveOption));
    const bool filtering = !words.isEmpty();
    if (filtering || m_model->rowCount() <= kExpandAllUpTo)
        m_view->expandAll();
    const bool nothing = filtering && m_proxy->rowCount() == 0;
    m_noMatch->setText(nothing ? tr("No account or role matches “%1”").arg(m_filter->text().trimmed()) : QString());
    m_noMatch->setVisible(nothing);
    m_view->setVisible(!nothing);
    // Something to choose right away: the first role shown, unless the current one is still there.
    if (!roleItem(m_view->currentIndex()) && filtering) {
        for (int row = 0; row < m_proxy->rowCount(); ++row) {
            const QModelIndex first = m_proxy->index(0, kNameColumn, m_proxy->index(row, kNameColumn));
            if (roleItem(first)) {
                m_view->setCurrentIndex(first);
                m_view->scrollTo(first);
                break;
            }
        }
    }
    emitCurrent();
}

QStandardItem *AccountRolePicker::roleItem(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid())
        return nullptr;
    QStandardItem *item = m_model->itemFromIndex(m_proxy->mapToSource(proxyIndex.siblingAtColumn(kNameColumn)));
    return item && !item->data(kRoleName).toString().isEmpty() ? item : nullptr;
}

QString AccountRolePicker::currentAccountId() const
{
    QStandardItem *role = roleItem(m_view->currentIndex());
    return role ? role->data(kAccountId).toString() : QString();
}

QString AccountRolePicker::currentAccountName() const
{
    QStandardItem *role = roleItem(m_view->currentIndex());
    return role ? role->data(kAccountName).toString() : QString();
}

QString AccountRolePicker::currentRoleName() const
{
    QStandardItem *role = roleItem(m_view->currentIndex());
    return role ? role->data(kRoleName).toString() : QString();
}

void AccountRolePicker::emitCurrent()
{
    const QString accountId = currentAccountId();
    const QString roleName = currentRoleName();
    if (accountId == m_lastAccountId && roleName == m_lastRoleName)
        return;
    m_lastAccountId = accountId;
    m_lastRoleName = roleName;
    emit currentRoleChanged(accountId, currentAccountName(), roleName);
}

void AccountRolePicker::chooseIndex(const QModelIndex &proxyIndex)
{
    if (QStandardItem *role = roleItem(proxyIndex))
        emit roleChosen(role->data(kAccountId).toString(), role->data(kAccountName).toString(), role->data(kRoleName).toString());
}

bool AccountRolePicker::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
    if (watched == m_view) {
        if (enter) {
            const QModelIndex current = m_view->currentIndex();
            if (roleItem(current))
                chooseIndex(current);
            else if (current.isValid())
                m_view->setExpanded(current.siblingAtColumn(kNameColumn), !m_view->isExpanded(current.siblingAtColumn(kNameColumn)));
            return true;
        }
        // Typing in the list filters it (instead of jumping to the next row that starts with the letter).
        const QString text = key->text();
        const bool plain = !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));
        if (key->key() == Qt::Key_Backspace && plain && !m_filter->text().isEmpty()) {
            m_filter->setFocus(Qt::OtherFocusReason);
            m_filter->end(false);
            m_filter->backspace();
            return true;
        }
        if (plain && !text.isEmpty() && text.at(0).isPrint() && !text.at(0).isSpace()) {
            m_filter->setFocus(Qt::OtherFocusReason);
            m_filter->insert(text);
            return true;
        }
    } else if (watched == m_filter) {
        if (key->key() == Qt::Key_Down && m_view->isVisible()) {
            if (!m_view->currentIndex().isValid())
                m_view->setCurrentIndex(m_proxy->index(0, kNameColumn));
            m_view->setFocus(Qt::OtherFocusReason);
            return true;
        }
        if (enter && roleItem(m_view->currentIndex())) {
            chooseIndex(m_view->currentIndex());
            return true;
        }
        // Escape takes back the filter first; only an empty filter lets it close the dialog around.
        if (key->key() == Qt::Key_Escape && !m_filter->text().isEmpty()) {
            m_filter->clear();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace RoleDrop::Ui
