#include "core/s3/s3_response_parser.h"

#include <QElapsedTimer>
#include <QFile>
#include <QUrl>
#include <QtTest>

#include <algorithm>

#include "test_files.h"

using namespace RoleDrop;

namespace {

QByteArray sample(const QString &name)
{
    return Test::xmlSample(name);
}

QDateTime utc(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}

QByteArray withElementText(QByteArray doc, const QByteArray &name, const QByteArray &text)
{
    const QByteArray open = "<" + name + ">";
    const qsizetype start = doc.indexOf(open);
    const qsizetype end = doc.indexOf("</" + name + ">", start);
    if (start < 0 || end < 0)
        qFatal("element %s not in sample", name.constData());
    return doc.replace(start + open.size(), end - start - open.size(), text);
}

QByteArray withoutElement(QByteArray doc, const QByteArray &name)
{
    const qsizetype start = doc.indexOf("<" + name + ">");
    const QByteArray close = "</" + name + ">";
    const qsizetype end = doc.indexOf(close, start);
    if (start < 0 || end < 0)
        qFatal("element %s not in sample", name.constData());
    return doc.remove(start, end + close.size() - start);
}

// What S3 does for encoding-type=url, done with Qt's encoder: every byte outside the unreserved
// set as %XX, and a space as '+'.
QByteArray s3UrlEncode(const QString &value)
{
    return QUrl::toPercentEncoding(value).replace("%20", "+");
}

QByteArray listingOf(const QStringList &keys, bool urlEncoded)
{
    QByteArray doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                     "<Name>data</Name><Prefix></Prefix><KeyCount>"
        + QByteArray::number(keys.size()) + "</KeyCount><MaxKeys>1000</MaxKeys>";
    if (urlEncoded)
        doc += "<EncodingType>url</EncodingType>";
    doc += "<IsTruncated>false</IsTruncated>";
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const QByteArray key = urlEncoded ? s3UrlEncode(keys[i]) : keys[i].toHtmlEscaped().toUtf8();
        doc += "<Contents><Key>" + key
            + "</Key><LastModified>2024-05-06T07:08:09.010Z</LastModified>"
              "<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>"
            + QByteArray::number(i * 1000) + "</Size><StorageClass>STANDARD</StorageClass></Contents>";
    }
    return doc + "</ListBucketResult>\n";
}

QStringList keysOf(const S3::ListObjectsPage &page)
{
    QStringList keys;
    for (const S3::ObjectInfo &object : page.objects)
        keys << object.key;
    return keys;
}

// Median of a few runs, in microseconds: one slow run on a busy machine must not decide.
qint64 medianParseMicros(const QByteArray &doc, int expectedKeys)
{
    QList<qint64> runs;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        const auto page = S3::parseListObjectsV2Response(doc, true);
        runs << timer.nsecsElapsed() / 1000;
        if (!page.ok() || page->objects.size() != expectedKeys)
            qFatal("generated listing did not parse");
    }
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

} // namespace

class S3ResponseParserTest : public QObject
{
    Q_OBJECT

private slots:
    void listBuckets_samples();
    void listBuckets_problems_data();
    void listBuckets_problems();
    void listObjects_awsExamples();
    void listObjects_awsCommonPrefixes();
    void listObjects_awsContinuation();
    void listObjects_rgwUrlEncodedOddKeys();
    void listObjects_rgwDelimiterAndPaging();
    void listObjects_rgwNotEncoded();
    void listObjects_rgwControlCharacterToken();
    void listObjects_oddKeysRoundTrip();
    void listObjects_encodingWithoutEncodingTypeElement();
    void listObjects_badEncoding_data();
    void listObjects_badEncoding();
    void listObjects_size_data();
    void listObjects_size();
    void listObjects_problems_data();
    void listObjects_problems();
    void listObjects_thousandKeysParseFast();
    void initiateMultipart();
    void completeMultipart();
    void completeMultipart_errorWith200();
    void deleteObjects();
    void wrongRoot_data();
    void wrongRoot();
};

