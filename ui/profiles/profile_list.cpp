#include "ui/profiles/profile_list.h"

#include "core/sts/sts_requests.h"
#include "core/session/session.h"
#include "ui/profiles/import_aws_profiles_dialog.h"
#include "ui/profiles/federated_profile_dialog.h"
#include "ui/profiles/profile_dialog.h"
#include "ui/identity/role_colors.h"
#include "ui/identity/switch_role_dialog.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

namespace {

enum ItemData { KindRole = Qt::UserRole + 1, NameRole, ArnRole, DisplayRole, ColorRole };
enum Kind { ProfileItem = 1, RoleItem = 2 };

Auth::RoleHistoryEntry entryOf(const QTreeWidgetItem *item)
{
    Auth::RoleHistoryEntry entry;
    entry.sourceProfile = item->data(0, NameRole).toString();
    entry.roleArn = item->data(0, ArnRole).toString();
    entry.displayName = item->data(0, DisplayRole).toString();
    entry.color = item->data(0, ColorRole).toString();
    return entry;
}

} // namespace

ProfileList::ProfileList(Sessions::Session *session, QWidget *parent)
    : QWidget(parent),
      m_session(session),
      m_tree(new QTreeWidget(this)),
      m_error(new QLabel(this)),
      m_addButton(new QToolButton(this)),
      m_importButton(new QToolButton(this))
{
    setObjectName(QStringLiteral("profileList"));
    m_tree->setObjectName(QStringLiteral("profileTree"));
    m_tree->setAccessibleName(tr("Profiles"));
    m_tree->setHeaderLabel(tr("Profiles"));
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->setExpandsOnDoubleClick(false);
    m_tree->setToolTip(tr("Double-click a profile to open it, or a role to switch to it"));

    m_error->setObjectName(QStringLiteral("profileListError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { background: #FDECEA; color: #7A1B10; border: 1px solid #E8A39B;"
                                          " border-radius: 4px; padding: 4px; }"));
    m_error->setVisible(false);

    m_addButton->setObjectName(QStringLiteral("addProfileButton"));
    m_addButton->setText(tr("&Add Profile…"));
    m_addButton->setIcon(QIcon::fromTheme(QStringLiteral("list-add"), style()->standardIcon(QStyle::SP_FileDialogNewFolder)));
    m_addButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_addButton->setToolTip(tr("Add a profile with an access key (the secret goes to the system keychain); "
                               "the arrow offers one that signs in to IAM Identity Center"));
    // The button adds a key profile; its menu offers the other kinds.
    auto *addMenu = new QMenu(m_addButton);
    addMenu->setObjectName(QStringLiteral("addProfileMenu"));
    addMenu->addAction(tr("Add &Profile with Access Key…"), this, &ProfileList::addProfile);
    addMenu->addAction(QIcon::fromTheme(QStringLiteral("im-user-online"), style()->standardIcon(QStyle::SP_DriveNetIcon)),
                       tr("Add Identity &Center…"), this, &ProfileList::addIdentityCenterProfile)
        ->setObjectName(QStringLiteral("addIdentityCenterAction"));
    addMenu->addAction(QIcon::fromTheme(QStringLiteral("im-user-online"), style()->standardIcon(QStyle::SP_DriveNetIcon)),
                       tr("Add &OpenID Connect…"), this, &ProfileList::addOpenIdConnectProfile)
        ->setObjectName(QStringLiteral("addOpenIdConnectAction"));
    m_addButton->setMenu(addMenu);
    m_addButton->setPopupMode(QToolButton::MenuButtonPopup);
    m_importButton->setObjectName(QStringLiteral("importProfilesButton"));
    m_importButton->setText(tr("&Import from ~/.aws…"));
    m_importButton->setIcon(QIcon::fromTheme(QStringLiteral("document-import"), style()->standardIcon(QStyle::SP_DialogOpenButton)));
    m_importButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_importButton->setToolTip(tr("Copy profiles with access keys from the AWS CLI's configuration"));

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_addButton);
    buttons->addWidget(m_importButton);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_error);
    layout->addLayout(buttons);

    connect(m_addButton, &QToolButton::clicked, this, &ProfileList::addProfile);
    connect(m_importButton, &QToolButton::clicked, this, &ProfileList::importProfiles);
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) { activate(item); });
    connect(m_tree, &QTreeWidget::customContextMenuRequested, this, &ProfileList::showContextMenu);
    connect(m_session, &Sessions::Session::identityChanged, this, &ProfileList::scheduleReload);
    connect(&m_session->profiles(), &Sessions::ProfileManager::profilesChanged, this, &ProfileList::scheduleReload);
    connect(m_session, &Sessions::Session::rolesRemembered, this, &ProfileList::scheduleReload);
    connect(m_session, &Sessions::Session::profileOpened, this, [this](const QString &name) {
        reload();
        emit profileOpened(name);
    });
    connect(m_session, &Sessions::Session::profileFailed, this, [this](const QString &, const AwsError &error) {
        if (error.kind != AwsErrorKind::Cancelled)
            showError(error.userMessage());
    });
    reload();
}

