#include "core/transfer/download_transfer.h"

#include "core/http/aws_call.h"
#include "core/http/retry_policy.h"
#include "core/s3/s3_client.h"
#include "core/transfer/multipart_etag.h"
#include "core/transfer/object_checksum.h"
#include "core/transfer/payload_hasher.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStorageInfo>

#include <filesystem>

namespace RoleDrop::Transfers {

namespace {

// An ETag that is the MD5 of the object's bytes: 32 hex digits (a multipart object's has "-N").
bool isPlainMd5(const QByteArray &eTag)
{
    static const QRegularExpression pattern(QStringLiteral("^\"?[0-9a-fA-F]{32}\"?$"));
    return pattern.match(QString::fromLatin1(eTag)).hasMatch();
}

} // namespace

DownloadTransfer::DownloadTransfer(std::shared_ptr<const S3::S3Client> client, const S3::S3Uri &source,
                                   const QString &localPath, DownloadOptions options, QObject *parent)
    : Transfer(std::move(client), TransferDirection::Download, localPath, source, parent), m_options(options)
{
    m_options.rangeBytes = std::max<qint64>(64 * 1024, m_options.rangeBytes);
    m_options.maxRangesInFlight = std::max(1, m_options.maxRangesInFlight);
}

DownloadTransfer::~DownloadTransfer()
{
    for (const auto &stream : m_streams) {
        if (stream->call)
            stream->call->cancel();
    }
}

namespace {

// A local file that cannot be written, named as the resource. A full disk shows as a short write with no
// error of QFile's own ("Unknown error"): the free space says what happened.
AwsError writeFailure(const QFile &file, qint64 attempted)
{
    QString reason = file.errorString();
    const QStorageInfo storage(QFileInfo(file.fileName()).absolutePath());
    if (attempted > 0 && storage.isValid() && storage.bytesAvailable() < attempted)
        reason = QStringLiteral("No space left on device (%1 bytes free on %2)").arg(storage.bytesAvailable()).arg(storage.rootPath());
    AwsError error = AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("cannot write: %1").arg(reason));
    error.resource = file.fileName();
    return error;
}

} // namespace

AwsError DownloadTransfer::error(AwsErrorKind kind, const QString &message) const
{
    AwsError error = AwsError::local(kind, message);
    error.action = QStringLiteral("s3:GetObject");
    error.resource = remote().toString();
    error.identity = client()->identityName();
    return error;
}

void DownloadTransfer::run()
{
    ++m_generation;
    m_streams.clear();
    m_missing.clear();
    m_objectSize = -1;
    m_eTag.clear();
    m_encryption.clear();
    m_checksum = S3::ObjectChecksum{};
    m_received = 0;
    m_resumedBytes = 0;
    m_planned = false;
    if (!QDir().mkpath(QFileInfo(localPath()).absolutePath())) {
        fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot create the folder %1").arg(QFileInfo(localPath()).absolutePath())));
        return;
    }
    // What an earlier run of this download left (a crash, a kill, a pause) is taken up again.
    if (loadMap() && openPartFile(true)) {
        setTotal(m_objectSize);
        m_resumedBytes = m_received;
        setProgress(m_received);
        if (m_missing.isEmpty())
            return finishFile();
        return pumpRanges();
    }
    discardPartFiles();
    if (!openPartFile(false))
        return;
    startStream(0, m_options.rangeBytes, true);
}

