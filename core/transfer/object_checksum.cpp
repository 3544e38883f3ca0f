#include "core/transfer/object_checksum.h"

#include <QCoreApplication>
#include <QFile>
#include <QPointer>
#include <QThreadPool>

#include <algorithm>

namespace RoleDrop::Transfers {

namespace {

constexpr qint64 chunkBytes = 4 * 1024 * 1024;

} // namespace

Outcome<S3::ObjectChecksum> objectChecksumOfFile(const QString &path, ChecksumAlgorithm algorithm, bool composite,
                                                 qint64 partSize)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    if (composite && partSize <= 0)
        return AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot check %1: no part size").arg(path));
    const qint64 size = file.size();
    // One stream for the part under way; the parts' checksums kept for the composite.
    QList<Checksum> parts;
    ChecksumStream part(algorithm);
    qint64 inPart = 0;
    QByteArray buffer(int(std::min(chunkBytes, std::max<qint64>(size, 1))), Qt::Uninitialized);
    for (qint64 done = 0; done < size;) {
        qint64 wanted = std::min<qint64>(buffer.size(), size - done);
        if (composite)
            wanted = std::min(wanted, partSize - inPart);
        const qint64 got = file.read(buffer.data(), wanted);
        if (got <= 0)
            return AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1: %2")
                                                                .arg(path, got < 0 ? file.errorString() : QStringLiteral("it ended early")));
        part.update(QByteArrayView(buffer.constData(), got));
        done += got;
        inPart += got;
        if (composite && (inPart == partSize || done == size)) {
            parts.append(part.value());
            part = ChecksumStream(algorithm);
            inPart = 0;
        }
    }
    S3::ObjectChecksum result;
    result.composite = composite;
    if (composite) {
        result.checksum = compositeChecksum(parts);
        result.parts = int(parts.size());
    } else {
        result.checksum = part.value();
    }
    return result;
}

void matchObjectChecksumAsync(const QString &path, const S3::ObjectChecksum &expected, const QList<qint64> &partSizes,
                              QObject *context, std::function<void(Outcome<ChecksumMatch>)> done)
{
    QPointer<QObject> guard(context);
    QThreadPool::globalInstance()->start([=] {
        Outcome<ChecksumMatch> result = ChecksumMatch{};
        const QList<qint64> sizes = expected.composite ? partSizes : QList<qint64>{0};
        for (const qint64 partSize : sizes) {
            const auto computed = objectChecksumOfFile(path, expected.checksum.algorithm, expected.composite, partSize);
            if (!computed) {
                result = computed.error();
                break;
            }
            result.value().computed = computed.value();
            if (computed->checksum == expected.checksum && computed->parts == expected.parts) {
                result.value().matched = true;
                result.value().partSize = partSize;
                break;
            }
        }
        QMetaObject::invokeMethod(QCoreApplication::instance(), [guard, done, result] {
            if (guard)
                done(result);
        }, Qt::QueuedConnection);
    });
}

QString describeObjectChecksum(const S3::ObjectChecksum &checksum)
{
    QString text = checksumAlgorithmName(checksum.checksum.algorithm) + QLatin1Char(' ') + QString::fromLatin1(checksum.checksum.toBase64());
    if (checksum.composite)
        text += QStringLiteral("-%1").arg(checksum.parts);
    return text;
}

} // namespace RoleDrop::Transfers
