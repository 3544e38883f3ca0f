#pragma once

#include <QFile>
#include <QIODevice>

namespace RoleDrop::Transfers {

// A read-only window [offset, offset + length) of a file, so one multipart part streams from disk
// without ever being held in memory. Seekable, so the network stack can rewind it on a resend.
class FileRangeDevice final : public QIODevice
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileRangeDevice)
public:
    FileRangeDevice(const QString &path, qint64 offset, qint64 length, QObject *parent = nullptr);

    bool open(OpenMode mode) override;
    void close() override;
    qint64 size() const override { return m_length; }
    bool isSequential() const override { return false; }
    bool seek(qint64 pos) override;
    bool atEnd() const override;
    QString fileError() const { return m_file.errorString(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QFile m_file;
    qint64 m_offset;
    qint64 m_length;
};

} // namespace RoleDrop::Transfers
