#include "core/common/crypto.h"

#include "core/common/aws_credentials.h"

#include <QFile>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>

namespace RoleDrop {

void wipeSecret(QString &secret)
{
    // isDetached(): the only holder, so data() hands out the buffer itself, not a fresh copy to wipe.
    if (!secret.isEmpty() && secret.isDetached())
        OPENSSL_cleanse(secret.data(), size_t(secret.size()) * sizeof(QChar));
}

namespace {

constexpr qint64 fileChunkBytes = 1024 * 1024;

// These calls fail only when OpenSSL cannot allocate or lacks SHA-256 altogether: no request could be
// signed or checked any more, so carrying on with a wrong digest would only hide the cause.
void require(int result, const char *what)
{
    if (result != 1)
        qFatal("OpenSSL failure in %s", what);
}

// Fetched once: OpenSSL 3 otherwise looks the algorithm up (under a lock) on every init.
const EVP_MD *sha256Method()
{
    static const EVP_MD *const method = [] {
        EVP_MD *fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        if (!fetched)
            qFatal("OpenSSL has no SHA256");
        return fetched;
    }();
    return method;
}

struct MacContextDeleter
{
    void operator()(EVP_MAC_CTX *context) const { EVP_MAC_CTX_free(context); }
};

// One HMAC-SHA256 context per thread, re-keyed on each call: SigV4 computes five HMACs per request,
// and fetching the MAC and digest for each would cost more than the hashing itself.
EVP_MAC_CTX *threadHmacContext()
{
    thread_local std::unique_ptr<EVP_MAC_CTX, MacContextDeleter> context = [] {
        EVP_MAC *mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        if (!mac)
            qFatal("OpenSSL has no HMAC");
        std::unique_ptr<EVP_MAC_CTX, MacContextDeleter> created(EVP_MAC_CTX_new(mac));
        EVP_MAC_free(mac); // the context keeps its own reference
        if (!created)
            qFatal("OpenSSL cannot allocate an HMAC context");
        char digestName[] = "SHA256";
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digestName, 0),
            OSSL_PARAM_construct_end(),
        };
        require(EVP_MAC_CTX_set_params(created.get(), params), "EVP_MAC_CTX_set_params");
        return created;
    }();
    return context.get();
}

} // namespace

QByteArray sha256(QByteArrayView data)
{
    QByteArray digest(32, Qt::Uninitialized);
    unsigned int length = 0;
    require(EVP_Digest(data.data(), size_t(data.size()), reinterpret_cast<unsigned char *>(digest.data()), &length,
                       sha256Method(), nullptr),
            "EVP_Digest");
    return digest;
}

QByteArray sha256Hex(QByteArrayView data)
{
    return sha256(data).toHex();
}

QByteArray hmacSha256(QByteArrayView key, QByteArrayView data)
{
    EVP_MAC_CTX *context = threadHmacContext();
    // An empty key must still be a valid pointer for EVP_MAC_init to (re)key rather than reuse the last key.
    static const unsigned char emptyKey = 0;
    const auto *keyBytes = key.isEmpty() ? &emptyKey : reinterpret_cast<const unsigned char *>(key.data());
    require(EVP_MAC_init(context, keyBytes, size_t(key.size()), nullptr), "EVP_MAC_init");
    require(EVP_MAC_update(context, reinterpret_cast<const unsigned char *>(data.data()), size_t(data.size())),
            "EVP_MAC_update");
    QByteArray mac(32, Qt::Uninitialized);
    size_t length = 0;
    require(EVP_MAC_final(context, reinterpret_cast<unsigned char *>(mac.data()), &length, size_t(mac.size())),
            "EVP_MAC_final");
    return mac;
}

void Sha256Stream::Deleter::operator()(evp_md_ctx_st *context) const
{
    EVP_MD_CTX_free(context);
}

Sha256Stream::Sha256Stream()
    : m_context(EVP_MD_CTX_new())
{
    if (!m_context)
        qFatal("OpenSSL cannot allocate a digest context");
    require(EVP_DigestInit_ex(m_context.get(), sha256Method(), nullptr), "EVP_DigestInit_ex");
}

Sha256Stream::~Sha256Stream() = default;
Sha256Stream::Sha256Stream(Sha256Stream &&other) noexcept = default;
Sha256Stream &Sha256Stream::operator=(Sha256Stream &&other) noexcept = default;

void Sha256Stream::update(const char *data, qint64 length)
{
    if (!m_context) // moved from: start a fresh stream rather than crash
        *this = Sha256Stream();
    if (length > 0)
        require(EVP_DigestUpdate(m_context.get(), data, size_t(length)), "EVP_DigestUpdate");
}

QByteArray Sha256Stream::finish()
{
    if (!m_context)
        *this = Sha256Stream();
    QByteArray digest(32, Qt::Uninitialized);
    unsigned int length = 0;
    require(EVP_DigestFinal_ex(m_context.get(), reinterpret_cast<unsigned char *>(digest.data()), &length),
            "EVP_DigestFinal_ex");
    require(EVP_DigestInit_ex(m_context.get(), sha256Method(), nullptr), "EVP_DigestInit_ex");
    return digest;
}

QByteArray sha256OfFileRange(const QString &path, qint64 offset, qint64 length, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return QByteArray();
    };
    if (offset < 0)
        return fail(QStringLiteral("Cannot hash %1: negative offset %2").arg(path).arg(offset));

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    const qint64 fileSize = file.size();
    if (length < 0)
        length = std::max<qint64>(0, fileSize - offset);
    if (offset > fileSize || length > fileSize - offset)
        return fail(QStringLiteral("Cannot hash %1: bytes %2..%3 lie past its end (%4 bytes)")
                        .arg(path).arg(offset).arg(offset + length).arg(fileSize));
    if (!file.seek(offset))
        return fail(QStringLiteral("Cannot seek in %1: %2").arg(path, file.errorString()));

    Sha256Stream stream;
    QByteArray buffer(int(std::min(fileChunkBytes, std::max<qint64>(length, 1))), Qt::Uninitialized);
    qint64 remaining = length;
    while (remaining > 0) {
        const qint64 wanted = std::min<qint64>(remaining, buffer.size());
        const qint64 got = file.read(buffer.data(), wanted);
        if (got < 0)
            return fail(QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
        if (got == 0) // the file shrank while we read it
            return fail(QStringLiteral("Cannot hash %1: it ended %2 bytes early").arg(path).arg(remaining));
        stream.update(buffer.constData(), got);
        remaining -= got;
    }
    return stream.finish();
}

} // namespace RoleDrop
