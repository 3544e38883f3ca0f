#include "core/common/checksum.h"

#include "core/common/crc32.h"
#include "core/common/crc64_nvme.h"
#include "core/common/crc_combine.h"

#include <QtEndian>

namespace RoleDrop {

QString checksumAlgorithmName(ChecksumAlgorithm algorithm)
{
    switch (algorithm) {
    case ChecksumAlgorithm::Crc32:
        return QStringLiteral("CRC32");
    case ChecksumAlgorithm::Crc32c:
        return QStringLiteral("CRC32C");
    case ChecksumAlgorithm::Crc64Nvme:
        return QStringLiteral("CRC64NVME");
    case ChecksumAlgorithm::None:
        break;
    }
    return QString();
}

std::optional<ChecksumAlgorithm> checksumAlgorithmFromName(QStringView name)
{
    for (const ChecksumAlgorithm algorithm : {ChecksumAlgorithm::Crc32, ChecksumAlgorithm::Crc32c, ChecksumAlgorithm::Crc64Nvme}) {
        if (name.trimmed().compare(checksumAlgorithmName(algorithm), Qt::CaseInsensitive) == 0)
            return algorithm;
    }
    return std::nullopt;
}

int checksumBytes(ChecksumAlgorithm algorithm)
{
    switch (algorithm) {
    case ChecksumAlgorithm::Crc32:
    case ChecksumAlgorithm::Crc32c:
        return 4;
    case ChecksumAlgorithm::Crc64Nvme:
        return 8;
    case ChecksumAlgorithm::None:
        break;
    }
    return 0;
}

QByteArray Checksum::bytes() const
{
    const int width = checksumBytes(algorithm);
    QByteArray big(8, Qt::Uninitialized);
    qToBigEndian<quint64>(value, big.data());
    return big.right(width);
}

QByteArray Checksum::toBase64() const
{
    return bytes().toBase64();
}

std::optional<Checksum> Checksum::fromBase64(ChecksumAlgorithm algorithm, QByteArrayView text)
{
    const int width = checksumBytes(algorithm);
    if (width == 0)
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(text.trimmed().toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != width)
        return std::nullopt;
    QByteArray big(8 - width, '\0');
    big += decoded.decoded;
    return Checksum{algorithm, qFromBigEndian<quint64>(big.constData())};
}

void ChecksumStream::update(QByteArrayView data)
{
    switch (m_algorithm) {
    case ChecksumAlgorithm::Crc32:
        m_value = crc32(quint32(m_value), data);
        break;
    case ChecksumAlgorithm::Crc32c:
        m_value = crc32c(quint32(m_value), data);
        break;
    case ChecksumAlgorithm::Crc64Nvme:
        m_value = crc64Nvme(m_value, data);
        break;
    case ChecksumAlgorithm::None:
        break;
    }
}

Checksum checksumOf(ChecksumAlgorithm algorithm, QByteArrayView data)
{
    ChecksumStream stream(algorithm);
    stream.update(data);
    return stream.value();
}

Checksum combineChecksums(const Checksum &first, const Checksum &second, qint64 secondLength)
{
    if (first.algorithm != second.algorithm)
        return {};
    switch (first.algorithm) {
    case ChecksumAlgorithm::Crc32:
        return {first.algorithm, Crc::crc32Combine(quint32(first.value), quint32(second.value), secondLength)};
    case ChecksumAlgorithm::Crc32c:
        return {first.algorithm, Crc::crc32cCombine(quint32(first.value), quint32(second.value), secondLength)};
    case ChecksumAlgorithm::Crc64Nvme:
        return {first.algorithm, Crc::crc64NvmeCombine(first.value, second.value, secondLength)};
    case ChecksumAlgorithm::None:
        break;
    }
    return {};
}

Checksum compositeChecksum(const QList<Checksum> &parts)
{
    if (parts.isEmpty())
        return {};
    ChecksumStream stream(parts.first().algorithm);
    for (const Checksum &part : parts)
        stream.update(part.bytes());
    return stream.value();
}

} // namespace RoleDrop
