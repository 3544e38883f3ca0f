#pragma once

#include "core/common/outcome.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace RoleDrop::Transfers {

// The ETag of an object uploaded in parts (without SSE-KMS or SSE-C) is the MD5 of its parts' MD5s, then "-"
// and the number of parts: "9b2cf535f27731c974343645a3985328-64". It checks a download's bytes once the part
// size is known. S3 tells it (HEAD ?partNumber=1); servers that do not (Ceph RGW) leave the sizes that give
// that many parts to try, the usual ones first (8 MiB: aws-cli and the SDKs; 16 MiB: RoleDrop and MinIO; 5 MiB;
// whole MiB; whole MB).

// The number of parts a multipart ETag names, or nothing for any other ETag (quotes allowed).
std::optional<int> multipartETagParts(const QByteArray &eTag);

// Part sizes that cut `objectSize` bytes into exactly `parts` parts, most likely first, at most `limit`.
QList<qint64> likelyPartSizes(qint64 objectSize, int parts, int limit = 8);

// The multipart ETag (hex "-N", no quotes) of the file's bytes cut into parts of `partSize`.
Outcome<QByteArray> multipartETagOfFile(const QString &path, qint64 partSize);

// Tries the part sizes in turn on a worker thread: the one whose ETag is `eTag`, or nothing when none is.
// `done` runs on `context`'s thread, and not at all if `context` is gone by then.
void matchMultipartETagAsync(const QString &path, const QByteArray &eTag, const QList<qint64> &partSizes, QObject *context,
                             std::function<void(Outcome<std::optional<qint64>>)> done);

} // namespace RoleDrop::Transfers
