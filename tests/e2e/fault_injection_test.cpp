// What RoleDrop does when the network and the server misbehave: the fault proxy (tests/servers/fault_proxy.py,
// a TEST TOOL) sits between a Session and the real Ceph RGW and injects S3 errors, resets, stalls, short,
// wrong and corrupted bodies, an endless listing and region redirects. Every scenario ends either with the
// object byte for byte as the file (checked by a download that bypasses the proxy) and no unfinished multipart
// upload, or with a clear error and nothing left behind: no object, no unfinished upload, no journal, no partial
// local file and no ".roledrop.part" file. The proxy's log says what reached the server: each scenario prints
// one line "FAULT-TABLE | fault | what RoleDrop did | bytes re-sent | result" (also appended to the file named
// by ROLEDROP_FAULT_TABLE, since ctest shows a passing test's output only on failure).
#include "core/s3/object_listing.h"
#include "core/session/session.h"
#include "fault_proxy_log.h"
#include "fault_proxy_process.h"
#include "fault_proxy_rules.h"
#include "test_files.h"
#include "test_session.h"
#include "test_world.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QScopeGuard>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <memory>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

namespace {

using Test::fileSha256;
using Test::rule;
using Test::anyPart;
using Test::part;
using Test::wholePut;
using Test::completion;
using Test::rangedGet;

constexpr qint64 MiB = 1024 * 1024;
// The parts of the multipart scenarios: 5 MiB each, so a 23 MiB file is five parts (the last 3 MiB).
constexpr qint64 partBytes = 5 * MiB;
constexpr qint64 bigFileBytes = 23 * MiB;
constexpr qint64 smallFileBytes = 3 * MiB;
// Downloads are asked for in 4 MiB ranges, two at a time: a 20 MiB object is five ranges.
constexpr qint64 rangeBytes = 4 * MiB;
// The stall limit (ROLEDROP_STALL_TIMEOUT) of the stall scenario's Session (the others keep the default), and a stall longer.
constexpr int stallLimitSeconds = 3;
constexpr int stallSeconds = 8;
// AWS_MAX_ATTEMPTS of the Sessions that talk through the proxy.
constexpr int maxAttempts = 4;

QString sizeText(qint64 bytes)
{
    if (bytes != 0 && bytes % MiB == 0)
        return QStringLiteral("%1 MiB").arg(bytes / MiB);
    return QStringLiteral("%1 B").arg(bytes);
}


// No fault: marks in the log the requests signed for `region` (the scope in their Authorization header).
QJsonObject signedFor(const QString &region)
{
    return rule(QStringLiteral("observe: signed for ") + region,
                {{QStringLiteral("headers"), QJsonObject{{QStringLiteral("Authorization"),
                                                          QJsonObject{{QStringLiteral("regex"), QStringLiteral("/%1/s3/aws4_request").arg(region)}}}}}},
                {{QStringLiteral("delay_request"), 0}});
}

// What the proxy saw of one scenario.
struct Traffic
{
    qint64 putBytesReceived = 0;    // request bodies of PUTs RoleDrop sent
    qint64 putBytesForwarded = 0;   // ...of which reached RGW
    qint64 getBytesSent = 0;        // object bytes RoleDrop was sent (2xx GetObject bodies)
    QStringList order;              // operations in the order first seen
    QMap<QString, int> requests;    // operation -> requests
    QMap<int, int> partAttempts;    // part number -> UploadPart requests
    QStringList faults;             // "UploadPart #1 -> 503", one per request a rule acted on
    int observed = 0;               // requests an "observe:" rule (no fault, only a mark in the log) matched
    int total = 0;

    int count(const QString &operation) const { return requests.value(operation); }

    QString requestsText() const
    {
        QStringList parts;
        for (const QString &operation : order) {
            QString text = QStringLiteral("%1 %2").arg(operation).arg(requests.value(operation));
            if (operation == QLatin1String("UploadPart"))
                text += QStringLiteral(" for %1 parts").arg(partAttempts.size());
            parts << text;
        }
        return parts.join(QStringLiteral(", "));
    }
};

Traffic trafficOf(const QJsonArray &log)
{
    Traffic traffic;
    for (const QJsonValue &value : log) {
        const QJsonObject entry = value.toObject();
        const QString operation = Test::proxyOperation(entry);
        if (!traffic.requests.contains(operation))
            traffic.order << operation;
        ++traffic.requests[operation];
        QString name = operation;
        if (operation == QLatin1String("UploadPart")) {
            const int number = Test::proxyPartNumber(entry);
            ++traffic.partAttempts[number];
            name += QStringLiteral(" #%1").arg(number);
        }
        if (entry.value(QStringLiteral("method")).toString() == QLatin1String("PUT")) {
            traffic.putBytesReceived += entry.value(QStringLiteral("request_body_bytes_received")).toInteger();
            traffic.putBytesForwarded += entry.value(QStringLiteral("request_body_bytes_forwarded")).toInteger();
        }
        if (operation == QLatin1String("GetObject") && entry.value(QStringLiteral("status")).toInt() / 100 == 2)
            traffic.getBytesSent += entry.value(QStringLiteral("response_body_bytes_sent")).toInteger();
        ++traffic.total;
        if (entry.value(QStringLiteral("rule")).toObject().value(QStringLiteral("name")).toString().startsWith(QLatin1String("observe:"))) {
            ++traffic.observed;
        } else if (Test::proxyRuleApplied(entry)) {
            const QJsonValue status = entry.value(QStringLiteral("status"));
            const QString outcome = entry.value(QStringLiteral("outcome")).toString();
            traffic.faults << QStringLiteral("%1 -> %2").arg(name, status.isNull() || outcome == QLatin1String("reset")
                                                                         || outcome == QLatin1String("closed")
                                                                     ? outcome
                                                                     : QString::number(status.toInt()));
        }
    }
    return traffic;
}

} // namespace

class FaultInjectionTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_bucket;
    QString m_prefix;                               // every key of this run is under it
    std::unique_ptr<Test::FaultProxyProcess> m_proxy;
    std::unique_ptr<Test::SessionFixture> m_direct; // the role at RGW itself, for setting up and checking
    QString m_bigFile;
    QString m_smallFile;
    QString m_multipartObject;                      // 20 MiB, uploaded in 5 MiB parts (ETag "...-4")
    QString m_multipartSha;
    QString m_singleObject;                         // 10 MiB, one PUT (ETag = MD5 of the bytes)
    QString m_singleSha;
    QString m_tablePath;
    bool m_rowWritten = false;
    bool m_succeeded = false;                       // how the scenario's transfer ended, for its row's text

    // --- the table
    void row(const QString &fault, const QString &did, const QString &resent, const QString &result)
    {
        m_rowWritten = true;
        const QString line = QStringLiteral("FAULT-TABLE | %1 | %2 | %3 | %4").arg(fault, did, resent, result);
        std::printf("%s\n", qPrintable(line));
        std::fflush(stdout);
        if (!m_tablePath.isEmpty()) {
            QFile table(m_tablePath);
            if (table.open(QIODevice::WriteOnly | QIODevice::Append))
                table.write(line.toUtf8() + '\n');
        }
    }
    // A scenario that stops on a failed check still gets its row.
    auto rowOnFailure(const QString &fault)
    {
        m_rowWritten = false;
        return qScopeGuard([this, fault] {
            if (!m_rowWritten)
                row(fault, QStringLiteral("(see the test's failure above)"), QStringLiteral("-"), QStringLiteral("TEST FAILED"));
        });
    }
    static QString uploadResent(const Traffic &traffic, qint64 fileBytes)
    {
        return QStringLiteral("%1 (RoleDrop sent %2 body bytes for a %3 file; %4 reached RGW)")
            .arg(sizeText(traffic.putBytesReceived - fileBytes))
            .arg(traffic.putBytesReceived)
            .arg(sizeText(fileBytes))
            .arg(traffic.putBytesForwarded);
    }
    static QString downloadRefetched(const Traffic &traffic, qint64 objectBytes)
    {
        return QStringLiteral("%1 fetched again (%2 body bytes sent for a %3 object)")
            .arg(sizeText(std::max<qint64>(0, traffic.getBytesSent - objectBytes)))
            .arg(traffic.getBytesSent)
            .arg(sizeText(objectBytes));
    }

    // --- Sessions
    // A Session whose profile is james at the proxy, switched to S3Access: every request of it goes through the
    // proxy. `beforeSwitch` are rules in place while the role is assumed (the STS scenario).
    std::unique_ptr<Test::SessionFixture> throughProxy(const QString &tag, const QJsonArray &beforeSwitch = {}, bool shortStallLimit = false)
    {
        // Only the stall scenario gets the short stall limit: on a busy machine RGW may take seconds to answer.
        if (shortStallLimit)
            qputenv("ROLEDROP_STALL_TIMEOUT", QByteArray::number(stallLimitSeconds));
        else
            qunsetenv("ROLEDROP_STALL_TIMEOUT");
        qputenv("AWS_MAX_ATTEMPTS", QByteArray::number(maxAttempts));
        auto fixture = std::make_unique<Test::SessionFixture>(tag);
        m_proxy->setRules({});
        Auth::Profile profile = Test::SessionFixture::rgwJames(QStringLiteral("james-") + tag);
        profile.endpointUrl = m_proxy->endpoint();
        if (!fixture->openProfile(profile, Test::SessionFixture::rgwJamesSecret()))
            return nullptr;
        m_proxy->setRules(beforeSwitch);
        m_proxy->clearLog();
        const auto role = fixture->switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
        if (!role) {
            qWarning("switching to S3Access through the proxy: %s", qPrintable(role.error().userMessage()));
            return nullptr;
        }
        if (beforeSwitch.isEmpty())
            m_proxy->clearLog();
        return fixture;
    }

    static bool waitIdle(Transfers::Transfer *transfer, int timeoutMs = 120000)
    {
        return QTest::qWaitFor([transfer] { return transfer->isIdle(); }, timeoutMs);
    }

    Transfers::Transfer *upload(Test::SessionFixture &session, const QString &file, const QString &key)
    {
        Transfers::UploadPlan plan;
        plan.items = {{file, key, QFileInfo(file).size()}};
        Transfers::UploadOptions options;
        options.partSize = partBytes;
        options.multipartThreshold = partBytes;
        const auto transfers = session->enqueueUploads(m_bucket, plan, options);
        return transfers.value(0);
    }

    Transfers::Transfer *download(Test::SessionFixture &session, const QString &key, const QString &folder)
    {
        const QString strip = key.left(key.lastIndexOf(QLatin1Char('/')) + 1);
        const auto plan = Test::wait<Transfers::DownloadPlan>([&](QObject *context, auto done) {
            session->planDownload(m_bucket, {key}, {}, strip, folder, context, done);
        }, 60000);
        if (!plan) {
            qWarning("planning the download of %s: %s", qPrintable(key), qPrintable(plan.error().userMessage()));
            return nullptr;
        }
        Transfers::DownloadOptions options;
        options.rangeBytes = rangeBytes;
        options.maxRangesInFlight = 2;
        return session->enqueueDownloads(m_bucket, plan.value(), options).value(0);
    }

    // --- what is on the server, seen without the proxy
    Outcome<QString> remoteSha256(const QString &key)
    {
        auto hash = std::make_shared<QCryptographicHash>(QCryptographicHash::Sha256);
        S3::GetObjectRequest request;
        request.bucket = m_bucket;
        request.key = key;
        const auto got = Test::wait<Done>([&](QObject *context, auto done) {
            m_direct->get()->s3()->getObject(request, context, [](const S3::ObjectStreamHead &) { return std::optional<AwsError>(); },
                                             [hash](const QByteArray &chunk) {
                                                 hash->addData(chunk);
                                                 return std::optional<AwsError>();
                                             },
                                             done);
        }, 60000);
        if (!got)
            return got.error();
        return QString::fromLatin1(hash->result().toHex());
    }

    bool objectAbsent(const QString &key)
    {
        const auto head = Test::wait<S3::ObjectMetadata>([&](QObject *context, auto done) {
            m_direct->get()->s3()->headObject(m_bucket, key, context, done);
        }, 30000);
        return !head && (head.error().httpStatus == 404 || head.error().kind == AwsErrorKind::NotFound
                         || head.error().kind == AwsErrorKind::NoSuchKey);
    }

    // Unfinished multipart uploads under `prefix`, as the Session sees them (-1: could not list).
    int unfinishedUploads(Test::SessionFixture &session, const QString &prefix)
    {
        m_proxy->setRules({});
        const auto found = Test::wait<QList<Sessions::UnfinishedUpload>>([&](QObject *context, auto done) {
            session->listUnfinishedUploads(m_bucket, prefix, context, done);
        }, 30000);
        if (!found) {
            qWarning("listing unfinished uploads: %s", qPrintable(found.error().userMessage()));
            return -1;
        }
        return int(found->size());
    }

    // Empty when the upload succeeded with the file's bytes and left nothing unfinished; else what is wrong.
    QString uploadedWhole(Test::SessionFixture &session, Transfers::Transfer *transfer, const QString &file, const QString &key)
    {
        if (transfer->state() != Transfers::TransferState::Succeeded)
            return QStringLiteral("the upload ended in state %1: %2").arg(int(transfer->state())).arg(transfer->result().error.userMessage());
        const auto remote = remoteSha256(key);
        if (!remote)
            return QStringLiteral("reading the object back: ") + remote.error().userMessage();
        if (remote.value() != fileSha256(file))
            return QStringLiteral("the object's SHA-256 %1 is not the file's %2").arg(remote.value(), fileSha256(file));
        if (const int left = unfinishedUploads(session, key); left != 0)
            return QStringLiteral("%1 unfinished multipart upload(s) left").arg(left);
        if (!session->journaledUploads().isEmpty())
            return QStringLiteral("the journal still holds %1 upload(s)").arg(session->journaledUploads().size());
        return {};
    }

    // Empty when the upload failed with a message, its multipart upload is aborted and no object exists.
    QString uploadFailedCleanly(Test::SessionFixture &session, Transfers::Transfer *transfer, const QString &key)
    {
        if (transfer->state() != Transfers::TransferState::Failed)
            return QStringLiteral("the upload ended in state %1, not Failed").arg(int(transfer->state()));
        if (transfer->result().error.userMessage().isEmpty())
            return QStringLiteral("the upload failed without a message");
        int left = -1;
        if (!objectAbsent(key))
            return QStringLiteral("an object %1 exists").arg(key);
        if ((left = unfinishedUploads(session, key)) != 0)
            return QStringLiteral("%1 unfinished multipart upload(s) left").arg(left);
        if (!session->journaledUploads().isEmpty())
            return QStringLiteral("the journal still holds %1 upload(s)").arg(session->journaledUploads().size());
        return {};
    }

    // Part files a download leaves in `folder` (and anything else but `except`).
    static QStringList filesIn(const QString &folder, const QString &except = QString())
    {
        QStringList found = QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
        found.removeAll(except);
        return found;
    }

    static QString downloadedWhole(Transfers::Transfer *transfer, const QString &expectedSha)
    {
        if (transfer->state() != Transfers::TransferState::Succeeded)
            return QStringLiteral("the download ended in state %1: %2").arg(int(transfer->state())).arg(transfer->result().error.userMessage());
        if (const QString sha = fileSha256(transfer->localPath()); sha != expectedSha)
            return QStringLiteral("the download SUCCEEDED WITH WRONG BYTES: SHA-256 %1, the object's is %2").arg(sha, expectedSha);
        const QString folder = QFileInfo(transfer->localPath()).absolutePath();
        if (const QStringList left = filesIn(folder, QFileInfo(transfer->localPath()).fileName()); !left.isEmpty())
            return QStringLiteral("files left beside the download: ") + left.join(QStringLiteral(", "));
        return {};
    }

    static QString downloadFailedCleanly(Transfers::Transfer *transfer)
    {
        if (transfer->state() == Transfers::TransferState::Succeeded)
            return QStringLiteral("the download SUCCEEDED (SHA-256 of the file %1)").arg(fileSha256(transfer->localPath()));
        if (transfer->state() != Transfers::TransferState::Failed)
            return QStringLiteral("the download ended in state %1, not Failed").arg(int(transfer->state()));
        if (transfer->result().error.userMessage().isEmpty())
            return QStringLiteral("the download failed without a message");
        if (const QStringList left = filesIn(QFileInfo(transfer->localPath()).absolutePath()); !left.isEmpty())
            return QStringLiteral("files left: ") + left.join(QStringLiteral(", "));
        return {};
    }

    QString key(const QString &name) const { return m_prefix + name; }
    QString folder(const QString &name) const { return m_dir.filePath(QStringLiteral("downloads/") + name); }

    // --- one multipart upload scenario: the rules, the 23 MiB file, success expected
    void uploadSurvives(const QString &fault, const QString &tag, const QJsonArray &rules, const QString &file,
                        const std::function<QString(const Traffic &)> &what, const std::function<void(const Traffic &)> &checks = {},
                        bool shortStallLimit = false)
    {
        const auto guard = rowOnFailure(fault);
        auto session = throughProxy(tag, {}, shortStallLimit);
        QVERIFY(session);
        QVERIFY(m_proxy->setRules(rules));
        const QString target = key(tag + QStringLiteral(".bin"));
        Transfers::Transfer *transfer = upload(*session, file, target);
        QVERIFY(transfer);
        QVERIFY(waitIdle(transfer));
        const Traffic traffic = trafficOf(m_proxy->log());
        m_proxy->setRules({});
        const QString problem = uploadedWhole(*session, transfer, file, target);
        m_succeeded = transfer->state() == Transfers::TransferState::Succeeded;
        row(fault, what(traffic) + QStringLiteral(" [") + traffic.requestsText() + QLatin1Char(']'),
            uploadResent(traffic, QFileInfo(file).size()),
            problem.isEmpty() ? QStringLiteral("OK: object identical (SHA-256), no unfinished upload") : QStringLiteral("WRONG: ") + problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        if (checks)
            checks(traffic);
    }

    void downloadScenario(const QString &fault, const QString &tag, const QJsonArray &rules, bool single, bool mustSucceed,
                          const std::function<QString(const Traffic &)> &what, const std::function<void(const Traffic &)> &checks = {})
    {
        const auto guard = rowOnFailure(fault);
        auto session = throughProxy(tag);
        QVERIFY(session);
        QVERIFY(m_proxy->setRules(rules));
        const QString source = single ? m_singleObject : m_multipartObject;
        const QString sha = single ? m_singleSha : m_multipartSha;
        const qint64 size = single ? 10 * MiB : 20 * MiB;
        Transfers::Transfer *transfer = download(*session, source, folder(tag));
        QVERIFY(transfer);
        QVERIFY(waitIdle(transfer));
        const Traffic traffic = trafficOf(m_proxy->log());
        m_proxy->setRules({});
        const QString problem = mustSucceed ? downloadedWhole(transfer, sha) : downloadFailedCleanly(transfer);
        m_succeeded = transfer->state() == Transfers::TransferState::Succeeded;
        QString result;
        if (!problem.isEmpty())
            result = QStringLiteral("WRONG: ") + problem;
        else if (mustSucceed)
            result = QStringLiteral("OK: file identical (SHA-256), no part file left");
        else
            result = QStringLiteral("failed clearly, nothing left: \"%1\"").arg(transfer->result().error.userMessage());
        row(fault, what(traffic) + QStringLiteral(" [") + traffic.requestsText() + QLatin1Char(']'), downloadRefetched(traffic, size), result);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        if (checks)
            checks(traffic);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bucket = worldValue("ROLEDROP_TEST_BUCKET");
        m_prefix = QStringLiteral("fault-injection/%1/").arg(QDateTime::currentMSecsSinceEpoch());
        m_tablePath = qEnvironmentVariable("ROLEDROP_FAULT_TABLE");
        if (!m_tablePath.isEmpty())
            QFile(m_tablePath).open(QIODevice::WriteOnly | QIODevice::Truncate);
        m_proxy = std::make_unique<Test::FaultProxyProcess>(worldValue("ROLEDROP_TEST_S3_ENDPOINT"));
        QVERIFY(m_proxy->isRunning());

        m_direct = std::make_unique<Test::SessionFixture>(QStringLiteral("fault-direct"));
        QVERIFY(m_direct->openProfile(Test::SessionFixture::rgwJames(QStringLiteral("james-direct")), Test::SessionFixture::rgwJamesSecret()));
        const auto role = m_direct->switchRole(worldValue("ROLEDROP_TEST_ROLE_S3ACCESS"));
        QVERIFY2(role, qPrintable(role ? QString() : role.error().userMessage()));

        m_bigFile = Test::writeRandomFile(m_dir.filePath(QStringLiteral("big.bin")), bigFileBytes);
        m_smallFile = Test::writeRandomFile(m_dir.filePath(QStringLiteral("small.bin")), smallFileBytes);
        // The objects the download scenarios fetch, uploaded straight to RGW.
        const QString multipartFile = Test::writeRandomFile(m_dir.filePath(QStringLiteral("multipart-source.bin")), 20 * MiB);
        const QString singleFile = Test::writeRandomFile(m_dir.filePath(QStringLiteral("single-source.bin")), 10 * MiB);
        m_multipartObject = key(QStringLiteral("source/multipart.bin"));
        m_singleObject = key(QStringLiteral("source/single.bin"));
        m_multipartSha = fileSha256(multipartFile);
        m_singleSha = fileSha256(singleFile);
        Transfers::UploadPlan plan;
        plan.items = {{multipartFile, m_multipartObject, 20 * MiB}};
        Transfers::UploadOptions multipart;
        multipart.partSize = partBytes;
        multipart.multipartThreshold = partBytes;
        Transfers::Transfer *first = m_direct->get()->enqueueUploads(m_bucket, plan, multipart).value(0);
        plan.items = {{singleFile, m_singleObject, 10 * MiB}};
        Transfers::Transfer *second = m_direct->get()->enqueueUploads(m_bucket, plan).value(0);
        QVERIFY(first && second);
        QVERIFY(waitIdle(first) && waitIdle(second));
        QVERIFY2(first->state() == Transfers::TransferState::Succeeded, qPrintable(first->result().error.userMessage()));
        QVERIFY2(second->state() == Transfers::TransferState::Succeeded, qPrintable(second->result().error.userMessage()));
        // A multipart object's ETag is no MD5 of its bytes ("...-4"); a single PUT's is.
        const auto etagOf = [this](const QString &key) {
            const auto head = Test::wait<S3::ObjectMetadata>([&](QObject *context, auto done) {
                m_direct->get()->s3()->headObject(m_bucket, key, context, done);
            }, 30000);
            return head ? head->eTag : QStringLiteral("(HEAD failed: %1)").arg(head.error().userMessage());
        };
        QVERIFY2(etagOf(m_multipartObject).contains(QLatin1Char('-')), qPrintable(etagOf(m_multipartObject)));
        QVERIFY2(!etagOf(m_singleObject).contains(QLatin1Char('-')), qPrintable(etagOf(m_singleObject)));
    }

    void cleanupTestCase()
    {
        if (m_direct && m_direct->get()->s3()) {
            Test::wait<S3::DeleteObjectsResult>([&](QObject *context, auto done) {
                m_direct->get()->deleteEntries(m_bucket, {}, {m_prefix}, context, done);
            }, 60000);
        }
        m_direct.reset();
        m_proxy.reset();
    }

    // --- uploads

    void slowDownOnTheFirstTwoParts()
    {
        uploadSurvives(QStringLiteral("503 SlowDown on the first 2 UploadPart requests"), QStringLiteral("part-503"),
                       {rule(QStringLiteral("503 first two parts"), anyPart(), {{QStringLiteral("respond"), QStringLiteral("slowdown")}}, 2)},
                       m_bigFile,
                       [](const Traffic &t) { return QStringLiteral("throttled parts sent again after a backoff (%1)").arg(t.faults.join(QStringLiteral("; "))); },
                       [](const Traffic &t) {
                           QCOMPARE(t.partAttempts.size(), 5);
                           QCOMPARE(t.count(QStringLiteral("UploadPart")), 7);
                           QCOMPARE(t.count(QStringLiteral("CreateMultipartUpload")), 1);
                       });
    }

    void internalErrorOnTheFirstCompletion()
    {
        uploadSurvives(QStringLiteral("500 InternalError on the first CompleteMultipartUpload"), QStringLiteral("complete-500"),
                       {rule(QStringLiteral("500 complete"), completion(), {{QStringLiteral("respond"), QStringLiteral("internal_error")}}, 1)},
                       m_bigFile,
                       [](const Traffic &t) { return QStringLiteral("completion sent again, parts kept (%1)").arg(t.faults.join(QStringLiteral("; "))); },
                       [](const Traffic &t) {
                           QCOMPARE(t.count(QStringLiteral("CompleteMultipartUpload")), 2);
                           QCOMPARE(t.count(QStringLiteral("UploadPart")), 5);
                       });
    }

    void errorIn200OnTheFirstCompletion()
    {
        uploadSurvives(QStringLiteral("200 with an <Error> body on CompleteMultipartUpload"), QStringLiteral("complete-200-error"),
                       {rule(QStringLiteral("200 error complete"), completion(), {{QStringLiteral("respond"), QStringLiteral("complete_200_error")}}, 1)},
                       m_bigFile,
                       [](const Traffic &t) { return QStringLiteral("read the 200 as an error, completion sent again (%1)").arg(t.faults.join(QStringLiteral("; "))); },
                       [](const Traffic &t) {
                           QCOMPARE(t.count(QStringLiteral("CompleteMultipartUpload")), 2);
                           QCOMPARE(t.count(QStringLiteral("UploadPart")), 5);
                       });
    }

    void resetInThePartsBody()
    {
        uploadSurvives(QStringLiteral("reset after 1 MiB of part 3's body"), QStringLiteral("part-reset"),
                       {rule(QStringLiteral("reset part 3"), part(3), {{QStringLiteral("reset_after_request_bytes"), MiB}}, 1)},
                       m_bigFile,
                       [](const Traffic &t) { return QStringLiteral("part 3 sent again from its first byte (%1)").arg(t.faults.join(QStringLiteral("; "))); },
                       [](const Traffic &t) { QVERIFY2(t.partAttempts.value(3) >= 2, qPrintable(t.requestsText())); });
    }

    void stallOfOnePart()
    {
        uploadSurvives(QStringLiteral("part 2's answer held %1 s (stall limit %2 s)").arg(stallSeconds).arg(stallLimitSeconds),
                       QStringLiteral("part-stall"),
                       {rule(QStringLiteral("stall part 2"), part(2), {{QStringLiteral("stall_before_response"), stallSeconds}}, 1)},
                       m_bigFile,
                       [this](const Traffic &t) {
                           return (m_succeeded ? QStringLiteral("gave part 2 up after the stall limit and sent it again (%1)")
                                               : QStringLiteral("gave part 2 up after the stall limit but did NOT send it again: failed the "
                                                                "upload as \"cancelled\" and aborted it (%1)"))
                               .arg(t.faults.join(QStringLiteral("; ")));
                       },
                       [](const Traffic &t) { QCOMPARE(t.partAttempts.value(2), 2); }, true);
    }

    void singlePutSlowDownThenReset()
    {
        uploadSurvives(QStringLiteral("single PUT (3 MiB): 503 once, then a reset after 1 MiB once"), QStringLiteral("put-503-reset"),
                       {rule(QStringLiteral("503 put"), wholePut(), {{QStringLiteral("respond"), QStringLiteral("slowdown")}}, 1),
                        rule(QStringLiteral("reset put"), wholePut(), {{QStringLiteral("reset_after_request_bytes"), MiB}}, 1)},
                       m_smallFile,
                       [](const Traffic &t) { return QStringLiteral("PUT sent again twice (%1)").arg(t.faults.join(QStringLiteral("; "))); },
                       [](const Traffic &t) { QCOMPARE(t.count(QStringLiteral("PutObject")), 3); });
    }

    void redirectOnTheFirstRequestOfAnUpload()
    {
        uploadSurvives(QStringLiteral("301 PermanentRedirect (x-amz-bucket-region: eu-west-1) on an upload's first request"),
                       QStringLiteral("upload-301"),
                       {rule(QStringLiteral("301 first"), {{QStringLiteral("path"), QStringLiteral("^/") + m_bucket + QLatin1Char('/')}},
                             {{QStringLiteral("respond"), QStringLiteral("redirect_301")}, {QStringLiteral("region"), QStringLiteral("eu-west-1")}}, 1),
                        signedFor(QStringLiteral("eu-west-1"))},
                       m_bigFile,
                       [](const Traffic &t) {
                           return QStringLiteral("re-signed for eu-west-1 and sent again; %1 of the %2 later requests signed for eu-west-1 (%3)")
                               .arg(t.observed).arg(t.total - 1).arg(t.faults.join(QStringLiteral("; ")));
                       },
                       [](const Traffic &t) {
                           QCOMPARE(t.observed, t.total - 1);
                           QCOMPARE(t.faults.size(), 1);
                           QVERIFY2(t.faults.first().startsWith(QLatin1String("CreateMultipartUpload -> 301")), qPrintable(t.faults.first()));
                           QCOMPARE(t.count(QStringLiteral("CreateMultipartUpload")), 2);
                       });
    }

    void slowDownOnEveryAttempt()
    {
        const QString fault = QStringLiteral("503 SlowDown on every attempt of part 2 (AWS_MAX_ATTEMPTS=%1)").arg(maxAttempts);
        const auto guard = rowOnFailure(fault);
        auto session = throughProxy(QStringLiteral("part-503-always"));
        QVERIFY(session);
        QVERIFY(m_proxy->setRules({rule(QStringLiteral("503 part 2 always"), part(2), {{QStringLiteral("respond"), QStringLiteral("slowdown")}})}));
        const QString target = key(QStringLiteral("part-503-always.bin"));
        Transfers::Transfer *transfer = upload(*session, m_bigFile, target);
        QVERIFY(transfer);
        QVERIFY(waitIdle(transfer));
        m_proxy->setRules({});
        // The abort goes out after the failure: its answer is waited for before anything is looked at.
        Test::wait<int>([&](QObject *context, auto done) {
            session->get()->waitForCleanups(30000, context, [done](int pending) { done(pending); });
        }, 40000);
        const Traffic traffic = trafficOf(m_proxy->log());
        const QString problem = uploadFailedCleanly(*session, transfer, target);
        row(fault,
            QStringLiteral("part 2 tried %1 times, then the upload failed and was aborted [%2]").arg(traffic.partAttempts.value(2)).arg(traffic.requestsText()),
            uploadResent(traffic, bigFileBytes),
            problem.isEmpty() ? QStringLiteral("failed clearly, nothing left: \"%1\"").arg(transfer->result().error.userMessage())
                              : QStringLiteral("WRONG: ") + problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(traffic.partAttempts.value(2), maxAttempts);
        QVERIFY2(traffic.count(QStringLiteral("AbortMultipartUpload")) >= 1, qPrintable(traffic.requestsText()));
        QCOMPARE(transfer->result().error.kind, AwsErrorKind::Throttled);
        QVERIFY2(transfer->result().error.userMessage().contains(QLatin1String("SlowDown"))
                     || transfer->result().error.userMessage().contains(QLatin1String("reduce your request rate")),
                 qPrintable(transfer->result().error.userMessage()));
    }

    // --- downloads

    void slowDownOnOneRange()
    {
        downloadScenario(QStringLiteral("503 SlowDown on the second range of a download"), QStringLiteral("range-503"),
                         {rule(QStringLiteral("503 range 2"), rangedGet(), {{QStringLiteral("respond"), QStringLiteral("slowdown")}}, 1, 1)},
                         false, true, [](const Traffic &t) { return QStringLiteral("range asked for again after a backoff (%1)").arg(t.faults.join(QStringLiteral("; "))); });
    }

    void truncatedRange()
    {
        downloadScenario(QStringLiteral("range 2 cut short (clean close) after 1 MiB"), QStringLiteral("range-truncated"),
                         {rule(QStringLiteral("truncate range 2"), rangedGet(), {{QStringLiteral("truncate_response_after"), MiB}}, 1, 1)},
                         false, true, [](const Traffic &t) { return QStringLiteral("the rest of the range asked for from where it stopped (%1)").arg(t.faults.join(QStringLiteral("; "))); });
    }

    void resetInARange()
    {
        downloadScenario(QStringLiteral("reset after 1 MiB of range 2's body"), QStringLiteral("range-reset"),
                         {rule(QStringLiteral("reset range 2"), rangedGet(), {{QStringLiteral("reset_after_response_bytes"), MiB}}, 1, 1)},
                         false, true, [](const Traffic &t) { return QStringLiteral("the rest of the range asked for from where it stopped (%1)").arg(t.faults.join(QStringLiteral("; "))); });
    }

    void wrongRangeOfASinglePartObject()
    {
        downloadScenario(QStringLiteral("wrong bytes for range 2 (wrong_range), single-part object"), QStringLiteral("range-wrong-single"),
                         {rule(QStringLiteral("wrong range 2"), rangedGet(), {{QStringLiteral("wrong_range"), true}}, 1, 1)},
                         true, false, [](const Traffic &t) { return QStringLiteral("checked the file against the ETag (MD5) (%1)").arg(t.faults.join(QStringLiteral("; "))); });
    }

    void wrongRangeOfAMultipartObject()
    {
        downloadScenario(QStringLiteral("wrong bytes for range 2 (wrong_range), multipart object"), QStringLiteral("range-wrong-multipart"),
                         {rule(QStringLiteral("wrong range 2"), rangedGet(), {{QStringLiteral("wrong_range"), true}}, 1, 1)},
                         false, false, [this](const Traffic &t) {
                             return (m_succeeded ? QStringLiteral("took the rotated bytes as they came: nothing checks them (a multipart ETag is no MD5 of the "
                                                                  "bytes) (%1)")
                                                 : QStringLiteral("noticed the wrong bytes (%1)"))
                                 .arg(t.faults.join(QStringLiteral("; ")));
                         });
    }

    void corruptBodyOfASinglePartObject()
    {
        downloadScenario(QStringLiteral("corrupt_body (one byte in 1000 flipped) in range 2, single-part object"), QStringLiteral("range-corrupt"),
                         {rule(QStringLiteral("corrupt range 2"), rangedGet(), {{QStringLiteral("corrupt_body"), QJsonObject{{QStringLiteral("every"), 1000}}}}, 1, 1)},
                         true, false, [](const Traffic &t) { return QStringLiteral("checked the file against the ETag (MD5) (%1)").arg(t.faults.join(QStringLiteral("; "))); });
    }

    void redirectOnTheFirstRequestOfADownload()
    {
        downloadScenario(QStringLiteral("301 PermanentRedirect (x-amz-bucket-region: eu-west-1) on a download's first GET"),
                         QStringLiteral("download-301"),
                         {rule(QStringLiteral("301 first get"), rangedGet(),
                               {{QStringLiteral("respond"), QStringLiteral("redirect_301")}, {QStringLiteral("region"), QStringLiteral("eu-west-1")}}, 1),
                          signedFor(QStringLiteral("eu-west-1"))},
                         false, true, [](const Traffic &t) {
                             return QStringLiteral("re-signed for eu-west-1 and asked again; %1 of the %2 later requests signed for eu-west-1 (%3)")
                                 .arg(t.observed).arg(t.total - 1).arg(t.faults.join(QStringLiteral("; ")));
                         }, [](const Traffic &t) { QCOMPARE(t.observed, t.total - 1); });
    }

    // --- listing

    void repeatedContinuationToken()
    {
        const QString fault = QStringLiteral("ListObjectsV2 repeats its continuation token forever");
        const auto guard = rowOnFailure(fault);
        auto session = throughProxy(QStringLiteral("list-repeat"));
        QVERIFY(session);
        QVERIFY(m_proxy->setRules({rule(QStringLiteral("endless listing"),
                                        {{QStringLiteral("method"), QStringLiteral("GET")}, {QStringLiteral("query"), QJsonObject{{QStringLiteral("list-type"), QStringLiteral("2")}}}},
                                        {{QStringLiteral("repeat_continuation_token"), true}})}));
        S3::ListObjectsRequest request;
        request.bucket = m_bucket;
        request.prefix = m_prefix;
        int pages = 0;
        const auto listed = Test::wait<Done>([&](QObject *context, auto done) {
            S3::listEachPage(session->get()->s3(), request, context, [&](const S3::ListObjectsPage &) { ++pages; }, done);
        }, 60000);
        // The window's and the CLI's way to a prefix: planning the download of a folder.
        const auto planned = Test::wait<Transfers::DownloadPlan>([&](QObject *context, auto done) {
            session->get()->planDownload(m_bucket, {}, {m_prefix + QStringLiteral("source/")}, m_prefix, folder(QStringLiteral("list-repeat")), context, done);
        }, 60000);
        const Traffic traffic = trafficOf(m_proxy->log());
        m_proxy->setRules({});
        const bool clear = !listed && listed.error().kind != AwsErrorKind::Timeout && !planned && planned.error().kind != AwsErrorKind::Timeout;
        row(fault, QStringLiteral("stopped at the repeated token (listEachPage after %1 page(s); planDownload of a folder too) [%2]").arg(pages).arg(traffic.requestsText()),
            QStringLiteral("-"),
            clear ? QStringLiteral("failed clearly: \"%1\"").arg(listed.error().userMessage())
                  : QStringLiteral("WRONG: %1 / %2").arg(listed ? QStringLiteral("listing succeeded") : listed.error().userMessage(),
                                                         planned ? QStringLiteral("plan succeeded") : planned.error().userMessage()));
        QVERIFY2(!listed, "the listing of a repeated token succeeded");
        QVERIFY2(listed.error().userMessage().contains(QLatin1String("token")), qPrintable(listed.error().userMessage()));
        QVERIFY2(!planned, "planning the download of a folder whose listing never ends succeeded");
        QVERIFY2(planned.error().userMessage().contains(QLatin1String("token")), qPrintable(planned.error().userMessage()));
        QVERIFY2(traffic.count(QStringLiteral("ListObjectsV2")) <= 6, qPrintable(traffic.requestsText()));
    }

    // --- STS

    void internalErrorOnTheFirstAssumeRole()
    {
        const QString fault = QStringLiteral("500 InternalError on the first AssumeRole");
        const auto guard = rowOnFailure(fault);
        auto session = throughProxy(QStringLiteral("sts-500"),
                                    {rule(QStringLiteral("500 assume"), {{QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("path"), QStringLiteral("^/$")}},
                                          {{QStringLiteral("respond"), QStringLiteral("internal_error")}}, 1)});
        const Traffic traffic = trafficOf(m_proxy->log());
        m_proxy->setRules({});
        row(fault, QStringLiteral("AssumeRole sent again by the HTTP layer (%1) [%2]").arg(traffic.faults.join(QStringLiteral("; ")), traffic.requestsText()),
            QStringLiteral("-"),
            session ? QStringLiteral("OK: switched to %1").arg(session->get()->identity().arn) : QStringLiteral("WRONG: the switch failed"));
        QVERIFY2(session, "the switch to S3Access failed after one 500");
        QVERIFY(session->get()->inRole());
        QCOMPARE(traffic.count(QStringLiteral("AssumeRole")), 2);
        QCOMPARE(traffic.faults.size(), 1);
    }
};

QTEST_GUILESS_MAIN(FaultInjectionTest)
#include "fault_injection_test.moc"
