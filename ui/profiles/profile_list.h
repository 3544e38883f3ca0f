#pragma once

#include "core/auth/profile.h"
#include "core/auth/role_history.h"

#include <QWidget>

#include <functional>

#include <optional>

class QLabel;
class QPoint;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

// The left pane: RoleDrop's profiles and, under each, the roles recently assumed from it (newest
// first, with their colour). Double-click opens a profile, or switches straight to a role.
class ProfileList final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProfileList)
public:
    explicit ProfileList(Sessions::Session *session, QWidget *parent = nullptr);

    void reload();
    QTreeWidget *tree() const { return m_tree; }
    QString errorText() const;

    // The actions behind the buttons and the context menu (public for the window's menus and for tests).
    void addProfile();
    // A profile that signs in to IAM Identity Center (start URL and region; account and role chosen after sign-in).
    void addIdentityCenterProfile() { addFederatedProfile(RoleDrop::Auth::ProfileKind::IdentityCenter); }
    // A profile that signs in to an OpenID provider (its ID token exchanged for a role); the client secret, if
    // any, goes to the keychain.
    void addOpenIdConnectProfile() { addFederatedProfile(RoleDrop::Auth::ProfileKind::OpenIdConnect); }
    void addFederatedProfile(RoleDrop::Auth::ProfileKind kind);
    void importProfiles();
    void editProfile(const QString &name);
    void duplicateProfile(const QString &name);
    void removeProfile(const QString &name);
    // Ends a federated profile's sign-in (Identity Center: the portal's Logout; OpenID Connect: the refresh token
    // revoked): its tokens leave the keychain, and opening it asks to sign in again.
    void signOut(const QString &name);
    void switchToRecentRole(const RoleDrop::Auth::RoleHistoryEntry &entry);

    // Who opens a profile (double-click, Open): the window's Identity Center sign-in; by default the session.
    void setProfileOpener(std::function<void(const QString &name)> opener) { m_opener = std::move(opener); }

signals:
    void profileOpened(const QString &profileName);
    // A short word on what was done, for the status bar.
    void noticed(const QString &message);

private:
    void scheduleReload();
    void activate(QTreeWidgetItem *item);
    void showContextMenu(const QPoint &pos);
    void showError(const QString &message);
    void openProfile(const QString &name);
    void switchFromBase(const RoleDrop::Auth::RoleHistoryEntry &entry);
    void openSwitchDialog(const RoleDrop::Auth::RoleHistoryEntry &entry, const QString &message);

    Sessions::Session *m_session;
    QTreeWidget *m_tree;
    QLabel *m_error;
    QToolButton *m_addButton;
    QToolButton *m_importButton;
    std::function<void(const QString &)> m_opener;
    bool m_switching = false;
    bool m_reloadPending = false;
};

} // namespace RoleDrop::Ui
