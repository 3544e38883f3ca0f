#include "core/session/identity_center.h"

#include "core/auth/sso_portal_client.h"
#include "core/auth/sso_sign_in.h"
#include "core/http/aws_call.h"

namespace RoleDrop::Sessions {

IdentityCenter::IdentityCenter(Http::AwsHttpClient &http, Auth::KeychainStore &keychain, const QString &dataFolder,
                               QObject *parent)
    : QObject(parent), m_http(http), m_keychain(keychain), m_dataFolder(dataFolder)
{
}

IdentityCenter::~IdentityCenter() = default;

Auth::SsoSignInMethod IdentityCenter::methodFor(const Auth::IdentityCenterSource &source) const
{
    return m_methodOverride.value_or(source.method);
}

Auth::SsoSignIn &IdentityCenter::signInFor(const Http::TlsTrust &trust)
{
    const QString key = trust.caFileNames();
    Auth::SsoSignIn *&signIn = m_signIns[key];
    if (!signIn)
        signIn = new Auth::SsoSignIn(&m_http, &m_keychain, m_dataFolder, trust, this);
    return *signIn;
}

void IdentityCenter::signIn(const Auth::IdentityCenterSource &source, const Http::TlsTrust &trust, QObject *context,
                            ResultHandler<Auth::SsoToken> done)
{
    signInFor(trust).token(source.session, methodFor(source), m_prompt, context, std::move(done));
}

void IdentityCenter::cancelSignIn(const Auth::SsoSessionConfig &session)
{
    for (Auth::SsoSignIn *signIn : std::as_const(m_signIns))
        signIn->cancel(session);
}

void IdentityCenter::signOut(const Auth::SsoSessionConfig &session, const Http::TlsTrust &trust, QObject *context,
                             ResultHandler<Done> done)
{
    m_accounts.remove(session.cacheKey());
    signInFor(trust).signOut(session, context, std::move(done));
}

void IdentityCenter::accounts(const Auth::IdentityCenterSource &source, const Http::TlsTrust &trust, bool refresh,
                              QObject *context, ResultHandler<QList<Auth::SsoAccount>> done)
{
    done = deliverTo(context, std::move(done));
    const QString key = source.session.cacheKey();
    if (!refresh && m_accounts.contains(key))
        return done(m_accounts.value(key));
    signIn(source, trust, this, [=, this](Outcome<Auth::SsoToken> token) {
        if (!token)
            return done(token.error());
        const Auth::SsoPortalClient portal(&m_http, source.session, trust);
        portal.listAccounts(token->accessToken, this, [=, this](Outcome<QList<Auth::SsoAccount>> listed) {
            if (!listed)
                return done(listed.error());
            listRoles(source, trust, token->accessToken, listed.value(), 0, this, [=, this](Outcome<QList<Auth::SsoAccount>> all) {
                if (all)
                    m_accounts.insert(key, all.value());
                done(all);
            });
        });
    });
}

QString IdentityCenter::roleDisplayName(const QString &roleName, const QString &accountId, const QString &accountName)
{
    if (accountName.isEmpty() || accountName == accountId)
        return QStringLiteral("%1 @ %2").arg(roleName, accountId);
    return QStringLiteral("%1 @ %2 (%3)").arg(roleName, accountName, accountId);
}

QString IdentityCenter::accountName(const Auth::SsoSessionConfig &session, const QString &accountId) const
{
    for (const Auth::SsoAccount &account : m_accounts.value(session.cacheKey())) {
        if (account.accountId == accountId)
            return account.accountName;
    }
    return {};
}

// ListAccountRoles account by account: the portal has no call for all of them at once.
void IdentityCenter::listRoles(const Auth::IdentityCenterSource &source, const Http::TlsTrust &trust, const QString &token,
                               QList<Auth::SsoAccount> accounts, int index, QObject *context,
                               ResultHandler<QList<Auth::SsoAccount>> done)
{
    if (index >= accounts.size())
        return done(accounts);
    const Auth::SsoPortalClient portal(&m_http, source.session, trust);
    portal.listAccountRoles(token, accounts.at(index).accountId, context,
                            [=, this](Outcome<QStringList> roles) mutable {
        if (!roles)
            return done(roles.error());
        accounts[index].roleNames = roles.value();
        listRoles(source, trust, token, accounts, index + 1, context, done);
    });
}

// A token (asking the user only when not `silent`), then the role's keys; a token the portal refuses (ended or
// revoked meanwhile) is dropped and the keys asked once more with a fresh one.
void IdentityCenter::roleCredentials(const Auth::IdentityCenterSource &source, const QString &accountId, const QString &roleName,
                                     const Http::TlsTrust &trust, bool silent, bool retried, QObject *context,
                                     ResultHandler<AwsCredentials> done)
{
    QPointer<IdentityCenter> self(this);
    auto withToken = [=](Outcome<Auth::SsoToken> token) {
        if (!token)
            return done(token.error());
        if (!self)
            return done(AwsError::local(AwsErrorKind::Cancelled, tr("Signed out meanwhile")));
        const Auth::SsoPortalClient portal(&self->m_http, source.session, trust);
        portal.getRoleCredentials(token->accessToken, accountId, roleName, context,
                                  [=, accessToken = token->accessToken](Outcome<AwsCredentials> keys) {
            if (!keys && !retried && self && Auth::SsoPortalClient::needsSignIn(keys.error())) {
                self->signInFor(trust).tokenRejected(source.session, accessToken);
                return self->roleCredentials(source, accountId, roleName, trust, silent, true, context, done);
            }
            done(keys);
        });
    };
    if (silent)
        signInFor(trust).silentToken(source.session, context, withToken);
    else
        signIn(source, trust, context, withToken);
}

void IdentityCenter::openRole(const Auth::IdentityCenterSource &source, const QString &accountId, const QString &roleName,
                              const Auth::Identity &identity, const Http::TlsTrust &trust, QObject *context,
                              ResultHandler<Auth::IdentitySession::Ptr> done)
{
    done = deliverTo(context, std::move(done));
    roleCredentials(source, accountId, roleName, trust, false, false, this, [=, this](Outcome<AwsCredentials> keys) {
        if (!keys)
            return done(keys.error());
        Auth::Identity role = identity;
        role.kind = Auth::Identity::Kind::AssumedRole;
        role.accountId = accountId;
        role.accessKeyId = keys->accessKeyId;
        role.expiration = keys->expiration;
        // Renewed with the sign-in's token, refreshed silently: a renewal never opens a browser. When the sign-in
        // itself has ended, the renewal fails saying to sign in again.
        QPointer<IdentityCenter> self(this);
        Auth::IdentitySession::Renew renew = [self, source, accountId, roleName, trust](
                                                 QObject *renewalContext, ResultHandler<Auth::IdentitySession::Renewal> renewed) -> Http::AwsCall * {
            if (!self) {
                renewed(AwsError::local(AwsErrorKind::Cancelled, tr("Signed out meanwhile")));
                return nullptr;
            }
            self->roleCredentials(source, accountId, roleName, trust, true, false, renewalContext, [renewed](Outcome<AwsCredentials> keys) {
                if (!keys)
                    return renewed(keys.error());
                renewed(Auth::IdentitySession::Renewal{keys.value(), QString()});
            });
            return nullptr;
        };
        done(Auth::IdentitySession::renewedBy(std::move(renew), role, keys.value()));
    });
}

} // namespace RoleDrop::Sessions
