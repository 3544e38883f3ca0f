#pragma once

#include <QByteArray>
#include <QList>
#include <QStringView>

#include <utility>

namespace RoleDrop::SigV4 {

using QueryList = QList<std::pair<QByteArray, QByteArray>>;
using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

inline constexpr char algorithm[] = "AWS4-HMAC-SHA256";
inline constexpr char unsignedPayload[] = "UNSIGNED-PAYLOAD";
inline constexpr char emptyPayloadHash[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// How the path becomes the canonical URI. Both start from the wire path, encodedPath(path) (every byte
// but A-Za-z0-9-._~ and '/' as %XX), which is also exactly what the client must send.
enum class PathMode {
    // S3: the canonical URI is the wire path itself. No normalisation: "a//b", "./" and "../" in a key
    // are part of the key's name.
    S3,
    // Every other service: remove "." and ".." segments and empty segments ("//"), then URI-encode the
    // (already encoded) wire path again, so "%" becomes "%25": "/a b" is sent as "/a%20b" and signed as
    // "/a%2520b". This is botocore's SigV4Auth and the SigV4 documentation. (The old 2015 test suite's
    // get-utf8 and get-space write raw bytes on the request line and expect them encoded once: that is
    // what S3 mode yields for them.)
    Generic,
};

inline PathMode pathModeForService(QStringView service)
{
    return service == u"s3" ? PathMode::S3 : PathMode::Generic;
}

// One HTTP request as SigV4 sees it, in plain values.
struct SigningRequest
{
    QByteArray method;     // "GET", "PUT"... sent as given (SigV4 wants it uppercase)
    // The decoded path, UTF-8, starting with '/': for S3 "/bucket/key" with the key exactly as named,
    // e.g. "/data/a b+c/ሴ.txt" (never pre-encoded: "%20" here is the three characters '%', '2', '0').
    QByteArray path = "/";
    QueryList query;       // decoded keys and values, any order; repeated and empty keys are kept
    HeaderList headers;    // name and value as they will be sent; all of them are signed, "host" included
    QByteArray payloadHash = emptyPayloadHash; // lowercase hex SHA-256 of the body, or unsignedPayload
};

} // namespace RoleDrop::SigV4
