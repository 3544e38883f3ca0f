#pragma once

#include <QByteArrayView>

namespace RoleDrop {

// CRC-64/NVME: the NVMe NVM Command Set's 64-bit CRC (polynomial 0xAD93D23594C93659, reflected, initial value
// and final XOR all ones), S3's default checksum since 2025 and aws-cli v2's (x-amz-checksum-crc64nvme).
// Debian 12's ISA-L (2.30) has no CRC64/NVME, so it is written here: PCLMULQDQ folding of eight 16-byte lanes
// where the CPU has it (checked at run time), and a portable slicing-by-8 table otherwise. Both give the same
// values; the tests hold them to AWS's vectors and to each other.
//
// `previous` continues a checksum over more bytes: crc64Nvme(crc64Nvme(0, a), b) equals crc64Nvme(0, a + b).
quint64 crc64Nvme(quint64 previous, QByteArrayView data);

// The two implementations by name, for the tests and the benchmark. crc64NvmeClmul() falls back to the
// portable code on a CPU without PCLMULQDQ and SSE4.1.
quint64 crc64NvmePortable(quint64 previous, QByteArrayView data);
quint64 crc64NvmeClmul(quint64 previous, QByteArrayView data);
bool crc64NvmeClmulAvailable();

} // namespace RoleDrop
