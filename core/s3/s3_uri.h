#pragma once

#include "core/common/outcome.h"

#include <QString>

namespace RoleDrop::S3 {

// "s3://bucket/some/key" split into its parts. The key may be empty (a bucket) or end in '/' (a prefix).
struct S3Uri
{
    QString bucket;
    QString key;

    QString toString() const { return QStringLiteral("s3://") + bucket + (key.isEmpty() ? QString() : QLatin1Char('/') + key); }
    bool isPrefix() const { return key.isEmpty() || key.endsWith(QLatin1Char('/')); }
};

Outcome<S3Uri> parseS3Uri(const QString &text);

// S3's bucket naming rules (3-63 chars, lowercase, digits, dots, hyphens); RGW's looser legacy names are
// still accepted for existing buckets, so this is only used when creating or typing a name.
bool isValidBucketName(const QString &name);

} // namespace RoleDrop::S3
