#include "core/s3/s3_client.h"

#include "core/http/error_response_parser.h"
#include "core/common/http_date.h"
#include "core/s3/checksum_headers.h"
#include "core/s3/s3_response_parser.h"
#include "core/sigv4/sigv4_presigner.h"

#include <QCryptographicHash>
#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QNetworkReply>

namespace RoleDrop::S3 {

QString s3ResourceName(const QString &bucket, const QString &key)
{
    return QStringLiteral("s3://") + bucket + (key.isEmpty() ? QString() : QLatin1Char('/') + key);
}

namespace {

const QString cancelledText = QStringLiteral("Cancelled");

// A region name as AWS makes them ("eu-west-3", "us-gov-west-1"): a server's answer becomes part of a host
// name only when it looks like one.
bool isRegionName(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z]{2}(-[a-z0-9]+){1,4}$"));
    return text.size() <= 32 && pattern.match(text).hasMatch();
}

// "bytes 0-8388607/1073741824" -> {0, 8388607, 1073741824}; nullopt when absent or malformed.
struct ContentRange
{
    qint64 first = 0;
    qint64 last = 0;
    qint64 total = 0;
};
std::optional<ContentRange> parseContentRange(const QByteArray &header)
{
    static const QRegularExpression pattern(QStringLiteral("^bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})$"));
    const auto match = pattern.match(QString::fromLatin1(header.trimmed()));
    if (!match.hasMatch())
        return std::nullopt;
    ContentRange range{match.captured(1).toLongLong(), match.captured(2).toLongLong(), match.captured(3).toLongLong()};
    if (range.last < range.first || range.last >= range.total)
        return std::nullopt;
    return range;
}

} // namespace

S3Client::S3Client(Http::AwsHttpClient *http, Http::CredentialSourcePtr caller, Http::EndpointConfig endpoint,
                   std::shared_ptr<BucketRegions> regions, ChecksumSettings checksums)
    : m_http(http), m_caller(std::move(caller)), m_endpoint(std::move(endpoint)), m_regions(std::move(regions)),
      m_checksums(checksums)
{
    if (!m_regions)
        m_regions = std::make_shared<BucketRegions>();
}

bool S3Client::needsPayloadSha256(bool withChecksum) const
{
    const bool https = !m_endpoint.customEndpoint.isValid() || m_endpoint.customEndpoint.scheme() == QLatin1String("https");
    return !(withChecksum && https);
}

QString S3Client::identityName() const
{
    return m_caller ? m_caller->nameForErrors() : QString();
}

QString S3Client::regionFor(const QString &bucket) const
{
    return m_regions->value(bucket, m_endpoint.region.isEmpty() ? QStringLiteral("us-east-1") : m_endpoint.region);
}

Http::AwsHttpRequest S3Client::objectRequest(const QByteArray &method, const QString &bucket, const QString &key) const
{
    Http::EndpointConfig config = m_endpoint;
    config.region = regionFor(bucket);
    const Http::S3Address address = Http::s3Address(config, bucket);
    Http::AwsHttpRequest request;
    request.method = method;
    request.baseUrl = address.baseUrl;
    request.path = address.pathPrefix + QLatin1Char('/') + key;
    request.service = QStringLiteral("s3");
    request.region = config.region;
    request.tls = m_endpoint.tls;
    return request;
}

AwsError S3Client::annotate(AwsError error, const QString &action, const QString &resource) const
{
    error.action = action;
    // A local file's trouble (a full disk mid-download) names that file, not the object.
    if (error.kind != AwsErrorKind::LocalFile || error.resource.isEmpty())
        error.resource = resource;
    error.identity = identityName();
    return error;
}

std::optional<QUrl> S3Client::trustedRedirect(const QByteArray &location, const QUrl &from) const
{
    const QUrl target = QUrl::fromEncoded(location, QUrl::StrictMode);
    if (!target.isValid() || target.scheme() != from.scheme() || target.host().isEmpty())
        return std::nullopt;
    const bool sameHost = target.host().compare(from.host(), Qt::CaseInsensitive) == 0;
    const auto isAws = [](const QString &host) { return host.endsWith(QLatin1String(".amazonaws.com"), Qt::CaseInsensitive); };
    // A signed request goes to no other service than the one it was made for (the keys sign for the host).
    if (!sameHost && !(isAws(target.host()) && isAws(from.host())))
        return std::nullopt;
    QUrl base;
    base.setScheme(target.scheme());
    base.setHost(target.host());
    base.setPort(target.port());
    return base;
}

