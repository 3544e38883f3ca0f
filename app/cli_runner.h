#pragma once

#include "app/cli_options.h"
#include "core/auth/aws_config_file.h"
#include "core/http/aws_http_client.h"
#include "core/auth/credential_provider.h"
#include "core/auth/keychain_store.h"
#include "core/auth/profile_resolver.h"
#include "core/auth/profile_store.h"
#include "core/s3/s3_client.h"
#include "core/sts/sts_client.h"

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
    Auth::ProfileStore m_profiles;
    Auth::KeychainStore m_keychain;
    Auth::AwsSharedConfig m_awsConfig;
    Http::AwsHttpClient m_http;
    Sts::StsClient m_sts;
    S3::S3Client m_s3;
    Auth::CredentialProvider m_provider;
    QString m_notice;
};

} // namespace RoleDrop::Cli
