// The listing helper (ObjectPager, listEachPage, expandToKeys): the one place that follows continuation tokens.
// Against a listing test double that answers ListObjectsV2 as S3 does and checks what S3 checks of a listing
// request (a signed request, list-type=2, a continuation token it issued itself), and can misbehave the ways
// servers do: the same token again, or "truncated" without a token.
#include "core/http/aws_call.h"
#include "core/http/aws_http_client.h"
#include "core/s3/object_listing.h"
#include "http_test_server.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace RoleDrop;
using Test::HttpTestServer;

namespace {

// LISTING TEST DOUBLE: keys "k00000".."k<N-1>" (and a few under "folder/"), paged as S3 pages them.
class ListingServerDouble
{
public:
    enum class Mode { Honest, RepeatsToken, TruncatedWithoutToken };

    explicit ListingServerDouble(int keys) : m_keys(keys)
    {
        m_server.setHandler([this](const HttpTestServer::Request &request) { return answer(request); });
    }
    bool listen() { return m_server.listen(); }
    void setMode(Mode mode) { m_mode = mode; }
    const QList<HttpTestServer::Request> &requests() const { return m_server.requests(); }
    int listings() const { return int(m_server.requests().size()); }

    std::shared_ptr<const S3::S3Client> client(Http::AwsHttpClient *http)
    {
        Http::EndpointConfig endpoint;
        endpoint.customEndpoint = m_server.baseUrl();
        endpoint.pathStyle = true;
        const AwsCredentials keys{QStringLiteral("AKIDLISTINGDOUBLE01"), QStringLiteral("listing-double-secret"), {}, {}};
        return std::make_shared<S3::S3Client>(http, Http::fixedCredentials(keys, QStringLiteral("lister")), endpoint);
    }

    QStringList allKeys(const QString &prefix) const
    {
        QStringList keys;
        for (int i = 0; i < m_keys; ++i)
            keys << QStringLiteral("k%1").arg(i, 5, 10, QLatin1Char('0'));
        keys << QStringLiteral("folder/") << QStringLiteral("folder/a") << QStringLiteral("folder/sub/b");
        keys.sort();
        QStringList under;
        for (const QString &key : std::as_const(keys)) {
            if (key.startsWith(prefix))
                under << key;
        }
        return under;
    }

private:
    static HttpTestServer::Response error(int status, const QByteArray &code, const QByteArray &message)
    {
        return {status, {{"Content-Type", "application/xml"}},
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message + "</Message></Error>"};
    }

    HttpTestServer::Response answer(const HttpTestServer::Request &request)
    {
        if (!request.header("authorization").startsWith("AWS4-HMAC-SHA256 ") || request.header("x-amz-date").isEmpty())
            return error(403, "AccessDenied", "Anonymous listing is not allowed");
        const QUrlQuery query = request.query();
        if (query.queryItemValue(QStringLiteral("list-type")) != QLatin1String("2"))
            return error(400, "InvalidArgument", "Only ListObjectsV2 is served here");
        const QString prefix = query.queryItemValue(QStringLiteral("prefix"), QUrl::FullyDecoded);
        const int maxKeys = query.queryItemValue(QStringLiteral("max-keys")).toInt();
        int start = 0;
        if (query.hasQueryItem(QStringLiteral("continuation-token"))) {
            const QByteArray token = QByteArray::fromBase64(query.queryItemValue(QStringLiteral("continuation-token"), QUrl::FullyDecoded).toLatin1());
            if (!token.startsWith("next:"))
                return error(400, "InvalidArgument", "The continuation token provided is incorrect");
            start = token.mid(5).toInt();
        }
        const QStringList keys = allKeys(prefix);
        const int end = std::min<int>(int(keys.size()), start + std::max(1, maxKeys));
        const bool truncated = end < keys.size();
        QByteArray xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                         "<Name>data</Name><Prefix>" + prefix.toUtf8() + "</Prefix><MaxKeys>" + QByteArray::number(maxKeys)
            + "</MaxKeys><KeyCount>" + QByteArray::number(end - start) + "</KeyCount><IsTruncated>"
            + (truncated ? "true" : "false") + "</IsTruncated>";
        if (truncated && m_mode != Mode::TruncatedWithoutToken) {
            const int next = m_mode == Mode::RepeatsToken ? 1 : end;  // a broken server: always "page 1 next"
            xml += "<NextContinuationToken>" + ("next:" + QByteArray::number(next)).toBase64() + "</NextContinuationToken>";
        }
        for (int i = start; i < end; ++i)
            xml += "<Contents><Key>" + keys.at(i).toUtf8() + "</Key><LastModified>2024-05-01T12:00:00.000Z</LastModified>"
                   "<ETag>\"d41d8cd98f00b204e9800998ecf8427e\"</ETag><Size>" + QByteArray::number(i) + "</Size>"
                   "<StorageClass>STANDARD</StorageClass></Contents>";
        xml += "</ListBucketResult>";
        return {200, {{"Content-Type", "application/xml"}}, xml};
    }

