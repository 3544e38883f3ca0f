#pragma once

#include "core/common/checksum.h"
#include "core/common/outcome.h"

#include <QObject>
#include <QString>

#include <functional>

namespace RoleDrop::Transfers {

// What a PUT of a byte range needs to know of its bytes before they go out: the SHA-256 that SigV4 signs
// (hex; empty when not asked for) and the CRC the server verifies (none when not asked for).
struct PayloadDigests
{
    QByteArray sha256Hex;
    Checksum checksum;
};

// Both digests of bytes [offset, offset + length) of a file in one pass over them, read on a worker thread
// while the caller's thread goes on; `done` runs on `context`'s thread, and not at all if `context` is gone.
void digestFileRangeAsync(const QString &path, qint64 offset, qint64 length, bool sha256, ChecksumAlgorithm checksum,
                          QObject *context, std::function<void(Outcome<PayloadDigests>)> done);

// SHA-256 (hex) of a byte range of a file, the same way.
void hashFileRangeAsync(const QString &path, qint64 offset, qint64 length, QObject *context,
                        std::function<void(Outcome<QByteArray>)> done);

// MD5 (hex) of a whole file, the same way: what S3's ETag is for an object stored in one piece.
void md5OfFileAsync(const QString &path, QObject *context, std::function<void(Outcome<QByteArray>)> done);

// The same digests, on the calling thread (for workers that read files themselves); on failure nothing, and
// `error` says why (the path and the OS reason; file contents never appear).
std::optional<PayloadDigests> digestFileRange(const QString &path, qint64 offset, qint64 length, bool sha256,
                                              ChecksumAlgorithm checksum, QString *error);

} // namespace RoleDrop::Transfers
