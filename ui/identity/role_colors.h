#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

namespace RoleDrop::Ui {

// How the console's role colours (core/role_history.h) are drawn: a band behind the identity and a
// small chip next to a role. An empty hex means "no colour": the neutral band of a base identity.
QColor bandColor(const QString &hex, const QColor &neutral);
// Black or white, whichever contrasts more with `background` (yellow needs dark text, blue light).
QColor textColorOn(const QColor &background);
// WCAG 2's relative luminance (0 black .. 1 white) and contrast ratio (1 .. 21; 4.5 is the floor for text).
double relativeLuminance(const QColor &color);
double contrastRatio(const QColor &a, const QColor &b);
QIcon colorChip(const QString &hex, int size = 12);

} // namespace RoleDrop::Ui
