#pragma once

#include <QDateTime>
#include <QString>

namespace RoleDrop {

// Overwrites a secret's characters in memory when this is the last copy holding them (a shared copy is
// left for its last holder), so that a secret no longer needed does not linger in freed heap memory.
void wipeSecret(QString &secret);

// One set of AWS credentials: long-term (no token, no expiry) or temporary (STS).
// The secret and the token are never printed: use describe() in logs and messages.
struct AwsCredentials
{
    QString accessKeyId;
    QString secretAccessKey;
    QString sessionToken;   // empty for long-term keys
    QDateTime expiration;   // invalid for long-term keys

    bool isValid() const { return !accessKeyId.isEmpty() && !secretAccessKey.isEmpty(); }
    bool isTemporary() const { return !sessionToken.isEmpty(); }
    bool isExpiredAt(const QDateTime &now) const { return expiration.isValid() && now >= expiration; }

    // Safe to show: the key id only, never the secret or token.
    QString describe() const { return accessKeyId; }

    AwsCredentials() = default;
    AwsCredentials(QString keyId, QString secret, QString token, QDateTime expires)
        : accessKeyId(std::move(keyId)), secretAccessKey(std::move(secret)), sessionToken(std::move(token)),
          expiration(std::move(expires))
    {
    }
    AwsCredentials(const AwsCredentials &) = default;
    AwsCredentials(AwsCredentials &&) = default;
    AwsCredentials &operator=(const AwsCredentials &other)
    {
        if (this != &other) {
            wipe();
            accessKeyId = other.accessKeyId;
            secretAccessKey = other.secretAccessKey;
            sessionToken = other.sessionToken;
            expiration = other.expiration;
        }
        return *this;
    }
    AwsCredentials &operator=(AwsCredentials &&other) noexcept
    {
        if (this != &other) {
            wipe();
            accessKeyId = std::move(other.accessKeyId);
            secretAccessKey = std::move(other.secretAccessKey);
            sessionToken = std::move(other.sessionToken);
            expiration = std::move(other.expiration);
        }
        return *this;
    }
    ~AwsCredentials() { wipe(); }

private:
    void wipe()
    {
        wipeSecret(secretAccessKey);
        wipeSecret(sessionToken);
    }
};

} // namespace RoleDrop
