#include "core/auth/profile_store.h"

#include "core/http/tls_trust.h"

#include <QRegularExpression>
#include <QSettings>
#include <QUrl>

namespace RoleDrop::Auth {

namespace {

const QString kGroup = QStringLiteral("profiles");

QString groupOf(const QString &name)
{
    return kGroup + QLatin1Char('/') + name;
}

bool matchesWhole(const QString &pattern, const QString &text)
{
    return QRegularExpression(QStringLiteral("\\A(?:%1)\\z").arg(pattern)).match(text).hasMatch();
}

// Never echoes the field: a secret pasted into the wrong box must not reach a dialog or a log.
std::optional<AwsError> checkAccessKeyId(const QString &id)
{
    if (id.isEmpty())
        return AwsError::validation(QStringLiteral("Access key ID is empty"));
    if (matchesWhole(QStringLiteral("[A-Z0-9]{16,128}"), id))
        return std::nullopt;
    if (matchesWhole(QStringLiteral("[A-Za-z0-9/+]{40}"), id))
        return AwsError::validation(QStringLiteral("That looks like a secret access key: the access key ID is the shorter "
                                                   "upper-case one, like AKIAIOSFODNN7EXAMPLE"));
    return AwsError::validation(QStringLiteral("Access key ID must be 16-128 upper-case letters and digits, like "
                                               "AKIAIOSFODNN7EXAMPLE (got %1 characters)")
                                    .arg(id.size()));
}

std::optional<AwsError> checkRegion(const QString &region)
{
    if (region.isEmpty())
        return AwsError::validation(QStringLiteral("Region is empty: use e.g. us-east-1 (Ceph RGW: its zonegroup, often 'default')"));
    if (!matchesWhole(QStringLiteral("[A-Za-z0-9._-]{1,64}"), region))
        return AwsError::validation(QStringLiteral("Region '%1' may only hold letters, digits and ._-").arg(region.left(64)));
    return std::nullopt;
}

std::optional<AwsError> checkEndpointUrl(const QString &text)
{
    if (text.isEmpty())
        return std::nullopt;
    const QUrl url(text, QUrl::StrictMode);
    // Checked before anything echoes the URL: user info may be a password.
    if (!url.userInfo().isEmpty() || text.contains(QLatin1Char('@')))
        return AwsError::validation(QStringLiteral("Endpoint URL must not contain a user name or password"));
    if (!url.isValid() || url.host().isEmpty())
        return AwsError::validation(QStringLiteral("Endpoint URL '%1' is not a valid URL: use e.g. https://s3.example.com or http://127.0.0.1:7480")
                                        .arg(text.left(200)));
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return AwsError::validation(QStringLiteral("Endpoint URL must start with http:// or https://, got '%1'").arg(text.left(200)));
    if (url.hasQuery() || url.hasFragment() || (!url.path().isEmpty() && url.path() != QLatin1String("/")))
        return AwsError::validation(QStringLiteral("Endpoint URL '%1' must be a scheme, host and port only (no path, query or fragment)")
                                        .arg(text.left(200)));
    return std::nullopt;
}

std::optional<AwsError> checkMfaSerial(const QString &serial)
{
    // STS's SerialNumber: an MFA device ARN or a hardware token's serial.
    if (serial.isEmpty() || matchesWhole(QStringLiteral("[A-Za-z0-9_+=/:,.@-]{9,256}"), serial))
        return std::nullopt;
    return AwsError::validation(QStringLiteral("MFA serial must be an MFA device ARN (arn:aws:iam::123456789012:mfa/NAME) "
                                               "or a device serial number (9-256 characters)"));
}

// A CA file is read when the profile is saved, so a wrong path is said in the form, not at the first request.
std::optional<AwsError> checkCaFile(const QString &path)
{
    if (path.isEmpty())
        return std::nullopt;
    const auto trust = Http::TlsTrust::fromCaFile(path, QStringLiteral("the profile's CA file setting"));
    return trust ? std::nullopt : std::optional<AwsError>(trust.error());
}

std::optional<AwsError> checkHttpsUrl(const QString &text, const QString &what, const QString &example)
{
    const QUrl url(text, QUrl::StrictMode);
    if (text.isEmpty())
        return AwsError::validation(QStringLiteral("%1 is empty: use e.g. %2").arg(what, example));
    if (!url.userInfo().isEmpty() || text.contains(QLatin1Char('@')))
        return AwsError::validation(QStringLiteral("%1 must not contain a user name or password").arg(what));
    if (!url.isValid() || url.host().isEmpty() || url.scheme().toLower() != QLatin1String("https"))
        return AwsError::validation(QStringLiteral("%1 must be an https:// URL, like %2").arg(what, example));
    return std::nullopt;
}

std::optional<AwsError> checkIdentityCenter(const Profile &p)
{
    if (auto error = checkHttpsUrl(p.ssoStartUrl, QStringLiteral("Start URL"), QStringLiteral("https://d-1234567890.awsapps.com/start")))
        return error;
    if (auto error = checkRegion(p.ssoRegion))
        return AwsError::validation(QStringLiteral("Identity Center region: %1").arg(error->message));
    if (!p.ssoAccountId.isEmpty() && !matchesWhole(QStringLiteral("[0-9]{12}"), p.ssoAccountId))
        return AwsError::validation(QStringLiteral("Account ID must be 12 digits"));
    if (!p.ssoRoleName.isEmpty() && !matchesWhole(QStringLiteral("[\\w+=,.@-]{1,64}"), p.ssoRoleName))
        return AwsError::validation(QStringLiteral("Role name may hold letters, digits and +=,.@_- (at most 64)"));
    if (p.ssoAccountId.isEmpty() != p.ssoRoleName.isEmpty())
        return AwsError::validation(QStringLiteral("Give both an account and a role to open as, or neither (then pick one after signing in)"));
    return std::nullopt;
}

std::optional<AwsError> checkOpenIdConnect(const Profile &p)
{
    if (auto error = checkHttpsUrl(p.oidcIssuer, QStringLiteral("Issuer"), QStringLiteral("https://login.example.com")))
        return error;
    if (p.oidcClientId.isEmpty())
        return AwsError::validation(QStringLiteral("Client ID is empty: the provider shows it where RoleDrop was registered as a client"));
    if (!matchesWhole(QStringLiteral("arn:aws[a-z-]*:iam::[0-9]{0,12}:role/[\\w+=,.@/-]{1,512}"), p.oidcRoleArn))
        return AwsError::validation(QStringLiteral("Role ARN must look like arn:aws:iam::123456789012:role/NAME"));
    return std::nullopt;
}

QString kindName(ProfileKind kind)
{
    switch (kind) {
    case ProfileKind::IdentityCenter:
        return QStringLiteral("identity-center");
    case ProfileKind::OpenIdConnect:
        return QStringLiteral("openid-connect");
    case ProfileKind::AccessKeys:
        break;
    }
    return QStringLiteral("access-keys");
}

ProfileKind kindNamed(const QString &name)
{
    if (name == QLatin1String("identity-center"))
        return ProfileKind::IdentityCenter;
    if (name == QLatin1String("openid-connect"))
        return ProfileKind::OpenIdConnect;
    return ProfileKind::AccessKeys;
}

QString methodName(SsoSignInMethod method)
{
    switch (method) {
    case SsoSignInMethod::Browser:
        return QStringLiteral("browser");
    case SsoSignInMethod::DeviceCode:
        return QStringLiteral("device-code");
    case SsoSignInMethod::Automatic:
        break;
    }
    return QStringLiteral("automatic");
}

SsoSignInMethod methodNamed(const QString &name)
{
    if (name == QLatin1String("browser"))
        return SsoSignInMethod::Browser;
    if (name == QLatin1String("device-code"))
        return SsoSignInMethod::DeviceCode;
    return SsoSignInMethod::Automatic;
}

} // namespace

ProfileStore::ProfileStore(QSettings &settings) : m_settings(settings) {}

ProfileStore::ProfileStore(const QString &iniFilePath)
    : m_owned(std::make_unique<QSettings>(iniFilePath, QSettings::IniFormat)), m_settings(*m_owned)
{
}

ProfileStore::~ProfileStore() = default;

std::optional<AwsError> ProfileStore::checkName(const QString &name)
{
    if (name.trimmed().isEmpty())
        return AwsError::validation(QStringLiteral("Profile name is empty"));
    if (name != name.trimmed())
        return AwsError::validation(QStringLiteral("Profile name must not start or end with spaces"));
    if (name.size() > 64)
        return AwsError::validation(QStringLiteral("Profile name is longer than 64 characters"));
    // '/' and '\' would split the settings group; control characters have no business in a name.
    for (const QChar c : name) {
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c.category() == QChar::Other_Control)
            return AwsError::validation(QStringLiteral("Profile name '%1' must not contain '/', '\\' or control characters")
                                            .arg(QString(name).replace(QRegularExpression(QStringLiteral("\\p{Cc}")), QStringLiteral("?"))));
    }
    return std::nullopt;
}

