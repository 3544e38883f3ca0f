#include "core/http/endpoint_config.h"

#include <QTest>

using namespace RoleDrop;

namespace {

Http::EndpointConfig config(const QString &region, const QString &custom = QString(), bool pathStyle = false)
{
    Http::EndpointConfig c;
    c.region = region;
    if (!custom.isEmpty())
        c.customEndpoint = QUrl(custom);
    c.pathStyle = pathStyle;
    return c;
}

} // namespace

class EndpointConfigTest final : public QObject
{
    Q_OBJECT

private slots:
    void sts_data();
    void sts();
    void s3_data();
    void s3();
    void parsesEndpointUrls_data();
    void parsesEndpointUrls();
    void rejectsEndpointUrls_data();
    void rejectsEndpointUrls();
    void plainHttpWarning_data();
    void plainHttpWarning();
};

void EndpointConfigTest::sts_data()
{
    QTest::addColumn<QString>("region");
    QTest::addColumn<bool>("global");
    QTest::addColumn<QString>("custom");
    QTest::addColumn<QString>("customSts");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("signingRegion");

    QTest::newRow("regional") << "eu-west-3" << false << "" << "" << "https://sts.eu-west-3.amazonaws.com" << "eu-west-3";
    QTest::newRow("us-east-1 regional") << "us-east-1" << false << "" << "" << "https://sts.us-east-1.amazonaws.com" << "us-east-1";
    QTest::newRow("no region") << "" << false << "" << "" << "https://sts.us-east-1.amazonaws.com" << "us-east-1";
    QTest::newRow("global") << "eu-west-3" << true << "" << "" << "https://sts.amazonaws.com" << "us-east-1";
    QTest::newRow("china") << "cn-north-1" << false << "" << "" << "https://sts.cn-north-1.amazonaws.com.cn" << "cn-north-1";
    QTest::newRow("china northwest") << "cn-northwest-1" << false << "" << "" << "https://sts.cn-northwest-1.amazonaws.com.cn" << "cn-northwest-1";
    QTest::newRow("govcloud") << "us-gov-west-1" << false << "" << "" << "https://sts.us-gov-west-1.amazonaws.com" << "us-gov-west-1";
    QTest::newRow("custom endpoint") << "us-east-1" << false << "http://127.0.0.1:7480" << "" << "http://127.0.0.1:7480" << "us-east-1";
    QTest::newRow("custom endpoint keeps region") << "default" << false << "http://127.0.0.1:7480" << "" << "http://127.0.0.1:7480" << "default";
    QTest::newRow("custom beats global") << "eu-west-1" << true << "https://s3.example.com" << "" << "https://s3.example.com" << "eu-west-1";
    QTest::newRow("custom STS beats custom") << "eu-west-1" << false << "http://127.0.0.1:7480" << "http://127.0.0.1:9000"
                                             << "http://127.0.0.1:9000" << "eu-west-1";
    QTest::newRow("custom STS alone") << "eu-west-1" << false << "" << "https://sts.internal:8443" << "https://sts.internal:8443" << "eu-west-1";
}

void EndpointConfigTest::sts()
{
    QFETCH(QString, region);
    QFETCH(bool, global);
    QFETCH(QString, custom);
    QFETCH(QString, customSts);
    QFETCH(QString, url);
    QFETCH(QString, signingRegion);
    Http::EndpointConfig c = config(region, custom);
    c.globalSts = global;
    if (!customSts.isEmpty())
        c.customStsEndpoint = QUrl(customSts);
    const Http::StsEndpoint endpoint = Http::stsEndpoint(c);
    QCOMPARE(endpoint.url, QUrl(url));
    QCOMPARE(endpoint.signingRegion, signingRegion);
}

