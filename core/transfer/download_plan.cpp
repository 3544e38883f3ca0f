#include "core/transfer/download_plan.h"

#include "core/transfer/local_path_guard.h"

#include <QFileInfo>
#include <QHash>

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

} // namespace RoleDrop::Transfers
