#include "core/transfer/multipart_etag.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QPointer>
#include <QRegularExpression>
#include <QThreadPool>

namespace RoleDrop::Transfers {

namespace {

constexpr qint64 MiB = 1024 * 1024;
constexpr qint64 minPartBytes = 5 * MiB;  // S3's smallest part but the last

bool cutsInto(qint64 objectSize, qint64 partSize, int parts)
{
    return partSize > 0 && (objectSize + partSize - 1) / partSize == parts;
}

} // namespace

std::optional<int> multipartETagParts(const QByteArray &eTag)
{
    static const QRegularExpression form(QStringLiteral("^\"?[0-9a-fA-F]{32}-([0-9]{1,5})\"?$"));
    const QRegularExpressionMatch match = form.match(QString::fromLatin1(eTag));
    if (!match.hasMatch())
        return std::nullopt;
    const int parts = match.captured(1).toInt();
    return parts >= 1 && parts <= 10000 ? std::optional<int>(parts) : std::nullopt;
}

QList<qint64> likelyPartSizes(qint64 objectSize, int parts, int limit)
{
    QList<qint64> sizes;
    if (objectSize <= 0 || parts < 1)
        return sizes;
    const auto add = [&](qint64 size) {
        if (sizes.size() < limit && !sizes.contains(size) && cutsInto(objectSize, size, parts) && (parts == 1 || size >= minPartBytes))
            sizes.append(size);
    };
    if (parts == 1)
        add(objectSize);  // one part: the whole object, whatever size it was asked in
    for (const qint64 usual : {8 * MiB, 16 * MiB, 5 * MiB, 10 * MiB, 15 * MiB, 32 * MiB, 64 * MiB, 100 * MiB, 128 * MiB})
        add(usual);
    // Part sizes grown to fit 10,000 parts, or chosen by hand: whole MiB, then whole MB, that give `parts`.
    for (const qint64 unit : {MiB, qint64(1000 * 1000)}) {
        const qint64 smallest = (objectSize + parts - 1) / parts;  // no smaller size gives only `parts` parts
        for (qint64 size = (smallest + unit - 1) / unit * unit; sizes.size() < limit && cutsInto(objectSize, size, parts); size += unit)
            add(size);
    }
    return sizes;
}

Outcome<QByteArray> multipartETagOfFile(const QString &path, qint64 partSize)
{
    QFile file(path);
    if (partSize <= 0 || !file.open(QIODevice::ReadOnly))
        return AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1").arg(path));
    QCryptographicHash ofParts(QCryptographicHash::Md5);
    QCryptographicHash part(QCryptographicHash::Md5);
    QByteArray buffer(int(std::min<qint64>(partSize, 4 * MiB)), Qt::Uninitialized);
    int count = 0;
    while (!file.atEnd()) {
        for (qint64 left = partSize; left > 0 && !file.atEnd();) {
            const qint64 got = file.read(buffer.data(), std::min<qint64>(left, buffer.size()));
            if (got <= 0)
                return AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
            part.addData(QByteArrayView(buffer.constData(), got));
            left -= got;
        }
        ofParts.addData(part.result());
        part.reset();
        ++count;
    }
    return ofParts.result().toHex() + '-' + QByteArray::number(count);
}

void matchMultipartETagAsync(const QString &path, const QByteArray &eTag, const QList<qint64> &partSizes, QObject *context,
                             std::function<void(Outcome<std::optional<qint64>>)> done)
{
    QPointer<QObject> guard(context);
    QByteArray expected = eTag.toLower();
    expected.replace('"', "");
    QThreadPool::globalInstance()->start([=] {
        Outcome<std::optional<qint64>> result = std::optional<qint64>();
        for (const qint64 size : partSizes) {
            const Outcome<QByteArray> computed = multipartETagOfFile(path, size);
            if (!computed) {
                result = computed.error();
                break;
            }
            if (computed.value() == expected) {
                result = std::optional<qint64>(size);
                break;
            }
        }
        QMetaObject::invokeMethod(QCoreApplication::instance(), [guard, done, result] {
            if (guard)
                done(result);
        }, Qt::QueuedConnection);
    });
}

} // namespace RoleDrop::Transfers
