#include "core/s3/s3_uri.h"

#include <QTest>

using namespace RoleDrop;

class S3UriTest final : public QObject
{
    Q_OBJECT

private slots:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
    void bucketNames_data();
    void bucketNames();
};

void S3UriTest::parses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("bucket");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("isPrefix");
    QTest::addColumn<QString>("canonical"); // what toString() gives back

    QTest::newRow("bucket only") << "s3://data" << "data" << "" << true << "s3://data";
    QTest::newRow("bucket and slash") << "s3://data/" << "data" << "" << true << "s3://data";
    QTest::newRow("object") << "s3://data/report.csv" << "data" << "report.csv" << false << "s3://data/report.csv";
    QTest::newRow("nested object") << "s3://data/a/b/c.txt" << "data" << "a/b/c.txt" << false << "s3://data/a/b/c.txt";
    QTest::newRow("prefix") << "s3://data/a/b/" << "data" << "a/b/" << true << "s3://data/a/b/";
    QTest::newRow("scheme is case-insensitive") << "S3://data/k" << "data" << "k" << false << "s3://data/k";
    QTest::newRow("key keeps a leading slash") << "s3://data//abs" << "data" << "/abs" << false << "s3://data//abs";
    QTest::newRow("key keeps dot segments") << "s3://data/a/../b" << "data" << "a/../b" << false << "s3://data/a/../b";
    QTest::newRow("key is not percent-decoded") << "s3://data/a%20b" << "data" << "a%20b" << false << "s3://data/a%20b";
    QTest::newRow("key with spaces and unicode") << QStringLiteral("s3://data/ü ö/日本 ✓") << "data" << QStringLiteral("ü ö/日本 ✓") << false
                                               << QStringLiteral("s3://data/ü ö/日本 ✓");
    QTest::newRow("key with ? and #") << "s3://data/a?b#c" << "data" << "a?b#c" << false << "s3://data/a?b#c";
    QTest::newRow("dotted bucket") << "s3://my.bucket.example/k" << "my.bucket.example" << "k" << false << "s3://my.bucket.example/k";
    QTest::newRow("legacy RGW bucket name") << "s3://Legacy_Bucket/k" << "Legacy_Bucket" << "k" << false << "s3://Legacy_Bucket/k";
}

void S3UriTest::parses()
{
    QFETCH(QString, text);
    QFETCH(QString, bucket);
    QFETCH(QString, key);
    QFETCH(bool, isPrefix);
    QFETCH(QString, canonical);
    const auto uri = S3::parseS3Uri(text);
    QVERIFY2(uri.ok(), qPrintable(uri.error().message));
    QCOMPARE(uri->bucket, bucket);
    QCOMPARE(uri->key, key);
    QCOMPARE(uri->isPrefix(), isPrefix);
    QCOMPARE(uri->toString(), canonical);
    // The canonical form parses back to the same parts.
    const auto again = S3::parseS3Uri(uri->toString());
    QVERIFY(again.ok());
    QCOMPARE(again->bucket, bucket);
    QCOMPARE(again->key, key);
}

void S3UriTest::rejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("no scheme") << "data/key";
    QTest::newRow("one slash") << "s3:/data/key";
    QTest::newRow("https") << "https://data.s3.amazonaws.com/key";
    QTest::newRow("s3a") << "s3a://data/key";
    QTest::newRow("scheme only") << "s3://";
    QTest::newRow("no bucket") << "s3:///key";
    QTest::newRow("space in bucket") << "s3://my data/key";
    QTest::newRow("query in bucket") << "s3://data?x=1";
    QTest::newRow("fragment in bucket") << "s3://data#x";
    QTest::newRow("port in bucket") << "s3://data:80/key";
    QTest::newRow("user in bucket") << "s3://user@data/key";
    QTest::newRow("backslash in bucket") << "s3://data\\x/key";
    QTest::newRow("unicode bucket") << QStringLiteral("s3://dätä/key");
    QTest::newRow("leading space") << " s3://data/key";
}

void S3UriTest::rejects()
{
    QFETCH(QString, text);
    const auto uri = S3::parseS3Uri(text);
    QVERIFY2(!uri.ok(), qPrintable(uri.ok() ? uri->toString() : QString()));
    QCOMPARE(uri.error().kind, AwsErrorKind::Validation);
    QVERIFY(!uri.error().message.isEmpty());
}

void S3UriTest::bucketNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain") << "data" << true;
    QTest::newRow("3 chars") << "abc" << true;
    QTest::newRow("2 chars") << "ab" << false;
    QTest::newRow("1 char") << "a" << false;
    QTest::newRow("empty") << "" << false;
    QTest::newRow("63 chars") << QString(63, QLatin1Char('b')) << true;
    QTest::newRow("64 chars") << QString(64, QLatin1Char('b')) << false;
    QTest::newRow("digits") << "123" << true;
    QTest::newRow("dots and hyphens") << "my.bucket-2024.logs" << true;
    QTest::newRow("uppercase") << "Data" << false;
    QTest::newRow("underscore") << "my_bucket" << false;
    QTest::newRow("leading hyphen") << "-data" << false;
    QTest::newRow("trailing hyphen") << "data-" << false;
    QTest::newRow("leading dot") << ".data" << false;
    QTest::newRow("trailing dot") << "data." << false;
    QTest::newRow("two dots") << "my..bucket" << false;
    QTest::newRow("ip address") << "192.168.5.4" << false;
    QTest::newRow("ip-like with letters") << "192.168.5.a4" << true;
    QTest::newRow("space") << "my bucket" << false;
    QTest::newRow("slash") << "my/bucket" << false;
    QTest::newRow("unicode") << QStringLiteral("bücket") << false;
    QTest::newRow("trailing newline") << "data\n" << false;
    // Reserved by S3's current naming rules.
    QTest::newRow("xn-- prefix") << "xn--data" << false;
    QTest::newRow("sthree- prefix") << "sthree-data" << false;
    QTest::newRow("-s3alias suffix") << "data-s3alias" << false;
    QTest::newRow("--ol-s3 suffix") << "data--ol-s3" << false;
}

void S3UriTest::bucketNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(S3::isValidBucketName(name), valid);
}

QTEST_GUILESS_MAIN(S3UriTest)
#include "s3_uri_test.moc"
