#pragma once

#include "core/common/outcome.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>

class QSettings;

namespace RoleDrop::Auth {

// The console's five Switch Role colours. Entries store the hex; names are for people.
struct RoleColor
{
    QString name; // red, orange, yellow, green, blue
    QString hex;  // "#D13212"
};
const QList<RoleColor> &roleColorPalette();
// "red", "RED" or "#d13212" -> "#D13212"; anything outside the palette -> empty.
QString roleColorHex(const QString &nameOrHex);

struct RoleHistoryEntry
{
    QString sourceProfile; // the RoleDrop profile whose base keys assumed the role
    QString roleArn;
    QString accountId;   // derived from roleArn (empty for Ceph RGW roles)
    QString roleName;    // derived from roleArn
    QString displayName; // defaults to "RoleName @ 123456789012", like the console
    QString color;       // a hex from roleColorPalette(), or empty
    QDateTime lastUsed;  // UTC
};

// Recently used roles (at most kRecentPerSourceProfile per source profile, newest first, one
// entry per profile + role ARN) and saved roles (no limit), in a QSettings. Role ARNs and
// labels only: nothing here is a secret, and no credentials are ever passed in.
class RoleHistory
{
    Q_DISABLE_COPY_MOVE(RoleHistory)
public:
    static constexpr int kRecentPerSourceProfile = 5;

    explicit RoleHistory(QSettings &settings);
    explicit RoleHistory(const QString &iniFilePath);
    ~RoleHistory();

    // Adds or refreshes a recent entry. An invalid lastUsed means now. Returns the entry as stored.
    Outcome<RoleHistoryEntry> record(const RoleHistoryEntry &entry);
    QList<RoleHistoryEntry> recent(const QString &sourceProfile) const;
    void clearRecent(const QString &sourceProfile);

    // Adds a saved role, or updates the one with the same profile + ARN in place.
    Outcome<RoleHistoryEntry> save(const RoleHistoryEntry &entry);
    bool removeSaved(const QString &sourceProfile, const QString &roleArn);
    QList<RoleHistoryEntry> saved() const;
    // Saved roles whose role name, account id or display name contains `text` (case-insensitive;
    // "1234-5678" finds account 123456789012). Empty text: all saved roles.
    QList<RoleHistoryEntry> search(const QString &text) const;

    // When a RoleDrop profile is renamed or removed, its roles follow or go.
    void renameSourceProfile(const QString &from, const QString &to);
    void removeSourceProfile(const QString &sourceProfile);

    // The checks and defaults record() and save() apply.
    static Outcome<RoleHistoryEntry> normalise(const RoleHistoryEntry &entry);

private:
    QList<RoleHistoryEntry> readList(const QString &key) const;
    void writeList(const QString &key, const QList<RoleHistoryEntry> &entries);

    std::unique_ptr<QSettings> m_owned;
    QSettings &m_settings;
};

} // namespace RoleDrop::Auth
