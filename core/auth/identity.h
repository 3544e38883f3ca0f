#pragma once

#include <QDateTime>
#include <QString>

namespace RoleDrop::Auth {

// Who requests are made as right now: what the identity bar shows. No secrets in here.
struct Identity
{
    enum class Kind { None, BaseUser, MfaSession, AssumedRole };

    Kind kind = Kind::None;
    QString profileName;   // the base profile everything started from
    QString displayName;   // "S3Access @ 123456789012", or the profile name for the base identity
    QString color;         // "#rrggbb" band colour; empty for the base identity
    QString arn;           // caller ARN when known (assumed-role ARN, or from GetCallerIdentity)
    QString accountId;
    QString roleArn;       // the role assumed, for AssumedRole
    QString accessKeyId;   // safe to show: identifies the key without revealing it
    QDateTime expiration;  // invalid for long-term keys
    QString notice;        // e.g. why the duration was capped

    bool isTemporary() const { return expiration.isValid(); }
    // How to name this identity in an error: its ARN when known, else profile and key id.
    QString nameForErrors() const
    {
        if (!arn.isEmpty())
            return arn;
        if (!profileName.isEmpty())
            return QStringLiteral("%1 (%2)").arg(profileName, accessKeyId);
        return accessKeyId;
    }
};

} // namespace RoleDrop::Auth
