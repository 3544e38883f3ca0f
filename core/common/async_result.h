#pragma once

#include "core/common/outcome.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>

#include <functional>
#include <utility>

namespace RoleDrop {

// The one async contract of core/ (in the style of qBittorrent's DownloadManager::download(request, useProxy,
// context, slot)): every operation that answers later takes a `QObject *context` and a handler, and
//   - delivers its result exactly once, always later (queued through the event loop, never inside the call,
//     not even for a refusal before any request or a cancel), on the context's thread;
//   - never after the context is destroyed: the handler is dropped with the context, so callers need no
//     QPointer guards of their own.
// Operations that also report as they go (bytes sent, a page of a listing, body bytes) call those stream
// handlers from the network's events: never inside the call and never after the context is gone, but
// without a queue in between (a download must write its bytes while the reply's buffer is bounded).
template <class T>
using ResultHandler = std::function<void(Outcome<T>)>;

// Wraps `handler` so that calling the result delivers it by the contract above.
template <class T>
ResultHandler<T> deliverTo(QObject *context, ResultHandler<T> handler)
{
    Q_ASSERT(context);
    return [guard = QPointer<QObject>(context), handler = std::move(handler)](Outcome<T> result) {
        if (!guard)
            return;
        // A posted call is discarded with its receiver: the context may still go while this waits.
        QMetaObject::invokeMethod(
            guard.data(), [handler, result = std::move(result)]() mutable { handler(std::move(result)); },
            Qt::QueuedConnection);
    };
}

// Wraps a stream handler (progress, a page, body bytes) so that it is not called once `context` is gone.
template <class... Args>
std::function<void(Args...)> whileAlive(QObject *context, std::function<void(Args...)> handler)
{
    if (!handler)
        return {};
    return [guard = QPointer<QObject>(context), handler = std::move(handler)](Args... args) {
        if (guard)
            handler(std::forward<Args>(args)...);
    };
}

} // namespace RoleDrop
