#include "core/s3/s3_client.h"

#include "core/http/error_response_parser.h"
#include "core/common/http_date.h"
#include "core/s3/s3_response_parser.h"
#include "core/sigv4/sigv4_presigner.h"

#include <QCryptographicHash>
#include <QNetworkReply>

namespace RoleDrop::S3 {

QString s3ResourceName(const QString &bucket, const QString &key)
{
    return QStringLiteral("s3://") + bucket + (key.isEmpty() ? QString() : QLatin1Char('/') + key);
}

S3Client::S3Client(Http::AwsHttpClient *http, Http::EndpointConfig endpoint, QObject *parent)
    : QObject(parent), m_http(http), m_endpoint(std::move(endpoint))
{
}

void S3Client::setCredentials(const AwsCredentials &credentials, const QString &identityName)
{
    m_credentials = credentials;
    m_identityName = identityName.isEmpty() ? credentials.describe() : identityName;
}

void S3Client::setEndpoint(const Http::EndpointConfig &endpoint)
{
    m_endpoint = endpoint;
    m_bucketRegions.clear();
}

QString S3Client::regionFor(const QString &bucket) const
{
    return m_bucketRegions.value(bucket, m_endpoint.region.isEmpty() ? QStringLiteral("us-east-1") : m_endpoint.region);
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
    return request;
}

AwsError S3Client::annotate(AwsError error, const QString &action, const QString &resource) const
{
    error.action = action;
    error.resource = resource;
    error.identity = m_identityName;
    return error;
}

AwsError S3Client::errorFromResponse(int status, const QByteArray &body, const QString &action, const QString &resource) const
{
    return annotate(Http::parseErrorResponse(status, body), action, resource);
}

void S3Client::send(Http::AwsCall *call, Http::AwsHttpRequest request, const QString &action, const QString &resource,
                    Handler<Http::AwsHttpResponse> done)
{
    const QString bucket = resource.startsWith(QLatin1String("s3://")) ? resource.mid(5).section(QLatin1Char('/'), 0, 0) : QString();
    m_http->send(call, m_credentials, request, [=, this](Outcome<Http::AwsHttpResponse> response) mutable {
        if (!response) {
            done(annotate(response.error(), action, resource));
            return;
        }
        const int status = response->status;
        if (status >= 200 && status < 300) {
            done(std::move(response));
            return;
        }
        // A bucket in another region answers 301 (or 400 on a signature for the wrong region) and names its
        // region: remember it and resend once, as the SDKs do.
        const QString bucketRegion = QString::fromLatin1(response->header("x-amz-bucket-region"));
        if (!bucket.isEmpty() && !bucketRegion.isEmpty() && bucketRegion != request.region && !request.bodyDevice
            && (status == 301 || status == 400)) {
            m_bucketRegions.insert(bucket, bucketRegion);
            const QString key = request.path.mid(Http::s3Address(m_endpoint, bucket).pathPrefix.size() + 1);
            Http::AwsHttpRequest redirected = objectRequest(request.method, bucket, key);
            redirected.query = request.query;
            redirected.headers = request.headers;
            redirected.body = request.body;
            send(call, redirected, action, resource, std::move(done));
            return;
        }
        done(errorFromResponse(status, response->body, action, resource));
    });
}

Outcome<QNetworkReply *> S3Client::startStreaming(const Http::AwsHttpRequest &request)
{
    auto reply = m_http->start(m_credentials, request);
    if (!reply)
        return annotate(reply.error(), QStringLiteral("s3:") + QString::fromLatin1(request.method), request.path);
    return reply;
}

Http::AwsCall *S3Client::listBuckets(Handler<ListBucketsResult> done)
{
    auto *call = new Http::AwsCall(this);
    Http::AwsHttpRequest request = objectRequest("GET", QString(), QString());
    request.path = QStringLiteral("/");
    send(call, request, QStringLiteral("s3:ListAllMyBuckets"), QStringLiteral("s3://"),
         [done](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             done(parseListBucketsResponse(response->body));
         });
    return call;
}

Http::AwsCall *S3Client::listObjects(const ListObjectsRequest &r, Handler<ListObjectsPage> done)
{
    auto *call = new Http::AwsCall(this);
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
         [done, r](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             auto page = parseListObjectsV2Response(response->body, true);
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

Http::AwsCall *S3Client::headBucket(const QString &bucket, Handler<QString> doneWithRegion)
{
    auto *call = new Http::AwsCall(this);
    send(call, objectRequest("HEAD", bucket, QString()), QStringLiteral("s3:ListBucket"), s3ResourceName(bucket),
         [this, bucket, doneWithRegion](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return doneWithRegion(response.error());
             const QString region = QString::fromLatin1(response->header("x-amz-bucket-region"));
             doneWithRegion(region.isEmpty() ? regionFor(bucket) : region);
         });
    return call;
}

Http::AwsCall *S3Client::headObject(const QString &bucket, const QString &key, Handler<ObjectMetadata> done)
{
    auto *call = new Http::AwsCall(this);
    send(call, objectRequest("HEAD", bucket, key), QStringLiteral("s3:GetObject"), s3ResourceName(bucket, key),
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
             for (const auto &[name, value] : response->headers) {
                 if (name.toLower().startsWith("x-amz-meta-"))
                     meta.userMetadata.insert(QString::fromLatin1(name.toLower().mid(11)), QString::fromUtf8(value));
             }
             done(meta);
         });
    return call;
}

Http::AwsCall *S3Client::deleteObject(const QString &bucket, const QString &key, Handler<Done> done)
{
    auto *call = new Http::AwsCall(this);
    send(call, objectRequest("DELETE", bucket, key), QStringLiteral("s3:DeleteObject"), s3ResourceName(bucket, key),
         [done](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             done(Done{});
         });
    return call;
}

Http::AwsCall *S3Client::deleteObjects(const QString &bucket, const QStringList &keys, Handler<DeleteObjectsResult> done)
{
    auto *call = new Http::AwsCall(this);
    // S3 takes at most 1,000 keys a request: send batches one after another and merge the results.
    auto merged = std::make_shared<DeleteObjectsResult>();
    auto sendBatch = std::make_shared<std::function<void(qsizetype)>>();
    *sendBatch = [=, this](qsizetype from) {
        if (from >= keys.size()) {
            done(*merged);
            return;
        }
        const QStringList batch = keys.mid(from, 1000);
        QByteArray xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>false</Quiet>";
        for (const QString &key : batch)
            xml += "<Object><Key>" + key.toHtmlEscaped().toUtf8() + "</Key></Object>";
        xml += "</Delete>";
        Http::AwsHttpRequest request = objectRequest("POST", bucket, QString());
        request.query = {{QStringLiteral("delete"), QString()}};
        request.body = xml;
        // S3 requires an integrity header on DeleteObjects; MD5 is what every server accepts.
        request.headers = {{"content-md5", QCryptographicHash::hash(xml, QCryptographicHash::Md5).toBase64()},
                           {"content-type", "application/xml"}};
        send(call, request, QStringLiteral("s3:DeleteObject"), s3ResourceName(bucket),
             [=](Outcome<Http::AwsHttpResponse> response) {
                 if (!response) {
                     *sendBatch = nullptr;  // break the self-reference
                     return done(response.error());
                 }
                 const auto page = parseDeleteObjectsResponse(response->body);
                 if (!page) {
                     *sendBatch = nullptr;
                     return done(page.error());
                 }
                 merged->deleted += page->deleted;
                 merged->failed += page->failed;
                 const auto next = *sendBatch;
                 next(from + batch.size());
             });
    };
    (*sendBatch)(0);
    connect(call, &Http::AwsCall::finished, this, [sendBatch] { *sendBatch = nullptr; });
    return call;
}

Http::AwsCall *S3Client::createFolder(const QString &bucket, const QString &prefix, Handler<Done> done)
{
    QString key = prefix;
    if (!key.endsWith(QLatin1Char('/')))
        key += QLatin1Char('/');
    return putBytes(bucket, key, QByteArray(), QStringLiteral("application/x-directory"),
                    [done](Outcome<QString> etag) { etag ? done(Done{}) : done(etag.error()); });
}

Http::AwsCall *S3Client::putBytes(const QString &bucket, const QString &key, const QByteArray &bytes,
                            const QString &contentType, Handler<QString> doneWithEtag)
{
    auto *call = new Http::AwsCall(this);
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

Http::AwsCall *S3Client::createMultipartUpload(const QString &bucket, const QString &key, const QString &contentType,
                                         Handler<InitiateMultipartResult> done)
{
    auto *call = new Http::AwsCall(this);
    Http::AwsHttpRequest request = objectRequest("POST", bucket, key);
    request.query = {{QStringLiteral("uploads"), QString()}};
    if (!contentType.isEmpty())
        request.headers.append({"content-type", contentType.toUtf8()});
    send(call, request, QStringLiteral("s3:PutObject"), s3ResourceName(bucket, key),
         [done](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             done(parseInitiateMultipartResponse(response->body));
         });
    return call;
}

Http::AwsCall *S3Client::completeMultipartUpload(const QString &bucket, const QString &key, const QString &uploadId,
                                           const QList<std::pair<int, QString>> &partEtags,
                                           Handler<CompleteMultipartResult> done)
{
    auto *call = new Http::AwsCall(this);
    QByteArray xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    for (const auto &[number, etag] : partEtags)
        xml += "<Part><PartNumber>" + QByteArray::number(number) + "</PartNumber><ETag>" + etag.toHtmlEscaped().toUtf8()
            + "</ETag></Part>";
    xml += "</CompleteMultipartUpload>";
    Http::AwsHttpRequest request = objectRequest("POST", bucket, key);
    request.query = {{QStringLiteral("uploadId"), uploadId}};
    request.body = xml;
    request.headers = {{"content-type", "application/xml"}};
    // Assembling a large object can take a while before the server says anything.
    request.transferTimeoutMs = 10 * 60 * 1000;
    send(call, request, QStringLiteral("s3:PutObject"), s3ResourceName(bucket, key),
         [done](Outcome<Http::AwsHttpResponse> response) {
             if (!response)
                 return done(response.error());
             done(parseCompleteMultipartResponse(response->body));
         });
    return call;
}

Http::AwsCall *S3Client::abortMultipartUpload(const QString &bucket, const QString &key, const QString &uploadId,
                                        Handler<Done> done)
{
    auto *call = new Http::AwsCall(this);
    Http::AwsHttpRequest request = objectRequest("DELETE", bucket, key);
    request.query = {{QStringLiteral("uploadId"), uploadId}};
    send(call, request, QStringLiteral("s3:AbortMultipartUpload"), s3ResourceName(bucket, key),
         [done](Outcome<Http::AwsHttpResponse> response) { response ? done(Done{}) : done(response.error()); });
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
    const auto presigned = SigV4::presignRequest(m_credentials, SigV4::SigningOptions::forService(request.region, QStringLiteral("s3"), m_http->now()),
                                                 signing, expiresSeconds);
    if (!presigned)
        return annotate(presigned.error(), QStringLiteral("s3:GetObject"), s3ResourceName(bucket, key));
    return Http::AwsHttpClient::wireUrl(request.baseUrl, request.path, presigned->encodedQuery);
}

} // namespace RoleDrop::S3
