#pragma once

// Fetching a URL as any HTTP client would (no credentials, no RoleDrop code): what a presigned URL gives.

#include <QCryptographicHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <QUrl>

namespace RoleDrop::Test {

// SHA-256 (hex) of a GET's body, hashed as it arrives (gigabytes stay out of memory); a text saying what went
// wrong (never equal to a hash) when the answer is not a 200.
inline QString sha256OfGet(const QUrl &url, int timeoutMs = 180000)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(url));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&] { hash.addData(reply->readAll()); });
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, timeoutMs)) {
        reply->abort();
        reply->deleteLater();
        return QStringLiteral("(GET unfinished after %1 s)").arg(timeoutMs / 1000);
    }
    hash.addData(reply->readAll());
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status == 200 ? QString::fromLatin1(hash.result().toHex()) : QStringLiteral("(GET answered %1)").arg(status);
}

} // namespace RoleDrop::Test
