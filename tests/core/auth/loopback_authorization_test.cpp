// The browser sign-in's loopback side on its own, the way an OpenID provider would use it: the authorization URL
// it builds (PKCE S256, state, the scope parameter, extra parameters) and what it does with the redirect the
// browser brings to 127.0.0.1 (a code, a wrong state, an error), a timeout and a cancel. The test is the browser
// and the provider: it reads the authorization URL and sends the redirect itself.

#include "core/auth/loopback_authorization.h"

#include <QCryptographicHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

#include <optional>

using namespace RoleDrop;

namespace {

Auth::BrowserAuthorizationRequest providerRequest()
{
    Auth::BrowserAuthorizationRequest request;
    request.authorizationUrl = QUrl(QStringLiteral("https://idp.example/authorize"));
    request.clientId = QStringLiteral("roledrop-client");
    request.scopes = {QStringLiteral("openid"), QStringLiteral("email")};
    request.extraParameters = {{QStringLiteral("nonce"), QStringLiteral("n-123")}};
    return request;
}

// The browser following the provider's redirect to RoleDrop's loopback handler: the page it shows.
QString visit(const QUrl &url)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(url));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 10000))
        return QStringLiteral("(no answer)");
    const QString page = QString::fromUtf8(reply->readAll());
    delete reply;
    return page;
}

QUrl redirectWith(const QUrl &authorizationUrl, const QList<std::pair<QString, QString>> &items)
{
    QUrl redirect(QUrlQuery(authorizationUrl).queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    QUrlQuery query;
    for (const auto &[name, value] : items)
        query.addQueryItem(name, value);
    redirect.setQuery(query);
    return redirect;
}

struct Run
{
    Auth::LoopbackAuthorization flow;
    QObject context;
    QList<QUrl> opened;
    std::optional<Outcome<Auth::BrowserAuthorization>> result;

    void start(const Auth::BrowserAuthorizationRequest &request, bool browserOpens = true)
    {
        flow.start(request, [this, browserOpens](const QUrl &url) { opened.append(url); return browserOpens; }, &context,
                   [this](Outcome<Auth::BrowserAuthorization> r) { result.emplace(std::move(r)); });
    }
    bool waitOpened() { return QTest::qWaitFor([&] { return !opened.isEmpty() || result; }, 10000) && !opened.isEmpty(); }
    bool waitResult() { return QTest::qWaitFor([&] { return result.has_value(); }, 10000); }
    QString asked(const char *name) const
    {
        return QUrlQuery(opened.value(0)).queryItemValue(QLatin1String(name), QUrl::FullyDecoded);
    }
};

} // namespace

