#include "core/http/aws_call.h"

#include <QNetworkReply>

namespace RoleDrop::Http {

AwsCall::AwsCall(QObject *owner, QObject *context) : QObject(owner)
{
    if (context && context != owner)
        connect(context, &QObject::destroyed, this, &AwsCall::cancel);
}

void AwsCall::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    const auto hooks = std::move(m_onCancel);
    for (const auto &hook : hooks)
        hook();
    if (m_reply)
        m_reply->abort();
}

void AwsCall::track(QNetworkReply *reply)
{
    m_reply = reply;
    if (m_cancelled && reply)
        reply->abort();
}

void AwsCall::addOnCancel(std::function<void()> onCancel)
{
    if (m_cancelled)
        onCancel();
    else
        m_onCancel.push_back(std::move(onCancel));
}

void AwsCall::release()
{
    if (--m_pending <= 0)
        finish();
}

void AwsCall::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_onCancel.clear();
    emit finished();
    deleteLater();
}

} // namespace RoleDrop::Http
