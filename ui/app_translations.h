#pragma once

class QCoreApplication;

namespace RoleDrop::Ui {

// Installs RoleDrop's English translation (resources/translations/roledrop_en.ts, built into the binary):
// it holds the singular and plural of every "%n …" text, so tr("%n transfer(s)", nullptr, n) reads
// "1 transfer" / "2 transfers" in the window and on the command line. Safe to call more than once.
void installTranslations(QCoreApplication &app);

} // namespace RoleDrop::Ui
