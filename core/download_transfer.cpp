#include "core/download_transfer.h"

#include "core/s3_client.h"

#include <QDir>
#include <QFileInfo>
#include <QNetworkReply>
#include <QSaveFile>

namespace RoleDrop {

namespace {
constexpr qint64 readBufferBytes = 4 * 1024 * 1024;  // bounds memory when the disk is slower than the network
constexpr qint64 maxErrorBodyBytes = 64 * 1024;
} // namespace

DownloadTransfer::DownloadTransfer(S3Client *client, const S3Uri &source, const QString &localPath, QObject *parent)
    : Transfer(client, TransferDirection::Download, localPath, source, parent)
{
}

DownloadTransfer::~DownloadTransfer()
{
    if (m_reply)
        m_reply->abort();
}

void DownloadTransfer::run()
{
    m_status = 0;
    m_errorBody.clear();
    m_received = 0;
    if (!QDir().mkpath(QFileInfo(localPath()).absolutePath())) {
        fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot create the folder %1").arg(QFileInfo(localPath()).absolutePath())));
        return;
    }
    m_file = std::make_unique<QSaveFile>(localPath());
    if (!m_file->open(QIODevice::WriteOnly)) {
        fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot write %1: %2").arg(localPath(), m_file->errorString())));
        return;
    }
    AwsHttpRequest request = client()->objectRequest("GET", remote().bucket, remote().key);
    request.transferTimeoutMs = 120000;
    const auto started = client()->startStreaming(request);
    if (!started) {
        fail(started.error());
        return;
    }
    m_reply = started.value();
    m_reply->setReadBufferSize(readBufferBytes);
    connect(m_reply, &QNetworkReply::readyRead, this, &DownloadTransfer::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &DownloadTransfer::onFinished);
    connect(m_reply, &QNetworkReply::downloadProgress, this, [this](qint64, qint64 total) {
        if (total > 0 && total != bytesTotal())
            setTotal(total);
    });
}

void DownloadTransfer::abortWork()
{
    if (m_reply) {
        disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    if (m_file) {
        m_file->cancelWriting();
        m_file.reset();  // QSaveFile removes its temporary file
    }
}

void DownloadTransfer::onReadyRead()
{
    if (m_status == 0)
        m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_status != 200) {
        m_errorBody += m_reply->read(maxErrorBodyBytes - m_errorBody.size());
        m_reply->readAll();
        return;
    }
    const QByteArray chunk = m_reply->readAll();
    if (m_file->write(chunk) != chunk.size()) {
        fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot write %1: %2").arg(localPath(), m_file->errorString())));
        return;
    }
    m_received += chunk.size();
    setProgress(m_received);
}

void DownloadTransfer::onFinished()
{
    if (!m_reply)
        return;
    onReadyRead();
    if (state() != TransferState::Running)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError && status == 0)
        return fail(client()->annotate(AwsHttpClient::transportError(reply), QStringLiteral("s3:GetObject"), remote().toString()));
    if (status != 200)
        return fail(client()->errorFromResponse(status, m_errorBody, QStringLiteral("s3:GetObject"), remote().toString()));
    if (reply->error() != QNetworkReply::NoError || (bytesTotal() > 0 && m_received != bytesTotal()))
        return fail(client()->annotate(AwsError::local(AwsErrorKind::Network, QStringLiteral("The download was cut short after %1 of %2 bytes").arg(m_received).arg(bytesTotal())),
                                       QStringLiteral("s3:GetObject"), remote().toString()));
    if (!m_file->commit())
        return fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot save %1: %2").arg(localPath(), m_file->errorString())));
    m_file.reset();
    succeed(QString::fromLatin1(reply->rawHeader("ETag")));
}

} // namespace RoleDrop
