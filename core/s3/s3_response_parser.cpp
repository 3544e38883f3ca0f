#include "core/s3/s3_response_parser.h"

#include "core/common/xml_reading.h"
#include "core/http/error_response_parser.h"

#include <QStringDecoder>
#include <QUrl>

#include <limits>

namespace RoleDrop::S3 {

namespace {

// <Root>...</Root> with the shared checks around a reader for the root's children.
template <class Result>
Outcome<Result> parseS3Response(const QByteArray &body, const QString &operation, QStringView rootName,
                                void (*readChildren)(XmlResponseReader &, Result &))
{
    XmlResponseReader xml(body, operation);
    if (!xml.readRoot())
        return xml.error();
    if (xml.rootIsErrorDocument())
        return Http::parseErrorDocumentInSuccess(200, body, operation);
    if (!xml.expectRoot(rootName))
        return xml.error();
    Result result;
    readChildren(xml, result);
    if (!xml.readToEnd())
        return xml.error();
    return result;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Undoes S3's encoding-type=url (as botocore's unquote_plus does): '+' is a space, "%XX" a byte,
// and the bytes must be UTF-8. A leading byte order mark is part of the key and stays.
std::optional<QString> decodeUrlEncoded(const QString &text)
{
    const QByteArray encoded = text.toUtf8();
    QByteArray bytes;
    bytes.reserve(encoded.size());
    for (qsizetype i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '+') {
            bytes += ' ';
        } else if (c == '%') {
            if (i + 2 >= encoded.size())
                return std::nullopt;
            const int high = hexValue(encoded[i + 1]);
            const int low = hexValue(encoded[i + 2]);
            if (high < 0 || low < 0)
                return std::nullopt;
            bytes += char(high * 16 + low);
            i += 2;
        } else {
            bytes += c;
        }
    }
    QStringDecoder utf8(QStringDecoder::Utf8,
                        QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    QString decoded = utf8(bytes);
    if (utf8.hasError())
        return std::nullopt;
    return decoded;
}

QString shown(const QString &value)
{
    constexpr qsizetype maxShown = 60;
    return value.size() > maxShown ? value.left(maxShown) + QChar(0x2026) : value;
}

bool decodeInPlace(XmlResponseReader &xml, const QString &what, QString &value)
{
    const auto decoded = decodeUrlEncoded(value);
    if (!decoded) {
        xml.fail(QStringLiteral("%1 '%2' is not percent-encoded UTF-8").arg(what, shown(value)));
        return false;
    }
    value = *decoded;
    return true;
}

// --- ListBuckets -----------------------------------------------------------------------------------

void readOwner(XmlResponseReader &xml, ListBucketsResult &result)
{
    bool seenId = false, seenName = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"ID")) {
            if (xml.once(seenId))
                result.ownerId = xml.readText();
        } else if (xml.isNamed(u"DisplayName")) {
            if (xml.once(seenName))
                result.ownerDisplayName = xml.readText();
        } else {
            xml.skipElement();
        }
    }
}

void readBucket(XmlResponseReader &xml, BucketInfo &bucket)
{
    bool seenName = false, seenDate = false, seenRegion = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Name")) {
            if (xml.once(seenName))
                bucket.name = xml.readText();
        } else if (xml.isNamed(u"CreationDate")) {
            if (xml.once(seenDate))
                bucket.creationDate = xml.readTimestamp(QStringLiteral("CreationDate"));
        } else if (xml.isNamed(u"BucketRegion")) {
            if (xml.once(seenRegion))
                bucket.region = xml.readText();
        } else {
            xml.skipElement();
        }
    }
    if (xml.hasError())
        return;
    if (bucket.name.isEmpty())
        xml.fail(QStringLiteral("a <Bucket> has no Name"));
    else if (!seenDate)
        xml.fail(QStringLiteral("bucket '%1' has no CreationDate").arg(shown(bucket.name)));
}

void readBuckets(XmlResponseReader &xml, ListBucketsResult &result)
{
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Bucket")) {
            BucketInfo bucket;
            readBucket(xml, bucket);
            result.buckets.append(std::move(bucket));
        } else {
            xml.skipElement();
        }
    }
}

