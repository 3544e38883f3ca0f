#include "core/s3/object_listing.h"

#include "core/http/aws_call.h"

#include <QPointer>

namespace RoleDrop::S3 {

namespace {

// What a page's token says about the next request: go on, stop, or fail because the listing would never end.
std::optional<AwsError> checkNextToken(const ListObjectsPage &page, const QSet<QString> &seen, int pages,
                                       const S3Client &client)
{
    // (A truncated page without a token never gets here: the parser refuses it.)
    AwsError error;
    if (page.isTruncated && seen.contains(page.nextContinuationToken))
        error = AwsError::local(AwsErrorKind::MalformedResponse,
                                QStringLiteral("The server sent the same next-page token twice: the listing would never end"));
    else if (page.isTruncated && pages >= maxListingPages)
        error = AwsError::local(AwsErrorKind::MalformedResponse,
                                QStringLiteral("The listing goes on past %L1 pages: stopped").arg(maxListingPages));
    else
        return std::nullopt;
    error.action = QStringLiteral("s3:ListBucket");
    error.resource = s3ResourceName(page.bucket, page.prefix);
    error.identity = client.identityName();
    return error;
}

} // namespace

ObjectPager::ObjectPager(std::shared_ptr<const S3Client> client, ListObjectsRequest first)
    : m_state(std::make_shared<State>())
{
    m_state->client = std::move(client);
    m_state->request = std::move(first);
    m_state->request.continuationToken.clear();
}

Http::AwsCall *ObjectPager::fetchNext(QObject *context, ResultHandler<ListObjectsPage> done)
{
    State &state = *m_state;
    if (state.busy || state.finished) {
        done = deliverTo(context, std::move(done));
        done(AwsError::local(AwsErrorKind::Validation, state.busy ? QStringLiteral("A page is already on its way")
                                                                  : QStringLiteral("The listing has no more pages")));
        return nullptr;
    }
    state.busy = true;
    // Delivered to the context's side, where the pager lives: it is up to date before the caller sees the page.
    return state.client->listObjects(state.request, context, [weak = std::weak_ptr<State>(m_state), done](Outcome<ListObjectsPage> page) {
        const auto state = weak.lock();
        if (!state)
            return done(page);
        state->busy = false;
        if (!page) {
            if (page.error().kind != AwsErrorKind::Cancelled)
                state->finished = true;  // a failed listing is not resumed from the middle: open it again
            return done(page);
        }
        ++state->pages;
        if (const auto error = checkNextToken(page.value(), state->seenTokens, state->pages, *state->client)) {
            state->finished = true;
            return done(*error);
        }
        state->finished = !page->isTruncated;
        if (page->isTruncated) {
            state->seenTokens.insert(page->nextContinuationToken);
            state->request.continuationToken = page->nextContinuationToken;
        }
        done(page);
    });
}

Http::AwsCall *listEachPage(const std::shared_ptr<const S3Client> &client, const ListObjectsRequest &request,
                            QObject *context, std::function<void(const ListObjectsPage &page)> onPage,
                            ResultHandler<Done> done)
{
    done = deliverTo(context, std::move(done));
    onPage = whileAlive<const ListObjectsPage &>(context, std::move(onPage));
    Http::AwsCall *call = client->http()->newCall(context);
    struct Walk
    {
        ListObjectsRequest request;
        QSet<QString> seen;
        int pages = 0;
        QPointer<Http::AwsCall> current;
        std::function<void()> next;
    };
    auto walk = std::make_shared<Walk>();
    walk->request = request;
    walk->request.continuationToken.clear();
    call->addOnCancel([walk] {
        if (walk->current)
            walk->current->cancel();
    });
    QObject::connect(call, &Http::AwsCall::finished, call, [walk] { walk->next = nullptr; });
    walk->next = [client, call, walk, onPage, done, weak = std::weak_ptr<Walk>(walk)] {
        // Each page's answer comes to the call object itself; the call finishes after the last one.
        walk->current = client->listObjects(walk->request, call, [client, call, onPage, done, weak](Outcome<ListObjectsPage> page) {
            const auto walk = weak.lock();
            if (!walk)
                return;
            if (!page) {
                done(page.error());
                return call->release();
            }
            ++walk->pages;
            if (const auto error = checkNextToken(page.value(), walk->seen, walk->pages, *client)) {
                done(*error);
                return call->release();
            }
            if (onPage)
                onPage(page.value());
            if (!page->isTruncated || call->isCancelled()) {
                call->isCancelled() ? done(AwsError::local(AwsErrorKind::Cancelled, QStringLiteral("Cancelled"))) : done(Done{});
                return call->release();
            }
            walk->seen.insert(page->nextContinuationToken);
            walk->request.continuationToken = page->nextContinuationToken;
            walk->next();
        });
    };
    call->retain();
    walk->next();
    return call;
}

Http::AwsCall *listAllObjects(const std::shared_ptr<const S3Client> &client, const QString &bucket, const QString &prefix,
                              QObject *context, ResultHandler<QList<ObjectInfo>> done)
{
    auto objects = std::make_shared<QList<ObjectInfo>>();
    ListObjectsRequest request;
    request.bucket = bucket;
    request.prefix = prefix;
    request.delimiter.clear();
    // listEachPage delivers by the contract; this only hands over what was collected.
    return listEachPage(client, request, context, [objects](const ListObjectsPage &page) { *objects += page.objects; },
                        [objects, done](Outcome<Done> result) { result ? done(*objects) : done(result.error()); });
}

Http::AwsCall *expandToKeys(const std::shared_ptr<const S3Client> &client, const QString &bucket, const QStringList &keys,
                            const QStringList &folderPrefixes, QObject *context, ResultHandler<QStringList> done,
                            std::function<void(int keysFound)> onProgress)
{
    done = deliverTo(context, std::move(done));
    onProgress = whileAlive<int>(context, std::move(onProgress));
    Http::AwsCall *call = client->http()->newCall(context);
    struct Expansion
    {
        QStringList keys;
        QSet<QString> seen;
        QStringList folders;
        QPointer<Http::AwsCall> current;
        std::function<void()> next;
        void add(const QString &key)
        {
            if (!seen.contains(key)) {
                seen.insert(key);
                keys.append(key);
            }
        }
    };
    auto expansion = std::make_shared<Expansion>();
    for (const QString &key : keys)
        expansion->add(key);
    expansion->folders = folderPrefixes;
    call->addOnCancel([expansion] {
        if (expansion->current)
            expansion->current->cancel();
    });
    QObject::connect(call, &Http::AwsCall::finished, call, [expansion] { expansion->next = nullptr; });
    // One folder after another, each listed to its end on this call.
    expansion->next = [client, bucket, call, done, onProgress, weak = std::weak_ptr<Expansion>(expansion)] {
        const auto expansion = weak.lock();
        if (!expansion)
            return;
        if (expansion->folders.isEmpty()) {
            done(expansion->keys);
            return call->release();
        }
        ListObjectsRequest request;
        request.bucket = bucket;
        request.prefix = expansion->folders.takeFirst();
        request.delimiter.clear();
        const auto onPage = [weak, onProgress](const ListObjectsPage &page) {
            const auto expansion = weak.lock();
            if (!expansion)
                return;
            for (const ObjectInfo &object : page.objects)
                expansion->add(object.key);
            if (onProgress)
                onProgress(int(expansion->keys.size()));
        };
        expansion->current = listEachPage(client, request, call, onPage, [call, done, weak](Outcome<Done> listed) {
            const auto expansion = weak.lock();
            if (!expansion)
                return;
            if (!listed) {
                done(listed.error());
                return call->release();
            }
            expansion->next();
        });
    };
    call->retain();
    expansion->next();
    return call;
}

} // namespace RoleDrop::S3
