#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QMutex>

namespace RoleDrop::SigV4 {

// Step 3 of SigV4: the derived key and the signature.

// HMAC chain "AWS4" + secret -> date -> region -> service -> "aws4_request". Raw bytes: a secret.
QByteArray signingKey(QByteArrayView secretAccessKey, QByteArrayView dateStamp, QByteArrayView region,
                      QByteArrayView service);

// Lowercase hex HMAC-SHA256 of the string to sign.
QByteArray signature(QByteArrayView signingKey, QByteArrayView stringToSign);

// Derived keys by (secret, date, region, service): a key is valid for a whole UTC day, and an upload
// signs thousands of requests with the same one. Thread-safe. Holds at most `capacity` keys and drops
// the oldest beyond that. Entries are found by a SHA-256 of the secret, so the secret itself is not
// kept; the derived keys are, and are as sensitive as the secret for their day, region and service.
class SigningKeyCache final
{
public:
    explicit SigningKeyCache(int capacity = 32);
    SigningKeyCache(const SigningKeyCache &) = delete;
    SigningKeyCache &operator=(const SigningKeyCache &) = delete;

    QByteArray signingKey(QByteArrayView secretAccessKey, QByteArrayView dateStamp, QByteArrayView region,
                          QByteArrayView service);

    int size() const;
    int capacity() const { return m_capacity; }
    qint64 hits() const;
    qint64 misses() const;
    void clear();

private:
    const int m_capacity;
    mutable QMutex m_mutex;
    QHash<QByteArray, QByteArray> m_keys;
    QList<QByteArray> m_insertionOrder;
    qint64 m_hits = 0;
    qint64 m_misses = 0;
};

} // namespace RoleDrop::SigV4
