#include "core/sts/role_arn.h"

#include <QRegularExpression>
#include <QStringList>

namespace RoleDrop::Sts {

namespace {

const QString kExample = QStringLiteral("arn:aws:iam::123456789012:role/NAME");

// IAM's own character set for role, user and session names, spelled out so that no Unicode
// mode of the regex engine can widen \w.
bool isIamName(const QString &s, int minLength, int maxLength)
{
    static const QRegularExpression re(QStringLiteral("\\A[A-Za-z0-9_+=,.@-]+\\z"));
    return s.size() >= minLength && s.size() <= maxLength && re.match(s).hasMatch();
}

// Echoes user input in messages without letting a pasted novel flood a dialog.
QString quoted(const QString &s)
{
    constexpr int kMax = 120;
    return QLatin1Char('\'') + (s.size() > kMax ? s.left(kMax) + QStringLiteral("...") : s) + QLatin1Char('\'');
}

bool isKnownPartition(const QString &p)
{
    return p == QLatin1String("aws") || p == QLatin1String("aws-cn") || p == QLatin1String("aws-us-gov");
}

struct ArnParts
{
    QString partition, service, region, account, resource;
};

Outcome<ArnParts> splitArn(const QString &arn, const QString &what)
{
    if (arn.isEmpty())
        return AwsError::validation(QStringLiteral("%1 is empty: expected %2").arg(what, kExample));
    // The resource may itself contain ':' in other services, so only the first five split.
    QStringList parts;
    int from = 0;
    for (int i = 0; i < 5; ++i) {
        const int colon = arn.indexOf(QLatin1Char(':'), from);
        if (colon < 0)
            break;
        parts << arn.mid(from, colon - from);
        from = colon + 1;
    }
    if (parts.size() < 5 || parts[0] != QLatin1String("arn"))
        return AwsError::validation(QStringLiteral("%1 %2 is not an ARN: expected %3").arg(what, quoted(arn), kExample));
    ArnParts p{parts[1], parts[2], parts[3], parts[4], arn.mid(from)};
    if (!isKnownPartition(p.partition))
        return AwsError::validation(QStringLiteral("Unknown partition %1 in %2: expected aws, aws-cn or aws-us-gov")
                                        .arg(quoted(p.partition), quoted(arn)));
    if (!p.region.isEmpty())
        return AwsError::validation(QStringLiteral("IAM and STS ARNs have no region, got %1 in %2").arg(quoted(p.region), quoted(arn)));
    if (!p.account.isEmpty()) {
        if (auto error = checkAccountId(p.account))
            return *error;
    }
    return p;
}

// "path/segments/name" -> path "/path/segments/" and name; segments follow the name's rules.
std::optional<AwsError> splitPathAndName(const QString &pathAndName, const QString &kind, const QString &arn,
                                         QString *path, QString *name)
{
    QStringList segments = pathAndName.split(QLatin1Char('/'));
    *name = segments.takeLast();
    if (auto error = checkRoleName(*name)) {
        if (kind != QLatin1String("Role"))
            return AwsError::validation(QStringLiteral("%1 name must be 1-64 letters, digits or +=,.@_-, got %2")
                                            .arg(kind, quoted(*name)));
        return error;
    }
    for (const QString &segment : segments) {
        if (segment.isEmpty())
            return AwsError::validation(QStringLiteral("%1 path in %2 has an empty segment ('//')").arg(kind, quoted(arn)));
        if (!isIamName(segment, 1, 512))
            return AwsError::validation(QStringLiteral("%1 path segment %2 in %3 may only hold letters, digits or +=,.@_-")
                                            .arg(kind, quoted(segment), quoted(arn)));
    }
    *path = segments.isEmpty() ? QStringLiteral("/") : QLatin1Char('/') + segments.join(QLatin1Char('/')) + QLatin1Char('/');
    if (path->size() > 512)
        return AwsError::validation(QStringLiteral("%1 path in %2 is longer than 512 characters").arg(kind, quoted(arn)));
    return std::nullopt;
}

} // namespace

QString RoleArn::toString() const
{
    return QStringLiteral("arn:%1:iam::%2:role%3%4").arg(partition, accountId, path.isEmpty() ? QStringLiteral("/") : path, roleName);
}

QString AssumedRoleArn::toString() const
{
    return QStringLiteral("arn:%1:sts::%2:assumed-role/%3/%4").arg(partition, accountId, roleName, sessionName);
}

RoleArn AssumedRoleArn::roleArn() const
{
    return RoleArn{partition, accountId, QStringLiteral("/"), roleName};
}

QString IamUserArn::toString() const
{
    return QStringLiteral("arn:%1:iam::%2:user%3%4").arg(partition, accountId, path.isEmpty() ? QStringLiteral("/") : path, userName);
}

std::optional<AwsError> checkAccountId(const QString &accountId)
{
    static const QRegularExpression twelveDigits(QStringLiteral("\\A[0-9]{12}\\z"));
    if (accountId.isEmpty())
        return AwsError::validation(QStringLiteral("Account ID is empty: enter the 12-digit account ID"));
    if (!twelveDigits.match(accountId).hasMatch())
        return AwsError::validation(QStringLiteral("Account ID must be 12 digits, got %1").arg(quoted(accountId)));
    return std::nullopt;
}

std::optional<AwsError> checkRoleName(const QString &roleName)
{
    if (roleName.isEmpty())
        return AwsError::validation(QStringLiteral("Role name is empty"));
    if (!isIamName(roleName, 1, 64))
        return AwsError::validation(QStringLiteral("Role name must be 1-64 letters, digits or +=,.@_-, got %1").arg(quoted(roleName)));
    return std::nullopt;
}

Outcome<RoleArn> parseRoleArn(const QString &arnText)
{
    const QString arn = arnText.trimmed();
    auto parts = splitArn(arn, QStringLiteral("Role ARN"));
    if (!parts)
        return parts.error();
    const ArnParts &p = parts.value();
    if (p.service == QLatin1String("sts") && p.resource.startsWith(QLatin1String("assumed-role/")))
        return AwsError::validation(QStringLiteral("%1 is a role session (assumed-role) ARN, not a role ARN: use %2")
                                        .arg(quoted(arn), QStringLiteral("arn:%1:iam::%2:role/%3")
                                                              .arg(p.partition, p.account, p.resource.section(QLatin1Char('/'), 1, 1))));
    if (p.service != QLatin1String("iam"))
        return AwsError::validation(QStringLiteral("Expected an IAM role ARN (service 'iam'), got service %1 in %2")
                                        .arg(quoted(p.service), quoted(arn)));
    if (!p.resource.startsWith(QLatin1String("role/"))) {
        const QString kind = p.resource.section(QLatin1Char('/'), 0, 0);
        return AwsError::validation(QStringLiteral("%1 is an IAM %2 ARN, not a role ARN: expected %3")
                                        .arg(quoted(arn), kind.isEmpty() ? QStringLiteral("resource") : quoted(kind), kExample));
    }
    RoleArn result{p.partition, p.account, {}, {}};
    if (auto error = splitPathAndName(p.resource.mid(5), QStringLiteral("Role"), arn, &result.path, &result.roleName))
        return *error;
    return result;
}

Outcome<AssumedRoleArn> parseAssumedRoleArn(const QString &arnText)
{
    const QString arn = arnText.trimmed();
    auto parts = splitArn(arn, QStringLiteral("Assumed-role ARN"));
    if (!parts)
        return parts.error();
    const ArnParts &p = parts.value();
    const QStringList resource = p.resource.split(QLatin1Char('/'));
    if (p.service != QLatin1String("sts") || resource.size() != 3 || resource[0] != QLatin1String("assumed-role"))
        return AwsError::validation(QStringLiteral("%1 is not an assumed-role ARN: expected arn:aws:sts::123456789012:assumed-role/ROLE/SESSION")
                                        .arg(quoted(arn)));
    if (auto error = checkRoleName(resource[1]))
        return *error;
    if (!isIamName(resource[2], 2, 64))
        return AwsError::validation(QStringLiteral("Session name must be 2-64 letters, digits or +=,.@_-, got %1").arg(quoted(resource[2])));
    return AssumedRoleArn{p.partition, p.account, resource[1], resource[2]};
}

Outcome<IamUserArn> parseIamUserArn(const QString &arnText)
{
    const QString arn = arnText.trimmed();
    auto parts = splitArn(arn, QStringLiteral("User ARN"));
    if (!parts)
        return parts.error();
    const ArnParts &p = parts.value();
    if (p.service != QLatin1String("iam") || !p.resource.startsWith(QLatin1String("user/")))
        return AwsError::validation(QStringLiteral("%1 is not an IAM user ARN: expected arn:aws:iam::123456789012:user/NAME").arg(quoted(arn)));
    IamUserArn result{p.partition, p.account, {}, {}};
    if (auto error = splitPathAndName(p.resource.mid(5), QStringLiteral("User"), arn, &result.path, &result.userName))
        return *error;
    return result;
}

bool isAssumedRoleArn(const QString &arn)
{
    return parseAssumedRoleArn(arn).ok();
}

Outcome<RoleArn> roleArnFromAccountAndName(const QString &accountText, const QString &roleText, const QString &partition)
{
    const QString role = roleText.trimmed();
    if (role.startsWith(QLatin1String("arn:")))
        return parseRoleArn(role);
    if (!isKnownPartition(partition))
        return AwsError::validation(QStringLiteral("Unknown partition %1: expected aws, aws-cn or aws-us-gov").arg(quoted(partition)));

    QString account = accountText.trimmed();
    // The console prints account ids as 1234-5678-9012; people paste them that way.
    static const QRegularExpression dashed(QStringLiteral("\\A[0-9]{4}-[0-9]{4}-[0-9]{4}\\z"));
    if (dashed.match(account).hasMatch())
        account.remove(QLatin1Char('-'));
    if (account.isEmpty())
        return AwsError::validation(QStringLiteral("Account ID is empty: enter the 12-digit account ID, "
                                                   "or the full role ARN (for Ceph RGW: arn:aws:iam:::role/NAME)"));
    if (auto error = checkAccountId(account))
        return *error;
    if (role.isEmpty())
        return AwsError::validation(QStringLiteral("Role name is empty"));

    QString pathAndName = role;
    if (pathAndName.startsWith(QLatin1Char('/')))
        pathAndName.remove(0, 1);
    RoleArn result{partition, account, {}, {}};
    if (auto error = splitPathAndName(pathAndName, QStringLiteral("Role"), role, &result.path, &result.roleName))
        return *error;
    return result;
}

} // namespace RoleDrop::Sts
