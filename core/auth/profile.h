#pragma once

#include "core/auth/sso_types.h"

#include <QString>

namespace RoleDrop::Auth {

// How a profile gets its first AWS credentials.
enum class ProfileKind {
    AccessKeys,      // an IAM user's key pair (the secret key in the keychain)
    IdentityCenter,  // IAM Identity Center sign-in, then an account's role (GetRoleCredentials)
    OpenIdConnect    // an OpenID provider's sign-in, then AssumeRoleWithWebIdentity
};

// One of RoleDrop's own profiles. Deliberately has no secret member: a secret key, a client secret or a token
// lives only in the system keychain (KeychainStore).
struct Profile
{
    QString name;
    QString accessKeyId;      // AccessKeys only
    QString region = QStringLiteral("us-east-1");
    QString endpointUrl; // empty: AWS itself; else e.g. a Ceph RGW at http://host:7480
    bool pathStyle = false;
    QString mfaSerial;
    // A PEM file of CA certificates its endpoint's TLS certificate may chain to, besides the system's (a private
    // CA, e.g. of an in-house Ceph RGW); empty: the system's only. Not a secret.
    QString caFile;

    ProfileKind kind = ProfileKind::AccessKeys;
    // IdentityCenter: where to sign in, and the account and role the profile opens as (both empty: the user
    // picks one from the accounts and roles discovered after sign-in).
    QString ssoStartUrl;
    QString ssoRegion;
    QString ssoAccountId;
    QString ssoRoleName;
    // IdentityCenter and OpenIdConnect: how the user signs in (a browser, or a device code on machines without one).
    SsoSignInMethod signInMethod = SsoSignInMethod::Automatic;

    // OpenIdConnect: the provider (its /.well-known/openid-configuration is read), the client RoleDrop signs in as
    // (an optional client secret is in the keychain), the scopes asked, and the role its ID token is exchanged for.
    QString oidcIssuer;
    QString oidcClientId;
    QString oidcScopes = QStringLiteral("openid offline_access");
    QString oidcRoleArn;

    // The Identity Center sign-in this profile uses (IdentityCenter only), keyed by its start URL.
    SsoSessionConfig ssoSession() const
    {
        SsoSessionConfig config;
        config.startUrl = ssoStartUrl;
        config.region = ssoRegion;
        return config;
    }

    bool operator==(const Profile &) const = default;
};

} // namespace RoleDrop::Auth
