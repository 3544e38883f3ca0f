#include "core/common/crc_combine.h"

#include <algorithm>

namespace RoleDrop::Crc {

namespace {

quint64 topBit(int width)
{
    return quint64(1) << (width - 1);
}

// b(x) * x mod P(x): in the reflected order, multiplying by x is a shift towards the low bits.
quint64 timesX(quint64 b, ReflectedPolynomial polynomial)
{
    return (b & 1) ? (b >> 1) ^ polynomial.value : b >> 1;
}

} // namespace

quint64 multiplyModulo(quint64 a, quint64 b, ReflectedPolynomial polynomial)
{
    // Every bit of `a` from x^0 upwards adds b * x^i; unlike zlib's loop this one also ends for a == 0.
    quint64 product = 0;
    for (quint64 bit = topBit(polynomial.width); bit != 0; bit >>= 1) {
        if (a & bit)
            product ^= b;
        b = timesX(b, polynomial);
    }
    return product;
}

quint64 xPowerModulo(quint64 n, ReflectedPolynomial polynomial)
{
    // Square-and-multiply over the bits of n: `square` runs through x^1, x^2, x^4, ... x^(2^k).
    quint64 result = topBit(polynomial.width);  // x^0
    quint64 square = topBit(polynomial.width) >> 1;  // x^1
    while (n != 0) {
        if (n & 1)
            result = multiplyModulo(square, result, polynomial);
        n >>= 1;
        if (n != 0)
            square = multiplyModulo(square, square, polynomial);
    }
    return result;
}

quint64 combine(quint64 first, quint64 second, qint64 secondLength, ReflectedPolynomial polynomial)
{
    const quint64 shift = xPowerModulo(quint64(std::max<qint64>(0, secondLength)) * 8, polynomial);
    return multiplyModulo(shift, first, polynomial) ^ second;
}

} // namespace RoleDrop::Crc
