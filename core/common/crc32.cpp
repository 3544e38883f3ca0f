#include "core/common/crc32.h"

#include <isa-l/crc.h>

#include <algorithm>

namespace RoleDrop {

namespace {

// crc32_iscsi() counts its length in an int: anything longer goes in pieces well below 2 GiB.
constexpr qsizetype maxPieceBytes = qsizetype(1) << 30;

} // namespace

quint32 crc32(quint32 previous, QByteArrayView data)
{
    // crc32_gzip_refl() inverts on the way in and out, as zlib does: its seed is the previous finished CRC.
    return crc32_gzip_refl(previous, reinterpret_cast<const unsigned char *>(data.data()), uint64_t(data.size()));
}

quint32 crc32c(quint32 previous, QByteArrayView data)
{
    // crc32_iscsi() works on the raw register (no inversion): invert around it for the finished CRC-32C.
    quint32 state = ~previous;
    auto *bytes = reinterpret_cast<unsigned char *>(const_cast<char *>(data.data()));  // ISA-L only reads
    for (qsizetype done = 0; done < data.size();) {
        const qsizetype piece = std::min(maxPieceBytes, data.size() - done);
        state = crc32_iscsi(bytes + done, int(piece), state);
        done += piece;
    }
    return ~state;
}

} // namespace RoleDrop
