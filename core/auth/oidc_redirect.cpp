#include "core/auth/oidc_redirect.h"

#include <QUrlQuery>

namespace RoleDrop::Auth {

namespace {

// Constant time over the expected length: a state is a secret shared with the browser only.
bool sameSecret(const QString &a, const QString &b)
{
    const QByteArray x = a.toUtf8(), y = b.toUtf8();
    unsigned char diff = x.size() == y.size() ? 0 : 1;
    for (qsizetype i = 0; i < x.size(); ++i)
        diff |= static_cast<unsigned char>(x[i] ^ (i < y.size() ? y[i] : 0));
    return diff == 0;
}

AwsError refused(AwsErrorKind kind, const QString &issuer, const QString &message)
{
    AwsError error = AwsError::local(kind, message);
    error.action = QStringLiteral("oidc:Authorize");
    error.resource = issuer;
    return error;
}

} // namespace

Outcome<QString> authorizationCodeFromRedirect(const QUrl &redirect, const QString &expectedState,
                                               const QString &issuer)
{
    const QUrlQuery query(redirect);
    const QString state = query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
    if (expectedState.isEmpty() || !sameSecret(state, expectedState))
        return refused(AwsErrorKind::AccessDenied, issuer,
                       QStringLiteral("The sign-in's answer does not carry this sign-in's state: it belongs to another (or a forged) request and was ignored; sign in again"));
    if (query.hasQueryItem(QStringLiteral("iss"))
        && query.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded) != issuer)
        return refused(AwsErrorKind::AccessDenied, issuer,
                       QStringLiteral("The sign-in's answer comes from issuer '%1', not from %2: it was ignored")
                           .arg(query.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded).left(200), issuer));
    const QString error = query.queryItemValue(QStringLiteral("error"), QUrl::FullyDecoded);
    if (!error.isEmpty()) {
        const QString description = query.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded).left(300);
        AwsError e = refused(error == u"access_denied" ? AwsErrorKind::AccessDenied : AwsErrorKind::ServiceError, issuer,
                             error == u"access_denied"
                                 ? QStringLiteral("The sign-in at %1 was denied%2: allow RoleDrop's access on the provider's page to use this profile")
                                       .arg(issuer, description.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(description))
                                 : QStringLiteral("The OpenID provider %1 refused the sign-in: %2%3")
                                       .arg(issuer, error.left(100), description.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(description)));
        e.code = error.left(100);
        return e;
    }
    const QString code = query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    if (code.isEmpty())
        return refused(AwsErrorKind::MalformedResponse, issuer,
                       QStringLiteral("The sign-in's answer from %1 has neither a code nor an error").arg(issuer));
    return code;
}

} // namespace RoleDrop::Auth
