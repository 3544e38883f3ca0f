#pragma once

#include <QLocale>
#include <QString>

namespace RoleDrop {

// The one way RoleDrop writes a byte count, in the window and on the command line: "1 byte", "512 bytes",
// "1.5 MiB", "40 MiB". Binary units (KiB, MiB) because that is what file managers on Linux show for the same
// bytes, so a downloaded file's size matches what the user saw; one decimal below 10 keeps "1.5 MiB" readable
// without noise like "512.3 MiB". The CLI passes QLocale::c() so scripts see the same digits everywhere.
QString humanSize(qint64 bytes, const QLocale &locale = QLocale());

} // namespace RoleDrop
