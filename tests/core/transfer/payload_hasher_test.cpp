#include "core/transfer/payload_hasher.h"
#include "test_files.h"

#include "core/common/crypto.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <memory>
#include <optional>

using namespace RoleDrop;

namespace {

constexpr qint64 fileSize = 3 * 1024 * 1024 + 12345; // more than one of sha256OfFileRange's 1 MiB chunks

struct Received
{
    std::optional<Outcome<QByteArray>> result;
    QThread *thread = nullptr;
    int calls = 0;
};

} // namespace

class PayloadHasherTest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void matchesTheSynchronousHash_data();
    void matchesTheSynchronousHash();
    void missingFileIsALocalFileError();
    void rangePastTheEndIsALocalFileError();
    void noCallbackOnceTheContextIsGone();
    void noCallbackWhenTheContextDiesBeforeDelivery();

private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_content;
};

void PayloadHasherTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("payload.bin"));
    m_content = Test::randomBytes(fileSize, 99);
    QVERIFY(Test::writeFile(m_path, m_content));
}

void PayloadHasherTest::matchesTheSynchronousHash_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("length");
    QTest::newRow("whole file") << qint64(0) << fileSize;
    QTest::newRow("to the end") << qint64(0) << qint64(-1);
    QTest::newRow("tail to the end") << qint64(1024 * 1024 + 1) << qint64(-1);
    QTest::newRow("empty") << qint64(0) << qint64(0);
    QTest::newRow("empty at the end") << fileSize << qint64(0);
    QTest::newRow("one byte") << qint64(7) << qint64(1);
    QTest::newRow("across a chunk boundary") << qint64(1024 * 1024 - 3) << qint64(7);
    QTest::newRow("a part in the middle") << qint64(1000000) << qint64(2000000);
    QTest::newRow("last byte") << fileSize - 1 << qint64(1);
}

void PayloadHasherTest::matchesTheSynchronousHash()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, length);
    QObject context;
    Received received;
    Transfers::hashFileRangeAsync(m_path, offset, length, &context, [&received](Outcome<QByteArray> result) {
        received.result = std::move(result);
        received.thread = QThread::currentThread();
        ++received.calls;
    });
    QTRY_VERIFY_WITH_TIMEOUT(received.result.has_value(), 10000);
    const Outcome<QByteArray> &result = *received.result;
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result.value(), sha256OfFileRange(m_path, offset, length).toHex());
    // Independent of sha256OfFileRange too: the digest of the bytes themselves.
    const qint64 effectiveLength = length < 0 ? fileSize - offset : length;
    QCOMPARE(result.value(), sha256(m_content.mid(offset, effectiveLength)).toHex());
    QCOMPARE(received.thread, context.thread());
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    QCOMPARE(received.calls, 1);
}

void PayloadHasherTest::missingFileIsALocalFileError()
{
    QObject context;
    std::optional<Outcome<QByteArray>> received;
    const QString missing = m_dir.filePath(QStringLiteral("missing.bin"));
    Transfers::hashFileRangeAsync(missing, 0, 10, &context, [&received](Outcome<QByteArray> result) { received = std::move(result); });
    QTRY_VERIFY_WITH_TIMEOUT(received.has_value(), 10000);
    QVERIFY(!received->ok());
    QCOMPARE(received->error().kind, AwsErrorKind::LocalFile);
    QVERIFY2(received->error().message.contains(missing), qPrintable(received->error().message));
}

void PayloadHasherTest::rangePastTheEndIsALocalFileError()
{
    QObject context;
    std::optional<Outcome<QByteArray>> received;
    Transfers::hashFileRangeAsync(m_path, fileSize - 1, 2, &context, [&received](Outcome<QByteArray> result) { received = std::move(result); });
    QTRY_VERIFY_WITH_TIMEOUT(received.has_value(), 10000);
    QVERIFY(!received->ok());
    QCOMPARE(received->error().kind, AwsErrorKind::LocalFile);
}

void PayloadHasherTest::noCallbackOnceTheContextIsGone()
{
    // The context dies while the worker may still be hashing, or may already have posted the result:
    // either way the callback (which would touch freed state in real use) must not run.
    auto calls = std::make_shared<int>(0);
    for (int i = 0; i < 200; ++i) {
        auto *context = new QObject;
        const qint64 length = i % 2 ? fileSize : 16;
        Transfers::hashFileRangeAsync(m_path, 0, length, context, [calls](Outcome<QByteArray>) { ++*calls; });
        if (i % 3 == 0)
            QThread::usleep(200);
        delete context;
    }
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents();
    QCOMPARE(*calls, 0);
}

void PayloadHasherTest::noCallbackWhenTheContextDiesBeforeDelivery()
{
    // Deterministic form: the worker has certainly finished and posted before the context goes.
    auto calls = std::make_shared<int>(0);
    auto *context = new QObject;
    Transfers::hashFileRangeAsync(m_path, 0, 1024, context, [calls](Outcome<QByteArray>) { ++*calls; });
    QThreadPool::globalInstance()->waitForDone();
    delete context;
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents();
    QCOMPARE(*calls, 0);

    // Control: the same sequence with the context alive does deliver, so the check above can fail.
    QObject alive;
    Transfers::hashFileRangeAsync(m_path, 0, 1024, &alive, [calls](Outcome<QByteArray>) { ++*calls; });
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents();
    QCOMPARE(*calls, 1);
}

QTEST_GUILESS_MAIN(PayloadHasherTest)
#include "payload_hasher_test.moc"