void S3ResponseParserTest::listBuckets_samples()
{
    const auto aws = S3::parseListBucketsResponse(sample(QStringLiteral("aws_s3_list_buckets.xml")));
    QVERIFY2(aws.ok(), qPrintable(aws.error().message));
    QCOMPARE(aws->ownerId, QStringLiteral("bcaf1ffd86f461ca5fb16fd081034f"));
    QCOMPARE(aws->ownerDisplayName, QStringLiteral("webfile"));
    QCOMPARE(aws->buckets.size(), 2);
    QCOMPARE(aws->buckets[0].name, QStringLiteral("quotes"));
    QCOMPARE(aws->buckets[0].creationDate, utc(2006, 2, 3, 16, 45, 9));
    QCOMPARE(aws->buckets[1].name, QStringLiteral("samples"));
    QCOMPARE(aws->buckets[1].creationDate, utc(2006, 2, 3, 16, 41, 58));
    QVERIFY(aws->buckets[1].region.isEmpty());

    const auto region = S3::parseListBucketsResponse(sample(QStringLiteral("synthetic_s3_list_buckets_region.xml")));
    QVERIFY2(region.ok(), qPrintable(region.error().message));
    QCOMPARE(region->buckets.size(), 2);
    QCOMPARE(region->buckets[1].name, QStringLiteral("amzn-s3-demo-bucket2"));
    QCOMPARE(region->buckets[1].region, QStringLiteral("eu-west-1"));
    QCOMPARE(region->ownerId, QStringLiteral("AIDACKCEVSQ6C2EXAMPLE"));

    const auto rgw = S3::parseListBucketsResponse(sample(QStringLiteral("rgw_s3_list_buckets.xml")));
    QVERIFY2(rgw.ok(), qPrintable(rgw.error().message));
    QCOMPARE(rgw->ownerId, QStringLiteral("owner"));
    QCOMPARE(rgw->buckets.size(), 2);
    QCOMPARE(rgw->buckets[0].name, QStringLiteral("data"));
    QCOMPARE(rgw->buckets[0].creationDate, utc(2026, 11, 23, 9, 49, 7, 644));

    const auto none = S3::parseListBucketsResponse(
        "<ListAllMyBucketsResult><Owner><ID>o</ID></Owner><Buckets/></ListAllMyBucketsResult>");
    QVERIFY2(none.ok(), qPrintable(none.error().message));
    QVERIFY(none->buckets.isEmpty());
}

void S3ResponseParserTest::listBuckets_problems_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("mentioned");
    const QByteArray doc = sample(QStringLiteral("aws_s3_list_buckets.xml"));
    QTest::newRow("no Buckets") << withoutElement(doc, "Buckets") << "Buckets";
    QTest::newRow("bucket without name") << withoutElement(doc, "Name") << "Name";
    QTest::newRow("bucket without date") << withoutElement(doc, "CreationDate") << "CreationDate";
    QTest::newRow("bad date") << withElementText(doc, "CreationDate", "2006-02-31T16:45:09.000Z") << "CreationDate";
    QTest::newRow("two names") << QByteArray(doc).replace("<Name>quotes</Name>", "<Name>a</Name><Name>b</Name>")
                               << "more than once";
    QTest::newRow("truncated") << doc.left(doc.indexOf("</Buckets>")) << "truncated";
}

void S3ResponseParserTest::listBuckets_problems()
{
    QFETCH(QByteArray, document);
    QFETCH(QString, mentioned);
    const auto result = S3::parseListBucketsResponse(document);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(result.error().message.contains(mentioned), qPrintable(result.error().message));
    QVERIFY2(result.error().message.contains(QLatin1String("ListBuckets")), qPrintable(result.error().message));
}

void S3ResponseParserTest::listObjects_awsExamples()
{
    const auto first = S3::parseListObjectsV2Response(sample(QStringLiteral("aws_s3_list_objects_v2.xml")), false);
    QVERIFY2(first.ok(), qPrintable(first.error().message));
    QCOMPARE(first->bucket, QStringLiteral("bucket"));
    QCOMPARE(first->prefix, QString());
    QCOMPARE(first->keyCount, 205); // the reference shortens the listing; KeyCount is taken as sent
    QCOMPARE(first->isTruncated, false);
    QCOMPARE(first->objects.size(), 1);
    const S3::ObjectInfo &image = first->objects[0];
    QCOMPARE(image.key, QStringLiteral("my-image.jpg"));
    QCOMPARE(image.size, qint64(434234));
    QCOMPARE(image.lastModified, utc(2009, 10, 12, 17, 50, 30));
    QCOMPARE(image.eTag, QStringLiteral("\"fba9dede5f27731c9771645a39863328\""));
    QCOMPARE(image.storageClass, QStringLiteral("STANDARD"));

    const auto second
        = S3::parseListObjectsV2Response(sample(QStringLiteral("aws_s3_list_objects_v2_start_after.xml")), true);
    QVERIFY2(second.ok(), qPrintable(second.error().message));
    QCOMPARE(second->bucket, QStringLiteral("quotes"));
    QCOMPARE(second->prefix, QStringLiteral("E"));
    QCOMPARE(second->objects.size(), 1);
    QCOMPARE(second->objects[0].key, QStringLiteral("ExampleObject.txt"));
    QCOMPARE(second->objects[0].size, qint64(857));
    QCOMPARE(second->objects[0].storageClass, QStringLiteral("REDUCED_REDUNDANCY"));
    QCOMPARE(second->objects[0].lastModified, utc(2013, 9, 17, 18, 7, 53));
}

