#pragma once

#include <QtGlobal>

namespace RoleDrop::Crc {

// Arithmetic on reflected CRCs (least significant bit first, as CRC-32, CRC-32C and CRC-64/NVME are all
// defined), in GF(2)[x] modulo the CRC's polynomial, with the polynomial's value kept the reflected way: the
// top bit of a `width`-bit word is x^0. This is zlib's crc32_combine() arithmetic (multmodp, x2nmodp) made
// generic over the width, so one piece of code serves all three algorithms.
struct ReflectedPolynomial
{
    quint64 value;   // reflected, without the x^width term: 0xEDB88320 for CRC-32
    int width;       // 32 or 64
};

inline constexpr ReflectedPolynomial crc32Polynomial{0xEDB88320u, 32};
inline constexpr ReflectedPolynomial crc32cPolynomial{0x82F63B78u, 32};
// CRC-64/NVME (NVMe NVM Command Set, "64b CRC", Rocksoft): 0xAD93D23594C93659 normal, reflected here.
inline constexpr ReflectedPolynomial crc64NvmePolynomial{0x9A6C9329AC4BC9B5ull, 64};

// a(x) * b(x) mod P(x).
quint64 multiplyModulo(quint64 a, quint64 b, ReflectedPolynomial polynomial);
// x^n mod P(x), for any n (x^0 is the top bit).
quint64 xPowerModulo(quint64 n, ReflectedPolynomial polynomial);

// The CRC of A followed by B, from crc(A), crc(B) and B's length alone, without the bytes:
// crc(A + B) = crc(A) * x^(8 * len(B)) mod P  xor  crc(B). It holds for CRCs whose initial value and final XOR
// are equal (all ones here), so it gives S3's FULL_OBJECT checksum of a multipart upload from its parts'.
quint64 combine(quint64 first, quint64 second, qint64 secondLength, ReflectedPolynomial polynomial);

inline quint32 crc32Combine(quint32 first, quint32 second, qint64 secondLength)
{
    return quint32(combine(first, second, secondLength, crc32Polynomial));
}
inline quint32 crc32cCombine(quint32 first, quint32 second, qint64 secondLength)
{
    return quint32(combine(first, second, secondLength, crc32cPolynomial));
}
inline quint64 crc64NvmeCombine(quint64 first, quint64 second, qint64 secondLength)
{
    return combine(first, second, secondLength, crc64NvmePolynomial);
}

} // namespace RoleDrop::Crc
