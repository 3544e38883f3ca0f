#include "core/auth/sign_in_lock.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QTimer>

namespace RoleDrop::Auth {

namespace {

constexpr int lockPollMs = 250;

AwsError lockError(AwsErrorKind kind, const QString &code, const QString &message)
{
    AwsError error = AwsError::local(kind, message);
    error.code = code;
    return error;
}

} // namespace

SignInLock::SignInLock(const QString &path, const QString &what, int waitMs, QObject *parent)
    : QObject(parent), m_path(path), m_what(what), m_waitMs(waitMs)
{
}

SignInLock::~SignInLock()
{
    release();
}

QString SignInLock::pathFor(const QString &folder, const QString &prefix, const QString &key)
{
    const QByteArray hash = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex().left(16);
    return folder + QLatin1Char('/') + prefix + QLatin1Char('-') + QString::fromLatin1(hash) + QStringLiteral(".lock");
}

void SignInLock::acquire(QObject *context, ResultHandler<Done> done)
{
    m_done = deliverTo(context, std::move(done));
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder))
        return finish(lockError(AwsErrorKind::LocalFile, QString(),
                                QStringLiteral("cannot create the folder %1 for the sign-in's lock").arg(folder)));
    m_lock = std::make_unique<QLockFile>(m_path);
    m_lock->setStaleLockTime(0);  // a sign-in may take minutes; only a dead owner's lock is stale
    m_deadline = QDateTime::currentMSecsSinceEpoch() + m_waitMs;
    m_timer = new QTimer(this);
    m_timer->setInterval(lockPollMs);
    connect(m_timer, &QTimer::timeout, this, &SignInLock::tryOnce);
    m_timer->start();
    QTimer::singleShot(0, this, &SignInLock::tryOnce);
}

void SignInLock::tryOnce()
{
    if (!m_done || !m_lock)
        return;
    if (m_lock->tryLock(0))
        return finish(Done{});
    if (m_lock->error() == QLockFile::PermissionError || m_lock->error() == QLockFile::UnknownError)
        return finish(lockError(AwsErrorKind::LocalFile, QString(),
                                QStringLiteral("cannot create the sign-in lock %1").arg(m_path)));
    if (QDateTime::currentMSecsSinceEpoch() > m_deadline)
        return finish(lockError(AwsErrorKind::Timeout, QStringLiteral("lock_timeout"),
                                QStringLiteral("another RoleDrop process is still signing in to %1; try again when it is done")
                                    .arg(m_what)));
}

void SignInLock::finish(Outcome<Done> result)
{
    if (m_timer) {
        m_timer->stop();
        m_timer->deleteLater();
        m_timer = nullptr;
    }
    ResultHandler<Done> done = std::move(m_done);
    m_done = nullptr;
    if (done)
        done(result);
}

void SignInLock::release()
{
    if (m_timer) {
        m_timer->stop();
        m_timer->deleteLater();
        m_timer = nullptr;
    }
    m_done = nullptr;
    if (m_lock && m_lock->isLocked())
        m_lock->unlock();
}

} // namespace RoleDrop::Auth