void readListBuckets(XmlResponseReader &xml, ListBucketsResult &result)
{
    bool seenOwner = false, seenBuckets = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Owner")) {
            if (xml.once(seenOwner))
                readOwner(xml, result);
        } else if (xml.isNamed(u"Buckets")) {
            if (xml.once(seenBuckets))
                readBuckets(xml, result);
        } else {
            xml.skipElement();
        }
    }
    // With no buckets AWS still sends an empty <Buckets/>: its absence means a cut or foreign document.
    if (!xml.hasError() && !seenBuckets)
        xml.fail(QStringLiteral("<Buckets> is missing"));
}

// --- ListObjectsV2 ---------------------------------------------------------------------------------

void readObject(XmlResponseReader &xml, ObjectInfo &object)
{
    bool seenKey = false, seenSize = false, seenModified = false, seenETag = false, seenClass = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Key")) {
            // Not trimmed: a key may start or end with spaces.
            if (xml.once(seenKey))
                object.key = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else if (xml.isNamed(u"Size")) {
            if (xml.once(seenSize))
                object.size = xml.readNonNegativeInt64(QStringLiteral("Size")).value_or(0);
        } else if (xml.isNamed(u"LastModified")) {
            if (xml.once(seenModified))
                object.lastModified = xml.readTimestamp(QStringLiteral("LastModified"));
        } else if (xml.isNamed(u"ETag")) {
            if (xml.once(seenETag))
                object.eTag = xml.readText();
        } else if (xml.isNamed(u"StorageClass")) {
            if (xml.once(seenClass))
                object.storageClass = xml.readText();
        } else {
            xml.skipElement();
        }
    }
    if (xml.hasError())
        return;
    if (!seenKey || object.key.isEmpty())
        xml.fail(QStringLiteral("a <Contents> has no Key"));
    else if (!seenSize)
        xml.fail(QStringLiteral("key '%1' has no Size").arg(shown(object.key)));
    else if (!seenModified)
        xml.fail(QStringLiteral("key '%1' has no LastModified").arg(shown(object.key)));
}

void readCommonPrefix(XmlResponseReader &xml, ListObjectsPage &page)
{
    bool seenPrefix = false;
    QString prefix;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Prefix")) {
            if (xml.once(seenPrefix))
                prefix = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else {
            xml.skipElement();
        }
    }
    if (xml.hasError())
        return;
    if (prefix.isEmpty())
        xml.fail(QStringLiteral("a <CommonPrefixes> has no Prefix"));
    else
        page.commonPrefixes.append(prefix);
}

// What ListObjectsV2 sends besides the page itself.
struct ListObjectsExtras
{
    bool urlEncodedRequest = false;
    bool urlEncodedResponse = false;
    bool seenName = false, seenPrefix = false, seenDelimiter = false, seenStartAfter = false, seenKeyCount = false,
         seenTruncated = false, seenNextToken = false, seenEncoding = false;
    QString startAfter;
};

void decodeListing(XmlResponseReader &xml, ListObjectsPage &page, ListObjectsExtras &extras)
{
    // AWS encodes Prefix, Delimiter and StartAfter too; Ceph RGW 16.2 sends them as given. They only echo
    // the request, so they are decoded when they decode and kept otherwise (the client knows what it sent).
    // Keys and CommonPrefixes, which both encode, stay strict.
    for (QString *echoed : {&page.prefix, &page.delimiter, &extras.startAfter}) {
        if (const auto decoded = decodeUrlEncoded(*echoed))
            *echoed = *decoded;
    }
    for (ObjectInfo &object : page.objects) {
        if (!decodeInPlace(xml, QStringLiteral("Key"), object.key))
            return;
    }
    for (QString &prefix : page.commonPrefixes) {
        if (!decodeInPlace(xml, QStringLiteral("CommonPrefixes Prefix"), prefix))
            return;
    }
}

