#include "core/transfer/payload_hasher.h"

#include "core/common/crypto.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QPointer>
#include <QThreadPool>

namespace RoleDrop::Transfers {

void hashFileRangeAsync(const QString &path, qint64 offset, qint64 length, QObject *context,
                        std::function<void(Outcome<QByteArray>)> done)
{
    QPointer<QObject> guard(context);
    QThreadPool::globalInstance()->start([=] {
        QString error;
        const QByteArray digest = sha256OfFileRange(path, offset, length, &error);
        Outcome<QByteArray> result = digest.isEmpty()
            ? Outcome<QByteArray>(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1: %2").arg(path, error)))
            : Outcome<QByteArray>(digest.toHex());
        // Posted to the application object, which outlives every context, and the guard is checked there:
        // the context may be deleted on its thread at any moment while this one runs.
        QMetaObject::invokeMethod(QCoreApplication::instance(), [guard, done, result] {
            if (guard)
                done(result);
        }, Qt::QueuedConnection);
    });
}

void md5OfFileAsync(const QString &path, QObject *context, std::function<void(Outcome<QByteArray>)> done)
{
    QPointer<QObject> guard(context);
    QThreadPool::globalInstance()->start([=] {
        QFile file(path);
        QCryptographicHash md5(QCryptographicHash::Md5);
        Outcome<QByteArray> result = AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1").arg(path));
        if (file.open(QIODevice::ReadOnly) && md5.addData(&file))
            result = md5.result().toHex();
        QMetaObject::invokeMethod(QCoreApplication::instance(), [guard, done, result] {
            if (guard)
                done(result);
        }, Qt::QueuedConnection);
    });
}

} // namespace RoleDrop::Transfers
