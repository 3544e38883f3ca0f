#include "core/sigv4/sigv4_signing_key.h"

#include "core/common/crypto.h"

#include <QMutexLocker>

#include <algorithm>

namespace RoleDrop::SigV4 {

QByteArray signingKey(QByteArrayView secretAccessKey, QByteArrayView dateStamp, QByteArrayView region,
                      QByteArrayView service)
{
    QByteArray seed;
    seed.reserve(secretAccessKey.size() + 4);
    seed.append("AWS4").append(secretAccessKey);
    const QByteArray dateKey = hmacSha256(seed, dateStamp);
    const QByteArray regionKey = hmacSha256(dateKey, region);
    const QByteArray serviceKey = hmacSha256(regionKey, service);
    return hmacSha256(serviceKey, "aws4_request");
}

QByteArray signature(QByteArrayView signingKey, QByteArrayView stringToSign)
{
    return hmacSha256(signingKey, stringToSign).toHex();
}

SigningKeyCache::SigningKeyCache(int capacity)
    : m_capacity(std::max(1, capacity))
{
}

QByteArray SigningKeyCache::signingKey(QByteArrayView secretAccessKey, QByteArrayView dateStamp,
                                       QByteArrayView region, QByteArrayView service)
{
    // '\n' cannot occur in a date stamp, region or service name, so the parts cannot run together.
    QByteArray cacheKey = sha256(secretAccessKey);
    cacheKey.append('\n').append(dateStamp).append('\n').append(region).append('\n').append(service);
    {
        QMutexLocker lock(&m_mutex);
        const auto found = m_keys.constFind(cacheKey);
        if (found != m_keys.cend()) {
            ++m_hits;
            return found.value();
        }
        ++m_misses;
    }
    // Derived outside the lock: two threads may both derive the same key once, which is harmless.
    QByteArray key = SigV4::signingKey(secretAccessKey, dateStamp, region, service);
    QMutexLocker lock(&m_mutex);
    if (!m_keys.contains(cacheKey)) {
        while (m_insertionOrder.size() >= m_capacity)
            m_keys.remove(m_insertionOrder.takeFirst());
        m_keys.insert(cacheKey, key);
        m_insertionOrder.append(cacheKey);
    }
    return key;
}

int SigningKeyCache::size() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_keys.size());
}

qint64 SigningKeyCache::hits() const
{
    QMutexLocker lock(&m_mutex);
    return m_hits;
}

qint64 SigningKeyCache::misses() const
{
    QMutexLocker lock(&m_mutex);
    return m_misses;
}

void SigningKeyCache::clear()
{
    QMutexLocker lock(&m_mutex);
    m_keys.clear();
    m_insertionOrder.clear();
}

} // namespace RoleDrop::SigV4
