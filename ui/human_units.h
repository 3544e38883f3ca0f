#pragma once

#include <QDateTime>
#include <QString>

namespace RoleDrop::Ui {

// Sizes and times as the browser shows them. Binary units (KiB, MiB) because that is what file managers
// on Linux show for the same bytes, so a downloaded file's size matches what the user saw here.
QString humanSize(qint64 bytes);
// Local time, to the minute: S3 sends UTC, people think in their own zone.
QString humanTime(const QDateTime &time);
// "15 min", "1 h", "7 days": a duration the user chose, for menus and messages.
QString humanDuration(qint64 seconds);

} // namespace RoleDrop::Ui
