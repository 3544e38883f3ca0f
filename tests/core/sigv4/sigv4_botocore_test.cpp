// Cross-checks the signer with botocore (Debian's python3-botocore, run as /usr/bin/python3) on requests
// generated from a fixed seed: canonical request, string to sign and Authorization (or presigned query)
// must agree byte for byte.
//
// Input classes left out, because botocore deliberately departs from the SigV4 rules there (our signer
// follows the rules, and RoleDrop never sends such input):
// - headers "expect", "user-agent", "x-amzn-trace-id": botocore never signs them (its blacklist); we sign
//   whatever the caller passes, and the HTTP client passes none of them.
// - a "date" header: botocore rewrites it to the signing time.
// - header values holding Unicode whitespace (U+00A0, U+2000...) or \x1c-\x1f: botocore's trimming is
//   Python's str.split(), which counts them as whitespace; SigV4's Trimall trims spaces (and we tabs, CR,
//   LF, VT, FF, as botocore does).
// - a caller's own x-amz-content-sha256 header on a non-S3 request: botocore signs the header's value as
//   the payload hash instead of the body's.
// - presigning: repeated query keys (botocore's presigner keeps one value per key), a body (it moves form
//   bodies into the query), and content-type "application/x-www-form-urlencoded; charset=utf-8" (dropped).
// Non-UTF-8 bytes in paths, query or headers cannot travel in JSON, so generated text is valid UTF-8.
#include "core/common/crypto.h"
#include "core/sigv4/sigv4_presigner.h"
#include "core/sigv4/sigv4_signer.h"
#include "core/sigv4/sigv4_signing_key.h"
#include "core/sigv4/sigv4_string_to_sign.h"
#include "core/sigv4/uri_encoding.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace RoleDrop;
using namespace RoleDrop::SigV4;

namespace {

constexpr int headerSignedCount = 1200;
constexpr int presignedCount = 300;
constexpr quint32 seed = 0x5167'0004;

const QString python = QStringLiteral("/usr/bin/python3");
const QString script = QStringLiteral(ROLEDROP_TESTS_DIR "/sigv4/botocore_sign.py");

struct Generated
{
    int id = 0;
    bool presign = false;
    qint64 expires = 0;
    AwsCredentials credentials;
    SigningOptions options;
    SigningRequest request;
    QByteArray host;
    QByteArray body;
    bool unsignedPayload = false;
};

// Generates requests that stress every canonicalisation rule, reproducibly.
class RequestGenerator final
{
public:
    explicit RequestGenerator(quint32 seed) : m_random(seed)
    {
        for (int i = 0; i < 6; ++i) {
            AwsCredentials credentials;
            credentials.accessKeyId = QStringLiteral("AKIA") + text(QStringLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 16);
            credentials.secretAccessKey = text(base64Alphabet(), 40);
            if (i % 2 == 1) {
                credentials.sessionToken = text(base64Alphabet(), 100 + m_random.bounded(300));
                credentials.expiration = QDateTime::currentDateTimeUtc().addSecs(3600);
            }
            m_credentialPool.append(credentials);
        }
    }

