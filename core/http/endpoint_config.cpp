#include "core/http/endpoint_config.h"

#include <QHostAddress>
#include <QStringList>

namespace RoleDrop::Http {

Outcome<QUrl> EndpointConfig::parseEndpointUrl(const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    // A URL may carry a password: errors show it without its user info, and that check comes first.
    if (!url.userInfo().isEmpty())
        return AwsError::validation(QStringLiteral("Endpoint URLs must not contain a user name or password"));
    const QString shown = url.toString(QUrl::RemoveUserInfo);
    if (!url.isValid() || url.host().isEmpty())
        return AwsError::validation(QStringLiteral("'%1' is not a valid endpoint URL").arg(shown));
    if (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))
        return AwsError::validation(QStringLiteral("Endpoint '%1' must start with https:// (or http:// for a local server)").arg(shown));
    QUrl clean;
    clean.setScheme(url.scheme());
    clean.setHost(url.host());
    clean.setPort(url.port());
    return clean;
}

StsEndpoint stsEndpoint(const EndpointConfig &config)
{
    const QString region = config.region.isEmpty() ? QStringLiteral("us-east-1") : config.region;
    if (config.customStsEndpoint.isValid())
        return {config.customStsEndpoint, region};
    if (config.customEndpoint.isValid())
        return {config.customEndpoint, region};
    if (config.globalSts)
        return {QUrl(QStringLiteral("https://sts.amazonaws.com")), QStringLiteral("us-east-1")};
    const QString suffix = region.startsWith(QLatin1String("cn-")) ? QStringLiteral(".amazonaws.com.cn") : QStringLiteral(".amazonaws.com");
    return {QUrl(QStringLiteral("https://sts.") + region + suffix), region};
}

S3Address s3Address(const EndpointConfig &config, const QString &bucket)
{
    const QString region = config.region.isEmpty() ? QStringLiteral("us-east-1") : config.region;
    QUrl base = config.customEndpoint;
    if (!base.isValid()) {
        const QString suffix = region.startsWith(QLatin1String("cn-")) ? QStringLiteral(".amazonaws.com.cn") : QStringLiteral(".amazonaws.com");
        base = QUrl(QStringLiteral("https://s3.") + region + suffix);
    }
    if (bucket.isEmpty())
        return {base, QString()};
    // A dotted bucket name breaks the wildcard certificate under https; uppercase/underscore names are not DNS labels.
    const bool dnsCompatible = !bucket.contains(QLatin1Char('_')) && bucket == bucket.toLower()
        && !(base.scheme() == QLatin1String("https") && bucket.contains(QLatin1Char('.')));
    // An IP address or a single-label host (localhost) cannot take a bucket label in front of it.
    const QString host = base.host();
    const bool hostTakesLabel = !QHostAddress(host).isNull() ? false : host.contains(QLatin1Char('.'));
    if (config.pathStyle || !dnsCompatible || !hostTakesLabel)
        return {base, QLatin1Char('/') + bucket};
    QUrl virtualHost = base;
    virtualHost.setHost(bucket + QLatin1Char('.') + base.host());
    return {virtualHost, QString()};
}

namespace {

bool isLoopbackHost(const QString &host)
{
    const QString name = host.toLower();
    if (name == QLatin1String("localhost") || name.endsWith(QLatin1String(".localhost")))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace

QString plainHttpWarning(const EndpointConfig &config)
{
    QStringList hosts;
    for (const QUrl &url : {config.customEndpoint, config.customStsEndpoint}) {
        if (url.scheme() == QLatin1String("http") && !isLoopbackHost(url.host())) {
            const QString shown = url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
            if (!hosts.contains(shown))
                hosts << shown;
        }
    }
    if (hosts.isEmpty())
        return {};
    return QStringLiteral("%1 is reached over plain http: requests, data and the session's use are not encrypted and "
                          "can be read or changed on the way. Use an https:// endpoint URL")
        .arg(hosts.join(QStringLiteral(" and ")));
}

} // namespace RoleDrop::Http
