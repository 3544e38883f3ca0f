#pragma once

#include "core/s3/s3_client.h"
#include "core/transfer/transfer.h"

#include <QFile>
#include <QPointer>

#include <functional>
#include <memory>
#include <vector>

namespace RoleDrop::Http {
class AwsCall;
}

namespace RoleDrop::Transfers {

struct DownloadOptions
{
    qint64 rangeBytes = 8LL * 1024 * 1024;  // one ranged GET; a smaller object comes in one
    int maxRangesInFlight = 4;              // parallel GETs of one big object (the server streams each)
    int maxAttemptsPerRange = 4;            // a range cut short is asked for again from where it stopped
};

// Downloads one object to a file. The first GET asks for the first range; its answer tells the size, and a
// bigger object's other ranges then come in parallel, each written at its offset. Every answer must be the
// range asked for, and every range after the first must match the first one's ETag (If-Match), so an object
// replaced meanwhile is never stitched together from two versions. A range cut short is asked for again from
// its last byte (the HTTP layer retries what failed before any byte came).
//
// Bytes go to "<file>.roledrop.part" beside the target, and each finished range is noted in
// "<file>.roledrop.part.map" (one small write, no fsync): after a crash or a kill, the same download finds
// them and fetches only the missing ranges, if the object is still the same version. The part file is checked
// and renamed over the target only when every byte is there; a failed or cancelled download removes it, a
// paused one keeps it. The check: the object's flexible checksum where the server keeps one (S3: asked for with
// x-amz-checksum-mode, from a whole answer or a HEAD, since ranges carry none; a CRC over the whole file, or per
// part for a composite one), unless response_checksum_validation is when_required; else its ETag (the MD5 of a
// single-part object, the MD5 of the parts' MD5s of a multipart one). A mismatch fails with both values named.
class DownloadTransfer final : public Transfer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DownloadTransfer)
public:
    // `localPath` must already be the checked destination (see localPathForKey); an existing file there is
    // replaced (the caller asked the user first).
    DownloadTransfer(std::shared_ptr<const S3::S3Client> client, const S3::S3Uri &source, const QString &localPath,
                     DownloadOptions options = {}, QObject *parent = nullptr);
    ~DownloadTransfer() override;

    static QString partPathFor(const QString &localPath) { return localPath + QStringLiteral(".roledrop.part"); }
    static QString mapPathFor(const QString &localPath) { return partPathFor(localPath) + QStringLiteral(".map"); }
    // Bytes a resume found already there (0 when it started from nothing).
    qint64 resumedBytes() const { return m_resumedBytes; }

protected:
    void run() override;
    void abortWork() override;

private:
    // One GET in flight: bytes [offset, offset + length) of the object, or all of it when length < 0.
    struct Stream
    {
        QPointer<Http::AwsCall> call;
        qint64 offset = 0;
        qint64 length = -1;
        qint64 written = 0;
        int attempt = 1;
        bool first = false;
    };
    struct Range
    {
        qint64 offset = 0;
        qint64 length = 0;
    };

    bool openPartFile(bool keepWhatIsThere);
    bool loadMap();
    void noteRangeDone(qint64 offset, qint64 length);
    void startStream(qint64 offset, qint64 length, bool first, int attempt = 1);
    std::optional<AwsError> onHead(Stream *stream, const S3::ObjectStreamHead &head);
    std::optional<AwsError> onData(Stream *stream, const QByteArray &chunk);
    void onStreamDone(Stream *stream, const Outcome<Done> &result);
    void pumpRanges();
    void removeStream(Stream *stream);
    void finishFile();
    void checkETag(std::function<void()> putInPlace);
    void checkMultipartETag(int parts, std::function<void()> putInPlace);
    void checkChecksum(const S3::ObjectChecksum &expected, std::function<void()> putInPlace);
    void matchChecksum(const S3::ObjectChecksum &expected, const QList<qint64> &partSizes, std::function<void()> putInPlace);
    void discardPartFiles();
    AwsError error(AwsErrorKind kind, const QString &message) const;

    DownloadOptions m_options;
    QFile m_part;
    std::vector<std::unique_ptr<Stream>> m_streams;
    QList<Range> m_missing;     // ranges still to ask for, in order
    qint64 m_objectSize = -1;   // known from the first answer (or the map of a resumed download)
    QByteArray m_eTag;
    QByteArray m_encryption;
    S3::ObjectChecksum m_checksum;  // the object's, when a whole (200) answer carried it
    qint64 m_received = 0;
    qint64 m_resumedBytes = 0;
    bool m_planned = false;     // the ranges are laid out (the object's size is known)
    quint64 m_generation = 0;   // bumps on every (re)start and abort, so stale callbacks are ignored
};

} // namespace RoleDrop::Transfers
