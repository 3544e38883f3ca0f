#include "core/transfer/existing_objects.h"

#include "core/http/aws_call.h"
#include "core/s3/object_listing.h"

#include <QSet>

namespace RoleDrop::Transfers {

Http::AwsCall *findExistingObjects(const std::shared_ptr<const S3::S3Client> &client, const QString &bucket,
                                   const UploadPlan &plan, QObject *context,
                                   ResultHandler<QHash<QString, RemoteFacts>> done)
{
    done = deliverTo(context, std::move(done));
    auto existing = std::make_shared<QHash<QString, RemoteFacts>>();
    if (plan.items.size() > maxHeadChecks) {
        QSet<QString> planned;
        for (const UploadItem &item : plan.items)
            planned.insert(item.key);
        S3::ListObjectsRequest request;
        request.bucket = bucket;
        request.prefix = plan.prefix;
        request.delimiter.clear();  // the whole subtree: folders dropped keep their structure
        return S3::listEachPage(
            client, request, context,
            [existing, planned](const S3::ListObjectsPage &page) {
                for (const S3::ObjectInfo &object : page.objects) {
                    if (planned.contains(object.key))
                        existing->insert(object.key, {object.size, object.lastModified});
                }
            },
            [existing, done](Outcome<Done>) { done(*existing); });  // a failed listing checks nothing
    }
    Http::AwsCall *call = client->http()->newCall(context);
    if (plan.items.isEmpty()) {
        call->finish();
        done(*existing);
        return nullptr;
    }
    auto left = std::make_shared<int>(int(plan.items.size()));
    call->retain();
    for (const UploadItem &item : plan.items) {
        const QString key = item.key;
        Http::AwsCall *head = client->headObject(bucket, key, call, [call, existing, left, key, done](Outcome<S3::ObjectMetadata> meta) {
            if (meta)
                existing->insert(key, {meta->size, meta->lastModified});
            if (--*left == 0) {
                done(*existing);
                call->release();
            }
        });
        call->addOnCancel([head = QPointer<Http::AwsCall>(head)] {
            if (head)
                head->cancel();
        });
    }
    return call;
}

} // namespace RoleDrop::Transfers
