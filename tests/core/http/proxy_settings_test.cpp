// The proxy environment variables as the AWS CLI reads them (proxy_settings.h): which variable applies to which
// URL, lowercase before uppercase, proxy URLs with and without scheme or login, and NO_PROXY's matching - exact
// hosts, domain suffixes, "*", IPs and host:port - with loopback proxied unless listed.
#include "core/http/proxy_factory.h"
#include "core/http/proxy_settings.h"

#include <QHash>
#include <QTest>

using namespace RoleDrop;
using Http::ProxySettings;

namespace {

ProxySettings settingsOf(const QHash<QString, QString> &variables)
{
    return ProxySettings::fromLookup([variables](const char *name) -> std::optional<QString> {
        const auto found = variables.constFind(QString::fromLatin1(name));
        return found == variables.cend() ? std::nullopt : std::optional<QString>(*found);
    });
}

QString proxyHostFor(const ProxySettings &settings, const QString &url)
{
    const Http::ProxyChoice choice = settings.choiceFor(QUrl(url));
    return choice.proxy ? choice.proxy->hostAndPort() : QString();
}

} // namespace

class ProxySettingsTest : public QObject
{
    Q_OBJECT

private slots:
    void nothingSetIsNotConfigured()
    {
        const ProxySettings settings = settingsOf({});
        QVERIFY(!settings.isConfigured());
        QVERIFY(!settings.choiceFor(QUrl(QStringLiteral("https://s3.amazonaws.com"))).proxy);
    }

    void eachSchemeHasItsVariable()
    {
        const ProxySettings settings = settingsOf({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://secure.proxy:3128")},
                                                   {QStringLiteral("HTTP_PROXY"), QStringLiteral("http://plain.proxy:8080")}});
        QVERIFY(settings.isConfigured());
        QCOMPARE(proxyHostFor(settings, QStringLiteral("https://s3.amazonaws.com/bucket")), QStringLiteral("secure.proxy:3128"));
        QCOMPARE(proxyHostFor(settings, QStringLiteral("http://127.0.0.1:7480/")), QStringLiteral("plain.proxy:8080"));
        QCOMPARE(settings.choiceFor(QUrl(QStringLiteral("https://x"))).proxy->variable, QStringLiteral("HTTPS_PROXY"));
    }

    void onlyHttpProxySetLeavesHttpsDirect()
    {
        const ProxySettings settings = settingsOf({{QStringLiteral("http_proxy"), QStringLiteral("http://plain.proxy:8080")}});
        QVERIFY(settings.isConfigured());
        QVERIFY(!settings.choiceFor(QUrl(QStringLiteral("https://s3.amazonaws.com"))).proxy);
    }