bool DownloadTransfer::openPartFile(bool keepWhatIsThere)
{
    m_part.close();
    m_part.setFileName(partPathFor(localPath()));
    const QIODevice::OpenMode mode = keepWhatIsThere ? QIODevice::ReadWrite : (QIODevice::ReadWrite | QIODevice::Truncate);
    if (!m_part.open(mode)) {
        fail(writeFailure(m_part, 0));
        return false;
    }
    m_part.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

// The map of an earlier run: its header (the object's version and size) and the ranges it finished.
bool DownloadTransfer::loadMap()
{
    QFile map(mapPathFor(localPath()));
    if (!QFileInfo::exists(partPathFor(localPath())) || !map.open(QIODevice::ReadOnly) || map.size() > 64 * 1024 * 1024)
        return false;
    const QList<QByteArray> lines = map.readAll().split('\n');
    const QJsonObject header = QJsonDocument::fromJson(lines.value(0)).object();
    if (header.value(QStringLiteral("bucket")).toString() != remote().bucket || header.value(QStringLiteral("key")).toString() != remote().key)
        return false;
    m_eTag = header.value(QStringLiteral("eTag")).toString().toLatin1();
    m_encryption = header.value(QStringLiteral("encryption")).toString().toLatin1();
    m_objectSize = header.value(QStringLiteral("size")).toString().toLongLong();
    if (m_eTag.isEmpty() || m_objectSize <= 0)
        return false;
    QList<Range> done;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines.at(i).split(' ');
        if (fields.size() != 2)
            continue;  // a torn last line
        const Range range{fields.at(0).toLongLong(), fields.at(1).toLongLong()};
        if (range.offset >= 0 && range.length > 0 && range.offset + range.length <= m_objectSize)
            done.append(range);
    }
    std::sort(done.begin(), done.end(), [](const Range &a, const Range &b) { return a.offset < b.offset; });
    // The gaps between finished ranges are what is left, cut into ranges of the usual size.
    qint64 next = 0;
    const auto addGap = [this](qint64 from, qint64 to) {
        for (qint64 offset = from; offset < to; offset += m_options.rangeBytes)
            m_missing.append({offset, std::min(m_options.rangeBytes, to - offset)});
    };
    for (const Range &range : std::as_const(done)) {
        if (range.offset > next)
            addGap(next, range.offset);
        const qint64 end = range.offset + range.length;
        if (end > next) {
            m_received += end - std::max(next, range.offset);
            next = end;
        }
    }
    addGap(next, m_objectSize);
    m_planned = true;
    return true;
}

