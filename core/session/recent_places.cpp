#include "core/session/recent_places.h"

#include "core/auth/identity.h"
#include "core/http/endpoint_config.h"

#include <QSettings>

#include <algorithm>

namespace RoleDrop::Sessions {

namespace {

const QString kRoot = QStringLiteral("recentPlaces");
// A counter rather than a clock: two places remembered within one clock tick still have an order.
const QString kSequence = QStringLiteral("recentPlacesSequence");

} // namespace

RecentPlaces::RecentPlaces(QSettings &settings) : m_settings(settings) {}

QString RecentPlaces::identityKey(const Auth::Identity &identity, const Http::EndpointConfig &endpoint)
{
    QString who;
    switch (identity.kind) {
    case Auth::Identity::Kind::None:
        return QString();
    case Auth::Identity::Kind::AssumedRole:
        // A role's session changes at every switch; the role does not, whoever assumed it.
        who = QStringLiteral("role ") + identity.roleArn;
        break;
    case Auth::Identity::Kind::BaseUser:
    case Auth::Identity::Kind::MfaSession:
        // The profile, not its account or key id: the account is learnt only later (who-am-I), and an MFA
        // session's key changes at every sign-in, while the profile stays the same person's.
        who = QStringLiteral("profile ") + identity.profileName;
        break;
    }
    // One account's bucket names mean nothing on another server (AWS or a local Ceph).
    const QString where = endpoint.customEndpoint.isValid() ? endpoint.customEndpoint.toString(QUrl::RemoveUserInfo)
                                                            : QStringLiteral("aws");
    return who + QStringLiteral(" at ") + where;
}

QString RecentPlaces::groupFor(const QString &identityKey) const
{
    // ARNs and URLs hold '/', which QSettings reads as groups: the key goes in encoded.
    return kRoot + QLatin1Char('/')
        + QString::fromLatin1(identityKey.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

void RecentPlaces::remember(const QString &identityKey, const Place &place)
{
    if (identityKey.isEmpty())
        return;
    QStringList buckets = recentBuckets(identityKey);
    if (!place.bucket.isEmpty()) {
        buckets.removeAll(place.bucket);
        buckets.prepend(place.bucket);
        while (buckets.size() > maxBuckets)
            buckets.removeLast();
    }
    m_settings.beginGroup(groupFor(identityKey));
    m_settings.setValue(QStringLiteral("identity"), identityKey);
    m_settings.setValue(QStringLiteral("bucket"), place.bucket);
    m_settings.setValue(QStringLiteral("prefix"), place.prefix);
    m_settings.setValue(QStringLiteral("buckets"), buckets);
    m_settings.endGroup();
    const qint64 sequence = m_settings.value(kSequence, 0).toLongLong() + 1;
    m_settings.setValue(kSequence, sequence);
    m_settings.setValue(groupFor(identityKey) + QStringLiteral("/used"), sequence);
    trim();
}

std::optional<Place> RecentPlaces::lastPlace(const QString &identityKey) const
{
    if (identityKey.isEmpty())
        return std::nullopt;
    const QString group = groupFor(identityKey);
    if (!m_settings.contains(group + QStringLiteral("/bucket")))
        return std::nullopt;
    return Place{m_settings.value(group + QStringLiteral("/bucket")).toString(),
                 m_settings.value(group + QStringLiteral("/prefix")).toString()};
}

QStringList RecentPlaces::recentBuckets(const QString &identityKey) const
{
    if (identityKey.isEmpty())
        return {};
    return m_settings.value(groupFor(identityKey) + QStringLiteral("/buckets")).toStringList();
}

void RecentPlaces::forget(const QString &identityKey)
{
    m_settings.remove(groupFor(identityKey));
}

void RecentPlaces::trim()
{
    m_settings.beginGroup(kRoot);
    QStringList groups = m_settings.childGroups();
    if (groups.size() <= maxIdentities) {
        m_settings.endGroup();
        return;
    }
    QList<std::pair<qint64, QString>> byUse;  // (used, group)
    for (const QString &group : std::as_const(groups))
        byUse.append({m_settings.value(group + QStringLiteral("/used")).toLongLong(), group});
    std::sort(byUse.begin(), byUse.end());
    for (qsizetype i = 0; i < byUse.size() - maxIdentities; ++i)
        m_settings.remove(byUse.at(i).second);
    m_settings.endGroup();
}

} // namespace RoleDrop::Sessions