void EndpointConfigTest::s3_data()
{
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("custom");
    QTest::addColumn<bool>("pathStyle");
    QTest::addColumn<QString>("bucket");
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<QString>("pathPrefix");

    QTest::newRow("aws virtual-hosted") << "eu-west-3" << "" << false << "data" << "https://data.s3.eu-west-3.amazonaws.com" << "";
    QTest::newRow("aws no bucket") << "eu-west-3" << "" << false << "" << "https://s3.eu-west-3.amazonaws.com" << "";
    QTest::newRow("aws default region") << "" << "" << false << "data" << "https://data.s3.us-east-1.amazonaws.com" << "";
    QTest::newRow("aws china") << "cn-north-1" << "" << false << "data" << "https://data.s3.cn-north-1.amazonaws.com.cn" << "";
    QTest::newRow("aws path-style asked") << "eu-west-3" << "" << true << "data" << "https://s3.eu-west-3.amazonaws.com" << "/data";
    QTest::newRow("aws dotted bucket under https") << "eu-west-3" << "" << false << "my.data" << "https://s3.eu-west-3.amazonaws.com" << "/my.data";
    QTest::newRow("aws uppercase legacy bucket") << "us-east-1" << "" << false << "Data" << "https://s3.us-east-1.amazonaws.com" << "/Data";
    QTest::newRow("aws underscore legacy bucket") << "us-east-1" << "" << false << "my_data" << "https://s3.us-east-1.amazonaws.com" << "/my_data";
    QTest::newRow("custom path-style") << "us-east-1" << "http://127.0.0.1:7480" << true << "data" << "http://127.0.0.1:7480" << "/data";
    QTest::newRow("custom host with port virtual-hosted") << "us-east-1" << "http://rgw.lan:7480" << false << "data" << "http://data.rgw.lan:7480" << "";
    QTest::newRow("custom https virtual-hosted") << "us-east-1" << "https://s3.example.com" << false << "data" << "https://data.s3.example.com" << "";
    QTest::newRow("custom http dotted bucket virtual-hosted") << "us-east-1" << "http://rgw.lan:7480" << false << "my.data" << "http://my.data.rgw.lan:7480" << "";
    QTest::newRow("custom https dotted bucket") << "us-east-1" << "https://s3.example.com:8443" << false << "my.data" << "https://s3.example.com:8443" << "/my.data";
    QTest::newRow("custom no bucket") << "us-east-1" << "http://rgw.lan:7480" << false << "" << "http://rgw.lan:7480" << "";
    // A bucket cannot be a subdomain of an IP address: such endpoints only work path-style.
    QTest::newRow("custom IPv4 virtual-hosted") << "us-east-1" << "http://127.0.0.1:7480" << false << "data" << "http://127.0.0.1:7480" << "/data";
    QTest::newRow("custom IPv6 virtual-hosted") << "us-east-1" << "http://[::1]:7480" << false << "data" << "http://[::1]:7480" << "/data";
    QTest::newRow("custom single-label host") << "us-east-1" << "http://localhost:7480" << false << "data" << "http://localhost:7480" << "/data";
    QTest::newRow("custom IPv4 https dotted bucket") << "us-east-1" << "https://10.0.0.5" << false << "my.data" << "https://10.0.0.5" << "/my.data";
}

void EndpointConfigTest::s3()
{
    QFETCH(QString, region);
    QFETCH(QString, custom);
    QFETCH(bool, pathStyle);
    QFETCH(QString, bucket);
    QFETCH(QString, baseUrl);
    QFETCH(QString, pathPrefix);
    const Http::S3Address address = Http::s3Address(config(region, custom, pathStyle), bucket);
    QCOMPARE(address.baseUrl, QUrl(baseUrl));
    QCOMPARE(address.pathPrefix, pathPrefix);
}

void EndpointConfigTest::parsesEndpointUrls_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("url");
    QTest::newRow("http with port") << "http://127.0.0.1:7480" << "http://127.0.0.1:7480";
    QTest::newRow("https") << "https://s3.example.com" << "https://s3.example.com";
    QTest::newRow("trailing slash dropped") << "https://s3.example.com/" << "https://s3.example.com";
    QTest::newRow("path dropped") << "https://s3.example.com/some/path?x=1#f" << "https://s3.example.com";
    QTest::newRow("surrounding spaces") << "  http://rgw.lan:7480 \n" << "http://rgw.lan:7480";
    QTest::newRow("uppercase") << "HTTPS://S3.Example.COM" << "https://s3.example.com";
    QTest::newRow("ipv6") << "http://[::1]:7480" << "http://[::1]:7480";
    QTest::newRow("default port kept") << "https://s3.example.com:443" << "https://s3.example.com:443";
}

