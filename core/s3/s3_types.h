#pragma once

#include "core/common/aws_error.h"
#include "core/common/checksum.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <utility>

namespace RoleDrop::S3 {

// What S3 answers, as plain values: the S3 client returns them, the UI shows them.

struct BucketInfo
{
    QString name;
    QDateTime creationDate;
    QString region; // empty unless the server names it (AWS's BucketRegion)
};

struct ListBucketsResult
{
    QList<BucketInfo> buckets;
    QString ownerId;
    QString ownerDisplayName;
};

struct ObjectInfo
{
    QString key;
    qint64 size = 0;
    QDateTime lastModified;
    QString eTag; // as sent, quotes included, so it compares with the ETag header
    QString storageClass;
};

// One page of ListObjectsV2. Keys and prefixes are already percent-decoded.
struct ListObjectsPage
{
    QString bucket;
    QString prefix;
    QString delimiter;
    QList<ObjectInfo> objects;
    QStringList commonPrefixes;
    bool isTruncated = false;
    QString nextContinuationToken; // never empty when isTruncated
    int keyCount = 0;
};

struct InitiateMultipartResult
{
    QString bucket;
    QString key;
    QString uploadId;
};

struct CompleteMultipartResult
{
    QString location;
    QString bucket;
    QString key;
    QString eTag;
};

// The flexible checksum S3 keeps with an object, as an answer names it (x-amz-checksum-<algorithm> and
// x-amz-checksum-type; asked for with x-amz-checksum-mode: ENABLED).
struct ObjectChecksum
{
    Checksum checksum;
    bool composite = false;  // COMPOSITE: the checksum of the parts' checksums, shown with "-N"
    int parts = 0;           // ...and N, the number of parts (0 for a full-object checksum)

    bool isValid() const { return checksum.isValid(); }
};

// One page of ListParts: the parts an unfinished multipart upload holds.
struct UploadedPart
{
    int number = 0;
    QString eTag;       // quotes included
    qint64 size = 0;
    Checksum checksum;  // the part's, when the upload was created with a checksum algorithm
};
struct ListPartsPage
{
    QList<UploadedPart> parts;
    bool isTruncated = false;
    int nextPartNumberMarker = 0;
};

// One page of ListMultipartUploads: uploads started and neither completed nor aborted.
struct MultipartUploadInfo
{
    QString key;
    QString uploadId;
    QDateTime initiated;
};
struct ListMultipartUploadsPage
{
    QList<MultipartUploadInfo> uploads;
    bool isTruncated = false;
    QString nextKeyMarker;
    QString nextUploadIdMarker;
};

struct DeleteObjectsResult
{
    QStringList deleted;
    QList<std::pair<QString, AwsError>> failed; // key and why it was not deleted
};

// Filled from the response headers of HeadObject/GetObject by the S3 client.
struct ObjectMetadata
{
    qint64 size = 0;
    QDateTime lastModified;
    QString eTag;
    QString contentType;
    QString storageClass;
    QMap<QString, QString> userMetadata; // x-amz-meta-* without the prefix
    QString versionId;
    int partsCount = 0;                  // asked with a part number: how many parts the object has (0: not said)
    ObjectChecksum checksum;             // asked for with checksum mode, when the server keeps one
};

} // namespace RoleDrop::S3
