#pragma once

#include "core/session/session.h"

#include <QDialog>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace RoleDrop::Ui {

// Multipart uploads that were started and neither completed nor aborted: they hold parts the account is
// billed for. Two ways in:
//  - interrupted(): after a crash or a kill, the journal's uploads of the open profile's server, offered to
//    resume (only the missing parts are sent) or to discard (aborted on the server);
//  - forBucket(): everything the server holds unfinished in a bucket (ListMultipartUploads), with its age and
//    size; those RoleDrop started here can be resumed, any can be aborted.
class UnfinishedUploadsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnfinishedUploadsDialog)
public:
    static UnfinishedUploadsDialog *interrupted(Sessions::Session *session, const QList<Transfers::UploadRecord> &records,
                                               QWidget *parent);
    static UnfinishedUploadsDialog *forBucket(Sessions::Session *session, const QString &bucket, QWidget *parent);

    QTreeWidget *list() const { return m_list; }
    QPushButton *resumeButton() const { return m_resume; }
    QPushButton *abortButton() const { return m_abort; }
    QString statusText() const;

signals:
    // Resumed uploads went into the transfer queue.
    void resumed(int count);

private:
    UnfinishedUploadsDialog(Sessions::Session *session, const QString &bucket, QWidget *parent);
    void showUploads(const QList<Sessions::UnfinishedUpload> &uploads);
    void refresh();
    void resumeChosen();
    void abortChosen();
    QList<Sessions::UnfinishedUpload> chosen() const;
    void updateButtons();

    Sessions::Session *m_session;
    QString m_bucket;          // empty: the interrupted uploads of every bucket
    QList<Sessions::UnfinishedUpload> m_uploads;
    QTreeWidget *m_list;
    QLabel *m_status;
    QPushButton *m_resume;
    QPushButton *m_abort;
    int m_aborting = 0;
};

} // namespace RoleDrop::Ui
