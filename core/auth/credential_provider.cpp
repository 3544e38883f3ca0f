#include "core/auth/credential_provider.h"

#include "core/http/aws_call.h"
#include "core/sts/role_arn.h"

#include <QDateTime>

namespace RoleDrop::Auth {

CredentialProvider::CredentialProvider(QObject *parent) : QObject(parent) {}

CredentialProvider::~CredentialProvider() = default;

void CredentialProvider::setBaseIdentity(const QString &profileName, const AwsCredentials &credentials,
                                         const Sts::StsClient &sts, const QString &knownArn)
{
    Identity base;
    base.kind = Identity::Kind::BaseUser;
    base.profileName = profileName;
    base.displayName = profileName;
    base.accessKeyId = credentials.accessKeyId;
    base.arn = knownArn;
    base.expiration = credentials.expiration;
    m_sts = sts;
    m_base = IdentitySession::fixed(base, credentials);
    m_mfaSession.reset();
    m_profileRole.reset();
    activate(m_base);
}

void CredentialProvider::setBaseSession(const IdentitySession::Ptr &base, const Sts::StsClient &sts)
{
    m_sts = sts;
    m_base = base;
    m_mfaSession.reset();
    m_profileRole.reset();
    adopt(base);
    activate(m_base);
}

void CredentialProvider::activateSession(const IdentitySession::Ptr &session)
{
    adopt(session);
    activate(session);
}

void CredentialProvider::markProfileOpened()
{
    m_profileRole = m_active && m_active->isRole() ? m_active : nullptr;
}

void CredentialProvider::clear()
{
    m_sts.reset();
    m_base.reset();
    m_mfaSession.reset();
    m_profileRole.reset();
    activate(nullptr);
}

const Identity &CredentialProvider::active() const
{
    return m_active ? m_active->identity() : m_none;
}

const Identity &CredentialProvider::base() const
{
    const IdentitySession::Ptr base = baseSession();
    return base ? base->identity() : m_none;
}

AwsCredentials CredentialProvider::activeCredentials() const
{
    return m_active ? m_active->credentials() : AwsCredentials{};
}

QList<Identity> CredentialProvider::activeChain() const
{
    return m_active ? m_active->chain() : QList<Identity>{};
}

IdentitySession::Ptr CredentialProvider::baseSession() const
{
    if (m_profileRole)
        return m_profileRole;
    return m_mfaSession ? m_mfaSession : m_base;
}

IdentitySession::Ptr CredentialProvider::caller(SwitchFrom from) const
{
    if (from == SwitchFrom::CurrentIdentity && m_active)
        return m_active;
    return baseSession();
}

void CredentialProvider::activate(const IdentitySession::Ptr &session)
{
    m_active = session;
    emit identityChanged(active());
}

// Every session this provider makes reports here, for as long as anyone holds it.
void CredentialProvider::adopt(const IdentitySession::Ptr &session)
{
    session->setRenewalMargin(m_refreshMarginSeconds);
    IdentitySession *raw = session.get();
    connect(raw, &IdentitySession::renewed, this, [this, raw](const Identity &identity) {
        if (m_active.get() == raw)
            emit credentialsRefreshed(identity);
    });
    connect(raw, &IdentitySession::renewalFailed, this, [this, raw](const AwsError &error, bool willRetry) {
        if (m_active.get() == raw && !willRetry)
            emit refreshFailed(error);
    });
    connect(raw, &IdentitySession::mfaCodeNeeded, this, [this, weak = session->weak_from_this()](const QString &serial, const QString &roleArn) {
        m_waitingForMfa.append(weak);
        emit mfaCodeNeeded(serial, roleArn);
    });
}

Http::AwsCall *CredentialProvider::switchRole(const Sts::AssumeRoleRequest &request, const QString &displayName,
                                              const QString &color, SwitchFrom from, QObject *context,
                                              ResultHandler<Identity> done)
{
    done = deliverTo(context, std::move(done));
    const IdentitySession::Ptr parent = caller(from);
    const auto fail = [&](AwsError error) {
        error.action = QStringLiteral("sts:AssumeRole");
        error.identity = parent ? parent->nameForErrors() : QString();
        error.resource = request.roleArn;
        done(error);
        return nullptr;
    };
    if (!parent || !m_sts)
        return fail(AwsError::validation(QStringLiteral("Open a profile first, then switch role from it")));
    auto validated = Sts::validateAssumeRole(request, parent->isRole());
    if (!validated)
        return fail(validated.error());
    const Sts::ValidatedAssumeRole sent = validated.value();
    const Sts::StsClient sts = *m_sts;
    const QString profileName = m_base->identity().profileName;
    return sts.assumeRole(parent, sent, this, [=, this](Outcome<Sts::AssumeRoleResult> result) {
        if (!result)
            return done(result.error());
        Identity identity;
        identity.kind = Identity::Kind::AssumedRole;
        identity.profileName = profileName;
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
        const auto session = IdentitySession::assumed(parent, sts, sent.request, identity, result->credentials);
        adopt(session);
        activate(session);
        done(identity);
    });
}

Http::AwsCall *CredentialProvider::startMfaSession(const Sts::SessionTokenRequest &request, QObject *context,
                                                   ResultHandler<Identity> done)
{
    done = deliverTo(context, std::move(done));
    if (!m_base || !m_sts) {
        done(AwsError::validation(QStringLiteral("Open a profile first, then start an MFA session from it")));
        return nullptr;
    }
    auto validated = Sts::validateSessionToken(request);
    if (!validated) {
        done(validated.error());
        return nullptr;
    }
    const IdentitySession::Ptr base = m_base;
    return m_sts->getSessionToken(base, validated.value(), this, [=, this](Outcome<Sts::SessionTokenResult> result) {
        if (!result)
            return done(result.error());
        Identity identity = base->identity();
        identity.kind = Identity::Kind::MfaSession;
        identity.accessKeyId = result->credentials.accessKeyId;
        identity.expiration = result->credentials.expiration;
        m_mfaSession = IdentitySession::fixed(identity, result->credentials, base);
        activate(m_mfaSession);
        done(identity);
    });
}

Http::AwsCall *CredentialProvider::whoAmI(QObject *context, ResultHandler<Sts::CallerIdentity> done)
{
    done = deliverTo(context, std::move(done));
    if (!m_active || !m_sts) {
        done(AwsError::validation(QStringLiteral("Open a profile first")));
        return nullptr;
    }
    const std::weak_ptr<IdentitySession> asked = m_active;
    return m_sts->getCallerIdentity(m_active, this, [=, this](Outcome<Sts::CallerIdentity> result) {
        const auto session = asked.lock();
        if (result && session) {
            session->setCallerFacts(result->arn, result->account);
            if (session == m_active)
                emit identityChanged(active());
        }
        done(result);
    });
}

void CredentialProvider::backToBase()
{
    activate(baseSession());
}

void CredentialProvider::setRefreshMargin(int seconds)
{
    m_refreshMarginSeconds = seconds;
    for (IdentitySession *link = m_active.get(); link; link = link->parent().get())
        link->setRenewalMargin(seconds);
}

QDateTime CredentialProvider::refreshDueAt() const
{
    // The chain is as fresh as its first link to expire.
    QDateTime earliest;
    for (IdentitySession *link = m_active.get(); link; link = link->parent().get()) {
        const QDateTime due = link->renewalDueAt();
        if (due.isValid() && (!earliest.isValid() || due < earliest))
            earliest = due;
    }
    return earliest;
}

void CredentialProvider::refreshNow()
{
    QList<IdentitySession::Ptr> links;
    for (IdentitySession::Ptr link = m_active; link; link = link->parent()) {
        if (link->isRole())
            links.prepend(link);
    }
    refreshLink(links, 0);
}

void CredentialProvider::refreshLink(QList<IdentitySession::Ptr> links, int index)
{
    if (index >= links.size())
        return;
    const IdentitySession::Ptr link = links.at(index);
    link->renewNow([self = QPointer<CredentialProvider>(this), links, index](bool renewed) {
        if (renewed && self)
            self->refreshLink(links, index + 1);
    });
}

void CredentialProvider::provideMfaCode(const QString &code)
{
    // A code is single-use: the first session waiting takes it, and the next one asks again.
    while (!m_waitingForMfa.isEmpty()) {
        const auto session = m_waitingForMfa.takeFirst().lock();
        if (!session || !session->isWaitingForMfa())
            continue;
        session->provideMfaCode(code);
        break;
    }
    for (const auto &weak : std::as_const(m_waitingForMfa)) {
        if (const auto next = weak.lock(); next && next->isWaitingForMfa()) {
            QMetaObject::invokeMethod(this, [this, weak] {
                if (const auto session = weak.lock(); session && session->isWaitingForMfa())
                    emit mfaCodeNeeded(session->mfaSerial(), session->identity().roleArn);
            }, Qt::QueuedConnection);
            break;
        }
    }
}

void CredentialProvider::declineMfaCode()
{
    const auto waiting = std::exchange(m_waitingForMfa, {});
    for (const auto &weak : waiting) {
        if (const auto session = weak.lock())
            session->declineMfaCode();
    }
}

} // namespace RoleDrop::Auth
