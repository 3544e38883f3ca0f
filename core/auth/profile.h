#pragma once

#include <QString>

namespace RoleDrop::Auth {

// One of RoleDrop's own base-credential profiles. Deliberately has no secret member: the
// secret key lives only in the system keychain (KeychainStore), under the profile's name.
struct Profile
{
    QString name;
    QString accessKeyId;
    QString region = QStringLiteral("us-east-1");
    QString endpointUrl; // empty: AWS itself; else e.g. a Ceph RGW at http://host:7480
    bool pathStyle = false;
    QString mfaSerial;
    // A PEM file of CA certificates its endpoint's TLS certificate may chain to, besides the system's (a private
    // CA, e.g. of an in-house Ceph RGW); empty: the system's only. Not a secret.
    QString caFile;

    bool operator==(const Profile &) const = default;
};

} // namespace RoleDrop::Auth
