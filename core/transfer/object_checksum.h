#pragma once

#include "core/common/outcome.h"
#include "core/s3/s3_types.h"

#include <QList>
#include <QObject>
#include <QString>

#include <functional>

namespace RoleDrop::Transfers {

// A downloaded file checked against the flexible checksum S3 keeps for its object. A FULL_OBJECT checksum is
// the CRC of all the bytes. A COMPOSITE one ("-N") is the CRC of the N parts' CRCs, so the part boundaries must
// be known: S3 gives part 1's size (HEAD ?partNumber=1); otherwise the sizes that give N parts are tried
// (multipart_etag.h), as for a multipart ETag.

// The checksum of a file's bytes as S3 computes an object's: over all of them, or (composite) cut into parts of
// `partSize` bytes. On failure says why (the path and the OS reason).
Outcome<S3::ObjectChecksum> objectChecksumOfFile(const QString &path, ChecksumAlgorithm algorithm, bool composite,
                                                 qint64 partSize);

struct ChecksumMatch
{
    bool matched = false;
    qint64 partSize = 0;          // the part size that matched (composite), else 0
    S3::ObjectChecksum computed;  // the file's checksum (with the last part size tried), for a message
};

// Checks the file on a worker thread, trying `partSizes` in turn for a composite checksum (none are needed for
// a full-object one). `done` runs on `context`'s thread, and not at all if `context` is gone by then.
void matchObjectChecksumAsync(const QString &path, const S3::ObjectChecksum &expected, const QList<qint64> &partSizes,
                              QObject *context, std::function<void(Outcome<ChecksumMatch>)> done);

// "CRC64NVME OOJZ0D8xKts=" or "CRC32 mT7Xsw==-3": a checksum as people can compare it with S3's.
QString describeObjectChecksum(const S3::ObjectChecksum &checksum);

} // namespace RoleDrop::Transfers