void S3Client::send(Http::AwsCall *call, Http::AwsHttpRequest request, const QString &action, const QString &resource,
                    Handler<Http::AwsHttpResponse> done, Http::AwsHttpStreaming streaming, int redirects) const
{
    constexpr int maxRedirects = 3;
    const QString bucket = resource.startsWith(QLatin1String("s3://")) ? resource.mid(5).section(QLatin1Char('/'), 0, 0) : QString();
    auto self = shared_from_this();  // alive while its requests are
    // A streamed body to AWS goes to the bucket's own region the first time: learned with a HEAD before, so
    // that gigabytes are not sent to be told "elsewhere" (custom endpoints are one region).
    if (redirects == 0 && request.openBody && !bucket.isEmpty() && !m_endpoint.customEndpoint.isValid() && !m_regions->contains(bucket)) {
        Http::AwsHttpRequest head = objectRequest("HEAD", bucket, QString());
        m_http->send(call, m_caller, head, [=](Outcome<Http::AwsHttpResponse> answer) mutable {
            const QString region = answer ? QString::fromLatin1(answer->header("x-amz-bucket-region")) : QString();
            self->m_regions->insert(bucket, isRegionName(region) ? region : self->regionFor(bucket));
            const QString key = request.path.mid(Http::s3Address(self->m_endpoint, bucket).pathPrefix.size() + 1);
            const Http::AwsHttpRequest target = self->objectRequest(request.method, bucket, key);
            request.baseUrl = target.baseUrl;
            request.path = target.path;
            request.region = target.region;
            self->send(call, request, action, resource, std::move(done), streaming, 1);
        });
        return;
    }
    m_http->send(call, m_caller, request, [=](Outcome<Http::AwsHttpResponse> response) mutable {
        if (!response) {
            done(self->annotate(response.error(), action, resource));
            return;
        }
        const int status = response->status;
        if (status >= 200 && status < 300) {
            done(std::move(response));
            return;
        }
        // A bucket in another region answers 301 (or 400 on a signature for the wrong region) and names its
        // region: remember it and resend, as the SDKs do.
        const QString bucketRegion = QString::fromLatin1(response->header("x-amz-bucket-region"));
        if (redirects < maxRedirects && !bucket.isEmpty() && isRegionName(bucketRegion) && bucketRegion != request.region
            && (status == 301 || status == 400)) {
            self->m_regions->insert(bucket, bucketRegion);
            const QString key = request.path.mid(Http::s3Address(self->m_endpoint, bucket).pathPrefix.size() + 1);
            const Http::AwsHttpRequest target = self->objectRequest(request.method, bucket, key);
            Http::AwsHttpRequest redirected = request;  // the same request, for the bucket's region
            redirected.baseUrl = target.baseUrl;
            redirected.path = target.path;
            redirected.region = target.region;
            self->send(call, redirected, action, resource, std::move(done), streaming, redirects + 1);
            return;
        }
        // 307: "try that host for now" (a new bucket's DNS not yet everywhere): the same request, signed for it.
        if (redirects < maxRedirects && status == 307) {
            if (const auto base = self->trustedRedirect(response->header("location"), request.baseUrl)) {
                Http::AwsHttpRequest redirected = request;
                redirected.baseUrl = *base;
                self->send(call, redirected, action, resource, std::move(done), streaming, redirects + 1);
                return;
            }
        }
        done(self->annotate(Http::parseErrorResponse(status, response->body), action, resource));
    }, streaming);
}

Http::AwsCall *S3Client::listBuckets(QObject *context, Handler<ListBucketsResult> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    Http::AwsHttpRequest request = objectRequest("GET", QString(), QString());
    request.path = QStringLiteral("/");
    send(call, request, QStringLiteral("s3:ListAllMyBuckets"), QStringLiteral("s3://"),
         [done, self = shared_from_this()](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             done(self->named(parseListBucketsResponse(response->body), QStringLiteral("s3:ListAllMyBuckets"), QStringLiteral("s3://")));
         });
    return call;
}

