#pragma once

#include <QDateTime>
#include <QString>

namespace RoleDrop {

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
};

} // namespace RoleDrop
