#include "core/common/crc64_nvme.h"

#include "core/common/crc_combine.h"

#include <QtEndian>

#include <array>
#include <cstddef>

#if defined(__x86_64__)
#include <immintrin.h>
#define ROLEDROP_CRC64_CLMUL 1
#endif

// Both implementations work on the CRC's raw register (no inversion); the public functions invert around them.
//
// The folding (Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ", reflected form): a
// 16-byte block loaded little-endian holds, in bit k, the coefficient of x^(127-k) of its 128-bit polynomial
// A = A_H x^64 + A_L, with A_H in the low and A_L in the high 64-bit half. Carry-less multiplying two reflected
// 64-bit values gives their product times x in the same layout, so moving A forward by D bits is
//     A x^D = A_H x^(D+64) + A_L x^D == clmul(A_H, x^(D+63) mod P) xor clmul(A_L, x^(D-1) mod P),
// 128 bits again, to be XORed onto the block D bits later. Eight lanes fold by 1024 bits at a time, then into
// one by 128 bits each. The last 16 bytes of folding and the tail shorter than a block go through the table
// (a register of 0 over those 16 bytes is exactly A x^64 mod P): no Barrett reduction to get wrong. The fold
// constants come from the same GF(2) arithmetic as the combine functions (crc_combine.h), at first use.

namespace RoleDrop {

namespace {

constexpr quint64 polynomial = Crc::crc64NvmePolynomial.value;

using SlicingTables = std::array<std::array<quint64, 256>, 8>;

// tables[k][b]: the register after byte b followed by k zero bytes, so eight bytes go in one step.
constexpr SlicingTables makeSlicingTables()
{
    SlicingTables tables{};
    for (unsigned byte = 0; byte < 256; ++byte) {
        quint64 crc = byte;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1) ? (crc >> 1) ^ polynomial : crc >> 1;
        tables[0][byte] = crc;
    }
    for (std::size_t k = 1; k < 8; ++k) {
        for (std::size_t byte = 0; byte < 256; ++byte)
            tables[k][byte] = (tables[k - 1][byte] >> 8) ^ tables[0][tables[k - 1][byte] & 0xff];
    }
    return tables;
}

constexpr SlicingTables tables = makeSlicingTables();

quint64 portableRegister(quint64 crc, const unsigned char *bytes, std::size_t length)
{
    while (length >= 8) {
        crc ^= qFromLittleEndian<quint64>(bytes);
        crc = tables[7][crc & 0xff] ^ tables[6][(crc >> 8) & 0xff] ^ tables[5][(crc >> 16) & 0xff]
            ^ tables[4][(crc >> 24) & 0xff] ^ tables[3][(crc >> 32) & 0xff] ^ tables[2][(crc >> 40) & 0xff]
            ^ tables[1][(crc >> 48) & 0xff] ^ tables[0][crc >> 56];
        bytes += 8;
        length -= 8;
    }
    while (length-- > 0)
        crc = (crc >> 8) ^ tables[0][(crc ^ *bytes++) & 0xff];
    return crc;
}

const unsigned char *bytesOf(QByteArrayView data)
{
    return reinterpret_cast<const unsigned char *>(data.data());
}

#ifdef ROLEDROP_CRC64_CLMUL

struct FoldConstants
{
    quint64 by128Low, by128High;     // x^(128+63), x^(128-1) mod P: one block forward
    quint64 by1024Low, by1024High;   // x^(1024+63), x^(1024-1) mod P: eight blocks forward
};

const FoldConstants &foldConstants()
{
    static const FoldConstants constants = [] {
        const Crc::ReflectedPolynomial p = Crc::crc64NvmePolynomial;
        return FoldConstants{Crc::xPowerModulo(128 + 63, p), Crc::xPowerModulo(128 - 1, p),
                             Crc::xPowerModulo(1024 + 63, p), Crc::xPowerModulo(1024 - 1, p)};
    }();
    return constants;
}

__attribute__((target("pclmul"))) inline __m128i fold(__m128i block, __m128i constants)
{
    return _mm_xor_si128(_mm_clmulepi64_si128(block, constants, 0x00), _mm_clmulepi64_si128(block, constants, 0x11));
}

__attribute__((target("pclmul"))) inline __m128i load(const unsigned char *bytes)
{
    return _mm_loadu_si128(reinterpret_cast<const __m128i *>(bytes));
}

__attribute__((target("pclmul"))) quint64 clmulRegister(quint64 crc, const unsigned char *bytes, std::size_t length)
{
    constexpr std::size_t lanes = 8;
    constexpr std::size_t stride = 16 * lanes;
    if (length < 2 * stride)
        return portableRegister(crc, bytes, length);  // too short for the lanes to pay off
    const FoldConstants &k = foldConstants();
    const __m128i byStride = _mm_set_epi64x(qint64(k.by1024High), qint64(k.by1024Low));
    const __m128i byBlock = _mm_set_epi64x(qint64(k.by128High), qint64(k.by128Low));

    __m128i lane[lanes];
#pragma GCC unroll 8
    for (std::size_t i = 0; i < lanes; ++i)
        lane[i] = load(bytes + 16 * i);
    lane[0] = _mm_xor_si128(lane[0], _mm_cvtsi64_si128(qint64(crc)));  // the register goes onto the first bytes
    bytes += stride;
    length -= stride;
    while (length >= stride) {
#pragma GCC unroll 8
        for (std::size_t i = 0; i < lanes; ++i)
            lane[i] = _mm_xor_si128(fold(lane[i], byStride), load(bytes + 16 * i));
        bytes += stride;
        length -= stride;
    }
    __m128i folded = lane[0];
#pragma GCC unroll 8
    for (std::size_t i = 1; i < lanes; ++i)
        folded = _mm_xor_si128(fold(folded, byBlock), lane[i]);
    while (length >= 16) {
        folded = _mm_xor_si128(fold(folded, byBlock), load(bytes));
        bytes += 16;
        length -= 16;
    }
    alignas(16) unsigned char last[16];
    _mm_store_si128(reinterpret_cast<__m128i *>(last), folded);
    return portableRegister(portableRegister(0, last, sizeof last), bytes, length);
}

#endif

} // namespace

bool crc64NvmeClmulAvailable()
{
#ifdef ROLEDROP_CRC64_CLMUL
    static const bool available = __builtin_cpu_supports("pclmul");
    return available;
#else
    return false;
#endif
}

quint64 crc64NvmePortable(quint64 previous, QByteArrayView data)
{
    return ~portableRegister(~previous, bytesOf(data), std::size_t(data.size()));
}

quint64 crc64NvmeClmul(quint64 previous, QByteArrayView data)
{
#ifdef ROLEDROP_CRC64_CLMUL
    if (crc64NvmeClmulAvailable())
        return ~clmulRegister(~previous, bytesOf(data), std::size_t(data.size()));
#endif
    return crc64NvmePortable(previous, data);
}

quint64 crc64Nvme(quint64 previous, QByteArrayView data)
{
    return crc64NvmeClmul(previous, data);
}

} // namespace RoleDrop
