// core/uri_encoding and core/sigv4_canonical_request: each canonicalisation step alone, plus a fuzz loop.
#include "core/common/crypto.h"
#include "core/sigv4/sigv4_canonical_request.h"
#include "core/sigv4/sigv4_signing_key.h"
#include "core/sigv4/sigv4_string_to_sign.h"
#include "core/sigv4/uri_encoding.h"

#include <QRandomGenerator>
#include <QTest>
#include <QUrl>

using namespace RoleDrop;
using namespace RoleDrop::SigV4;

namespace {

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~';
}

// Only unreserved characters, '/' when allowed, and %XX with uppercase hex.
bool isStrictlyEncoded(QByteArrayView encoded, bool slashAllowed)
{
    for (qsizetype i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (isUnreserved(c) || (slashAllowed && c == '/'))
            continue;
        if (c != '%' || i + 2 >= encoded.size())
            return false;
        for (const char h : {encoded[i + 1], encoded[i + 2]}) {
            if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F')))
                return false;
        }
        i += 2;
    }
    return true;
}

QByteArray randomBytes(QRandomGenerator &random, int maxSize, const QByteArray &bias = {})
{
    QByteArray bytes(random.bounded(maxSize + 1), Qt::Uninitialized);
    for (char &c : bytes)
        c = !bias.isEmpty() && random.bounded(2) ? bias.at(random.bounded(int(bias.size()))) : char(random.bounded(256));
    return bytes;
}

} // namespace

class SigV4CanonicalTest final : public QObject
{
    Q_OBJECT

private slots:
    void uriEncodeKeepsOnlyUnreserved();
    void uriEncodeSlash();
    void uriEncodeUtf8();
    void percentDecodeRoundTripsAndTolerates();
    void parseQueryStringSplits();
    void removeDotSegments_data();
    void removeDotSegments();
    void canonicalUriModes_data();
    void canonicalUriModes();
    void officialSuiteCasesTheNpmPackageDropped_data();
    void officialSuiteCasesTheNpmPackageDropped();
    void queryIsSortedByEncodedKeyThenValue();
    void trimHeaderValue_data();
    void trimHeaderValue();
    void headersGroupLowercaseAndKeepValueOrder();
    void canonicalRequestLayout();
    void wireFormsSurviveQUrl();
    void fuzzCanonicalisersDoNotCrash();
};

void SigV4CanonicalTest::uriEncodeKeepsOnlyUnreserved()
{
    for (int byte = 0; byte < 256; ++byte) {
        const QByteArray input(1, char(byte));
        const QByteArray encoded = awsUriEncode(input, true);
        if (isUnreserved(char(byte))) {
            QCOMPARE(encoded, input);
        } else {
            QCOMPARE(encoded, QByteArray("%" + QByteArray::number(byte, 16).rightJustified(2, '0').toUpper()));
        }
    }
}

void SigV4CanonicalTest::uriEncodeSlash()
{
    QCOMPARE(awsUriEncode("a/b c/", false), QByteArray("a/b%20c/"));
    QCOMPARE(awsUriEncode("a/b c/", true), QByteArray("a%2Fb%20c%2F"));
    QCOMPARE(awsUriEncode("", true), QByteArray(""));
    QCOMPARE(awsUriEncodePath(QStringLiteral("/data/a+b=c")), QStringLiteral("/data/a%2Bb%3Dc"));
    QCOMPARE(awsUriEncodePath(QString()), QStringLiteral("/"));
}

void SigV4CanonicalTest::uriEncodeUtf8()
{
    QCOMPARE(awsUriEncode(QString::fromUtf8("ሴ").toUtf8(), true), QByteArray("%E1%88%B4"));
    QCOMPARE(awsUriEncode(QString::fromUtf8("😀").toUtf8(), true), QByteArray("%F0%9F%98%80"));
    QCOMPARE(awsUriEncode("-._~AZaz09", true), QByteArray("-._~AZaz09"));
}

