#include "core/sigv4/sigv4_canonical_request.h"

#include "core/sigv4/uri_encoding.h"

#include <algorithm>
#include <vector>

namespace RoleDrop::SigV4 {

namespace {

bool isHeaderWhitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

QByteArray asciiLower(QByteArrayView name)
{
    QByteArray lower = name.toByteArray();
    for (char &c : lower) {
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    }
    return lower;
}

} // namespace

QByteArray encodedPath(QByteArrayView decodedPath)
{
    if (decodedPath.startsWith('/'))
        return awsUriEncode(decodedPath, false);
    return '/' + awsUriEncode(decodedPath, false);
}

QByteArray removeDotSegments(QByteArrayView encodedPath)
{
    if (encodedPath.isEmpty())
        return QByteArrayLiteral("/");
    std::vector<QByteArrayView> segments;
    qsizetype start = 0;
    while (start <= encodedPath.size()) {
        qsizetype end = encodedPath.indexOf('/', start);
        if (end < 0)
            end = encodedPath.size();
        const QByteArrayView segment = encodedPath.sliced(start, end - start);
        if (segment == "..") {
            if (!segments.empty())
                segments.pop_back();
        } else if (!segment.isEmpty() && segment != ".") {
            segments.push_back(segment);
        }
        start = end + 1;
    }

    QByteArray out;
    out.reserve(encodedPath.size());
    if (encodedPath.startsWith('/'))
        out.append('/');
    for (size_t i = 0; i < segments.size(); ++i) {
        if (i > 0)
            out.append('/');
        out.append(segments[i]);
    }
    if (encodedPath.endsWith('/') && !segments.empty())
        out.append('/');
    return out;
}

QByteArray canonicalUri(QByteArrayView decodedPath, PathMode mode)
{
    QByteArray wire = encodedPath(decodedPath);
    if (mode == PathMode::S3)
        return wire;
    return awsUriEncode(removeDotSegments(wire), false);
}

QByteArray canonicalQueryString(const QueryList &query)
{
    std::vector<std::pair<QByteArray, QByteArray>> encoded;
    encoded.reserve(size_t(query.size()));
    qsizetype total = 0;
    for (const auto &[key, value] : query) {
        encoded.emplace_back(awsUriEncode(key, true), awsUriEncode(value, true));
        total += encoded.back().first.size() + encoded.back().second.size() + 2;
    }
    std::sort(encoded.begin(), encoded.end());

    QByteArray out;
    out.reserve(total);
    for (const auto &[key, value] : encoded) {
        if (!out.isEmpty())
            out.append('&');
        out.append(key).append('=').append(value);
    }
    return out;
}

QByteArray trimHeaderValue(QByteArrayView value)
{
    QByteArray out;
    out.reserve(value.size());
    bool pendingSpace = false;
    for (const char c : value) {
        if (isHeaderWhitespace(c)) {
            pendingSpace = !out.isEmpty();
            continue;
        }
        if (pendingSpace) {
            out.append(' ');
            pendingSpace = false;
        }
        out.append(c);
    }
    return out;
}

CanonicalHeaders canonicalizeHeaders(const HeaderList &headers)
{
    std::vector<std::pair<QByteArray, QByteArrayView>> lowered;
    lowered.reserve(size_t(headers.size()));
    for (const auto &[name, value] : headers)
        lowered.emplace_back(asciiLower(name), value);
    // Stable: the values of a repeated header are joined in the order they were given.
    std::stable_sort(lowered.begin(), lowered.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });

    CanonicalHeaders result;
    for (size_t i = 0; i < lowered.size(); ++i) {
        const QByteArray &name = lowered[i].first;
        const bool sameAsPrevious = i > 0 && lowered[i - 1].first == name;
        if (sameAsPrevious) {
            result.lines.append(',');
        } else {
            if (i > 0) {
                result.lines.append('\n');
                result.signedHeaders.append(';');
            }
            result.lines.append(name).append(':');
            result.signedHeaders.append(name);
        }
        result.lines.append(trimHeaderValue(lowered[i].second));
    }
    if (!lowered.empty())
        result.lines.append('\n');
    return result;
}

QByteArray canonicalRequest(const SigningRequest &request, PathMode mode, const CanonicalHeaders &headers)
{
    const QByteArray uri = canonicalUri(request.path, mode);
    const QByteArray query = canonicalQueryString(request.query);
    QByteArray out;
    out.reserve(request.method.size() + uri.size() + query.size() + headers.lines.size()
                + headers.signedHeaders.size() + request.payloadHash.size() + 5);
    out.append(request.method).append('\n');
    out.append(uri).append('\n');
    out.append(query).append('\n');
    out.append(headers.lines).append('\n');
    out.append(headers.signedHeaders).append('\n');
    out.append(request.payloadHash);
    return out;
}

QByteArray canonicalRequest(const SigningRequest &request, PathMode mode)
{
    return canonicalRequest(request, mode, canonicalizeHeaders(request.headers));
}

} // namespace RoleDrop::SigV4
