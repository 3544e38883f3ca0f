#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>

namespace RoleDrop::Transfers {

// One local file found under what the user dropped, with the path it keeps relative to the drop
// ("photos/2024/a.jpg" for a file inside the dropped folder "photos").
struct LocalFileEntry
{
    QString localPath;
    QString relativePath;  // '/'-separated, never starts with '/'
    qint64 size = 0;
};

struct LocalScan
{
    QList<LocalFileEntry> files;
    QStringList problems;      // paths that could not be read, for the user
    QStringList skippedLinks;  // symbolic links inside dropped folders, not followed
    bool stopped = false;      // the walk was cut short by its caller: the lists are incomplete
};

struct UploadItem
{
    QString localPath;
    QString key;
    qint64 size = 0;
    bool noClobber = false;  // upload only if no object has the key (If-None-Match: *): nobody agreed to replace one
};

struct UploadPlan
{
    QString prefix;  // normalised: empty or ending in '/'
    QList<UploadItem> items;
    qint64 totalBytes = 0;
};

enum class ConflictChoice { Overwrite, Skip, KeepBoth };

// Walks files and folders (recursively, hidden files included because a folder upload should be a
// faithful copy). Paths given by name are followed even when they are links; links found inside folders are
// skipped and listed, so a link can neither lead the walk out of the folder nor round in a loop.
// Touches the disk, so the controller runs it off the GUI thread. `keepGoing` (any thread's: it is called on the
// walk's) hears the number of files found after each one and stops the walk by answering false.
LocalScan scanLocalPaths(const QStringList &paths, const std::function<bool(int filesFound)> &keepGoing = {});

// "a/b" -> "a/b/", "/a//b/" -> "a/b/", "" -> "": S3 keys never start with '/' and a prefix names a folder.
QString normalizedPrefix(const QString &prefix);

// Pure: the keys the files get under `prefix`. Two dropped files that would land on the same key keep
// both, the later one renamed like keepBothKey() does, so nothing in one batch overwrites its sibling.
UploadPlan planUpload(const QList<LocalFileEntry> &files, const QString &prefix);

// "dir/name.ext" -> "dir/name (1).ext", or (2), ... the first one not in `taken`. Double extensions
// such as ".tar.gz" stay together and hidden files (".env") keep their leading dot.
QString keepBothKey(const QString &key, const QSet<QString> &taken);

// Indexes of the plan's items whose key is in `existingKeys`.
QList<int> conflictingItems(const UploadPlan &plan, const QSet<QString> &existingKeys);

// Applies the user's answers (item index -> choice): Skip drops the item, KeepBoth renames it away from
// `existingKeys` and the plan's other keys, Overwrite keeps it and lifts its noClobber (the user agreed to replace
// that object). Items without an answer stay as they are.
void applyConflictChoices(UploadPlan &plan, const QHash<int, ConflictChoice> &choices, const QSet<QString> &existingKeys);

} // namespace RoleDrop::Transfers
