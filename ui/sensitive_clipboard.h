#pragma once

#include <QString>

namespace RoleDrop::Ui {

// Puts text that works as a credential (a presigned URL: anyone holding it can fetch the object) on the
// clipboard with the hint clipboard managers honour (x-kde-passwordManagerHint: secret), so it is not kept
// in their history.
void copySensitiveText(const QString &text);

} // namespace RoleDrop::Ui
