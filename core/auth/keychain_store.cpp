#include "core/auth/keychain_store.h"

#include "core/common/aws_credentials.h"

#include <qt6keychain/keychain.h>

#include <QTimer>

#include <memory>

namespace RoleDrop::Auth {

namespace {

AwsError keychainError(AwsErrorKind kind, const QString &message, const QString &service, const QString &profile)
{
    AwsError error = AwsError::local(kind, message);
    error.resource = QStringLiteral("keychain:%1/%2").arg(service, profile);
    return error;
}

} // namespace

KeychainStore::KeychainStore(const QString &service, QObject *parent) : QObject(parent), m_service(service) {}

KeychainStore::~KeychainStore()
{
    forgetAllCached();
}

void KeychainStore::forgetCached(const QString &profile)
{
    auto cached = m_cache.find(profile);
    if (cached == m_cache.end())
        return;
    wipeSecret(*cached);
    m_cache.erase(cached);
}

void KeychainStore::forgetAllCached()
{
    for (QString &secret : m_cache)
        wipeSecret(secret);
    m_cache.clear();
}

QString KeychainStore::verb(Operation operation)
{
    switch (operation) {
    case Operation::Read: return QStringLiteral("read");
    case Operation::Write: return QStringLiteral("store");
    case Operation::Remove: break;
    }
    return QStringLiteral("remove");
}

void KeychainStore::readSecret(const QString &profile, QObject *context, SecretCallback done)
{
    done = deliverTo(context, std::move(done));
    if (profile.isEmpty()) {
        done(AwsError::validation(QStringLiteral("No profile name given to read a secret key for")));
        return;
    }
    const auto cached = m_cache.constFind(profile);
    if (cached != m_cache.cend()) {
        done(*cached);
        return;
    }
    auto pending = m_pendingReads.find(profile);
    if (pending != m_pendingReads.end()) {
        pending->append(std::move(done));
        return;
    }
    m_pendingReads.insert(profile, {std::move(done)});
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    startJob(
        job, Operation::Read, profile,
        [this, profile](QKeychain::Job *finished) {
            const QString secret = static_cast<QKeychain::ReadPasswordJob *>(finished)->textData();
            m_cache.insert(profile, secret);
            finishRead(profile, secret);
        },
        [this, profile](const AwsError &error) { finishRead(profile, error); });
}

void KeychainStore::finishRead(const QString &profile, const Outcome<QString> &result)
{
    const QList<SecretCallback> callbacks = m_pendingReads.take(profile);
    for (const SecretCallback &callback : callbacks)
        callback(result);
}

void KeychainStore::writeSecret(const QString &profile, const QString &secret, QObject *context, DoneCallback done)
{
    done = deliverTo(context, std::move(done));
    if (profile.isEmpty() || secret.isEmpty()) {
        done(AwsError::validation(profile.isEmpty() ? QStringLiteral("No profile name given to store a secret key for")
                                                    : QStringLiteral("The secret access key is empty")));
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setTextData(secret);
    startJob(
        job, Operation::Write, profile,
        [this, profile, secret, done](QKeychain::Job *) {
            forgetCached(profile);
            m_cache.insert(profile, secret);
            done(true);
        },
        [done](const AwsError &error) { done(error); });
}

void KeychainStore::removeSecret(const QString &profile, QObject *context, DoneCallback done)
{
    done = deliverTo(context, std::move(done));
    if (profile.isEmpty()) {
        done(AwsError::validation(QStringLiteral("No profile name given to remove a secret key of")));
        return;
    }
    forgetCached(profile);
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    startJob(
        job, Operation::Remove, profile, [done](QKeychain::Job *) { done(true); },
        [done](const AwsError &error) {
            if (error.kind == AwsErrorKind::NotFound)
                done(true);
            else
                done(error);
        });
}

void KeychainStore::startJob(QKeychain::Job *job, Operation operation, const QString &profile,
                             std::function<void(QKeychain::Job *)> onSuccess, std::function<void(const AwsError &)> onError)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // a keychain or an error; never a plaintext file
    job->setKey(profile);

    // Whichever comes first, the job's answer or the timeout, decides; the other is ignored.
    auto answered = std::make_shared<bool>(false);
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, answered, timer, operation, profile, onError] {
        timer->deleteLater();
        if (*answered)
            return;
        *answered = true;
        onError(timeoutError(operation, profile));
    });
    connect(job, &QKeychain::Job::finished, this, [this, answered, timer, operation, profile, onSuccess, onError](QKeychain::Job *finished) {
        timer->stop();
        timer->deleteLater();
        if (*answered)
            return;
        *answered = true;
        if (finished->error() == QKeychain::NoError)
            onSuccess(finished);
        else
            onError(errorFor(finished, operation, profile));
    });
    ++m_backendCalls;
    timer->start(m_timeoutMs);
    job->start();
}

AwsError KeychainStore::errorFor(QKeychain::Job *job, Operation operation, const QString &profile) const
{
    const QString what = QStringLiteral("the secret key of profile '%1' (keychain service '%2')").arg(profile, m_service);
    const QString action = verb(operation);
    switch (job->error()) {
    case QKeychain::EntryNotFound:
        return keychainError(AwsErrorKind::NotFound,
                             QStringLiteral("The system keychain has no entry for %1: enter the secret key again in the profile settings").arg(what),
                             m_service, profile);
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return keychainError(AwsErrorKind::AccessDenied,
                             QStringLiteral("The system keychain refused to %1 %2: unlock the keyring or allow RoleDrop, then try again")
                                 .arg(action, what),
                             m_service, profile);
    case QKeychain::NoBackendAvailable:
        return keychainError(AwsErrorKind::LocalFile,
                             QStringLiteral("Cannot %1 %2: no system keychain is available (RoleDrop needs a Secret Service such as "
                                            "GNOME Keyring or KWallet on the session D-Bus)")
                                 .arg(action, what),
                             m_service, profile);
    default:
        break;
    }
    // QtKeychain's own text is D-Bus plumbing, not the secret; it still goes through no format
    // that could carry the secret, since the secret never reaches this function.
    return keychainError(AwsErrorKind::LocalFile,
                         QStringLiteral("The system keychain could not %1 %2: %3. Is a Secret Service (GNOME Keyring or KWallet) "
                                        "running and unlocked in this session?")
                             .arg(action, what, job->errorString()),
                         m_service, profile);
}

AwsError KeychainStore::timeoutError(Operation operation, const QString &profile) const
{
    return keychainError(AwsErrorKind::Timeout,
                         QStringLiteral("The system keychain did not answer within %1 s when asked to %2 the secret key of profile '%3' "
                                        "(keychain service '%4'): is it locked and waiting for a password?")
                             .arg(m_timeoutMs / 1000)
                             .arg(verb(operation), profile, m_service),
                         m_service, profile);
}

} // namespace RoleDrop::Auth