class LoopbackAuthorizationTest final : public QObject
{
    Q_OBJECT

private slots:
    void pkceValues()
    {
        const QString verifier = Auth::LoopbackAuthorization::newCodeVerifier();
        QVERIFY(verifier.size() >= 43 && verifier.size() <= 128);
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9._~-]+$")).match(verifier).hasMatch());
        QVERIFY(verifier != Auth::LoopbackAuthorization::newCodeVerifier());
        // base64url(sha256(verifier)) without padding, as computed by Python's hashlib and base64.
        QCOMPARE(Auth::LoopbackAuthorization::codeChallengeS256(QStringLiteral("dBjftJeZ4CVP-mJ92K9KTZwsUzr9kl-vN3xsodXdHfo")),
                 QStringLiteral("ZplKoIKo3PTx0Z2oIgTEPuDUD6-MPrpEITCQ--5dThA"));
        QCOMPARE(Auth::LoopbackAuthorization::randomToken().size(), 43);
    }

    void authorizationUrlCarriesPkceStateAndScopes()
    {
        Run run;
        run.start(providerRequest());
        QVERIFY(run.opened.isEmpty());  // never inside start()
        QVERIFY(run.waitOpened());
        const QUrl url = run.opened[0];
        QCOMPARE(url.host(), QStringLiteral("idp.example"));
        QCOMPARE(url.path(), QStringLiteral("/authorize"));
        QCOMPARE(run.asked("response_type"), QStringLiteral("code"));
        QCOMPARE(run.asked("client_id"), QStringLiteral("roledrop-client"));
        QCOMPARE(run.asked("scope"), QStringLiteral("openid email"));
        QCOMPARE(run.asked("nonce"), QStringLiteral("n-123"));
        QCOMPARE(run.asked("code_challenge_method"), QStringLiteral("S256"));
        QCOMPARE(run.asked("state").size(), 43);
        const QUrl redirect(run.asked("redirect_uri"));
        QCOMPARE(redirect.scheme(), QStringLiteral("http"));
        QCOMPARE(redirect.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(redirect.path(), QStringLiteral("/oauth/callback"));
        QCOMPARE(redirect, run.flow.redirectUri());

        // The provider answers with a code and the state: the caller gets the code, the verifier that matches the
        // challenge, and the redirect URI to repeat at the token endpoint.
        const QString page = visit(redirectWith(url, {{QStringLiteral("code"), QStringLiteral("the-code")},
                                                      {QStringLiteral("state"), run.asked("state")}}));
        QVERIFY(run.waitResult());
        QVERIFY2(*run.result, qPrintable(run.result->error().message));
        const Auth::BrowserAuthorization &got = run.result->value();
        QCOMPARE(got.code, QStringLiteral("the-code"));
        QCOMPARE(Auth::LoopbackAuthorization::codeChallengeS256(got.codeVerifier), run.asked("code_challenge"));
        QCOMPARE(got.redirectUri, redirect);
        QVERIFY2(page.contains(QStringLiteral("Signed in to RoleDrop, you can close this tab")), qPrintable(page));
    }

    void identityCenterNamesItsScopeParameter()
    {
        Run run;
        auto request = providerRequest();
        request.scopeParameter = QStringLiteral("scopes");
        request.scopes = {QStringLiteral("sso:account:access")};
        run.start(request);
        QVERIFY(run.waitOpened());
        QCOMPARE(run.asked("scopes"), QStringLiteral("sso:account:access"));
        QVERIFY(!QUrlQuery(run.opened[0]).hasQueryItem(QStringLiteral("scope")));
        run.flow.cancel();
    }

    void wrongStateIsAnError()
    {
        Run run;
        run.start(providerRequest());
        QVERIFY(run.waitOpened());
        const QString page = visit(redirectWith(run.opened[0], {{QStringLiteral("code"), QStringLiteral("stolen-code")},
                                                                {QStringLiteral("state"), QStringLiteral("someone-elses")}}));
        QVERIFY(run.waitResult());
        QVERIFY(!*run.result);
        QCOMPARE(run.result->error().code, QStringLiteral("state_mismatch"));
        QVERIFY(!run.result->error().message.contains(QStringLiteral("stolen-code")));
        QVERIFY2(page.contains(QStringLiteral("refused")), qPrintable(page));
    }

    void providerErrorIsAnError()
    {
        Run run;
        run.start(providerRequest());
        QVERIFY(run.waitOpened());
        const QString page = visit(redirectWith(run.opened[0], {{QStringLiteral("error"), QStringLiteral("access_denied")},
                                                                {QStringLiteral("error_description"), QStringLiteral("The user said no")},
                                                                {QStringLiteral("state"), run.asked("state")}}));
        QVERIFY(run.waitResult());
        QVERIFY(!*run.result);
        QCOMPARE(run.result->error().code, QStringLiteral("access_denied"));
        QCOMPARE(run.result->error().kind, AwsErrorKind::AccessDenied);
        QVERIFY(run.result->error().message.contains(QStringLiteral("denied")));
        QVERIFY2(page.contains(QStringLiteral("The user said no")), qPrintable(page));
    }

    void noBrowserTimeoutAndCancel()
    {
        Run noBrowser;
        noBrowser.start(providerRequest(), false);
        QVERIFY(noBrowser.waitResult());
        QCOMPARE(noBrowser.result->error().code, Auth::noBrowserErrorCode);

        Run slow;
        auto request = providerRequest();
        request.timeoutMs = 300;
        slow.start(request);
        QVERIFY(slow.waitResult());
        QCOMPARE(slow.result->error().kind, AwsErrorKind::Timeout);

        Run cancelled;
        cancelled.start(providerRequest());
        QVERIFY(cancelled.waitOpened());
        cancelled.flow.cancel();
        QVERIFY(cancelled.waitResult());
        QCOMPARE(cancelled.result->error().kind, AwsErrorKind::Cancelled);
        // A redirect after the end changes nothing: the result came once.
        visit(redirectWith(cancelled.opened[0], {{QStringLiteral("code"), QStringLiteral("late")},
                                                 {QStringLiteral("state"), cancelled.asked("state")}}));
        QCOMPARE(cancelled.result->error().kind, AwsErrorKind::Cancelled);
    }
};

QTEST_GUILESS_MAIN(LoopbackAuthorizationTest)
#include "loopback_authorization_test.moc"
