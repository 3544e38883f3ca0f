#include "core/http/certificate_errors.h"

#include <QSslCertificate>

namespace RoleDrop::Http {

namespace {

// What is wrong, most fundamental first: the first problem found names the advice.
enum class Problem { Untrusted, Expired, NotYetValid, WrongName, Revoked, Other };

Problem problemOf(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::CertificateRejected:
    case QSslError::InvalidCaCertificate:
        return Problem::Untrusted;
    case QSslError::CertificateExpired:
        return Problem::Expired;
    case QSslError::CertificateNotYetValid:
        return Problem::NotYetValid;
    case QSslError::HostNameMismatch:
        return Problem::WrongName;
    case QSslError::CertificateRevoked:
        return Problem::Revoked;
    default:
        return Problem::Other;
    }
}

QString shown(QString text, int max = 60)
{
    text = text.simplified();
    return text.size() > max ? text.left(max) + QChar(0x2026) : text;
}

QString when(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

QString issuerOf(const QSslCertificate &certificate)
{
    for (const auto attribute : {QSslCertificate::CommonName, QSslCertificate::Organization}) {
        const QStringList values = certificate.issuerInfo(attribute);
        if (!values.isEmpty() && !values.first().trimmed().isEmpty())
            return shown(values.first());
    }
    return QStringLiteral("an unnamed CA");
}

// The names a certificate is valid for: its subject alternative names (DNS and IP), else its common name.
QStringList namesOf(const QSslCertificate &certificate)
{
    QStringList names;
    const auto alternatives = certificate.subjectAlternativeNames();
    for (auto it = alternatives.cbegin(); it != alternatives.cend(); ++it) {
        if ((it.key() == QSsl::DnsEntry || it.key() == QSsl::IpAddressEntry) && !names.contains(it.value()))
            names << shown(it.value(), 80);
    }
    if (names.isEmpty())
        names = certificate.subjectInfo(QSslCertificate::CommonName);
    constexpr int maxNames = 5;
    if (names.size() > maxNames) {
        const qsizetype more = names.size() - maxNames;
        names = names.mid(0, maxNames);
        names << QStringLiteral("%1 more").arg(more);
    }
    return names;
}

QString caFileNote(const TlsTrust &trust)
{
    return trust.hasCaFile() ? QStringLiteral(" or in %1").arg(trust.caFileNames()) : QString();
}

// "its issuer 'X' is not among the system's CAs" and the like, for one error.
QString what(const QSslError &error, const TlsTrust &trust, const QString &host)
{
    const QSslCertificate certificate = error.certificate();
    switch (problemOf(error.error())) {
    case Problem::Untrusted:
        if (error.error() == QSslError::SelfSignedCertificate)
            return QStringLiteral("it is self-signed (by '%1'), and no trusted CA vouches for it").arg(issuerOf(certificate));
        if (certificate.isNull())
            return QStringLiteral("it was not issued by a trusted CA (%1)").arg(error.errorString());
        return QStringLiteral("its issuer '%1' is not among the system's CAs%2").arg(issuerOf(certificate), caFileNote(trust));
    case Problem::Expired:
        return certificate.isNull() ? QStringLiteral("it has expired")
                                    : QStringLiteral("it expired on %1").arg(when(certificate.expiryDate()));
    case Problem::NotYetValid:
        return certificate.isNull() ? QStringLiteral("it is not valid yet")
                                    : QStringLiteral("it is not valid until %1").arg(when(certificate.effectiveDate()));
    case Problem::WrongName: {
        const QStringList names = namesOf(certificate);
        if (names.isEmpty())
            return QStringLiteral("it names no host, so not %1").arg(host);
        return QStringLiteral("it is for %1, not for %2").arg(names.join(QStringLiteral(", ")), host);
    }
    case Problem::Revoked:
        return QStringLiteral("its CA has revoked it");
    case Problem::Other:
        break;
    }
    return QStringLiteral("it failed verification: %1").arg(error.errorString());
}

QString advice(Problem problem, const QString &host, const QDateTime &now)
{
    switch (problem) {
    case Problem::Untrusted:
        return QStringLiteral("If you trust it, add its CA (PEM) with AWS_CA_BUNDLE, the profile's ca_bundle or the "
                              "CA file setting (--ca-bundle)");
    case Problem::Expired:
        return QStringLiteral("The server's administrator must renew it (this computer's clock says %1)").arg(when(now));
    case Problem::NotYetValid:
        return QStringLiteral("Check this computer's clock (it says %1), or ask the server's administrator").arg(when(now));
    case Problem::WrongName:
        return QStringLiteral("Use an endpoint URL with a name the certificate has, or ask the server's administrator for "
                              "a certificate that names %1").arg(host);
    case Problem::Revoked:
        return QStringLiteral("Do not use this server until its administrator replaces the certificate");
    case Problem::Other:
        break;
    }
    return QStringLiteral("Check the endpoint URL and the server's certificate");
}

} // namespace

AwsError certificateError(const QString &host, const QList<QSslError> &errors, const TlsTrust &trust, const QDateTime &now)
{
    // OpenSSL may report one problem more than once (for the leaf and for a CA): each kind is said once, the most
    // fundamental first, since its advice comes first.
    QList<QSslError> ordered;
    for (const Problem problem : {Problem::Untrusted, Problem::Expired, Problem::NotYetValid, Problem::WrongName,
                                  Problem::Revoked, Problem::Other}) {
        for (const QSslError &error : errors) {
            if (problemOf(error.error()) == problem && error.error() != QSslError::NoError) {
                ordered << error;
                if (problem != Problem::Other)
                    break;
            }
        }
    }
    AwsError failure;
    failure.kind = AwsErrorKind::Tls;
    if (ordered.isEmpty()) {
        failure.message = QStringLiteral("the TLS certificate of %1 failed verification. Check the endpoint URL and the server's certificate").arg(host);
        return failure;
    }
    QStringList clauses;
    for (const QSslError &error : std::as_const(ordered)) {
        const QString clause = what(error, trust, host);
        if (!clauses.contains(clause))
            clauses << clause;
    }
    const Problem first = problemOf(ordered.first().error());
    failure.message = QStringLiteral("the TLS certificate of %1 is not %2: %3. %4")
                          .arg(host, first == Problem::Untrusted ? QStringLiteral("trusted") : QStringLiteral("accepted"),
                               clauses.join(QStringLiteral("; and ")), advice(first, host, now));
    return failure;
}

AwsError handshakeError(const QString &host, const QString &detail)
{
    AwsError failure;
    failure.kind = AwsErrorKind::Tls;
    failure.message = QStringLiteral("the TLS handshake with %1 failed (%2). Check that the endpoint serves https on that "
                                     "port: a plain http:// server cannot")
                          .arg(host, shown(detail, 160));
    return failure;
}

} // namespace RoleDrop::Http