    Generated next(int id, bool presign)
    {
        Generated g;
        g.id = id;
        g.presign = presign;
        g.credentials = m_credentialPool.at(m_random.bounded(int(m_credentialPool.size())));
        const bool s3 = presign || m_random.bounded(2) == 0;
        static const QStringList services = {QStringLiteral("sts"), QStringLiteral("execute-api"),
                                             QStringLiteral("iam"), QStringLiteral("service"),
                                             QStringLiteral("dynamodb")};
        static const QStringList regions = {QStringLiteral("us-east-1"), QStringLiteral("eu-west-3"),
                                            QStringLiteral("ap-southeast-2"), QStringLiteral("us-gov-west-1"),
                                            QStringLiteral("cn-north-1")};
        const QString service = s3 ? QStringLiteral("s3") : services.at(m_random.bounded(int(services.size())));
        // A few days only, so that signing keys repeat and the cache is exercised; now and then any time.
        const qint64 base = 1700000000;
        const qint64 seconds = m_random.bounded(10) == 0 ? m_random.bounded(946684800, 2114380800)
                                                         : base + m_random.bounded(3 * 86400);
        g.options = SigningOptions::forService(regions.at(m_random.bounded(int(regions.size()))), service,
                                               QDateTime::fromSecsSinceEpoch(seconds, QTimeZone::utc()));

        static const QByteArrayList methods = {"GET", "PUT", "POST", "DELETE", "HEAD"};
        g.request.method = presign ? (m_random.bounded(2) ? "GET" : "PUT") : methods.at(m_random.bounded(5));
        g.request.path = path();
        g.request.query = query(presign);
        g.host = m_random.bounded(4) == 0 ? "127.0.0.1:" + QByteArray::number(m_random.bounded(1024, 65535))
                                          : "example-" + QByteArray::number(m_random.bounded(100)) + ".amazonaws.com";
        g.request.headers = headers(g.host, s3, presign);

        if (!presign && (g.request.method == "PUT" || g.request.method == "POST")) {
            g.body.resize(m_random.bounded(0, 3000));
            for (char &c : g.body)
                c = char(m_random.bounded(256));
        }
        g.unsignedPayload = !presign && m_random.bounded(6) == 0;
        if (g.unsignedPayload) {
            g.request.payloadHash = unsignedPayload;
        } else {
            Sha256Stream payload;
            payload.update(g.body);
            g.request.payloadHash = payload.finish().toHex();
        }
        g.expires = presign ? (m_random.bounded(5) == 0 ? maxPresignExpirySeconds
                                                        : 1 + m_random.bounded(maxPresignExpirySeconds))
                            : 0;
        return g;
    }

private:
    static QString base64Alphabet()
    {
        return QStringLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
    }

    QString text(const QString &alphabet, int length)
    {
        QString out;
        for (int i = 0; i < length; ++i)
            out.append(alphabet.at(m_random.bounded(int(alphabet.size()))));
        return out;
    }

    // Pieces of names: unreserved, reserved, '%' and escapes-lookalikes, space, controls, non-ASCII
    // from 2-, 3- and 4-byte UTF-8.
    QString piece(bool allowSlash)
    {
        static const QStringList pieces = {
            QStringLiteral("a"), QStringLiteral("Z"), QStringLiteral("7"), QStringLiteral("report"),
            QStringLiteral("-"), QStringLiteral("."), QStringLiteral("_"), QStringLiteral("~"),
            QStringLiteral("!"), QStringLiteral("$"), QStringLiteral("&"), QStringLiteral("'"),
            QStringLiteral("("), QStringLiteral(")"), QStringLiteral("*"), QStringLiteral("+"),
            QStringLiteral(","), QStringLiteral(";"), QStringLiteral("="), QStringLiteral(":"),
            QStringLiteral("@"), QStringLiteral("?"), QStringLiteral("#"), QStringLiteral("["),
            QStringLiteral("]"), QStringLiteral("%"), QStringLiteral("%20"), QStringLiteral("%2F"),
            QStringLiteral(" "), QStringLiteral("  "), QStringLiteral("\""), QStringLiteral("<"),
            QStringLiteral(">"), QStringLiteral("\\"), QStringLiteral("^"), QStringLiteral("`"),
            QStringLiteral("{"), QStringLiteral("|"), QStringLiteral("}"), QStringLiteral("\t"),
            QStringLiteral("\x01"), QStringLiteral("\x7f"), QString::fromUtf8("é"), QString::fromUtf8("ß"),
            QString::fromUtf8("\u00a0"), QString::fromUtf8("ሴ"), QString::fromUtf8("中文"),
            QString::fromUtf8("😀"), QString::fromUtf8("\U0001F3F3\uFE0F")};
        if (allowSlash && m_random.bounded(8) == 0)
            return QStringLiteral("/");
        return pieces.at(m_random.bounded(int(pieces.size())));
    }

    QString word(int maxPieces, bool allowSlash)
    {
        QString out;
        const int count = m_random.bounded(0, maxPieces + 1);
        for (int i = 0; i < count; ++i)
            out += piece(allowSlash);
        return out;
    }

    QByteArray path()
    {
        QStringList segments;
        const int count = m_random.bounded(0, 6);
        for (int i = 0; i < count; ++i) {
            switch (m_random.bounded(8)) {
            case 0: segments.append(QString()); break;              // "//"
            case 1: segments.append(QStringLiteral(".")); break;
            case 2: segments.append(QStringLiteral("..")); break;
            default: segments.append(word(6, false)); break;
            }
        }
        QString path = QLatin1Char('/') + segments.join(QLatin1Char('/'));
        if (count > 0 && m_random.bounded(4) == 0)
            path += QLatin1Char('/');
        return path.toUtf8();
    }

