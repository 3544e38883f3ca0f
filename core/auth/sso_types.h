#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace RoleDrop::Auth {

// An IAM Identity Center sign-in: what `[sso-session NAME]` of ~/.aws/config holds (or a profile's legacy
// sso_start_url + sso_region), or an "Identity Center" profile of RoleDrop's own store. No secrets.
struct SsoSessionConfig
{
    QString name;                 // the sso-session's name; empty for the legacy form (keyed by the start URL)
    QString startUrl;             // https://d-1234567890.awsapps.com/start
    QString region;               // where Identity Center lives: its OIDC and portal endpoints' region
    QStringList registrationScopes = {QStringLiteral("sso:account:access")};
    // The OIDC and portal endpoints; empty: AWS's (https://oidc.REGION.amazonaws.com and
    // https://portal.sso.REGION.amazonaws.com), or the SDKs' AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL_SSO.
    QUrl oidcEndpoint;
    QUrl portalEndpoint;

    // What the token is kept under (keychain, ~/.aws/sso/cache): the session name, else the start URL.
    QString cacheKey() const { return name.isEmpty() ? startUrl : name; }
    bool operator==(const SsoSessionConfig &) const = default;
};

// What sign-in leaves: the access token the portal takes, and how to get the next one without the user.
// Every member but the dates is a secret (kept in the keychain, never logged or shown).
struct SsoToken
{
    QString accessToken;
    QDateTime expiresAt;          // UTC
    QString refreshToken;         // empty when the registration did not ask for sso:account:access scopes
    QString clientId;             // the OIDC client registration the token was made with
    QString clientSecret;
    QDateTime registrationExpiresAt;
    QString startUrl;
    QString region;

    bool isValidAt(const QDateTime &now, int marginSeconds = 0) const
    {
        return !accessToken.isEmpty() && expiresAt.isValid() && now.addSecs(marginSeconds) < expiresAt;
    }
};

// How the user signs in when no token or refresh works.
enum class SsoSignInMethod {
    Automatic,   // the browser (authorization code + PKCE), the device code when no browser can be opened
    Browser,
    DeviceCode
};

// What the device authorization flow asks the user to do: open the URL and confirm the code.
struct SsoDeviceCode
{
    QString userCode;                 // "ABCD-EFGH"
    QUrl verificationUri;
    QUrl verificationUriComplete;     // the URL with the code filled in
    QDateTime expiresAt;
};

// Who shows the sign-in to the user: the window (system browser, a dialog with the code) or the command line
// (xdg-open, the code on stderr), or a test that plays the browser.
struct SsoSignInPrompt
{
    // Opens the URL in a browser; false when none could be opened (then the device code is used, if allowed).
    std::function<bool(const QUrl &url)> openBrowser;
    // The device code to confirm, shown while polling runs.
    std::function<void(const SsoDeviceCode &code)> showDeviceCode;
};

// An AWS account the signed-in user may use (ListAccounts), with the roles (permission sets) they may use in it
// (ListAccountRoles).
struct SsoAccount
{
    QString accountId;
    QString accountName;
    QString emailAddress;
    QStringList roleNames;            // empty until asked for
};

} // namespace RoleDrop::Auth
