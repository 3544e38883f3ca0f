// No-clobber uploads (`upload --no-clobber`, and every window upload nobody answered "Overwrite" for) against the
// STS + S3 test double, which has S3's conditional writes (Ceph RGW 16.2 has none), with the fault proxy (a test
// tool) in front of it to see the headers and to hold a request while another client takes the key:
//   - a key that is taken is refused after a HEAD, before a byte is sent, and the object stays as it was;
//   - a free key is written, with If-None-Match: * on the PutObject or on the CompleteMultipartUpload;
//   - a key taken between the HEAD and the write is refused by the server (412 PreconditionFailed), for a single
//     PUT and for a multipart completion (whose upload is then aborted: nothing is left on the server);
//   - 409 ConditionalRequestConflict is said the same way;
//   - the command line says it in one line and exits 1.
#include "core/session/session.h"
#include "fault_proxy_log.h"
#include "fault_proxy_process.h"
#include "fault_proxy_rules.h"
#include "test_double_knobs.h"
#include "test_files.h"
#include "test_session.h"
#include "test_world.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace RoleDrop;
using RoleDrop::Test::rule;
using RoleDrop::Test::worldValue;

namespace {

constexpr qint64 MiB = 1024 * 1024;
constexpr qint64 partBytes = 5 * MiB;  // the world's smallest part

QJsonObject storedObject(const QString &bucket, const QString &key)
{
    return Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=%2")
                                       .arg(bucket, QString::fromLatin1(QUrl::toPercentEncoding(key))));
}

QString proxyPath(const QString &bucket, const QString &key)
{
    return QLatin1Char('/') + bucket + QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(key, "/"));
}

// The operations the proxy relayed for one key, in order, each with the name of the rule that matched it (if any).
QStringList operationsOn(const QJsonArray &log, const QString &bucket, const QString &key)
{
    QStringList operations;
    for (const QJsonValue &value : log) {
        const QJsonObject entry = value.toObject();
        if (entry.value(QStringLiteral("path")).toString() != proxyPath(bucket, key))
            continue;
        const QString rule = entry.value(QStringLiteral("rule")).toObject().value(QStringLiteral("name")).toString();
        operations << Test::proxyOperation(entry) + (rule.isEmpty() ? QString() : QLatin1Char('=') + rule);
    }
    return operations;
}

const QJsonObject ifNoneMatchStar{{QStringLiteral("headers"), QJsonObject{{QStringLiteral("If-None-Match"), QStringLiteral("*")}}}};

} // namespace

class NoClobberTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_bucket;
    QString m_prefix;
    std::unique_ptr<Test::SessionFixture> m_direct;  // straight to the double: the "other client"
    std::unique_ptr<Test::SessionFixture> m_viaProxy;
    std::unique_ptr<Test::FaultProxyProcess> m_proxy;


    QString writeBytes(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        return Test::writeFile(path, bytes) ? path : QString();
    }

    Transfers::Transfer *startUpload(Test::SessionFixture &session, const QString &path, const QString &key, bool noClobber)
    {
        Transfers::UploadOptions options;
        options.multipartThreshold = partBytes;
        options.partSize = partBytes;
        options.noClobber = noClobber;
        Transfers::UploadPlan plan;
        plan.items = {{path, key, QFileInfo(path).size()}};
        const auto transfers = session->enqueueUploads(m_bucket, plan, options);
        return transfers.size() == 1 ? transfers.first() : nullptr;
    }

    Transfers::Transfer *upload(Test::SessionFixture &session, const QString &path, const QString &key, bool noClobber)
    {
        Transfers::Transfer *transfer = startUpload(session, path, key, noClobber);
        if (transfer && !QTest::qWaitFor([&] { return transfer->isIdle(); }, 120000))
            qWarning("the upload of %s did not end in time", qPrintable(key));
        return transfer;
    }

    // The other client writes `bytes` under `key`, straight to the double.
    bool putDirect(const QString &key, const QByteArray &bytes, const QString &fileName)
    {
        Transfers::Transfer *transfer = upload(*m_direct, writeBytes(fileName, bytes), key, false);
        return transfer && transfer->state() == Transfers::TransferState::Succeeded;
    }

    QString exists(const QString &key) const
    {
        return QStringLiteral("s3://%1/%2 exists already; not replaced.").arg(m_bucket, key);
    }

    void verifyRefused(Transfers::Transfer *transfer, const QString &key)
    {
        QVERIFY(transfer);
        QCOMPARE(transfer->state(), Transfers::TransferState::Failed);
        const AwsError error = transfer->result().error;
        QCOMPARE(error.kind, AwsErrorKind::ObjectExists);
        QVERIFY2(error.userMessage().startsWith(exists(key)), qPrintable(error.userMessage()));
    }

    bool noUnfinishedUploads(const QString &key) const
    {
        for (const QJsonValue &value : Test::doubleKnob("GET", QStringLiteral("uploads?bucket=%1").arg(m_bucket)).value(QStringLiteral("uploads")).toArray()) {
            if (value.toObject().value(QStringLiteral("key")).toString() == key)
                return false;
        }
        return true;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        m_prefix = QStringLiteral("no-clobber-%1/").arg(QDateTime::currentMSecsSinceEpoch());
        Test::doubleKnob("POST", QStringLiteral("reset"));
        m_direct = Test::SessionFixture::stsDoubleS3Access(QStringLiteral("direct"), worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        QVERIFY(m_direct);
        m_proxy = std::make_unique<Test::FaultProxyProcess>(worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"));
        QVERIFY(m_proxy->isRunning());
        m_viaProxy = Test::SessionFixture::stsDoubleS3Access(QStringLiteral("proxy"), m_proxy->endpoint());
        QVERIFY(m_viaProxy);
    }

    void cleanup()
    {
        m_proxy->setRules({});
        m_proxy->clearLog();
        Test::doubleKnob("DELETE", QStringLiteral("fail"));
    }

    void cleanupTestCase()
    {
        m_viaProxy.reset();
        m_proxy.reset();
        m_direct.reset();
    }

    void aTakenKeyIsRefusedBeforeAByteIsSent_data()
    {
        QTest::addColumn<qint64>("size");
        QTest::newRow("single PUT") << MiB;
        QTest::newRow("multipart") << 2 * partBytes + 17;
    }
    void aTakenKeyIsRefusedBeforeAByteIsSent()
    {
        QFETCH(qint64, size);
        const QString key = m_prefix + QStringLiteral("taken-%1.bin").arg(size);
        const QByteArray theirs = Test::randomBytes(1000, 1);
        QVERIFY(putDirect(key, theirs, QStringLiteral("theirs-%1.bin").arg(size)));

        verifyRefused(upload(*m_viaProxy, writeBytes(QStringLiteral("mine-%1.bin").arg(size), Test::randomBytes(size, 2)), key, true), key);
        QCOMPARE(storedObject(m_bucket, key).value(QStringLiteral("sha256")).toString(), Test::bytesSha256(theirs));
        QCOMPARE(operationsOn(m_proxy->log(), m_bucket, key), QStringList{QStringLiteral("HeadObject")});
        QVERIFY(noUnfinishedUploads(key));
    }

    void aFreeKeyIsWrittenWithIfNoneMatch_data() { aTakenKeyIsRefusedBeforeAByteIsSent_data(); }
    void aFreeKeyIsWrittenWithIfNoneMatch()
    {
        QFETCH(qint64, size);
        QVERIFY(m_proxy->setRules({rule(QStringLiteral("if-none-match"), ifNoneMatchStar, Test::hold(0))}));
        const QString key = m_prefix + QStringLiteral("free-%1.bin").arg(size);
        const QByteArray mine = Test::randomBytes(size, 3);
        Transfers::Transfer *transfer = upload(*m_viaProxy, writeBytes(QStringLiteral("free-%1.bin").arg(size), mine), key, true);
        QVERIFY(transfer);
        QVERIFY2(transfer->state() == Transfers::TransferState::Succeeded, qPrintable(transfer->result().error.userMessage()));
        QCOMPARE(storedObject(m_bucket, key).value(QStringLiteral("sha256")).toString(), Test::bytesSha256(mine));
        const QStringList expected = size <= partBytes
            ? QStringList{QStringLiteral("HeadObject"), QStringLiteral("PutObject=if-none-match")}
            : QStringList{QStringLiteral("HeadObject"), QStringLiteral("CreateMultipartUpload"), QStringLiteral("UploadPart"),
                          QStringLiteral("UploadPart"), QStringLiteral("UploadPart"), QStringLiteral("CompleteMultipartUpload=if-none-match")};
        QCOMPARE(operationsOn(m_proxy->log(), m_bucket, key), expected);

        // Without --no-clobber nothing is conditional.
        m_proxy->clearLog();
        transfer = upload(*m_viaProxy, writeBytes(QStringLiteral("again-%1.bin").arg(size), mine), key, false);
        QVERIFY(transfer && transfer->state() == Transfers::TransferState::Succeeded);
        for (const QString &operation : operationsOn(m_proxy->log(), m_bucket, key))
            QVERIFY2(!operation.contains(QLatin1String("if-none-match")), qPrintable(operation));
    }

    // Another client takes the key after the HEAD said it was free: the write itself is refused by the server.
    void aKeyTakenMeanwhileIsRefusedByTheServer_data() { aTakenKeyIsRefusedBeforeAByteIsSent_data(); }
    void aKeyTakenMeanwhileIsRefusedByTheServer()
    {
        QFETCH(qint64, size);
        const bool multipart = size > partBytes;
        const QJsonObject write = multipart ? Test::completion() : Test::wholePut();
        QVERIFY(m_proxy->setRules({rule(QStringLiteral("held"), write, Test::hold(4), 1)}));
        const QString key = m_prefix + QStringLiteral("race-%1.bin").arg(size);
        Transfers::Transfer *transfer = startUpload(*m_viaProxy, writeBytes(QStringLiteral("race-%1.bin").arg(size), Test::randomBytes(size, 4)), key, true);
        QVERIFY(transfer);
        // Once the write is held at the proxy, the other client's object arrives first.
        QVERIFY(QTest::qWaitFor([&] {
            for (const QJsonValue &value : m_proxy->log()) {
                if (Test::proxyRuleApplied(value.toObject()))
                    return true;
            }
            return transfer->isIdle();
        }, 60000));
        QVERIFY2(!transfer->isIdle(), qPrintable(transfer->result().error.userMessage()));
        const QByteArray theirs = Test::randomBytes(2000, 5);
        QVERIFY(putDirect(key, theirs, QStringLiteral("race-theirs-%1.bin").arg(size)));
        QVERIFY(QTest::qWaitFor([&] { return transfer->isIdle(); }, 60000));

        verifyRefused(transfer, key);
        QCOMPARE(storedObject(m_bucket, key).value(QStringLiteral("sha256")).toString(), Test::bytesSha256(theirs));
        bool refused = false;
        for (const QJsonValue &value : m_proxy->log()) {
            const QJsonObject entry = value.toObject();
            if (Test::proxyRuleApplied(entry))
                refused = entry.value(QStringLiteral("status")).toInt() == 412;
        }
        QVERIFY2(refused, "the held write was not answered 412 PreconditionFailed");
        // A refused completion leaves no upload (and no parts) behind.
        QVERIFY(QTest::qWaitFor([&] { return noUnfinishedUploads(key); }, 20000));
    }

    void aConflictIsSaidTheSameWay()
    {
        const QString key = m_prefix + QStringLiteral("conflict.bin");
        Test::doubleKnob("POST", QStringLiteral("fail?action=s3:PutObject&times=1&status=409&code=ConditionalRequestConflict&bucket=%1&key=%2")
                                     .arg(m_bucket, QString::fromLatin1(QUrl::toPercentEncoding(key))));
        verifyRefused(upload(*m_viaProxy, writeBytes(QStringLiteral("conflict.bin"), Test::randomBytes(MiB, 6)), key, true), key);
        QVERIFY(storedObject(m_bucket, key).value(QStringLiteral("sha256")).toString().isEmpty());
    }

    void theCommandLineSaysItInOneLine()
    {
        const QString key = m_prefix + QStringLiteral("cli.txt");
        const QByteArray theirs("theirs\n");
        QVERIFY(putDirect(key, theirs, QStringLiteral("cli-theirs.txt")));
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &name : env.keys()) {
            if (name.startsWith(QLatin1String("AWS_")) && name != QLatin1String("AWS_CA_BUNDLE"))  // the run's test CA stays
                env.remove(name);
        }
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("AWS_CONFIG_FILE"), home.filePath(QStringLiteral("no-config")));
        env.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), home.filePath(QStringLiteral("no-credentials")));
        env.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY"));
        env.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET"));
        const QString mine = writeBytes(QStringLiteral("cli.txt"), "mine\n");
        const auto run = [&](const QStringList &extra) {
            QProcess cli;
            cli.setProcessEnvironment(env);
            cli.start(QStringLiteral(ROLEDROP_CLI_PATH),
                      QStringList{QStringLiteral("upload"), mine, QStringLiteral("s3://%1/%2").arg(m_bucket, key),
                                  QStringLiteral("--endpoint-url"), worldValue("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT"),
                                  QStringLiteral("--path-style"), QStringLiteral("--role"),
                                  worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"), QStringLiteral("--quiet")} + extra);
            if (!cli.waitForFinished(60000))
                qWarning("the CLI did not finish");
            return std::pair{cli.exitCode(), QString::fromUtf8(cli.readAllStandardError())};
        };
        const auto [refusedCode, refusedErr] = run({QStringLiteral("--no-clobber")});
        QCOMPARE(refusedCode, 1);
        QCOMPARE(refusedErr.trimmed().count(QLatin1Char('\n')), 0);
        QVERIFY2(refusedErr.contains(exists(key)), qPrintable(refusedErr));
        QCOMPARE(storedObject(m_bucket, key).value(QStringLiteral("sha256")).toString(), Test::bytesSha256(theirs));

        const auto [replacedCode, replacedErr] = run({});
        QVERIFY2(replacedCode == 0, qPrintable(replacedErr));
        QCOMPARE(storedObject(m_bucket, key).value(QStringLiteral("sha256")).toString(), Test::bytesSha256("mine\n"));
    }
};

QTEST_GUILESS_MAIN(NoClobberTest)
#include "no_clobber_test.moc"
