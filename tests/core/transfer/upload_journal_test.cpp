// The journal of unfinished multipart uploads: what a crash leaves is read back (a torn last line too), one
// small append per part, and nothing of it ever names a secret.
#include "core/http/endpoint_config.h"
#include "core/transfer/upload_journal.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using namespace RoleDrop::Transfers;

namespace {

UploadRecord sampleRecord()
{
    UploadRecord record;
    record.bucket = QStringLiteral("data");
    record.key = QStringLiteral("isos/big file.iso");
    record.endpoint = QStringLiteral("http://127.0.0.1:7480");
    record.identity = QStringLiteral("S3Access @ 123456789012");
    record.caller = QStringLiteral("arn:aws:sts::123456789012:assumed-role/S3Access/roledrop");
    record.uploadId = QStringLiteral("2~abcDEF/+=");
    record.localPath = QStringLiteral("/home/james/big file.iso");
    record.size = 100LL * 1024 * 1024;
    record.modified = QDateTime(QDate(2026, 11, 30), QTime(9, 30, 1, 250), Qt::UTC);
    record.partSize = 16LL * 1024 * 1024;
    record.contentType = QStringLiteral("application/x-iso9660-image");
    record.started = QDateTime(QDate(2026, 11, 30), QTime(9, 31), Qt::UTC);
    return record;
}

} // namespace

class UploadJournalTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void aRecordAndItsPartsComeBack()
    {
        UploadJournal journal(m_dir.filePath(QStringLiteral("roundtrip")));
        UploadRecord record = sampleRecord();
        QVERIFY(journal.begin(record));
        QVERIFY(!record.id.isEmpty());
        journal.addPart(record.id, {1, 0, record.partSize, QStringLiteral("\"etag-1\""), "aa11"});
        journal.addPart(record.id, {3, 2 * record.partSize, record.partSize, QStringLiteral("\"etag-3\""), "cc33"});
        const QList<UploadRecord> records = journal.records();
        QCOMPARE(records.size(), 1);
        const UploadRecord &back = records.first();
        QCOMPARE(back.id, record.id);
        QCOMPARE(back.key, record.key);
        QCOMPARE(back.uploadId, record.uploadId);
        QCOMPARE(back.modified, record.modified);
        QCOMPARE(back.size, record.size);
        QCOMPARE(back.caller, record.caller);
        QCOMPARE(back.parts.size(), 2);
        QCOMPARE(back.parts.at(1).number, 3);
        QCOMPARE(back.parts.at(1).sha256, QByteArray("cc33"));
        QCOMPARE(back.bytesDone(), 2 * record.partSize);
        QVERIFY(journal.find(record.endpoint, record.bucket, record.key, record.localPath).has_value());
        QVERIFY(!journal.find(QStringLiteral("AWS us-east-1"), record.bucket, record.key, record.localPath).has_value());
        journal.remove(record.id);
        QVERIFY(journal.records().isEmpty());
    }

    void aTornLastLineIsIgnored()
    {
        UploadJournal journal(m_dir.filePath(QStringLiteral("torn")));
        UploadRecord record = sampleRecord();
        QVERIFY(journal.begin(record));
        journal.addPart(record.id, {1, 0, record.partSize, QStringLiteral("\"e1\""), "aa"});
        QFile file(QDir(journal.folder()).filePath(record.id + QStringLiteral(".journal")));
        QVERIFY(file.open(QIODevice::Append));
        file.write("{\"type\":\"part\",\"number\":2,\"off");  // a crash in the middle of a write
        file.close();
        const QList<UploadRecord> records = journal.records();
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first().parts.size(), 1);
    }

    void nonsenseIsRefusedNotBelieved()
    {
        QVERIFY(!UploadJournal::parse(QByteArray()).has_value());
        QVERIFY(!UploadJournal::parse("not json\n").has_value());
        QVERIFY(!UploadJournal::parse("{\"type\":\"upload\",\"bucket\":\"b\"}\n").has_value());  // no key, id, file
        // A part outside the file, a part number out of range, a part without ETag: dropped.
        QByteArray text = "{\"type\":\"upload\",\"bucket\":\"b\",\"key\":\"k\",\"uploadId\":\"u\",\"localPath\":\"/f\",\"size\":\"100\",\"partSize\":\"50\"}\n";
        text += "{\"type\":\"part\",\"number\":1,\"offset\":\"0\",\"length\":\"50\",\"eTag\":\"e\",\"sha256\":\"x\"}\n";
        text += "{\"type\":\"part\",\"number\":2,\"offset\":\"60\",\"length\":\"50\",\"eTag\":\"e\",\"sha256\":\"x\"}\n";
        text += "{\"type\":\"part\",\"number\":10001,\"offset\":\"0\",\"length\":\"50\",\"eTag\":\"e\",\"sha256\":\"x\"}\n";
        text += "{\"type\":\"part\",\"number\":2,\"offset\":\"50\",\"length\":\"50\",\"eTag\":\"\",\"sha256\":\"x\"}\n";
        const auto record = UploadJournal::parse(text);
        QVERIFY(record.has_value());
        QCOMPARE(record->parts.size(), 1);
        QCOMPARE(record->parts.first().number, 1);
    }

    void theLaterLineOfAPartWins()
    {
        QByteArray text = "{\"type\":\"upload\",\"bucket\":\"b\",\"key\":\"k\",\"uploadId\":\"u\",\"localPath\":\"/f\",\"size\":\"100\",\"partSize\":\"50\"}\n";
        text += "{\"type\":\"part\",\"number\":1,\"offset\":\"0\",\"length\":\"50\",\"eTag\":\"old\",\"sha256\":\"x\"}\n";
        text += "{\"type\":\"part\",\"number\":1,\"offset\":\"0\",\"length\":\"50\",\"eTag\":\"new\",\"sha256\":\"y\"}\n";
        const auto record = UploadJournal::parse(text);
        QCOMPARE(record->parts.size(), 1);
        QCOMPARE(record->parts.first().eTag, QStringLiteral("new"));
    }

    // A resumed upload completes with the checksums it began with: the algorithm, each part's CRC, and whether it
    // may replace an object all come back (a part signed with no SHA-256, over https, has only its CRC).
    void checksumsAndNoClobberComeBack()
    {
        UploadJournal journal(m_dir.filePath(QStringLiteral("checksums")));
        UploadRecord record = sampleRecord();
        record.checksumAlgorithm = ChecksumAlgorithm::Crc64Nvme;
        record.noClobber = true;
        QVERIFY(journal.begin(record));
        const Checksum one = checksumOf(ChecksumAlgorithm::Crc64Nvme, "part one");
        const Checksum two = checksumOf(ChecksumAlgorithm::Crc64Nvme, "part two");
        journal.addPart(record.id, {1, 0, record.partSize, QStringLiteral("\"e1\""), "aa11", one});
        journal.addPart(record.id, {2, record.partSize, record.partSize, QStringLiteral("\"e2\""), QByteArray(), two});
        const QList<UploadRecord> records = journal.records();
        QCOMPARE(records.size(), 1);
        const UploadRecord &back = records.first();
        QCOMPARE(back.checksumAlgorithm, ChecksumAlgorithm::Crc64Nvme);
        QVERIFY(back.noClobber);
        QCOMPARE(back.parts.size(), 2);
        QVERIFY(back.parts.at(0).checksum == one);
        QCOMPARE(back.parts.at(0).sha256, QByteArray("aa11"));
        QVERIFY(back.parts.at(1).checksum == two);
        QVERIFY(back.parts.at(1).sha256.isEmpty());
        // An upload begun without: none, and it may replace.
        UploadRecord plain = sampleRecord();
        QVERIFY(journal.begin(plain));
        for (const UploadRecord &found : journal.records()) {
            if (found.id == plain.id) {
                QCOMPARE(found.checksumAlgorithm, ChecksumAlgorithm::None);
                QVERIFY(!found.noClobber);
            }
        }
    }

    void partsWithoutWhatTheyNeedAreSentAgain()
    {
        QByteArray text = "{\"type\":\"upload\",\"bucket\":\"b\",\"key\":\"k\",\"uploadId\":\"u\",\"localPath\":\"/f\",\"size\":\"100\","
                          "\"partSize\":\"50\",\"checksumAlgorithm\":\"CRC32C\"}\n";
        text += "{\"type\":\"part\",\"number\":1,\"offset\":\"0\",\"length\":\"50\",\"eTag\":\"e\",\"sha256\":\"x\"}\n";  // no CRC
        text += "{\"type\":\"part\",\"number\":2,\"offset\":\"50\",\"length\":\"50\",\"eTag\":\"e\",\"checksum\":\"OOJZ0D8xKts=\"}\n";  // a CRC64 for a CRC32C upload
        auto record = UploadJournal::parse(text);
        QVERIFY(record.has_value());
        QCOMPARE(record->checksumAlgorithm, ChecksumAlgorithm::Crc32c);
        QVERIFY(record->parts.isEmpty());
        text += "{\"type\":\"part\",\"number\":2,\"offset\":\"50\",\"length\":\"50\",\"eTag\":\"e\",\"checksum\":\"4waSgw==\"}\n";
        record = UploadJournal::parse(text);
        QCOMPARE(record->parts.size(), 1);
        QCOMPARE(record->parts.first().checksum.value, quint64(0xE3069283u));
        // Neither a SHA-256 nor a CRC: nothing to check the local bytes against.
        QByteArray bare = "{\"type\":\"upload\",\"bucket\":\"b\",\"key\":\"k\",\"uploadId\":\"u\",\"localPath\":\"/f\",\"size\":\"100\",\"partSize\":\"50\"}\n";
        bare += "{\"type\":\"part\",\"number\":1,\"offset\":\"0\",\"length\":\"50\",\"eTag\":\"e\"}\n";
        QVERIFY(UploadJournal::parse(bare)->parts.isEmpty());
        // An algorithm this version cannot compute: the upload is not taken up.
        QVERIFY(!UploadJournal::parse("{\"type\":\"upload\",\"bucket\":\"b\",\"key\":\"k\",\"uploadId\":\"u\",\"localPath\":\"/f\","
                                      "\"size\":\"100\",\"partSize\":\"50\",\"checksumAlgorithm\":\"SHA512\"}\n").has_value());
    }

    void theFolderIsTheUsersOnly()
    {
        UploadJournal journal(m_dir.filePath(QStringLiteral("private")));
        UploadRecord record = sampleRecord();
        QVERIFY(journal.begin(record));
        const QFile::Permissions permissions = QFileInfo(journal.folder()).permissions();
        QVERIFY(!(permissions & (QFileDevice::ReadOther | QFileDevice::ReadGroup)));
    }

    void endpointNames()
    {
        Http::EndpointConfig aws;
        aws.region = QStringLiteral("eu-west-1");
        QCOMPARE(journalEndpointName(aws), QStringLiteral("AWS eu-west-1"));
        Http::EndpointConfig rgw;
        rgw.customEndpoint = QUrl(QStringLiteral("https://user:pw@rgw.example:7480"));
        QCOMPARE(journalEndpointName(rgw), QStringLiteral("https://rgw.example:7480"));  // no password in a journal
    }

    // Who an upload ran as is matched by role, not by session name: a new session of the same role is the same.
    void callersMatchByRole()
    {
        const QString cliSession = QStringLiteral("arn:aws:sts::123456789012:assumed-role/S3Access/roledrop-cli");
        QVERIFY(Transfers::sameCaller(cliSession, QStringLiteral("arn:aws:sts::123456789012:assumed-role/S3Access/roledrop-window")));
        QVERIFY(!Transfers::sameCaller(cliSession, QStringLiteral("arn:aws:sts::123456789012:assumed-role/S3Admin/roledrop-cli")));
        QVERIFY(!Transfers::sameCaller(cliSession, QStringLiteral("arn:aws:sts::210987654321:assumed-role/S3Access/roledrop-cli")));
        QVERIFY(!Transfers::sameCaller(cliSession, QStringLiteral("arn:aws:iam::123456789012:user/james")));
        QVERIFY(Transfers::sameCaller(QStringLiteral("arn:aws:iam::123456789012:user/james"), QStringLiteral("arn:aws:iam::123456789012:user/james")));
        QVERIFY(!Transfers::sameCaller(QStringLiteral("arn:aws:iam::123456789012:user/james"), QStringLiteral("arn:aws:iam::123456789012:user/jane")));
        QVERIFY(!Transfers::sameCaller(QString(), QString()));
        QVERIFY(!Transfers::sameCaller(cliSession, QString()));
    }
};

QTEST_GUILESS_MAIN(UploadJournalTest)
#include "upload_journal_test.moc"