    HttpTestServer m_server;
    int m_keys;
    Mode m_mode = Mode::Honest;
};

template <class T>
std::optional<Outcome<T>> waitFor(std::optional<Outcome<T>> &result, int ms = 20000)
{
    QTest::qWaitFor([&] { return result.has_value(); }, ms);
    return result;
}

} // namespace

class ObjectListingTest final : public QObject
{
    Q_OBJECT

    Http::AwsHttpClient m_http;

private slots:
    void listEachPageWalksEveryPageOnce()
    {
        ListingServerDouble server(2500);
        QVERIFY(server.listen());
        S3::ListObjectsRequest request;
        request.bucket = QStringLiteral("data");
        request.delimiter.clear();
        QStringList seen;
        int pages = 0;
        std::optional<Outcome<Done>> result;
        QObject context;
        S3::listEachPage(server.client(&m_http), request, &context, [&](const S3::ListObjectsPage &page) {
            ++pages;
            for (const S3::ObjectInfo &object : page.objects)
                seen << object.key;
        }, [&](Outcome<Done> done) { result.emplace(done); });
        QVERIFY(!result);  // never inside the call
        QVERIFY(waitFor(result));
        QVERIFY2(result->ok(), qPrintable(result->error().userMessage()));
        QCOMPARE(pages, 3);
        QCOMPARE(seen, server.allKeys(QString()));
        QCOMPARE(server.listings(), 3);
        // Each request after the first carries the token the previous answer gave.
        QVERIFY(!server.requests().at(0).query().hasQueryItem(QStringLiteral("continuation-token")));
        QVERIFY(server.requests().at(1).query().hasQueryItem(QStringLiteral("continuation-token")));
        QVERIFY(server.requests().at(2).query().hasQueryItem(QStringLiteral("continuation-token")));
    }

    void aRepeatedTokenEndsTheListingWithAnError()
    {
        ListingServerDouble server(3500);
        server.setMode(ListingServerDouble::Mode::RepeatsToken);
        QVERIFY(server.listen());
        S3::ListObjectsRequest request;
        request.bucket = QStringLiteral("data");
        int pages = 0;
        std::optional<Outcome<Done>> result;
        QObject context;
        S3::listEachPage(server.client(&m_http), request, &context, [&](const S3::ListObjectsPage &) { ++pages; },
                         [&](Outcome<Done> done) { result.emplace(done); });
        QVERIFY(waitFor(result));
        QVERIFY(!result->ok());
        QCOMPARE(result->error().kind, AwsErrorKind::MalformedResponse);
        QVERIFY2(result->error().userMessage().contains(QStringLiteral("same next-page token")), qPrintable(result->error().userMessage()));
        QCOMPARE(pages, 1);               // the second page repeats the first one's token: not handed out
        QCOMPARE(server.listings(), 2);   // and nothing asked after it
    }

    void truncatedWithoutTokenIsAnError()
    {
        ListingServerDouble server(1500);
        server.setMode(ListingServerDouble::Mode::TruncatedWithoutToken);
        QVERIFY(server.listen());
        std::optional<Outcome<QList<S3::ObjectInfo>>> result;
        QObject context;
        S3::listAllObjects(server.client(&m_http), QStringLiteral("data"), QString(), &context,
                           [&](Outcome<QList<S3::ObjectInfo>> objects) { result.emplace(objects); });
        QVERIFY(waitFor(result));
        QVERIFY(!result->ok());
        QCOMPARE(result->error().kind, AwsErrorKind::MalformedResponse);
        QVERIFY2(result->error().userMessage().contains(QStringLiteral("NextContinuationToken is missing")), qPrintable(result->error().userMessage()));
        QVERIFY(result->error().userMessage().contains(QStringLiteral("s3:ListBucket")));  // names what was asked
        QCOMPARE(result->error().identity, QStringLiteral("lister"));
    }