    void lowercaseWins()
    {
        const ProxySettings settings = settingsOf({{QStringLiteral("https_proxy"), QStringLiteral("http://lower:1")},
                                                   {QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://upper:2")}});
        QCOMPARE(proxyHostFor(settings, QStringLiteral("https://h")), QStringLiteral("lower:1"));
        QCOMPARE(settings.choiceFor(QUrl(QStringLiteral("https://h"))).proxy->variable, QStringLiteral("https_proxy"));
    }

    void anEmptyLowercaseVariableMeansNoProxy()
    {
        // urllib (and so botocore): set but empty removes the scheme's proxy, the uppercase one included.
        const ProxySettings settings = settingsOf({{QStringLiteral("https_proxy"), QString()},
                                                   {QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://upper:2")}});
        QVERIFY(!settings.choiceFor(QUrl(QStringLiteral("https://h"))).proxy);
    }

    void aProxyWithoutSchemeIsHttpAndPort80ByDefault()
    {
        const ProxySettings bare = settingsOf({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("proxy.corp:3128")}});
        QCOMPARE(proxyHostFor(bare, QStringLiteral("https://h")), QStringLiteral("proxy.corp:3128"));
        const ProxySettings noPort = settingsOf({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://proxy.corp")}});
        QCOMPARE(proxyHostFor(noPort, QStringLiteral("https://h")), QStringLiteral("proxy.corp:80"));
    }

    void theLoginIsDecodedAndNeverDisplayed()
    {
        const ProxySettings settings = settingsOf({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://al%40ice:p%3Ass%20w@proxy.corp:3128")}});
        const auto proxy = settings.choiceFor(QUrl(QStringLiteral("https://h"))).proxy;
        QVERIFY(proxy);
        QCOMPARE(proxy->user, QStringLiteral("al@ice"));
        QCOMPARE(proxy->password, QStringLiteral("p:ss w"));
        QCOMPARE(proxy->display(), QStringLiteral("http://proxy.corp:3128"));
        const QString name = Http::ProxyFactory::proxyNameFor(settings, QUrl(QStringLiteral("https://h")));
        QCOMPARE(name, QStringLiteral("http://proxy.corp:3128"));
        const QNetworkProxy qtProxy = Http::ProxyFactory::proxyFor(settings, QUrl(QStringLiteral("https://h")));
        QCOMPARE(qtProxy.type(), QNetworkProxy::HttpProxy);
        QCOMPARE(qtProxy.user(), QStringLiteral("al@ice"));
        QCOMPARE(qtProxy.password(), QStringLiteral("p:ss w"));
    }

    void unsupportedProxiesAreReportedWithoutTheirLogin()
    {
        for (const QString &value : {QStringLiteral("https://u:secret@proxy:443"), QStringLiteral("socks5://u:secret@proxy:1080")}) {
            const Http::ProxyChoice choice = settingsOf({{QStringLiteral("HTTPS_PROXY"), value}}).choiceFor(QUrl(QStringLiteral("https://h")));
            QVERIFY(!choice.proxy);
            QVERIFY2(choice.problem.contains(QStringLiteral("HTTPS_PROXY")) && choice.problem.contains(QStringLiteral("only http://")),
                     qPrintable(choice.problem));
            QVERIFY(!choice.problem.contains(QStringLiteral("secret")));
        }
    }

    void noProxyMatching_data()
    {
        QTest::addColumn<QString>("noProxy");
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("bypassed");
        const auto row = [](const char *name, const char *noProxy, const char *url, bool bypassed) {
            QTest::newRow(name) << QString::fromLatin1(noProxy) << QString::fromLatin1(url) << bypassed;
        };
        row("exact host", "s3.example.com", "https://s3.example.com/b", true);
        row("exact host, other case", "S3.Example.COM", "https://s3.example.com/b", true);
        row("domain matches its subdomains", "example.com", "https://s3.example.com/b", true);
        row("leading dot: subdomains", ".example.com", "https://s3.example.com/b", true);
        row("leading dot: the domain itself", ".example.com", "https://example.com/b", true);
        row("not a label boundary", "ample.com", "https://example.com/b", false);
        row("other domain", "example.com", "https://example.org/b", false);
        row("list with spaces", " foo.org , example.com ", "https://s3.example.com/b", true);
        row("empty entries ignored", ",,", "https://s3.example.com/b", false);
        row("star bypasses all", "*", "https://anything.example/", true);
        row("star only as the whole value", "foo.org,*", "https://anything.example/", false);
        row("IP", "127.0.0.1", "https://127.0.0.1:7480/b", true);
        row("IP with the port", "127.0.0.1:7480", "https://127.0.0.1:7480/b", true);
        row("IP with another port", "127.0.0.1:9999", "https://127.0.0.1:7480/b", false);
        row("no CIDR ranges", "127.0.0.0/8", "https://127.0.0.1:7480/b", false);
        row("loopback is not implied", "example.com", "https://127.0.0.1:7480/b", false);
        row("localhost is not implied", "example.com", "https://localhost:7480/b", false);
        row("IPv6", "::1", "https://[::1]:7480/b", false);  // urllib compares "[::1]": listed as it appears in URLs
        row("IPv6 in brackets", "[::1]", "https://[::1]:7480/b", true);
    }

    void noProxyMatching()
    {
        QFETCH(QString, noProxy);
        QFETCH(QString, url);
        QFETCH(bool, bypassed);
        const ProxySettings settings = settingsOf({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://proxy:3128")},
                                                   {QStringLiteral("NO_PROXY"), noProxy}});
        QCOMPARE(settings.bypasses(QUrl(url)), bypassed);
        QCOMPARE(!settings.choiceFor(QUrl(url)).proxy, bypassed);
    }

    void lowercaseNoProxyWins()
    {
        const ProxySettings settings = settingsOf({{QStringLiteral("HTTPS_PROXY"), QStringLiteral("http://proxy:3128")},
                                                   {QStringLiteral("no_proxy"), QStringLiteral("a.example")},
                                                   {QStringLiteral("NO_PROXY"), QStringLiteral("b.example")}});
        QVERIFY(settings.bypasses(QUrl(QStringLiteral("https://a.example"))));
        QVERIFY(!settings.bypasses(QUrl(QStringLiteral("https://b.example"))));
    }

    void onlyNoProxySetStillMeansTheVariablesDecide()
    {
        // The system's proxy settings are not consulted once the user set any of the variables.
        const ProxySettings settings = settingsOf({{QStringLiteral("NO_PROXY"), QStringLiteral("example.com")}});
        QVERIFY(settings.isConfigured());
        QCOMPARE(Http::ProxyFactory::proxyFor(settings, QUrl(QStringLiteral("https://other.org"))).type(), QNetworkProxy::NoProxy);
    }
};

QTEST_GUILESS_MAIN(ProxySettingsTest)
#include "proxy_settings_test.moc"
