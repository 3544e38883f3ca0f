#include "core/session/presigned_url.h"

namespace RoleDrop::Sessions {

PresignValidity presignValidity(const QDateTime &now, qint64 expiresSeconds, const Auth::Identity &signer)
{
    PresignValidity validity;
    validity.end = now.addSecs(expiresSeconds);
    if (signer.isTemporary() && signer.expiration < validity.end) {
        validity.end = signer.expiration;
        validity.cutBySession = true;
    }
    return validity;
}

} // namespace RoleDrop::Sessions
