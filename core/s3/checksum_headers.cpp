#include "core/s3/checksum_headers.h"

#include <QRegularExpression>

namespace RoleDrop::S3 {

namespace {

const ChecksumAlgorithm computed[] = {ChecksumAlgorithm::Crc64Nvme, ChecksumAlgorithm::Crc32c, ChecksumAlgorithm::Crc32};

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace

QByteArray checksumHeaderName(ChecksumAlgorithm algorithm)
{
    return "x-amz-checksum-" + checksumAlgorithmName(algorithm).toLower().toLatin1();
}

QByteArray checksumXmlElement(ChecksumAlgorithm algorithm)
{
    return "Checksum" + checksumAlgorithmName(algorithm).toLatin1();
}

HeaderList payloadChecksumHeaders(const Checksum &checksum)
{
    if (!checksum.isValid())
        return {};
    return {{"x-amz-sdk-checksum-algorithm", checksumAlgorithmName(checksum.algorithm).toLatin1()},
            {checksumHeaderName(checksum.algorithm), checksum.toBase64()}};
}

HeaderList createMultipartChecksumHeaders(ChecksumAlgorithm algorithm)
{
    if (algorithm == ChecksumAlgorithm::None)
        return {};
    return {{"x-amz-checksum-algorithm", checksumAlgorithmName(algorithm).toLatin1()}, {"x-amz-checksum-type", "FULL_OBJECT"}};
}

HeaderList completeMultipartChecksumHeaders(const Checksum &wholeObject)
{
    if (!wholeObject.isValid())
        return {};
    return {{checksumHeaderName(wholeObject.algorithm), wholeObject.toBase64()}, {"x-amz-checksum-type", "FULL_OBJECT"}};
}

ObjectChecksum objectChecksumFromHeaders(const HeaderList &headers)
{
    static const QRegularExpression composite(QStringLiteral("^([A-Za-z0-9+/=]+)-(\\d{1,5})$"));
    for (const ChecksumAlgorithm algorithm : computed) {
        const QByteArray value = headerValue(headers, checksumHeaderName(algorithm)).trimmed();
        if (value.isEmpty())
            continue;
        ObjectChecksum found;
        QByteArray base64 = value;
        if (const auto match = composite.match(QString::fromLatin1(value)); match.hasMatch()) {
            base64 = match.captured(1).toLatin1();
            found.composite = true;
            found.parts = match.captured(2).toInt();
        } else {
            found.composite = headerValue(headers, "x-amz-checksum-type").trimmed().toUpper() == "COMPOSITE";
        }
        const auto checksum = Checksum::fromBase64(algorithm, base64);
        if (!checksum || (found.composite && found.parts < 1))
            return {};
        found.checksum = *checksum;
        return found;
    }
    return {};
}

} // namespace RoleDrop::S3
