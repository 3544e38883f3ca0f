#pragma once

#include "core/common/async_result.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace QKeychain {
class Job;
}

namespace RoleDrop::Auth {

// Secret access keys in the system keychain (the Secret Service on Linux) through QtKeychain:
// service = the application name, key = the profile name. The plaintext fallback of QtKeychain
// is switched off on every job: without a keychain there is an error, never a file.
// A secret read once is cached in memory for the rest of the run, so the keychain (and any
// unlock prompt it shows) is asked once per profile; concurrent reads share one request.
// Operations follow the async contract of core/common/async_result.h (and a callback never runs once the store
// itself is destroyed). Errors name the profile and the service, never the secret.
class KeychainStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeychainStore)
public:
    using SecretCallback = std::function<void(Outcome<QString>)>;
    using DoneCallback = std::function<void(Outcome<bool>)>; // true on success

    explicit KeychainStore(const QString &service = QStringLiteral("RoleDrop"), QObject *parent = nullptr);
    ~KeychainStore() override;

    QString service() const { return m_service; }

    void readSecret(const QString &profile, QObject *context, SecretCallback done);
    void writeSecret(const QString &profile, const QString &secret, QObject *context, DoneCallback done);
    // Removing a secret that is not there succeeds: the wanted state is reached.
    void removeSecret(const QString &profile, QObject *context, DoneCallback done);

    bool isCached(const QString &profile) const { return m_cache.contains(profile); }
    void forgetCached(const QString &profile);
    void forgetAllCached();

    // A locked keyring may wait for a password prompt nobody sees: give up after this long.
    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }

    // How many requests reached the keychain backend: lets tests and diagnostics see the cache work.
    int backendCalls() const { return m_backendCalls; }

private:
    enum class Operation { Read, Write, Remove };
    void startJob(QKeychain::Job *job, Operation operation, const QString &profile,
                  std::function<void(QKeychain::Job *)> onSuccess, std::function<void(const AwsError &)> onError);
    AwsError errorFor(QKeychain::Job *job, Operation operation, const QString &profile) const;
    AwsError timeoutError(Operation operation, const QString &profile) const;
    static QString verb(Operation operation);
    void finishRead(const QString &profile, const Outcome<QString> &result);

    QString m_service;
    QHash<QString, QString> m_cache;
    QHash<QString, QList<SecretCallback>> m_pendingReads;
    int m_backendCalls = 0;
    int m_timeoutMs = 60000;
};

} // namespace RoleDrop::Auth
