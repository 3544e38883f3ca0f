#pragma once

#include "core/common/async_result.h"

#include <QObject>
#include <QString>

#include <memory>

class QLockFile;
class QTimer;

namespace RoleDrop::Auth {

// A lock file that makes an interactive sign-in one at a time across RoleDrop processes (a CLI loop and the
// window never open two browser tabs): waited for without blocking the event loop, polling every 250 ms.
// Whoever gets it second should read the keychain again: the first one has stored its token there.
// Only a dead owner's lock is stale (a sign-in may take minutes). Released by release() or with this object.
class SignInLock final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignInLock)
public:
    // `what` names the sign-in in errors, e.g. the start URL or the issuer.
    SignInLock(const QString &path, const QString &what, int waitMs, QObject *parent = nullptr);
    ~SignInLock() override;

    // Done once the lock is held. Errors: the folder or the file cannot be made (LocalFile), another process
    // held it for longer than `waitMs` (Timeout, code "lock_timeout").
    void acquire(QObject *context, ResultHandler<Done> done);
    void release();

    // <folder>/<prefix>-<16 hex digits of SHA-256(key)>.lock
    static QString pathFor(const QString &folder, const QString &prefix, const QString &key);

private:
    void tryOnce();
    void finish(Outcome<Done> result);

    std::unique_ptr<QLockFile> m_lock;
    QString m_path;
    QString m_what;
    int m_waitMs;
    QTimer *m_timer = nullptr;
    qint64 m_deadline = 0;
    ResultHandler<Done> m_done;
};

} // namespace RoleDrop::Auth
