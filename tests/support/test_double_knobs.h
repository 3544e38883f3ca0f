#pragma once

// The STS + S3 test double's /__test__/ knobs (tests/servers/sts_test_double.py), as the e2e tests turn them:
// short sessions, its clock, injected failures, and the log of every request it answered (which access key
// signed which part), read back as JSON.

#include "test_world.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace RoleDrop::Test {

// A test double's /__test__/ knob: `endpointVariable` names the double's endpoint in the world's variables;
// `method` is "GET", "POST" or "DELETE"; `pathAndQuery` like "session-lifetime?seconds=30".
inline QJsonObject knobAt(const char *endpointVariable, const QByteArray &method, const QString &pathAndQuery)
{
    QNetworkAccessManager plain;
    const QUrl url(worldValue(endpointVariable) + QStringLiteral("/__test__/") + pathAndQuery);
    QNetworkReply *reply = plain.sendCustomRequest(QNetworkRequest(url), method);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() / 100 != 2)
        qWarning("test double knob %s %s: %s", method.constData(), qPrintable(pathAndQuery),
                 qPrintable(QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Compact))));
    reply->deleteLater();
    return answer;
}

// The STS + S3 test double's knobs.
inline QJsonObject doubleKnob(const QByteArray &method, const QString &pathAndQuery)
{
    return knobAt("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT", method, pathAndQuery);
}

// The IAM Identity Center test double's knobs (sso_test_double.py), e.g. "token-lifetime?seconds=10", "sign-ins".
inline QJsonObject ssoDoubleKnob(const QByteArray &method, const QString &pathAndQuery)
{
    return knobAt("ROLEDROP_TEST_SSO_OIDC_ENDPOINT", method, pathAndQuery);
}

// The double's log entries since `since` (its "seq" numbers), e.g. {"action": "s3:UploadPart", "key_id": ...}.
inline QJsonArray doubleLog(int since = 0)
{
    return doubleKnob("GET", QStringLiteral("log?since=%1").arg(since)).value(QStringLiteral("entries")).toArray();
}

inline int doubleLogSeq()
{
    return doubleKnob("GET", QStringLiteral("log?since=0")).value(QStringLiteral("last_seq")).toInt();
}

// The access key that signed the last sts:AssumeRole the double answered after `since`.
inline QString assumeRoleSigner(int since)
{
    QString signer;
    for (const QJsonValue &entry : doubleLog(since)) {
        if (entry[QStringLiteral("action")].toString() == QLatin1String("sts:AssumeRole"))
            signer = entry[QStringLiteral("access_key_id")].toString();
    }
    return signer;
}

} // namespace RoleDrop::Test
