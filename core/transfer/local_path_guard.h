#pragma once

#include "core/common/outcome.h"

#include <QString>

namespace RoleDrop::Transfers {

// Where an object key may be written under a folder the user chose. Object keys are attacker-controlled
// ("../../.bashrc", "/etc/passwd", "a/../../b", "C:\\x", NUL bytes): the result is always inside `folder`,
// or an error. Keys ending in '/' (folder markers) have no file.
Outcome<QString> localPathForKey(const QString &folder, const QString &key, const QString &stripPrefix = QString());

} // namespace RoleDrop::Transfers