Http::AwsCall *S3Client::listObjects(const ListObjectsRequest &r, QObject *context, Handler<ListObjectsPage> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    Http::AwsHttpRequest request = objectRequest("GET", r.bucket, QString());
    request.query = {{QStringLiteral("list-type"), QStringLiteral("2")},
                     {QStringLiteral("encoding-type"), QStringLiteral("url")},
                     {QStringLiteral("max-keys"), QString::number(r.maxKeys)}};
    if (!r.prefix.isEmpty())
        request.query.append({QStringLiteral("prefix"), r.prefix});
    if (!r.delimiter.isEmpty())
        request.query.append({QStringLiteral("delimiter"), r.delimiter});
    if (!r.continuationToken.isEmpty())
        request.query.append({QStringLiteral("continuation-token"), r.continuationToken});
    send(call, request, QStringLiteral("s3:ListBucket"), s3ResourceName(r.bucket, r.prefix),
         [done, r, self = shared_from_this()](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             auto page = self->named(parseListObjectsV2Response(response->body, true), QStringLiteral("s3:ListBucket"),
                                     s3ResourceName(r.bucket, r.prefix));
             if (page) {
                 // Servers differ in how they echo these (see the parser): what we asked for is the truth.
                 page.value().bucket = r.bucket;
                 page.value().prefix = r.prefix;
                 page.value().delimiter = r.delimiter;
             }
             done(std::move(page));
         });
    return call;
}

Http::AwsCall *S3Client::headBucket(const QString &bucket, QObject *context, Handler<QString> doneWithRegion) const
{
    doneWithRegion = deliverTo(context, std::move(doneWithRegion));
    Http::AwsCall *call = m_http->newCall(context);
    auto self = shared_from_this();
    send(call, objectRequest("HEAD", bucket, QString()), QStringLiteral("s3:ListBucket"), s3ResourceName(bucket),
         [self, bucket, doneWithRegion](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return doneWithRegion(response.error());
             const QString region = QString::fromLatin1(response->header("x-amz-bucket-region"));
             doneWithRegion(isRegionName(region) ? region : self->regionFor(bucket));
         });
    return call;
}

Http::AwsCall *S3Client::headObject(const QString &bucket, const QString &key, QObject *context,
                                    Handler<ObjectMetadata> done, int partNumber, bool checksumMode) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    Http::AwsHttpRequest request = objectRequest("HEAD", bucket, key);
    if (partNumber > 0)
        request.query.append({QStringLiteral("partNumber"), QString::number(partNumber)});
    if (checksumMode)
        request.headers.append(checksumModeHeader);
    send(call, request, QStringLiteral("s3:GetObject"), s3ResourceName(bucket, key),
         [done](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             ObjectMetadata meta;
             meta.size = response->header("content-length").toLongLong();
             meta.lastModified = parseHttpDate(response->header("last-modified"));
             meta.eTag = QString::fromLatin1(response->header("etag"));
             meta.contentType = QString::fromLatin1(response->header("content-type"));
             meta.storageClass = QString::fromLatin1(response->header("x-amz-storage-class"));
             if (meta.storageClass.isEmpty())
                 meta.storageClass = QStringLiteral("STANDARD");
             meta.versionId = QString::fromLatin1(response->header("x-amz-version-id"));
             meta.partsCount = response->header("x-amz-mp-parts-count").toInt();
             meta.checksum = objectChecksumFromHeaders(response->headers);
             for (const auto &[name, value] : response->headers) {
                 if (name.toLower().startsWith("x-amz-meta-"))
                     meta.userMetadata.insert(QString::fromLatin1(name.toLower().mid(11)), QString::fromUtf8(value));
             }
             done(meta);
         });
    return call;
}

Http::AwsCall *S3Client::deleteObject(const QString &bucket, const QString &key, QObject *context, Handler<Done> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    send(call, objectRequest("DELETE", bucket, key), QStringLiteral("s3:DeleteObject"), s3ResourceName(bucket, key),
         [done](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             done(Done{});
         });
    return call;
}