void readListObjects(XmlResponseReader &xml, ListObjectsPage &page, ListObjectsExtras &extras)
{
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Contents")) {
            ObjectInfo object;
            readObject(xml, object);
            page.objects.append(std::move(object));
        } else if (xml.isNamed(u"CommonPrefixes")) {
            readCommonPrefix(xml, page);
        } else if (xml.isNamed(u"Name")) {
            if (xml.once(extras.seenName))
                page.bucket = xml.readText();
        } else if (xml.isNamed(u"Prefix")) {
            if (xml.once(extras.seenPrefix))
                page.prefix = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else if (xml.isNamed(u"Delimiter")) {
            if (xml.once(extras.seenDelimiter))
                page.delimiter = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else if (xml.isNamed(u"StartAfter")) {
            if (xml.once(extras.seenStartAfter))
                extras.startAfter = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else if (xml.isNamed(u"KeyCount")) {
            if (xml.once(extras.seenKeyCount))
                page.keyCount = xml.readNonNegativeInt(QStringLiteral("KeyCount")).value_or(0);
        } else if (xml.isNamed(u"IsTruncated")) {
            if (xml.once(extras.seenTruncated))
                page.isTruncated = xml.readBool(QStringLiteral("IsTruncated")).value_or(false);
        } else if (xml.isNamed(u"NextContinuationToken")) {
            if (xml.once(extras.seenNextToken))
                page.nextContinuationToken = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else if (xml.isNamed(u"EncodingType")) {
            if (xml.once(extras.seenEncoding)) {
                const QString encoding = xml.readText();
                extras.urlEncodedResponse = encoding.compare(QLatin1String("url"), Qt::CaseInsensitive) == 0;
                if (!xml.hasError() && !encoding.isEmpty() && !extras.urlEncodedResponse)
                    xml.fail(QStringLiteral("EncodingType '%1' is not supported").arg(shown(encoding)));
            }
        } else {
            xml.skipElement();
        }
    }
    if (xml.hasError())
        return;
    if (page.bucket.isEmpty()) {
        xml.fail(QStringLiteral("Name (the bucket) is missing"));
        return;
    }
    // Without IsTruncated nobody can tell whether the listing is complete.
    if (!extras.seenTruncated) {
        xml.fail(QStringLiteral("IsTruncated is missing"));
        return;
    }
    if (page.isTruncated && page.nextContinuationToken.isEmpty()) {
        xml.fail(QStringLiteral("IsTruncated is true but NextContinuationToken is missing"));
        return;
    }
    if (!extras.seenKeyCount)
        page.keyCount
            = int(qMin<qsizetype>(page.objects.size() + page.commonPrefixes.size(), std::numeric_limits<int>::max()));
    if (extras.urlEncodedRequest || extras.urlEncodedResponse)
        decodeListing(xml, page, extras);
}

// --- Multipart and DeleteObjects ---------------------------------------------------------------------

void readInitiateMultipart(XmlResponseReader &xml, InitiateMultipartResult &result)
{
    bool seenBucket = false, seenKey = false, seenUploadId = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Bucket")) {
            if (xml.once(seenBucket))
                result.bucket = xml.readText();
        } else if (xml.isNamed(u"Key")) {
            if (xml.once(seenKey))
                result.key = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else if (xml.isNamed(u"UploadId")) {
            if (xml.once(seenUploadId))
                result.uploadId = xml.readText();
        } else {
            xml.skipElement();
        }
    }
    if (!xml.hasError() && result.uploadId.isEmpty())
        xml.fail(QStringLiteral("UploadId is missing"));
}

void readCompleteMultipart(XmlResponseReader &xml, CompleteMultipartResult &result)
{
    bool seenLocation = false, seenBucket = false, seenKey = false, seenETag = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Location")) {
            if (xml.once(seenLocation))
                result.location = xml.readText();
        } else if (xml.isNamed(u"Bucket")) {
            if (xml.once(seenBucket))
                result.bucket = xml.readText();
        } else if (xml.isNamed(u"Key")) {
            if (xml.once(seenKey))
                result.key = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else if (xml.isNamed(u"ETag")) {
            if (xml.once(seenETag))
                result.eTag = xml.readText();
        } else {
            xml.skipElement();
        }
    }
    // No check on the ETag: Ceph RGW 16.2 answers a successful completion with an empty <ETag></ETag>
    // (and sends the real one only on a repeated completion); HeadObject has it.
}