Outcome<Profile> ProfileStore::validate(const Profile &input)
{
    Profile p = input;
    p.name = p.name.trimmed();
    p.accessKeyId = p.accessKeyId.trimmed();
    p.region = p.region.trimmed();
    p.endpointUrl = p.endpointUrl.trimmed();
    p.mfaSerial = p.mfaSerial.trimmed();
    p.caFile = p.caFile.trimmed();
    for (QString *field : {&p.ssoStartUrl, &p.ssoRegion, &p.ssoAccountId, &p.ssoRoleName, &p.oidcIssuer, &p.oidcClientId,
                           &p.oidcScopes, &p.oidcRoleArn})
        *field = field->trimmed();
    const auto kindCheck = [&]() -> std::optional<AwsError> {
        switch (p.kind) {
        case ProfileKind::IdentityCenter:
            return checkIdentityCenter(p);
        case ProfileKind::OpenIdConnect:
            return checkOpenIdConnect(p);
        case ProfileKind::AccessKeys:
            break;
        }
        return checkAccessKeyId(p.accessKeyId);
    };
    for (const auto &error : {checkName(p.name), kindCheck(), checkRegion(p.region), checkEndpointUrl(p.endpointUrl),
                              checkMfaSerial(p.mfaSerial), checkCaFile(p.caFile)}) {
        if (error)
            return *error;
    }
    return p;
}

