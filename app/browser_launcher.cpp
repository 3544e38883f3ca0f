#include "app/browser_launcher.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>

namespace RoleDrop::App {

namespace {

bool startCommand(const QString &command, const QString &url)
{
    QStringList words = QProcess::splitCommand(command);
    if (words.isEmpty())
        return false;
    bool placed = false;
    for (QString &word : words) {
        if (word.contains(QLatin1String("%s"))) {
            word.replace(QLatin1String("%s"), url);
            placed = true;
        }
    }
    if (!placed)
        words.append(url);
    const QString program = words.takeFirst();
    if (QStandardPaths::findExecutable(program).isEmpty() && !program.contains(QLatin1Char('/')))
        return false;
    // Detached: the browser outlives this process, and its output is not ours to show.
    QProcess process;
    process.setProgram(program);
    process.setArguments(words);
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setStandardErrorFile(QProcess::nullDevice());
    return process.startDetached();
}

} // namespace

bool openInBrowser(const QUrl &url)
{
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString encoded = QString::fromUtf8(url.toEncoded());
    for (const QString &command : environment.value(QStringLiteral("BROWSER")).split(QLatin1Char(':'), Qt::SkipEmptyParts)) {
        if (startCommand(command, encoded))
            return true;
    }
    const bool hasDisplay = environment.contains(QStringLiteral("DISPLAY")) || environment.contains(QStringLiteral("WAYLAND_DISPLAY"));
    return hasDisplay && startCommand(QStringLiteral("xdg-open"), encoded);
}

} // namespace RoleDrop::App
