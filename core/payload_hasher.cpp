#include "core/payload_hasher.h"

#include "core/crypto.h"

#include <QPointer>
#include <QThreadPool>

namespace RoleDrop {

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
        if (!guard)
            return;
        QMetaObject::invokeMethod(guard.data(), [guard, done, result] {
            if (guard)
                done(result);
        }, Qt::QueuedConnection);
    });
}

} // namespace RoleDrop
