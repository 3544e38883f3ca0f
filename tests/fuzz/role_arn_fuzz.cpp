// libFuzzer target for core/sts/role_arn: the input, as UTF-8, goes to every ARN parser, and to the Switch
// Role form's roleArnFromAccountAndName split at its first newline (account, then role; without a newline
// the account is 123456789012). What parses is well-formed and survives toString() and a second parse.

#include "core/sts/role_arn.h"

#include "fuzz_check.h"

using namespace RoleDrop;
using namespace RoleDrop::Sts;

namespace {

bool isKnownPartition(const QString &partition)
{
    return partition == QLatin1String("aws") || partition == QLatin1String("aws-cn") || partition == QLatin1String("aws-us-gov");
}

void checkAccount(const QString &account, const QString &context)
{
    FUZZ_CHECK(account.isEmpty() || !checkAccountId(account), QStringLiteral("%1: account '%2'").arg(context, account));
}

void checkPath(const QString &path, const QString &context)
{
    FUZZ_CHECK(path.startsWith(QLatin1Char('/')) && path.endsWith(QLatin1Char('/')) && !path.contains(QLatin1String("//"))
                   && path.size() <= 512,
               QStringLiteral("%1: path '%2'").arg(context, path));
}

template <class T>
bool failedProperly(const Outcome<T> &parsed, const char *what)
{
    if (parsed)
        return false;
    Fuzz::checkError(parsed.error(), what);
    FUZZ_CHECK(parsed.error().kind == AwsErrorKind::Validation, parsed.error().message);
    return true;
}

void checkRole(const Outcome<RoleArn> &parsed, const QString &input, const char *what)
{
    if (failedProperly(parsed, what))
        return;
    const RoleArn &role = parsed.value();
    const QString context = QStringLiteral("%1('%2') = %3").arg(QLatin1String(what), input, role.toString());
    FUZZ_CHECK(isKnownPartition(role.partition), context);
    checkAccount(role.accountId, context);
    FUZZ_CHECK(!checkRoleName(role.roleName), context);
    checkPath(role.path, context);
    const auto again = parseRoleArn(role.toString());
    FUZZ_CHECK(again && again.value() == role, context + QStringLiteral(" does not parse back to itself"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));

    checkRole(parseRoleArn(text), text, "parseRoleArn");

    const auto assumed = parseAssumedRoleArn(text);
    FUZZ_CHECK(isAssumedRoleArn(text) == assumed.ok(), text);
    if (!failedProperly(assumed, "parseAssumedRoleArn")) {
        const AssumedRoleArn &a = assumed.value();
        const QString context = QStringLiteral("parseAssumedRoleArn('%1') = %2").arg(text, a.toString());
        FUZZ_CHECK(isKnownPartition(a.partition) && !checkRoleName(a.roleName) && a.sessionName.size() >= 2
                       && a.sessionName.size() <= 64,
                   context);
        checkAccount(a.accountId, context);
        const auto again = parseAssumedRoleArn(a.toString());
        FUZZ_CHECK(again && again->toString() == a.toString(), context + QStringLiteral(" does not parse back to itself"));
        // The role behind a session is a role ARN in its own right (the next AssumeRole is role chaining).
        checkRole(Outcome<RoleArn>(a.roleArn()), text, "AssumedRoleArn::roleArn");
    }

    const auto user = parseIamUserArn(text);
    if (!failedProperly(user, "parseIamUserArn")) {
        const IamUserArn &u = user.value();
        const QString context = QStringLiteral("parseIamUserArn('%1') = %2").arg(text, u.toString());
        FUZZ_CHECK(isKnownPartition(u.partition) && !u.userName.isEmpty(), context);
        checkAccount(u.accountId, context);
        checkPath(u.path, context);
        const auto again = parseIamUserArn(u.toString());
        FUZZ_CHECK(again && again->toString() == u.toString(), context + QStringLiteral(" does not parse back to itself"));
    }

    const qsizetype newline = text.indexOf(QLatin1Char('\n'));
    const QString account = newline < 0 ? QStringLiteral("123456789012") : text.left(newline);
    const QString role = newline < 0 ? text : text.mid(newline + 1);
    checkRole(roleArnFromAccountAndName(account, role), text, "roleArnFromAccountAndName");
    return 0;
}
