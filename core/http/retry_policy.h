#pragma once

#include "core/common/aws_error.h"

#include <QNetworkReply>

#include <mutex>

namespace RoleDrop::Http {

// The AWS SDKs' "standard" retry mode: a few attempts (3 by default; `max_attempts` in ~/.aws/config,
// AWS_MAX_ATTEMPTS in the environment), exponential backoff with full jitter capped at 20 s, and a retry
// quota, so that a dead or drowning server is not hammered by every request in flight at once.
struct RetryPolicy
{
    int maxAttempts = 3;             // attempts in all, the first included
    int baseDelayMs = 1000;          // the first retry waits up to this long, then twice as long each time
    int maxBackoffMs = 20000;
    int stallTimeoutMs = 60000;      // no byte moving for this long: the request is given up and tried again

    // AWS_MAX_ATTEMPTS (1..20) and ROLEDROP_STALL_TIMEOUT (seconds), over the defaults.
    static RetryPolicy fromEnvironment();
    // A random wait in [0, min(maxBackoff, base * 2^retry)) before retry number `retry` (1-based).
    int backoffMs(int retry) const;
};

// Why a failed attempt may be tried again, or not.
enum class RetryReason {
    None,             // a refusal or a mistake: another attempt gets the same answer
    Transient,        // 5xx, InternalError, a reset or refused connection, a stall
    Throttled,        // SlowDown, Throttling: wait longer
    StaleCredentials, // ExpiredToken, InvalidToken, "Request has expired": renew the identity, then again
};

// What an AWS error answer says about trying again.
RetryReason retryReasonFor(const AwsError &error);
// What a transport failure says: only failures where the request may be sent again unchanged.
RetryReason retryReasonFor(QNetworkReply::NetworkError error);

// The SDKs' retry quota: each retry costs tokens (a timeout more), each success gives one back; when the
// bucket is empty requests fail at once instead of retrying. Shared by every request of one HTTP client.
class RetryQuota
{
public:
    static constexpr int initialTokens = 500;
    static constexpr int retryCost = 5;
    static constexpr int timeoutRetryCost = 10;

    bool acquire(RetryReason reason, bool timeout);
    void onSuccess(bool retried);
    int available() const;

private:
    mutable std::mutex m_mutex;
    int m_tokens = initialTokens;
};

} // namespace RoleDrop::Http
