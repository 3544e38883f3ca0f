#include "ui/keyboard_shortcuts_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QShortcut>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

namespace {

// "&Switch Role…" -> "Switch Role…": the mnemonic marks mean nothing in a list.
QString plainText(const QString &text)
{
    QString plain = text;
    plain.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    plain.remove(QLatin1Char('&'));
    plain.replace(QStringLiteral("\x01"), QStringLiteral("&"));
    return plain;
}

// The menu an action is found in ("File", "View"), to group the list as the menu bar is.
QString menuOf(const QAction *action)
{
    for (const QObject *user : action->associatedObjects()) {
        if (const auto *menu = qobject_cast<const QMenu *>(user); menu && !menu->title().isEmpty())
            return plainText(menu->title());
    }
    return QString();
}

// Where a key that works only in part of the window works: the nearest named part ("Transfer queue (when focused)").
QString scopeOf(const QObject *owner)
{
    for (const QObject *object = owner; object; object = object->parent()) {
        if (const auto *widget = qobject_cast<const QWidget *>(object); widget && !widget->accessibleName().isEmpty())
            return KeyboardShortcutsDialog::tr("%1 (when focused)").arg(widget->accessibleName());
    }
    return KeyboardShortcutsDialog::tr("The focused list");
}

} // namespace

KeyboardShortcutsDialog::KeyboardShortcutsDialog(QWidget *window) : QDialog(window), m_list(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("keyboardShortcutsDialog"));
    setWindowTitle(tr("Keyboard Shortcuts"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Every command of the window that has a key. Menus and the context menu (right-click, "
                                "or the Menu key) reach the others."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_list->setObjectName(QStringLiteral("shortcutList"));
    m_list->setAccessibleName(tr("Keyboard shortcuts"));
    m_list->setColumnCount(3);
    m_list->setHeaderLabels({tr("Command"), tr("Where"), tr("Keys")});
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->setSortingEnabled(true);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);
    layout->addWidget(m_list, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("shortcutButtons"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    fill(window);
    m_list->sortByColumn(1, Qt::AscendingOrder);
    resize(640, 440);
}

void KeyboardShortcutsDialog::fill(QWidget *window)
{
    for (QAction *action : window->findChildren<QAction *>()) {
        if (action->shortcuts().isEmpty() || action->text().isEmpty())
            continue;
        // A context menu open right now holds copies of commands listed here already.
        if (const auto *popup = qobject_cast<QMenu *>(action->parent()); popup && popup->title().isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence &key : action->shortcuts())
            keys.append(key.toString(QKeySequence::NativeText));
        QString where = menuOf(action);
        if (action->shortcutContext() == Qt::WidgetShortcut || action->shortcutContext() == Qt::WidgetWithChildrenShortcut)
            where = where.isEmpty() ? scopeOf(action->parent()) : tr("%1 (%2)").arg(where, scopeOf(action->parent()));
        auto *item = new QTreeWidgetItem(m_list, {plainText(action->text()), where, keys.join(QStringLiteral(", "))});
        item->setToolTip(0, action->toolTip());
    }
    // Keys that are no menu command (go up, edit the path, filter) say what they do in their whatsThis.
    for (QShortcut *shortcut : window->findChildren<QShortcut *>()) {
        if (shortcut->key().isEmpty() || shortcut->whatsThis().isEmpty())
            continue;
        const QString where = shortcut->context() == Qt::WidgetShortcut || shortcut->context() == Qt::WidgetWithChildrenShortcut
                                  ? scopeOf(shortcut->parent())
                                  : QString();
        new QTreeWidgetItem(m_list, {shortcut->whatsThis(), where, shortcut->key().toString(QKeySequence::NativeText)});
    }
}

} // namespace RoleDrop::Ui