void S3ResponseParserTest::listObjects_awsCommonPrefixes()
{
    const auto page
        = S3::parseListObjectsV2Response(sample(QStringLiteral("aws_s3_list_objects_v2_common_prefixes.xml")), false);
    QVERIFY2(page.ok(), qPrintable(page.error().message));
    QCOMPARE(page->prefix, QStringLiteral("photos/2006/"));
    QCOMPARE(page->delimiter, QStringLiteral("/"));
    QCOMPARE(page->keyCount, 3);
    QCOMPARE(keysOf(page.value()), QStringList{QStringLiteral("photos/2006/")});
    QCOMPARE(page->objects[0].size, qint64(0));
    QCOMPARE(page->commonPrefixes,
             (QStringList{QStringLiteral("photos/2006/February/"), QStringLiteral("photos/2006/January/")}));
}

void S3ResponseParserTest::listObjects_awsContinuation()
{
    const auto page
        = S3::parseListObjectsV2Response(sample(QStringLiteral("aws_s3_list_objects_v2_continuation.xml")), true);
    QVERIFY2(page.ok(), qPrintable(page.error().message));
    QVERIFY(page->isTruncated);
    // Tokens are opaque: never percent-decoded, '+' and '/' kept.
    QCOMPARE(page->nextContinuationToken, QStringLiteral("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="));
    QCOMPARE(keysOf(page.value()), QStringList{QStringLiteral("happyface.jpg")});
}

void S3ResponseParserTest::listObjects_rgwUrlEncodedOddKeys()
{
    // The keys the capture uploaded (tests/data/xml/README.md), in S3's order.
    const QStringList uploaded = {
        QStringLiteral(" leading-and-trailing "),
        QStringLiteral("../escape/../../etc/passwd"),
        QStringLiteral("amp&lt<gt>\"quote'.txt"),
        QStringLiteral("ctrl\x01"
                       "char\x1f.txt"),
        QStringLiteral("folder/a.txt"),
        QStringLiteral("folder/b.txt"),
        QStringLiteral("folder/sub/c.txt"),
        QStringLiteral("new\nline.txt"),
        QStringLiteral("percent%41.txt"),
        QStringLiteral("plain.txt"),
        QStringLiteral("plus+sign.txt"),
        QStringLiteral("tab\there.txt"),
        QString::fromUtf8("unicod\xc3\xa9/\xc3\xbcn\xc3\xaf/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt"),
        QStringLiteral("with space.txt"),
    };
    const auto page
        = S3::parseListObjectsV2Response(sample(QStringLiteral("rgw_s3_list_objects_v2_url_encoded.xml")), true);
    QVERIFY2(page.ok(), qPrintable(page.error().message));
    QCOMPARE(keysOf(page.value()), uploaded);
    QCOMPARE(page->keyCount, uploaded.size());
    for (const S3::ObjectInfo &object : page->objects) {
        // The capture wrote len(key) + 1 bytes (len counted in code points, as Python does).
        QCOMPARE(object.size, qint64(object.key.toUcs4().size() + 1));
        QVERIFY(object.lastModified.isValid());
        QVERIFY(object.eTag.startsWith(QLatin1Char('"')));
    }
    // The response says <EncodingType>url</EncodingType>: decoded even if the caller forgot.
    const auto anyway
        = S3::parseListObjectsV2Response(sample(QStringLiteral("rgw_s3_list_objects_v2_url_encoded.xml")), false);
    QVERIFY2(anyway.ok(), qPrintable(anyway.error().message));
    QCOMPARE(keysOf(anyway.value()), uploaded);
}

