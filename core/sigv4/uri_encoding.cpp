#include "core/sigv4/uri_encoding.h"

#include <array>

namespace RoleDrop::SigV4 {

namespace {

constexpr std::array<bool, 256> unreservedTable()
{
    std::array<bool, 256> table{};
    for (int c = 'A'; c <= 'Z'; ++c)
        table[c] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        table[c] = true;
    for (int c = '0'; c <= '9'; ++c)
        table[c] = true;
    table['-'] = table['.'] = table['_'] = table['~'] = true;
    return table;
}

constexpr std::array<bool, 256> unreserved = unreservedTable();
constexpr char upperHex[] = "0123456789ABCDEF";

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

} // namespace

QByteArray awsUriEncode(QByteArrayView utf8, bool encodeSlash)
{
    qsizetype escapes = 0;
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if (!unreserved[byte] && (encodeSlash || byte != '/'))
            ++escapes;
    }
    if (escapes == 0)
        return utf8.toByteArray();

    QByteArray out(utf8.size() + 2 * escapes, Qt::Uninitialized);
    char *o = out.data();
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if (unreserved[byte] || (!encodeSlash && byte == '/')) {
            *o++ = c;
        } else {
            *o++ = '%';
            *o++ = upperHex[byte >> 4];
            *o++ = upperHex[byte & 0xF];
        }
    }
    return out;
}

QString awsUriEncodePath(const QString &path)
{
    if (path.isEmpty())
        return QStringLiteral("/");
    return QString::fromLatin1(awsUriEncode(path.toUtf8(), false));
}

QByteArray percentDecode(QByteArrayView encoded)
{
    if (!encoded.contains('%'))
        return encoded.toByteArray();
    QByteArray out;
    out.reserve(encoded.size());
    for (qsizetype i = 0; i < encoded.size(); ++i) {
        if (encoded[i] == '%' && i + 2 < encoded.size()) {
            const int high = hexValue(encoded[i + 1]);
            const int low = hexValue(encoded[i + 2]);
            if (high >= 0 && low >= 0) {
                out.append(char(high * 16 + low));
                i += 2;
                continue;
            }
        }
        out.append(encoded[i]);
    }
    return out;
}

QList<std::pair<QByteArray, QByteArray>> parseQueryString(QByteArrayView encoded)
{
    QList<std::pair<QByteArray, QByteArray>> pairs;
    qsizetype start = 0;
    while (start <= encoded.size()) {
        qsizetype end = encoded.indexOf('&', start);
        if (end < 0)
            end = encoded.size();
        const QByteArrayView part = encoded.sliced(start, end - start);
        if (!part.isEmpty()) {
            const qsizetype equals = part.indexOf('=');
            if (equals < 0)
                pairs.append({percentDecode(part), QByteArray()});
            else
                pairs.append({percentDecode(part.first(equals)), percentDecode(part.sliced(equals + 1))});
        }
        start = end + 1;
    }
    return pairs;
}

} // namespace RoleDrop::SigV4
