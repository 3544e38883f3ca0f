#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace RoleDrop::Cli {

// The command line, parsed: a subcommand, its arguments, and the options shared by all of them.
struct Options
{
    QString command;           // whoami, assume, ls, upload, download, presign, profiles, profile-add, profile-remove, uploads,
                               // login, logout, accounts
    QStringList arguments;     // the subcommand's positional arguments
    QString profile;
    QString roleArn;
    QString externalId;
    QString mfaSerial;
    QString mfaCode;           // secret: never printed
    QString sessionName;
    QString policy;
    int durationSeconds = 0;   // 0: the default (3600)
    QString region;
    QString endpointUrl;
    QString caBundle;          // --ca-bundle FILE: CAs trusted besides the system's (profile-add: stored with it)
    bool pathStyle = false;
    bool recursive = false;
    bool exportFormat = false; // assume --export
    bool put = false;          // presign --put
    int expiresSeconds = 3600;
    int parallel = 0;          // 0: default
    QString accessKeyId;       // profile-add
    QString mfaSerialForProfile;
    bool quiet = false;
    bool demo = false;         // the demo's own profiles and keychain entries, not the user's
    bool overwrite = false;    // download: replace existing files
    bool skipExisting = false; // download: leave existing files
    bool noClobber = false;    // upload: never replace an existing object (If-None-Match: *)
    QString checksumAlgorithm; // upload: CRC32, CRC32C or CRC64NVME (checked when parsed); empty: the default
    qint64 abortOlderThanSeconds = -1;  // uploads: abort unfinished uploads older than this
    // Identity Center: sign in with a device code (no browser: SSH, containers, WSL) / the browser, whatever the
    // profile's setting; an account and role to use instead of the profile's.
    bool deviceCode = false;
    bool browser = false;
    QString accountId;
    QString roleName;
    // profile-add: an Identity Center profile (--sso-start-url URL --sso-region REGION)
    QString ssoStartUrl;
    QString ssoRegion;
    // profile-add: an OpenID Connect profile (--oidc-issuer URL --client-id ID --role-arn ARN [--scopes "..."]),
    // its client secret (if any) read from stdin only with --client-secret-stdin
    QString oidcIssuer;
    QString oidcClientId;
    QString oidcRoleArn;
    QString oidcScopes;
    bool clientSecretFromStdin = false;
};

// Parses argv. On --help/--version or a usage error, returns nullopt after printing (exitCode says which).
std::optional<Options> parseOptions(const QStringList &arguments, int *exitCode);

// Whether argv asks for the command-line mode rather than the window.
bool wantsCommandLine(const QStringList &arguments);

QString usageText();

} // namespace RoleDrop::Cli