void S3ResponseParserTest::listObjects_rgwDelimiterAndPaging()
{
    const auto page = S3::parseListObjectsV2Response(sample(QStringLiteral("rgw_s3_list_objects_v2_delimiter.xml")), true);
    QVERIFY2(page.ok(), qPrintable(page.error().message));
    QCOMPARE(page->delimiter, QStringLiteral("/"));
    QCOMPARE(page->commonPrefixes,
             (QStringList{QStringLiteral("../"), QStringLiteral("folder/"), QString::fromUtf8("unicod\xc3\xa9/")}));
    QCOMPARE(page->objects.size(), 9);
    QCOMPARE(page->keyCount, 12);
    QVERIFY(!keysOf(page.value()).contains(QStringLiteral("folder/a.txt")));

    const auto prefix = S3::parseListObjectsV2Response(sample(QStringLiteral("rgw_s3_list_objects_v2_prefix.xml")), true);
    QVERIFY2(prefix.ok(), qPrintable(prefix.error().message));
    QCOMPARE(prefix->prefix, QStringLiteral("folder/"));
    QCOMPARE(keysOf(prefix.value()), (QStringList{QStringLiteral("folder/a.txt"), QStringLiteral("folder/b.txt")}));
    QCOMPARE(prefix->commonPrefixes, QStringList{QStringLiteral("folder/sub/")});

    const auto first = S3::parseListObjectsV2Response(sample(QStringLiteral("rgw_s3_list_objects_v2_truncated.xml")), true);
    QVERIFY2(first.ok(), qPrintable(first.error().message));
    QVERIFY(first->isTruncated);
    QCOMPARE(first->objects.size(), 3);
    // RGW's token is the last key, raw (not URL-encoded), XML-escaped: it goes back exactly so.
    QCOMPARE(first->nextContinuationToken, QStringLiteral("amp&lt<gt>\"quote'.txt"));
    QCOMPARE(first->objects.last().key, first->nextContinuationToken);

    const auto second
        = S3::parseListObjectsV2Response(sample(QStringLiteral("rgw_s3_list_objects_v2_continued.xml")), true);
    QVERIFY2(second.ok(), qPrintable(second.error().message));
    QCOMPARE(keysOf(second.value()),
             (QStringList{QStringLiteral("ctrl\x01"
                                         "char\x1f.txt"),
                          QStringLiteral("folder/a.txt"), QStringLiteral("folder/b.txt")}));
    QCOMPARE(second->nextContinuationToken, QStringLiteral("folder/b.txt"));
}

