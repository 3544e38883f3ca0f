#pragma once

#include "core/common/outcome.h"

#include <QObject>
#include <QString>

#include <functional>

namespace RoleDrop::Transfers {

// SHA-256 (hex) of a byte range of a file, computed on a worker thread while the caller's thread goes on;
// `done` runs on `context`'s thread, and not at all if `context` is gone by then.
void hashFileRangeAsync(const QString &path, qint64 offset, qint64 length, QObject *context,
                        std::function<void(Outcome<QByteArray>)> done);

// MD5 (hex) of a whole file, the same way: what S3's ETag is for an object stored in one piece.
void md5OfFileAsync(const QString &path, QObject *context, std::function<void(Outcome<QByteArray>)> done);

} // namespace RoleDrop::Transfers