    QueryList query(bool presign)
    {
        QueryList query;
        const int count = m_random.bounded(0, 7);
        QSet<QByteArray> keys;
        for (int i = 0; i < count; ++i) {
            QByteArray key;
            if (!presign && !query.isEmpty() && m_random.bounded(4) == 0)
                key = query.at(m_random.bounded(int(query.size()))).first; // repeated key
            else if (m_random.bounded(10) == 0)
                key = QByteArray();                                         // empty key
            else
                key = word(4, true).toUtf8();
            if (presign && (keys.contains(key) || key.startsWith("X-Amz-")))
                continue;
            keys.insert(key);
            const QByteArray value = m_random.bounded(4) == 0 ? QByteArray() : word(6, true).toUtf8();
            query.append({key, value});
        }
        return query;
    }

    QByteArray headerName()
    {
        static const QByteArrayList names = {"Content-Type", "content-md5", "X-Amz-Meta-Author", "x-amz-acl",
                                             "My-Header", "MY-HEADER", "x-amz-storage-class", "Cache-Control",
                                             "Content-Disposition", "x-amz-server-side-encryption",
                                             "Range", "If-None-Match", "X-Amz-Tagging", "x-amz-date",
                                             "Authorization", "X-Amz-Security-Token", "x-amz-content-sha256"};
        static const QString tchar = QStringLiteral("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~");
        if (m_random.bounded(3) == 0)
            return "x-amz-meta-" + text(tchar, 1 + m_random.bounded(8)).toLatin1();
        return names.at(m_random.bounded(int(names.size())));
    }

    QByteArray headerValue()
    {
        // Whitespace oddities: leading and trailing runs, tabs, inner runs; plus quotes, commas, non-ASCII.
        static const QStringList pieces = {QStringLiteral("value"), QStringLiteral("a b"), QStringLiteral("   "),
                                           QStringLiteral("\t"), QStringLiteral(" \t "), QStringLiteral(","),
                                           QStringLiteral("\"quoted  text\""), QStringLiteral("="),
                                           QStringLiteral(";"), QStringLiteral("text/plain"), QStringLiteral("42"),
                                           QString::fromUtf8("é"), QString::fromUtf8("中"), QStringLiteral(":")};
        QString value;
        const int count = m_random.bounded(0, 7);
        for (int i = 0; i < count; ++i)
            value += pieces.at(m_random.bounded(int(pieces.size())));
        return value.toUtf8();
    }

    HeaderList headers(const QByteArray &host, bool s3, bool presign)
    {
        HeaderList headers;
        static const QByteArrayList hostNames = {"Host", "host", "HOST"};
        headers.append({hostNames.at(m_random.bounded(3)), host});
        const int count = m_random.bounded(0, 7);
        for (int i = 0; i < count; ++i) {
            QByteArray name = headerName();
            if (!s3 && name.compare("x-amz-content-sha256", Qt::CaseInsensitive) == 0)
                continue; // see the file comment
            if (presign && name.compare("x-amz-content-sha256", Qt::CaseInsensitive) == 0)
                continue;
            QByteArray value = headerValue();
            if (presign && name.compare("content-type", Qt::CaseInsensitive) == 0
                && value == "application/x-www-form-urlencoded; charset=utf-8")
                continue;
            headers.insert(m_random.bounded(int(headers.size()) + 1), {name, value});
            if (m_random.bounded(5) == 0) // the same name again, maybe in another case
                headers.append({m_random.bounded(2) ? name.toUpper() : name, headerValue()});
        }
        return headers;
    }

