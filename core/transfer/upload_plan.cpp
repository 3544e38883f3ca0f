#include "core/transfer/upload_plan.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include <algorithm>

namespace RoleDrop::Transfers {

namespace {

void addFolder(const QFileInfo &folder, LocalScan &scan, const std::function<bool(int)> &keepGoing)
{
    const QString root = folder.absoluteFilePath();
    const QString base = folder.fileName();
    if (!folder.isReadable()) {
        scan.problems.append(QDir::toNativeSeparators(root));
        return;
    }
    const qsizetype first = scan.files.size();
    // Links inside a folder are skipped, not followed: a link may lead out of the folder (or in a loop), and
    // what the user dropped is the folder as it stands. They are reported, so nothing is left out silently.
    QDirIterator it(root, QDir::Files | QDir::Dirs | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot | QDir::Readable,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        if (info.isSymLink()) {
            scan.skippedLinks.append(QDir::toNativeSeparators(info.absoluteFilePath()));
            continue;
        }
        if (!info.isFile())
            continue;
        const QString inside = QDir(root).relativeFilePath(info.absoluteFilePath());
        scan.files.append({info.absoluteFilePath(), base + QLatin1Char('/') + inside, info.size()});
        if (keepGoing && !keepGoing(int(scan.files.size()))) {
            scan.stopped = true;
            return;
        }
    }
    // The directory's own order is arbitrary: sorted, the queue lists a folder the way a file manager does.
    std::sort(scan.files.begin() + first, scan.files.end(),
              [](const LocalFileEntry &a, const LocalFileEntry &b) { return a.relativePath < b.relativePath; });
}

// Splits "name.tar.gz" into "name" and ".tar.gz", ".env" into ".env" and "".
std::pair<QString, QString> splitExtension(const QString &fileName)
{
    int dot = fileName.lastIndexOf(QLatin1Char('.'));
    if (dot <= 0)
        return {fileName, QString()};
    const int previous = fileName.lastIndexOf(QLatin1Char('.'), dot - 1);
    if (previous > 0 && fileName.mid(previous, dot - previous).compare(QLatin1String(".tar"), Qt::CaseInsensitive) == 0)
        dot = previous;
    return {fileName.left(dot), fileName.mid(dot)};
}

} // namespace

LocalScan scanLocalPaths(const QStringList &paths, const std::function<bool(int filesFound)> &keepGoing)
{
    LocalScan scan;
    for (const QString &path : paths) {
        if (scan.stopped)
            break;
        const QFileInfo info(path);
        if (!info.exists() || !info.isReadable())
            scan.problems.append(QDir::toNativeSeparators(path));
        else if (info.isDir())
            addFolder(info, scan, keepGoing);
        else
            scan.files.append({info.absoluteFilePath(), info.fileName(), info.size()});
    }
    return scan;
}

QString normalizedPrefix(const QString &prefix)
{
    const QStringList parts = QString(prefix).replace(QLatin1Char('\\'), QLatin1Char('/')).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    return parts.isEmpty() ? QString() : parts.join(QLatin1Char('/')) + QLatin1Char('/');
}

UploadPlan planUpload(const QList<LocalFileEntry> &files, const QString &prefix)
{
    UploadPlan plan;
    plan.prefix = normalizedPrefix(prefix);
    QSet<QString> taken;
    for (const LocalFileEntry &file : files) {
        QString relative = normalizedPrefix(file.relativePath);
        relative.chop(1);
        if (relative.isEmpty())
            continue;
        QString key = plan.prefix + relative;
        if (taken.contains(key))
            key = keepBothKey(key, taken);
        taken.insert(key);
        plan.items.append({file.localPath, key, file.size});
        plan.totalBytes += file.size;
    }
    return plan;
}

QString keepBothKey(const QString &key, const QSet<QString> &taken)
{
    const int slash = key.lastIndexOf(QLatin1Char('/'));
    const QString folder = key.left(slash + 1);
    const auto [stem, extension] = splitExtension(key.mid(slash + 1));
    for (int n = 1;; ++n) {
        const QString candidate = QStringLiteral("%1%2 (%3)%4").arg(folder, stem).arg(n).arg(extension);
        if (!taken.contains(candidate))
            return candidate;
    }
}

QList<int> conflictingItems(const UploadPlan &plan, const QSet<QString> &existingKeys)
{
    QList<int> indexes;
    for (int i = 0; i < plan.items.size(); ++i) {
        if (existingKeys.contains(plan.items.at(i).key))
            indexes.append(i);
    }
    return indexes;
}

void applyConflictChoices(UploadPlan &plan, const QHash<int, ConflictChoice> &choices, const QSet<QString> &existingKeys)
{
    QSet<QString> taken = existingKeys;
    for (const UploadItem &item : std::as_const(plan.items))
        taken.insert(item.key);
    QList<UploadItem> kept;
    qint64 totalBytes = 0;
    for (int i = 0; i < plan.items.size(); ++i) {
        UploadItem item = plan.items.at(i);
        const ConflictChoice choice = choices.value(i, ConflictChoice::Overwrite);
        if (choice == ConflictChoice::Skip)
            continue;
        if (choice == ConflictChoice::KeepBoth) {
            item.key = keepBothKey(item.key, taken);
            taken.insert(item.key);
        }
        if (choice == ConflictChoice::Overwrite && choices.contains(i))
            item.noClobber = false;
        totalBytes += item.size;
        kept.append(item);
    }
    plan.items = kept;
    plan.totalBytes = totalBytes;
}

} // namespace RoleDrop::Transfers