void S3ResponseParserTest::listObjects_rgwNotEncoded()
{
    // Without encoding-type=url RGW writes control characters as &#x01;, which XML 1.0 forbids:
    // the answer is refused as a whole rather than read in part.
    const auto raw = S3::parseListObjectsV2Response(sample(QStringLiteral("rgw_s3_list_objects_v2_raw_all.xml")), false);
    QVERIFY(!raw.ok());
    QCOMPARE(raw.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(raw.error().message.contains(QLatin1String("line 1, column")), qPrintable(raw.error().message));

    // Unencoded keys that XML can carry are read as they are ('%' and '+' stay).
    const auto unicode
        = S3::parseListObjectsV2Response(sample(QStringLiteral("rgw_s3_list_objects_v2_raw_unicode.xml")), false);
    QVERIFY2(unicode.ok(), qPrintable(unicode.error().message));
    QCOMPARE(
        keysOf(unicode.value()),
        QStringList{QString::fromUtf8("unicod\xc3\xa9/\xc3\xbcn\xc3\xaf/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt")});
    // Leading and trailing spaces belong to keys, prefixes and delimiters: nothing is trimmed.
    const QStringList keys = {QStringLiteral("a+b%41 c"), QStringLiteral("  spaced out \t ")};
    QByteArray doc = listingOf(keys, false);
    doc.replace("<Prefix></Prefix>", "<Prefix> </Prefix><Delimiter> </Delimiter>");
    const auto spaced = S3::parseListObjectsV2Response(doc, false);
    QVERIFY2(spaced.ok(), qPrintable(spaced.error().message));
    QCOMPARE(keysOf(spaced.value()), keys);
    QCOMPARE(spaced->prefix, QStringLiteral(" "));
    QCOMPARE(spaced->delimiter, QStringLiteral(" "));
}

void S3ResponseParserTest::listObjects_rgwControlCharacterToken()
{
    // RGW 16.2 leaves NextContinuationToken unencoded even with encoding-type=url: a page that ends
    // on a key with a control character is not XML. Refused, with the position.
    const auto page = S3::parseListObjectsV2Response(sample(QStringLiteral("rgw_s3_list_objects_v2_ctrl_token.xml")), true);
    QVERIFY(!page.ok());
    QCOMPARE(page.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(page.error().message.contains(QLatin1String("character reference")), qPrintable(page.error().message));
}

void S3ResponseParserTest::listObjects_oddKeysRoundTrip()
{
    const QStringList keys = {
        QStringLiteral("with space"),
        QStringLiteral("  two leading, two trailing  "),
        QStringLiteral("plus+and%percent%2B"),
        QStringLiteral("../../etc/passwd"),
        QStringLiteral("..\\windows\\..\\path"),
        QStringLiteral("/leading/slash//double"),
        QStringLiteral("ctrl\x01\x02\x1b[31mred\x7f"),
        QStringLiteral("line\r\nbreaks\rand\nmore"),
        QStringLiteral("tab\tinside"),
        QStringLiteral("<xml> & \"quotes\" 'apostrophes'"),
        QString::fromUtf8("\xc3\xa9t\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e/\xd0\xba\xd0\xb8\xd1\x80"),
        QString::fromUtf8("emoji \xf0\x9f\x98\x80 outside the BMP"),
        QString::fromUtf8("right-to-left \xe2\x80\xae"
                          "txt.exe"),
        QStringLiteral("a"),
        QChar(0xFEFF) + QStringLiteral("byte order mark first"),
        QString(1024, QLatin1Char('k')),
    };
    const auto page = S3::parseListObjectsV2Response(listingOf(keys, true), true);
    QVERIFY2(page.ok(), qPrintable(page.error().message));
    QCOMPARE(keysOf(page.value()), keys);
    for (qsizetype i = 0; i < keys.size(); ++i)
        QCOMPARE(page->objects[i].size, qint64(i * 1000));
}

void S3ResponseParserTest::listObjects_encodingWithoutEncodingTypeElement()
{
    // A server that encodes but does not say so: the request's encoding-type=url decides.
    const QStringList keys = {QStringLiteral("a b+c%d"), QStringLiteral("ctrl\x01")};
    QByteArray doc = listingOf(keys, true);
    doc.replace("<EncodingType>url</EncodingType>", "");
    QVERIFY(!doc.contains("EncodingType"));
    const auto asked = S3::parseListObjectsV2Response(doc, true);
    QVERIFY2(asked.ok(), qPrintable(asked.error().message));
    QCOMPARE(keysOf(asked.value()), keys);
    const auto notAsked = S3::parseListObjectsV2Response(doc, false);
    QVERIFY2(notAsked.ok(), qPrintable(notAsked.error().message));
    QCOMPARE(keysOf(notAsked.value()), (QStringList{QStringLiteral("a+b%2Bc%25d"), QStringLiteral("ctrl%01")}));
}

void S3ResponseParserTest::listObjects_badEncoding_data()
{
    QTest::addColumn<QByteArray>("encodedKey");
    QTest::newRow("percent at the end") << QByteArray("abc%");
    QTest::newRow("one hex digit") << QByteArray("abc%4");
    QTest::newRow("not hex") << QByteArray("abc%G1");
    QTest::newRow("lone continuation byte") << QByteArray("abc%80");
    QTest::newRow("cut UTF-8 sequence") << QByteArray("abc%C3");
    QTest::newRow("overlong slash") << QByteArray("%C0%AF");
    QTest::newRow("UTF-16 surrogate as UTF-8") << QByteArray("%ED%A0%80");
    QTest::newRow("0xFF byte") << QByteArray("%FF");
}

void S3ResponseParserTest::listObjects_badEncoding()
{
    QFETCH(QByteArray, encodedKey);
    const QByteArray doc = withElementText(listingOf({QStringLiteral("placeholder")}, true), "Key", encodedKey);
    const auto page = S3::parseListObjectsV2Response(doc, true);
    QVERIFY(!page.ok());
    QCOMPARE(page.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(page.error().message.contains(QLatin1String("Key")), qPrintable(page.error().message));
    QVERIFY2(page.error().message.contains(QLatin1String("percent-encoded")), qPrintable(page.error().message));
}

void S3ResponseParserTest::listObjects_size_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("expected"); // -1: must be refused
    QTest::newRow("zero") << QByteArray("0") << qint64(0);
    QTest::newRow("5 TiB") << QByteArray("5497558138880") << qint64(5497558138880);
    QTest::newRow("largest 64-bit") << QByteArray("9223372036854775807") << std::numeric_limits<qint64>::max();
    QTest::newRow("leading zeros") << QByteArray("000042") << qint64(42);
    QTest::newRow("surrounding whitespace") << QByteArray("\n 42 \n") << qint64(42);
    QTest::newRow("one past 64-bit") << QByteArray("9223372036854775808") << qint64(-1);
    QTest::newRow("huge") << QByteArray("123456789012345678901234567890") << qint64(-1);
    QTest::newRow("negative") << QByteArray("-1") << qint64(-1);
    QTest::newRow("plus sign") << QByteArray("+42") << qint64(-1);
    QTest::newRow("decimal") << QByteArray("4.2") << qint64(-1);
    QTest::newRow("exponent") << QByteArray("4e2") << qint64(-1);
    QTest::newRow("hex") << QByteArray("0x2a") << qint64(-1);
    QTest::newRow("inner space") << QByteArray("4 2") << qint64(-1);
    QTest::newRow("text") << QByteArray("large") << qint64(-1);
    QTest::newRow("empty") << QByteArray("") << qint64(-1);
    QTest::newRow("full-width digits") << QByteArray("\xef\xbc\x94\xef\xbc\x92") << qint64(-1);
    QTest::newRow("Arabic-Indic digits") << QByteArray("\xd9\xa4\xd9\xa2") << qint64(-1);
}

void S3ResponseParserTest::listObjects_size()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, expected);
    const auto page = S3::parseListObjectsV2Response(
        withElementText(sample(QStringLiteral("aws_s3_list_objects_v2.xml")), "Size", text), false);
    if (expected >= 0) {
        QVERIFY2(page.ok(), qPrintable(page.error().message));
        QCOMPARE(page->objects[0].size, expected);
    } else {
        QVERIFY(!page.ok());
        QCOMPARE(page.error().kind, AwsErrorKind::MalformedResponse);
        QVERIFY2(page.error().message.contains(QLatin1String("Size")), qPrintable(page.error().message));
    }
}

