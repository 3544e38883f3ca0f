#pragma once

#include <QFileDialog>

class QSettings;

namespace RoleDrop::Ui {

// Every file dialog of the window opens where the user last picked something (in any of them), or in the home
// folder the first time, instead of the process's working directory. The folder is kept in the settings the
// window names here (a local path, never a secret); without settings it is remembered for the process only.
void rememberLocalFoldersIn(QSettings *settings);  // nullptr: stop using them (the window is going)
QString lastLocalFolder();

// A window-modal dialog, deleted when closed, that remembers its folder when accepted. It opens in the last
// folder, or where `current` is when that names an existing file or folder (a field's present value). The caller
// connects fileSelected/filesSelected and calls open().
QFileDialog *localFileDialog(QWidget *parent, const QString &title, QFileDialog::FileMode mode, const QString &current = QString());

} // namespace RoleDrop::Ui
