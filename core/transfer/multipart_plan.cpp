#include "core/transfer/multipart_plan.h"

#include <algorithm>

namespace RoleDrop::Transfers {

Outcome<QList<PartRange>> planMultipart(qint64 fileSize, qint64 preferredPartSize)
{
    if (fileSize < 0)
        return AwsError::validation(QStringLiteral("File size %1 is negative").arg(fileSize));
    if (fileSize > MultipartLimits::maxObjectSize)
        return AwsError::validation(QStringLiteral("The file is %1 bytes; S3 objects can be at most 5 TiB").arg(fileSize));

    constexpr qint64 mib = 1024 * 1024;
    qint64 partSize = std::clamp(preferredPartSize, MultipartLimits::minPartSize, MultipartLimits::maxPartSize);
    const qint64 smallestThatFits = (fileSize + MultipartLimits::maxParts - 1) / MultipartLimits::maxParts;
    if (partSize < smallestThatFits)
        partSize = std::min(MultipartLimits::maxPartSize, (smallestThatFits + mib - 1) / mib * mib);

    QList<PartRange> parts;
    const qint64 count = fileSize == 0 ? 1 : (fileSize + partSize - 1) / partSize;
    parts.reserve(count);
    for (qint64 i = 0; i < count; ++i) {
        const qint64 offset = i * partSize;
        parts.append({int(i + 1), offset, std::min(partSize, fileSize - offset)});
    }
    return parts;
}

} // namespace RoleDrop::Transfers
