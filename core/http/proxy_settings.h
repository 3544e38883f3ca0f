#pragma once

#include <QList>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

namespace RoleDrop::Http {

// One proxy named by HTTPS_PROXY or HTTP_PROXY. The user name and password stay in here: display() and every
// message name a proxy as scheme://host:port only.
struct ProxyEndpoint
{
    QString variable;  // the environment variable it came from ("HTTPS_PROXY", "https_proxy", ...)
    QString host;
    int port = 0;
    QString user;      // decoded; empty when the URL carried none
    QString password;

    QString display() const { return QStringLiteral("http://%1:%2").arg(host).arg(port); }
    QString hostAndPort() const { return QStringLiteral("%1:%2").arg(host).arg(port); }
};

// What to do for one URL: go direct, through a proxy, or fail because the variable that applies is unusable.
struct ProxyChoice
{
    std::optional<ProxyEndpoint> proxy;  // none: direct
    QString problem;                     // set when the proxy variable for this scheme cannot be used
};

// The proxy environment variables, read once, and the choice they make per URL - the AWS CLI's rules (botocore
// reads them through Python's urllib: getproxies_environment and proxy_bypass_environment):
// - https URLs use https_proxy / HTTPS_PROXY, http URLs http_proxy / HTTP_PROXY; the lowercase variable wins
//   when both are set, and a set but empty lowercase one means "no proxy" even if the uppercase one is set.
// - A proxy URL without a scheme is taken as http:// (botocore's _fix_proxy_url); its port defaults to 80. Only
//   http:// proxies are supported (HTTPS to the server still goes through them with CONNECT, verified end to
//   end); https:// and socks proxy URLs are reported as unusable, not silently ignored.
// - no_proxy / NO_PROXY is a comma-separated list. "*" as the whole value bypasses every host. Each entry,
//   leading dots removed, matches a host equal to it or ending in "." + entry, compared with the host alone and
//   with host:port (so "example.com", ".example.com", "127.0.0.1" and "127.0.0.1:7480" all work). IPs are
//   compared as text: no CIDR ranges (botocore does not have them either). Loopback is NOT bypassed unless
//   listed, as with the AWS CLI: a local test proxy in front of 127.0.0.1 is a legitimate setup.
class ProxySettings
{
public:
    using Lookup = std::function<std::optional<QString>(const char *name)>;  // nullopt: the variable is unset

    static ProxySettings fromEnvironment();
    static ProxySettings fromLookup(const Lookup &lookup);

    // True when any of the proxy variables is set: then they decide, not the system's settings.
    bool isConfigured() const { return m_configured; }
    ProxyChoice choiceFor(const QUrl &url) const;
    bool bypasses(const QUrl &url) const;

private:
    struct Variable
    {
        QString name;
        QString value;
    };
    static std::optional<Variable> pick(const Lookup &lookup, const char *lower, const char *upper);

    bool m_configured = false;
    std::optional<Variable> m_https;
    std::optional<Variable> m_http;
    QString m_noProxy;
};

} // namespace RoleDrop::Http
