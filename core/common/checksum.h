#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace RoleDrop {

// The CRC checksums S3 verifies on the bytes it receives and keeps with an object (its "flexible checksums"),
// as values: which algorithm, and the finished CRC. On the wire a checksum is its big-endian bytes in base64.
enum class ChecksumAlgorithm { None, Crc32, Crc32c, Crc64Nvme };

// "CRC32", "CRC32C", "CRC64NVME" (S3's spelling); empty for None.
QString checksumAlgorithmName(ChecksumAlgorithm algorithm);
// From S3's spelling, any case; nothing for an unknown name (and for "").
std::optional<ChecksumAlgorithm> checksumAlgorithmFromName(QStringView name);
// 4 for the CRC-32s, 8 for CRC-64/NVME, 0 for None.
int checksumBytes(ChecksumAlgorithm algorithm);

struct Checksum
{
    ChecksumAlgorithm algorithm = ChecksumAlgorithm::None;
    quint64 value = 0;

    bool isValid() const { return algorithm != ChecksumAlgorithm::None; }
    QByteArray bytes() const;      // big-endian, checksumBytes() long
    QByteArray toBase64() const;   // as x-amz-checksum-* headers carry it
    // A header's value back; nothing when it is not base64 of exactly the algorithm's width.
    static std::optional<Checksum> fromBase64(ChecksumAlgorithm algorithm, QByteArrayView text);

    bool operator==(const Checksum &) const = default;
};

// A checksum over bytes that come in pieces; value() may be asked at any time and the stream goes on.
class ChecksumStream final
{
public:
    explicit ChecksumStream(ChecksumAlgorithm algorithm = ChecksumAlgorithm::None) : m_algorithm(algorithm) {}

    ChecksumAlgorithm algorithm() const { return m_algorithm; }
    void update(QByteArrayView data);
    Checksum value() const { return {m_algorithm, m_value}; }

private:
    ChecksumAlgorithm m_algorithm;
    quint64 m_value = 0;  // the finished CRC of the bytes so far (what the CRC functions continue from)
};

Checksum checksumOf(ChecksumAlgorithm algorithm, QByteArrayView data);

// The checksum of the bytes behind `first` followed by those behind `second` (`secondLength` of them), of the
// same algorithm: S3's FULL_OBJECT checksum of a multipart upload from its parts' checksums.
Checksum combineChecksums(const Checksum &first, const Checksum &second, qint64 secondLength);

// S3's COMPOSITE checksum of a multipart object: the checksum of its parts' checksums (their big-endian bytes,
// one after the other), which S3 shows followed by "-N".
Checksum compositeChecksum(const QList<Checksum> &parts);

} // namespace RoleDrop
