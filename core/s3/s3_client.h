#pragma once

#include "core/common/async_result.h"
#include "core/http/aws_http_client.h"
#include "core/http/credential_source.h"
#include "core/http/endpoint_config.h"
#include "core/s3/checksum_settings.h"
#include "core/s3/s3_types.h"

#include <QHash>

#include <memory>

namespace RoleDrop::Http {
class AwsCall;
}

namespace RoleDrop::S3 {

struct ListObjectsRequest
{
    QString bucket;
    QString prefix;
    QString delimiter = QStringLiteral("/");
    QString continuationToken;   // set by ObjectPager / listEachPage (object_listing.h), not by callers
    int maxKeys = 1000;
};

// One streamed PUT: the whole object, or a part of a multipart upload when uploadId is set.
struct PutObjectRequest
{
    QString bucket;
    QString key;
    // Opens the bytes to send (e.g. a range of a file), afresh for each attempt; `length` bytes long.
    std::function<std::unique_ptr<QIODevice>()> openBody;
    qint64 length = 0;
    // Hex SHA-256 of those bytes (what SigV4 signs). Empty: UNSIGNED-PAYLOAD, allowed only with a checksum over
    // https (see S3Client::needsPayloadSha256), where TLS and the server's check of the CRC guard the bytes.
    QByteArray payloadHash;
    Checksum checksum;        // the bytes' CRC, sent for the server to verify (none: not sent)
    QString contentType;      // the whole object only
    bool ifNoneMatch = false; // the whole object only: If-None-Match: *, never replace an existing object
    QString uploadId;         // a part: its upload and number
    int partNumber = 0;
};

struct CreateMultipartRequest
{
    QString bucket;
    QString key;
    QString contentType;
    ChecksumAlgorithm checksumAlgorithm = ChecksumAlgorithm::None;  // FULL_OBJECT type; None: no checksum
    bool compositeChecksum = false;  // COMPOSITE type instead (the checksum of the parts' checksums)
};

// One part as CompleteMultipartUpload lists it.
struct CompletedPart
{
    int number = 0;
    QString eTag;
    Checksum checksum;   // the part's, when the upload has a checksum algorithm
};

struct CompleteMultipartRequest
{
    QString bucket;
    QString key;
    QString uploadId;
    QList<CompletedPart> parts;   // in ascending order
    Checksum wholeObject;         // FULL_OBJECT: the whole object's checksum, which the server compares
    bool ifNoneMatch = false;     // If-None-Match: *, never replace an existing object
};

struct PutObjectResult
{
    QString eTag;
};

// A GET of bytes [offset, offset + length) of an object, or all of it when length < 0.
struct GetObjectRequest
{
    QString bucket;
    QString key;
    qint64 offset = 0;
    qint64 length = -1;
    QByteArray ifMatch;       // the ETag the object must still have
};

// What the answer to a GetObjectRequest says about itself before its bytes arrive.
struct ObjectStreamHead
{
    int status = 0;           // 200 (the whole object) or 206 (the range)
    qint64 objectSize = -1;   // from Content-Range (206) or Content-Length (200); -1 when not said
    qint64 rangeStart = 0;    // the first byte this answer carries
    qint64 length = -1;       // how many bytes this answer carries; -1 when not said
    QByteArray eTag;
    QByteArray encryption;    // x-amz-server-side-encryption (with aws:kms the ETag is no MD5 of the bytes)
    ObjectChecksum checksum;  // the object's stored checksum, when asked for and given (whole answers only)
};

// Bucket regions learned from redirects, shared by the S3 clients of one endpoint.
using BucketRegions = QHash<QString, QString>;

// S3's REST API on top of AwsHttpClient, as one identity (a CredentialSource) at one endpoint, both fixed for
// the client's life: a transfer holds the client it was queued with, so a role switch elsewhere never
// changes where or as whom its remaining requests go. Addressing (virtual-hosted or path-style), the
// per-bucket region learned from redirects, and the mapping of every answer to a typed result or an error
// naming the caller, the action and the resource all happen here, for small requests and streamed ones
// alike. Operations follow the async contract of core/common/async_result.h. Make it with make_shared.
class S3Client final : public std::enable_shared_from_this<S3Client>
{
public:
    S3Client(Http::AwsHttpClient *http, Http::CredentialSourcePtr caller, Http::EndpointConfig endpoint,
             std::shared_ptr<BucketRegions> regions = std::make_shared<BucketRegions>(), ChecksumSettings checksums = {});
    Q_DISABLE_COPY_MOVE(S3Client)

    template <class T>
    using Handler = ResultHandler<T>;
    using Progress = std::function<void(qint64 done, qint64 total)>;

    const Http::CredentialSourcePtr &caller() const { return m_caller; }
    QString identityName() const;
    const Http::EndpointConfig &endpoint() const { return m_endpoint; }
    Http::AwsHttpClient *http() const { return m_http; }
    const ChecksumSettings &checksums() const { return m_checksums; }
    // Whether a streamed body must be signed with its SHA-256: always over http, and over https when it carries
    // no checksum. Otherwise it goes as UNSIGNED-PAYLOAD with its CRC, as the SDKs send it, and the bytes are
    // read once less before they are sent.
    bool needsPayloadSha256(bool withChecksum) const;

