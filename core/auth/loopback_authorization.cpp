#include "core/auth/loopback_authorization.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QOAuth2AuthorizationCodeFlow>
#include <QOAuthHttpServerReplyHandler>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrlQuery>

namespace RoleDrop::Auth {

namespace {

QString base64Url(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), count / 4);
    return bytes;
}

QString page(const QString &text)
{
    return QStringLiteral("<h1>%1</h1>").arg(text.toHtmlEscaped());
}

AwsError authorizationError(AwsErrorKind kind, const QString &code, const QString &message)
{
    AwsError error = AwsError::local(kind, message);
    error.code = code;
    error.action = QStringLiteral("browser sign-in");
    return error;
}

} // namespace

LoopbackAuthorization::LoopbackAuthorization(QObject *parent) : QObject(parent) {}

LoopbackAuthorization::~LoopbackAuthorization() = default;

QString LoopbackAuthorization::newCodeVerifier()
{
    return base64Url(randomBytes(64));  // 86 characters of [A-Za-z0-9_-]: within RFC 7636's 43..128
}

QString LoopbackAuthorization::codeChallengeS256(const QString &verifier)
{
    return base64Url(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256));
}

QString LoopbackAuthorization::randomToken()
{
    return base64Url(randomBytes(32));
}

QUrl LoopbackAuthorization::redirectUri() const
{
    return m_handler && m_handler->isListening() ? QUrl(m_handler->callback()) : QUrl();
}

void LoopbackAuthorization::start(const BrowserAuthorizationRequest &request,
                                  const std::function<bool(const QUrl &)> &openBrowser, QObject *context,
                                  ResultHandler<BrowserAuthorization> done)
{
    m_done = deliverTo(context, std::move(done));
    if (m_flow) {
        auto handler = std::move(m_done);
        return handler(authorizationError(AwsErrorKind::Validation, QString(), QStringLiteral("a sign-in is already under way")));
    }
    m_handler = new QOAuthHttpServerReplyHandler(QHostAddress(QHostAddress::LocalHost), 0, this);
    m_handler->setCallbackPath(request.callbackPath);
    if (!m_handler->isListening())
        return finish(authorizationError(AwsErrorKind::Network, QString(),
                                         QStringLiteral("cannot listen on 127.0.0.1 for the browser's redirect")),
                      QString());
    m_flow = new QOAuth2AuthorizationCodeFlow(this);
    m_flow->setAuthorizationUrl(request.authorizationUrl);
    m_flow->setClientIdentifier(request.clientId);
    m_flow->setScope(request.scopes.join(request.scopeSeparator));
    m_state = randomToken();
    m_flow->setState(m_state);
    m_verifier = newCodeVerifier();
    m_flow->setReplyHandler(m_handler);
    // The flow would take the redirect itself, ignore a wrong state and post the code to a token URL: the redirect
    // is ours alone.
    QObject::disconnect(m_handler, nullptr, m_flow, nullptr);
    connect(m_handler, &QAbstractOAuthReplyHandler::callbackReceived, this, &LoopbackAuthorization::onCallback);

    const QString challenge = codeChallengeS256(m_verifier);
    const QString scopeParameter = request.scopeParameter;
    const QString scopes = request.scopes.join(request.scopeSeparator);
    const auto extra = request.extraParameters;
    m_flow->setModifyParametersFunction([=](QAbstractOAuth::Stage stage, QMultiMap<QString, QVariant> *parameters) {
        if (stage != QAbstractOAuth::Stage::RequestingAuthorization)
            return;
        parameters->remove(QStringLiteral("scope"));
        if (!scopes.isEmpty())
            parameters->insert(scopeParameter, scopes);
        parameters->insert(QStringLiteral("code_challenge"), challenge);
        parameters->insert(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
        for (const auto &[name, value] : extra)
            parameters->insert(name, value);
    });
    connect(m_flow, &QAbstractOAuth::authorizeWithBrowser, this, [this, openBrowser](const QUrl &url) {
        if (!openBrowser || !openBrowser(url))
            finish(authorizationError(AwsErrorKind::Validation, noBrowserErrorCode,
                                      QStringLiteral("no web browser could be opened for the sign-in")),
                   QString());
    });

    m_timeout = new QTimer(this);
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, [this, seconds = request.timeoutMs / 1000] {
        finish(authorizationError(AwsErrorKind::Timeout, QStringLiteral("timeout"),
                                  QStringLiteral("the browser sign-in was not completed within %1 s").arg(seconds)),
               QString());
    });
    m_timeout->start(request.timeoutMs);
    // After the caller's call returns: openBrowser and a failure are never run inside start().
    QTimer::singleShot(0, this, [this] {
        if (m_flow && m_done)
            m_flow->grant();
    });
}

void LoopbackAuthorization::cancel()
{
    finish(authorizationError(AwsErrorKind::Cancelled, QString(), QStringLiteral("the browser sign-in was cancelled")),
           QString());
}

void LoopbackAuthorization::onCallback(const QVariantMap &values)
{
    const auto value = [&](const char *name) { return QUrl::fromPercentEncoding(values.value(QLatin1String(name)).toByteArray()); };
    if (!m_done)
        return m_handler->setCallbackText(page(QStringLiteral("This sign-in is over. Go back to RoleDrop.")));
    if (value("state") != m_state) {
        // Not the answer to our request (a forged or stale redirect): refused, and this sign-in ends.
        return finish(authorizationError(AwsErrorKind::AccessDenied, QStringLiteral("state_mismatch"),
                                         QStringLiteral("the browser's redirect did not carry the state RoleDrop sent: "
                                                        "refused; sign in again")),
                      QStringLiteral("RoleDrop refused this sign-in: its state did not match. Sign in again."));
    }
    const QString error = value("error");
    if (!error.isEmpty()) {
        const bool denied = error == QLatin1String("access_denied");
        const QString description = value("error_description");
        QString message = denied ? QStringLiteral("the sign-in was denied in the browser")
                                 : QStringLiteral("the sign-in failed in the browser (%1)").arg(error);
        if (!description.isEmpty())
            message += QStringLiteral(": %1").arg(description.left(300));
        return finish(authorizationError(denied ? AwsErrorKind::AccessDenied : AwsErrorKind::ServiceError, error, message),
                      QStringLiteral("RoleDrop was not signed in: %1. You can close this tab.").arg(message));
    }
    const QString code = value("code");
    if (code.isEmpty())
        return finish(authorizationError(AwsErrorKind::MalformedResponse, QStringLiteral("no_code"),
                                         QStringLiteral("the browser's redirect carried no authorization code")),
                      QStringLiteral("RoleDrop was not signed in: no authorization code came back."));
    finish(BrowserAuthorization{code, m_verifier, redirectUri()},
           QStringLiteral("Signed in to RoleDrop, you can close this tab."));
}

void LoopbackAuthorization::finish(Outcome<BrowserAuthorization> result, const QString &pageText)
{
    if (!m_done)
        return;
    if (m_handler && !pageText.isEmpty())
        m_handler->setCallbackText(page(pageText));
    if (m_timeout)
        m_timeout->stop();
    auto handler = std::move(m_done);
    m_done = nullptr;
    handler(std::move(result));
    // The handler answers the browser's request after this returns: close the listener a moment later.
    if (m_handler)
        QTimer::singleShot(1000, m_handler, [handler = QPointer<QOAuthHttpServerReplyHandler>(m_handler)] {
            if (handler)
                handler->close();
        });
}

} // namespace RoleDrop::Auth
