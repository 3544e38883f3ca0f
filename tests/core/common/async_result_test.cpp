// The async contract of core/ (core/common/async_result.h): a result arrives exactly once, always later,
// on the context's thread, and never after the context is gone; and core/ operations keep it, also when they
// refuse at once or are cancelled.
#include "core/common/async_result.h"
#include "core/http/aws_call.h"
#include "core/http/aws_http_client.h"
#include "core/s3/s3_client.h"
#include "http_test_server.h"

#include <QPointer>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace RoleDrop;

namespace {

std::shared_ptr<const S3::S3Client> clientFor(Http::AwsHttpClient *http, const QUrl &endpointUrl, const AwsCredentials &keys)
{
    Http::EndpointConfig endpoint;
    endpoint.customEndpoint = endpointUrl;
    endpoint.pathStyle = true;
    return std::make_shared<S3::S3Client>(http, Http::fixedCredentials(keys, QStringLiteral("tester")), endpoint);
}

const AwsCredentials testKeys{QStringLiteral("AKIDASYNCTEST000001"), QStringLiteral("async-test-secret"), {}, {}};

} // namespace

class AsyncResultTest final : public QObject
{
    Q_OBJECT

private slots:
    void deliveredLaterNeverInside()
    {
        QObject context;
        int calls = 0;
        auto handler = deliverTo<int>(&context, [&](Outcome<int> value) {
            QCOMPARE(value.value(), 42);
            ++calls;
        });
        handler(42);
        QCOMPARE(calls, 0);
        QTRY_COMPARE(calls, 1);
        QTest::qWait(20);
        QCOMPARE(calls, 1);
    }

    void neverAfterTheContextIsGone()
    {
        auto context = std::make_unique<QObject>();
        bool called = false;
        auto handler = deliverTo<int>(context.get(), [&](Outcome<int>) { called = true; });
        handler(1);            // posted...
        context.reset();       // ...and the context goes before the event loop runs
        handler(2);            // and a call after it is gone posts nothing
        QTest::qWait(50);
        QVERIFY(!called);
    }

    void onTheContextsThread()
    {
        QThread worker;
        worker.start();
        auto *context = new QObject;
        context->moveToThread(&worker);
        std::atomic<QThread *> ranOn = nullptr;
        auto handler = deliverTo<int>(context, [&](Outcome<int>) { ranOn = QThread::currentThread(); });
        handler(7);
        QTRY_VERIFY(ranOn.load() != nullptr);
        QCOMPARE(ranOn.load(), &worker);
        QMetaObject::invokeMethod(context, [context] { delete context; }, Qt::BlockingQueuedConnection);
        worker.quit();
        worker.wait();
    }

    void anOperationRefusedAtOnceStillAnswersLater()
    {
        Http::AwsHttpClient http;
        // No secret: signing refuses before any request is made.
        const auto client = clientFor(&http, QUrl(QStringLiteral("http://127.0.0.1:9")), {QStringLiteral("AKIDNOSECRET"), {}, {}, {}});
        QObject context;
        std::optional<Outcome<S3::ListBucketsResult>> result;
        client->listBuckets(&context, [&](Outcome<S3::ListBucketsResult> answer) { result.emplace(answer); });
        QVERIFY(!result);
        QTRY_VERIFY(result.has_value());
        QVERIFY(!result->ok());
    }

    void aCancelAnswersLaterWithCancelled()
    {
        Test::HttpTestServer server([](const Test::HttpTestServer::Request &) {
            return Test::HttpTestServer::Response{200, {}, "<ListAllMyBucketsResult/>", 3000};
        });
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const auto client = clientFor(&http, server.baseUrl(), testKeys);
        QObject context;
        std::optional<Outcome<S3::ListBucketsResult>> result;
        Http::AwsCall *call = client->listBuckets(&context, [&](Outcome<S3::ListBucketsResult> answer) { result.emplace(answer); });
        QTRY_COMPARE(server.requests().size(), 1);
        call->cancel();
        QVERIFY(!result);
        QTRY_VERIFY(result.has_value());
        QCOMPARE(result->error().kind, AwsErrorKind::Cancelled);
    }

    void aContextDestroyedWhileTheRequestTravelsGetsNoCallAndStopsIt()
    {
        Test::HttpTestServer server([](const Test::HttpTestServer::Request &) {
            return Test::HttpTestServer::Response{200, {}, "<ListAllMyBucketsResult/>", 500};
        });
        QVERIFY(server.listen());
        Http::AwsHttpClient http;
        const auto client = clientFor(&http, server.baseUrl(), testKeys);
        auto context = std::make_unique<QObject>();
        bool called = false;
        QPointer<Http::AwsCall> call = client->listBuckets(context.get(), [&](Outcome<S3::ListBucketsResult>) { called = true; });
        QTRY_COMPARE(server.requests().size(), 1);
        context.reset();
        QVERIFY(call.isNull() || call->isCancelled());  // the call stops with its context
        QTest::qWait(1000);                            // past the server's answer
        QVERIFY(!called);
        QTRY_VERIFY(call.isNull());                     // and cleans itself up
    }
};

QTEST_GUILESS_MAIN(AsyncResultTest)
#include "async_result_test.moc"
