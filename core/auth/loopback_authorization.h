#pragma once

#include "core/common/async_result.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>
#include <utility>

class QOAuth2AuthorizationCodeFlow;
class QOAuthHttpServerReplyHandler;
class QTimer;

namespace RoleDrop::Auth {

// What the browser is sent to: an OAuth 2.0 authorization endpoint (IAM Identity Center's /authorize, or an
// OpenID provider's authorization_endpoint from its discovery document).
struct BrowserAuthorizationRequest
{
    QUrl authorizationUrl;
    QString clientId;
    QStringList scopes;
    QString scopeParameter = QStringLiteral("scope");   // IAM Identity Center: "scopes"
    QString scopeSeparator = QStringLiteral(" ");
    QList<std::pair<QString, QString>> extraParameters;  // e.g. nonce, prompt
    QString callbackPath = QStringLiteral("/oauth/callback");
    int timeoutMs = 5 * 60 * 1000;                        // how long the user has to sign in
};

// What the redirect brought: the code to exchange at the token endpoint (with the verifier and the redirect URI,
// byte for byte as sent). The code and the verifier are secrets.
struct BrowserAuthorization
{
    QString code;
    QString codeVerifier;
    QUrl redirectUri;
};

// The error code of a start() whose openBrowser answered false: no browser could be opened.
inline const QString noBrowserErrorCode = QStringLiteral("no_browser");

// The authorization code flow in the system browser with a loopback redirect (RFC 8252) and PKCE S256 (RFC 7636),
// through QOAuth2AuthorizationCodeFlow and QOAuthHttpServerReplyHandler on 127.0.0.1 at a free port. Qt 6.4's
// flow has no PKCE, and it ignores a wrong state silently: this class adds code_challenge to the authorization
// request and checks state itself (a wrong one is an error). The token exchange is the caller's (IAM Identity
// Center's CreateToken is JSON; an OpenID provider's token endpoint takes a form). One sign-in per object; the
// result arrives once, by core/common/async_result.h. The browser's tab then says "Signed in to RoleDrop, you can
// close this tab", or what went wrong.
class LoopbackAuthorization final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoopbackAuthorization)
public:
    explicit LoopbackAuthorization(QObject *parent = nullptr);
    ~LoopbackAuthorization() override;

    // Listens on 127.0.0.1, builds the authorization URL and gives it to openBrowser. Errors: openBrowser answered
    // false (code noBrowserErrorCode), the redirect carried an error (its OAuth code, e.g. access_denied) or a
    // state other than the one sent (code "state_mismatch"), the time ran out (Timeout), cancel() (Cancelled).
    void start(const BrowserAuthorizationRequest &request, const std::function<bool(const QUrl &)> &openBrowser,
               QObject *context, ResultHandler<BrowserAuthorization> done);
    void cancel();

    // The loopback redirect URI while listening (http://127.0.0.1:PORT/oauth/callback).
    QUrl redirectUri() const;

    // PKCE (RFC 7636): a verifier of 86 characters from the system's CSPRNG, and its S256 challenge.
    static QString newCodeVerifier();
    static QString codeChallengeS256(const QString &verifier);
    // 32 random bytes, base64url: for state and nonce.
    static QString randomToken();

private:
    void onCallback(const QVariantMap &values);
    void finish(Outcome<BrowserAuthorization> result, const QString &pageText);

    QOAuth2AuthorizationCodeFlow *m_flow = nullptr;
    QOAuthHttpServerReplyHandler *m_handler = nullptr;
    QTimer *m_timeout = nullptr;
    QString m_verifier;
    QString m_state;
    ResultHandler<BrowserAuthorization> m_done;
};

} // namespace RoleDrop::Auth
