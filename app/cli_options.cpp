#include "app/cli_options.h"

#include <QCommandLineParser>
#include <QRegularExpression>
#include <QTextStream>

namespace RoleDrop::Cli {

namespace {
const QStringList commands{QStringLiteral("whoami"), QStringLiteral("assume"), QStringLiteral("ls"),
                           QStringLiteral("upload"), QStringLiteral("download"), QStringLiteral("presign"),
                           QStringLiteral("profiles"), QStringLiteral("profile-add"), QStringLiteral("profile-remove"),
                           QStringLiteral("uploads"), QStringLiteral("login"), QStringLiteral("logout"),
                           QStringLiteral("accounts")};
}

QString usageText()
{
    return QStringLiteral(
        "Usage: roledrop [OPTIONS] COMMAND [ARGS]\n"
        "       roledrop [--demo]            (no command: the desktop window)\n"
        "\n"
        "Commands:\n"
        "  whoami                          who the requests are made as (GetCallerIdentity)\n"
        "  assume                          assume --role and print the credentials as JSON (or --export)\n"
        "  ls [s3://bucket/prefix]         list buckets, or objects and folders under a prefix\n"
        "  upload FILE... s3://bucket/prefix/   upload files or folders (multipart for large files)\n"
        "  download s3://bucket/key DIR    download an object (or a prefix ending in '/') into DIR\n"
        "  presign s3://bucket/key         print a presigned URL (--expires N seconds, --put)\n"
        "  profiles                        list RoleDrop's profiles and those in ~/.aws\n"
        "  profile-add NAME --access-key-id ID   add a profile; the secret is read from stdin into the keychain\n"
        "  profile-remove NAME             remove a profile and its keychain secret\n"
        "  uploads s3://bucket/[prefix]    unfinished multipart uploads: age, size, whether RoleDrop can resume\n"
        "                                  them (run the same upload again); --abort-older-than AGE (e.g. 24h, 7d)\n"
        "                                  aborts those older, freeing their parts\n"
        "  login                           sign in to the profile's IAM Identity Center or OpenID provider (in the\n"
        "                                  browser, or --device-code); one sign-in serves every RoleDrop process\n"
        "  logout                          sign out: the token is revoked and removed from the keychain\n"
        "  accounts                        the Identity Center accounts and roles you may use\n"
        "  profile-add NAME --sso-start-url URL --sso-region REGION [--account ID --role-name NAME]\n"
        "                                  add an IAM Identity Center profile (no secret)\n"
        "  profile-add NAME --oidc-issuer URL --client-id ID --role-arn ARN [--scopes \"...\"] [--client-secret-stdin]\n"
        "                                  add an OpenID Connect profile (AssumeRoleWithWebIdentity); a confidential\n"
        "                                  client's secret is read from stdin into the keychain\n"
        "\n"
        "Options:\n"
        "  --profile NAME        base identity (RoleDrop profile, else ~/.aws profile)\n"
        "  --role ARN            assume this role first (also: --external-id, --mfa-serial, --mfa-code,\n"
        "                        --duration SECONDS, --session-name NAME, --policy JSON)\n"
        "  --region REGION       --endpoint-url URL   --path-style\n"
        "  --account ID --role-name NAME   (Identity Center profile) use this account and role\n"
        "  --device-code         sign in with a code to confirm on any device, not this machine's browser;\n"
        "                        --browser: the browser, whatever the profile's setting\n"
        "  --ca-bundle FILE      PEM file of CA certificates to trust besides the system's (a private CA);\n"
        "                        AWS_CA_BUNDLE and the profile's ca_bundle / CA file add theirs too.\n"
        "                        Certificates are always verified\n"
        "  --recursive           (ls) list everything under the prefix, not just one level\n"
        "  --parallel N          transfers (and parts) in flight\n"
        "  --overwrite           (download) replace files that exist already; --skip-existing leaves them\n"
        "  --no-clobber          (upload) never replace an object: a key that exists (or appears meanwhile: sent\n"
        "                        with If-None-Match: *) fails with 's3://b/k exists already; not replaced'\n"
        "  --checksum-algorithm ALG   (upload) CRC64NVME (default), CRC32 or CRC32C: sent with every PUT and part\n"
        "                        for the server to verify; a multipart upload also sends the whole file's CRC\n"
        "  --quiet               no progress bar\n"
        "  --demo                use the demo's profiles (those of a running `roledrop --demo`), not your own\n"
        "Checksums (as aws-cli v2): uploads send a CRC the server verifies; downloads ask for the object's stored\n"
        "  checksum and fail, keeping nothing, when the bytes do not match it. AWS_REQUEST_CHECKSUM_CALCULATION /\n"
        "  request_checksum_calculation = when_required sends none (for servers that refuse them);\n"
        "  AWS_RESPONSE_CHECKSUM_VALIDATION / response_checksum_validation = when_required checks the ETag only.\n"
        "Environment: AWS_MAX_ATTEMPTS (tries per request, default 3), ROLEDROP_STALL_TIMEOUT (seconds without a\n"
        "  byte moving before a request is given up and tried again, default 60), AWS_CA_BUNDLE, AWS_* credentials\n"
        "  and region.\n"
        "Exit codes: 0 success, 1 failure or a paused upload (one line on stderr; run the same command again to go\n"
        "  on), 2 usage error, 130/143 interrupted by Ctrl-C/SIGTERM (unfinished uploads aborted first).\n");
}

bool wantsCommandLine(const QStringList &arguments)
{
    for (const QString &argument : arguments.mid(1)) {
        if (commands.contains(argument) || argument == QLatin1String("--help") || argument == QLatin1String("-h")
            || argument == QLatin1String("--version"))
            return true;
    }
    return false;
}

std::optional<Options> parseOptions(const QStringList &arguments, int *exitCode)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")});
    const QCommandLineOption version(QStringLiteral("version"));
    auto valued = [](const char *name) { return QCommandLineOption(QString::fromLatin1(name), QString(), QStringLiteral("value")); };
    const QCommandLineOption profile = valued("profile"), role = valued("role"), externalId = valued("external-id"),
                             mfaSerial = valued("mfa-serial"), mfaCode = valued("mfa-code"), duration = valued("duration"),
                             sessionName = valued("session-name"), policy = valued("policy"), region = valued("region"),
                             endpoint = valued("endpoint-url"), expires = valued("expires"), parallel = valued("parallel"),
                             accessKeyId = valued("access-key-id"), caBundle = valued("ca-bundle");
    const QCommandLineOption pathStyle(QStringLiteral("path-style")), recursive(QStringLiteral("recursive")),
        exportFormat(QStringLiteral("export")), put(QStringLiteral("put")), quiet(QStringLiteral("quiet")),
        demo(QStringLiteral("demo")), overwrite(QStringLiteral("overwrite")), skipExisting(QStringLiteral("skip-existing"));
    const QCommandLineOption abortOlderThan = valued("abort-older-than");
    const QCommandLineOption noClobber(QStringLiteral("no-clobber")), checksumAlgorithm = valued("checksum-algorithm");
    const QCommandLineOption deviceCode(QStringLiteral("device-code")), browser(QStringLiteral("browser")),
        account = valued("account"), roleName = valued("role-name"), ssoStartUrl = valued("sso-start-url"),
        ssoRegion = valued("sso-region");
    const QCommandLineOption oidcIssuer = valued("oidc-issuer"), clientId = valued("client-id"), roleArn = valued("role-arn"),
        scopes = valued("scopes"), clientSecretStdin(QStringLiteral("client-secret-stdin"));
    parser.addOptions({help, version, profile, role, externalId, mfaSerial, mfaCode, duration, sessionName, policy, region,
                       endpoint, expires, parallel, accessKeyId, pathStyle, recursive, exportFormat, put, quiet, demo,
                       overwrite, skipExisting, abortOlderThan, caBundle});
    parser.addOptions({noClobber, checksumAlgorithm, deviceCode, browser, account, roleName, ssoStartUrl, ssoRegion});
    parser.addOptions({oidcIssuer, clientId, roleArn, scopes, clientSecretStdin});

