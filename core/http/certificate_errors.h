#pragma once

#include "core/common/aws_error.h"
#include "core/http/tls_trust.h"

#include <QDateTime>
#include <QList>
#include <QSslError>
#include <QString>

namespace RoleDrop::Http {

// One line for a certificate that failed verification: the host, what is wrong with its certificate (not
// trusted: self-signed or an unknown CA; expired on a date; not valid yet; issued for other names, which it
// lists; revoked; other) and what to do about it. `trust` says which CA files were added to the system's, so an
// "unknown CA" message can say it was not in those either. `now` is this computer's clock (shown when the
// certificate's dates suggest the clock is wrong). The error's kind is Tls; RoleDrop never goes on anyway.
AwsError certificateError(const QString &host, const QList<QSslError> &errors, const TlsTrust &trust,
                          const QDateTime &now = QDateTime::currentDateTimeUtc());

// A TLS handshake that failed without a certificate verdict (no common protocol, a server that does not speak
// TLS on that port, a connection closed during the handshake). `detail` is Qt's text for it.
AwsError handshakeError(const QString &host, const QString &detail);

} // namespace RoleDrop::Http
