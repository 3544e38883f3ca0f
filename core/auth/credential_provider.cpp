#include "core/auth/credential_provider.h"

#include "core/sts/role_arn.h"
#include "core/sts/sts_client.h"

#include <QDateTime>

namespace RoleDrop::Auth {

CredentialProvider::CredentialProvider(Sts::StsClient *sts, QObject *parent) : QObject(parent), m_sts(sts)
{
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &CredentialProvider::refreshNow);
}

void CredentialProvider::setBaseIdentity(const QString &profileName, const AwsCredentials &credentials, const QString &knownArn)
{
    m_baseCredentials = credentials;
    m_base = Identity{};
    m_base.kind = Identity::Kind::BaseUser;
    m_base.profileName = profileName;
    m_base.displayName = profileName;
    m_base.accessKeyId = credentials.accessKeyId;
    m_base.arn = knownArn;
    m_base.expiration = credentials.expiration;
    m_mfaSession.reset();
    m_roles.clear();
    activate(m_base);
}

AwsCredentials CredentialProvider::activeCredentials() const
{
    return callerCredentials();
}

const AwsCredentials &CredentialProvider::callerCredentials() const
{
    if (!m_roles.isEmpty())
        return m_roles.last().credentials;
    if (m_mfaSession)
        return m_mfaSession->second;
    return m_baseCredentials;
}

void CredentialProvider::activate(const Identity &identity)
{
    m_active = identity;
    scheduleRefresh();
    emit identityChanged(m_active);
}

Http::AwsCall *CredentialProvider::switchRole(const Sts::AssumeRoleRequest &request, const QString &displayName,
                                        const QString &color, std::function<void(Outcome<Identity>)> done)
{
    const bool chaining = !m_roles.isEmpty();
    auto validated = Sts::validateAssumeRole(request, chaining);
    if (!validated) {
        AwsError error = validated.error();
        error.action = QStringLiteral("sts:AssumeRole");
        error.identity = m_active.nameForErrors();
        error.resource = request.roleArn;
        done(error);
        return nullptr;
    }
    const Sts::ValidatedAssumeRole sent = validated.value();
    return m_sts->assumeRole(callerCredentials(), m_active.nameForErrors(), sent,
                             [=, this](Outcome<Sts::AssumeRoleResult> result) {
        if (!result)
            return done(result.error());
        RoleSession session;
        session.request = sent.request;
        session.request.tokenCode.clear();  // an MFA code is single-use and secret: never kept
        session.credentials = result->credentials;
        Identity &identity = session.identity;
        identity.kind = Identity::Kind::AssumedRole;
        identity.profileName = m_base.profileName;
        identity.roleArn = sent.request.roleArn;
        identity.arn = result->assumedRoleUser.arn;
        identity.accessKeyId = result->credentials.accessKeyId;
        identity.expiration = result->credentials.expiration;
        identity.color = color;
        identity.notice = sent.notice;
        const auto arn = Sts::parseRoleArn(sent.request.roleArn);
        if (arn) {
            identity.accountId = arn->accountId;
            identity.displayName = displayName.isEmpty()
                ? (arn->accountId.isEmpty() ? arn->roleName : QStringLiteral("%1 @ %2").arg(arn->roleName, arn->accountId))
                : displayName;
        } else {
            identity.displayName = displayName.isEmpty() ? sent.request.roleArn : displayName;
        }
        m_roles.append(session);
        activate(identity);
        done(identity);
    });
}

Http::AwsCall *CredentialProvider::startMfaSession(const Sts::SessionTokenRequest &request, std::function<void(Outcome<Identity>)> done)
{
    auto validated = Sts::validateSessionToken(request);
    if (!validated) {
        done(validated.error());
        return nullptr;
    }
    return m_sts->getSessionToken(m_baseCredentials, m_base.nameForErrors(), validated.value(),
                                  [=, this](Outcome<Sts::SessionTokenResult> result) {
        if (!result)
            return done(result.error());
        Identity identity = m_base;
        identity.kind = Identity::Kind::MfaSession;
        identity.accessKeyId = result->credentials.accessKeyId;
        identity.expiration = result->credentials.expiration;
        m_mfaSession = std::make_pair(identity, result->credentials);
        m_roles.clear();
        activate(identity);
        done(identity);
    });
}