void readPart(XmlResponseReader &xml, ListPartsPage &page)
{
    UploadedPart part;
    bool seenNumber = false, seenETag = false, seenSize = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"PartNumber")) {
            if (xml.once(seenNumber))
                part.number = xml.readNonNegativeInt(QStringLiteral("PartNumber")).value_or(0);
        } else if (xml.isNamed(u"ETag")) {
            if (xml.once(seenETag))
                part.eTag = xml.readText();
        } else if (xml.isNamed(u"Size")) {
            if (xml.once(seenSize))
                part.size = xml.readNonNegativeInt64(QStringLiteral("Size")).value_or(0);
        } else if (xml.isNamed(u"ChecksumCRC64NVME") || xml.isNamed(u"ChecksumCRC32C") || xml.isNamed(u"ChecksumCRC32")) {
            const ChecksumAlgorithm algorithm = xml.isNamed(u"ChecksumCRC64NVME") ? ChecksumAlgorithm::Crc64Nvme
                : xml.isNamed(u"ChecksumCRC32C")                                  ? ChecksumAlgorithm::Crc32c
                                                                                  : ChecksumAlgorithm::Crc32;
            // An unreadable checksum is left out: the part is then checked by its ETag and bytes alone.
            if (const auto checksum = Checksum::fromBase64(algorithm, xml.readText().toLatin1()))
                part.checksum = *checksum;
        } else {
            xml.skipElement();  // LastModified, other checksums
        }
    }
    if (!xml.hasError() && (part.number < 1 || part.number > 10000 || !seenETag))
        xml.fail(QStringLiteral("a <Part> without a part number (1-10000) or an ETag"));
    else if (!xml.hasError())
        page.parts.append(part);
}

void readListParts(XmlResponseReader &xml, ListPartsPage &page)
{
    bool seenTruncated = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Part")) {
            readPart(xml, page);
        } else if (xml.isNamed(u"IsTruncated")) {
            if (xml.once(seenTruncated))
                page.isTruncated = xml.readBool(QStringLiteral("IsTruncated")).value_or(false);
        } else if (xml.isNamed(u"NextPartNumberMarker")) {
            page.nextPartNumberMarker = xml.readNonNegativeInt(QStringLiteral("NextPartNumberMarker")).value_or(0);
        } else {
            xml.skipElement();
        }
    }
    if (!xml.hasError() && page.isTruncated && page.nextPartNumberMarker <= 0)
        xml.fail(QStringLiteral("IsTruncated is true but NextPartNumberMarker is missing"));
}

void readUpload(XmlResponseReader &xml, ListMultipartUploadsPage &page)
{
    MultipartUploadInfo upload;
    bool seenKey = false, seenId = false, seenInitiated = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Key")) {
            if (xml.once(seenKey))
                upload.key = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else if (xml.isNamed(u"UploadId")) {
            if (xml.once(seenId))
                upload.uploadId = xml.readText();
        } else if (xml.isNamed(u"Initiated")) {
            if (xml.once(seenInitiated))
                upload.initiated = xml.readTimestamp(QStringLiteral("Initiated"));
        } else {
            xml.skipElement();  // Initiator, Owner, StorageClass
        }
    }
    if (!xml.hasError() && (upload.key.isEmpty() || upload.uploadId.isEmpty()))
        xml.fail(QStringLiteral("an <Upload> without a Key or an UploadId"));
    else if (!xml.hasError())
        page.uploads.append(upload);
}

void readListMultipartUploads(XmlResponseReader &xml, ListMultipartUploadsPage &page)
{
    bool seenTruncated = false, urlEncoded = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Upload")) {
            readUpload(xml, page);
        } else if (xml.isNamed(u"IsTruncated")) {
            if (xml.once(seenTruncated))
                page.isTruncated = xml.readBool(QStringLiteral("IsTruncated")).value_or(false);
        } else if (xml.isNamed(u"NextKeyMarker")) {
            page.nextKeyMarker = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else if (xml.isNamed(u"NextUploadIdMarker")) {
            page.nextUploadIdMarker = xml.readText();
        } else if (xml.isNamed(u"EncodingType")) {
            urlEncoded = xml.readText() == QLatin1String("url");
        } else {
            xml.skipElement();
        }
    }
    if (!xml.hasError() && page.isTruncated && page.nextKeyMarker.isEmpty() && page.nextUploadIdMarker.isEmpty())
        xml.fail(QStringLiteral("IsTruncated is true but the next markers are missing"));
    if (urlEncoded) {
        for (MultipartUploadInfo &upload : page.uploads)
            upload.key = QUrl::fromPercentEncoding(upload.key.toUtf8().replace('+', ' '));
        page.nextKeyMarker = QUrl::fromPercentEncoding(page.nextKeyMarker.toUtf8().replace('+', ' '));
    }
}