void S3ResponseParserTest::listObjects_problems_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("mentioned");
    const QByteArray doc = sample(QStringLiteral("aws_s3_list_objects_v2_common_prefixes.xml"));
    const QByteArray more = sample(QStringLiteral("aws_s3_list_objects_v2_continuation.xml"));
    QTest::newRow("no IsTruncated") << withoutElement(doc, "IsTruncated") << "IsTruncated";
    QTest::newRow("IsTruncated yes") << withElementText(doc, "IsTruncated", "yes") << "IsTruncated";
    QTest::newRow("truncated without token")
        << withoutElement(more, "NextContinuationToken") << "NextContinuationToken";
    QTest::newRow("truncated with empty token")
        << withElementText(more, "NextContinuationToken", "") << "NextContinuationToken";
    QTest::newRow("no bucket name") << withoutElement(doc, "Name") << "Name";
    QTest::newRow("object without key") << withoutElement(doc, "Key") << "Key";
    QTest::newRow("object with empty key") << withElementText(doc, "Key", "") << "Key";
    QTest::newRow("object without size") << withoutElement(doc, "Size") << "Size";
    QTest::newRow("object without date") << withoutElement(doc, "LastModified") << "LastModified";
    QTest::newRow("bad date") << withElementText(doc, "LastModified", "2016-04-31T23:51:29.000Z") << "LastModified";
    QTest::newRow("date without zone") << withElementText(doc, "LastModified", "2016-04-30T23:51:29") << "LastModified";
    QTest::newRow("negative KeyCount") << withElementText(doc, "KeyCount", "-3") << "KeyCount";
    QTest::newRow("empty common prefix") << withElementText(doc, "CommonPrefixes", "<Prefix/>") << "CommonPrefixes";
    QTest::newRow("two sizes") << QByteArray(doc).replace("<Size>0</Size>", "<Size>0</Size><Size>7</Size>")
                               << "more than once";
    QTest::newRow("element inside a key") << withElementText(doc, "Key", "a<b>c</b>") << "Key";
    QTest::newRow("unknown EncodingType")
        << QByteArray(doc).replace("<Delimiter>", "<EncodingType>base64</EncodingType><Delimiter>") << "EncodingType";
    QTest::newRow("truncated in Contents") << doc.left(doc.indexOf("<Size>")) << "truncated";
    QTest::newRow("truncated after Contents") << doc.left(doc.indexOf("</Contents>") + 11) << "truncated";
}

