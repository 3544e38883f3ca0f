#pragma once

#include "core/auth/identity.h"

#include <QDateTime>
#include <QUrl>

namespace RoleDrop::Sessions {

// A presigned URL and the moment it really stops working: the asked expiry, or earlier when the role
// session that signed it ends first (S3 refuses a URL whose signing session has expired).
struct PresignedUrl
{
    QUrl url;
    QDateTime end;             // UTC
    bool cutBySession = false;
};

struct PresignValidity
{
    QDateTime end;
    bool cutBySession = false;  // the role session ends before the asked expiry
};
PresignValidity presignValidity(const QDateTime &now, qint64 expiresSeconds, const Auth::Identity &signer);

} // namespace RoleDrop::Sessions
