#pragma once

#include "core/auth/aws_config_file.h"
#include "core/http/aws_http_client.h"
#include "core/auth/credential_provider.h"
#include "core/auth/keychain_store.h"
#include "core/auth/profile_store.h"
#include "core/auth/role_history.h"
#include "core/s3/s3_client.h"
#include "core/sts/sts_client.h"
#include "core/transfer/transfer_queue.h"

#include <QObject>
#include <QSettings>

#include <memory>

namespace RoleDrop::Ui {

// Everything the window's parts share, built from core/ only: the network clients, the active identity,
// the stores and the transfer queue. Widgets get a pointer to it and react to its signals; none of them
// talks to the network or the keychain directly.
class AppSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppSession)
public:
    // `settings` holds profiles, role history and window state (never a secret); `keychainService`
    // names the keychain entry set (tests use their own).
    explicit AppSession(QSettings &settings, const QString &keychainService = QStringLiteral("RoleDrop"),
                        QObject *parent = nullptr);
    ~AppSession() override;

    QSettings &settings() { return m_settings; }
    Auth::ProfileStore &profiles() { return m_profiles; }
    Auth::KeychainStore &keychain() { return m_keychain; }
    Auth::RoleHistory &roleHistory() { return m_roleHistory; }
    const Auth::AwsSharedConfig &awsConfig() const { return m_awsConfig; }
    void reloadAwsConfig();
    Http::AwsHttpClient &http() { return m_http; }
    Sts::StsClient &sts() { return m_sts; }
    S3::S3Client &s3() { return m_s3; }
    Auth::CredentialProvider &credentials() { return m_credentials; }
    Transfers::TransferQueue &transfers() { return m_transfers; }

    const QString &activeProfile() const { return m_activeProfile; }
    bool hasIdentity() const { return m_credentials.active().kind != Auth::Identity::Kind::None; }

    // Reads the profile's secret from the keychain (once per run) and makes it the active base identity.
    void openProfile(const QString &profileName);
    // Switches role from the active identity; on success records it in the profile's recent roles.
    Http::AwsCall *switchRole(const Sts::AssumeRoleRequest &request, const QString &displayName, const QString &color,
                        std::function<void(Outcome<Auth::Identity>)> done);
    void backToBase();

signals:
    void profileOpened(const QString &profileName);
    void profileFailed(const QString &profileName, const RoleDrop::AwsError &error);
    // The identity requests are made as changed (profile opened, role switched, back to base, refreshed).
    void identityChanged(const RoleDrop::Auth::Identity &identity);
    void errorOccurred(const RoleDrop::AwsError &error);

private:
    void applyCredentials();

    QSettings &m_settings;
    Auth::ProfileStore m_profiles;
    Auth::KeychainStore m_keychain;
    Auth::RoleHistory m_roleHistory;
    Auth::AwsSharedConfig m_awsConfig;
    Http::AwsHttpClient m_http;
    Sts::StsClient m_sts;
    S3::S3Client m_s3;
    Auth::CredentialProvider m_credentials;
    Transfers::TransferQueue m_transfers;
    QString m_activeProfile;
};

} // namespace RoleDrop::Ui
