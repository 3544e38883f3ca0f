#pragma once

#include "core/common/aws_credentials.h"

#include <QString>

#include <optional>

namespace RoleDrop::Auth {

// AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), as every AWS tool reads
// them. Nothing unless both the key id and the secret are set and non-blank.
std::optional<AwsCredentials> credentialsFromEnvironment();

// AWS_REGION, else AWS_DEFAULT_REGION (the CLI's older name), else empty.
QString regionFromEnvironment();

// AWS_PROFILE, else AWS_DEFAULT_PROFILE, else empty.
QString profileNameFromEnvironment();

// AWS_CA_BUNDLE (a PEM file of CAs to trust besides the system's), else empty.
QString caBundleFromEnvironment();

} // namespace RoleDrop::Auth
