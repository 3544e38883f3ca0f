#include "ui/transfers/unfinished_uploads_dialog.h"

#include "ui/human_units.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

namespace {

enum Column { KeyColumn, StartedColumn, SizeColumn, LocalColumn, ColumnCount };
constexpr int IndexRole = Qt::UserRole + 1;

QString ageOf(const QDateTime &started)
{
    if (!started.isValid())
        return UnfinishedUploadsDialog::tr("unknown");
    const qint64 seconds = started.secsTo(QDateTime::currentDateTimeUtc());
    if (seconds >= 2 * 86400)
        return UnfinishedUploadsDialog::tr("%1 days ago").arg(seconds / 86400);
    if (seconds >= 2 * 3600)
        return UnfinishedUploadsDialog::tr("%1 hours ago").arg(seconds / 3600);
    if (seconds >= 120)
        return UnfinishedUploadsDialog::tr("%1 minutes ago").arg(seconds / 60);
    return UnfinishedUploadsDialog::tr("just now");
}

} // namespace

UnfinishedUploadsDialog::UnfinishedUploadsDialog(Sessions::Session *session, const QString &bucket, QWidget *parent)
    : QDialog(parent), m_session(session), m_bucket(bucket), m_list(new QTreeWidget(this)), m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("unfinishedUploadsDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    m_list->setObjectName(QStringLiteral("unfinishedUploadsList"));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Object"), tr("Started"), tr("Sent"), tr("Local file")});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setAllColumnsShowFocus(true);
    m_list->setTextElideMode(Qt::ElideMiddle);  // keys and paths end in the names people look for
    m_list->header()->setSectionResizeMode(KeyColumn, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(StartedColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(SizeColumn, QHeaderView::ResizeToContents);
    m_list->setAccessibleName(tr("Unfinished uploads"));
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("unfinishedUploadsStatus"));

    auto *buttons = new QDialogButtonBox(this);
    m_resume = buttons->addButton(tr("&Resume"), QDialogButtonBox::ActionRole);
    m_resume->setObjectName(QStringLiteral("resumeUploads"));
    m_resume->setToolTip(tr("Send the missing parts of the chosen uploads (their local files must be unchanged)"));
    m_abort = buttons->addButton(tr("&Abort on Server"), QDialogButtonBox::DestructiveRole);
    m_abort->setObjectName(QStringLiteral("abortUploads"));
    m_abort->setToolTip(tr("Abort the chosen uploads: the server frees their parts and stops billing them"));
    // The interrupted uploads come from the journal; only a bucket's list is asked of the server again.
    if (!bucket.isEmpty()) {
        auto *refresh = buttons->addButton(tr("Re&fresh"), QDialogButtonBox::ActionRole);
        connect(refresh, &QPushButton::clicked, this, &UnfinishedUploadsDialog::refresh);
    }
    auto *close = buttons->addButton(bucket.isEmpty() ? tr("&Later") : tr("&Close"), QDialogButtonBox::RejectRole);
    close->setDefault(true);
    connect(m_resume, &QPushButton::clicked, this, &UnfinishedUploadsDialog::resumeChosen);
    connect(m_abort, &QPushButton::clicked, this, &UnfinishedUploadsDialog::abortChosen);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &UnfinishedUploadsDialog::updateButtons);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    resize(720, 360);
}

UnfinishedUploadsDialog *UnfinishedUploadsDialog::interrupted(Sessions::Session *session, const QList<Transfers::UploadRecord> &records,
                                                              QWidget *parent)
{
    auto *dialog = new UnfinishedUploadsDialog(session, QString(), parent);
    dialog->setWindowTitle(tr("Interrupted Uploads"));
    QList<Sessions::UnfinishedUpload> uploads;
    for (const Transfers::UploadRecord &record : records) {
        Sessions::UnfinishedUpload upload;
        upload.upload = {record.key, record.uploadId, record.started};
        upload.bytesOnServer = record.bytesDone();
        upload.record = record;
        uploads.append(upload);
    }
    dialog->showUploads(uploads);
    dialog->m_list->selectAll();
    dialog->m_status->setText(records.size() == 1
                                  ? tr("An upload was interrupted before it finished (RoleDrop quit or was stopped). Resume it to "
                                       "send only what is missing, or abort it to free the parts already on the server.")
                                  : tr("%1 uploads were interrupted before they finished (RoleDrop quit or was stopped). Resume "
                                       "them to send only what is missing, or abort them to free the parts already on the server.")
                                        .arg(records.size()));
    return dialog;
}

UnfinishedUploadsDialog *UnfinishedUploadsDialog::forBucket(Sessions::Session *session, const QString &bucket, QWidget *parent)
{
    auto *dialog = new UnfinishedUploadsDialog(session, bucket, parent);
    dialog->setWindowTitle(tr("Unfinished Uploads in %1").arg(bucket));
    dialog->refresh();
    return dialog;
}

