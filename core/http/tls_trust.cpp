#include "core/http/tls_trust.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSslConfiguration>
#include <QSslSocket>

namespace RoleDrop::Http {

namespace {

// Bigger than any real bundle (Mozilla's whole set is about 220 KB): a wrong path (a disk image) is not read whole.
constexpr qint64 maxCaFileBytes = 16LL * 1024 * 1024;

AwsError caFileError(const QString &path, const QString &what)
{
    AwsError error = AwsError::local(AwsErrorKind::LocalFile, what);
    error.resource = path;
    return error;
}

} // namespace

QString TlsTrust::caFileNames() const
{
    QStringList names;
    for (const CaFile &file : caFiles)
        names << file.path;
    return names.join(QStringLiteral(", "));
}

std::optional<AwsError> TlsTrust::addCaFile(const QString &given, const QString &origin)
{
    QString path = given.trimmed();
    if (path == QLatin1String("~") || path.startsWith(QLatin1String("~/")))
        path = QDir::homePath() + path.mid(1);
    const QString namedBy = origin.isEmpty() ? QString() : QStringLiteral(" (named by %1)").arg(origin);
    if (path.isEmpty())
        return caFileError(given, QStringLiteral("the CA file name%1 is empty").arg(namedBy));
    const QFileInfo info(path);
    for (const CaFile &file : std::as_const(caFiles)) {
        if (QFileInfo(file.path) == info)
            return std::nullopt;
    }
    if (!info.exists())
        return caFileError(path, QStringLiteral("the CA file%1 does not exist").arg(namedBy));
    if (info.isDir())
        return caFileError(path, QStringLiteral("the CA file%1 is a folder, not a file of PEM certificates").arg(namedBy));
    if (info.size() > maxCaFileBytes)
        return caFileError(path, QStringLiteral("the CA file%1 is %2 MiB, too large to be PEM certificates").arg(namedBy).arg(info.size() >> 20));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return caFileError(path, QStringLiteral("the CA file%1 cannot be read: %2").arg(namedBy, file.errorString()));
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (certificates.isEmpty())
        return caFileError(path, QStringLiteral("the CA file%1 holds no certificate: it must hold PEM certificates "
                                                "('-----BEGIN CERTIFICATE-----' blocks)").arg(namedBy));
    caFiles.append({path, origin});
    caCertificates += certificates;
    return std::nullopt;
}

Outcome<TlsTrust> TlsTrust::fromCaFile(const QString &path, const QString &origin)
{
    TlsTrust trust;
    if (auto error = trust.addCaFile(path, origin))
        return *error;
    return trust;
}

const QList<QSslCertificate> &TlsTrust::systemCaCertificates()
{
    static const QList<QSslCertificate> system = QSslConfiguration::systemCaCertificates();
    return system;
}

QSslConfiguration TlsTrust::sslConfiguration() const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    configuration.setCaCertificates(systemCaCertificates() + caCertificates);
    return configuration;
}

} // namespace RoleDrop::Http