void SigV4CanonicalTest::percentDecodeRoundTripsAndTolerates()
{
    QRandomGenerator random(11);
    for (int i = 0; i < 500; ++i) {
        const QByteArray bytes = randomBytes(random, 64);
        QCOMPARE(percentDecode(awsUriEncode(bytes, true)), bytes);
        QCOMPARE(percentDecode(awsUriEncode(bytes, false)), bytes);
    }
    QCOMPARE(percentDecode("%e1%88%b4"), QString::fromUtf8("ሴ").toUtf8());
    QCOMPARE(percentDecode("100%"), QByteArray("100%"));
    QCOMPARE(percentDecode("%4"), QByteArray("%4"));
    QCOMPARE(percentDecode("%zz%41"), QByteArray("%zzA"));
    QCOMPARE(percentDecode("a+b"), QByteArray("a+b"));
}

void SigV4CanonicalTest::parseQueryStringSplits()
{
    const QueryList parsed = parseQueryString("a=1&b=&c&&=v&a=x%3Dy%26z&d=e=f");
    const QueryList expected = {{"a", "1"}, {"b", ""}, {"c", ""}, {"", "v"}, {"a", "x=y&z"}, {"d", "e=f"}};
    QCOMPARE(parsed, expected);
    QVERIFY(parseQueryString("").isEmpty());
    QVERIFY(parseQueryString("&&").isEmpty());
}

void SigV4CanonicalTest::removeDotSegments_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    // The suite's normalize-path cases, and botocore's answers for the rest.
    QTest::newRow("get-relative") << QByteArray("/example/..") << QByteArray("/");
    QTest::newRow("get-relative-relative") << QByteArray("/example1/example2/../..") << QByteArray("/");
    QTest::newRow("get-slash") << QByteArray("//") << QByteArray("/");
    QTest::newRow("get-slash-dot-slash") << QByteArray("/./") << QByteArray("/");
    QTest::newRow("get-slash-pointless-dot") << QByteArray("/./example") << QByteArray("/example");
    QTest::newRow("get-slashes") << QByteArray("//example//") << QByteArray("/example/");
    QTest::newRow("dot-dot-above-root") << QByteArray("/../../a") << QByteArray("/a");
    QTest::newRow("trailing-dot-dot") << QByteArray("/a/b/..") << QByteArray("/a");
    QTest::newRow("trailing-dot-slash") << QByteArray("/a/./") << QByteArray("/a/");
    QTest::newRow("dots-in-names") << QByteArray("/a.b/...c/..../") << QByteArray("/a.b/...c/..../");
    QTest::newRow("empty") << QByteArray("") << QByteArray("/");
    QTest::newRow("root") << QByteArray("/") << QByteArray("/");
}

void SigV4CanonicalTest::removeDotSegments()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(SigV4::removeDotSegments(input), expected);
}

void SigV4CanonicalTest::canonicalUriModes_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("s3");
    QTest::addColumn<QByteArray>("generic");
    QTest::newRow("space") << QByteArray("/documents and settings/") << QByteArray("/documents%20and%20settings/")
                           << QByteArray("/documents%2520and%2520settings/");
    QTest::newRow("utf8") << QString::fromUtf8("/ሴ").toUtf8() << QByteArray("/%E1%88%B4")
                          << QByteArray("/%25E1%2588%25B4");
    QTest::newRow("s3-keeps-dots-and-slashes") << QByteArray("/bucket/my-object//example//photo.user")
                                               << QByteArray("/bucket/my-object//example//photo.user")
                                               << QByteArray("/bucket/my-object/example/photo.user");
    QTest::newRow("literal-percent") << QByteArray("/a%20b") << QByteArray("/a%2520b") << QByteArray("/a%252520b");
    QTest::newRow("no-leading-slash") << QByteArray("key") << QByteArray("/key") << QByteArray("/key");
    QTest::newRow("empty") << QByteArray() << QByteArray("/") << QByteArray("/");
}

