#pragma once

#include "core/common/aws_error.h"

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
};

} // namespace RoleDrop::S3
