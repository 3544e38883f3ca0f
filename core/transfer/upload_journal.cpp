#include "core/transfer/upload_journal.h"

#include "core/http/endpoint_config.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

namespace RoleDrop::Transfers {

namespace {

const QString suffix = QStringLiteral(".journal");

QByteArray line(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

QJsonObject headerOf(const UploadRecord &record)
{
    return {{QStringLiteral("type"), QStringLiteral("upload")},
            {QStringLiteral("version"), 1},
            {QStringLiteral("bucket"), record.bucket},
            {QStringLiteral("key"), record.key},
            {QStringLiteral("endpoint"), record.endpoint},
            {QStringLiteral("identity"), record.identity},
            {QStringLiteral("caller"), record.caller},
            {QStringLiteral("uploadId"), record.uploadId},
            {QStringLiteral("localPath"), record.localPath},
            {QStringLiteral("size"), QString::number(record.size)},
            {QStringLiteral("modified"), record.modified.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("partSize"), QString::number(record.partSize)},
            {QStringLiteral("contentType"), record.contentType},
            {QStringLiteral("started"), record.started.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("checksumAlgorithm"), checksumAlgorithmName(record.checksumAlgorithm)},
            {QStringLiteral("noClobber"), record.noClobber}};
}

} // namespace

QString journalEndpointName(const Http::EndpointConfig &endpoint)
{
    return endpoint.customEndpoint.isValid() ? endpoint.customEndpoint.toString(QUrl::RemoveUserInfo)
                                             : QStringLiteral("AWS ") + endpoint.region;
}

bool sameCaller(const QString &recordedCaller, const QString &currentArn)
{
    if (recordedCaller.isEmpty() || currentArn.isEmpty())
        return false;
    // An assumed-role ARN without its last segment (the session name) names the role in its account.
    const auto role = [](const QString &arn) {
        return arn.contains(QLatin1String(":assumed-role/")) ? arn.left(arn.lastIndexOf(QLatin1Char('/'))) : arn;
    };
    return role(recordedCaller) == role(currentArn);
}

qint64 UploadRecord::bytesDone() const
{
    qint64 done = 0;
    for (const JournalPart &part : parts)
        done += part.length;
    return done;
}

UploadJournal::UploadJournal(QString folder) : m_folder(std::move(folder)) {}

QString UploadJournal::pathOf(const QString &id) const
{
    return QDir(m_folder).filePath(id + suffix);
}

bool UploadJournal::begin(UploadRecord &record)
{
    if (!QDir().mkpath(m_folder))
        return false;
    QFile::setPermissions(m_folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    record.id = QUuid::createUuid().toString(QUuid::Id128);
    QFile file(pathOf(record.id));
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return false;
    return file.write(line(headerOf(record))) > 0;
}

void UploadJournal::addPart(const QString &id, const JournalPart &part)
{
    if (id.isEmpty())
        return;
    QFile file(pathOf(id));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        return;  // a part missing from the journal is only sent again on resume
    file.write(line({{QStringLiteral("type"), QStringLiteral("part")},
                     {QStringLiteral("number"), part.number},
                     {QStringLiteral("offset"), QString::number(part.offset)},
                     {QStringLiteral("length"), QString::number(part.length)},
                     {QStringLiteral("eTag"), part.eTag},
                     {QStringLiteral("sha256"), QString::fromLatin1(part.sha256)},
                     {QStringLiteral("checksum"), part.checksum.isValid() ? QString::fromLatin1(part.checksum.toBase64()) : QString()}}));
}

void UploadJournal::remove(const QString &id)
{
    if (!id.isEmpty())
        QFile::remove(pathOf(id));
}

std::optional<UploadRecord> UploadJournal::parse(const QByteArray &text)
{
    const QList<QByteArray> lines = text.split('\n');
    if (lines.isEmpty())
        return std::nullopt;
    const QJsonObject header = QJsonDocument::fromJson(lines.first()).object();
    if (header.value(QStringLiteral("type")).toString() != QLatin1String("upload"))
        return std::nullopt;
    UploadRecord record;
    record.bucket = header.value(QStringLiteral("bucket")).toString();
    record.key = header.value(QStringLiteral("key")).toString();
    record.endpoint = header.value(QStringLiteral("endpoint")).toString();
    record.identity = header.value(QStringLiteral("identity")).toString();
    record.caller = header.value(QStringLiteral("caller")).toString();
    record.uploadId = header.value(QStringLiteral("uploadId")).toString();
    record.localPath = header.value(QStringLiteral("localPath")).toString();
    record.size = header.value(QStringLiteral("size")).toString().toLongLong();
    record.modified = QDateTime::fromString(header.value(QStringLiteral("modified")).toString(), Qt::ISODateWithMs);
    record.partSize = header.value(QStringLiteral("partSize")).toString().toLongLong();
    record.contentType = header.value(QStringLiteral("contentType")).toString();
    record.started = QDateTime::fromString(header.value(QStringLiteral("started")).toString(), Qt::ISODateWithMs);
    const QString algorithm = header.value(QStringLiteral("checksumAlgorithm")).toString();
    if (!algorithm.isEmpty()) {
        const auto known = checksumAlgorithmFromName(algorithm);
        if (!known)
            return std::nullopt;  // a checksum this version cannot compute: the upload cannot be completed as begun
        record.checksumAlgorithm = *known;
    }
    record.noClobber = header.value(QStringLiteral("noClobber")).toBool();
    if (record.bucket.isEmpty() || record.key.isEmpty() || record.uploadId.isEmpty() || record.localPath.isEmpty()
        || record.size <= 0 || record.partSize <= 0)
        return std::nullopt;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QJsonObject entry = QJsonDocument::fromJson(lines.at(i)).object();  // a torn line reads as empty
        if (entry.value(QStringLiteral("type")).toString() != QLatin1String("part"))
            continue;
        JournalPart part;
        part.number = entry.value(QStringLiteral("number")).toInt();
        part.offset = entry.value(QStringLiteral("offset")).toString().toLongLong();
        part.length = entry.value(QStringLiteral("length")).toString().toLongLong();
        part.eTag = entry.value(QStringLiteral("eTag")).toString();
        part.sha256 = entry.value(QStringLiteral("sha256")).toString().toLatin1();
        if (record.checksumAlgorithm != ChecksumAlgorithm::None) {
            // Every part of an upload with a checksum has one; without it the part is sent again.
            const auto checksum = Checksum::fromBase64(record.checksumAlgorithm, entry.value(QStringLiteral("checksum")).toString().toLatin1());
            if (!checksum)
                continue;
            part.checksum = *checksum;
        }
        if (part.sha256.isEmpty() && !part.checksum.isValid())
            continue;  // nothing to check the local bytes against on resume
        if (part.number < 1 || part.number > 10000 || part.length <= 0 || part.eTag.isEmpty() || part.offset < 0
            || part.offset + part.length > record.size)
            continue;
        record.parts.removeIf([&](const JournalPart &older) { return older.number == part.number; });
        record.parts.append(part);
    }
    return record;
}

QList<UploadRecord> UploadJournal::records() const
{
    QList<UploadRecord> found;
    const QStringList files = QDir(m_folder).entryList({QStringLiteral("*") + suffix}, QDir::Files, QDir::Time | QDir::Reversed);
    for (const QString &name : files) {
        QFile file(QDir(m_folder).filePath(name));
        if (!file.open(QIODevice::ReadOnly) || file.size() > 16 * 1024 * 1024)
            continue;
        auto record = parse(file.readAll());
        if (!record)
            continue;
        record->id = name.chopped(suffix.size());
        found.append(*record);
    }
    return found;
}

std::optional<UploadRecord> UploadJournal::find(const QString &endpoint, const QString &bucket, const QString &key,
                                                const QString &localPath) const
{
    for (const UploadRecord &record : records()) {
        if (record.endpoint == endpoint && record.bucket == bucket && record.key == key && record.localPath == localPath)
            return record;
    }
    return std::nullopt;
}

} // namespace RoleDrop::Transfers
