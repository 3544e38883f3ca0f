#pragma once

// Driving a dialog as a widget test does: its parts found by object name or by what the user reads on a button,
// fields typed into as a person types.

#include "screenshot.h"

#include <QAbstractButton>
#include <QApplication>
#include <QLineEdit>
#include <QMenu>
#include <QString>
#include <QTest>
#include <QTimer>
#include <QWidget>

namespace RoleDrop::Test {

// The child named `name` of type W; a missing one ends the test run, saying which.
template <class W>
W *child(QWidget *parent, const char *name)
{
    W *widget = parent->findChild<W *>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no child %s", name);
    return widget;
}

// A button as the user sees it: by its accessible name or its text without the mnemonic marker; one that
// would be shown with `parent` (hidden pages' buttons do not count).
inline QAbstractButton *button(QWidget *parent, const QString &name)
{
    for (QAbstractButton *b : parent->findChildren<QAbstractButton *>()) {
        if (b->isVisibleTo(parent) && (b->accessibleName() == name || b->text().remove(QLatin1Char('&')) == name))
            return b;
    }
    qFatal("no visible button %s", qPrintable(name));
}

// The visible top-level window of type T (a dialog the window opened), or nullptr.
template <class T>
T *shownTopLevel()
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (auto *found = qobject_cast<T *>(widget); found && found->isVisible())
            return found;
    }
    return nullptr;
}

// A right-click on `widget` at `pos` (its customContextMenuRequested), then the menu's entry named `actionName`,
// with a screenshot of the menu. The menu runs its own event loop, so the entry is chosen from a timer. False when
// no menu or no enabled entry of that name appeared.
inline bool chooseFromContextMenu(QWidget *widget, const QPoint &pos, const char *actionName, const QString &screenshot)
{
    bool chosen = false;
    QTimer poll;
    poll.setInterval(50);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        poll.stop();
        saveScreenshot(menu, screenshot);
        if (auto *action = menu->findChild<QAction *>(QLatin1String(actionName)); action && action->isEnabled()) {
            chosen = true;
            action->trigger();
        }
        menu->close();
    });
    poll.start();
    emit widget->customContextMenuRequested(pos);
    return chosen;
}

// As a person does: into the field (which takes the focus), over what it held.
inline void typeInto(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

} // namespace RoleDrop::Test
