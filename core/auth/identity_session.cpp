#include "core/auth/identity_session.h"

#include "core/http/aws_call.h"

namespace RoleDrop::Auth {

namespace {

// QObjects owned by shared pointers go through the event loop, so the last holder may let go from inside one
// of the object's own callbacks.
void deleteLaterDeleter(IdentitySession *session)
{
    session->deleteLater();
}

constexpr int firstRetrySeconds = 15;
constexpr int maxRetrySeconds = 300;
// For requests already refused as stale (a transfer waits on them), retries come sooner: 2 s, 4 s, 8 s.
constexpr int maxOnDemandRetries = 3;
constexpr int firstOnDemandRetrySeconds = 2;

} // namespace

IdentitySession::Ptr IdentitySession::fixed(const Identity &identity, const AwsCredentials &credentials, Ptr parent)
{
    Ptr session(new IdentitySession, deleteLaterDeleter);
    session->m_identity = identity;
    session->m_credentials = credentials;
    session->m_parent = std::move(parent);
    return session;
}

IdentitySession::Ptr IdentitySession::assumed(Ptr parent, const Sts::StsClient &sts, const Sts::AssumeRoleRequest &request,
                                              const Identity &identity, const AwsCredentials &credentials)
{
    Ptr session(new IdentitySession, deleteLaterDeleter);
    session->m_identity = identity;
    session->m_credentials = credentials;
    session->m_parent = std::move(parent);
    session->m_sts = sts;
    session->m_request = request;
    session->m_request.tokenCode.clear();  // an MFA code is single-use and secret: never kept
    session->m_timer.setSingleShot(true);
    connect(&session->m_timer, &QTimer::timeout, session.get(), [raw = session.get()] { raw->renewNow(); });
    session->schedule();
    return session;
}

IdentitySession::Ptr IdentitySession::renewedBy(Renew renew, const Identity &identity, const AwsCredentials &credentials, Ptr parent)
{
    Ptr session(new IdentitySession, deleteLaterDeleter);
    session->m_identity = identity;
    session->m_credentials = credentials;
    session->m_parent = std::move(parent);
    session->m_renew = std::move(renew);
    session->m_timer.setSingleShot(true);
    connect(&session->m_timer, &QTimer::timeout, session.get(), [raw = session.get()] { raw->renewNow(); });
    session->schedule();
    return session;
}

IdentitySession::~IdentitySession()
{
    if (m_call)
        m_call->cancel();
}

QList<Identity> IdentitySession::chain() const
{
    QList<Identity> identities;
    for (const IdentitySession *link = this; link; link = link->m_parent.get())
        identities.prepend(link->m_identity);
    return identities;
}

void IdentitySession::setCallerFacts(const QString &arn, const QString &accountId)
{
    m_identity.arn = arn;
    m_identity.accountId = accountId;
}

void IdentitySession::setRenewalMargin(int seconds)
{
    m_marginSeconds = seconds;
    if (!m_renewing)
        schedule();
}

void IdentitySession::schedule()
{
    m_timer.stop();
    m_dueAt = QDateTime();
    if (!canRefresh() || !m_credentials.expiration.isValid())
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 lifetime = now.secsTo(m_credentials.expiration);
    // Short sessions (tests, 15-minute roles) renew at 80% of their life rather than 5 minutes before.
    const qint64 margin = std::min<qint64>(m_marginSeconds, std::max<qint64>(lifetime / 5, 1));
    const qint64 dueInMs = std::max<qint64>(0, (lifetime - margin) * 1000);
    m_timer.start(int(std::min<qint64>(dueInMs, 24LL * 3600 * 1000)));
    m_dueAt = now.addMSecs(dueInMs);
}

void IdentitySession::renewNow(std::function<void(bool renewed)> done)
{
    if (done)
        m_waiters.push_back(std::move(done));
    if (!canRefresh()) {
        // Nothing to renew: answer later, as every result is.
        QMetaObject::invokeMethod(this, [this] { finishRenewal(false, true); }, Qt::QueuedConnection);
        return;
    }
    if (m_renewing)
        return;
    m_renewing = true;
    m_timer.stop();
    if (!m_request.serialNumber.isEmpty()) {
        m_waitingForMfa = true;
        emit mfaCodeNeeded(m_request.serialNumber, m_request.roleArn);
        return;
    }
    assume(QString());
}

void IdentitySession::refreshCredentials(std::function<void(bool renewed)> done)
{
    if (m_finalWaiters.empty() && !m_renewing && !m_timer.isActive())
        m_onDemandRetries = 0;  // a new need (e.g. the user retried a paused transfer): a new round of tries
    m_finalWaiters.push_back(std::move(done));
    renewNow();
}

void IdentitySession::provideMfaCode(const QString &code)
{
    if (!m_waitingForMfa)
        return;
    m_waitingForMfa = false;
    assume(code);
}

void IdentitySession::declineMfaCode()
{
    if (!m_waitingForMfa)
        return;
    m_waitingForMfa = false;
    AwsError error = AwsError::local(AwsErrorKind::MfaRequiredOrInvalid,
                                     QStringLiteral("The role session was not renewed: it needs an MFA code"));
    error.action = QStringLiteral("sts:AssumeRole");
    error.resource = m_request.roleArn;
    error.identity = m_parent ? m_parent->nameForErrors() : QString();
    m_lastFailure = error;
    emit renewalFailed(error, false);
    finishRenewal(false, true);
}

void IdentitySession::assume(const QString &mfaCode)
{
    if (m_renew) {
        m_call = m_renew(this, [this](Outcome<Renewal> result) {
            if (!result)
                return scheduleRetry(result.error());
            adoptCredentials(result->credentials, result->arn);
        });
        return;
    }
    Sts::AssumeRoleRequest request = m_request;
    request.tokenCode = mfaCode;
    const bool parentIsRole = m_parent && m_parent->isRole();
    auto validated = Sts::validateAssumeRole(request, parentIsRole);
    if (!validated) {
        m_lastFailure = validated.error();
        emit renewalFailed(validated.error(), false);
        return finishRenewal(false, true);
    }
    m_call = m_sts->assumeRole(m_parent, validated.value(), this, [this](Outcome<Sts::AssumeRoleResult> result) {
        if (!result)
            return scheduleRetry(result.error());
        adoptCredentials(result->credentials, result->assumedRoleUser.arn);
    });
}

void IdentitySession::adoptCredentials(const AwsCredentials &credentials, const QString &arn)
{
    m_failedAttempts = 0;
    m_lastFailure = {};
    m_onDemandRetries = 0;
    m_credentials = credentials;
    m_identity.accessKeyId = credentials.accessKeyId;
    m_identity.expiration = credentials.expiration;
    if (!arn.isEmpty())
        m_identity.arn = arn;
    schedule();
    emit renewed(m_identity);
    finishRenewal(true, true);
}

void IdentitySession::scheduleRetry(const AwsError &error)
{
    // Transient trouble (a network blip, a throttled STS) should not end a session that has time left: try
    // again with backoff, at the latest halfway to the end. When a request already needs the new keys (a
    // transfer waits), a few more tries are made even past the end. A refusal (the trust policy changed, the
    // MFA code was wrong) will not get better by waiting.
    ++m_failedAttempts;
    m_lastFailure = error;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 left = m_credentials.expiration.isValid() ? now.secsTo(m_credentials.expiration) : 0;
    const bool transient = error.isRetryable() || error.kind == AwsErrorKind::Network || error.kind == AwsErrorKind::Timeout;
    const qint64 backoff = std::min<qint64>(qint64(firstRetrySeconds) << std::min(m_failedAttempts - 1, 5), maxRetrySeconds);
    qint64 delay = std::min(backoff, left / 2);
    const bool someoneWaits = !m_finalWaiters.empty();
    if (someoneWaits && m_onDemandRetries < maxOnDemandRetries) {
        ++m_onDemandRetries;
        delay = qint64(firstOnDemandRetrySeconds) << (m_onDemandRetries - 1);
    } else if (someoneWaits) {
        delay = 0;  // they have waited long enough: let them know
    }
    const bool willRetry = transient && m_request.serialNumber.isEmpty() && delay >= 1;
    emit renewalFailed(error, willRetry);
    if (willRetry) {
        m_timer.start(int(delay * 1000));
        m_dueAt = now.addSecs(delay);
    }
    finishRenewal(false, !willRetry);
}

void IdentitySession::finishRenewal(bool renewed, bool final)
{
    m_renewing = false;
    const auto waiters = std::exchange(m_waiters, {});
    for (const auto &waiter : waiters)
        waiter(renewed);
    if (!final)
        return;
    const auto finalWaiters = std::exchange(m_finalWaiters, {});
    for (const auto &waiter : finalWaiters)
        waiter(renewed);
}

} // namespace RoleDrop::Auth
