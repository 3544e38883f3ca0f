#pragma once

#include "core/aws_config_file.h"
#include "core/aws_http_client.h"
#include "core/credential_provider.h"
#include "core/keychain_store.h"
#include "core/profile_store.h"
#include "core/role_history.h"
#include "core/s3_client.h"
#include "core/sts_client.h"
#include "core/transfer_queue.h"

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
    ProfileStore &profiles() { return m_profiles; }
    KeychainStore &keychain() { return m_keychain; }
    RoleHistory &roleHistory() { return m_roleHistory; }
    const AwsSharedConfig &awsConfig() const { return m_awsConfig; }
    void reloadAwsConfig();
    AwsHttpClient &http() { return m_http; }
    StsClient &sts() { return m_sts; }
    S3Client &s3() { return m_s3; }
    CredentialProvider &credentials() { return m_credentials; }
    TransferQueue &transfers() { return m_transfers; }

    const QString &activeProfile() const { return m_activeProfile; }
    bool hasIdentity() const { return m_credentials.active().kind != Identity::Kind::None; }

    // Reads the profile's secret from the keychain (once per run) and makes it the active base identity.
    void openProfile(const QString &profileName);
    // Switches role from the active identity; on success records it in the profile's recent roles.
    AwsCall *switchRole(const AssumeRoleRequest &request, const QString &displayName, const QString &color,
                        std::function<void(Outcome<Identity>)> done);
    void backToBase();

signals:
    void profileOpened(const QString &profileName);
    void profileFailed(const QString &profileName, const RoleDrop::AwsError &error);
    // The identity requests are made as changed (profile opened, role switched, back to base, refreshed).
    void identityChanged(const RoleDrop::Identity &identity);
    void errorOccurred(const RoleDrop::AwsError &error);

private:
    void applyCredentials();

    QSettings &m_settings;
    ProfileStore m_profiles;
    KeychainStore m_keychain;
    RoleHistory m_roleHistory;
    AwsSharedConfig m_awsConfig;
    AwsHttpClient m_http;
    StsClient m_sts;
    S3Client m_s3;
    CredentialProvider m_credentials;
    TransferQueue m_transfers;
    QString m_activeProfile;
};

} // namespace RoleDrop::Ui
