#pragma once

#include "core/common/aws_credentials.h"
#include "core/common/aws_error.h"

#include <QString>

#include <functional>
#include <memory>

namespace RoleDrop::Http {

// Who a request is made as. Clients ask it for credentials at every attempt (the aws-c-auth way: the signer is
// handed a provider, not a value), so an identity renewed in place - a role session assumed again before it
// expires - reaches requests already under way, while switching to another identity never does: that is
// another source. A transfer keeps the source it was queued with until it ends.
class CredentialSource
{
public:
    virtual ~CredentialSource() = default;

    // The credentials to sign the next attempt with (the newest, for a renewing identity).
    virtual AwsCredentials credentials() const = 0;
    // How errors name the caller: an ARN when known, else profile and access key id. Never a secret.
    virtual QString nameForErrors() const = 0;
    // How people see it (the transfer queue's "as" column): "S3Access @ 123456789012", or the profile name.
    virtual QString displayName() const = 0;
    // The identity's band colour ("#rrggbb"), empty for a base identity.
    virtual QString color() const { return {}; }

    // Whether refreshCredentials() can get this identity new credentials (a role session can: it assumes
    // its role again). A request refused for a stale token asks for them, then is sent again.
    virtual bool canRefresh() const { return false; }
    // Renews now, trying again with backoff for a while if that fails; `done(true)` once there are new
    // credentials, `done(false)` when it gave up. `done` runs later, on the source's thread.
    virtual void refreshCredentials(std::function<void(bool renewed)> done) { done(false); }
    // Why the last renewal failed (none since the last success: kind None), so whoever has to stop can say
    // what was refused rather than only that the old session is stale.
    virtual AwsError lastRenewalFailure() const { return {}; }
};

using CredentialSourcePtr = std::shared_ptr<CredentialSource>;

// A key pair that never changes: long-term keys, or a caller's credentials handed to one STS call.
CredentialSourcePtr fixedCredentials(const AwsCredentials &credentials, const QString &name = QString());

} // namespace RoleDrop::Http
