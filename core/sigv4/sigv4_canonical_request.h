#pragma once

#include "core/sigv4/sigv4_signing_request.h"

#include <QByteArray>
#include <QByteArrayView>

namespace RoleDrop::SigV4 {

// Step 1 of SigV4: the canonical request, built from small steps that are each tested alone.

// The path as it goes on the wire: awsUriEncode(path, keep '/'), with a leading '/' added if missing.
QByteArray encodedPath(QByteArrayView decodedPath);

// Drops "." segments, empty segments ("//") and resolves ".." on an encoded path, keeping a trailing
// '/' only when some segment remains ("/a/b/.." -> "/a", "/a/./" -> "/a/", "//" -> "/"): botocore's
// remove_dot_segments, which the suite's normalize-path cases agree with.
QByteArray removeDotSegments(QByteArrayView encodedPath);

QByteArray canonicalUri(QByteArrayView decodedPath, PathMode mode);

// Keys and values URI-encoded (with '/' as %2F), pairs sorted by encoded key then encoded value, joined
// as "k=v&k=v". An empty value gives "k=", an empty key "=v".
QByteArray canonicalQueryString(const QueryList &query);

// The query string to send, verbatim, after the '?': the canonical query string is a valid wire query,
// and sending it means the server rebuilds exactly what we signed.
inline QByteArray encodedQueryString(const QueryList &query) { return canonicalQueryString(query); }

// The SigV4 "Trimall": leading and trailing whitespace removed, each inner run of whitespace (space,
// tab, CR, LF, VT, FF) replaced by one space.
QByteArray trimHeaderValue(QByteArrayView value);

struct CanonicalHeaders
{
    QByteArray lines;          // "name:value\n" for each name, names lowercase and sorted
    QByteArray signedHeaders;  // "name;name;..."
};

// Names lowercased and sorted; the values of a repeated name joined with ',' in the order given.
CanonicalHeaders canonicalizeHeaders(const HeaderList &headers);
inline QByteArray canonicalHeaders(const HeaderList &headers) { return canonicalizeHeaders(headers).lines; }
inline QByteArray signedHeaders(const HeaderList &headers) { return canonicalizeHeaders(headers).signedHeaders; }

// method \n canonical URI \n canonical query \n header lines \n signed headers \n payload hash.
// Contains every signed header value, the session token included: never log it.
QByteArray canonicalRequest(const SigningRequest &request, PathMode mode, const CanonicalHeaders &headers);
QByteArray canonicalRequest(const SigningRequest &request, PathMode mode);

} // namespace RoleDrop::SigV4
