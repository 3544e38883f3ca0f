#include "core/auth/aws_config_file.h"

#include "core/auth/ini_parser.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>

namespace RoleDrop::Auth {

namespace {

QString expandHome(const QString &path)
{
    if (path == QLatin1String("~"))
        return QDir::homePath();
    if (path.startsWith(QLatin1String("~/")))
        return QDir::homePath() + path.mid(1);
    return path;
}

QString pathFromEnvironment(const char *variable, const QString &fallbackName)
{
    const QString fromEnv = qEnvironmentVariable(variable);
    if (!fromEnv.isEmpty())
        return expandHome(fromEnv);
    return QDir::homePath() + QStringLiteral("/.aws/") + fallbackName;
}

// botocore's shlex split of "profile NAME": quotes allow a name with spaces.
QString unquoted(const QString &s)
{
    if (s.size() >= 2 && ((s.startsWith(QLatin1Char('"')) && s.endsWith(QLatin1Char('"')))
                          || (s.startsWith(QLatin1Char('\'')) && s.endsWith(QLatin1Char('\''))))) {
        return s.mid(1, s.size() - 2);
    }
    return s;
}

bool isOtherKnownConfigSection(const QString &header)
{
    return header == QLatin1String("preview") || header == QLatin1String("plugins")
        || header.startsWith(QLatin1String("services "));
}

class Merger
{
public:
    explicit Merger(QStringList *problems) : m_problems(problems) {}

    void addConfig(const IniDocument &doc)
    {
        for (const IniSection &section : doc.sections) {
            const QString &h = section.header;
            if (h == QLatin1String("default")) {
                apply(doc.file, QStringLiteral("default"), section);
            } else if (h.startsWith(QLatin1String("profile")) && h.size() > 7 && h.at(7).isSpace()) {
                const QString name = unquoted(h.mid(8).trimmed());
                if (name.isEmpty() || (name == h.mid(8).trimmed() && name.contains(QLatin1Char(' '))))
                    problem(doc.file, section.line, QStringLiteral("profile name in [%1] is empty or has spaces (quote it); ignored").arg(h));
                else
                    apply(doc.file, name, section);
            } else if (h.startsWith(QLatin1String("sso-session")) && h.size() > 11 && h.at(11).isSpace()) {
                addSsoSession(doc.file, unquoted(h.mid(12).trimmed()), section);
            } else if (!isOtherKnownConfigSection(h)) {
                problem(doc.file, section.line,
                        QStringLiteral("[%1] is not a profile in the config file (write [profile %1]); ignored").arg(h));
            }
        }
    }

    void addCredentials(const IniDocument &doc)
    {
        for (const IniSection &section : doc.sections) {
            if (section.header.startsWith(QLatin1String("profile "))) {
                problem(doc.file, section.line,
                        QStringLiteral("the credentials file names profiles [NAME], not [%1]; ignored").arg(section.header));
                continue;
            }
            apply(doc.file, section.header, section);
        }
    }

    QList<AwsConfigProfile> profiles() const { return m_profiles; }
    QList<SsoSessionConfig> ssoSessions() const { return m_ssoSessions; }

private:
    void problem(const QString &file, int line, const QString &message)
    {
        m_problems->append(IniProblem{file, line, message}.toString());
    }

    AwsConfigProfile &profileNamed(const QString &name)
    {
        const auto it = m_index.constFind(name);
        if (it != m_index.cend())
            return m_profiles[*it];
        m_index.insert(name, m_profiles.size());
        m_profiles.append(AwsConfigProfile{});
        m_profiles.last().name = name;
        return m_profiles.last();
    }

    void addSsoSession(const QString &file, const QString &name, const IniSection &section)
    {
        if (name.isEmpty()) {
            problem(file, section.line, QStringLiteral("[%1] has no session name; ignored").arg(section.header));
            return;
        }
        SsoSessionConfig session;
        session.name = name;
        session.startUrl = section.properties.value(QStringLiteral("sso_start_url")).value;
        session.region = section.properties.value(QStringLiteral("sso_region")).value;
        const auto scopes = section.properties.constFind(QStringLiteral("sso_registration_scopes"));
        if (scopes != section.properties.cend()) {
            session.registrationScopes.clear();
            for (const QString &scope : scopes->value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                if (!scope.trimmed().isEmpty())
                    session.registrationScopes.append(scope.trimmed());
            }
        }
        for (SsoSessionConfig &existing : m_ssoSessions) {
            if (existing.name == name) {
                existing = session;
                return;
            }
        }
        m_ssoSessions.append(session);
    }

