#include "ui/browser/object_deletion.h"

#include "core/http/aws_call.h"
#include "core/session/session.h"

#include <QLocale>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>

#include <algorithm>

namespace RoleDrop::Ui {

namespace {

bool isFolderMarker(const QString &key)
{
    return key.endsWith(QLatin1Char('/'));
}

// "1,234" with the user's digit grouping (also in the C locale, which has none by default).
QString number(qsizetype n)
{
    QLocale locale;
    locale.setNumberOptions(QLocale::DefaultNumberOptions);
    return locale.toString(qlonglong(n));
}

QString objects(qsizetype n)
{
    return n == 1 ? ObjectDeletion::tr("1 object") : ObjectDeletion::tr("%1 objects").arg(number(n));
}

qsizetype countObjects(const QStringList &keys)
{
    return std::count_if(keys.begin(), keys.end(), [](const QString &key) { return !isFolderMarker(key); });
}

} // namespace

ObjectDeletion::ObjectDeletion(Sessions::Session *session, const QString &bucket, const QString &prefix, QWidget *dialogParent)
    : QObject(dialogParent), m_session(session), m_bucket(bucket), m_prefix(prefix), m_dialogParent(dialogParent)
{
}

ObjectDeletion::~ObjectDeletion()
{
    if (m_call)
        m_call->cancel();
    closeProgress();
}

void ObjectDeletion::start(const QStringList &keys, const QStringList &folderPrefixes, bool confirm)
{
    if (keys.isEmpty() && folderPrefixes.isEmpty())
        return deleteLater();
    if (folderPrefixes.isEmpty())
        return confirm ? ask(keys, keys, folderPrefixes) : remove(keys);
    count(keys, folderPrefixes, confirm);
}

QProgressDialog *ObjectDeletion::progressDialog(const QString &title, const QString &label, int maximum, bool showNow)
{
    closeProgress();
    m_progress = new QProgressDialog(label, tr("&Cancel"), 0, maximum, m_dialogParent);
    m_progress->setObjectName(QStringLiteral("deleteProgress"));
    m_progress->setAccessibleName(title);
    m_progress->setWindowTitle(title);
    m_progress->setWindowModality(Qt::WindowModal);
    m_progress->setAutoClose(false);
    m_progress->setAutoReset(false);
    // A wait too short to read a dialog in gets none.
    m_progress->setMinimumDuration(showNow ? 0 : 400);
    m_progress->setValue(0);  // starts that delay
    connect(m_progress, &QProgressDialog::canceled, this, [this] {
        if (m_call)
            m_call->cancel();
    });
    if (showNow)
        m_progress->show();
    return m_progress;
}

void ObjectDeletion::closeProgress()
{
    if (m_progress) {
        m_progress->disconnect(this);
        m_progress->close();
        m_progress->deleteLater();
    }
    m_progress = nullptr;
}

void ObjectDeletion::count(const QStringList &keys, const QStringList &folderPrefixes, bool confirm)
{
    const QString where = folderPrefixes.size() == 1 ? folderPrefixes.first().mid(m_prefix.size()) : tr("the selected folders");
    progressDialog(tr("Counting Objects"), tr("Counting the objects in %1…").arg(where), 0, false);
    m_call = m_session->listForDeletion(m_bucket, keys, folderPrefixes, this,
        [this, where](int found) {
            if (m_progress)
                m_progress->setLabelText(tr("Counting the objects in %1… %2 found so far").arg(where, number(found)));
        },
        [this, keys, folderPrefixes, confirm](Outcome<QStringList> doomed) {
            m_call = nullptr;
            closeProgress();
            if (!doomed) {
                // Cancelled: nothing was deleted, and nothing needs saying.
                if (doomed.error().kind != AwsErrorKind::Cancelled)
                    emit failed(doomed.error(), QString());
                return deleteLater();
            }
            confirm ? ask(doomed.value(), keys, folderPrefixes) : remove(doomed.value());
        });
}

void ObjectDeletion::ask(const QStringList &doomed, const QStringList &keys, const QStringList &folderPrefixes)
{
    const qsizetype inside = countObjects(doomed) - countObjects(keys);
    QString question;
    if (keys.isEmpty() && folderPrefixes.size() == 1) {
        const QString folder = folderPrefixes.first().mid(m_prefix.size());
        question = inside == 0 ? tr("Delete the empty folder %1?").arg(folder)
                               : tr("Delete folder %1 and its %2?").arg(folder, objects(inside));
    } else if (folderPrefixes.isEmpty() && keys.size() == 1) {
        question = tr("Delete “%1”?").arg(keys.first().mid(m_prefix.size()));
    } else {
        const qsizetype items = keys.size() + folderPrefixes.size();
        question = tr("Delete the %1 selected items?").arg(number(items));
        if (!folderPrefixes.isEmpty())
            question += QLatin1Char(' ') + tr("The folders among them hold %1, deleted with them.").arg(objects(inside));
    }
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Delete"), question, QMessageBox::Cancel, m_dialogParent);
    box->setObjectName(QStringLiteral("deleteConfirmation"));
    box->setInformativeText(tr("This cannot be undone."));
    QPushButton *yes = box->addButton(tr("&Delete"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, yes, doomed] {
        if (box->clickedButton() == yes)
            remove(doomed);
        else
            deleteLater();
    });
    box->open();
}

void ObjectDeletion::remove(const QStringList &doomed)
{
    // Folder markers last, deepest first: a deletion stopped half-way leaves every folder that still holds
    // something showing, rather than objects under a folder whose marker went first.
    QStringList ordered;
    QStringList markers;
    for (const QString &key : doomed)
        (isFolderMarker(key) ? markers : ordered).append(key);
    std::sort(markers.begin(), markers.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    ordered += markers;

    const qsizetype total = countObjects(ordered);
    // More than one request: progress to follow and a Cancel that can stop the rest, from the start.
    progressDialog(tr("Deleting"), tr("Deleting %1…").arg(objects(total)), int(ordered.size()), ordered.size() > m_batchSize);
    m_call = m_session->deleteKeys(m_bucket, ordered, m_batchSize, this,
        [this](int done, int) {
            if (m_progress)
                m_progress->setValue(done);
        },
        [this, ordered, total](Outcome<S3::DeleteObjectsResult> result) {
            m_call = nullptr;
            closeProgress();
            emit finished(m_bucket, m_prefix);
            deleteLater();
            if (!result)
                return emit failed(result.error(), QString());
            const qsizetype deleted = countObjects(result->deleted);
            if (!result->failed.isEmpty()) {
                const qsizetype failedCount = result->failed.size();
                emit failed(result->failed.first().second,
                            failedCount == 1 ? tr("1 object could not be deleted.")
                                             : tr("%1 objects could not be deleted.").arg(number(failedCount)));
                return;
            }
            if (result->deleted.size() < ordered.size()) {
                emit reported(tr("Deletion stopped: %1 of %2 deleted. %3 left in the bucket.")
                                  .arg(number(deleted), objects(total), objects(total - deleted)));
            }
        });
}

} // namespace RoleDrop::Ui