void SigV4CanonicalTest::canonicalUriModes()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, s3);
    QFETCH(QByteArray, generic);
    QCOMPARE(canonicalUri(path, PathMode::S3), s3);
    QCOMPARE(canonicalUri(path, PathMode::Generic), generic);
    QCOMPARE(encodedPath(path), s3); // what is sent is what S3 signs
}

void SigV4CanonicalTest::officialSuiteCasesTheNpmPackageDropped_data()
{
    // Expected values from the official 2015-08-30 suite (get-utf8, normalize-path/get-space). Its request
    // lines hold raw bytes and its canonical paths encode them once: that is S3 mode.
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("expectedPath");
    QTest::addColumn<QByteArray>("expectedSignature");
    QTest::newRow("get-utf8") << QString::fromUtf8("/ሴ").toUtf8() << QByteArray("/%E1%88%B4")
                              << QByteArray("8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
    QTest::newRow("get-space") << QByteArray("/example space/") << QByteArray("/example%20space/")
                               << QByteArray("652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
}

void SigV4CanonicalTest::officialSuiteCasesTheNpmPackageDropped()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, expectedPath);
    QFETCH(QByteArray, expectedSignature);
    SigningRequest request;
    request.method = "GET";
    request.path = path;
    request.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    const QByteArray creq = canonicalRequest(request, PathMode::S3);
    QCOMPARE(creq, "GET\n" + expectedPath + "\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                   "host;x-amz-date\n" + QByteArray(emptyPayloadHash));
    const QByteArray scope = credentialScope("20150830", "us-east-1", "service");
    const QByteArray key = signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service");
    QCOMPARE(signature(key, stringToSign("20150830T123600Z", scope, creq)), expectedSignature);
}

void SigV4CanonicalTest::queryIsSortedByEncodedKeyThenValue()
{
    const QueryList query = {{"b", "2"}, {"a", "z"}, {"a", "y"}, {"", "e"}, {"A", "1"}, {"a b", ""}, {"a-", "x"},
                             {"a", ""}, {"c/d", "e/f"}, {QString::fromUtf8("ሴ").toUtf8(), "bar"}};
    QCOMPARE(canonicalQueryString(query),
             QByteArray("=e&%E1%88%B4=bar&A=1&a=&a=y&a=z&a%20b=&a-=x&b=2&c%2Fd=e%2Ff"));
    QCOMPARE(encodedQueryString(query), canonicalQueryString(query));
    QCOMPARE(canonicalQueryString({}), QByteArray());
    // Sorting happens on the encoded forms: "%" (0x25) sorts before letters even where the decoded
    // character would not ("~" is 0x7E, unreserved; "{" is 0x7B, encoded to %7B).
    QCOMPARE(canonicalQueryString({{"~", "1"}, {"{", "2"}}), QByteArray("%7B=2&~=1"));
}

void SigV4CanonicalTest::trimHeaderValue_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("suite-trim") << QByteArray("\"a   b   c\"") << QByteArray("\"a b c\"");
    QTest::newRow("leading-trailing") << QByteArray("  value1  ") << QByteArray("value1");
    QTest::newRow("tabs") << QByteArray("\ta\t\tb \t c\t") << QByteArray("a b c");
    QTest::newRow("line-breaks") << QByteArray("a\r\n  b") << QByteArray("a b");
    QTest::newRow("only-space") << QByteArray(" \t ") << QByteArray("");
    QTest::newRow("empty") << QByteArray("") << QByteArray("");
    QTest::newRow("non-ascii-kept") << QByteArray("\xc2\xa0x") << QByteArray("\xc2\xa0x");
}

void SigV4CanonicalTest::trimHeaderValue()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(SigV4::trimHeaderValue(input), expected);
}

