#include "core/auth/role_history.h"

#include "core/sts/role_arn.h"

#include <QRegularExpression>
#include <QSettings>

#include <algorithm>

namespace RoleDrop::Auth {

namespace {

const QString kRecentKey = QStringLiteral("roleHistory/recent");
const QString kSavedKey = QStringLiteral("roleHistory/saved");
constexpr int kMaxDisplayName = 64; // the console's limit

bool sameRole(const RoleHistoryEntry &a, const RoleHistoryEntry &b)
{
    return a.sourceProfile == b.sourceProfile && a.roleArn == b.roleArn;
}

} // namespace

const QList<RoleColor> &roleColorPalette()
{
    static const QList<RoleColor> palette{
        {QStringLiteral("red"), QStringLiteral("#D13212")},
        {QStringLiteral("orange"), QStringLiteral("#EC7211")},
        {QStringLiteral("yellow"), QStringLiteral("#F2C94C")},
        {QStringLiteral("green"), QStringLiteral("#1D8102")},
        {QStringLiteral("blue"), QStringLiteral("#0073BB")},
    };
    return palette;
}

QString roleColorHex(const QString &nameOrHex)
{
    const QString wanted = nameOrHex.trimmed();
    for (const RoleColor &c : roleColorPalette()) {
        if (wanted.compare(c.name, Qt::CaseInsensitive) == 0 || wanted.compare(c.hex, Qt::CaseInsensitive) == 0)
            return c.hex;
    }
    return {};
}

RoleHistory::RoleHistory(QSettings &settings) : m_settings(settings) {}

RoleHistory::RoleHistory(const QString &iniFilePath)
    : m_owned(std::make_unique<QSettings>(iniFilePath, QSettings::IniFormat)), m_settings(*m_owned)
{
}

RoleHistory::~RoleHistory() = default;

Outcome<RoleHistoryEntry> RoleHistory::normalise(const RoleHistoryEntry &input)
{
    RoleHistoryEntry e = input;
    e.sourceProfile = e.sourceProfile.trimmed();
    if (e.sourceProfile.isEmpty())
        return AwsError::validation(QStringLiteral("A role history entry needs the profile that assumed the role"));
    const auto arn = Sts::parseRoleArn(e.roleArn);
    if (!arn)
        return arn.error();
    // The ARN is the truth; account and name are copies of it so that the list can show them.
    e.roleArn = arn->toString();
    e.accountId = arn->accountId;
    e.roleName = arn->roleName;
    e.displayName = e.displayName.trimmed();
    if (e.displayName.isEmpty())
        e.displayName = e.accountId.isEmpty() ? e.roleName : QStringLiteral("%1 @ %2").arg(e.roleName, e.accountId);
    if (e.displayName.size() > kMaxDisplayName)
        return AwsError::validation(QStringLiteral("Display name is longer than %1 characters").arg(kMaxDisplayName));
    if (!e.color.trimmed().isEmpty()) {
        const QString hex = roleColorHex(e.color);
        if (hex.isEmpty())
            return AwsError::validation(QStringLiteral("Colour '%1' is not one of red, orange, yellow, green, blue").arg(e.color.left(32)));
        e.color = hex;
    } else {
        e.color.clear();
    }
    e.lastUsed = e.lastUsed.isValid() ? e.lastUsed.toUTC() : QDateTime::currentDateTimeUtc();
    return e;
}

Outcome<RoleHistoryEntry> RoleHistory::record(const RoleHistoryEntry &input)
{
    auto normalised = normalise(input);
    if (!normalised)
        return normalised.error();
    const RoleHistoryEntry &entry = normalised.value();
    QList<RoleHistoryEntry> all = readList(kRecentKey);
    all.removeIf([&](const RoleHistoryEntry &e) { return sameRole(e, entry); });
    all.prepend(entry);
    std::stable_sort(all.begin(), all.end(), [](const RoleHistoryEntry &a, const RoleHistoryEntry &b) { return a.lastUsed > b.lastUsed; });
    int kept = 0;
    all.removeIf([&](const RoleHistoryEntry &e) { return e.sourceProfile == entry.sourceProfile && ++kept > kRecentPerSourceProfile; });
    writeList(kRecentKey, all);
    return entry;
}

QList<RoleHistoryEntry> RoleHistory::recent(const QString &sourceProfile) const
{
    QList<RoleHistoryEntry> result;
    for (const RoleHistoryEntry &e : readList(kRecentKey)) {
        if (e.sourceProfile == sourceProfile)
            result.append(e);
    }
    std::stable_sort(result.begin(), result.end(), [](const RoleHistoryEntry &a, const RoleHistoryEntry &b) { return a.lastUsed > b.lastUsed; });
    // A hand-edited settings file may hold more than the limit.
    return result.mid(0, kRecentPerSourceProfile);
}

void RoleHistory::clearRecent(const QString &sourceProfile)
{
    QList<RoleHistoryEntry> all = readList(kRecentKey);
    all.removeIf([&](const RoleHistoryEntry &e) { return e.sourceProfile == sourceProfile; });
    writeList(kRecentKey, all);
}

Outcome<RoleHistoryEntry> RoleHistory::save(const RoleHistoryEntry &input)
{
    auto normalised = normalise(input);
    if (!normalised)
        return normalised.error();
    const RoleHistoryEntry &entry = normalised.value();
    QList<RoleHistoryEntry> all = readList(kSavedKey);
    const auto it = std::find_if(all.begin(), all.end(), [&](const RoleHistoryEntry &e) { return sameRole(e, entry); });
    if (it != all.end())
        *it = entry;
    else
        all.append(entry);
    writeList(kSavedKey, all);
    return entry;
}

bool RoleHistory::removeSaved(const QString &sourceProfile, const QString &roleArn)
{
    const auto arn = Sts::parseRoleArn(roleArn);
    const QString canonical = arn ? arn->toString() : roleArn;
    QList<RoleHistoryEntry> all = readList(kSavedKey);
    const auto removed = all.removeIf([&](const RoleHistoryEntry &e) { return e.sourceProfile == sourceProfile && e.roleArn == canonical; });
    if (removed > 0)
        writeList(kSavedKey, all);
    return removed > 0;
}

QList<RoleHistoryEntry> RoleHistory::saved() const
{
    return readList(kSavedKey);
}

QList<RoleHistoryEntry> RoleHistory::search(const QString &text) const
{
    const QString needle = text.trimmed();
    static const QRegularExpression dashedDigits(QStringLiteral("\\A[0-9-]+\\z"));
    const QString digits = dashedDigits.match(needle).hasMatch() ? QString(needle).remove(QLatin1Char('-')) : needle;
    QList<RoleHistoryEntry> result;
    for (const RoleHistoryEntry &e : readList(kSavedKey)) {
        if (e.roleName.contains(needle, Qt::CaseInsensitive) || e.displayName.contains(needle, Qt::CaseInsensitive)
            || e.accountId.contains(digits))
            result.append(e);
    }
    return result;
}

void RoleHistory::renameSourceProfile(const QString &from, const QString &to)
{
    for (const QString &key : {kRecentKey, kSavedKey}) {
        QList<RoleHistoryEntry> all = readList(key);
        for (RoleHistoryEntry &e : all) {
            if (e.sourceProfile == from)
                e.sourceProfile = to;
        }
        writeList(key, all);
    }
}

void RoleHistory::removeSourceProfile(const QString &sourceProfile)
{
    for (const QString &key : {kRecentKey, kSavedKey}) {
        QList<RoleHistoryEntry> all = readList(key);
        all.removeIf([&](const RoleHistoryEntry &e) { return e.sourceProfile == sourceProfile; });
        writeList(key, all);
    }
}

QList<RoleHistoryEntry> RoleHistory::readList(const QString &key) const
{
    QList<RoleHistoryEntry> entries;
    const int size = m_settings.beginReadArray(key);
    for (int i = 0; i < size; ++i) {
        m_settings.setArrayIndex(i);
        RoleHistoryEntry raw;
        raw.sourceProfile = m_settings.value(QStringLiteral("sourceProfile")).toString();
        raw.roleArn = m_settings.value(QStringLiteral("roleArn")).toString();
        raw.displayName = m_settings.value(QStringLiteral("displayName")).toString();
        raw.color = m_settings.value(QStringLiteral("color")).toString();
        raw.lastUsed = QDateTime::fromString(m_settings.value(QStringLiteral("lastUsed")).toString(), Qt::ISODateWithMs);
        // A hand-edited entry that no longer makes sense is dropped rather than shown half-broken.
        auto entry = normalise(raw);
        if (entry)
            entries.append(entry.value());
    }
    m_settings.endArray();
    return entries;
}

void RoleHistory::writeList(const QString &key, const QList<RoleHistoryEntry> &entries)
{
    m_settings.remove(key);
    m_settings.beginWriteArray(key, int(entries.size()));
    for (int i = 0; i < entries.size(); ++i) {
        const RoleHistoryEntry &e = entries.at(i);
        m_settings.setArrayIndex(i);
        m_settings.setValue(QStringLiteral("sourceProfile"), e.sourceProfile);
        m_settings.setValue(QStringLiteral("roleArn"), e.roleArn);
        m_settings.setValue(QStringLiteral("displayName"), e.displayName);
        m_settings.setValue(QStringLiteral("color"), e.color);
        m_settings.setValue(QStringLiteral("lastUsed"), e.lastUsed.toString(Qt::ISODateWithMs));
    }
    m_settings.endArray();
    m_settings.sync();
}

} // namespace RoleDrop::Auth
