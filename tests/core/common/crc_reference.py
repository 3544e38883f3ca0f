#!/usr/bin/python3
"""Reference checksums for tests/core/common/checksum_test.cpp, computed outside RoleDrop.

Reads files named on the command line and prints, one line per file:
    CRC32 CRC32C CRC64NVME
each in S3's header form (base64 of the big-endian value). CRC32 is botocore's own (botocore.httpchecksum.
Crc32Checksum, which is zlib's); botocore 1.29 computes CRC32C only through awscrt and has no CRC64NVME, so
those two come from the bit-at-a-time definitions below (reflected polynomial, initial value and final XOR all
ones), written from the specifications, not from RoleDrop's code.
"""
import base64
import sys

from botocore.httpchecksum import Crc32Checksum

CRC32C_POLY = 0x82F63B78            # Castagnoli, reflected
CRC64NVME_POLY = 0x9A6C9329AC4BC9B5  # NVMe 64b CRC (0xAD93D23594C93659), reflected


def reflected_crc(data, poly, width):
    mask = (1 << width) - 1
    crc = mask
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc ^ mask


def header_form(value, width):
    return base64.b64encode(value.to_bytes(width // 8, "big")).decode()


def main():
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            data = f.read()
        crc32 = Crc32Checksum()
        crc32.update(data)
        print(crc32.b64digest(), header_form(reflected_crc(data, CRC32C_POLY, 32), 32),
              header_form(reflected_crc(data, CRC64NVME_POLY, 64), 64))


if __name__ == "__main__":
    main()
