// libFuzzer target for core/sts/sts_response_parser: the first byte picks the parser (A AssumeRole,
// S GetSessionToken, I GetCallerIdentity, W AssumeRoleWithWebIdentity; any other byte modulo 4), the rest is
// the body. A successful parse
// has every credential field; a failure is a real error whose text never quotes a secret of the document.

#include "core/sts/sts_response_parser.h"

#include "fuzz_check.h"

#include <cstring>
#include <optional>

using namespace RoleDrop;
using namespace RoleDrop::Sts;

namespace {

enum class Action { AssumeRole, GetSessionToken, GetCallerIdentity, AssumeRoleWithWebIdentity };

void checkCredentials(const AwsCredentials &c)
{
    FUZZ_CHECK(!c.accessKeyId.isEmpty() && !c.secretAccessKey.isEmpty() && !c.sessionToken.isEmpty(),
               QStringLiteral("a credential field is empty"));
    for (const QString &value : {c.accessKeyId, c.secretAccessKey, c.sessionToken}) {
        for (const QChar ch : value)
            FUZZ_CHECK(!ch.isSpace(), QStringLiteral("whitespace in a credential field"));
    }
    FUZZ_CHECK(Fuzz::isUtc(c.expiration), QStringLiteral("Expiration is not a valid UTC time"));
}

// The parse's error, if any; successful results are checked here.
std::optional<AwsError> parseAndCheck(Action action, const QByteArray &body)
{
    switch (action) {
    case Action::AssumeRole: {
        const auto parsed = parseAssumeRoleResponse(body);
        if (!parsed)
            return parsed.error();
        checkCredentials(parsed->credentials);
        // No check on assumedRoleUser.arn: an answer without <AssumedRoleUser> is accepted with an empty one
        // (its users fall back to the access key id); only an <AssumedRoleUser> without <Arn> is refused.
        FUZZ_CHECK(parsed->packedPolicySize >= -1, QStringLiteral("PackedPolicySize %1").arg(parsed->packedPolicySize));
        return std::nullopt;
    }
    case Action::AssumeRoleWithWebIdentity: {
        const auto parsed = parseAssumeRoleWithWebIdentityResponse(body);
        if (!parsed)
            return parsed.error();
        checkCredentials(parsed->credentials);
        FUZZ_CHECK(parsed->packedPolicySize >= -1, QStringLiteral("PackedPolicySize %1").arg(parsed->packedPolicySize));
        return std::nullopt;
    }
    case Action::GetSessionToken: {
        const auto parsed = parseGetSessionTokenResponse(body);
        if (!parsed)
            return parsed.error();
        checkCredentials(parsed->credentials);
        return std::nullopt;
    }
    case Action::GetCallerIdentity: {
        const auto parsed = parseGetCallerIdentityResponse(body);
        if (!parsed)
            return parsed.error();
        FUZZ_CHECK(!parsed->arn.isEmpty(), QStringLiteral("a caller identity without an Arn"));
        return std::nullopt;
    }
    }
    return std::nullopt;
}

bool isSecretChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

// The first SecretAccessKey or SessionToken value of the body, as [from, to), when it looks like one.
std::optional<std::pair<qsizetype, qsizetype>> findSecret(const QByteArray &body)
{
    for (const char *tag : {"<SecretAccessKey>", "<SessionToken>"}) {
        const qsizetype at = body.indexOf(tag);
        if (at < 0)
            continue;
        const qsizetype from = at + qsizetype(std::strlen(tag));
        qsizetype to = from;
        while (to < body.size() && isSecretChar(body.at(to)))
            ++to;
        if (to - from >= 8)
            return std::make_pair(from, to);
    }
    return std::nullopt;
}

bool mentions(const AwsError &error, const QString &text)
{
    return error.message.contains(text) || error.userMessage().contains(text);
}

// The reader's own messages (an error without a server code) must not quote a secret. Seeing the secret's
// text in the message is not enough (it may be "AssumeRole"): the same document with the secret rotated
// must then show the rotated text for it to be a leak (Fuzz::rotated).
void checkNoSecretQuoted(Action action, const QByteArray &body, const AwsError &error)
{
    if (!error.code.isEmpty())
        return; // an error document from the server: its Message is the server's to choose
    const auto span = findSecret(body);
    if (!span)
        return;
    const QByteArray secret = body.mid(span->first, span->second - span->first);
    if (!mentions(error, QString::fromLatin1(secret)))
        return;
    const QByteArray other = Fuzz::rotated(body, span->first, span->second);
    const QByteArray otherSecret = other.mid(span->first, span->second - span->first);
    if (otherSecret == secret || !Fuzz::occursOnlyAt(body, secret, span->first)
        || !Fuzz::occursOnlyAt(other, otherSecret, span->first))
        return;
    const auto otherError = parseAndCheck(action, other);
    FUZZ_CHECK(!otherError || !mentions(*otherError, QString::fromLatin1(otherSecret)),
               QStringLiteral("the error quotes the document's secret: %1").arg(otherError ? otherError->message : QString()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    Action action;
    switch (data[0]) {
    case 'A': action = Action::AssumeRole; break;
    case 'S': action = Action::GetSessionToken; break;
    case 'I': action = Action::GetCallerIdentity; break;
    case 'W': action = Action::AssumeRoleWithWebIdentity; break;
    default: action = Action(data[0] % 4); break;
    }
    const QByteArray body = Fuzz::bytes(data + 1, size - 1);
    if (const auto error = parseAndCheck(action, body)) {
        Fuzz::checkError(*error, "STS");
        checkNoSecretQuoted(action, body, *error);
    }
    return 0;
}
