#pragma once

#include <QByteArrayView>

namespace RoleDrop {

// CRC-32 (IEEE 802.3, as zlib computes it; reflected polynomial 0xEDB88320) and CRC-32C (Castagnoli, as iSCSI
// and ext4 use it; reflected polynomial 0x82F63B78), both with an initial value and a final XOR of all ones:
// what S3's x-amz-checksum-crc32 and x-amz-checksum-crc32c carry (big-endian, base64). Debian's Intel ISA-L
// does the work with the fastest code the CPU has (PCLMULQDQ folding, SSE4.2's crc32 instruction), chosen at
// run time, so there is no hand-written SIMD to keep for these two.
//
// `previous` continues a checksum over more bytes, as zlib's crc32() does: crc32(crc32(0, a), b) equals
// crc32(0, a + b). Start with 0.
quint32 crc32(quint32 previous, QByteArrayView data);
quint32 crc32c(quint32 previous, QByteArrayView data);

} // namespace RoleDrop
