#pragma once

#include "core/common/async_result.h"
#include "core/transfer/upload_plan.h"

#include <QDateTime>
#include <QHash>

#include <memory>

namespace RoleDrop::Http {
class AwsCall;
}
namespace RoleDrop::S3 {
class S3Client;
}

namespace RoleDrop::Transfers {

struct RemoteFacts
{
    qint64 size = -1;
    QDateTime modified;
};

// Up to this many planned keys are checked with one HEAD each; more take one listing of the plan's prefix.
constexpr int maxHeadChecks = 20;

// Which of the plan's keys exist already in `bucket`, with their size and date, so the user can be asked
// before anything is replaced. A key that cannot be checked (denied, missing) counts as absent: the upload
// itself then reports what is wrong. By the async contract of core/common/async_result.h.
Http::AwsCall *findExistingObjects(const std::shared_ptr<const S3::S3Client> &client, const QString &bucket,
                                   const UploadPlan &plan, QObject *context,
                                   ResultHandler<QHash<QString, RemoteFacts>> done);

} // namespace RoleDrop::Transfers
