#include "ui/local_file_dialog.h"

#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QSettings>

namespace RoleDrop::Ui {

namespace {

const QString settingsKey = QStringLiteral("dialogs/lastLocalFolder");

QSettings *&settingsInUse()
{
    static QSettings *settings = nullptr;
    return settings;
}

QString &folderOfThisProcess()
{
    static QString folder;
    return folder;
}

void remember(const QString &folder)
{
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        return;
    folderOfThisProcess() = folder;
    if (QSettings *settings = settingsInUse())
        settings->setValue(settingsKey, folder);
}

} // namespace

void rememberLocalFoldersIn(QSettings *settings)
{
    settingsInUse() = settings;
}

QString lastLocalFolder()
{
    QString folder = settingsInUse() ? settingsInUse()->value(settingsKey).toString() : folderOfThisProcess();
    // A folder since removed (or on a drive not mounted now) is no place to start.
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = QDir::homePath();
    return folder;
}

QFileDialog *localFileDialog(QWidget *parent, const QString &title, QFileDialog::FileMode mode, const QString &current)
{
    auto *dialog = new QFileDialog(parent, title, lastLocalFolder());
    if (const QFileInfo given(current); !current.isEmpty() && given.exists()) {
        dialog->setDirectory(given.isDir() ? given.absoluteFilePath() : given.absolutePath());
        if (given.isFile())
            dialog->selectFile(given.fileName());
    }
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(mode);
    if (mode == QFileDialog::Directory)
        dialog->setOption(QFileDialog::ShowDirsOnly);
    QObject::connect(dialog, &QFileDialog::accepted, dialog, [dialog] {
        // The folder holding what was picked (for a folder: its parent), so next time the user starts among
        // the same neighbours.
        const QStringList chosen = dialog->selectedFiles();
        remember(chosen.isEmpty() ? dialog->directory().absolutePath() : QFileInfo(chosen.first()).absolutePath());
    });
    return dialog;
}

} // namespace RoleDrop::Ui
