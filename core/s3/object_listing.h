#pragma once

#include "core/s3/s3_client.h"

#include <QSet>

#include <memory>

namespace RoleDrop::S3 {

// The one place that follows ListObjectsV2's continuation tokens. A listing fails with a clear error when the
// server repeats a token (it would never end) or sends more pages than any prefix can hold.
constexpr int maxListingPages = 1'000'000;

// A page at a time, for a view that loads as the user scrolls. Keeps the token to itself.
class ObjectPager final
{
public:
    ObjectPager(std::shared_ptr<const S3Client> client, ListObjectsRequest first);
    Q_DISABLE_COPY_MOVE(ObjectPager)

    bool hasMore() const { return !m_state->finished; }
    int pagesLoaded() const { return m_state->pages; }
    // The next page (the first, on the first call). At most one at a time: a second call while one is
    // under way is refused. The pager may be dropped while a page travels: the page still arrives.
    Http::AwsCall *fetchNext(QObject *context, ResultHandler<ListObjectsPage> done);

private:
    struct State
    {
        std::shared_ptr<const S3Client> client;
        ListObjectsRequest request;
        QSet<QString> seenTokens;
        int pages = 0;
        bool finished = false;
        bool busy = false;
    };
    std::shared_ptr<State> m_state;
};

// Every page to the end: `onPage` gets each as it arrives (never after the context is gone), then `done`
// once, by the async contract. For a whole prefix: a folder's downloads or deletion, `ls`, conflict checks.
Http::AwsCall *listEachPage(const std::shared_ptr<const S3Client> &client, const ListObjectsRequest &request,
                            QObject *context, std::function<void(const ListObjectsPage &page)> onPage,
                            ResultHandler<Done> done);

// Every object under request.prefix (no delimiter: the whole subtree), collected.
Http::AwsCall *listAllObjects(const std::shared_ptr<const S3Client> &client, const QString &bucket,
                              const QString &prefix, QObject *context, ResultHandler<QList<ObjectInfo>> done);

// The keys of a selection: `keys` as they are, and every object under each of `folderPrefixes` (each folder's
// marker object included when it has one), without duplicates, in order. `onProgress` gets the number of keys
// found so far after each page (a folder of many objects takes a while to list).
Http::AwsCall *expandToKeys(const std::shared_ptr<const S3Client> &client, const QString &bucket, const QStringList &keys,
                            const QStringList &folderPrefixes, QObject *context, ResultHandler<QStringList> done,
                            std::function<void(int keysFound)> onProgress = {});

} // namespace RoleDrop::S3
