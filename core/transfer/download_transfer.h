#pragma once

#include "core/s3/s3_client.h"
#include "core/transfer/transfer.h"

#include <QPointer>

#include <memory>
#include <vector>

class QSaveFile;

namespace RoleDrop::Http {
class AwsCall;
}

namespace RoleDrop::Transfers {

struct DownloadOptions
{
    qint64 rangeBytes = 8LL * 1024 * 1024;  // one ranged GET; a smaller object comes in one
    int maxRangesInFlight = 4;              // parallel GETs of one big object (the server streams each)
};

// Downloads one object to a file. The first GET asks for the first range; its answer tells the size, and a
// bigger object's other ranges then come in parallel, each written at its offset. All ranges after the
// first must match the first one's ETag (If-Match), so an object replaced meanwhile is never stitched
// together from two versions. Bytes go to a temporary file beside the target as they arrive (each read
// buffer is bounded) and the target appears only when every byte is there: a failed or cancelled download
// leaves nothing behind and never a half-written file under the real name.
class DownloadTransfer final : public Transfer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DownloadTransfer)
public:
    // `localPath` must already be the checked destination (see localPathForKey).
    DownloadTransfer(std::shared_ptr<const S3::S3Client> client, const S3::S3Uri &source, const QString &localPath,
                     DownloadOptions options = {}, QObject *parent = nullptr);
    ~DownloadTransfer() override;

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
        bool first = false;
    };

    void startStream(qint64 offset, qint64 length, bool first);
    std::optional<AwsError> onHead(Stream *stream, const S3::ObjectStreamHead &head);
    std::optional<AwsError> onData(Stream *stream, const QByteArray &chunk);
    void onStreamDone(Stream *stream, const Outcome<Done> &result);
    void pumpRanges();
    void removeStream(Stream *stream);
    AwsError error(AwsErrorKind kind, const QString &message) const;

    DownloadOptions m_options;
    std::unique_ptr<QSaveFile> m_file;
    std::vector<std::unique_ptr<Stream>> m_streams;
    qint64 m_objectSize = -1;   // known from the first answer
    qint64 m_nextOffset = 0;    // where the next range starts
    QByteArray m_eTag;
    qint64 m_received = 0;
    quint64 m_generation = 0;   // bumps on every (re)start and abort, so stale callbacks are ignored
};

} // namespace RoleDrop::Transfers
