// libFuzzer target for core/s3/s3_response_parser: the first byte picks the parser (B ListBuckets,
// L ListObjectsV2, U ListObjectsV2 with encoding-type=url, I CreateMultipartUpload, C CompleteMultipartUpload,
// D DeleteObjects; any other byte modulo 6), the rest is the body. Beyond not crashing, a successful parse
// must hold what its callers rely on, and a failure must be a real error.

#include "core/s3/s3_response_parser.h"

#include "fuzz_check.h"

#include <cstring>

using namespace RoleDrop;
using namespace RoleDrop::S3;

namespace {

void check(const Outcome<ListBucketsResult> &parsed)
{
    if (!parsed)
        return Fuzz::checkError(parsed.error(), "ListBuckets");
    for (const BucketInfo &bucket : parsed->buckets) {
        FUZZ_CHECK(!bucket.name.isEmpty(), QStringLiteral("a bucket without a name"));
        FUZZ_CHECK(Fuzz::isUtc(bucket.creationDate), QStringLiteral("bucket %1: CreationDate not UTC").arg(bucket.name));
    }
}

void check(const Outcome<ListObjectsPage> &parsed)
{
    if (!parsed)
        return Fuzz::checkError(parsed.error(), "ListObjectsV2");
    const ListObjectsPage &page = parsed.value();
    FUZZ_CHECK(!page.bucket.isEmpty(), QStringLiteral("a page without a bucket"));
    // The browser asks for the next page with this token: an empty one would list the first page again.
    FUZZ_CHECK(!page.isTruncated || !page.nextContinuationToken.isEmpty(), QStringLiteral("truncated without a token"));
    FUZZ_CHECK(page.keyCount >= 0, QStringLiteral("KeyCount %1").arg(page.keyCount));
    for (const ObjectInfo &object : page.objects) {
        FUZZ_CHECK(!object.key.isEmpty(), QStringLiteral("an object without a key"));
        FUZZ_CHECK(object.size >= 0, QStringLiteral("key %1: size %2").arg(object.key).arg(object.size));
        FUZZ_CHECK(Fuzz::isUtc(object.lastModified), QStringLiteral("key %1: LastModified not UTC").arg(object.key));
    }
    for (const QString &prefix : page.commonPrefixes)
        FUZZ_CHECK(!prefix.isEmpty(), QStringLiteral("an empty common prefix"));
}

void check(const Outcome<InitiateMultipartResult> &parsed)
{
    if (!parsed)
        return Fuzz::checkError(parsed.error(), "CreateMultipartUpload");
    FUZZ_CHECK(!parsed->uploadId.isEmpty(), QStringLiteral("an upload without an UploadId"));
}

void check(const Outcome<CompleteMultipartResult> &parsed)
{
    // Nothing is required of a successful completion (Ceph RGW sends an empty ETag).
    if (!parsed)
        Fuzz::checkError(parsed.error(), "CompleteMultipartUpload");
}

void check(const Outcome<DeleteObjectsResult> &parsed)
{
    if (!parsed)
        return Fuzz::checkError(parsed.error(), "DeleteObjects");
    for (const QString &key : parsed->deleted)
        FUZZ_CHECK(!key.isEmpty(), QStringLiteral("a deleted object without a key"));
    for (const auto &[key, error] : parsed->failed) {
        FUZZ_CHECK(!key.isEmpty(), QStringLiteral("a failed deletion without a key"));
        Fuzz::checkError(error, "DeleteObjects <Error>");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char selectors[] = "BLUICD";
    const char parser = std::memchr(selectors, data[0], 6) ? char(data[0]) : selectors[data[0] % 6];
    const QByteArray body = Fuzz::bytes(data + 1, size - 1);
    switch (parser) {
    case 'B': check(parseListBucketsResponse(body)); break;
    case 'L': check(parseListObjectsV2Response(body, false)); break;
    case 'U': check(parseListObjectsV2Response(body, true)); break;
    case 'I': check(parseInitiateMultipartResponse(body)); break;
    case 'C': check(parseCompleteMultipartResponse(body)); break;
    case 'D': check(parseDeleteObjectsResponse(body)); break;
    }
    return 0;
}