QStringList ProfileStore::names() const
{
    m_settings.beginGroup(kGroup);
    QStringList names = m_settings.childGroups();
    m_settings.endGroup();
    names.sort();
    return names;
}

QList<Profile> ProfileStore::list() const
{
    QList<Profile> profiles;
    for (const QString &name : names()) {
        if (auto p = profile(name))
            profiles.append(*p);
    }
    return profiles;
}

bool ProfileStore::contains(const QString &name) const
{
    return !checkName(name) && names().contains(name);
}

std::optional<Profile> ProfileStore::profile(const QString &name) const
{
    if (!contains(name))
        return std::nullopt;
    m_settings.beginGroup(groupOf(name));
    Profile p;
    p.name = name;
    p.kind = kindNamed(m_settings.value(QStringLiteral("kind")).toString());
    p.accessKeyId = m_settings.value(QStringLiteral("accessKeyId")).toString();
    p.region = m_settings.value(QStringLiteral("region"), p.region).toString();
    p.endpointUrl = m_settings.value(QStringLiteral("endpointUrl")).toString();
    p.pathStyle = m_settings.value(QStringLiteral("pathStyle"), false).toBool();
    p.mfaSerial = m_settings.value(QStringLiteral("mfaSerial")).toString();
    p.caFile = m_settings.value(QStringLiteral("caFile")).toString();
    p.ssoStartUrl = m_settings.value(QStringLiteral("ssoStartUrl")).toString();
    p.ssoRegion = m_settings.value(QStringLiteral("ssoRegion")).toString();
    p.ssoAccountId = m_settings.value(QStringLiteral("ssoAccountId")).toString();
    p.ssoRoleName = m_settings.value(QStringLiteral("ssoRoleName")).toString();
    p.signInMethod = methodNamed(m_settings.value(QStringLiteral("signInMethod")).toString());
    p.oidcIssuer = m_settings.value(QStringLiteral("oidcIssuer")).toString();
    p.oidcClientId = m_settings.value(QStringLiteral("oidcClientId")).toString();
    p.oidcScopes = m_settings.value(QStringLiteral("oidcScopes"), p.oidcScopes).toString();
    p.oidcRoleArn = m_settings.value(QStringLiteral("oidcRoleArn")).toString();
    m_settings.endGroup();
    return p;
}

