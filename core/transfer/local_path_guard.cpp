#include "core/transfer/local_path_guard.h"

#include <QDir>
#include <QFileInfo>

namespace RoleDrop::Transfers {

namespace {
AwsError refused(const QString &key, const QString &why)
{
    return AwsError::local(AwsErrorKind::LocalFile,
                           QStringLiteral("Refusing to download '%1': %2").arg(key, why));
}
} // namespace

Outcome<QString> localPathForKey(const QString &folder, const QString &key, const QString &stripPrefix)
{
    QString relative = key;
    if (!stripPrefix.isEmpty() && relative.startsWith(stripPrefix))
        relative = relative.mid(stripPrefix.size());
    if (relative.isEmpty() || relative.endsWith(QLatin1Char('/')))
        return refused(key, QStringLiteral("it is a folder marker, not a file"));
    if (relative.contains(QChar(0)))
        return refused(key, QStringLiteral("the key contains a NUL character"));

    // Backslashes are separators on Windows; treat them as such everywhere so a key cannot smuggle one.
    relative.replace(QLatin1Char('\\'), QLatin1Char('/'));
    QStringList safeParts;
    for (const QString &part : relative.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (part == QLatin1String(".") )
            continue;
        if (part == QLatin1String(".."))
            return refused(key, QStringLiteral("the key climbs out of the folder with '..'"));
        // "C:" as the first segment names a drive on Windows; "a:b.txt" is an ordinary name.
        if (safeParts.isEmpty() && part.size() == 2 && part.at(0).isLetter() && part.at(1) == QLatin1Char(':'))
            return refused(key, QStringLiteral("the key names a drive"));
        safeParts << part;
    }
    if (safeParts.isEmpty())
        return refused(key, QStringLiteral("the key has no file name"));

    const QString root = QDir(folder).absolutePath();
    const QString candidate = QDir::cleanPath(root + QLatin1Char('/') + safeParts.join(QLatin1Char('/')));
    if (!candidate.startsWith(root + QLatin1Char('/')))
        return refused(key, QStringLiteral("it would land outside %1").arg(root));

    // A link inside the folder could point elsewhere, now or (dangling) once its target appears: refuse a
    // dangling link on the way down, and check that the existing part of the path resolves inside.
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    auto insideRoot = [&](const QString &canonical) {
        return canonicalRoot.isEmpty() || canonical == canonicalRoot || canonical.startsWith(canonicalRoot + QLatin1Char('/'));
    };
    QString walked = root;
    for (const QString &part : std::as_const(safeParts)) {
        walked += QLatin1Char('/') + part;
        const QFileInfo step(walked);
        if (step.isSymLink()) {
            if (!step.exists())
                return refused(key, QStringLiteral("%1 is a link to something that does not exist").arg(walked));
            if (walked == candidate || !insideRoot(step.canonicalFilePath()))
                return refused(key, QStringLiteral("%1 is a link that leads outside %2").arg(walked, root));
        }
        if (!step.exists())
            break;
    }
    QString existing = QFileInfo(candidate).absolutePath();
    while (!QFileInfo::exists(existing) && existing.size() > root.size())
        existing = QFileInfo(existing).absolutePath();
    const QString canonicalExisting = QFileInfo(existing).canonicalFilePath();
    if (!canonicalExisting.isEmpty() && !insideRoot(canonicalExisting))
        return refused(key, QStringLiteral("a link inside %1 points outside it").arg(root));
    return candidate;
}

} // namespace RoleDrop::Transfers
