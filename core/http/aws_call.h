#pragma once

#include <QObject>
#include <QPointer>

#include <functional>

class QNetworkReply;

namespace RoleDrop::Http {

// The handle of one asynchronous request (or a chain of them, e.g. a listing of many pages).
// Its result arrives through the callback the operation was started with, exactly once, on the thread
// that started it; cancel() makes that callback fire with an AwsErrorKind::Cancelled error.
// The call deletes itself after the callback has run.
class AwsCall final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AwsCall)
public:
    explicit AwsCall(QObject *parent = nullptr);

    void cancel();
    bool isCancelled() const { return m_cancelled; }

    // Internal plumbing for the clients: the reply in flight (aborted by cancel()), and a hook run on cancel.
    void track(QNetworkReply *reply);
    void setOnCancel(std::function<void()> onCancel) { m_onCancel = std::move(onCancel); }
    // A call stays open while requests are pending on it, so a handler may chain the next request (a
    // further page, a redirect) on the same call; it finishes when the last one's handler has returned.
    void retain() { ++m_pending; }
    void release();
    // Marks the call done: emits finished() and schedules deletion.
    void finish();

signals:
    void finished();

private:
    QPointer<QNetworkReply> m_reply;
    std::function<void()> m_onCancel;
    bool m_cancelled = false;
    bool m_finished = false;
    int m_pending = 0;
};

} // namespace RoleDrop::Http