Http::AwsCall *S3Client::deleteObjects(const QString &bucket, const QStringList &keys, QObject *context,
                                       Handler<DeleteObjectsResult> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    // S3 takes at most 1,000 keys a request: send batches one after another on the same call and merge.
    struct Batches
    {
        DeleteObjectsResult merged;
        std::function<void(qsizetype)> sendFrom;
    };
    auto batches = std::make_shared<Batches>();
    auto self = shared_from_this();
    batches->sendFrom = [self, call, bucket, keys, done, weak = std::weak_ptr<Batches>(batches)](qsizetype from) {
        const auto state = weak.lock();
        if (!state)
            return;
        if (from >= keys.size())
            return done(state->merged);
        const QStringList batch = keys.mid(from, 1000);
        QByteArray xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>false</Quiet>";
        for (const QString &key : batch)
            xml += "<Object><Key>" + key.toHtmlEscaped().toUtf8() + "</Key></Object>";
        xml += "</Delete>";
        Http::AwsHttpRequest request = self->objectRequest("POST", bucket, QString());
        request.query = {{QStringLiteral("delete"), QString()}};
        request.body = xml;
        // S3 requires an integrity header on DeleteObjects; MD5 is what every server accepts.
        request.headers = {{"content-md5", QCryptographicHash::hash(xml, QCryptographicHash::Md5).toBase64()},
                           {"content-type", "application/xml"}};
        self->send(call, request, QStringLiteral("s3:DeleteObject"), s3ResourceName(bucket),
                   [self, bucket, state, from, done, size = batch.size()](Outcome<Http::AwsHttpResponse> response) {
                       if (!response)
                           return done(response.error());
                       const auto page = self->named(parseDeleteObjectsResponse(response->body), QStringLiteral("s3:DeleteObject"),
                                                     s3ResourceName(bucket));
                       if (!page)
                           return done(page.error());
                       state->merged.deleted += page->deleted;
                       state->merged.failed += page->failed;
                       state->sendFrom(from + size);
                   });
    };
    // The batches live as long as the call; holding the call open around the first batch lets an empty
    // list of keys still finish it.
    QObject::connect(call, &Http::AwsCall::finished, call, [batches] {});
    call->retain();
    batches->sendFrom(0);
    call->release();
    return call;
}

Http::AwsCall *S3Client::createFolder(const QString &bucket, const QString &prefix, QObject *context, Handler<Done> done) const
{
    QString key = prefix;
    if (!key.endsWith(QLatin1Char('/')))
        key += QLatin1Char('/');
    // putBytes delivers by the contract already; this only maps its value.
    return putBytes(bucket, key, QByteArray(), QStringLiteral("application/x-directory"), context,
                    [done](Outcome<QString> etag) { etag ? done(Done{}) : done(etag.error()); });
}

Http::AwsCall *S3Client::putBytes(const QString &bucket, const QString &key, const QByteArray &bytes,
                                  const QString &contentType, QObject *context, Handler<QString> doneWithEtag) const
{
    doneWithEtag = deliverTo(context, std::move(doneWithEtag));
    Http::AwsCall *call = m_http->newCall(context);
    Http::AwsHttpRequest request = objectRequest("PUT", bucket, key);
    request.body = bytes;
    if (!contentType.isEmpty())
        request.headers.append({"content-type", contentType.toUtf8()});
    send(call, request, QStringLiteral("s3:PutObject"), s3ResourceName(bucket, key),
         [doneWithEtag](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return doneWithEtag(response.error());
             doneWithEtag(QString::fromLatin1(response->header("etag")));
         });
    return call;
}