    void apply(const QString &file, const QString &name, const IniSection &section)
    {
        AwsConfigProfile &p = profileNamed(name);
        const QHash<QString, QString *> fields{
            {QStringLiteral("region"), &p.region},
            {QStringLiteral("role_arn"), &p.roleArn},
            {QStringLiteral("source_profile"), &p.sourceProfile},
            {QStringLiteral("credential_source"), &p.credentialSource},
            {QStringLiteral("mfa_serial"), &p.mfaSerial},
            {QStringLiteral("external_id"), &p.externalId},
            {QStringLiteral("role_session_name"), &p.roleSessionName},
            {QStringLiteral("endpoint_url"), &p.endpointUrl},
            {QStringLiteral("request_checksum_calculation"), &p.requestChecksumCalculation},
            {QStringLiteral("response_checksum_validation"), &p.responseChecksumValidation},
            {QStringLiteral("ca_bundle"), &p.caBundle},
            {QStringLiteral("aws_access_key_id"), &p.accessKeyId},
            {QStringLiteral("aws_secret_access_key"), &p.secretAccessKey},
            {QStringLiteral("aws_session_token"), &p.sessionToken},
            {QStringLiteral("sso_session"), &p.ssoSession},
            {QStringLiteral("sso_account_id"), &p.ssoAccountId},
            {QStringLiteral("sso_role_name"), &p.ssoRoleName},
            {QStringLiteral("sso_start_url"), &p.ssoStartUrl},
            {QStringLiteral("sso_region"), &p.ssoRegion},
            {QStringLiteral("web_identity_token_file"), &p.webIdentityTokenFile},
        };
        for (auto it = section.properties.cbegin(); it != section.properties.cend(); ++it) {
            if (QString *field = fields.value(it.key()))
                *field = it->value;
        }
        const auto duration = section.properties.constFind(QStringLiteral("duration_seconds"));
        if (duration != section.properties.cend()) {
            bool ok = false;
            const int seconds = duration->value.toInt(&ok);
            if (ok && seconds > 0)
                p.durationSeconds = seconds;
            else
                problem(file, duration->line,
                        QStringLiteral("duration_seconds of profile '%1' is not a positive whole number; ignored").arg(name));
        }
    }

