#pragma once

// RFC 6238 TOTP (SHA-1, 6 digits, 30-second steps): the code an MFA device shows, computed from the
// STS test double's published seed so tests can answer its MFA checks.

#include <QByteArray>
#include <QCryptographicHash>
#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QString>
#include <QtEndian>

namespace RoleDrop::Test {

inline QByteArray base32Decode(const QString &text)
{
    static const QString alphabet = QStringLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    QByteArray out;
    quint32 buffer = 0;
    int bits = 0;
    for (const QChar c : text) {
        const int value = int(alphabet.indexOf(c.toUpper()));
        if (value < 0)
            continue;
        buffer = (buffer << 5) | quint32(value);
        bits += 5;
        if (bits >= 8) {
            out += char((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

inline QString totp(const QString &seedBase32, qint64 unixTime = QDateTime::currentSecsSinceEpoch())
{
    QByteArray counter(8, 0);
    qToBigEndian<quint64>(quint64(unixTime / 30), counter.data());
    const QByteArray mac = QMessageAuthenticationCode::hash(counter, base32Decode(seedBase32), QCryptographicHash::Sha1);
    const int offset = mac.at(19) & 0x0f;
    const quint32 binary = ((quint32(uchar(mac.at(offset))) & 0x7f) << 24) | (quint32(uchar(mac.at(offset + 1))) << 16)
        | (quint32(uchar(mac.at(offset + 2))) << 8) | quint32(uchar(mac.at(offset + 3)));
    return QStringLiteral("%1").arg(binary % 1000000, 6, 10, QLatin1Char('0'));
}

} // namespace RoleDrop::Test
