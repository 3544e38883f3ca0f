#pragma once

#include "core/common/outcome.h"

#include <QList>

namespace RoleDrop::Transfers {

// S3's multipart limits: parts of 5 MiB..5 GiB (the last may be smaller), at most 10,000 parts, 5 TiB in all.
struct MultipartLimits
{
    static constexpr qint64 minPartSize = 5LL * 1024 * 1024;
    static constexpr qint64 maxPartSize = 5LL * 1024 * 1024 * 1024;
    static constexpr int maxParts = 10000;
    static constexpr qint64 maxObjectSize = 5LL * 1024 * 1024 * 1024 * 1024;
};

struct PartRange
{
    int number = 0;     // 1-based, as S3 numbers parts
    qint64 offset = 0;
    qint64 length = 0;
};

// Splits a file into parts: `preferredPartSize` unless that would exceed 10,000 parts, in which case the
// part size grows (rounded up to a whole MiB) until it fits.
Outcome<QList<PartRange>> planMultipart(qint64 fileSize, qint64 preferredPartSize);

} // namespace RoleDrop::Transfers
