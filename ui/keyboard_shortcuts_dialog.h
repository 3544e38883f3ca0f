#pragma once

#include <QDialog>

class QTreeWidget;

namespace RoleDrop::Ui {

// Help › Keyboard Shortcuts: every action of a window that has a shortcut, with its menu and its keys, and every
// QShortcut that says what it does (whatsThis), read from them when the dialog opens (a shortcut added or changed
// later shows up by itself). A key that works only in one part of the window is listed with that part's
// accessible name.
class KeyboardShortcutsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyboardShortcutsDialog)
public:
    explicit KeyboardShortcutsDialog(QWidget *window);

    QTreeWidget *list() const { return m_list; }

private:
    void fill(QWidget *window);

    QTreeWidget *m_list;
};

} // namespace RoleDrop::Ui
