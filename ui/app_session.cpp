#include "ui/app_session.h"

namespace RoleDrop::Ui {

AppSession::AppSession(QSettings &settings, const QString &keychainService, QObject *parent)
    : QObject(parent),
      m_settings(settings),
      m_profiles(settings),
      m_keychain(keychainService),
      m_roleHistory(settings),
      m_awsConfig(Auth::AwsSharedConfig::load()),
      m_sts(&m_http, Http::EndpointConfig{}),
      m_s3(&m_http, Http::EndpointConfig{}),
      m_credentials(&m_sts)
{
    connect(&m_credentials, &Auth::CredentialProvider::identityChanged, this, [this](const Auth::Identity &identity) {
        applyCredentials();
        emit identityChanged(identity);
    });
    connect(&m_credentials, &Auth::CredentialProvider::credentialsRefreshed, this, [this](const Auth::Identity &identity) {
        applyCredentials();
        emit identityChanged(identity);
    });
    connect(&m_credentials, &Auth::CredentialProvider::refreshFailed, this, &AppSession::errorOccurred);
}

AppSession::~AppSession() = default;

void AppSession::reloadAwsConfig()
{
    m_awsConfig = Auth::AwsSharedConfig::load();
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
    Http::EndpointConfig endpoint;
    endpoint.region = profile->region;
    endpoint.pathStyle = profile->pathStyle;
    if (!profile->endpointUrl.isEmpty()) {
        const auto url = Http::EndpointConfig::parseEndpointUrl(profile->endpointUrl);
        if (!url) {
            emit profileFailed(profileName, url.error());
            return;
        }
        endpoint.customEndpoint = url.value();
    }
    const Auth::Profile chosen = *profile;
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

Http::AwsCall *AppSession::switchRole(const Sts::AssumeRoleRequest &request, const QString &displayName, const QString &color,
                                std::function<void(Outcome<Auth::Identity>)> done)
{
    const QString profile = m_activeProfile;
    return m_credentials.switchRole(request, displayName, color, [=, this](Outcome<Auth::Identity> identity) {
        if (identity) {
            Auth::RoleHistoryEntry entry;
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
