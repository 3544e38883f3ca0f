#include "core/session/profile_manager.h"

#include "core/auth/keychain_store.h"
#include "core/auth/profile_store.h"
#include "core/auth/role_history.h"

namespace RoleDrop::Sessions {

ProfileManager::ProfileManager(Auth::ProfileStore &store, Auth::KeychainStore &keychain, Auth::RoleHistory &history,
                               QObject *parent)
    : QObject(parent), m_store(store), m_keychain(keychain), m_history(history),
      m_awsConfig(std::make_unique<Auth::AwsSharedConfig>(Auth::AwsSharedConfig::load()))
{
}

ProfileManager::~ProfileManager() = default;

QList<Auth::Profile> ProfileManager::list() const
{
    return m_store.list();
}

QStringList ProfileManager::names() const
{
    return m_store.names();
}

bool ProfileManager::contains(const QString &name) const
{
    return m_store.contains(name);
}

std::optional<Auth::Profile> ProfileManager::profile(const QString &name) const
{
    return m_store.profile(name);
}

QString ProfileManager::keychainService() const
{
    return m_keychain.service();
}

Outcome<Auth::Profile> ProfileManager::validate(const Auth::Profile &profile)
{
    return Auth::ProfileStore::validate(profile);
}

void ProfileManager::store(const Auth::Profile &profile, ResultHandler<Auth::Profile> done)
{
    const auto stored = m_store.save(profile);
    if (stored)
        emit profilesChanged();
    done(stored);
}

void ProfileManager::add(const Auth::Profile &profile, const QString &secret, QObject *context,
                         ResultHandler<Auth::Profile> done)
{
    done = deliverTo(context, std::move(done));
    const auto valid = validate(profile);
    if (!valid)
        return done(valid.error());
    if (m_store.contains(valid->name))
        return done(AwsError::validation(tr("A profile named “%1” exists already").arg(valid->name)));
    const Auth::Profile checked = valid.value();
    // A federated profile has no key; an OpenID Connect client may have a secret, or not (a public client).
    if (secret.isEmpty() && checked.kind != Auth::ProfileKind::AccessKeys)
        return store(checked, done);
    if (secret.isEmpty())
        return done(AwsError::validation(tr("No secret access key given for access key %1").arg(valid->accessKeyId)));
    m_keychain.writeSecret(checked.name, secret, this, [this, checked, done](Outcome<bool> written) {
        if (!written)
            return done(written.error());
        store(checked, done);
    });
}

void ProfileManager::update(const Auth::Profile &profile, const QString &secret, QObject *context,
                            ResultHandler<Auth::Profile> done)
{
    done = deliverTo(context, std::move(done));
    const auto valid = validate(profile);
    if (!valid)
        return done(valid.error());
    if (!m_store.contains(valid->name))
        return done(AwsError::validation(tr("No profile named “%1”").arg(valid->name)));
    const Auth::Profile checked = valid.value();
    if (secret.isEmpty())
        return store(checked, done);
    m_keychain.writeSecret(checked.name, secret, this, [this, checked, done](Outcome<bool> written) {
        if (!written)
            return done(written.error());
        store(checked, done);
    });
}

void ProfileManager::duplicate(const QString &from, const Auth::Profile &copy, const QString &secret, QObject *context,
                               ResultHandler<Auth::Profile> done)
{
    if (!secret.isEmpty())
        return add(copy, secret, context, std::move(done));
    done = deliverTo(context, std::move(done));
    const auto valid = validate(copy);
    if (!valid)
        return done(valid.error());
    if (m_store.contains(valid->name))
        return done(AwsError::validation(tr("A profile named “%1” exists already").arg(valid->name)));
    const Auth::Profile checked = valid.value();
    m_keychain.readSecret(from, this, [this, checked, done](Outcome<QString> original) {
        if (!original)
            return done(original.error());
        m_keychain.writeSecret(checked.name, original.value(), this, [this, checked, done](Outcome<bool> written) {
            if (!written)
                return done(written.error());
            store(checked, done);
        });
    });
}

void ProfileManager::remove(const QString &name, QObject *context, ResultHandler<Done> done)
{
    done = deliverTo(context, std::move(done));
    if (!m_store.contains(name))
        return done(AwsError::validation(tr("No RoleDrop profile named “%1”").arg(name)));
    // The key goes first: a profile left in the list can be removed again, a key left in the keychain
    // without its profile could not be found any more.
    m_keychain.removeSecret(name, this, [this, name, done](Outcome<bool> removed) {
        if (!removed)
            return done(removed.error());
        m_store.remove(name);
        m_history.removeSourceProfile(name);
        emit profilesChanged();
        done(Done{});
    });
}

void ProfileManager::reloadAwsConfig()
{
    *m_awsConfig = Auth::AwsSharedConfig::load();
}

void ProfileManager::importFromAws(const QStringList &names, QObject *context, ResultHandler<ImportResult> done)
{
    importNext(std::make_shared<ImportResult>(), names, deliverTo(context, std::move(done)));
}

void ProfileManager::importNext(std::shared_ptr<ImportResult> result, QStringList remaining, ResultHandler<ImportResult> done)
{
    if (remaining.isEmpty()) {
        if (!result->imported.isEmpty())
            emit profilesChanged();
        return done(*result);
    }
    const QString name = remaining.takeFirst();
    const auto source = m_awsConfig->profile(name);
    if (source && !source->hasStaticCredentials() && source->usesSso())
        return importIdentityCenter(*source, result, remaining, done);
    if (!source || !source->hasStaticCredentials()) {
        result->failures << tr("%1: has no access keys in %2").arg(name, m_awsConfig->credentialsPath());
        return importNext(result, remaining, done);
    }
    Auth::Profile profile;
    profile.name = name;
    profile.accessKeyId = source->accessKeyId;
    if (!source->region.isEmpty())
        profile.region = source->region;
    profile.endpointUrl = source->endpointUrl;
    // S3-compatible servers set in ~/.aws nearly always need path-style requests.
    profile.pathStyle = !source->endpointUrl.isEmpty();
    profile.mfaSerial = source->mfaSerial;
    profile.caFile = source->caBundle;
    const auto valid = validate(profile);
    if (!valid) {
        result->failures << tr("%1: %2").arg(name, valid.error().userMessage());
        return importNext(result, remaining, done);
    }
    const Auth::Profile checked = valid.value();
    m_keychain.writeSecret(name, source->secretAccessKey, this, [this, result, remaining, done, checked](Outcome<bool> written) {
        if (!written)
            result->failures << written.error().userMessage();
        else if (const auto stored = m_store.save(checked); !stored)
            result->failures << tr("%1: %2").arg(checked.name, stored.error().userMessage());
        else
            result->imported << checked.name;
        importNext(result, remaining, done);
    });
}

// An IAM Identity Center profile has no secret: its sign-in (start URL, region), account and role are copied.
void ProfileManager::importIdentityCenter(const Auth::AwsConfigProfile &source, std::shared_ptr<ImportResult> result,
                                          QStringList remaining, ResultHandler<ImportResult> done)
{
    const auto session = m_awsConfig->ssoSessionOf(source);
    if (!session) {
        result->failures << tr("%1: %2").arg(source.name, session.error().userMessage());
        return importNext(result, remaining, done);
    }
    Auth::Profile profile;
    profile.name = source.name;
    profile.kind = Auth::ProfileKind::IdentityCenter;
    profile.ssoStartUrl = session->startUrl;
    profile.ssoRegion = session->region;
    profile.ssoAccountId = source.ssoAccountId;
    profile.ssoRoleName = source.ssoRoleName;
    if (!source.region.isEmpty())
        profile.region = source.region;
    profile.endpointUrl = source.endpointUrl;
    profile.pathStyle = !source.endpointUrl.isEmpty();
    profile.caFile = source.caBundle;
    if (const auto stored = m_store.save(profile); !stored)
        result->failures << tr("%1: %2").arg(source.name, stored.error().userMessage());
    else
        result->imported << source.name;
    importNext(result, remaining, done);
}

} // namespace RoleDrop::Sessions
