#pragma once

#include "core/common/outcome.h"
#include "core/sts/sts_types.h"

#include <QByteArray>

namespace RoleDrop::Sts {

// Parsers for the 200 answers of the STS query API, from AWS or Ceph RGW (namespace-agnostic).
// Anything but a complete answer with every credential field is a MalformedResponse (whose message
// never quotes the document, which holds secrets); an error document sent with 200 becomes that error.
Outcome<AssumeRoleResult> parseAssumeRoleResponse(const QByteArray &body);
Outcome<AssumeRoleWithWebIdentityResult> parseAssumeRoleWithWebIdentityResponse(const QByteArray &body);
Outcome<SessionTokenResult> parseGetSessionTokenResponse(const QByteArray &body);
Outcome<CallerIdentity> parseGetCallerIdentityResponse(const QByteArray &body);

} // namespace RoleDrop::Sts
