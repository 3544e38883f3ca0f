#pragma once

#include "core/common/outcome.h"

#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QStringList>

#include <optional>

class QSslConfiguration;

namespace RoleDrop::Http {

// Which certificate authorities an endpoint's TLS certificate may chain to: the system's, plus those of the CA
// files the user named (PEM, one or more certificates each) - --ca-bundle, AWS_CA_BUNDLE, a ~/.aws profile's
// ca_bundle, a RoleDrop profile's CA file. Every named file ADDS to the system's CAs (none replaces them), so a
// private S3 server and AWS itself both work from one profile, and a CA_BUNDLE set for a company proxy does not
// shut out a profile's own CA. Certificates are always verified: nothing here can turn that off.
struct TlsTrust
{
    struct CaFile
    {
        QString path;
        QString origin;                    // where it was named, for messages, e.g. "AWS_CA_BUNDLE"
    };
    QList<CaFile> caFiles;                 // empty: the system's CAs only
    QList<QSslCertificate> caCertificates; // the files' certificates

    bool hasCaFile() const { return !caFiles.isEmpty(); }
    QString caFileNames() const;           // "a.pem, b.pem"

    // Reads `path` (a leading "~/" is the home folder) and adds its certificates; a file already added is not
    // read again. Fails, naming the file and `origin`, when it cannot be read or holds no PEM certificate.
    std::optional<AwsError> addCaFile(const QString &path, const QString &origin);
    static Outcome<TlsTrust> fromCaFile(const QString &path, const QString &origin);

    // What an https request of this endpoint is sent with: Qt's defaults (protocols, ciphers), the peer always
    // verified, and as CAs the system's plus the files'. Set explicitly on every request, so Qt's process-wide
    // default configuration never decides what RoleDrop trusts.
    QSslConfiguration sslConfiguration() const;

    // The system's CA certificates, read once per process (reading them takes tens of milliseconds).
    static const QList<QSslCertificate> &systemCaCertificates();
};

} // namespace RoleDrop::Http
