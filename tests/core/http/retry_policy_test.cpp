// The one retry layer (retry_policy.h, AwsHttpClient): what is retried and what not, the backoff's bounds,
// the retry quota, and the client retrying against a server test double that fails as AWS does - 503 SlowDown,
// a reset, a 200 with an <Error> body, a stale token - signing every attempt afresh and sending its body whole.
#include "core/http/aws_call.h"
#include "core/http/aws_http_client.h"
#include "core/http/retry_policy.h"
#include "http_test_server.h"

#include <QBuffer>
#include <QTest>

using namespace RoleDrop;
using Test::HttpTestServer;

namespace {

AwsError errorWith(AwsErrorKind kind, const QString &code, int status, const QString &message = QString())
{
    AwsError error;
    error.kind = kind;
    error.code = code;
    error.httpStatus = status;
    error.message = message;
    return error;
}

HttpTestServer::Response s3Error(int status, const QByteArray &code)
{
    return {status, {{"Content-Type", "application/xml"}}, "<Error><Code>" + code + "</Code><Message>test double</Message></Error>"};
}

// A role session as the HTTP layer sees one: its keys change when it is renewed.
class RenewableSourceDouble final : public Http::CredentialSource
{
public:
    AwsCredentials credentials() const override { return {m_keyId, QStringLiteral("renewable-secret"), QStringLiteral("token"), {}}; }
    QString nameForErrors() const override { return QStringLiteral("renewable"); }
    QString displayName() const override { return nameForErrors(); }
    bool canRefresh() const override { return true; }
    void refreshCredentials(std::function<void(bool)> done) override
    {
        ++refreshes;
        m_keyId = QStringLiteral("ASIARENEWED00000000%1").arg(refreshes);
        QMetaObject::invokeMethod(QCoreApplication::instance(), [done, ok = renewWorks] { done(ok); }, Qt::QueuedConnection);
    }
    int refreshes = 0;
    bool renewWorks = true;

private:
    QString m_keyId = QStringLiteral("ASIAFIRST0000000000");
};

QByteArray keyIdOf(const HttpTestServer::Request &request)
{
    const QByteArray auth = request.header("authorization");
    const qsizetype from = auth.indexOf("Credential=") + 11;
    return auth.mid(from, auth.indexOf('/', from) - from);
}

} // namespace

class RetryPolicyTest final : public QObject
{
    Q_OBJECT

    Http::AwsHttpClient m_http;

    Http::AwsHttpRequest requestTo(const HttpTestServer &server, const QByteArray &method = "GET")
    {
        Http::AwsHttpRequest request;
        request.method = method;
        request.baseUrl = server.baseUrl();
        request.path = QStringLiteral("/bucket/key");
        request.service = QStringLiteral("s3");
        request.region = QStringLiteral("us-east-1");
        request.payloadHash = "UNSIGNED-PAYLOAD";
        return request;
    }

    Outcome<Http::AwsHttpResponse> send(const Http::AwsHttpRequest &request,
                                        Http::CredentialSourcePtr caller = Http::fixedCredentials({QStringLiteral("AKIDRETRYTEST000001"), QStringLiteral("retry-secret"), {}, {}}))
    {
        std::optional<Outcome<Http::AwsHttpResponse>> result;
        QObject context;
        m_http.send(m_http.newCall(&context), caller, request, [&](Outcome<Http::AwsHttpResponse> answer) { result.emplace(answer); });
        QTest::qWaitFor([&] { return result.has_value(); }, 30000);
        return result ? *result : Outcome<Http::AwsHttpResponse>(AwsError::local(AwsErrorKind::Timeout, QStringLiteral("no answer")));
    }

private slots:
    void init()
    {
        Http::RetryPolicy fast;
        fast.baseDelayMs = 20;  // the schedule, not the waiting, is what is tested here
        fast.maxBackoffMs = 200;
        m_http.setRetryPolicy(fast);
    }

