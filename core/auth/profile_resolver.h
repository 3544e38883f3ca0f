#pragma once

#include "core/common/aws_credentials.h"
#include "core/http/endpoint_config.h"
#include "core/common/async_result.h"
#include "core/sts/sts_requests.h"

#include <QList>
#include <QString>

#include <functional>

namespace RoleDrop::Auth {

class KeychainStore;
class ProfileStore;
class AwsSharedConfig;

// A profile turned into what requests need: the base credentials, where to send requests, and the
// roles to assume on top (a ~/.aws profile with role_arn/source_profile gives one step per link).
struct ResolvedProfile
{
    QString name;
    QString source;                 // "keychain", "~/.aws", "environment"
    AwsCredentials baseCredentials;
    Http::EndpointConfig endpoint;
    QString mfaSerial;
    QList<Sts::AssumeRoleRequest> roleSteps;  // in order, from the base outwards
};

// Looks a profile up in RoleDrop's own store first (secret from the keychain), then in ~/.aws;
// with no name: the environment's credentials, then ~/.aws's default profile.
// By the async contract of core/common/async_result.h.
void resolveProfile(const QString &name, const ProfileStore &profiles, KeychainStore &keychain,
                    const AwsSharedConfig &awsConfig, QObject *context, ResultHandler<ResolvedProfile> done);

} // namespace RoleDrop::Auth