QString ProfileList::errorText() const
{
    return m_error->isVisibleTo(this) ? m_error->text() : QString();
}

void ProfileList::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ProfileList::scheduleReload()
{
    // Several changes in a row (a new identity, then its role recorded) make one reload, from the event loop.
    if (m_reloadPending)
        return;
    m_reloadPending = true;
    QMetaObject::invokeMethod(this, [this] {
        m_reloadPending = false;
        reload();
    }, Qt::QueuedConnection);
}

void ProfileList::reload()
{
    // Keep the user's place across a reload: the selected row, found again by what it stands for.
    QString selectedKey;
    if (QTreeWidgetItem *current = m_tree->currentItem())
        selectedKey = current->data(0, NameRole).toString() + QLatin1Char('\n') + current->data(0, ArnRole).toString();

    m_tree->clear();
    const Auth::Identity &active = m_session->identity();
    const bool hasIdentity = m_session->hasIdentity();
    const QIcon profileIcon = QIcon::fromTheme(QStringLiteral("user-identity"), style()->standardIcon(QStyle::SP_DirHomeIcon));
    const QIcon identityCenterIcon = QIcon::fromTheme(QStringLiteral("im-user-online"), style()->standardIcon(QStyle::SP_DriveNetIcon));
    for (const Auth::Profile &profile : m_session->profiles().list()) {
        auto *item = new QTreeWidgetItem(m_tree);
        item->setText(0, profile.name);
        const bool identityCenter = profile.kind == Auth::ProfileKind::IdentityCenter;
        item->setIcon(0, profile.kind == Auth::ProfileKind::AccessKeys ? profileIcon : identityCenterIcon);
        item->setData(0, KindRole, ProfileItem);
        item->setData(0, NameRole, profile.name);
        QString tip = identityCenter
                          ? tr("IAM Identity Center %1 (%2)\n%3").arg(profile.ssoStartUrl, profile.ssoRegion,
                               profile.ssoAccountId.isEmpty() ? tr("Account and role chosen after sign-in")
                                                              : tr("Role %1 in account %2").arg(profile.ssoRoleName, profile.ssoAccountId))
                          : profile.kind == Auth::ProfileKind::OpenIdConnect
                          ? tr("OpenID Connect %1\nRole %2").arg(profile.oidcIssuer, profile.oidcRoleArn)
                          : tr("Access key %1\nRegion %2").arg(profile.accessKeyId, profile.region);
        if (!profile.endpointUrl.isEmpty())
            tip += tr("\nEndpoint %1%2").arg(profile.endpointUrl, profile.pathStyle ? tr(" (path-style)") : QString());
        if (!profile.mfaSerial.isEmpty())
            tip += tr("\nMFA device %1").arg(profile.mfaSerial);
        if (!profile.caFile.isEmpty())
            tip += tr("\nCA file %1").arg(profile.caFile);
        item->setToolTip(0, tip);
        const bool isActive = hasIdentity && profile.name == m_session->activeProfile();
        if (isActive) {
            QFont font = item->font(0);
            font.setBold(true);
            item->setFont(0, font);
        }
        for (const Auth::RoleHistoryEntry &entry : m_session->recentRoles(profile.name).mid(0, Auth::RoleHistory::kRecentPerSourceProfile)) {
            auto *role = new QTreeWidgetItem(item);
            role->setText(0, entry.displayName);
            role->setIcon(0, colorChip(entry.color));
            role->setData(0, KindRole, RoleItem);
            role->setData(0, NameRole, profile.name);
            role->setData(0, ArnRole, entry.roleArn);
            role->setData(0, DisplayRole, entry.displayName);
            role->setData(0, ColorRole, entry.color);
            role->setToolTip(0, tr("%1\nLast used %2").arg(entry.roleArn,
                                   QLocale().toString(entry.lastUsed.toLocalTime(), QLocale::ShortFormat)));
            if (isActive && active.kind == Auth::Identity::Kind::AssumedRole && active.roleArn == entry.roleArn) {
                QFont font = role->font(0);
                font.setBold(true);
                role->setFont(0, font);
            }
        }
    }
    m_tree->expandAll();
    if (m_tree->topLevelItemCount() == 0) {
        auto *hint = new QTreeWidgetItem(m_tree);
        hint->setText(0, tr("No profiles yet: add one or import from ~/.aws"));
        hint->setFlags(Qt::NoItemFlags);
    }
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        const QString key = (*it)->data(0, NameRole).toString() + QLatin1Char('\n') + (*it)->data(0, ArnRole).toString();
        if (!selectedKey.isEmpty() && key == selectedKey)
            m_tree->setCurrentItem(*it);
    }
}

