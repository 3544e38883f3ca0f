#include "core/http/proxy_factory.h"

namespace RoleDrop::Http {

QNetworkProxy ProxyFactory::proxyFor(const ProxySettings &settings, const QUrl &url)
{
    if (!settings.isConfigured()) {
        const QList<QNetworkProxy> system = systemProxyForQuery(QNetworkProxyQuery(url));
        return system.isEmpty() ? QNetworkProxy(QNetworkProxy::NoProxy) : system.first();
    }
    const ProxyChoice choice = settings.choiceFor(url);
    if (!choice.proxy)
        return QNetworkProxy(QNetworkProxy::NoProxy);  // an unusable variable is refused before sending (AwsHttpClient)
    const ProxyEndpoint &proxy = *choice.proxy;
    QNetworkProxy chosen(QNetworkProxy::HttpProxy, proxy.host, quint16(proxy.port), proxy.user, proxy.password);
    return chosen;
}

QString ProxyFactory::proxyNameFor(const ProxySettings &settings, const QUrl &url)
{
    const QNetworkProxy proxy = proxyFor(settings, url);
    if (proxy.type() == QNetworkProxy::NoProxy || proxy.type() == QNetworkProxy::DefaultProxy)
        return {};
    const QString scheme = proxy.type() == QNetworkProxy::Socks5Proxy ? QStringLiteral("socks5") : QStringLiteral("http");
    return QStringLiteral("%1://%2:%3").arg(scheme, proxy.hostName()).arg(proxy.port());
}

QList<QNetworkProxy> ProxyFactory::queryProxy(const QNetworkProxyQuery &query)
{
    return {proxyFor(*m_settings, query.url())};
}

} // namespace RoleDrop::Http
