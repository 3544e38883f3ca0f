#include "core/auth/profile_resolver.h"

#include "core/auth/aws_config_file.h"
#include "core/auth/environment_credentials.h"
#include "core/auth/keychain_store.h"
#include "core/auth/profile_store.h"

#include <QDir>

namespace RoleDrop::Auth {

namespace {

Outcome<ResolvedProfile> fromAwsConfig(const QString &name, const AwsSharedConfig &awsConfig)
{
    const auto chain = awsConfig.resolveChain(name);
    if (!chain)
        return chain.error();
    const QList<AwsConfigProfile> &links = chain.value();
    const AwsConfigProfile &base = links.last();
    ResolvedProfile resolved;
    resolved.name = name;
    resolved.source = QStringLiteral("~/.aws");
    if (base.hasStaticCredentials()) {
        resolved.baseCredentials = {base.accessKeyId, base.secretAccessKey, base.sessionToken, QDateTime()};
    } else if (base.usesSso()) {
        const auto session = awsConfig.ssoSessionOf(base);
        if (!session)
            return session.error();
        IdentityCenterSource source;
        source.session = session.value();
        source.accountId = base.ssoAccountId;
        source.roleName = base.ssoRoleName;
        resolved.identityCenter = source;
    } else if (!base.webIdentityTokenFile.isEmpty() && !base.roleArn.isEmpty()) {
        // The EKS / CI form: the base is the role assumed with the token the file holds.
        WebIdentitySource source;
        source.roleArn = base.roleArn;
        source.roleSessionName = !base.roleSessionName.isEmpty() ? base.roleSessionName
                                                                : Sts::defaultSessionName(QStringLiteral("roledrop-") + base.name);
        source.tokenFile = QDir::cleanPath(base.webIdentityTokenFile.startsWith(QLatin1String("~/"))
                                               ? QDir::homePath() + base.webIdentityTokenFile.mid(1)
                                               : base.webIdentityTokenFile);
        resolved.webIdentity = source;
    } else if (base.credentialSource == QLatin1String("Environment")) {
        const auto env = credentialsFromEnvironment();
        if (!env)
            return AwsError::validation(QStringLiteral("Profile '%1' takes its credentials from the environment, but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set").arg(base.name));
        resolved.baseCredentials = *env;
    } else {
        return AwsError::validation(QStringLiteral("Profile '%1' has no access keys (credential_source '%2' is not supported)").arg(base.name, base.credentialSource));
    }
    const AwsConfigProfile &top = links.first();
    resolved.endpoint.region = !top.region.isEmpty() ? top.region : (!base.region.isEmpty() ? base.region : regionFromEnvironment());
    const QString endpointUrl = !top.endpointUrl.isEmpty() ? top.endpointUrl : base.endpointUrl;
    if (!endpointUrl.isEmpty()) {
        const auto url = Http::EndpointConfig::parseEndpointUrl(endpointUrl);
        if (!url)
            return url.error();
        resolved.endpoint.customEndpoint = url.value();
        resolved.endpoint.pathStyle = true;
    }
    resolved.mfaSerial = base.mfaSerial;
    // As botocore reads them: from the profile named, not from its source profiles.
    resolved.requestChecksumCalculation = top.requestChecksumCalculation;
    resolved.responseChecksumValidation = top.responseChecksumValidation;
    const AwsConfigProfile &caNaming = !top.caBundle.isEmpty() ? top : base;
    if (!caNaming.caBundle.isEmpty()) {
        resolved.caFile = caNaming.caBundle;
        resolved.caFileOrigin = QStringLiteral("ca_bundle of profile '%1' in %2").arg(caNaming.name, awsConfig.configPath());
    }
    // The base is last in the chain; every link above it assumes its role from the one below.
    for (qsizetype i = links.size() - 1; i >= 0; --i) {
        const AwsConfigProfile &link = links.at(i);
        if (link.roleArn.isEmpty() || (i == links.size() - 1 && resolved.webIdentity))
            continue;
        Sts::AssumeRoleRequest step;
        step.roleArn = link.roleArn;
        step.roleSessionName = link.roleSessionName.isEmpty() ? Sts::defaultSessionName(QStringLiteral("roledrop-") + link.name) : link.roleSessionName;
        step.externalId = link.externalId;
        step.serialNumber = link.mfaSerial;
        step.durationSeconds = link.durationSeconds > 0 ? link.durationSeconds : 3600;
        resolved.roleSteps.append(step);
    }
    return resolved;
}

// RoleDrop's Identity Center and OpenID Connect profiles hold no key: their credentials come after sign-in.
Outcome<ResolvedProfile> fromFederatedProfile(const Profile &p)
{
    ResolvedProfile resolved;
    resolved.name = p.name;
    resolved.source = QStringLiteral("keychain");
    resolved.endpoint.region = p.region;
    resolved.endpoint.pathStyle = p.pathStyle;
    if (!p.endpointUrl.isEmpty()) {
        const auto url = Http::EndpointConfig::parseEndpointUrl(p.endpointUrl);
        if (!url)
            return url.error();
        resolved.endpoint.customEndpoint = url.value();
    }
    if (!p.caFile.isEmpty()) {
        resolved.caFile = p.caFile;
        resolved.caFileOrigin = QStringLiteral("the CA file setting of profile '%1'").arg(p.name);
    }
    if (p.kind == ProfileKind::IdentityCenter) {
        IdentityCenterSource source;
        source.session = p.ssoSession();
        source.accountId = p.ssoAccountId;
        source.roleName = p.ssoRoleName;
        source.method = p.signInMethod;
        resolved.identityCenter = source;
    } else {
        WebIdentitySource source;
        source.roleArn = p.oidcRoleArn;
        source.roleSessionName = Sts::defaultSessionName(QStringLiteral("roledrop-") + p.name);
        source.issuer = p.oidcIssuer;
        source.clientId = p.oidcClientId;
        source.scopes = p.oidcScopes;
        source.method = p.signInMethod;
        resolved.webIdentity = source;
    }
    return resolved;
}

} // namespace

void resolveProfile(const QString &name, const ProfileStore &profiles, KeychainStore &keychain,
                    const AwsSharedConfig &awsConfig, QObject *context, ResultHandler<ResolvedProfile> done)
{
    done = deliverTo(context, std::move(done));
    if (name.isEmpty()) {
        if (const auto env = credentialsFromEnvironment()) {
            ResolvedProfile resolved;
            resolved.name = QStringLiteral("environment");
            resolved.source = QStringLiteral("environment");
            resolved.baseCredentials = *env;
            const QString region = regionFromEnvironment();
            if (!region.isEmpty())
                resolved.endpoint.region = region;
            done(resolved);
            return;
        }
        if (awsConfig.profile(QStringLiteral("default"))) {
            done(fromAwsConfig(QStringLiteral("default"), awsConfig));
            return;
        }
        done(AwsError::validation(QStringLiteral("No credentials: pick a profile with --profile NAME (see 'roledrop profiles'), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")));
        return;
    }
    if (const auto profile = profiles.profile(name); profile && profile->kind != ProfileKind::AccessKeys) {
        done(fromFederatedProfile(*profile));
        return;
    }
    if (const auto profile = profiles.profile(name)) {
        const Profile p = *profile;
        keychain.readSecret(p.name, context, [p, done](Outcome<QString> secret) {
            if (!secret)
                return done(secret.error());
            ResolvedProfile resolved;
            resolved.name = p.name;
            resolved.source = QStringLiteral("keychain");
            resolved.baseCredentials = {p.accessKeyId, secret.value(), QString(), QDateTime()};
            resolved.endpoint.region = p.region;
            resolved.endpoint.pathStyle = p.pathStyle;
            if (!p.endpointUrl.isEmpty()) {
                const auto url = Http::EndpointConfig::parseEndpointUrl(p.endpointUrl);
                if (!url)
                    return done(url.error());
                resolved.endpoint.customEndpoint = url.value();
            }
            resolved.mfaSerial = p.mfaSerial;
            if (!p.caFile.isEmpty()) {
                resolved.caFile = p.caFile;
                resolved.caFileOrigin = QStringLiteral("the CA file setting of profile '%1'").arg(p.name);
            }
            done(resolved);
        });
        return;
    }
    if (awsConfig.profile(name)) {
        done(fromAwsConfig(name, awsConfig));
        return;
    }
    done(AwsError::validation(QStringLiteral("No profile named '%1' in RoleDrop or in %2 / %3")
                                  .arg(name, awsConfig.configPath(), awsConfig.credentialsPath())));
}

} // namespace RoleDrop::Auth