void SigV4CanonicalTest::headersGroupLowercaseAndKeepValueOrder()
{
    const HeaderList headers = {{"My-Header1", "value4"}, {"Host", "example.amazonaws.com"}, {"my-header1", " value1 "},
                                {"X-Amz-Date", "20150830T123600Z"}, {"MY-HEADER1", "value3"}, {"a", ""}};
    const CanonicalHeaders canonical = canonicalizeHeaders(headers);
    QCOMPARE(canonical.lines, QByteArray("a:\nhost:example.amazonaws.com\nmy-header1:value4,value1,value3\n"
                                         "x-amz-date:20150830T123600Z\n"));
    QCOMPARE(canonical.signedHeaders, QByteArray("a;host;my-header1;x-amz-date"));
    QCOMPARE(canonicalHeaders(headers), canonical.lines);
    QCOMPARE(signedHeaders(headers), canonical.signedHeaders);
    QCOMPARE(canonicalizeHeaders({}).lines, QByteArray());
}

void SigV4CanonicalTest::canonicalRequestLayout()
{
    SigningRequest request;
    request.method = "PUT";
    request.path = "/bucket/a b";
    request.query = {{"partNumber", "2"}, {"uploadId", "x/y"}};
    request.headers = {{"Host", "h"}};
    request.payloadHash = unsignedPayload;
    QCOMPARE(canonicalRequest(request, PathMode::S3),
             QByteArray("PUT\n/bucket/a%20b\npartNumber=2&uploadId=x%2Fy\nhost:h\n\nhost\nUNSIGNED-PAYLOAD"));
}

void SigV4CanonicalTest::wireFormsSurviveQUrl()
{
    // The HTTP client builds its QUrl from these bytes in strict mode: QUrl must not re-encode them.
    QRandomGenerator random(5);
    for (int i = 0; i < 300; ++i) {
        const QByteArray path = '/' + randomBytes(random, 20, "/ %+?#&=.~é");
        const QueryList query = {{randomBytes(random, 8, "=&+/%"), randomBytes(random, 12, "=&+/% ")}};
        const QByteArray wire = "https://example.com" + encodedPath(path) + '?' + encodedQueryString(query);
        const QUrl url = QUrl::fromEncoded(wire, QUrl::StrictMode);
        QVERIFY2(url.isValid(), wire.constData());
        QCOMPARE(url.toEncoded(), wire);
    }
}

void SigV4CanonicalTest::fuzzCanonicalisersDoNotCrash()
{
    QRandomGenerator random(0xF022);
    const QByteArray interesting = "/.%&=+ \t\r\n:,;?#~";
    for (int i = 0; i < 5000; ++i) {
        const QByteArray a = randomBytes(random, 40, interesting);
        const QByteArray b = randomBytes(random, 40, interesting);

        const QByteArray encoded = awsUriEncode(a, true);
        QVERIFY(isStrictlyEncoded(encoded, false));
        QCOMPARE(percentDecode(encoded), a);
        QVERIFY(isStrictlyEncoded(awsUriEncode(a, false), true));
        percentDecode(a);
        parseQueryString(a);

        const QByteArray normalised = SigV4::removeDotSegments(a);
        QVERIFY(!normalised.contains("//"));
        QVERIFY(!normalised.contains("/./") && !normalised.contains("/../"));
        QVERIFY(isStrictlyEncoded(canonicalUri(a, PathMode::S3), true));
        QVERIFY(isStrictlyEncoded(canonicalUri(a, PathMode::Generic), true));

        const QByteArray trimmed = SigV4::trimHeaderValue(b);
        QVERIFY(!trimmed.startsWith(' ') && !trimmed.endsWith(' ') && !trimmed.contains("  ") && !trimmed.contains('\t'));

        SigningRequest request;
        request.method = randomBytes(random, 6);
        request.path = a;
        request.query = {{a, b}, {b, a}};
        request.headers = {{b, a}, {a, b}, {"host", b}};
        request.payloadHash = randomBytes(random, 64);
        const QByteArray creq = canonicalRequest(request, PathMode(random.bounded(2)));
        QVERIFY(creq.startsWith(request.method + '\n'));
        QVERIFY(creq.endsWith('\n' + request.payloadHash));
    }
}

QTEST_GUILESS_MAIN(SigV4CanonicalTest)
#include "sigv4_canonical_test.moc"
