#include "core/http/retry_policy.h"

#include <QRandomGenerator>

#include <algorithm>

namespace RoleDrop::Http {

RetryPolicy RetryPolicy::fromEnvironment()
{
    RetryPolicy policy;
    bool ok = false;
    const int attempts = qEnvironmentVariableIntValue("AWS_MAX_ATTEMPTS", &ok);
    if (ok && attempts >= 1 && attempts <= 20)
        policy.maxAttempts = attempts;
    const int stall = qEnvironmentVariableIntValue("ROLEDROP_STALL_TIMEOUT", &ok);
    if (ok && stall >= 1 && stall <= 3600)
        policy.stallTimeoutMs = stall * 1000;
    return policy;
}

int RetryPolicy::backoffMs(int retry) const
{
    const qint64 ceiling = std::min<qint64>(maxBackoffMs, qint64(baseDelayMs) << std::clamp(retry - 1, 0, 20));
    return ceiling <= 0 ? 0 : int(QRandomGenerator::global()->bounded(ceiling));
}

RetryReason retryReasonFor(const AwsError &error)
{
    switch (error.kind) {
    case AwsErrorKind::Throttled:
        return RetryReason::Throttled;
    case AwsErrorKind::ExpiredToken:
        return RetryReason::StaleCredentials;
    case AwsErrorKind::InvalidClientTokenId:
        // S3's InvalidToken is a session token it no longer takes; a wrong access key id is not stale.
        return error.code == QLatin1String("InvalidToken") ? RetryReason::StaleCredentials : RetryReason::None;
    case AwsErrorKind::AccessDenied:
        return error.message.contains(QLatin1String("Request has expired"), Qt::CaseInsensitive) ? RetryReason::StaleCredentials
                                                                                                 : RetryReason::None;
    case AwsErrorKind::Timeout:
    case AwsErrorKind::Network:
        return RetryReason::Transient;
    default:
        return error.isRetryable() ? RetryReason::Transient : RetryReason::None;
    }
}

RetryReason retryReasonFor(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionRefusedError:  // like a reset: a proxy restarting; a 407 is not retried
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
        return RetryReason::Transient;
    default:
        // TLS and name failures, cancels, and anything the server decided, are not fixed by sending again.
        return RetryReason::None;
    }
}

bool RetryQuota::acquire(RetryReason reason, bool timeout)
{
    if (reason == RetryReason::None)
        return false;
    if (reason == RetryReason::StaleCredentials)
        return true;  // a renewal, not the server's trouble: free
    const int cost = timeout ? timeoutRetryCost : retryCost;
    std::lock_guard lock(m_mutex);
    if (m_tokens < cost)
        return false;
    m_tokens -= cost;
    return true;
}

void RetryQuota::onSuccess(bool retried)
{
    std::lock_guard lock(m_mutex);
    // As the SDKs do: a success after retries gives back what one retry cost; a first-time success one token.
    m_tokens = std::min(initialTokens, m_tokens + (retried ? retryCost : 1));
}

int RetryQuota::available() const
{
    std::lock_guard lock(m_mutex);
    return m_tokens;
}

} // namespace RoleDrop::Http