    void pagerHandsOutOnePageAtATime()
    {
        ListingServerDouble server(2500);
        QVERIFY(server.listen());
        S3::ListObjectsRequest first;
        first.bucket = QStringLiteral("data");
        S3::ObjectPager pager(server.client(&m_http), first);
        QObject context;
        QStringList keys;
        while (pager.hasMore()) {
            std::optional<Outcome<S3::ListObjectsPage>> page;
            pager.fetchNext(&context, [&](Outcome<S3::ListObjectsPage> answer) { page.emplace(answer); });
            // A second request while one travels is refused (later, as every answer is).
            std::optional<Outcome<S3::ListObjectsPage>> refused;
            QCOMPARE(pager.fetchNext(&context, [&](Outcome<S3::ListObjectsPage> answer) { refused.emplace(answer); }), nullptr);
            QVERIFY(waitFor(page));
            QVERIFY(page->ok());
            QVERIFY(refused && !refused->ok());
            for (const S3::ObjectInfo &object : page->value().objects)
                keys << object.key;
        }
        QCOMPARE(pager.pagesLoaded(), 3);
        QCOMPARE(keys, server.allKeys(QString()));
    }

    void pagerStopsAtARepeatedToken()
    {
        ListingServerDouble server(3500);
        server.setMode(ListingServerDouble::Mode::RepeatsToken);
        QVERIFY(server.listen());
        S3::ListObjectsRequest first;
        first.bucket = QStringLiteral("data");
        S3::ObjectPager pager(server.client(&m_http), first);
        QObject context;
        std::optional<Outcome<S3::ListObjectsPage>> page;
        pager.fetchNext(&context, [&](Outcome<S3::ListObjectsPage> answer) { page.emplace(answer); });
        QVERIFY(waitFor(page) && page->ok());
        page.reset();
        pager.fetchNext(&context, [&](Outcome<S3::ListObjectsPage> answer) { page.emplace(answer); });
        QVERIFY(waitFor(page));
        QVERIFY(!page->ok());
        QVERIFY(!pager.hasMore());
    }

    void expandToKeysTakesFoldersAndKeysOnce()
    {
        ListingServerDouble server(3);
        QVERIFY(server.listen());
        std::optional<Outcome<QStringList>> result;
        QObject context;
        S3::expandToKeys(server.client(&m_http), QStringLiteral("data"), {QStringLiteral("k00001"), QStringLiteral("folder/a")},
                         {QStringLiteral("folder/")}, &context, [&](Outcome<QStringList> keys) { result.emplace(keys); });
        QVERIFY(waitFor(result));
        QVERIFY(result->ok());
        QCOMPARE(result->value(), (QStringList{QStringLiteral("k00001"), QStringLiteral("folder/a"), QStringLiteral("folder/"),
                                               QStringLiteral("folder/sub/b")}));
    }

    // The window counts a folder's objects before asking to delete them: the count follows the pages.
    void expandToKeysReportsTheCountAfterEachPage()
    {
        ListingServerDouble server(2500);
        QVERIFY(server.listen());
        std::optional<Outcome<QStringList>> result;
        QList<int> counts;
        QObject context;
        S3::expandToKeys(server.client(&m_http), QStringLiteral("data"), {}, {QStringLiteral("k")}, &context,
                         [&](Outcome<QStringList> keys) { result.emplace(keys); }, [&](int found) { counts << found; });
        QVERIFY(waitFor(result));
        QVERIFY(result->ok());
        QCOMPARE(result->value().size(), 2500);
        QCOMPARE(counts, (QList<int>{1000, 2000, 2500}));
    }

    void cancelStopsTheListingAndSaysSo()
    {
        ListingServerDouble server(5000);
        QVERIFY(server.listen());
        S3::ListObjectsRequest request;
        request.bucket = QStringLiteral("data");
        std::optional<Outcome<Done>> result;
        QObject context;
        QPointer<Http::AwsCall> call;
        int pages = 0;
        call = S3::listEachPage(server.client(&m_http), request, &context, [&](const S3::ListObjectsPage &) {
            if (++pages == 1)
                call->cancel();
        }, [&](Outcome<Done> done) { result.emplace(done); });
        QVERIFY(waitFor(result));
        QVERIFY(!result->ok());
        QCOMPARE(result->error().kind, AwsErrorKind::Cancelled);
        QCOMPARE(pages, 1);
        QTest::qWait(100);
        QCOMPARE(server.listings(), 1);
    }

    void aContextGoneBeforeTheAnswerGetsNoCall()
    {
        ListingServerDouble server(10);
        QVERIFY(server.listen());
        S3::ListObjectsRequest request;
        request.bucket = QStringLiteral("data");
        bool called = false;
        auto context = std::make_unique<QObject>();
        S3::listEachPage(server.client(&m_http), request, context.get(), [&](const S3::ListObjectsPage &) { called = true; },
                         [&](Outcome<Done>) { called = true; });
        context.reset();
        QTest::qWait(500);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(ObjectListingTest)
#include "object_listing_test.moc"
