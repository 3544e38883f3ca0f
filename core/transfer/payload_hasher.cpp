#include "core/transfer/payload_hasher.h"

#include "core/common/crypto.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QPointer>
#include <QThreadPool>

#include <algorithm>

namespace RoleDrop::Transfers {

namespace {

constexpr qint64 chunkBytes = 1024 * 1024;

// Posted to the application object, which outlives every context, and the guard is checked there: the
// context may be deleted on its thread at any moment while the worker runs.
template <class T>
void deliver(QPointer<QObject> guard, std::function<void(Outcome<T>)> done, Outcome<T> result)
{
    QMetaObject::invokeMethod(QCoreApplication::instance(), [guard, done = std::move(done), result = std::move(result)] {
        if (guard)
            done(result);
    }, Qt::QueuedConnection);
}

} // namespace

std::optional<PayloadDigests> digestFileRange(const QString &path, qint64 offset, qint64 length, bool sha256,
                                              ChecksumAlgorithm checksum, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    QFile file(path);
    if (offset < 0)
        return fail(QStringLiteral("negative offset %1").arg(offset));
    if (!file.open(QIODevice::ReadOnly))
        return fail(file.errorString());
    const qint64 fileSize = file.size();
    if (length < 0)
        length = std::max<qint64>(0, fileSize - offset);
    if (offset > fileSize || length > fileSize - offset)
        return fail(QStringLiteral("bytes %1..%2 lie past its end (%3 bytes)").arg(offset).arg(offset + length).arg(fileSize));
    if (!file.seek(offset))
        return fail(file.errorString());

    std::optional<Sha256Stream> sha;
    if (sha256)
        sha.emplace();
    ChecksumStream crc(checksum);
    QByteArray buffer(int(std::min(chunkBytes, std::max<qint64>(length, 1))), Qt::Uninitialized);
    for (qint64 remaining = length; remaining > 0;) {
        const qint64 got = file.read(buffer.data(), std::min<qint64>(remaining, buffer.size()));
        if (got < 0)
            return fail(file.errorString());
        if (got == 0)  // the file shrank while we read it
            return fail(QStringLiteral("it ended %1 bytes early").arg(remaining));
        const QByteArrayView piece(buffer.constData(), got);
        if (sha)
            sha->update(piece);
        crc.update(piece);
        remaining -= got;
    }
    PayloadDigests digests;
    if (sha)
        digests.sha256Hex = sha->finish().toHex();
    digests.checksum = crc.value();
    return digests;
}

void digestFileRangeAsync(const QString &path, qint64 offset, qint64 length, bool sha256, ChecksumAlgorithm checksum,
                          QObject *context, std::function<void(Outcome<PayloadDigests>)> done)
{
    QPointer<QObject> guard(context);
    QThreadPool::globalInstance()->start([=] {
        QString error;
        const auto digests = digestFileRange(path, offset, length, sha256, checksum, &error);
        deliver<PayloadDigests>(guard, done, digests ? Outcome<PayloadDigests>(*digests)
                                                     : Outcome<PayloadDigests>(AwsError::local(
                                                           AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1: %2").arg(path, error))));
    });
}

void hashFileRangeAsync(const QString &path, qint64 offset, qint64 length, QObject *context,
                        std::function<void(Outcome<QByteArray>)> done)
{
    digestFileRangeAsync(path, offset, length, true, ChecksumAlgorithm::None, context, [done](Outcome<PayloadDigests> digests) {
        digests ? done(digests->sha256Hex) : done(digests.error());
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
        deliver<QByteArray>(guard, done, result);
    });
}

} // namespace RoleDrop::Transfers
