#pragma once

#include "core/auth/aws_config_file.h"
#include "core/auth/profile.h"
#include "core/common/async_result.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

class QSettings;

namespace RoleDrop::Auth {
class KeychainStore;
class ProfileStore;
class RoleHistory;
}

namespace RoleDrop::Sessions {

// RoleDrop's own profiles as one thing, whichever front end changes them: the non-secret part in the settings
// (ProfileStore), the secret key in the system keychain (KeychainStore), the recent and saved roles in the
// role history. A secret is written to the keychain before the settings name the profile, so a failure never
// leaves a profile without its key. ~/.aws is read (to import from), never written.
// Operations follow the async contract of core/common/async_result.h.
class ProfileManager final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProfileManager)
public:
    ProfileManager(Auth::ProfileStore &store, Auth::KeychainStore &keychain, Auth::RoleHistory &history,
                   QObject *parent = nullptr);
    ~ProfileManager() override;

    QList<Auth::Profile> list() const;   // sorted by name
    QStringList names() const;
    bool contains(const QString &name) const;
    std::optional<Auth::Profile> profile(const QString &name) const;
    // Where secret keys are kept: the keychain's service name, to tell the user.
    QString keychainService() const;
    // The checks add() and update() apply, for forms that validate as the user types.
    static Outcome<Auth::Profile> validate(const Auth::Profile &profile);

    // A new profile and its secret key.
    void add(const Auth::Profile &profile, const QString &secret, QObject *context, ResultHandler<Auth::Profile> done);
    // New settings for an existing profile, and a new secret key unless `secret` is empty.
    void update(const Auth::Profile &profile, const QString &secret, QObject *context, ResultHandler<Auth::Profile> done);
    // A copy of `from` under another name; with an empty `secret` the original's key is copied.
    void duplicate(const QString &from, const Auth::Profile &copy, const QString &secret, QObject *context,
                   ResultHandler<Auth::Profile> done);
    // The profile, its secret key, and its recent and saved roles.
    void remove(const QString &name, QObject *context, ResultHandler<Done> done);

    // ~/.aws as last read (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE honoured).
    const Auth::AwsSharedConfig &awsConfig() const { return *m_awsConfig; }
    void reloadAwsConfig();
    struct ImportResult
    {
        QStringList imported;
        QStringList failures;  // one line each, naming the profile
    };
    // Copies ~/.aws profiles that have access keys into RoleDrop's store (their secret to the keychain).
    void importFromAws(const QStringList &names, QObject *context, ResultHandler<ImportResult> done);

signals:
    // Something was added, changed or removed: lists of profiles should be read again.
    void profilesChanged();

private:
    void store(const Auth::Profile &profile, ResultHandler<Auth::Profile> done);
    void importNext(std::shared_ptr<ImportResult> result, QStringList remaining, ResultHandler<ImportResult> done);
    void importIdentityCenter(const Auth::AwsConfigProfile &source, std::shared_ptr<ImportResult> result,
                              QStringList remaining, ResultHandler<ImportResult> done);

    Auth::ProfileStore &m_store;
    Auth::KeychainStore &m_keychain;
    Auth::RoleHistory &m_history;
    std::unique_ptr<Auth::AwsSharedConfig> m_awsConfig;
};

} // namespace RoleDrop::Sessions