    QRandomGenerator m_random;
    QList<AwsCredentials> m_credentialPool;
};

QJsonArray pairsToJson(const QList<std::pair<QByteArray, QByteArray>> &pairs)
{
    QJsonArray array;
    for (const auto &[first, second] : pairs)
        array.append(QJsonArray{QString::fromUtf8(first), QString::fromUtf8(second)});
    return array;
}

QJsonObject toJson(const Generated &g)
{
    QJsonObject object;
    object["id"] = g.id;
    object["kind"] = g.presign ? "presign" : "header";
    object["service"] = g.options.service;
    object["region"] = g.options.region;
    object["timestamp"] = QString::fromLatin1(amzDate(g.options.time));
    object["method"] = QString::fromLatin1(g.request.method);
    object["host"] = QString::fromLatin1(g.host);
    object["path"] = QString::fromUtf8(g.request.path);
    object["query"] = pairsToJson(g.request.query);
    object["headers"] = pairsToJson(g.request.headers);
    object["body"] = QString::fromLatin1(g.body.toBase64());
    object["unsignedPayload"] = g.unsignedPayload;
    object["accessKey"] = g.credentials.accessKeyId;
    object["secretKey"] = g.credentials.secretAccessKey;
    object["token"] = g.credentials.isTemporary() ? QJsonValue(g.credentials.sessionToken) : QJsonValue();
    object["expires"] = g.expires;
    return object;
}

QByteArray headerValue(const QJsonArray &headers, QByteArrayView name)
{
    for (const QJsonValue &header : headers) {
        if (header.toArray().at(0).toString().toUtf8().compare(name, Qt::CaseInsensitive) == 0)
            return header.toArray().at(1).toString().toUtf8();
    }
    return {};
}

} // namespace

class SigV4BotocoreTest final : public QObject
{
    Q_OBJECT

private slots:
    void matchesBotocore();
};

