#pragma once

#include <QDialog>

class QTreeWidget;

namespace RoleDrop::Ui {

// Help › Keyboard Shortcuts: every action of a window that has a shortcut, with its menu and its keys, read
// from the actions themselves when the dialog opens (a shortcut added or changed later shows up by itself).
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
