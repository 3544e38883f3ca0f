#pragma once

#include "core/http/aws_call.h"
#include "core/common/aws_credentials.h"
#include "core/http/aws_http_client.h"
#include "core/http/endpoint_config.h"
#include "core/common/outcome.h"
#include "core/s3/s3_types.h"

#include <QHash>
#include <QObject>

#include <functional>

namespace RoleDrop::S3 {

struct ListObjectsRequest
{
    QString bucket;
    QString prefix;
    QString delimiter = QStringLiteral("/");
    QString continuationToken;
    int maxKeys = 1000;
};

// S3's REST API on top of AwsHttpClient: addressing (virtual-hosted or path-style, per-bucket region
// learned from redirects), signing with the current credentials, and errors that name the caller,
// the action and the resource. Transfers of files (UploadTransfer, DownloadTransfer) build on it.
class S3Client final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(S3Client)
public:
    S3Client(Http::AwsHttpClient *http, Http::EndpointConfig endpoint, QObject *parent = nullptr);

    template <class T>
    using Handler = std::function<void(Outcome<T>)>;

    // `identityName` names the caller in errors (an ARN when known). Requests started later use them.
    void setCredentials(const AwsCredentials &credentials, const QString &identityName);
    const AwsCredentials &credentials() const { return m_credentials; }
    const QString &identityName() const { return m_identityName; }
    void setEndpoint(const Http::EndpointConfig &endpoint);
    const Http::EndpointConfig &endpoint() const { return m_endpoint; }
    Http::AwsHttpClient *http() const { return m_http; }

    Http::AwsCall *listBuckets(Handler<ListBucketsResult> done);
    Http::AwsCall *listObjects(const ListObjectsRequest &request, Handler<ListObjectsPage> done);
    Http::AwsCall *headBucket(const QString &bucket, Handler<QString> doneWithRegion);
    Http::AwsCall *headObject(const QString &bucket, const QString &key, Handler<ObjectMetadata> done);
    Http::AwsCall *deleteObject(const QString &bucket, const QString &key, Handler<Done> done);
    Http::AwsCall *deleteObjects(const QString &bucket, const QStringList &keys, Handler<DeleteObjectsResult> done);
    Http::AwsCall *createFolder(const QString &bucket, const QString &prefix, Handler<Done> done);
    Http::AwsCall *putBytes(const QString &bucket, const QString &key, const QByteArray &bytes, const QString &contentType,
                      Handler<QString> doneWithEtag);

    // Multipart pieces (the upload transfer drives them).
    Http::AwsCall *createMultipartUpload(const QString &bucket, const QString &key, const QString &contentType,
                                   Handler<InitiateMultipartResult> done);
    Http::AwsCall *completeMultipartUpload(const QString &bucket, const QString &key, const QString &uploadId,
                                     const QList<std::pair<int, QString>> &partEtags, Handler<CompleteMultipartResult> done);
    Http::AwsCall *abortMultipartUpload(const QString &bucket, const QString &key, const QString &uploadId, Handler<Done> done);

    // A presigned URL (GET or PUT) valid for `expiresSeconds` (1 s to 7 days), made with the current credentials.
    Outcome<QUrl> presign(const QByteArray &method, const QString &bucket, const QString &key, int expiresSeconds) const;

    // Building blocks for streaming transfers.
    Http::AwsHttpRequest objectRequest(const QByteArray &method, const QString &bucket, const QString &key) const;
    Outcome<QNetworkReply *> startStreaming(const Http::AwsHttpRequest &request);
    // Sends and maps any non-2xx status to an AwsError for `action` on `resource`.
    void send(Http::AwsCall *call, Http::AwsHttpRequest request, const QString &action, const QString &resource,
              Handler<Http::AwsHttpResponse> done);
    AwsError errorFromResponse(int status, const QByteArray &body, const QString &action, const QString &resource) const;
    AwsError annotate(AwsError error, const QString &action, const QString &resource) const;

private:
    QString regionFor(const QString &bucket) const;

    Http::AwsHttpClient *m_http;
    Http::EndpointConfig m_endpoint;
    AwsCredentials m_credentials;
    QString m_identityName;
    QHash<QString, QString> m_bucketRegions;  // learned from x-amz-bucket-region on redirects
};

QString s3ResourceName(const QString &bucket, const QString &key = QString());

} // namespace RoleDrop::S3
