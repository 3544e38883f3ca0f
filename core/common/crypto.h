#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

// OpenSSL's context type, kept out of this header so users need no OpenSSL include path.
struct evp_md_ctx_st;

namespace RoleDrop {

// SHA-256 and HMAC-SHA256 through OpenSSL's EVP interface: Qt 6.4's QCryptographicHash uses its own
// portable code, about ten times slower than OpenSSL's SHA-NI path on the payload sizes we hash.
// Digests are raw bytes (32 of them); call .toHex() for the lowercase hex form SigV4 wants.
QByteArray sha256(QByteArrayView data);
QByteArray sha256Hex(QByteArrayView data);
QByteArray hmacSha256(QByteArrayView key, QByteArrayView data);

// Incremental SHA-256, for payloads that stream from disk in pieces.
// finish() returns the digest and starts over, so one object can hash several payloads in turn.
class Sha256Stream final
{
public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(Sha256Stream &&other) noexcept;
    Sha256Stream &operator=(Sha256Stream &&other) noexcept;
    Sha256Stream(const Sha256Stream &) = delete;
    Sha256Stream &operator=(const Sha256Stream &) = delete;

    void update(const char *data, qint64 length);
    void update(QByteArrayView data) { update(data.data(), data.size()); }
    QByteArray finish();

private:
    struct Deleter { void operator()(evp_md_ctx_st *context) const; };
    std::unique_ptr<evp_md_ctx_st, Deleter> m_context;
};

// The SHA-256 of bytes [offset, offset + length) of a file, read in 1 MiB chunks so a 5 GiB part never
// sits in memory. length < 0 means "to the end of the file". On failure returns an empty array and,
// when `error` is given, says why (the path and the OS reason; file contents never appear).
QByteArray sha256OfFileRange(const QString &path, qint64 offset, qint64 length, QString *error = nullptr);

} // namespace RoleDrop