    void classification_data()
    {
        QTest::addColumn<AwsError>("error");
        QTest::addColumn<int>("reason");
        using K = AwsErrorKind;
        using R = Http::RetryReason;
        QTest::newRow("500 InternalError") << errorWith(K::ServiceError, "InternalError", 500) << int(R::Transient);
        QTest::newRow("502") << errorWith(K::ServiceError, QString(), 502) << int(R::Transient);
        QTest::newRow("503 SlowDown") << errorWith(K::Throttled, "SlowDown", 503) << int(R::Throttled);
        QTest::newRow("504") << errorWith(K::ServiceError, QString(), 504) << int(R::Transient);
        QTest::newRow("501 NotImplemented") << errorWith(K::ServiceError, "NotImplemented", 501) << int(R::None);
        QTest::newRow("Throttling") << errorWith(K::Throttled, "Throttling", 400) << int(R::Throttled);
        QTest::newRow("RequestTimeout") << errorWith(K::Timeout, "RequestTimeout", 400) << int(R::Transient);
        QTest::newRow("ExpiredToken") << errorWith(K::ExpiredToken, "ExpiredToken", 400) << int(R::StaleCredentials);
        QTest::newRow("InvalidToken") << errorWith(K::InvalidClientTokenId, "InvalidToken", 400) << int(R::StaleCredentials);
        QTest::newRow("Request has expired") << errorWith(K::AccessDenied, "AccessDenied", 403, "Request has expired") << int(R::StaleCredentials);
        QTest::newRow("AccessDenied") << errorWith(K::AccessDenied, "AccessDenied", 403) << int(R::None);
        QTest::newRow("InvalidAccessKeyId") << errorWith(K::InvalidClientTokenId, "InvalidAccessKeyId", 403) << int(R::None);
        QTest::newRow("NoSuchKey") << errorWith(K::NoSuchKey, "NoSuchKey", 404) << int(R::None);
        QTest::newRow("PreconditionFailed") << errorWith(K::ServiceError, "PreconditionFailed", 412) << int(R::None);
    }
    void classification()
    {
        QFETCH(AwsError, error);
        QFETCH(int, reason);
        QCOMPARE(int(Http::retryReasonFor(error)), reason);
    }

    void transportFailures()
    {
        QCOMPARE(Http::retryReasonFor(QNetworkReply::ConnectionRefusedError), Http::RetryReason::Transient);
        QCOMPARE(Http::retryReasonFor(QNetworkReply::RemoteHostClosedError), Http::RetryReason::Transient);
        QCOMPARE(Http::retryReasonFor(QNetworkReply::TimeoutError), Http::RetryReason::Transient);
        QCOMPARE(Http::retryReasonFor(QNetworkReply::SslHandshakeFailedError), Http::RetryReason::None);
        QCOMPARE(Http::retryReasonFor(QNetworkReply::HostNotFoundError), Http::RetryReason::None);
        QCOMPARE(Http::retryReasonFor(QNetworkReply::OperationCanceledError), Http::RetryReason::None);
        // A proxy refusing or dropping the connection is a reset; its 407 or an unknown proxy host is not fixed by waiting.
        QCOMPARE(Http::retryReasonFor(QNetworkReply::ProxyConnectionRefusedError), Http::RetryReason::Transient);
        QCOMPARE(Http::retryReasonFor(QNetworkReply::ProxyConnectionClosedError), Http::RetryReason::Transient);
        QCOMPARE(Http::retryReasonFor(QNetworkReply::ProxyAuthenticationRequiredError), Http::RetryReason::None);
        QCOMPARE(Http::retryReasonFor(QNetworkReply::ProxyNotFoundError), Http::RetryReason::None);
    }

    void backoffIsFullJitterUnderTheCap()
    {
        const Http::RetryPolicy policy;  // 1 s base, 20 s cap
        for (int retry = 1; retry <= 8; ++retry) {
            const int ceiling = std::min(20000, 1000 << (retry - 1));
            int largest = 0;
            for (int i = 0; i < 400; ++i) {
                const int wait = policy.backoffMs(retry);
                QVERIFY(wait >= 0 && wait < ceiling);
                largest = std::max(largest, wait);
            }
            QVERIFY2(largest > ceiling / 2, qPrintable(QString::number(retry)));  // the whole range is used
        }
    }