void S3ResponseParserTest::listObjects_problems()
{
    QFETCH(QByteArray, document);
    QFETCH(QString, mentioned);
    const auto page = S3::parseListObjectsV2Response(document, false);
    QVERIFY(!page.ok());
    QCOMPARE(page.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(page.error().message.contains(mentioned), qPrintable(page.error().message));
    QVERIFY2(page.error().message.startsWith(QLatin1String("Cannot read the ListObjectsV2 response")),
             qPrintable(page.error().message));
    QVERIFY2(page.error().message.contains(QLatin1String("(line ")), qPrintable(page.error().message));
}

void S3ResponseParserTest::listObjects_thousandKeysParseFast()
{
    QStringList thousand;
    for (int i = 0; i < 1000; ++i)
        thousand << QStringLiteral("photos/2024/%1/IMG_%2 copy.jpg").arg(i % 12).arg(i, 6, 10, QLatin1Char('0'));
    const QByteArray page = listingOf(thousand, true);
    QStringList many;
    for (int i = 0; i < 20; ++i)
        many += thousand;
    const QByteArray big = listingOf(many, true);

    const auto parsed = S3::parseListObjectsV2Response(page, true);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error().message));
    QCOMPARE(keysOf(parsed.value()), thousand);
    QCOMPARE(parsed->objects[999].size, qint64(999000));

    const qint64 oneThousand = medianParseMicros(page, 1000);
    const qint64 twentyThousand = medianParseMicros(big, 20000);
    qInfo("1,000 keys: %lld us; 20,000 keys: %lld us", oneThousand, twentyThousand);
    // A page of 1,000 keys takes a few milliseconds; 200 ms would be a user-visible stall.
    QVERIFY2(oneThousand < 200 * 1000, qPrintable(QString::number(oneThousand)));
    // Linear work grows 20x; quadratic work would grow 400x. 80x leaves room for a busy machine.
    QVERIFY2(twentyThousand < 80 * qMax<qint64>(oneThousand, 500), qPrintable(QString::number(twentyThousand)));
}