Http::AwsCall *S3Client::putObject(const PutObjectRequest &r, QObject *context, Progress onSent,
                                   Handler<PutObjectResult> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    Http::AwsHttpRequest request = objectRequest("PUT", r.bucket, r.key);
    const bool part = !r.uploadId.isEmpty();
    if (part)
        request.query = {{QStringLiteral("partNumber"), QString::number(r.partNumber)}, {QStringLiteral("uploadId"), r.uploadId}};
    else if (!r.contentType.isEmpty())
        request.headers.append({"content-type", r.contentType.toUtf8()});
    if (!part && r.ifNoneMatch)
        request.headers.append({QByteArrayLiteral("if-none-match"), QByteArrayLiteral("*")});
    request.headers += payloadChecksumHeaders(r.checksum);
    request.openBody = r.openBody;
    request.bodySize = r.length;
    request.payloadHash = r.payloadHash.isEmpty() ? QByteArray(SigV4::unsignedPayload) : r.payloadHash;
    Http::AwsHttpStreaming streaming;
    streaming.onUploadProgress = whileAlive<qint64, qint64>(context, std::move(onSent));
    const QString resource = s3ResourceName(r.bucket, r.key);
    auto self = shared_from_this();
    send(call, request, QStringLiteral("s3:PutObject"), resource,
         [self, done, part, resource, number = r.partNumber](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             // Without the ETag a multipart upload cannot be completed: its absence is a malformed answer.
             const QString etag = QString::fromLatin1(response->header("etag"));
             if (etag.isEmpty() && part)
                 return done(self->annotate(AwsError::local(AwsErrorKind::MalformedResponse,
                                                            QStringLiteral("The server sent no ETag for part %1").arg(number)),
                                            QStringLiteral("s3:PutObject"), resource));
             done(PutObjectResult{etag});
         },
         streaming);
    return call;
}

Http::AwsCall *S3Client::getObject(const GetObjectRequest &r, QObject *context, StreamHeadHandler onHead,
                                   StreamDataHandler onData, Handler<Done> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    Http::AwsHttpRequest request = objectRequest("GET", r.bucket, r.key);
    if (r.length >= 0)
        request.headers.append({"range", "bytes=" + QByteArray::number(r.offset) + '-' + QByteArray::number(r.offset + r.length - 1)});
    if (!r.ifMatch.isEmpty())
        request.headers.append({"if-match", r.ifMatch});
    if (m_checksums.validatesResponses())
        request.headers.append(checksumModeHeader);
    const QString action = QStringLiteral("s3:GetObject");
    const QString resource = s3ResourceName(r.bucket, r.key);
    auto self = shared_from_this();
    Http::AwsHttpStreaming streaming;
    streaming.readBufferBytes = 4 * 1024 * 1024;  // bounds memory when the disk is slower than the network
    QPointer<QObject> guard(context);
    streaming.onHead = [=](const Http::AwsHttpResponse &response) -> std::optional<AwsError> {
        if (!guard)
            return AwsError::local(AwsErrorKind::Cancelled, cancelledText);
        ObjectStreamHead head;
        head.status = response.status;
        head.eTag = response.header("etag");
        head.encryption = response.header("x-amz-server-side-encryption");
        head.checksum = objectChecksumFromHeaders(response.headers);
        const QByteArray length = response.header("content-length");
        head.length = length.isEmpty() ? -1 : length.toLongLong();
        if (response.status == 206) {
            const auto range = parseContentRange(response.header("content-range"));
            if (!range)
                return self->annotate(AwsError::local(AwsErrorKind::MalformedResponse,
                                                      QStringLiteral("The server's partial answer did not name its range and the object's size")),
                                      action, resource);
            head.rangeStart = range->first;
            head.length = range->last - range->first + 1;
            head.objectSize = range->total;
        } else {
            head.objectSize = head.length;
        }
        return onHead(head);
    };
    streaming.onData = [=](const QByteArray &chunk) -> std::optional<AwsError> {
        if (!guard)
            return AwsError::local(AwsErrorKind::Cancelled, cancelledText);
        return onData(chunk);
    };
    send(call, request, action, resource,
         [done](Outcome<Http::AwsHttpResponse> response) { response ? done(Done{}) : done(response.error()); },
         streaming);
    return call;
}

