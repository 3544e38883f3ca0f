#include "ui/app_session.h"

namespace RoleDrop::Ui {

AppSession::AppSession(QSettings &settings, const QString &keychainService, QObject *parent)
    : QObject(parent),
      m_settings(settings),
      m_profiles(settings),
      m_keychain(keychainService),
      m_roleHistory(settings),
      m_awsConfig(AwsSharedConfig::load()),
      m_sts(&m_http, EndpointConfig{}),
      m_s3(&m_http, EndpointConfig{}),
      m_credentials(&m_sts)
{
    connect(&m_credentials, &CredentialProvider::identityChanged, this, [this](const Identity &identity) {
        applyCredentials();
        emit identityChanged(identity);
    });
    connect(&m_credentials, &CredentialProvider::credentialsRefreshed, this, [this](const Identity &identity) {
        applyCredentials();
        emit identityChanged(identity);
    });
    connect(&m_credentials, &CredentialProvider::refreshFailed, this, &AppSession::errorOccurred);
}

AppSession::~AppSession() = default;

void AppSession::reloadAwsConfig()
{
    m_awsConfig = AwsSharedConfig::load();
}

void AppSession::applyCredentials()
{
    m_s3.setCredentials(m_credentials.activeCredentials(), m_credentials.active().nameForErrors());
}

void AppSession::openProfile(const QString &profileName)
{
    const auto profile = m_profiles.profile(profileName);
    if (!profile) {
        emit profileFailed(profileName, AwsError::validation(tr("No profile named '%1'").arg(profileName)));
        return;
    }
    EndpointConfig endpoint;
    endpoint.region = profile->region;
    endpoint.pathStyle = profile->pathStyle;
    if (!profile->endpointUrl.isEmpty()) {
        const auto url = EndpointConfig::parseEndpointUrl(profile->endpointUrl);
        if (!url) {
            emit profileFailed(profileName, url.error());
            return;
        }
        endpoint.customEndpoint = url.value();
    }
    const Profile chosen = *profile;
    m_keychain.readSecret(profileName, [this, chosen, endpoint](Outcome<QString> secret) {
        if (!secret) {
            emit profileFailed(chosen.name, secret.error());
            return;
        }
        m_sts.setEndpoint(endpoint);
        m_s3.setEndpoint(endpoint);
        m_activeProfile = chosen.name;
        m_settings.setValue(QStringLiteral("session/lastProfile"), chosen.name);
        m_credentials.setBaseIdentity(chosen.name, {chosen.accessKeyId, secret.value(), QString(), QDateTime()});
        emit profileOpened(chosen.name);
    });
}

AwsCall *AppSession::switchRole(const AssumeRoleRequest &request, const QString &displayName, const QString &color,
                                std::function<void(Outcome<Identity>)> done)
{
    const QString profile = m_activeProfile;
    return m_credentials.switchRole(request, displayName, color, [=, this](Outcome<Identity> identity) {
        if (identity) {
            RoleHistoryEntry entry;
            entry.sourceProfile = profile;
            entry.roleArn = request.roleArn;
            entry.accountId = identity->accountId;
            entry.displayName = identity->displayName;
            entry.color = color;
            m_roleHistory.record(entry);
        }
        done(identity);
    });
}

void AppSession::backToBase()
{
    m_credentials.backToBase();
}

} // namespace RoleDrop::Ui
