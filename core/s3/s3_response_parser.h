#pragma once

#include "core/common/outcome.h"
#include "core/s3/s3_types.h"

#include <QByteArray>

namespace RoleDrop::S3 {

// Parsers for the 200 answers of S3 (AWS, Ceph RGW and other S3-compatible servers; namespace-agnostic).
// Anything but a complete, valid answer is a MalformedResponse naming the problem and its position;
// an <Error> document sent with 200 (CompleteMultipartUpload does that) becomes that error.

Outcome<ListBucketsResult> parseListBucketsResponse(const QByteArray &body);

// urlEncoded: the request asked for encoding-type=url, so Key, Prefix, StartAfter, Delimiter and
// CommonPrefixes are percent-encoded UTF-8 (with '+' for a space) and come back decoded. A response
// that itself says <EncodingType>url</EncodingType> is decoded in any case.
Outcome<ListObjectsPage> parseListObjectsV2Response(const QByteArray &body, bool urlEncoded);

Outcome<InitiateMultipartResult> parseInitiateMultipartResponse(const QByteArray &body);
Outcome<CompleteMultipartResult> parseCompleteMultipartResponse(const QByteArray &body);
Outcome<DeleteObjectsResult> parseDeleteObjectsResponse(const QByteArray &body);
Outcome<ListPartsPage> parseListPartsResponse(const QByteArray &body);
// Keys are decoded when the answer says <EncodingType>url</EncodingType>.
Outcome<ListMultipartUploadsPage> parseListMultipartUploadsResponse(const QByteArray &body);

} // namespace RoleDrop::S3