void ProfileList::activate(QTreeWidgetItem *item)
{
    if (!item)
        return;
    showError(QString());
    const int kind = item->data(0, KindRole).toInt();
    if (kind == ProfileItem)
        openProfile(item->data(0, NameRole).toString());
    else if (kind == RoleItem)
        switchToRecentRole(entryOf(item));
}

void ProfileList::openProfile(const QString &name)
{
    if (m_opener)
        return m_opener(name);
    // A failure shows through the session's profileFailed.
    m_session->openProfile(name, this, [](const Outcome<Sessions::OpenedProfile> &) {});
}

void ProfileList::switchToRecentRole(const Auth::RoleHistoryEntry &entry)
{
    if (m_switching)
        return;
    showError(QString());
    if (m_session->hasIdentity() && m_session->activeProfile() == entry.sourceProfile)
        return switchFromBase(entry);
    m_switching = true;
    m_session->openProfile(entry.sourceProfile, this, [this, entry](const Outcome<Sessions::OpenedProfile> &opened) {
        m_switching = false;
        if (opened)
            switchFromBase(entry);
    });
}

void ProfileList::switchFromBase(const Auth::RoleHistoryEntry &entry)
{
    // A role from the list is assumed from the profile's own keys, as when it was first used, not chained.
    Sts::AssumeRoleRequest request;
    request.roleArn = entry.roleArn;
    request.roleSessionName = Sts::defaultSessionName(entry.sourceProfile);
    m_switching = true;
    setCursor(Qt::BusyCursor);
    const auto profile = m_session->profiles().profile(entry.sourceProfile);
    const bool hasMfa = profile && !profile->mfaSerial.isEmpty();
    m_session->switchRole(request, entry.displayName, entry.color, Auth::SwitchFrom::BaseIdentity, this,
                          [this, entry, hasMfa](Outcome<Auth::Identity> identity) {
        m_switching = false;
        unsetCursor();
        if (identity)
            return;
        const AwsError &error = identity.error();
        if (error.kind == AwsErrorKind::Cancelled)
            return;
        // MFA, an ExternalId or a shorter duration: the dialog has the fields for them.
        if (error.kind == AwsErrorKind::MfaRequiredOrInvalid || error.kind == AwsErrorKind::Validation
            || error.kind == AwsErrorKind::InvalidParameter || (hasMfa && error.kind == AwsErrorKind::AccessDenied))
            openSwitchDialog(entry, error.userMessage());
        else
            showError(error.userMessage());
    });
}

