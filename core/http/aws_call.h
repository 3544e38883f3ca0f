#pragma once

#include <QObject>
#include <QPointer>

#include <functional>

class QNetworkReply;

namespace RoleDrop::Http {

// The handle of one asynchronous operation (one request, or a chain of them: the pages of a listing, a
// redirect). Its result reaches the handler the operation was started with, by the contract in
// core/common/async_result.h. cancel() stops the work; the handler then gets an AwsErrorKind::Cancelled
// error (later, as always). The call also cancels itself when the context it was made for is destroyed,
// and deletes itself once its work is over: hold it in a QPointer.
class AwsCall final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AwsCall)
public:
    // `owner` keeps the call alive (the HTTP client); `context` is the caller's object the result is for.
    AwsCall(QObject *owner, QObject *context);

    void cancel();
    bool isCancelled() const { return m_cancelled; }

    // Internal plumbing for the clients: the reply in flight (aborted by cancel()), and hooks run on cancel.
    void track(QNetworkReply *reply);
    void addOnCancel(std::function<void()> onCancel);
    // A call stays open while requests are pending on it, so a handler may chain the next request (a
    // further page, a redirect, a retry) on the same call; it finishes when the last one's handler has returned.
    void retain() { ++m_pending; }
    void release();
    // Marks the call done: emits finished() and schedules deletion.
    void finish();

signals:
    void finished();

private:
    QPointer<QNetworkReply> m_reply;
    std::vector<std::function<void()>> m_onCancel;
    bool m_cancelled = false;
    bool m_finished = false;
    int m_pending = 0;
};

} // namespace RoleDrop::Http
