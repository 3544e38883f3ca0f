#include "core/auth/environment_credentials.h"

namespace RoleDrop::Auth {

namespace {

QString firstSet(std::initializer_list<const char *> variables)
{
    for (const char *variable : variables) {
        const QString value = qEnvironmentVariable(variable).trimmed();
        if (!value.isEmpty())
            return value;
    }
    return {};
}

} // namespace

std::optional<AwsCredentials> credentialsFromEnvironment()
{
    AwsCredentials credentials;
    credentials.accessKeyId = firstSet({"AWS_ACCESS_KEY_ID"});
    credentials.secretAccessKey = firstSet({"AWS_SECRET_ACCESS_KEY"});
    credentials.sessionToken = firstSet({"AWS_SESSION_TOKEN"});
    if (!credentials.isValid())
        return std::nullopt;
    return credentials;
}

QString regionFromEnvironment()
{
    return firstSet({"AWS_REGION", "AWS_DEFAULT_REGION"});
}

QString profileNameFromEnvironment()
{
    return firstSet({"AWS_PROFILE", "AWS_DEFAULT_PROFILE"});
}

QString caBundleFromEnvironment()
{
    return firstSet({"AWS_CA_BUNDLE"});
}

} // namespace RoleDrop::Auth