void S3ResponseParserTest::initiateMultipart()
{
    const auto aws = S3::parseInitiateMultipartResponse(sample(QStringLiteral("aws_s3_initiate_multipart.xml")));
    QVERIFY2(aws.ok(), qPrintable(aws.error().message));
    QCOMPARE(aws->bucket, QStringLiteral("example-bucket"));
    QCOMPARE(aws->key, QStringLiteral("example-object"));
    QCOMPARE(aws->uploadId, QStringLiteral("VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA"));

    const auto rgw = S3::parseInitiateMultipartResponse(sample(QStringLiteral("rgw_s3_initiate_multipart.xml")));
    QVERIFY2(rgw.ok(), qPrintable(rgw.error().message));
    QCOMPARE(rgw->key, QStringLiteral("big/file.bin"));
    QCOMPARE(rgw->uploadId, QStringLiteral("2~VsPxuf30uaV9-90QkZL169QOyIPcKWK"));

    const auto noId = S3::parseInitiateMultipartResponse(
        withoutElement(sample(QStringLiteral("aws_s3_initiate_multipart.xml")), "UploadId"));
    QCOMPARE(noId.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(noId.error().message.contains(QLatin1String("UploadId")), qPrintable(noId.error().message));
}

void S3ResponseParserTest::completeMultipart()
{
    const auto aws = S3::parseCompleteMultipartResponse(sample(QStringLiteral("aws_s3_complete_multipart.xml")));
    QVERIFY2(aws.ok(), qPrintable(aws.error().message));
    QCOMPARE(aws->location, QStringLiteral("http://Example-Bucket.s3.amazonaws.com/Example-Object"));
    QCOMPARE(aws->bucket, QStringLiteral("Example-Bucket"));
    QCOMPARE(aws->key, QStringLiteral("Example-Object"));
    QCOMPARE(aws->eTag, QStringLiteral("\"3858f62230ac3c915f300c664312c11f-9\""));

    // RGW 16.2 completes with an empty ETag: still a completion.
    const auto rgw = S3::parseCompleteMultipartResponse(sample(QStringLiteral("rgw_s3_complete_multipart.xml")));
    QVERIFY2(rgw.ok(), qPrintable(rgw.error().message));
    QCOMPARE(rgw->key, QStringLiteral("big/file.bin"));
    QVERIFY(rgw->eTag.isEmpty());

    // S3 sends the 200 status first and may still fail while assembling: a cut body is no success.
    const QByteArray doc = sample(QStringLiteral("aws_s3_complete_multipart.xml"));
    const auto cut = S3::parseCompleteMultipartResponse(doc.left(doc.indexOf("<ETag>")));
    QCOMPARE(cut.error().kind, AwsErrorKind::MalformedResponse);
    const auto whitespaceOnly = S3::parseCompleteMultipartResponse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n   ");
    QCOMPARE(whitespaceOnly.error().kind, AwsErrorKind::MalformedResponse);
}

void S3ResponseParserTest::completeMultipart_errorWith200()
{
    const auto result
        = S3::parseCompleteMultipartResponse(sample(QStringLiteral("aws_s3_complete_multipart_error_200.xml")));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, AwsErrorKind::ServiceError);
    QCOMPARE(result.error().code, QStringLiteral("InternalError"));
    QCOMPARE(result.error().message, QStringLiteral("We encountered an internal error. Please try again."));
    QCOMPARE(result.error().requestId, QStringLiteral("656c76696e6727732072657175657374"));
    QVERIFY(result.error().isRetryable());

    const auto denied = S3::parseCompleteMultipartResponse(sample(QStringLiteral("synthetic_s3_error_access_denied.xml")));
    QCOMPARE(denied.error().kind, AwsErrorKind::AccessDenied);
    QVERIFY(!denied.error().isRetryable());

    // An error document too broken to carry a code is reported as malformed, not as a guess.
    const auto broken = S3::parseCompleteMultipartResponse("<?xml version=\"1.0\"?><Error><Cod");
    QCOMPARE(broken.error().kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(broken.error().message.contains(QLatin1String("CompleteMultipartUpload")),
             qPrintable(broken.error().message));
}

void S3ResponseParserTest::deleteObjects()
{
    const auto aws = S3::parseDeleteObjectsResponse(sample(QStringLiteral("aws_s3_delete_result.xml")));
    QVERIFY2(aws.ok(), qPrintable(aws.error().message));
    QCOMPARE(aws->deleted, QStringList{QStringLiteral("sample1.txt")});
    QCOMPARE(aws->failed.size(), 1);
    QCOMPARE(aws->failed[0].first, QStringLiteral("sample2.txt"));
    QCOMPARE(aws->failed[0].second.kind, AwsErrorKind::AccessDenied);
    QCOMPARE(aws->failed[0].second.code, QStringLiteral("AccessDenied"));
    QCOMPARE(aws->failed[0].second.message, QStringLiteral("Access Denied"));

    const auto rgw = S3::parseDeleteObjectsResponse(sample(QStringLiteral("rgw_s3_delete_result.xml")));
    QVERIFY2(rgw.ok(), qPrintable(rgw.error().message));
    QCOMPARE(rgw->deleted, (QStringList{QStringLiteral("never-existed.txt"), QStringLiteral("plain.txt")}));
    QVERIFY(rgw->failed.isEmpty());

    const auto quietNothingFailed = S3::parseDeleteObjectsResponse("<DeleteResult/>");
    QVERIFY2(quietNothingFailed.ok(), qPrintable(quietNothingFailed.error().message));

    const auto noKey = S3::parseDeleteObjectsResponse(
        "<DeleteResult><Error><Code>AccessDenied</Code><Message>x</Message></Error></DeleteResult>");
    QCOMPARE(noKey.error().kind, AwsErrorKind::MalformedResponse);
    const auto whole = S3::parseDeleteObjectsResponse(sample(QStringLiteral("rgw_s3_delete_denied.xml")));
    QCOMPARE(whole.error().kind, AwsErrorKind::AccessDenied);
}

void S3ResponseParserTest::wrongRoot_data()
{
    QTest::addColumn<QString>("parser");
    QTest::addColumn<QString>("file");
    QTest::newRow("buckets given a listing") << "ListBuckets"
                                             << "aws_s3_list_objects_v2.xml";
    QTest::newRow("listing given buckets") << "ListObjectsV2"
                                           << "aws_s3_list_buckets.xml";
    QTest::newRow("initiate given complete") << "CreateMultipartUpload"
                                             << "aws_s3_complete_multipart.xml";
    QTest::newRow("complete given initiate") << "CompleteMultipartUpload"
                                             << "aws_s3_initiate_multipart.xml";
    QTest::newRow("delete given STS") << "DeleteObjects"
                                      << "aws_sts_get_caller_identity.xml";
    QTest::newRow("listing given HTML") << "ListObjectsV2"
                                        << "synthetic_proxy_bad_gateway.html";
}

void S3ResponseParserTest::wrongRoot()
{
    QFETCH(QString, parser);
    QFETCH(QString, file);
    const QByteArray body = sample(file);
    AwsError error;
    if (parser == QLatin1String("ListBuckets"))
        error = S3::parseListBucketsResponse(body).error();
    else if (parser == QLatin1String("ListObjectsV2"))
        error = S3::parseListObjectsV2Response(body, true).error();
    else if (parser == QLatin1String("CreateMultipartUpload"))
        error = S3::parseInitiateMultipartResponse(body).error();
    else if (parser == QLatin1String("CompleteMultipartUpload"))
        error = S3::parseCompleteMultipartResponse(body).error();
    else
        error = S3::parseDeleteObjectsResponse(body).error();
    QCOMPARE(error.kind, AwsErrorKind::MalformedResponse);
    QVERIFY2(error.message.contains(QLatin1String("root element")), qPrintable(error.message));
    QVERIFY2(error.message.contains(parser), qPrintable(error.message));
}

QTEST_GUILESS_MAIN(S3ResponseParserTest)
#include "s3_response_parser_test.moc"
