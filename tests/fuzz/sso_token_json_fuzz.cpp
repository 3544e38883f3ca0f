// libFuzzer target for the Identity Center token as the keychain and the AWS CLI's cache hold it
// (SsoTokenStore::tokenFromJson): whatever the input, no crash; a token read back is written and read again
// unchanged (what RoleDrop stores, it can read).

#include "core/auth/sso_token_store.h"

#include "fuzz_check.h"

using namespace RoleDrop;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto token = Auth::SsoTokenStore::tokenFromJson(Fuzz::bytes(data, size));
    if (!token)
        return 0;
    const auto again = Auth::SsoTokenStore::tokenFromJson(Auth::SsoTokenStore::tokenToJson(*token));
    FUZZ_CHECK(again.has_value(), QStringLiteral("a token written could not be read back"));
    FUZZ_CHECK(again->accessToken == token->accessToken && again->refreshToken == token->refreshToken
                   && again->clientId == token->clientId && again->clientSecret == token->clientSecret
                   && again->startUrl == token->startUrl && again->region == token->region,
               QStringLiteral("a token changed through a write and a read"));
    FUZZ_CHECK(again->expiresAt == token->expiresAt, token->expiresAt.toString(Qt::ISODateWithMs) + QStringLiteral(" vs ")
                                                         + again->expiresAt.toString(Qt::ISODateWithMs));
    return 0;
}
