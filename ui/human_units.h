#pragma once

#include "core/common/human_size.h"  // humanSize(): sizes read the same in the window and the CLI

#include <QDateTime>
#include <QString>

namespace RoleDrop::Ui {

// Local time to the second, with the zone ("2026-11-30 14:05:33 CET"): S3 sends UTC, people think in their
// own zone, and a time copied into a ticket says which zone it was in.
QString humanTime(const QDateTime &time);
// "15 min", "1 hour", "7 days": a duration the user chose, for menus and messages.
QString humanDuration(qint64 seconds);

} // namespace RoleDrop::Ui