void SigV4BotocoreTest::matchesBotocore()
{
    QVERIFY2(QFile::exists(python), "/usr/bin/python3 is missing (apt-get install python3-botocore)");
    QVERIFY2(QFile::exists(script), qPrintable(script + QStringLiteral(" is missing")));

    RequestGenerator generator(seed);
    QList<Generated> generated;
    QJsonArray requests;
    for (int i = 0; i < headerSignedCount + presignedCount; ++i) {
        generated.append(generator.next(i, i >= headerSignedCount));
        requests.append(toJson(generated.constLast()));
    }

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString inPath = dir.filePath(QStringLiteral("in.json"));
    const QString outPath = dir.filePath(QStringLiteral("out.json"));
    QFile in(inPath);
    QVERIFY(in.open(QIODevice::WriteOnly));
    in.write(QJsonDocument(QJsonObject{{"requests", requests}}).toJson(QJsonDocument::Compact));
    in.close();

    QProcess process;
    process.start(python, {script, inPath, outPath});
    QVERIFY2(process.waitForFinished(300000), "botocore_sign.py did not finish in 5 minutes");
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
             qPrintable(QStringLiteral("botocore_sign.py failed (is python3-botocore installed?): ")
                        + QString::fromUtf8(process.readAllStandardError())));

    QFile out(outPath);
    QVERIFY(out.open(QIODevice::ReadOnly));
    const QJsonObject answer = QJsonDocument::fromJson(out.readAll()).object();
    const QJsonArray results = answer.value("results").toArray();
    QCOMPARE(results.size(), generated.size());

    // The generator must really produce the input classes it is meant to stress.
    int repeatedKeys = 0, emptyKeys = 0, repeatedHeaders = 0, tabbedValues = 0, nonAsciiPaths = 0, dotSegments = 0;
    for (const Generated &g : std::as_const(generated)) {
        QSet<QByteArray> keys, headerNames;
        for (const auto &[key, value] : g.request.query) {
            repeatedKeys += keys.contains(key) ? 1 : 0;
            emptyKeys += key.isEmpty() ? 1 : 0;
            keys.insert(key);
        }
        for (const auto &[name, value] : g.request.headers) {
            repeatedHeaders += headerNames.contains(name.toLower()) ? 1 : 0;
            tabbedValues += value.contains('\t') ? 1 : 0;
            headerNames.insert(name.toLower());
        }
        const auto isNonAscii = [](char c) { return static_cast<unsigned char>(c) >= 0x80; };
        nonAsciiPaths += std::any_of(g.request.path.cbegin(), g.request.path.cend(), isNonAscii) ? 1 : 0;
        dotSegments += (g.request.path.contains("/./") || g.request.path.contains("/../")
                        || g.request.path.contains("//")) ? 1 : 0;
    }
    qInfo("Generated: %d repeated query keys, %d empty query keys, %d repeated header names, %d header values "
          "with tabs, %d non-ASCII paths, %d paths with dot or empty segments",
          repeatedKeys, emptyKeys, repeatedHeaders, tabbedValues, nonAsciiPaths, dotSegments);
    QVERIFY(repeatedKeys > 50 && emptyKeys > 50 && repeatedHeaders > 50 && tabbedValues > 50 && nonAsciiPaths > 50
            && dotSegments > 50);

    // One small cache for all: keys are evicted and derived again, and must stay right.
    SigningKeyCache cache(4);
    int compared = 0, s3 = 0, generic = 0, temporary = 0, presigned = 0, mismatches = 0;
    QString firstMismatch;
    for (const QJsonValue &value : results) {
        const QJsonObject botocore = value.toObject();
        const Generated &g = generated.at(botocore.value("id").toInt());
        const QByteArray theirCreq = botocore.value("canonicalRequest").toString().toUtf8();
        const QByteArray theirSts = botocore.value("stringToSign").toString().toUtf8();
        QByteArray ourCreq, ourSts, ourAuth, theirAuth, ourExtra, theirExtra;

        if (g.presign) {
            const Outcome<PresignedRequest> ours = presignRequest(g.credentials, g.options, g.request, g.expires, &cache);
            QVERIFY2(ours.ok(), qPrintable(ours.error().message));
            ourCreq = ours->canonicalRequest;
            ourSts = ours->stringToSign;
            ourAuth = ours->signature;
            const QByteArray url = botocore.value("url").toString().toUtf8();
            const QueryList theirQuery = parseQueryString(url.sliced(url.indexOf('?') + 1));
            theirAuth = theirQuery.constLast().first == "X-Amz-Signature" ? theirQuery.constLast().second : QByteArray();
            // The same parameters, whatever the order.
            QueryList ourSorted = ours->query, theirSorted = theirQuery;
            std::sort(ourSorted.begin(), ourSorted.end());
            std::sort(theirSorted.begin(), theirSorted.end());
            ourExtra = encodedQueryString(ourSorted);
            theirExtra = encodedQueryString(theirSorted);
            ++presigned;
        } else {
            const Outcome<SignedRequest> ours = signRequest(g.credentials, g.options, g.request, &cache);
            QVERIFY2(ours.ok(), qPrintable(ours.error().message));
            ourCreq = ours->canonicalRequest;
            ourSts = ours->stringToSign;
            ourAuth = ours->authorization;
            theirAuth = botocore.value("authorization").toString().toUtf8();
            // The headers we add carry the values botocore put on its request.
            const QJsonArray theirHeaders = botocore.value("headers").toArray();
            for (const auto &[name, headerValueOurs] : ours->headersToAdd) {
                ourExtra += name + ':' + headerValueOurs + '\n';
                theirExtra += name + ':' + headerValue(theirHeaders, name) + '\n';
            }
            (g.options.pathMode == PathMode::S3 ? s3 : generic) += 1;
            temporary += g.credentials.isTemporary() ? 1 : 0;
        }
        const QByteArray ourWirePath = encodedPath(g.request.path);
        const QByteArray theirWirePath = botocore.value("wirePath").toString().toUtf8();

        ++compared;
        if (ourCreq != theirCreq || ourSts != theirSts || ourAuth != theirAuth || ourExtra != theirExtra
            || ourWirePath != theirWirePath) {
            if (++mismatches == 1) {
                // Concatenated, not QString::arg(): the texts are full of %XX escapes.
                const QByteArray header = "request " + QByteArray::number(g.id) + " (" + g.options.service.toUtf8()
                                          + ' ' + g.request.method + (g.presign ? ", presigned)" : ")");
                firstMismatch = QString::fromUtf8(header + "\n--- ours:\n" + ourCreq + "\n" + ourSts + "\n" + ourAuth
                                                  + "\n" + ourExtra + ourWirePath + "\n--- botocore:\n" + theirCreq
                                                  + "\n" + theirSts + "\n" + theirAuth + "\n" + theirExtra
                                                  + theirWirePath);
            }
        }
    }
    qInfo("Compared %d requests with botocore %s: %d header-signed in S3 mode, %d in generic mode "
          "(%d with a session token), %d presigned; %d mismatches; key cache %lld hits, %lld misses",
          compared, qPrintable(answer.value("botocore").toString()), s3, generic, temporary, presigned, mismatches,
          cache.hits(), cache.misses());
    QVERIFY2(mismatches == 0, qPrintable(firstMismatch));
    QVERIFY(compared >= 1000 && s3 > 100 && generic > 100 && temporary > 100 && presigned > 100);
    QVERIFY(cache.hits() > 0 && cache.misses() > 4);
}

QTEST_GUILESS_MAIN(SigV4BotocoreTest)
#include "sigv4_botocore_test.moc"
