#pragma once

#include "core/common/checksum.h"
#include "core/s3/s3_types.h"

#include <QByteArray>
#include <QList>

#include <utility>

namespace RoleDrop::S3 {

// S3's wire names for flexible checksums and the headers of each operation, as plain values (S3 API reference:
// PutObject, UploadPart, CreateMultipartUpload, CompleteMultipartUpload, GetObject, HeadObject).
using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

QByteArray checksumHeaderName(ChecksumAlgorithm algorithm);   // "x-amz-checksum-crc64nvme"
QByteArray checksumXmlElement(ChecksumAlgorithm algorithm);   // "ChecksumCRC64NVME"

// PutObject and UploadPart: the body's checksum, which S3 verifies before it stores anything (400 BadDigest),
// and the SDK header naming the algorithm, as the SDKs send them.
HeaderList payloadChecksumHeaders(const Checksum &checksum);

// CreateMultipartUpload: the algorithm and the FULL_OBJECT type (the CRC of the whole object, combined from
// the parts' CRCs; every CRC algorithm has it), so the object's checksum is the same as a single PUT's.
HeaderList createMultipartChecksumHeaders(ChecksumAlgorithm algorithm);

// CompleteMultipartUpload: the whole object's checksum, which S3 compares with what it combined from the parts.
HeaderList completeMultipartChecksumHeaders(const Checksum &wholeObject);

// GetObject / HeadObject: ask for the stored checksum.
inline const std::pair<QByteArray, QByteArray> checksumModeHeader{"x-amz-checksum-mode", "ENABLED"};

// The object checksum an answer carries: the first x-amz-checksum-<algorithm> header of an algorithm RoleDrop
// computes, its "-N" suffix (a composite), and x-amz-checksum-type. Nothing when there is none or it is not
// readable (a server's odd header is no reason to fail a download; it is only not checked).
ObjectChecksum objectChecksumFromHeaders(const HeaderList &headers);

} // namespace RoleDrop::S3