void ProfileList::openSwitchDialog(const Auth::RoleHistoryEntry &entry, const QString &message)
{
    auto *dialog = new SwitchRoleDialog(m_session, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->prefill(entry);
    dialog->showError(message);
    dialog->open();
}

void ProfileList::showContextMenu(const QPoint &pos)
{
    QTreeWidgetItem *item = m_tree->itemAt(pos);
    QMenu menu(this);
    if (item && item->data(0, KindRole).toInt() == ProfileItem) {
        const QString name = item->data(0, NameRole).toString();
        menu.addAction(QIcon::fromTheme(QStringLiteral("system-log-out"), style()->standardIcon(QStyle::SP_DialogOpenButton)),
                       tr("&Open"), this, [this, name] { openProfile(name); });
        const auto profile = m_session->profiles().profile(name);
        if (profile && profile->kind != Auth::ProfileKind::AccessKeys) {
            QAction *signOutAction = menu.addAction(tr("Sign O&ut"), this, [this, name] { signOut(name); });
            signOutAction->setObjectName(QStringLiteral("signOutAction"));
            signOutAction->setToolTip(tr("End the sign-in: its tokens leave the keychain, and opening the profile signs in again"));
        }
        menu.addSeparator();
        menu.addAction(QIcon::fromTheme(QStringLiteral("document-edit")), tr("&Edit…"), this, [this, name] { editProfile(name); });
        // A copy is made with the key profile's form: federated profiles are added afresh instead.
        if (profile && profile->kind == Auth::ProfileKind::AccessKeys)
            menu.addAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("&Duplicate…"), this, [this, name] { duplicateProfile(name); });
        menu.addSeparator();
        menu.addAction(QIcon::fromTheme(QStringLiteral("edit-delete"), style()->standardIcon(QStyle::SP_TrashIcon)),
                       tr("&Remove…"), this, [this, name] { removeProfile(name); });
    } else if (item && item->data(0, KindRole).toInt() == RoleItem) {
        const Auth::RoleHistoryEntry entry = entryOf(item);
        menu.addAction(colorChip(entry.color), tr("&Switch to %1").arg(entry.displayName), this,
                       [this, entry] { switchToRecentRole(entry); });
        menu.addAction(tr("Switch &Role…"), this, [this, entry] {
            if (m_session->activeProfile() != entry.sourceProfile || !m_session->hasIdentity()) {
                showError(tr("Open profile “%1” first to switch from it with options").arg(entry.sourceProfile));
                return;
            }
            openSwitchDialog(entry, QString());
        });
    }
    menu.addSeparator();
    menu.addAction(m_addButton->icon(), tr("&Add Profile…"), this, &ProfileList::addProfile);
    menu.addAction(tr("Add Identity &Center…"), this, &ProfileList::addIdentityCenterProfile);
    menu.addAction(tr("Add &OpenID Connect…"), this, &ProfileList::addOpenIdConnectProfile);
    menu.addAction(m_importButton->icon(), tr("&Import from ~/.aws…"), this, &ProfileList::importProfiles);
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

void ProfileList::addProfile()
{
    auto *dialog = new ProfileDialog(m_session, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, &ProfileList::reload);
    dialog->open();
}

void ProfileList::addFederatedProfile(Auth::ProfileKind kind)
{
    auto *dialog = new FederatedProfileDialog(kind, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setExistingNames(m_session->profiles().names());
    connect(dialog, &FederatedProfileDialog::saveRequested, this, [this, dialog](const Auth::Profile &profile) {
        m_session->profiles().add(profile, dialog->clientSecret(), dialog, [this, dialog](Outcome<Auth::Profile> added) {
            if (!added)
                return dialog->saveFailed(added.error().userMessage());
            dialog->accept();
            reload();
            // The new profile is selected: Enter (or a double-click) signs in to it.
            for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
                if ((*it)->data(0, NameRole).toString() == added->name && (*it)->data(0, KindRole).toInt() == ProfileItem)
                    m_tree->setCurrentItem(*it);
            }
            m_tree->setFocus();
        });
    });
    dialog->open();
}

void ProfileList::importProfiles()
{
    auto *dialog = new ImportAwsProfilesDialog(m_session, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, &ProfileList::reload);
    dialog->open();
}

void ProfileList::editProfile(const QString &name)
{
    const auto profile = m_session->profiles().profile(name);
    if (!profile)
        return;
    if (profile->kind != Auth::ProfileKind::AccessKeys) {
        auto *federated = new FederatedProfileDialog(profile->kind, window());
        federated->setAttribute(Qt::WA_DeleteOnClose);
        federated->editProfile(*profile);
        connect(federated, &FederatedProfileDialog::saveRequested, this, [this, federated](const Auth::Profile &edited) {
            m_session->profiles().update(edited, federated->clientSecret(), federated, [federated](Outcome<Auth::Profile> saved) {
                if (!saved)
                    return federated->saveFailed(saved.error().userMessage());
                federated->accept();
            });
        });
        federated->open();
        return;
    }
    auto *dialog = new ProfileDialog(m_session, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->editProfile(*profile);
    connect(dialog, &QDialog::accepted, this, &ProfileList::reload);
    dialog->open();
}

void ProfileList::duplicateProfile(const QString &name)
{
    const auto profile = m_session->profiles().profile(name);
    if (!profile)
        return;
    auto *dialog = new ProfileDialog(m_session, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->duplicateProfile(*profile);
    connect(dialog, &QDialog::accepted, this, &ProfileList::reload);
    dialog->open();
}

void ProfileList::removeProfile(const QString &name)
{
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Remove Profile"),
                                tr("Remove profile “%1”?").arg(name), QMessageBox::Cancel, window());
    box->setObjectName(QStringLiteral("removeProfileConfirm"));
    box->setInformativeText(tr("Its secret key is deleted from the system keychain and its recent and saved roles are "
                               "forgotten. Files in ~/.aws are not touched."));
    QPushButton *remove = box->addButton(tr("&Remove"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, remove, name] {
        if (box->clickedButton() != remove)
            return;
        m_session->profiles().remove(name, this, [this](Outcome<Done> removed) {
            if (!removed)
                showError(removed.error().userMessage());
        });
    });
    box->open();
}

void ProfileList::signOut(const QString &name)
{
    m_session->signOut(name, this, [this, name](Outcome<Done> out) {
        if (!out)
            return showError(out.error().userMessage());
        showError(QString());
        emit noticed(tr("Signed out of “%1”. Opening it signs you in again; a role session already open lasts until "
                        "it expires.").arg(name));
    });
}

} // namespace RoleDrop::Ui
