#pragma once

namespace RoleDrop::Ui {

// Registers resources/roledrop.qrc (icons, .desktop). Needed because the library is static: the linker
// would otherwise drop the unreferenced resource initialiser. Also installs the English plural forms
// (installTranslations) once there is an application. Safe to call more than once.
void initResources();

} // namespace RoleDrop::Ui