void readDeleted(XmlResponseReader &xml, DeleteObjectsResult &result)
{
    bool seenKey = false;
    QString key;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Key")) {
            if (xml.once(seenKey))
                key = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else {
            xml.skipElement(); // VersionId, DeleteMarker, DeleteMarkerVersionId
        }
    }
    if (xml.hasError())
        return;
    if (key.isEmpty())
        xml.fail(QStringLiteral("a <Deleted> has no Key"));
    else
        result.deleted.append(key);
}

void readDeleteError(XmlResponseReader &xml, DeleteObjectsResult &result)
{
    bool seenKey = false, seenCode = false, seenMessage = false;
    QString key;
    AwsError error;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Key")) {
            if (xml.once(seenKey))
                key = xml.readText(XmlResponseReader::Whitespace::Keep);
        } else if (xml.isNamed(u"Code")) {
            if (xml.once(seenCode))
                error.code = xml.readText();
        } else if (xml.isNamed(u"Message")) {
            if (xml.once(seenMessage))
                error.message = xml.readText();
        } else {
            xml.skipElement(); // VersionId
        }
    }
    if (xml.hasError())
        return;
    if (key.isEmpty()) {
        xml.fail(QStringLiteral("an <Error> has no Key"));
        return;
    }
    // The whole answer was 200: the per-key code alone says what went wrong.
    error.kind = AwsError::kindFromCode(error.code, error.message, 0);
    result.failed.append({key, error});
}

void readDeleteResult(XmlResponseReader &xml, DeleteObjectsResult &result)
{
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Deleted"))
            readDeleted(xml, result);
        else if (xml.isNamed(u"Error"))
            readDeleteError(xml, result);
        else
            xml.skipElement();
    }
}

} // namespace

Outcome<ListBucketsResult> parseListBucketsResponse(const QByteArray &body)
{
    return parseS3Response<ListBucketsResult>(body, QStringLiteral("ListBuckets"), u"ListAllMyBucketsResult",
                                              readListBuckets);
}

Outcome<ListObjectsPage> parseListObjectsV2Response(const QByteArray &body, bool urlEncoded)
{
    XmlResponseReader xml(body, QStringLiteral("ListObjectsV2"));
    if (!xml.readRoot())
        return xml.error();
    if (xml.rootIsErrorDocument())
        return Http::parseErrorDocumentInSuccess(200, body, QStringLiteral("ListObjectsV2"));
    if (!xml.expectRoot(u"ListBucketResult"))
        return xml.error();
    ListObjectsPage page;
    ListObjectsExtras extras;
    extras.urlEncodedRequest = urlEncoded;
    readListObjects(xml, page, extras);
    if (!xml.readToEnd())
        return xml.error();
    return page;
}

Outcome<InitiateMultipartResult> parseInitiateMultipartResponse(const QByteArray &body)
{
    return parseS3Response<InitiateMultipartResult>(body, QStringLiteral("CreateMultipartUpload"),
                                                    u"InitiateMultipartUploadResult", readInitiateMultipart);
}

Outcome<CompleteMultipartResult> parseCompleteMultipartResponse(const QByteArray &body)
{
    return parseS3Response<CompleteMultipartResult>(body, QStringLiteral("CompleteMultipartUpload"),
                                                    u"CompleteMultipartUploadResult", readCompleteMultipart);
}

Outcome<DeleteObjectsResult> parseDeleteObjectsResponse(const QByteArray &body)
{
    return parseS3Response<DeleteObjectsResult>(body, QStringLiteral("DeleteObjects"), u"DeleteResult",
                                                readDeleteResult);
}

Outcome<ListPartsPage> parseListPartsResponse(const QByteArray &body)
{
    return parseS3Response<ListPartsPage>(body, QStringLiteral("ListParts"), u"ListPartsResult", readListParts);
}

Outcome<ListMultipartUploadsPage> parseListMultipartUploadsResponse(const QByteArray &body)
{
    return parseS3Response<ListMultipartUploadsPage>(body, QStringLiteral("ListMultipartUploads"),
                                                     u"ListMultipartUploadsResult", readListMultipartUploads);
}

} // namespace RoleDrop::S3