    QStringList *m_problems;
    QList<AwsConfigProfile> m_profiles;
    QList<SsoSessionConfig> m_ssoSessions;
    QHash<QString, int> m_index;
};

} // namespace

QString AwsSharedConfig::configPathFromEnvironment()
{
    return pathFromEnvironment("AWS_CONFIG_FILE", QStringLiteral("config"));
}

QString AwsSharedConfig::credentialsPathFromEnvironment()
{
    return pathFromEnvironment("AWS_SHARED_CREDENTIALS_FILE", QStringLiteral("credentials"));
}

AwsSharedConfig AwsSharedConfig::load()
{
    AwsSharedConfig config = load(configPathFromEnvironment(), credentialsPathFromEnvironment());
    // A missing ~/.aws file is normal; a missing file someone named on purpose is worth a word.
    for (const char *variable : {"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}) {
        const QString named = qEnvironmentVariable(variable);
        if (!named.isEmpty() && !QFileInfo::exists(expandHome(named)))
            config.m_problems.append(QStringLiteral("%1: named by %2 but does not exist").arg(expandHome(named), QLatin1String(variable)));
    }
    return config;
}

AwsSharedConfig AwsSharedConfig::load(const QString &configPath, const QString &credentialsPath)
{
    AwsSharedConfig config;
    config.m_configPath = configPath;
    config.m_credentialsPath = credentialsPath;
    const IniDocument configDoc = readIniFile(configPath);
    const IniDocument credentialsDoc = readIniFile(credentialsPath);
    for (const IniProblem &p : configDoc.problems)
        config.m_problems.append(p.toString());
    for (const IniProblem &p : credentialsDoc.problems)
        config.m_problems.append(p.toString());
    Merger merger(&config.m_problems);
    merger.addConfig(configDoc);
    merger.addCredentials(credentialsDoc); // second, so that it wins
    config.m_profiles = merger.profiles();
    config.m_ssoSessions = merger.ssoSessions();
    return config;
}

QStringList AwsSharedConfig::profileNames() const
{
    QStringList names;
    for (const AwsConfigProfile &p : m_profiles)
        names.append(p.name);
    return names;
}

std::optional<AwsConfigProfile> AwsSharedConfig::profile(const QString &name) const
{
    for (const AwsConfigProfile &p : m_profiles) {
        if (p.name == name)
            return p;
    }
    return std::nullopt;
}

Outcome<QList<AwsConfigProfile>> AwsSharedConfig::resolveChain(const QString &name) const
{
    const QString files = QStringLiteral("%1 or %2").arg(m_configPath, m_credentialsPath);
    auto first = profile(name);
    if (!first)
        return AwsError::validation(QStringLiteral("No profile '%1' in %2").arg(name, files));

    QList<AwsConfigProfile> chain{*first};
    QStringList visited{name};
    for (;;) {
        const AwsConfigProfile &current = chain.last();
        if (current.roleArn.isEmpty())
            return chain; // no role to assume: this profile's own credentials are the base
        const bool hasSource = !current.sourceProfile.isEmpty();
        const bool hasCredentialSource = !current.credentialSource.isEmpty();
        // An Identity Center sign-in gives the profile credentials of its own, as static keys do.
        if (current.usesSso() && (!hasSource || current.sourceProfile == current.name) && !hasCredentialSource)
            return chain;
        // So does a web identity token file (role_arn is then the role AssumeRoleWithWebIdentity assumes).
        if (!current.webIdentityTokenFile.isEmpty() && !hasSource && !hasCredentialSource)
            return chain;
        if (hasSource && hasCredentialSource)
            return AwsError::validation(QStringLiteral("Profile '%1' sets both source_profile and credential_source; keep one")
                                            .arg(current.name));
        if (hasCredentialSource)
            return chain;
        if (!hasSource)
            return AwsError::validation(QStringLiteral("Profile '%1' has role_arn but neither source_profile nor credential_source")
                                            .arg(current.name));
        if (current.sourceProfile == current.name && (current.hasStaticCredentials() || current.usesSso()))
            return chain;
        if (visited.contains(current.sourceProfile)) {
            visited.append(current.sourceProfile);
            return AwsError::validation(QStringLiteral("source_profile cycle: %1").arg(visited.join(QStringLiteral(" -> "))));
        }
        auto next = profile(current.sourceProfile);
        if (!next)
            return AwsError::validation(QStringLiteral("Profile '%1' has source_profile = %2, but there is no profile '%2' in %3")
                                            .arg(current.name, current.sourceProfile, files));
        visited.append(next->name);
        chain.append(*next);
    }
}

QStringList AwsSharedConfig::ssoSessionNames() const
{
    QStringList names;
    for (const SsoSessionConfig &s : m_ssoSessions)
        names.append(s.name);
    return names;
}

std::optional<SsoSessionConfig> AwsSharedConfig::ssoSession(const QString &name) const
{
    for (const SsoSessionConfig &s : m_ssoSessions) {
        if (s.name == name)
            return s;
    }
    return std::nullopt;
}

Outcome<SsoSessionConfig> AwsSharedConfig::ssoSessionOf(const AwsConfigProfile &profile) const
{
    if (!profile.usesSso())
        return AwsError::validation(QStringLiteral("Profile '%1' has no sso_session or sso_start_url").arg(profile.name));
    SsoSessionConfig config;
    if (!profile.ssoSession.isEmpty()) {
        const auto session = ssoSession(profile.ssoSession);
        if (!session)
            return AwsError::validation(QStringLiteral("Profile '%1' has sso_session = %2, but there is no [sso-session %2] in %3")
                                            .arg(profile.name, profile.ssoSession, m_configPath));
        config = *session;
        // botocore: a profile may repeat its session's start URL and region, but not contradict them.
        if ((!profile.ssoStartUrl.isEmpty() && profile.ssoStartUrl != config.startUrl)
            || (!profile.ssoRegion.isEmpty() && profile.ssoRegion != config.region))
            return AwsError::validation(QStringLiteral("Profile '%1' sets sso_start_url or sso_region other than its [sso-session %2]'s; "
                                                       "remove them from the profile").arg(profile.name, profile.ssoSession));
    } else {
        config.startUrl = profile.ssoStartUrl;
        config.region = profile.ssoRegion;
        config.registrationScopes.clear();  // the legacy form: a token without refresh, as the AWS CLI gets it
    }
    const QString where = profile.ssoSession.isEmpty() ? QStringLiteral("Profile '%1'").arg(profile.name)
                                                       : QStringLiteral("[sso-session %1]").arg(profile.ssoSession);
    if (config.startUrl.isEmpty())
        return AwsError::validation(QStringLiteral("%1 has no sso_start_url").arg(where));
    if (config.region.isEmpty())
        return AwsError::validation(QStringLiteral("%1 has no sso_region").arg(where));
    return config;
}

} // namespace RoleDrop::Auth