QString UnfinishedUploadsDialog::statusText() const
{
    return m_status->text();
}

void UnfinishedUploadsDialog::refresh()
{
    m_status->setText(tr("Asking the server for unfinished uploads in %1…").arg(m_bucket));
    m_list->clear();
    m_session->listUnfinishedUploads(m_bucket, QString(), this, [this](Outcome<QList<Sessions::UnfinishedUpload>> uploads) {
        if (!uploads) {
            m_status->setText(uploads.error().userMessage());
            return;
        }
        showUploads(uploads.value());
        m_status->setText(uploads->isEmpty() ? tr("No unfinished uploads in %1: nothing is billed for parts here.").arg(m_bucket)
                                             : tr("%n unfinished upload(s) in %1. Their parts are billed until they are completed "
                                                  "or aborted.", nullptr, int(uploads->size())).arg(m_bucket));
    });
}

void UnfinishedUploadsDialog::showUploads(const QList<Sessions::UnfinishedUpload> &uploads)
{
    m_uploads = uploads;
    m_list->clear();
    for (int i = 0; i < uploads.size(); ++i) {
        const Sessions::UnfinishedUpload &upload = uploads.at(i);
        auto *item = new QTreeWidgetItem(m_list);
        const QString bucket = upload.record ? upload.record->bucket : m_bucket;
        item->setText(KeyColumn, QStringLiteral("s3://%1/%2").arg(bucket, upload.upload.key));
        item->setToolTip(KeyColumn, upload.record ? tr("%1\nStarted as %2").arg(item->text(KeyColumn), upload.record->identity)
                                                  : item->text(KeyColumn));
        item->setText(StartedColumn, ageOf(upload.upload.initiated));
        item->setToolTip(StartedColumn, QLocale().toString(upload.upload.initiated.toLocalTime(), QLocale::LongFormat));
        QString sent = upload.bytesOnServer < 0 ? tr("unknown") : humanSize(upload.bytesOnServer);
        if (upload.record)
            sent = tr("%1 of %2").arg(humanSize(upload.record->bytesDone()), humanSize(upload.record->size));
        item->setText(SizeColumn, sent);
        item->setText(LocalColumn, upload.record ? upload.record->localPath : tr("(started elsewhere: can only be aborted)"));
        item->setToolTip(LocalColumn, item->text(LocalColumn));
        item->setData(KeyColumn, IndexRole, i);
    }
    updateButtons();
}

QList<Sessions::UnfinishedUpload> UnfinishedUploadsDialog::chosen() const
{
    QList<Sessions::UnfinishedUpload> picked;
    for (const QTreeWidgetItem *item : m_list->selectedItems())
        picked.append(m_uploads.at(item->data(KeyColumn, IndexRole).toInt()));
    return picked;
}

void UnfinishedUploadsDialog::updateButtons()
{
    bool resumable = false;
    for (const Sessions::UnfinishedUpload &upload : chosen())
        resumable = resumable || (upload.record && QFileInfo::exists(upload.record->localPath));
    m_resume->setEnabled(resumable && m_session->hasIdentity());
    m_abort->setEnabled(!chosen().isEmpty() && m_aborting == 0 && m_session->hasIdentity());
}

void UnfinishedUploadsDialog::resumeChosen()
{
    QList<Transfers::UploadRecord> records;
    for (const Sessions::UnfinishedUpload &upload : chosen()) {
        if (upload.record && QFileInfo::exists(upload.record->localPath))
            records.append(*upload.record);
    }
    const int count = int(m_session->resumeUploads(records).size());
    emit resumed(count);
    if (count < records.size())
        m_status->setText(tr("%1 of %2 could not be resumed here: they went to another server; open its profile to resume them.")
                              .arg(records.size() - count)
                              .arg(records.size()));
    else
        accept();
}

void UnfinishedUploadsDialog::abortChosen()
{
    const QList<Sessions::UnfinishedUpload> picked = chosen();
    m_aborting = int(picked.size());
    updateButtons();
    m_status->setText(tr("Aborting %n upload(s) on the server…", nullptr, m_aborting));
    auto failures = std::make_shared<QStringList>();
    for (const Sessions::UnfinishedUpload &upload : picked) {
        const QString bucket = upload.record ? upload.record->bucket : m_bucket;
        m_session->abortUnfinishedUpload(bucket, upload.upload.key, upload.upload.uploadId, this, [this, failures](Outcome<Done> done) {
            if (!done && done.error().kind != AwsErrorKind::NoSuchUpload)
                failures->append(done.error().userMessage());
            if (--m_aborting > 0)
                return;
            if (!failures->isEmpty()) {
                m_status->setText(failures->join(QLatin1Char('\n')));
                updateButtons();
                return;
            }
            if (m_bucket.isEmpty())
                accept();
            else
                refresh();
        });
    }
}

} // namespace RoleDrop::Ui