void EndpointConfigTest::parsesEndpointUrls()
{
    QFETCH(QString, text);
    QFETCH(QString, url);
    const auto parsed = Http::EndpointConfig::parseEndpointUrl(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error().message));
    QCOMPARE(parsed.value(), QUrl(url));
    QVERIFY(parsed->userInfo().isEmpty());
    QVERIFY(parsed->path().isEmpty());
    QVERIFY(!parsed->hasQuery());
}

void EndpointConfigTest::rejectsEndpointUrls_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("garbage") << "not a url";
    QTest::newRow("host without scheme") << "s3.example.com";
    QTest::newRow("scheme only") << "https://";
    QTest::newRow("ftp") << "ftp://files.example.com";
    QTest::newRow("file") << "file:///etc/passwd";
    QTest::newRow("javascript") << "javascript:alert(1)";
    QTest::newRow("s3 scheme") << "s3://bucket";
    QTest::newRow("user") << "https://admin@s3.example.com";
    QTest::newRow("user and password") << "https://admin:hunter2secret@s3.example.com";
    QTest::newRow("ftp with password") << "ftp://admin:hunter2secret@files.example.com";
    QTest::newRow("bad port") << "http://127.0.0.1:99999";
    QTest::newRow("non-numeric port") << "http://127.0.0.1:abc";
    QTest::newRow("space in host") << "http://s3 example.com";
}

void EndpointConfigTest::rejectsEndpointUrls()
{
    QFETCH(QString, text);
    const auto parsed = Http::EndpointConfig::parseEndpointUrl(text);
    QVERIFY2(!parsed.ok(), qPrintable(parsed.ok() ? parsed->toString() : QString()));
    QCOMPARE(parsed.error().kind, AwsErrorKind::Validation);
    QVERIFY(!parsed.error().message.isEmpty());
    // A password typed into the endpoint field never ends up in an error text.
    QVERIFY2(!parsed.error().message.contains(QStringLiteral("hunter2secret")), qPrintable(parsed.error().message));
}

void EndpointConfigTest::plainHttpWarning_data()
{
    QTest::addColumn<QString>("s3");
    QTest::addColumn<QString>("sts");
    QTest::addColumn<QString>("named");  // the host named in the warning; empty: no warning

    QTest::newRow("AWS") << QString() << QString() << QString();
    QTest::newRow("https elsewhere") << "https://rgw.example.com" << QString() << QString();
    QTest::newRow("http loopback IPv4") << "http://127.0.0.1:7480" << QString() << QString();
    QTest::newRow("http loopback 127/8") << "http://127.8.9.10:7480" << QString() << QString();
    QTest::newRow("http loopback IPv6") << "http://[::1]:7480" << QString() << QString();
    QTest::newRow("http localhost") << "http://LocalHost:7480" << QString() << QString();
    QTest::newRow("http elsewhere") << "http://rgw.example.com:7480" << QString() << "rgw.example.com:7480";
    QTest::newRow("http LAN address") << "http://10.0.0.5" << QString() << "10.0.0.5";
    QTest::newRow("not fooled by a name") << "http://127.0.0.1.example.com" << QString() << "127.0.0.1.example.com";
    QTest::newRow("STS only over http") << "https://s3.example.com" << "http://sts.example.com" << "sts.example.com";
}

void EndpointConfigTest::plainHttpWarning()
{
    QFETCH(QString, s3);
    QFETCH(QString, sts);
    QFETCH(QString, named);
    Http::EndpointConfig c = config(QStringLiteral("us-east-1"), s3, true);
    if (!sts.isEmpty())
        c.customStsEndpoint = QUrl(sts);
    const QString warning = Http::plainHttpWarning(c);
    if (named.isEmpty()) {
        QVERIFY2(warning.isEmpty(), qPrintable(warning));
        return;
    }
    QVERIFY2(warning.startsWith(named + QStringLiteral(" is reached over plain http")), qPrintable(warning));
    QVERIFY(!warning.contains(QLatin1Char('\n')));
}

QTEST_GUILESS_MAIN(EndpointConfigTest)
#include "endpoint_config_test.moc"
