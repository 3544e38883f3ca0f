#pragma once

#include "app/cli_options.h"
#include "core/aws_config_file.h"
#include "core/aws_http_client.h"
#include "core/credential_provider.h"
#include "core/keychain_store.h"
#include "core/profile_resolver.h"
#include "core/profile_store.h"
#include "core/s3_client.h"
#include "core/sts_client.h"

#include <QSettings>

namespace RoleDrop::Cli {

// Runs one subcommand of the command-line mode against the same core/ API the window uses.
class Runner
{
    Q_DISABLE_COPY_MOVE(Runner)
public:
    explicit Runner(Options options);
    int run();

private:
    // Resolves --profile, assumes the profile's role chain and --role: the identity every command uses.
    std::optional<AwsError> establishIdentity();

    int whoami();
    int assume();
    int list();
    int upload();
    int download();
    int presign();
    int profiles();
    int profileAdd();
    int profileRemove();

    int fail(const AwsError &error);
    int usage(const QString &message);

    Options m_options;
    QSettings m_settings;
    ProfileStore m_profiles;
    KeychainStore m_keychain;
    AwsSharedConfig m_awsConfig;
    AwsHttpClient m_http;
    StsClient m_sts;
    S3Client m_s3;
    CredentialProvider m_provider;
    QString m_notice;
};

} // namespace RoleDrop::Cli
