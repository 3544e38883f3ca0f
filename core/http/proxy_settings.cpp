#include "core/http/proxy_settings.h"

#include <QStringList>

namespace RoleDrop::Http {

namespace {

// botocore's _fix_proxy_url: "proxy:3128" means http://proxy:3128.
QUrl proxyUrl(const QString &value)
{
    const QString text = value.trimmed();
    return QUrl(text.contains(QLatin1String("://")) ? text : QStringLiteral("http://") + text, QUrl::StrictMode);
}

// The host as urllib sees it in a netloc: lowercase, IPv6 in brackets, with ":port" when the URL names one.
QString hostOf(const QUrl &url)
{
    const QString host = url.host().toLower();
    return host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
}

} // namespace

std::optional<ProxySettings::Variable> ProxySettings::pick(const Lookup &lookup, const char *lower, const char *upper)
{
    // urllib: lowercase first; set but empty means none, even when the uppercase one has a value.
    if (const auto value = lookup(lower))
        return value->isEmpty() ? std::nullopt : std::optional<Variable>(Variable{QString::fromLatin1(lower), *value});
    if (const auto value = lookup(upper); value && !value->isEmpty())
        return Variable{QString::fromLatin1(upper), *value};
    return std::nullopt;
}

ProxySettings ProxySettings::fromLookup(const Lookup &lookup)
{
    ProxySettings settings;
    settings.m_https = pick(lookup, "https_proxy", "HTTPS_PROXY");
    settings.m_http = pick(lookup, "http_proxy", "HTTP_PROXY");
    if (const auto noProxy = pick(lookup, "no_proxy", "NO_PROXY"))
        settings.m_noProxy = noProxy->value;
    for (const char *name : {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"})
        settings.m_configured = settings.m_configured || lookup(name).has_value();
    return settings;
}

ProxySettings ProxySettings::fromEnvironment()
{
    return fromLookup([](const char *name) -> std::optional<QString> {
        if (!qEnvironmentVariableIsSet(name))
            return std::nullopt;
        return qEnvironmentVariable(name);
    });
}

bool ProxySettings::bypasses(const QUrl &url) const
{
    const QString noProxy = m_noProxy.trimmed();
    if (noProxy.isEmpty())
        return false;
    if (noProxy == QLatin1String("*"))
        return true;
    const QString hostOnly = hostOf(url);
    const QString hostAndPort = url.port() >= 0 ? hostOnly + QLatin1Char(':') + QString::number(url.port()) : hostOnly;
    for (QString entry : noProxy.split(QLatin1Char(','))) {
        entry = entry.trimmed();
        while (entry.startsWith(QLatin1Char('.')))
            entry.remove(0, 1);
        entry = entry.toLower();
        if (entry.isEmpty())
            continue;
        if (hostOnly == entry || hostAndPort == entry)
            return true;
        const QString suffix = QLatin1Char('.') + entry;
        if (hostOnly.endsWith(suffix) || hostAndPort.endsWith(suffix))
            return true;
    }
    return false;
}

ProxyChoice ProxySettings::choiceFor(const QUrl &url) const
{
    const std::optional<Variable> &variable = url.scheme() == QLatin1String("https") ? m_https : m_http;
    if (!variable || bypasses(url))
        return {};
    const QUrl proxy = proxyUrl(variable->value);
    if (!proxy.isValid() || proxy.host().isEmpty())
        return {std::nullopt, QStringLiteral("%1 is not a proxy URL (expected http://host:port)").arg(variable->name)};
    if (proxy.scheme().toLower() != QLatin1String("http"))
        return {std::nullopt, QStringLiteral("%1 names a %2:// proxy: only http:// proxies are supported (https still goes through them end to end)")
                                  .arg(variable->name, proxy.scheme())};
    ProxyEndpoint endpoint;
    endpoint.variable = variable->name;
    endpoint.host = proxy.host();
    endpoint.port = proxy.port(80);
    endpoint.user = proxy.userName(QUrl::FullyDecoded);
    endpoint.password = proxy.password(QUrl::FullyDecoded);
    return {endpoint, {}};
}

} // namespace RoleDrop::Http
