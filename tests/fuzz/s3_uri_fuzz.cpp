// libFuzzer target for core/s3/s3_uri: the input, as UTF-8, is parsed as an S3 URI and checked as a bucket
// name. A parsed URI names a bucket S3 could have and survives toString() and a second parse; a bucket name
// isValidBucketName accepts is accepted in a URI too.

#include "core/s3/s3_uri.h"

#include "fuzz_check.h"

using namespace RoleDrop;
using namespace RoleDrop::S3;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));

    const auto uri = parseS3Uri(text);
    if (!uri) {
        Fuzz::checkError(uri.error(), "parseS3Uri");
        FUZZ_CHECK(uri.error().kind == AwsErrorKind::Validation, uri.error().message);
    } else {
        const QString context = QStringLiteral("'%1' -> bucket '%2', key '%3'").arg(text, uri->bucket, uri->key);
        FUZZ_CHECK(!uri->bucket.isEmpty(), context);
        for (const QChar c : uri->bucket)
            FUZZ_CHECK(c.isLetterOrNumber() ? c.unicode() < 128 : (c == QLatin1Char('.') || c == QLatin1Char('-') || c == QLatin1Char('_')), context);
        FUZZ_CHECK(uri->isPrefix() == (uri->key.isEmpty() || uri->key.endsWith(QLatin1Char('/'))), context);
        const auto again = parseS3Uri(uri->toString());
        FUZZ_CHECK(again && again->bucket == uri->bucket && again->key == uri->key,
                   context + QStringLiteral(" does not parse back from %1").arg(uri->toString()));
    }

    if (isValidBucketName(text)) {
        FUZZ_CHECK(text.size() >= 3 && text.size() <= 63 && text == text.toLower() && !text.contains(QLatin1String("..")), text);
        const auto named = parseS3Uri(QStringLiteral("s3://") + text + QStringLiteral("/key"));
        FUZZ_CHECK(named && named->bucket == text && named->key == QLatin1String("key"), QStringLiteral("valid bucket '%1' refused in a URI").arg(text));
    }
    return 0;
}
