#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

namespace RoleDrop::Ui {

// How the console's role colours (core/role_history.h) are drawn: a band behind the identity and a
// small chip next to a role. An empty hex means "no colour": the neutral band of a base identity.
QColor bandColor(const QString &hex, const QColor &neutral);
// Black or white, whichever reads better on `background` (yellow needs dark text, blue light).
QColor textColorOn(const QColor &background);
QIcon colorChip(const QString &hex, int size = 12);

} // namespace RoleDrop::Ui
