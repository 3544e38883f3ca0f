// Where downloaded keys land: inside the folder, one key per local file (collisions reported, not raced),
// existing files flagged, and the user's overwrite / skip / keep-both answers applied.
#include "core/transfer/download_plan.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using namespace RoleDrop::Transfers;

class DownloadPlanTest final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void keysLandInsideTheFolder()
    {
        const DownloadPlan plan = planDownload({QStringLiteral("photos/a.jpg"), QStringLiteral("photos/2024/b.jpg"),
                                                QStringLiteral("photos/"), QStringLiteral("photos/../../escape")},
                                               QStringLiteral("photos/"), m_dir.path());
        QCOMPARE(plan.items.size(), 2);
        QCOMPARE(plan.items.at(0).localPath, m_dir.filePath(QStringLiteral("a.jpg")));
        QCOMPARE(plan.items.at(1).localPath, m_dir.filePath(QStringLiteral("2024/b.jpg")));
        QCOMPARE(plan.refused.size(), 1);  // the folder marker has no file; the escape is refused
        QCOMPARE(plan.refused.first().first, QStringLiteral("photos/../../escape"));
    }

    void keysOnOneLocalPathAreReported()
    {
        const DownloadPlan plan = planDownload({QStringLiteral("a/b"), QStringLiteral("a//b"), QStringLiteral("a/./b"),
                                                QStringLiteral("a/b")},
                                               QString(), m_dir.path());
        QCOMPARE(plan.items.size(), 1);
        QCOMPARE(plan.items.first().key, QStringLiteral("a/b"));
        // "a/b" twice is the same key selected twice, not a collision; the other two are.
        QCOMPARE(plan.collisions.size() + plan.refused.size(), 2);
    }

    void existingFilesAreFlaggedAndAnswered()
    {
        QFile existing(m_dir.filePath(QStringLiteral("report.pdf")));
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("old");
        existing.close();
        QFile taken(m_dir.filePath(QStringLiteral("report (1).pdf")));
        QVERIFY(taken.open(QIODevice::WriteOnly));
        taken.close();
        DownloadPlan plan = planDownload({QStringLiteral("report.pdf"), QStringLiteral("new.txt")}, QString(), m_dir.path());
        QCOMPARE(plan.items.size(), 2);
        QVERIFY(plan.items.at(0).existsLocally);
        QVERIFY(!plan.items.at(1).existsLocally);

        DownloadPlan keepBoth = plan;
        applyDownloadChoices(keepBoth, {{0, ConflictChoice::KeepBoth}});
        QCOMPARE(keepBoth.items.at(0).localPath, m_dir.filePath(QStringLiteral("report (2).pdf")));  // (1) is on disk
        QVERIFY(!keepBoth.items.at(0).existsLocally);

        DownloadPlan skip = plan;
        applyDownloadChoices(skip, {{0, ConflictChoice::Skip}});
        QCOMPARE(skip.items.size(), 1);
        QCOMPARE(skip.items.first().key, QStringLiteral("new.txt"));

        DownloadPlan overwrite = plan;
        applyDownloadChoices(overwrite, {{0, ConflictChoice::Overwrite}});
        QCOMPARE(overwrite.items.at(0).localPath, m_dir.filePath(QStringLiteral("report.pdf")));
    }
};

QTEST_GUILESS_MAIN(DownloadPlanTest)
#include "download_plan_test.moc"