Http::AwsCall *CredentialProvider::whoAmI(std::function<void(Outcome<Sts::CallerIdentity>)> done)
{
    const int depth = int(m_roles.size());
    return m_sts->getCallerIdentity(callerCredentials(), [=, this](Outcome<Sts::CallerIdentity> result) {
        if (result && depth == m_roles.size()) {
            m_active.arn = result->arn;
            m_active.accountId = result->account;
            if (depth == 0) {
                m_base.arn = result->arn;
                m_base.accountId = result->account;
            } else {
                m_roles.last().identity = m_active;
            }
            emit identityChanged(m_active);
        }
        done(result);
    });
}

void CredentialProvider::backToBase()
{
    m_roles.clear();
    activate(m_mfaSession ? m_mfaSession->first : m_base);
}

void CredentialProvider::scheduleRefresh()
{
    m_refreshTimer.stop();
    m_refreshDueAt = QDateTime();
    if (m_roles.isEmpty())
        return;
    // The whole chain is renewed together, when its earliest session nears its end.
    QDateTime earliest;
    for (const RoleSession &session : std::as_const(m_roles)) {
        if (!earliest.isValid() || session.credentials.expiration < earliest)
            earliest = session.credentials.expiration;
    }
    if (!earliest.isValid())
        return;
    const qint64 lifetime = QDateTime::currentDateTimeUtc().secsTo(earliest);
    // Short sessions (tests, 15-minute roles) refresh at 80% of their life rather than 5 minutes before.
    const qint64 margin = std::min<qint64>(m_refreshMarginSeconds, std::max<qint64>(lifetime / 5, 1));
    const qint64 dueInMs = std::max<qint64>(0, (lifetime - margin) * 1000);
    m_refreshTimer.start(int(std::min<qint64>(dueInMs, 24LL * 3600 * 1000)));
    m_refreshDueAt = QDateTime::currentDateTimeUtc().addMSecs(dueInMs);
}

void CredentialProvider::refreshNow()
{
    if (m_roles.isEmpty() || m_refreshing)
        return;
    m_refreshing = true;
    const AwsCredentials &caller = m_mfaSession ? m_mfaSession->second : m_baseCredentials;
    refreshFrom(0, caller, m_base.nameForErrors(), QString());
}

void CredentialProvider::refreshFrom(int index, AwsCredentials caller, QString callerName, const QString &mfaCode)
{
    if (index >= m_roles.size()) {
        m_refreshing = false;
        m_active = m_roles.last().identity;
        scheduleRefresh();
        emit credentialsRefreshed(m_active);
        return;
    }
    RoleSession &session = m_roles[index];
    Sts::ValidatedAssumeRole validated{session.request, QString()};
    if (!session.request.serialNumber.isEmpty()) {
        if (mfaCode.isEmpty()) {
            m_waitingForMfa = true;
            m_mfaIndex = index;
            emit mfaCodeNeeded(session.request.serialNumber, session.request.roleArn);
            return;
        }
        Sts::AssumeRoleRequest withCode = session.request;
        withCode.tokenCode = mfaCode;
        auto checked = Sts::validateAssumeRole(withCode, index > 0);
        if (!checked) {
            m_refreshing = false;
            emit refreshFailed(checked.error());
            return;
        }
        validated = checked.value();
    }
    const int depth = int(m_roles.size());
    m_sts->assumeRole(caller, callerName, validated, [=, this](Outcome<Sts::AssumeRoleResult> result) {
        if (depth != m_roles.size()) {  // the user switched or went back meanwhile
            m_refreshing = false;
            return;
        }
        if (!result) {
            m_refreshing = false;
            emit refreshFailed(result.error());
            return;
        }
        RoleSession &renewed = m_roles[index];
        renewed.credentials = result->credentials;
        renewed.identity.accessKeyId = result->credentials.accessKeyId;
        renewed.identity.expiration = result->credentials.expiration;
        renewed.identity.arn = result->assumedRoleUser.arn;
        refreshFrom(index + 1, renewed.credentials, renewed.identity.nameForErrors(), QString());
    });
}

void CredentialProvider::provideMfaCode(const QString &code)
{
    if (!m_waitingForMfa)
        return;
    m_waitingForMfa = false;
    const int index = m_mfaIndex;
    const AwsCredentials caller = index == 0 ? (m_mfaSession ? m_mfaSession->second : m_baseCredentials)
                                             : m_roles[index - 1].credentials;
    const QString callerName = index == 0 ? m_base.nameForErrors() : m_roles[index - 1].identity.nameForErrors();
    refreshFrom(index, caller, callerName, code);
}

void CredentialProvider::declineMfaCode()
{
    m_waitingForMfa = false;
    m_refreshing = false;
}

} // namespace RoleDrop::Auth