Http::AwsCall *S3Client::createMultipartUpload(const CreateMultipartRequest &r, QObject *context,
                                               Handler<InitiateMultipartResult> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    const QString &bucket = r.bucket;
    const QString &key = r.key;
    Http::AwsHttpRequest request = objectRequest("POST", bucket, key);
    request.query = {{QStringLiteral("uploads"), QString()}};
    if (!r.contentType.isEmpty())
        request.headers.append({"content-type", r.contentType.toUtf8()});
    if (r.compositeChecksum && r.checksumAlgorithm != ChecksumAlgorithm::None)
        request.headers += HeaderList{{"x-amz-checksum-algorithm", checksumAlgorithmName(r.checksumAlgorithm).toLatin1()},
                                      {"x-amz-checksum-type", "COMPOSITE"}};
    else
        request.headers += createMultipartChecksumHeaders(r.checksumAlgorithm);
    send(call, request, QStringLiteral("s3:PutObject"), s3ResourceName(bucket, key),
         [done, self = shared_from_this(), resource = s3ResourceName(bucket, key)](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             done(self->named(parseInitiateMultipartResponse(response->body), QStringLiteral("s3:PutObject"), resource));
         });
    return call;
}

Http::AwsCall *S3Client::completeMultipartUpload(const CompleteMultipartRequest &r, QObject *context,
                                                 Handler<CompleteMultipartResult> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    const QString &bucket = r.bucket;
    const QString &key = r.key;
    QByteArray xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    for (const CompletedPart &part : r.parts) {
        xml += "<Part><PartNumber>" + QByteArray::number(part.number) + "</PartNumber><ETag>" + part.eTag.toHtmlEscaped().toUtf8()
            + "</ETag>";
        if (part.checksum.isValid()) {
            const QByteArray element = checksumXmlElement(part.checksum.algorithm);
            xml += '<' + element + '>' + part.checksum.toBase64() + "</" + element + '>';
        }
        xml += "</Part>";
    }
    xml += "</CompleteMultipartUpload>";
    Http::AwsHttpRequest request = objectRequest("POST", bucket, key);
    request.query = {{QStringLiteral("uploadId"), r.uploadId}};
    request.body = xml;
    request.headers = {{"content-type", "application/xml"}};
    request.headers += completeMultipartChecksumHeaders(r.wholeObject);
    if (r.ifNoneMatch)
        request.headers.append({QByteArrayLiteral("if-none-match"), QByteArrayLiteral("*")});
    // Assembling a large object can take a while before the server says anything.
    request.transferTimeoutMs = 10 * 60 * 1000;
    request.mayAnswerErrorIn200 = true;
    send(call, request, QStringLiteral("s3:PutObject"), s3ResourceName(bucket, key),
         [done, self = shared_from_this(), resource = s3ResourceName(bucket, key)](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             done(self->named(parseCompleteMultipartResponse(response->body), QStringLiteral("s3:PutObject"), resource));
         });
    return call;
}

Http::AwsCall *S3Client::abortMultipartUpload(const QString &bucket, const QString &key, const QString &uploadId,
                                              QObject *context, Handler<Done> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    Http::AwsHttpRequest request = objectRequest("DELETE", bucket, key);
    request.query = {{QStringLiteral("uploadId"), uploadId}};
    send(call, request, QStringLiteral("s3:AbortMultipartUpload"), s3ResourceName(bucket, key),
         [done](Outcome<Http::AwsHttpResponse> response) { response ? done(Done{}) : done(response.error()); });
    return call;
}

Http::AwsCall *S3Client::listParts(const QString &bucket, const QString &key, const QString &uploadId, QObject *context,
                                   Handler<QList<UploadedPart>> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    struct Walk
    {
        QList<UploadedPart> parts;
        std::function<void(int)> next;
    };
    auto walk = std::make_shared<Walk>();
    const QString resource = s3ResourceName(bucket, key);
    walk->next = [self = shared_from_this(), call, bucket, key, uploadId, resource, done,
                  weak = std::weak_ptr<Walk>(walk)](int marker) {
        Http::AwsHttpRequest request = self->objectRequest("GET", bucket, key);
        request.query = {{QStringLiteral("uploadId"), uploadId}, {QStringLiteral("max-parts"), QStringLiteral("1000")}};
        if (marker > 0)
            request.query.append({QStringLiteral("part-number-marker"), QString::number(marker)});
        self->send(call, request, QStringLiteral("s3:ListMultipartUploadParts"), resource,
                   [self, marker, resource, done, weak](Outcome<Http::AwsHttpResponse> response) {
                       const auto walk = weak.lock();
                       if (!walk)
                           return;
                       if (!response)
                           return done(response.error());
                       const auto page = self->named(parseListPartsResponse(response->body), QStringLiteral("s3:ListMultipartUploadParts"), resource);
                       if (!page)
                           return done(page.error());
                       walk->parts += page->parts;
                       // The marker must move on: a server repeating it would make this endless.
                       if (page->isTruncated && page->nextPartNumberMarker > marker)
                           return walk->next(page->nextPartNumberMarker);
                       done(walk->parts);
                   });
    };
    QObject::connect(call, &Http::AwsCall::finished, call, [walk] { walk->next = nullptr; });
    call->retain();
    walk->next(0);
    call->release();
    return call;
}