void DownloadTransfer::noteRangeDone(qint64 offset, qint64 length)
{
    QFile map(mapPathFor(localPath()));
    if (!map.open(QIODevice::WriteOnly | QIODevice::Append))
        return;  // without the note that range is only fetched again after a crash
    if (map.size() == 0) {
        map.write(QJsonDocument(QJsonObject{{QStringLiteral("bucket"), remote().bucket}, {QStringLiteral("key"), remote().key},
                                            {QStringLiteral("eTag"), QString::fromLatin1(m_eTag)},
                                            {QStringLiteral("encryption"), QString::fromLatin1(m_encryption)},
                                            {QStringLiteral("size"), QString::number(m_objectSize)}})
                      .toJson(QJsonDocument::Compact)
                  + '\n');
        map.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    map.write(QByteArray::number(offset) + ' ' + QByteArray::number(length) + '\n');
}

void DownloadTransfer::startStream(qint64 offset, qint64 length, bool first, int attempt)
{
    auto stream = std::make_unique<Stream>();
    stream->offset = offset;
    stream->length = length;
    stream->first = first;
    stream->attempt = attempt;
    Stream *raw = stream.get();
    m_streams.push_back(std::move(stream));
    S3::GetObjectRequest request;
    request.bucket = remote().bucket;
    request.key = remote().key;
    request.offset = offset;
    request.length = length;
    if (!first)
        request.ifMatch = m_eTag;  // every later range must come from the version the first one did
    const quint64 generation = m_generation;
    raw->call = client()->getObject(
        request, this, [this, raw](const S3::ObjectStreamHead &head) { return onHead(raw, head); },
        [this, raw](const QByteArray &chunk) { return onData(raw, chunk); },
        [this, raw, generation](Outcome<Done> result) {
            if (generation == m_generation && state() == TransferState::Running)
                onStreamDone(raw, result);
        });
}

void DownloadTransfer::discardPartFiles()
{
    m_part.close();
    QFile::remove(partPathFor(localPath()));
    QFile::remove(mapPathFor(localPath()));
}

void DownloadTransfer::abortWork()
{
    ++m_generation;
    for (const auto &stream : m_streams) {
        if (stream->call)
            stream->call->cancel();
    }
    m_streams.clear();
    if (state() != TransferState::Paused)
        discardPartFiles();  // a failed or cancelled download leaves nothing behind
    else
        m_part.close();
}

// The first answer decides the plan: 206 names the object's size (more ranges follow), 200 means the
// server sent everything at once. Every later answer must be exactly the range asked for.
std::optional<AwsError> DownloadTransfer::onHead(Stream *stream, const S3::ObjectStreamHead &head)
{
    if (state() != TransferState::Running)
        return error(AwsErrorKind::Cancelled, QStringLiteral("Cancelled"));
    if (stream->first) {
        m_eTag = head.eTag;
        m_encryption = head.encryption;
        if (head.status == 206 && head.rangeStart != 0)
            return error(AwsErrorKind::MalformedResponse, QStringLiteral("The server answered another range than the first bytes"));
        if (head.status == 206) {
            m_objectSize = head.objectSize;
            setTotal(m_objectSize);
            stream->length = std::min(stream->length, m_objectSize);
            for (qint64 offset = stream->length; offset < m_objectSize; offset += m_options.rangeBytes)
                m_missing.append({offset, std::min(m_options.rangeBytes, m_objectSize - offset)});
            m_planned = true;
            pumpRanges();
        } else {
            stream->length = -1;
            m_checksum = head.checksum;      // S3 gives the stored checksum with a whole object
            m_objectSize = head.objectSize;  // -1 when sent without a length: whatever comes whole
            if (m_objectSize > 0)
                setTotal(m_objectSize);
            m_planned = true;
        }
        return std::nullopt;
    }
    if (head.status != 206 || head.rangeStart != stream->offset || head.length != stream->length)
        return error(AwsErrorKind::MalformedResponse,
                     QStringLiteral("The server answered another range than bytes %1-%2").arg(stream->offset).arg(stream->offset + stream->length - 1));
    if (!m_eTag.isEmpty() && head.eTag != m_eTag)
        return error(AwsErrorKind::Network, QStringLiteral("The object changed while it was being downloaded; try again"));
    return std::nullopt;
}

std::optional<AwsError> DownloadTransfer::onData(Stream *stream, const QByteArray &chunk)
{
    if (state() != TransferState::Running || !m_part.isOpen())
        return error(AwsErrorKind::Cancelled, QStringLiteral("Cancelled"));
    if (stream->length >= 0 && stream->written + chunk.size() > stream->length)
        return error(AwsErrorKind::MalformedResponse, QStringLiteral("The server sent more bytes than the range asked for"));
    if (!m_part.seek(stream->offset + stream->written) || m_part.write(chunk) != chunk.size())
        return writeFailure(m_part, chunk.size());
    stream->written += chunk.size();
    m_received += chunk.size();
    setProgress(m_received);
    return std::nullopt;
}

void DownloadTransfer::onStreamDone(Stream *stream, const Outcome<Done> &result)
{
    if (!result) {
        const AwsError &failure = result.error();
        if (stream->first && failure.httpStatus == 416) {
            // A range of an empty object does not exist: fetch it whole (it has no bytes to split).
            removeStream(stream);
            startStream(0, -1, true);
            return;
        }
        if (failure.httpStatus == 412) {
            // Another version than the part file holds: a resumed download starts over, a running one says so.
            if (m_resumedBytes > 0 && !stream->first) {
                discardPartFiles();
                m_resumedBytes = 0;
                return run();
            }
            return fail(error(AwsErrorKind::Network, QStringLiteral("The object changed while it was being downloaded; try again")));
        }
        // A range cut short after some bytes came: ask again for the rest of it (the bytes already written stay).
        const Http::RetryReason reason = Http::retryReasonFor(failure);
        const bool resumable = stream->length > 0 && stream->written > 0 && stream->written < stream->length;
        if (resumable && (reason == Http::RetryReason::Transient || reason == Http::RetryReason::Throttled)
            && stream->attempt < m_options.maxAttemptsPerRange) {
            const qint64 offset = stream->offset + stream->written;
            const qint64 length = stream->length - stream->written;
            const int attempt = stream->attempt + 1;
            noteRangeDone(stream->offset, stream->written);
            removeStream(stream);
            startStream(offset, length, false, attempt);
            return;
        }
        if (reason == Http::RetryReason::StaleCredentials) {
            // The identity could not be renewed: stop every range, keep the part file for a retry.
            ++m_generation;
            for (const auto &other : m_streams) {
                if (other->call)
                    other->call->cancel();
            }
            m_streams.clear();
            m_part.close();
            return pauseForStaleSession(failure, QStringLiteral("what arrived is kept in %1").arg(QFileInfo(partPathFor(localPath())).fileName()));
        }
        return fail(failure);
    }
    const qint64 expected = stream->length >= 0 ? stream->length : m_objectSize;
    if (expected >= 0 && stream->written != expected)
        return fail(error(AwsErrorKind::Network, QStringLiteral("The download was cut short after %1 of %2 bytes").arg(stream->written).arg(expected)));
    if (stream->first && stream->length < 0)
        m_objectSize = stream->written;  // what came whole is the object (also when sent without a length)
    else {
        // The range's last bytes may still sit in QFile's own buffer: they go to the OS before the map says the
        // range is there, or a kill right after leaves a range noted as done with bytes missing from the file.
        if (!m_part.flush())
            return fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot write %1: %2").arg(m_part.fileName(), m_part.errorString())));
        noteRangeDone(stream->offset, stream->written);
    }
    removeStream(stream);
    pumpRanges();
    if (!m_streams.empty() || !m_missing.isEmpty())
        return;
    finishFile();
}

void DownloadTransfer::pumpRanges()
{
    while (state() == TransferState::Running && int(m_streams.size()) < m_options.maxRangesInFlight && !m_missing.isEmpty()) {
        const Range next = m_missing.takeFirst();
        startStream(next.offset, next.length, false);
    }
}

// Every byte is there: checked, then put in place under the real name in one rename.
void DownloadTransfer::finishFile()
{
    m_part.flush();
    const qint64 size = m_part.size();
    m_part.close();
    if (m_objectSize >= 0 && size != m_objectSize)
        return fail(error(AwsErrorKind::MalformedResponse, QStringLiteral("The file has %1 bytes, the object %2").arg(size).arg(m_objectSize)));
    const quint64 generation = m_generation;
    const auto putInPlace = [this] {
        std::error_code failed;
        std::filesystem::rename(std::filesystem::path(partPathFor(localPath()).toStdString()),
                                std::filesystem::path(localPath().toStdString()), failed);
        if (failed)
            return fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot save %1: %2").arg(localPath(), QString::fromStdString(failed.message()))));
        QFile::remove(mapPathFor(localPath()));
        succeed(QString::fromLatin1(m_eTag));
    };
    if (!client()->checksums().validatesResponses())
        return checkETag(putInPlace);
    if (m_checksum.isValid())
        return checkChecksum(m_checksum, putInPlace);
    // Ranged answers carry no checksum: the object's is asked for once, from the same version (its ETag).
    client()->headObject(remote().bucket, remote().key, this, [=, this](Outcome<S3::ObjectMetadata> head) {
        if (generation != m_generation || state() != TransferState::Running)
            return;
        const bool sameVersion = head && (m_eTag.isEmpty() || head->eTag.toLatin1() == m_eTag);
        if (sameVersion && head->checksum.isValid())
            return checkChecksum(head->checksum, putInPlace);
        checkETag(putInPlace);  // the server keeps none (Ceph RGW 16.2), or it could not be asked
    }, 0, true);
}

// The ETag, where it says something of the bytes: the MD5 of a single-part object, or the MD5 of the parts' MD5s.
void DownloadTransfer::checkETag(std::function<void()> putInPlace)
{
    const quint64 generation = m_generation;
    if (m_encryption == "aws:kms" || m_encryption == "aws:kms:dsse")
        return putInPlace();  // the ETag is not an MD5 of the bytes then
    if (const std::optional<int> parts = multipartETagParts(m_eTag))
        return checkMultipartETag(*parts, putInPlace);
    // An object stored in one piece has the MD5 of its bytes as ETag: the whole file is checked.
    if (!isPlainMd5(m_eTag))
        return putInPlace();
    md5OfFileAsync(partPathFor(localPath()), this, [this, generation, putInPlace](Outcome<QByteArray> md5) {
        if (generation != m_generation || state() != TransferState::Running)
            return;
        if (!md5)
            return fail(md5.error());
        QByteArray expected = m_eTag;
        expected.replace('"', "");
        if (md5.value().compare(expected, Qt::CaseInsensitive) != 0)
            return fail(error(AwsErrorKind::MalformedResponse,
                              QStringLiteral("The downloaded bytes do not match the object's checksum (MD5 %1, ETag %2)")
                                  .arg(QString::fromLatin1(md5.value()), QString::fromLatin1(expected))));
        putInPlace();
    });
}

// An object uploaded in parts: its ETag is checked with the part size S3 gives for part 1, or else with the
// part sizes that give as many parts (multipart_etag.h). Bytes that match none are not put in place.
void DownloadTransfer::checkMultipartETag(int parts, std::function<void()> putInPlace)
{
    const quint64 generation = m_generation;
    const qint64 objectSize = m_objectSize;
    client()->headObject(remote().bucket, remote().key, this, [=, this](Outcome<S3::ObjectMetadata> part) {
        if (generation != m_generation || state() != TransferState::Running)
            return;
        const bool sizeFromServer = part && part->partsCount == parts && part->size > 0 && (parts == 1 || part->size < objectSize);
        const QList<qint64> sizes = sizeFromServer ? QList<qint64>{part->size} : likelyPartSizes(objectSize, parts);
        if (sizes.isEmpty())
            return putInPlace();  // no part size to check with: as unchecked as aws-cli leaves it
        matchMultipartETagAsync(partPathFor(localPath()), m_eTag, sizes, this, [=, this](Outcome<std::optional<qint64>> matched) {
            if (generation != m_generation || state() != TransferState::Running)
                return;
            if (!matched)
                return fail(matched.error());
            if (matched.value())
                return putInPlace();
            QStringList tried;
            for (const qint64 size : sizes)
                tried << QString::number(size);
            fail(error(AwsErrorKind::MalformedResponse,
                       QStringLiteral("The downloaded bytes do not match the object's ETag %1 (checked as %2 parts of %3 bytes); "
                                      "the server or the network changed them. Try again")
                           .arg(QString::fromLatin1(m_eTag))
                           .arg(parts)
                           .arg(tried.join(QStringLiteral(" or ")))));
        });
    }, 1);
}

// The object's flexible checksum: a full-object CRC is checked at once; a composite one needs the part size,
// which S3 gives for part 1 (else the sizes that give as many parts are tried).
void DownloadTransfer::checkChecksum(const S3::ObjectChecksum &expected, std::function<void()> putInPlace)
{
    if (!expected.composite)
        return matchChecksum(expected, {}, putInPlace);
    const quint64 generation = m_generation;
    const qint64 objectSize = m_objectSize;
    client()->headObject(remote().bucket, remote().key, this, [=, this](Outcome<S3::ObjectMetadata> part) {
        if (generation != m_generation || state() != TransferState::Running)
            return;
        const int parts = expected.parts;
        const bool sizeFromServer = part && part->partsCount == parts && part->size > 0 && (parts == 1 || part->size < objectSize);
        const QList<qint64> sizes = sizeFromServer ? QList<qint64>{part->size} : likelyPartSizes(objectSize, parts);
        if (sizes.isEmpty())
            return checkETag(putInPlace);  // no part size to check it with: the ETag is what remains
        matchChecksum(expected, sizes, putInPlace);
    }, 1);
}

void DownloadTransfer::matchChecksum(const S3::ObjectChecksum &expected, const QList<qint64> &partSizes,
                                     std::function<void()> putInPlace)
{
    const quint64 generation = m_generation;
    matchObjectChecksumAsync(partPathFor(localPath()), expected, partSizes, this, [=, this](Outcome<ChecksumMatch> match) {
        if (generation != m_generation || state() != TransferState::Running)
            return;
        if (!match)
            return fail(match.error());
        if (match->matched)
            return putInPlace();
        QString how;
        if (expected.composite) {
            QStringList tried;
            for (const qint64 size : partSizes)
                tried << QString::number(size);
            how = QStringLiteral(" (as %1 parts of %2 bytes)").arg(expected.parts).arg(tried.join(QStringLiteral(" or ")));
        }
        fail(error(AwsErrorKind::MalformedResponse,
                   QStringLiteral("The downloaded bytes do not match the object's stored checksum (%1, downloaded %2%3); "
                                  "the server or the network changed them, and nothing was kept. Try again")
                       .arg(describeObjectChecksum(expected), describeObjectChecksum(match->computed), how)));
    });
}

void DownloadTransfer::removeStream(Stream *stream)
{
    std::erase_if(m_streams, [stream](const auto &owned) { return owned.get() == stream; });
}

} // namespace RoleDrop::Transfers