    QTextStream err(stderr);
    QTextStream out(stdout);
    if (!parser.parse(arguments)) {
        err << "roledrop: " << parser.errorText() << "\n(see roledrop --help)\n";
        *exitCode = 2;
        return std::nullopt;
    }
    if (parser.isSet(help)) {
        out << usageText();
        *exitCode = 0;
        return std::nullopt;
    }
    if (parser.isSet(version)) {
        out << "roledrop " << ROLEDROP_VERSION << "\n";
        *exitCode = 0;
        return std::nullopt;
    }
    Options options;
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty() || !commands.contains(positional.first())) {
        err << "roledrop: expected a command (see roledrop --help)\n";
        *exitCode = 2;
        return std::nullopt;
    }
    options.command = positional.first();
    options.arguments = positional.mid(1);
    options.profile = parser.value(profile);
    options.roleArn = parser.value(role);
    options.externalId = parser.value(externalId);
    options.mfaSerial = parser.value(mfaSerial);
    options.mfaCode = parser.value(mfaCode);
    options.sessionName = parser.value(sessionName);
    options.policy = parser.value(policy);
    options.region = parser.value(region);
    options.endpointUrl = parser.value(endpoint);
    options.caBundle = parser.value(caBundle);
    options.accessKeyId = parser.value(accessKeyId);
    options.pathStyle = parser.isSet(pathStyle);
    options.recursive = parser.isSet(recursive);
    options.exportFormat = parser.isSet(exportFormat);
    options.put = parser.isSet(put);
    options.quiet = parser.isSet(quiet);
    options.demo = parser.isSet(demo);
    options.overwrite = parser.isSet(overwrite);
    options.skipExisting = parser.isSet(skipExisting);
    if (options.overwrite && options.skipExisting) {
        err << "roledrop: --overwrite and --skip-existing exclude each other\n";
        *exitCode = 2;
        return std::nullopt;
    }
    options.noClobber = parser.isSet(noClobber);
    options.deviceCode = parser.isSet(deviceCode);
    options.browser = parser.isSet(browser);
    if (options.deviceCode && options.browser) {
        err << "roledrop: --device-code and --browser exclude each other\n";
        *exitCode = 2;
        return std::nullopt;
    }
    options.accountId = parser.value(account).trimmed();
    options.roleName = parser.value(roleName).trimmed();
    if (options.accountId.isEmpty() != options.roleName.isEmpty()) {
        err << "roledrop: --account and --role-name go together (see 'roledrop accounts')\n";
        *exitCode = 2;
        return std::nullopt;
    }
    options.ssoStartUrl = parser.value(ssoStartUrl).trimmed();
    options.ssoRegion = parser.value(ssoRegion).trimmed();
    options.oidcIssuer = parser.value(oidcIssuer).trimmed();
    options.oidcClientId = parser.value(clientId).trimmed();
    options.oidcRoleArn = parser.value(roleArn).trimmed();
    options.oidcScopes = parser.value(scopes).simplified();
    options.clientSecretFromStdin = parser.isSet(clientSecretStdin);
    if (parser.isSet(checksumAlgorithm)) {
        options.checksumAlgorithm = parser.value(checksumAlgorithm).trimmed().toUpper();
        static const QStringList known{QStringLiteral("CRC64NVME"), QStringLiteral("CRC32"), QStringLiteral("CRC32C")};
        if (!known.contains(options.checksumAlgorithm)) {
            err << "roledrop: --checksum-algorithm may be CRC64NVME, CRC32 or CRC32C, got '" << parser.value(checksumAlgorithm) << "'\n";
            *exitCode = 2;
            return std::nullopt;
        }
    }
    if (parser.isSet(abortOlderThan)) {
        // "90m", "24h", "7d", or seconds.
        static const QRegularExpression age(QStringLiteral("^(\\d+)([smhd]?)$"));
        const auto match = age.match(parser.value(abortOlderThan).trimmed());
        if (!match.hasMatch()) {
            err << "roledrop: --abort-older-than needs an age such as 90m, 24h or 7d, got '" << parser.value(abortOlderThan) << "'\n";
            *exitCode = 2;
            return std::nullopt;
        }
        const qint64 unit = match.captured(2) == QLatin1String("m") ? 60 : match.captured(2) == QLatin1String("h") ? 3600
                                                                         : match.captured(2) == QLatin1String("d") ? 86400 : 1;
        options.abortOlderThanSeconds = match.captured(1).toLongLong() * unit;
    }

    auto number = [&](const QCommandLineOption &option, int fallback, int *target) {
        if (!parser.isSet(option))
            return (*target = fallback, true);
        bool ok = false;
        *target = parser.value(option).toInt(&ok);
        if (!ok)
            err << "roledrop: --" << option.names().first() << " needs a whole number, got '" << parser.value(option) << "'\n";
        return ok;
    };
    if (!number(duration, 0, &options.durationSeconds) || !number(expires, 3600, &options.expiresSeconds)
        || !number(parallel, 0, &options.parallel)) {
        *exitCode = 2;
        return std::nullopt;
    }
    return options;
}

} // namespace RoleDrop::Cli
