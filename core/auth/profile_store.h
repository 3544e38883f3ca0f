#pragma once

#include "core/common/outcome.h"
#include "core/auth/profile.h"

#include <QList>
#include <QStringList>

#include <memory>
#include <optional>

class QSettings;

namespace RoleDrop::Auth {

// RoleDrop's profiles in a QSettings, one group "profiles/<name>" each. Holds no secret, ever:
// the caller keeps the secret in KeychainStore (and moves or removes it on rename/remove).
class ProfileStore
{
    Q_DISABLE_COPY_MOVE(ProfileStore)
public:
    explicit ProfileStore(QSettings &settings);
    explicit ProfileStore(const QString &iniFilePath); // a settings file of its own, e.g. in tests
    ~ProfileStore();

    QList<Profile> list() const; // sorted by name
    QStringList names() const;   // sorted
    bool contains(const QString &name) const;
    std::optional<Profile> profile(const QString &name) const;

    // Creates or replaces. Returns the profile as stored (fields trimmed), or why it was refused.
    Outcome<Profile> save(const Profile &profile);
    // false when there was no such profile.
    bool remove(const QString &name);
    // Fails when `from` does not exist, `to` is not a valid name or already exists.
    Outcome<Profile> rename(const QString &from, const QString &to);

    // The checks save() applies, for forms that validate as the user types.
    static Outcome<Profile> validate(const Profile &profile);
    static std::optional<AwsError> checkName(const QString &name);

private:
    std::optional<AwsError> sync();

    std::unique_ptr<QSettings> m_owned;
    QSettings &m_settings;
};

} // namespace RoleDrop::Auth
