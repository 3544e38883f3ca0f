// A transfer keeps the identity (and endpoint) it was queued under, to its end: a role switch, or going back
// to the base identity, during an upload changes nothing for it. Checked on the server's side: the STS + S3
// test double logs which access key signed every request, and its bucket refuses james's own keys, so a part
// sent as anyone but the role the upload was queued under would be refused and logged.
#include "core/session/session.h"
#include "test_double_knobs.h"
#include "test_files.h"
#include "test_session.h"
#include "test_world.h"

#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using RoleDrop::Test::worldValue;

namespace {

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// The access keys that signed the double's answers to `action` on `key` since `since`, and how they ended.
struct Signed
{
    QSet<QString> keyIds;
    int refused = 0;
    int count = 0;
};
Signed signedRequests(int since, const QString &action, const QString &key)
{
    Signed found;
    for (const QJsonValue &value : Test::doubleLog(since)) {
        const QJsonObject entry = value.toObject();
        if (entry.value(QStringLiteral("action")).toString() != action || entry.value(QStringLiteral("key")).toString() != key)
            continue;
        ++found.count;
        found.keyIds.insert(entry.value(QStringLiteral("access_key_id")).toString());
        if (entry.value(QStringLiteral("status")).toInt() >= 300)
            ++found.refused;
    }
    return found;
}

} // namespace

class IdentityBindingTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_bucket;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bucket = worldValue("ROLEDROP_TEST_S3_DOUBLE_BUCKET");
        Test::doubleKnob("POST", QStringLiteral("reset"));
    }

    void aSwitchDuringAnUploadChangesNothingForIt()
    {
        Test::SessionFixture session(QStringLiteral("binding"));
        QVERIFY(session.openProfile(Test::SessionFixture::stsDoubleJames(QStringLiteral("james-binding")),
                                    Test::SessionFixture::stsDoubleJamesSecret()));
        const auto role = session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"));
        QVERIFY2(role, qPrintable(role ? QString() : role.error().userMessage()));
        const QString roleKey = role->accessKeyId;

        // Two uploads, one at a time: the first runs while the identity changes, the second is still queued.
        const QByteArray first = Test::randomBytes(26 * 1024 * 1024, 81);
        const QByteArray second = Test::randomBytes(6 * 1024 * 1024, 82);
        QVERIFY(Test::writeFile(m_dir.filePath(QStringLiteral("first.bin")), first));
        QVERIFY(Test::writeFile(m_dir.filePath(QStringLiteral("second.bin")), second));
        Transfers::UploadPlan plan;
        plan.items = {{m_dir.filePath(QStringLiteral("first.bin")), QStringLiteral("binding/first.bin"), first.size()},
                      {m_dir.filePath(QStringLiteral("second.bin")), QStringLiteral("binding/second.bin"), second.size()}};
        Transfers::UploadOptions options;
        options.maxPartsInFlight = 1;   // one part after the other: the switch lands between parts
        options.multipartThreshold = 5 * 1024 * 1024;
        options.partSize = 5 * 1024 * 1024;
        session->transfers().setMaxConcurrent(1);
        const int since = Test::doubleLogSeq();
        const QList<Transfers::Transfer *> transfers = session->enqueueUploads(m_bucket, plan, options);
        QCOMPARE(transfers.size(), 2);
        // The queue shows who each runs as.
        for (const Transfers::Transfer *transfer : transfers)
            QVERIFY2(transfer->identityName().startsWith(QStringLiteral("S3Access")), qPrintable(transfer->identityName()));

        // Mid-way through the first upload: back to james (who may not write here), then another role.
        QTRY_VERIFY_WITH_TIMEOUT(transfers.first()->bytesDone() >= 6 * 1024 * 1024, 60000);
        QCOMPARE(transfers.at(1)->state(), Transfers::TransferState::Queued);
        session->backToBase();
        QCOMPARE(session->identity().kind, Auth::Identity::Kind::BaseUser);
        const auto other = session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_LONG"));
        QVERIFY2(other, qPrintable(other ? QString() : other.error().userMessage()));
        QVERIFY(other->accessKeyId != roleKey);

        QSignalSpy idle(&session->transfers(), &Transfers::TransferQueue::idle);
        QVERIFY(session->transfers().isIdle() || idle.wait(120000));
        for (const Transfers::Transfer *transfer : transfers)
            QVERIFY2(transfer->state() == Transfers::TransferState::Succeeded, qPrintable(transfer->result().error.userMessage()));

        // The server's side: every request of both uploads was signed with the S3Access session's key.
        for (const QString &key : {QStringLiteral("binding/first.bin"), QStringLiteral("binding/second.bin")}) {
            for (const QString &action : {QStringLiteral("s3:CreateMultipartUpload"), QStringLiteral("s3:UploadPart"),
                                          QStringLiteral("s3:CompleteMultipartUpload")}) {
                const Signed requests = signedRequests(since, action, key);
                QVERIFY2(requests.count > 0, qPrintable(action + QLatin1Char(' ') + key));
                QCOMPARE(requests.keyIds, QSet<QString>{roleKey});
                QCOMPARE(requests.refused, 0);
            }
        }
        const QJsonObject stored = Test::doubleKnob("GET", QStringLiteral("object?bucket=%1&key=binding/first.bin").arg(m_bucket));
        QCOMPARE(stored.value(QStringLiteral("sha256")).toString(), sha256Hex(first));

        // New work goes as the identity of the moment.
        const auto after = session->enqueueUploads(m_bucket, {QString(), {{m_dir.filePath(QStringLiteral("second.bin")),
                                                                           QStringLiteral("binding/third.bin"), second.size()}}, 0});
        QCOMPARE(after.size(), 1);
        QVERIFY2(after.first()->identityName().startsWith(QStringLiteral("LongRole")), qPrintable(after.first()->identityName()));
        QVERIFY(session->transfers().isIdle() || idle.wait(60000));
        QCOMPARE(signedRequests(since, QStringLiteral("s3:PutObject"), QStringLiteral("binding/third.bin")).keyIds,
                 QSet<QString>{other->accessKeyId});
    }

    void retryAsTheCurrentIdentityRebinds()
    {
        Test::SessionFixture session(QStringLiteral("binding-retry"));
        QVERIFY(session.openProfile(Test::SessionFixture::stsDoubleJames(QStringLiteral("james-retry")),
                                    Test::SessionFixture::stsDoubleJamesSecret()));
        const QByteArray bytes = Test::randomBytes(1000, 83);
        QVERIFY(Test::writeFile(m_dir.filePath(QStringLiteral("retry.bin")), bytes));
        Transfers::UploadPlan plan;
        plan.items = {{m_dir.filePath(QStringLiteral("retry.bin")), QStringLiteral("binding/retry.bin"), bytes.size()}};
        // As james: refused (the bucket is the role's).
        auto transfers = session->enqueueUploads(m_bucket, plan);
        QTRY_COMPARE_WITH_TIMEOUT(transfers.first()->state(), Transfers::TransferState::Failed, 30000);
        QCOMPARE(transfers.first()->result().error.kind, AwsErrorKind::AccessDenied);

        const auto role = session.switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"));
        QVERIFY(role);
        // Again as the identity it was queued under: refused again.
        QVERIFY(session->retry(transfers.first(), Sessions::RetryAs::QueuedIdentity));
        QTRY_COMPARE_WITH_TIMEOUT(transfers.first()->state(), Transfers::TransferState::Failed, 30000);
        QVERIFY(transfers.first()->identityName().startsWith(QStringLiteral("james")));
        // As the identity of now: it goes through, and the queue says who it ran as.
        QVERIFY(session->retry(transfers.first(), Sessions::RetryAs::CurrentIdentity));
        QTRY_COMPARE_WITH_TIMEOUT(transfers.first()->state(), Transfers::TransferState::Succeeded, 30000);
        QVERIFY(transfers.first()->identityName().startsWith(QStringLiteral("S3Access")));
    }
};

QTEST_GUILESS_MAIN(IdentityBindingTest)
#include "identity_binding_test.moc"