    Http::AwsCall *listBuckets(QObject *context, Handler<ListBucketsResult> done) const;
    // One page; paging through a prefix is ObjectPager's and listEachPage's job (object_listing.h).
    Http::AwsCall *listObjects(const ListObjectsRequest &request, QObject *context, Handler<ListObjectsPage> done) const;
    Http::AwsCall *headBucket(const QString &bucket, QObject *context, Handler<QString> doneWithRegion) const;
    // With a part number (> 0), S3 answers for that part of a multipart object: its size, and the parts count.
    // With checksum mode, the object's stored checksum as well (the part's, with a part number).
    Http::AwsCall *headObject(const QString &bucket, const QString &key, QObject *context, Handler<ObjectMetadata> done,
                              int partNumber = 0, bool checksumMode = false) const;
    Http::AwsCall *deleteObject(const QString &bucket, const QString &key, QObject *context, Handler<Done> done) const;
    // Any number of keys, 1,000 per request.
    Http::AwsCall *deleteObjects(const QString &bucket, const QStringList &keys, QObject *context,
                                 Handler<DeleteObjectsResult> done) const;
    Http::AwsCall *createFolder(const QString &bucket, const QString &prefix, QObject *context, Handler<Done> done) const;
    Http::AwsCall *putBytes(const QString &bucket, const QString &key, const QByteArray &bytes, const QString &contentType,
                            QObject *context, Handler<QString> doneWithEtag) const;

    // Streamed from the request's body: the whole object, or one part. `onSent` follows the bytes going out.
    Http::AwsCall *putObject(const PutObjectRequest &request, QObject *context, Progress onSent,
                             Handler<PutObjectResult> done) const;
    // Streamed to the caller: `onHead` (once) and `onData` (each piece, in order) before `done`. A handler
    // returning an error stops the GET with it. Unless response validation is off (ChecksumSettings), it asks for
    // the stored checksum, which S3 gives for a whole object (not for a range): ObjectStreamHead::checksum.
    using StreamHeadHandler = std::function<std::optional<AwsError>(const ObjectStreamHead &head)>;
    using StreamDataHandler = std::function<std::optional<AwsError>(const QByteArray &chunk)>;
    Http::AwsCall *getObject(const GetObjectRequest &request, QObject *context, StreamHeadHandler onHead,
                             StreamDataHandler onData, Handler<Done> done) const;

    // Multipart pieces (the upload transfer drives them).
    Http::AwsCall *createMultipartUpload(const CreateMultipartRequest &request, QObject *context,
                                         Handler<InitiateMultipartResult> done) const;
    Http::AwsCall *completeMultipartUpload(const CompleteMultipartRequest &request, QObject *context,
                                           Handler<CompleteMultipartResult> done) const;
    Http::AwsCall *abortMultipartUpload(const QString &bucket, const QString &key, const QString &uploadId,
                                        QObject *context, Handler<Done> done) const;
    // Every part an unfinished upload holds (all pages).
    Http::AwsCall *listParts(const QString &bucket, const QString &key, const QString &uploadId, QObject *context,
                             Handler<QList<UploadedPart>> done) const;
    // Every unfinished multipart upload under `prefix` (all pages).
    Http::AwsCall *listMultipartUploads(const QString &bucket, const QString &prefix, QObject *context,
                                        Handler<QList<MultipartUploadInfo>> done) const;

    // A presigned URL (GET or PUT) valid for `expiresSeconds` (1 s to 7 days), made with the current credentials.
    Outcome<QUrl> presign(const QByteArray &method, const QString &bucket, const QString &key, int expiresSeconds) const;

private:
    Http::AwsHttpRequest objectRequest(const QByteArray &method, const QString &bucket, const QString &key) const;
    // Sends as this client's identity and maps any non-2xx answer to an AwsError for `action` on `resource`
    // (following a region redirect once). The one way every operation here talks to S3.
    void send(Http::AwsCall *call, Http::AwsHttpRequest request, const QString &action, const QString &resource,
              Handler<Http::AwsHttpResponse> done, Http::AwsHttpStreaming streaming = {}, int redirects = 0) const;
    // A 307's Location, when it is the same service: the host itself, or another host of amazonaws.com.
    std::optional<QUrl> trustedRedirect(const QByteArray &location, const QUrl &from) const;
    AwsError annotate(AwsError error, const QString &action, const QString &resource) const;
    // A parsed answer, its error (an answer that could not be read) naming the caller, action and resource.
    template <class T>
    Outcome<T> named(Outcome<T> parsed, const QString &action, const QString &resource) const
    {
        if (!parsed)
            return annotate(parsed.error(), action, resource);
        return parsed;
    }
    QString regionFor(const QString &bucket) const;

    Http::AwsHttpClient *m_http;
    Http::CredentialSourcePtr m_caller;
    Http::EndpointConfig m_endpoint;
    std::shared_ptr<BucketRegions> m_regions;
    ChecksumSettings m_checksums;
};

QString s3ResourceName(const QString &bucket, const QString &key = QString());

} // namespace RoleDrop::S3