    void maxAttemptsFromTheEnvironment()
    {
        qputenv("AWS_MAX_ATTEMPTS", "5");
        qputenv("ROLEDROP_STALL_TIMEOUT", "7");
        const Http::RetryPolicy policy = Http::RetryPolicy::fromEnvironment();
        QCOMPARE(policy.maxAttempts, 5);
        QCOMPARE(policy.stallTimeoutMs, 7000);
        qputenv("AWS_MAX_ATTEMPTS", "zero");
        QCOMPARE(Http::RetryPolicy::fromEnvironment().maxAttempts, 3);
        qunsetenv("AWS_MAX_ATTEMPTS");
        qunsetenv("ROLEDROP_STALL_TIMEOUT");
    }

    void quotaEmptiesAndRefills()
    {
        Http::RetryQuota quota;
        int granted = 0;
        while (quota.acquire(Http::RetryReason::Transient, false))
            ++granted;
        QCOMPARE(granted, Http::RetryQuota::initialTokens / Http::RetryQuota::retryCost);
        QVERIFY(!quota.acquire(Http::RetryReason::Throttled, false));
        QVERIFY(quota.acquire(Http::RetryReason::StaleCredentials, false));  // a renewal is free
        quota.onSuccess(true);
        QVERIFY(quota.acquire(Http::RetryReason::Transient, false));
        QVERIFY(!quota.acquire(Http::RetryReason::Transient, true));  // a timeout costs more
    }

    void slowDownTwiceThenAnAnswer()
    {
        int calls = 0;
        HttpTestServer server([&](const HttpTestServer::Request &) {
            return ++calls <= 2 ? s3Error(503, "SlowDown") : HttpTestServer::Response{200, {}, "done"};
        });
        QVERIFY(server.listen());
        const auto answer = send(requestTo(server));
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(calls, 3);
        for (const HttpTestServer::Request &sent : server.requests())
            QVERIFY(sent.header("authorization").startsWith("AWS4-HMAC-SHA256 "));
    }

    // Qt 6.4 reports its transfer timeout as a cancel: a stall is still a timeout, retried, never "Cancelled".
    void aStallIsGivenUpAndRetried()
    {
        Http::RetryPolicy policy = m_http.retryPolicy();
        policy.stallTimeoutMs = 300;
        m_http.setRetryPolicy(policy);
        int calls = 0;
        HttpTestServer server([&](const HttpTestServer::Request &) {
            HttpTestServer::Response response{200, {}, "late"};
            if (++calls == 1)
                response.delayMs = 2000;
            return response;
        });
        QVERIFY(server.listen());
        const auto answer = send(requestTo(server));
        QVERIFY2(answer, qPrintable(answer ? QString() : answer.error().userMessage()));
        QCOMPARE(answer->status, 200);
        QCOMPARE(calls, 2);

        // Stalled every time: a timeout, said as one.
        calls = 0;
        server.setHandler([&](const HttpTestServer::Request &) {
            ++calls;
            return HttpTestServer::Response{200, {}, "late", 2000};
        });
        const auto stalled = send(requestTo(server));
        QVERIFY(!stalled);
        QCOMPARE(stalled.error().kind, AwsErrorKind::Timeout);
        QCOMPARE(calls, policy.maxAttempts);
    }

    void givesUpAfterMaxAttempts()
    {
        HttpTestServer server([](const HttpTestServer::Request &) { return s3Error(500, "InternalError"); });
        QVERIFY(server.listen());
        const auto answer = send(requestTo(server));
        QVERIFY(answer);  // the last answer is handed on as it came: the S3 client names the error
        QCOMPARE(answer->status, 500);
        QCOMPARE(server.requests().size(), m_http.retryPolicy().maxAttempts);
    }

    void refusalsAreNotRetried()
    {
        HttpTestServer server([](const HttpTestServer::Request &) { return s3Error(403, "AccessDenied"); });
        QVERIFY(server.listen());
        QCOMPARE(send(requestTo(server))->status, 403);
        QCOMPARE(server.requests().size(), 1);
    }

