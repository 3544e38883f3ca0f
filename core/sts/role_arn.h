#pragma once

#include "core/common/outcome.h"

#include <QString>

#include <optional>

namespace RoleDrop::Sts {

// arn:PARTITION:iam::ACCOUNT:role/PATH/NAME. `accountId` is empty for Ceph RGW's roles
// (arn:aws:iam:::role/S3Access); `path` is "/" or "/seg/.../" as IAM reports it.
struct RoleArn
{
    QString partition;
    QString accountId;
    QString path = QStringLiteral("/");
    QString roleName;

    QString toString() const;
    bool operator==(const RoleArn &) const = default;
};

// arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION: what GetCallerIdentity and AssumeRole
// report for a role session. Seeing one as the caller means the next AssumeRole is role chaining.
struct AssumedRoleArn
{
    QString partition;
    QString accountId;
    QString roleName;
    QString sessionName;

    QString toString() const;
    RoleArn roleArn() const; // path is lost in assumed-role ARNs, so it comes back as "/"
};

// arn:PARTITION:iam::ACCOUNT:user/PATH/NAME.
struct IamUserArn
{
    QString partition;
    QString accountId;
    QString path = QStringLiteral("/");
    QString userName;

    QString toString() const;
};

Outcome<RoleArn> parseRoleArn(const QString &arn);
Outcome<AssumedRoleArn> parseAssumedRoleArn(const QString &arn);
Outcome<IamUserArn> parseIamUserArn(const QString &arn);
bool isAssumedRoleArn(const QString &arn);

// The console's Switch Role form: an account id (12 digits, "1234-5678-9012" accepted) and a
// role name, optionally with a path ("team/Admin"). A full role ARN in the role field wins and
// the account field is then ignored, as in the console.
Outcome<RoleArn> roleArnFromAccountAndName(const QString &accountId, const QString &roleNameOrArn,
                                           const QString &partition = QStringLiteral("aws"));

// Shared with the forms that check one field at a time; empty optional means valid.
std::optional<AwsError> checkAccountId(const QString &accountId);
std::optional<AwsError> checkRoleName(const QString &roleName);

} // namespace RoleDrop::Sts
