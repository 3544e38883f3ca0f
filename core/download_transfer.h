#pragma once

#include "core/transfer.h"

#include <QPointer>

#include <memory>

class QNetworkReply;
class QSaveFile;

namespace RoleDrop {

// Downloads one object to a file, streamed: bytes go to a temporary file beside the target as they
// arrive (the read buffer is bounded) and the target appears only when the whole object is there, so a
// failed or cancelled download leaves nothing behind and never a half-written file under the real name.
class DownloadTransfer final : public Transfer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DownloadTransfer)
public:
    // `localPath` must already be the checked destination (see localPathForKey).
    DownloadTransfer(S3Client *client, const S3Uri &source, const QString &localPath, QObject *parent = nullptr);
    ~DownloadTransfer() override;

protected:
    void run() override;
    void abortWork() override;

private:
    void onReadyRead();
    void onFinished();

    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<QSaveFile> m_file;
    int m_status = 0;
    QByteArray m_errorBody;
    qint64 m_received = 0;
};

} // namespace RoleDrop
