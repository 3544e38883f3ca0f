#pragma once

#include "core/common/outcome.h"
#include "core/http/tls_trust.h"

#include <QString>
#include <QUrl>

namespace RoleDrop::Http {

// Where requests go: AWS (regional endpoints) or an S3-compatible server at a custom URL.
struct EndpointConfig
{
    QString region = QStringLiteral("us-east-1");
    QUrl customEndpoint;       // empty: AWS; else e.g. http://127.0.0.1:7480 for both S3 and STS
    QUrl customStsEndpoint;    // overrides customEndpoint for STS only
    bool pathStyle = false;    // force https://host/bucket/key instead of https://bucket.host/key
    bool globalSts = false;    // sts.amazonaws.com (signs as us-east-1) instead of sts.REGION.amazonaws.com
    TlsTrust tls;              // the CAs its https certificates may chain to (S3 and STS alike)

    static Outcome<QUrl> parseEndpointUrl(const QString &text);
};

// The STS URL for `config` and the region its requests are signed for.
struct StsEndpoint
{
    QUrl url;
    QString signingRegion;
};
StsEndpoint stsEndpoint(const EndpointConfig &config);

// The base URL (scheme, host, port) and the path prefix of a bucket, following the addressing rules:
// virtual-hosted for AWS unless the bucket name cannot be a DNS label under TLS, path-style for custom
// endpoints that ask for it.
struct S3Address
{
    QUrl baseUrl;        // scheme://host[:port]
    QString pathPrefix;  // "" (virtual-hosted) or "/bucket" (path-style), decoded
};
S3Address s3Address(const EndpointConfig &config, const QString &bucket);

// One line when requests to `config` would travel as plain http to a host other than this computer: the
// signatures, the session token's use and every byte go unencrypted there. Empty for https and for loopback
// (127.0.0.0/8, ::1, localhost), where http is what local test servers speak. Plain http is still done (the user
// asked for it); the CLI and the window say this line.
QString plainHttpWarning(const EndpointConfig &config);

} // namespace RoleDrop::Http