Http::AwsCall *S3Client::listMultipartUploads(const QString &bucket, const QString &prefix, QObject *context,
                                              Handler<QList<MultipartUploadInfo>> done) const
{
    done = deliverTo(context, std::move(done));
    Http::AwsCall *call = m_http->newCall(context);
    struct Walk
    {
        QList<MultipartUploadInfo> uploads;
        QSet<QString> seenMarkers;
        std::function<void(QString, QString)> next;
    };
    auto walk = std::make_shared<Walk>();
    const QString resource = s3ResourceName(bucket, prefix);
    walk->next = [self = shared_from_this(), call, bucket, prefix, resource, done,
                  weak = std::weak_ptr<Walk>(walk)](const QString &keyMarker, const QString &idMarker) {
        Http::AwsHttpRequest request = self->objectRequest("GET", bucket, QString());
        request.query = {{QStringLiteral("uploads"), QString()}, {QStringLiteral("encoding-type"), QStringLiteral("url")}};
        if (!prefix.isEmpty())
            request.query.append({QStringLiteral("prefix"), prefix});
        if (!keyMarker.isEmpty())
            request.query.append({QStringLiteral("key-marker"), keyMarker});
        if (!idMarker.isEmpty())
            request.query.append({QStringLiteral("upload-id-marker"), idMarker});
        self->send(call, request, QStringLiteral("s3:ListBucketMultipartUploads"), resource,
                   [self, resource, done, weak](Outcome<Http::AwsHttpResponse> response) {
                       const auto walk = weak.lock();
                       if (!walk)
                           return;
                       if (!response)
                           return done(response.error());
                       const auto page = self->named(parseListMultipartUploadsResponse(response->body),
                                                     QStringLiteral("s3:ListBucketMultipartUploads"), resource);
                       if (!page)
                           return done(page.error());
                       walk->uploads += page->uploads;
                       const QString marker = page->nextKeyMarker + QLatin1Char('\n') + page->nextUploadIdMarker;
                       if (page->isTruncated && !walk->seenMarkers.contains(marker)) {
                           walk->seenMarkers.insert(marker);
                           return walk->next(page->nextKeyMarker, page->nextUploadIdMarker);
                       }
                       done(walk->uploads);
                   });
    };
    QObject::connect(call, &Http::AwsCall::finished, call, [walk] { walk->next = nullptr; });
    call->retain();
    walk->next(QString(), QString());
    call->release();
    return call;
}

Outcome<QUrl> S3Client::presign(const QByteArray &method, const QString &bucket, const QString &key, int expiresSeconds) const
{
    const Http::AwsHttpRequest request = objectRequest(method, bucket, key);
    SigV4::SigningRequest signing;
    signing.method = method;
    signing.path = request.path.toUtf8();
    signing.headers = {{"host", Http::AwsHttpClient::hostHeader(request.baseUrl)}};
    signing.payloadHash = SigV4::unsignedPayload;
    if (!m_caller)
        return annotate(AwsError::validation(QStringLiteral("No identity to sign the URL with: open a profile first")),
                        QStringLiteral("s3:GetObject"), s3ResourceName(bucket, key));
    const auto presigned = SigV4::presignRequest(m_caller->credentials(), SigV4::SigningOptions::forService(request.region, QStringLiteral("s3"), m_http->now()),
                                                 signing, expiresSeconds);
    if (!presigned)
        return annotate(presigned.error(), QStringLiteral("s3:GetObject"), s3ResourceName(bucket, key));
    return Http::AwsHttpClient::wireUrl(request.baseUrl, request.path, presigned->encodedQuery);
}

} // namespace RoleDrop::S3
