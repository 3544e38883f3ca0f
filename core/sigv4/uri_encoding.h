#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>

namespace RoleDrop::SigV4 {

// AWS's URI encoding (the "UriEncode" of the SigV4 documentation): the RFC 3986 unreserved characters
// A-Z a-z 0-9 - . _ ~ stay as they are, every other byte becomes %XX with uppercase hex. The input is
// UTF-8, so a non-ASCII character becomes one %XX per byte. '/' is kept when encodeSlash is false (paths)
// and becomes %2F when it is true (query keys and values, form fields).
// Stricter than QUrl's encoding on purpose: what we send must equal, byte for byte, what we signed.
QByteArray awsUriEncode(QByteArrayView utf8, bool encodeSlash);

// The wire form of a decoded path: awsUriEncode(path as UTF-8, keep '/'). "" becomes "/".
QString awsUriEncodePath(const QString &path);

// Reverses %XX escapes (either hex case). A '%' not followed by two hex digits is kept literally, and
// '+' stays '+': AWS query strings are RFC 3986, not HTML forms.
QByteArray percentDecode(QByteArrayView encoded);

// Splits an encoded query string ("a=1&b=&c") into decoded (key, value) pairs, in order. A part without
// '=' has an empty value; empty parts ("a=1&&b=2") are dropped, repeated keys kept.
QList<std::pair<QByteArray, QByteArray>> parseQueryString(QByteArrayView encoded);

} // namespace RoleDrop::SigV4