Outcome<Profile> ProfileStore::save(const Profile &input)
{
    auto valid = validate(input);
    if (!valid)
        return valid.error();
    const Profile &p = valid.value();
    // Replace the whole group so that no key from an older version lingers.
    m_settings.remove(groupOf(p.name));
    m_settings.beginGroup(groupOf(p.name));
    // Only what the kind uses is written: a kind's settings never linger under another.
    if (p.kind != ProfileKind::AccessKeys) {
        m_settings.setValue(QStringLiteral("kind"), kindName(p.kind));
        m_settings.setValue(QStringLiteral("signInMethod"), methodName(p.signInMethod));
    }
    if (p.kind == ProfileKind::AccessKeys)
        m_settings.setValue(QStringLiteral("accessKeyId"), p.accessKeyId);
    if (p.kind == ProfileKind::IdentityCenter) {
        m_settings.setValue(QStringLiteral("ssoStartUrl"), p.ssoStartUrl);
        m_settings.setValue(QStringLiteral("ssoRegion"), p.ssoRegion);
        m_settings.setValue(QStringLiteral("ssoAccountId"), p.ssoAccountId);
        m_settings.setValue(QStringLiteral("ssoRoleName"), p.ssoRoleName);
    }
    if (p.kind == ProfileKind::OpenIdConnect) {
        m_settings.setValue(QStringLiteral("oidcIssuer"), p.oidcIssuer);
        m_settings.setValue(QStringLiteral("oidcClientId"), p.oidcClientId);
        m_settings.setValue(QStringLiteral("oidcScopes"), p.oidcScopes);
        m_settings.setValue(QStringLiteral("oidcRoleArn"), p.oidcRoleArn);
    }
    m_settings.setValue(QStringLiteral("region"), p.region);
    m_settings.setValue(QStringLiteral("endpointUrl"), p.endpointUrl);
    m_settings.setValue(QStringLiteral("pathStyle"), p.pathStyle);
    m_settings.setValue(QStringLiteral("mfaSerial"), p.mfaSerial);
    if (!p.caFile.isEmpty())
        m_settings.setValue(QStringLiteral("caFile"), p.caFile);
    m_settings.endGroup();
    if (auto error = sync())
        return *error;
    return p;
}

bool ProfileStore::remove(const QString &name)
{
    if (!contains(name))
        return false;
    m_settings.remove(groupOf(name));
    return !sync();
}

Outcome<Profile> ProfileStore::rename(const QString &from, const QString &to)
{
    auto old = profile(from);
    if (!old)
        return AwsError::validation(QStringLiteral("No profile '%1' to rename").arg(from));
    if (auto error = checkName(to))
        return *error;
    if (to == from)
        return *old;
    if (contains(to))
        return AwsError::validation(QStringLiteral("A profile named '%1' already exists").arg(to));
    Profile renamed = *old;
    renamed.name = to;
    auto saved = save(renamed);
    if (!saved)
        return saved.error();
    m_settings.remove(groupOf(from));
    if (auto error = sync())
        return *error;
    return saved;
}

std::optional<AwsError> ProfileStore::sync()
{
    m_settings.sync();
    if (m_settings.status() != QSettings::NoError) {
        const QString file = m_settings.fileName();
        return AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot write the settings file %1").arg(file));
    }
    return std::nullopt;
}

} // namespace RoleDrop::Auth
