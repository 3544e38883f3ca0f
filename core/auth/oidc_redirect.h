#pragma once

#include "core/common/outcome.h"

#include <QString>
#include <QUrl>

namespace RoleDrop::Auth {

// The browser's return to the loopback redirect URI after an authorization request (RFC 6749 4.1.2, RFC 9207).
// Checks it before the code is used: the state must be this sign-in's (else the redirect belongs to another
// request: refused, CSRF), an "iss" parameter, when the provider sends one, must be the issuer (mix-up attack),
// and an error (access_denied: the user said no) becomes an AwsError that says so. Returns the code.
// Error texts never contain the code or the state.
Outcome<QString> authorizationCodeFromRedirect(const QUrl &redirect, const QString &expectedState,
                                               const QString &issuer);

} // namespace RoleDrop::Auth
