#pragma once

#include "core/common/aws_error.h"
#include "core/transfer/upload_plan.h"

#include <QHash>

#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace RoleDrop::Transfers {

struct DownloadItem
{
    QString key;
    QString localPath;
    bool existsLocally = false;  // a file is there already: ask before replacing it
};

struct DownloadPlan
{
    QList<DownloadItem> items;
    QList<std::pair<QString, AwsError>> refused;      // keys that would leave the folder, and why
    QList<std::pair<QString, QString>> collisions;    // a key, and the earlier key that takes its local path
};

// Pure but for looking at the disk: where each key goes under `folder` (with `stripPrefix` cut from the keys),
// for the window and the CLI alike. Folder markers (keys ending in '/') have no file and are left out; keys
// that would leave the folder are refused (localPathForKey); keys that land on one local path ("a//b" and
// "a/b", "a/./b") keep the first and report the others instead of racing to write one file.
DownloadPlan planDownload(const QStringList &keys, const QString &stripPrefix, const QString &folder);

// Applies the user's answers for items whose file exists already (item index -> choice): Skip drops the item,
// KeepBoth gives it a free name beside it ("report (1).pdf", neither on disk nor planned), Overwrite keeps it.
void applyDownloadChoices(DownloadPlan &plan, const QHash<int, ConflictChoice> &choices);

} // namespace RoleDrop::Transfers
