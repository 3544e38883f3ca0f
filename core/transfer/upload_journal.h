#pragma once

#include "core/common/checksum.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace RoleDrop::Http {
struct EndpointConfig;
}

namespace RoleDrop::Transfers {

// How a journal names the server an upload went to: the custom endpoint's URL, or "AWS" and the region.
QString journalEndpointName(const Http::EndpointConfig &endpoint);

// One finished part of a multipart upload, as sent.
struct JournalPart
{
    int number = 0;
    qint64 offset = 0;
    qint64 length = 0;
    QString eTag;          // as the server answered
    QByteArray sha256;     // hex, of the local bytes sent when it was signed with it (http): a changed file shows on resume
    Checksum checksum;     // the part's CRC as sent (the upload's algorithm): checked on resume, and listed on completion
};

// What it takes to resume a multipart upload after a crash, a kill or a pause: where it goes, what it
// sends, and which parts are already there. No secret: the identity is named, never its keys.
struct UploadRecord
{
    QString id;                // the journal file's name
    QString bucket;
    QString key;
    QString endpoint;          // "AWS" or the custom endpoint URL, so a resume goes to the same server
    QString identity;          // who it ran as, for people ("S3Access @ 123456789012")
    QString caller;            // and for matching: its ARN when known (an assumed-role ARN), else empty
    QString uploadId;
    QString localPath;
    qint64 size = 0;
    QDateTime modified;        // the file's mtime when the upload started (UTC)
    qint64 partSize = 0;
    QString contentType;
    QDateTime started;         // UTC
    // The checksum the upload was created with (its parts carry it, and the completion the whole object's), so a
    // resume sends the same; None: no checksum.
    ChecksumAlgorithm checksumAlgorithm = ChecksumAlgorithm::None;
    bool noClobber = false;    // completes only if no object has the key meanwhile (If-None-Match: *)
    QList<JournalPart> parts;

    qint64 bytesDone() const;
};

// Whether an upload recorded as `recordedCaller` ran as the identity `currentArn` is: the same ARN, or the same
// role of the same account under another session name (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION).
bool sameCaller(const QString &recordedCaller, const QString &currentArn);

// The journal of unfinished multipart uploads: one small file per upload in `folder`, a header line when the
// upload starts and one appended line per finished part - one small write each, no fsync: a line lost to a
// power cut only means that part is sent again (resume checks every part against the server's ListParts).
// A finished, cancelled or failed upload removes its file. A torn last line (a crash mid-write) is ignored.
class UploadJournal
{
public:
    explicit UploadJournal(QString folder);
    Q_DISABLE_COPY_MOVE(UploadJournal)

    const QString &folder() const { return m_folder; }

    // Starts the record of an upload (its id is made here); false if the folder cannot be written.
    bool begin(UploadRecord &record);
    void addPart(const QString &id, const JournalPart &part);
    void remove(const QString &id);

    QList<UploadRecord> records() const;
    // The unfinished upload of this file to this place, if there is one.
    std::optional<UploadRecord> find(const QString &endpoint, const QString &bucket, const QString &key,
                                     const QString &localPath) const;

    // Parses one journal file's text (exposed for tests and the fuzzer).
    static std::optional<UploadRecord> parse(const QByteArray &text);

private:
    QString pathOf(const QString &id) const;

    QString m_folder;
};

} // namespace RoleDrop::Transfers
