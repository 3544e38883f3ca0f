#include "core/s3/s3_uri.h"

#include <QRegularExpression>

namespace RoleDrop::S3 {

Outcome<S3Uri> parseS3Uri(const QString &text)
{
    static const QString scheme = QStringLiteral("s3://");
    if (!text.startsWith(scheme, Qt::CaseInsensitive))
        return AwsError::validation(QStringLiteral("'%1' is not an S3 URI: expected s3://bucket/key").arg(text));
    const QString rest = text.mid(scheme.size());
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    S3Uri uri;
    uri.bucket = slash < 0 ? rest : rest.left(slash);
    uri.key = slash < 0 ? QString() : rest.mid(slash + 1);
    if (uri.bucket.isEmpty())
        return AwsError::validation(QStringLiteral("'%1' names no bucket: expected s3://bucket/key").arg(text));
    if (uri.bucket.contains(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]"))))
        return AwsError::validation(QStringLiteral("'%1' is not a valid bucket name").arg(uri.bucket));
    return uri;
}

bool isValidBucketName(const QString &name)
{
    static const QRegularExpression rule(QRegularExpression::anchoredPattern(QStringLiteral("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")));
    static const QRegularExpression ipLike(QRegularExpression::anchoredPattern(QStringLiteral("\\d+\\.\\d+\\.\\d+\\.\\d+")));
    // Names S3 reserves for its own features (punycode, access points, object lambda).
    const bool reserved = name.startsWith(QLatin1String("xn--")) || name.startsWith(QLatin1String("sthree-"))
        || name.endsWith(QLatin1String("-s3alias")) || name.endsWith(QLatin1String("--ol-s3"));
    return rule.match(name).hasMatch() && !ipLike.match(name).hasMatch() && !name.contains(QLatin1String("..")) && !reserved;
}

} // namespace RoleDrop::S3
