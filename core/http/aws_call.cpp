#include "core/http/aws_call.h"

#include <QNetworkReply>

namespace RoleDrop::Http {

AwsCall::AwsCall(QObject *parent) : QObject(parent) {}

void AwsCall::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    if (m_onCancel)
        m_onCancel();
    if (m_reply)
        m_reply->abort();
}

void AwsCall::track(QNetworkReply *reply)
{
    m_reply = reply;
    if (m_cancelled && reply)
        reply->abort();
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
    emit finished();
    deleteLater();
}

} // namespace RoleDrop::Http
