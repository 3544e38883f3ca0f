#pragma once

#include "core/common/aws_error.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

class QProgressDialog;
class QWidget;

namespace RoleDrop::Http {
class AwsCall;
}
namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

// Deleting what the user chose, with feedback at each wait. Folders are listed first, with a progress dialog
// counting what is found (Cancel stops it), so the question can say how many objects go ("Delete folder
// photos/ and its 1,234 objects?"). The deletion then runs in batches under a progress dialog whose Cancel
// stops between batches; the browser is told what was deleted. One run, then the object deletes itself.
class ObjectDeletion final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ObjectDeletion)
public:
    // `prefix` is the folder shown (names in the question are relative to it).
    ObjectDeletion(Sessions::Session *session, const QString &bucket, const QString &prefix, QWidget *dialogParent);
    ~ObjectDeletion() override;

    // Keys per DeleteObjects request (S3 takes at most 1,000); smaller batches make Cancel answer sooner.
    void setBatchSize(int keys) { m_batchSize = keys; }
    // `confirm`: ask first (the user pressed Delete); otherwise delete at once (a caller that asked already).
    void start(const QStringList &keys, const QStringList &folderPrefixes, bool confirm);

signals:
    // Something may have gone from the bucket (the browser refreshes what it shows).
    void finished(const QString &bucket, const QString &prefix);
    // `note` (may be empty) adds how many objects were left by a partial failure.
    void failed(const RoleDrop::AwsError &error, const QString &note);
    // What happened when it is not the plain "all deleted": a cancelled deletion says how far it got.
    void reported(const QString &text);

private:
    void count(const QStringList &keys, const QStringList &folderPrefixes, bool confirm);
    void ask(const QStringList &doomed, const QStringList &keys, const QStringList &folderPrefixes);
    void remove(const QStringList &doomed);
    // `showNow`: at once; otherwise only if the wait lasts.
    QProgressDialog *progressDialog(const QString &title, const QString &label, int maximum, bool showNow);
    void closeProgress();

    Sessions::Session *m_session;
    QString m_bucket;
    QString m_prefix;
    QPointer<QWidget> m_dialogParent;
    QPointer<QProgressDialog> m_progress;
    QPointer<Http::AwsCall> m_call;
    int m_batchSize = 1000;
};

} // namespace RoleDrop::Ui
