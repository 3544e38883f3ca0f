#pragma once

#include <QString>
#include <QStringList>

#include <optional>

class QSettings;

namespace RoleDrop::Auth {
struct Identity;
}
namespace RoleDrop::Http {
struct EndpointConfig;
}

namespace RoleDrop::Sessions {

// A place in S3: a bucket and a folder in it ("" bucket = the list of buckets).
struct Place
{
    QString bucket;
    QString prefix;
    bool operator==(const Place &) const = default;
};

// Where each identity was last, and the buckets it opened recently, kept in a QSettings (bucket names and
// prefixes only, never a secret). Listing all buckets (s3:ListAllMyBuckets) is often denied to a role while
// its own bucket is open to it: these let the window and the command line go back to where the identity can
// work instead of to a denial. Identities are told apart by what stays the same across sessions and runs:
// a role by its ARN, a base identity by its profile; each at its endpoint.
class RecentPlaces
{
    Q_DISABLE_COPY_MOVE(RecentPlaces)
public:
    static constexpr int maxBuckets = 10;      // recent buckets kept per identity
    static constexpr int maxIdentities = 100;  // the least recently used beyond these are forgotten

    explicit RecentPlaces(QSettings &settings);

    // The key places are remembered under; empty for no identity.
    static QString identityKey(const Auth::Identity &identity, const Http::EndpointConfig &endpoint);

    // `place` is where `identityKey` is now (and could list): its last place, and its bucket a recent one.
    void remember(const QString &identityKey, const Place &place);
    std::optional<Place> lastPlace(const QString &identityKey) const;
    // Newest first.
    QStringList recentBuckets(const QString &identityKey) const;
    void forget(const QString &identityKey);

private:
    QString groupFor(const QString &identityKey) const;
    void trim();

    QSettings &m_settings;
};

} // namespace RoleDrop::Sessions
