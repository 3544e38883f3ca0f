#include "core/transfer/download_plan.h"

#include "core/transfer/local_path_guard.h"

#include <QFileInfo>
#include <QHash>
#include <QSet>

namespace RoleDrop::Transfers {

DownloadPlan planDownload(const QStringList &keys, const QString &stripPrefix, const QString &folder)
{
    DownloadPlan plan;
    QHash<QString, QString> keyByPath;
    for (const QString &key : keys) {
        if (key.endsWith(QLatin1Char('/')))
            continue;
        const Outcome<QString> path = localPathForKey(folder, key, stripPrefix);
        if (!path) {
            plan.refused.append({key, path.error()});
            continue;
        }
        const auto taken = keyByPath.constFind(path.value());
        if (taken != keyByPath.cend()) {
            if (*taken != key)  // the same key selected twice (directly and inside a folder) is no collision
                plan.collisions.append({key, *taken});
            continue;
        }
        keyByPath.insert(path.value(), key);
        plan.items.append({key, path.value(), QFileInfo::exists(path.value())});
    }
    return plan;
}

void applyDownloadChoices(DownloadPlan &plan, const QHash<int, ConflictChoice> &choices)
{
    QSet<QString> taken;
    for (const DownloadItem &item : std::as_const(plan.items))
        taken.insert(item.localPath);
    QList<DownloadItem> kept;
    for (int i = 0; i < plan.items.size(); ++i) {
        DownloadItem item = plan.items.at(i);
        const auto choice = choices.constFind(i);
        if (choice != choices.cend() && *choice == ConflictChoice::Skip)
            continue;
        if (choice != choices.cend() && *choice == ConflictChoice::KeepBoth) {
            QString free = keepBothKey(item.localPath, taken);
            while (QFileInfo::exists(free)) {
                taken.insert(free);
                free = keepBothKey(item.localPath, taken);
            }
            taken.insert(free);
            item.localPath = free;
            item.existsLocally = false;
        }
        kept.append(item);
    }
    plan.items = kept;
}

} // namespace RoleDrop::Transfers