    void aStreamedBodyGoesWholeEachAttempt()
    {
        const QByteArray body(300 * 1024, 'b');
        int calls = 0;
        HttpTestServer server([&](const HttpTestServer::Request &) {
            return ++calls == 1 ? s3Error(503, "ServiceUnavailable") : HttpTestServer::Response{200, {{"ETag", "\"e\""}}, {}};
        });
        QVERIFY(server.listen());
        Http::AwsHttpRequest request = requestTo(server, "PUT");
        request.openBody = [body]() -> std::unique_ptr<QIODevice> {
            auto buffer = std::make_unique<QBuffer>();
            buffer->setData(body);
            buffer->open(QIODevice::ReadOnly);
            return buffer;
        };
        request.bodySize = body.size();
        QCOMPARE(send(request)->status, 200);
        QCOMPARE(server.requests().size(), 2);
        for (const HttpTestServer::Request &sent : server.requests())
            QCOMPARE(sent.body, body);
    }

    void anErrorIn200IsRetriedWhereS3SendsOne()
    {
        int calls = 0;
        HttpTestServer server([&](const HttpTestServer::Request &) {
            return ++calls == 1 ? HttpTestServer::Response{200, {}, "<Error><Code>InternalError</Code><Message>x</Message></Error>"}
                                : HttpTestServer::Response{200, {}, "<CompleteMultipartUploadResult><ETag>\"e-2\"</ETag></CompleteMultipartUploadResult>"};
        });
        QVERIFY(server.listen());
        Http::AwsHttpRequest request = requestTo(server, "POST");
        request.mayAnswerErrorIn200 = true;
        const auto answer = send(request);
        QCOMPARE(calls, 2);
        QVERIFY(answer->body.contains("CompleteMultipartUploadResult"));
        // Without the flag a 200 is a success, whatever its body.
        calls = 1;
        request.mayAnswerErrorIn200 = false;
        QVERIFY(send(request)->body.contains("CompleteMultipartUploadResult"));
    }

    void aStaleTokenRenewsTheIdentityThenRetries()
    {
        HttpTestServer server([](const HttpTestServer::Request &request) {
            return keyIdOf(request).startsWith("ASIAFIRST") ? s3Error(400, "ExpiredToken") : HttpTestServer::Response{200, {}, "ok"};
        });
        QVERIFY(server.listen());
        auto source = std::make_shared<RenewableSourceDouble>();
        const auto answer = send(requestTo(server), source);
        QCOMPARE(answer->status, 200);
        QCOMPARE(source->refreshes, 1);
        QCOMPARE(server.requests().size(), 2);
        QVERIFY(keyIdOf(server.requests().at(1)).startsWith("ASIARENEWED"));

        // A renewal that fails: the refusal is handed on, no loop.
        auto broken = std::make_shared<RenewableSourceDouble>();
        broken->renewWorks = false;
        HttpTestServer always([](const HttpTestServer::Request &) { return s3Error(400, "ExpiredToken"); });
        QVERIFY(always.listen());
        QCOMPARE(send(requestTo(always), broken)->status, 400);
        QCOMPARE(broken->refreshes, 1);
        QCOMPARE(always.requests().size(), 1);
    }

    void aCancelEndsTheBackoffAtOnce()
    {
        Http::RetryPolicy slow;
        slow.baseDelayMs = 60000;
        slow.maxBackoffMs = 60000;
        m_http.setRetryPolicy(slow);
        HttpTestServer server([](const HttpTestServer::Request &) { return s3Error(503, "SlowDown"); });
        QVERIFY(server.listen());
        std::optional<Outcome<Http::AwsHttpResponse>> result;
        QObject context;
        Http::AwsCall *call = m_http.newCall(&context);
        m_http.send(call, Http::fixedCredentials({QStringLiteral("AKIDRETRYTEST000001"), QStringLiteral("s"), {}, {}}), requestTo(server),
                    [&](Outcome<Http::AwsHttpResponse> answer) { result.emplace(answer); });
        QTRY_COMPARE(server.requests().size(), 1);
        QTest::qWait(50);
        call->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 2000);
        QCOMPARE(result->error().kind, AwsErrorKind::Cancelled);
        QCOMPARE(server.requests().size(), 1);
    }
};

QTEST_GUILESS_MAIN(RetryPolicyTest)
#include "retry_policy_test.moc"
