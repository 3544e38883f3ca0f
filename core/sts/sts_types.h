#pragma once

#include "core/common/aws_credentials.h"

#include <QString>

namespace RoleDrop::Sts {

// What STS answers, as plain values: the STS client returns them, the UI shows them.

// The identity a role session acts as, e.g. arn:aws:sts::123456789012:assumed-role/S3Access/james.
struct AssumedRoleUser
{
    QString arn;
    QString assumedRoleId;
};

struct AssumeRoleResult
{
    AwsCredentials credentials;
    AssumedRoleUser assumedRoleUser;
    int packedPolicySize = -1; // percent of the allowed size; -1 when the server does not say
    QString sourceIdentity;
};

// AssumeRoleWithWebIdentity's answer: the role session, and what STS read from the ID token.
struct AssumeRoleWithWebIdentityResult
{
    AwsCredentials credentials;
    AssumedRoleUser assumedRoleUser;
    QString subjectFromWebIdentityToken; // the token's sub
    QString audience;                    // the token's aud (the client id) STS matched
    QString provider;                    // the token's issuer, as STS names it
    int packedPolicySize = -1;
    QString sourceIdentity;
};

struct SessionTokenResult
{
    AwsCredentials credentials;
};

struct CallerIdentity
{
    QString account;
    QString arn;
    QString userId;
};

} // namespace RoleDrop::Sts
