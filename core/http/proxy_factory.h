#pragma once

#include "core/http/proxy_settings.h"

#include <QNetworkProxy>
#include <QNetworkProxyFactory>

#include <memory>

namespace RoleDrop::Http {

// The proxy a request goes through, asked by Qt for every request of a QNetworkAccessManager. The environment
// variables decide when any is set (the AWS CLI's rules, proxy_settings.h); otherwise the platform's settings
// (QNetworkProxyFactory::systemProxyForQuery: Windows' and macOS's proxy settings, PAC included; on Linux Qt
// reads the same variables, so there it simply finds none). An HttpProxy tunnels https with CONNECT: TLS is
// still negotiated with, and verified against, the real server.
class ProxyFactory final : public QNetworkProxyFactory
{
public:
    explicit ProxyFactory(std::shared_ptr<const ProxySettings> settings) : m_settings(std::move(settings)) {}

    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery &query) override;

    // The one proxy `url` goes through (NoProxy: direct), by the same rules.
    static QNetworkProxy proxyFor(const ProxySettings &settings, const QUrl &url);
    // "http://host:port" of the proxy `url` goes through, never its credentials; empty when it goes direct.
    static QString proxyNameFor(const ProxySettings &settings, const QUrl &url);

private:
    std::shared_ptr<const ProxySettings> m_settings;
};

} // namespace RoleDrop::Http
