#include "core/transfer/upload_plan.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;

class UploadPlanTest final : public QObject
{
    Q_OBJECT

    static QStringList keysOf(const Transfers::UploadPlan &plan)
    {
        QStringList keys;
        for (const Transfers::UploadItem &item : plan.items)
            keys.append(item.key);
        keys.sort();
        return keys;
    }

    static void writeFile(const QString &path, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    }

private slots:
    void normalizedPrefix_data()
    {
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << "" << "";
        QTest::newRow("slash only") << "/" << "";
        QTest::newRow("no trailing slash") << "a/b" << "a/b/";
        QTest::newRow("leading and doubled") << "/a//b/" << "a/b/";
        QTest::newRow("backslashes") << "a\\b" << "a/b/";
    }
    void normalizedPrefix()
    {
        QFETCH(QString, prefix);
        QFETCH(QString, expected);
        QCOMPARE(RoleDrop::Transfers::normalizedPrefix(prefix), expected);
    }

    void planKeepsRelativePathsUnderPrefix()
    {
        const QList<Transfers::LocalFileEntry> files = {
            {"/home/u/photos/a.jpg", "photos/a.jpg", 10},
            {"/home/u/photos/2024/b.jpg", "photos/2024/b.jpg", 20},
            {"/home/u/notes.txt", "notes.txt", 5},
        };
        const Transfers::UploadPlan plan = Transfers::planUpload(files, "team/in");
        QCOMPARE(plan.prefix, QString("team/in/"));
        QCOMPARE(keysOf(plan), QStringList({"team/in/notes.txt", "team/in/photos/2024/b.jpg", "team/in/photos/a.jpg"}));
        QCOMPARE(plan.totalBytes, qint64(35));
        QCOMPARE(plan.items.at(1).localPath, QString("/home/u/photos/2024/b.jpg"));
    }

    void planAtBucketRoot()
    {
        const Transfers::UploadPlan plan = Transfers::planUpload({{"/x/a.txt", "a.txt", 1}}, "");
        QCOMPARE(keysOf(plan), QStringList({"a.txt"}));
    }

    void sameNameTwiceInOneBatchKeepsBoth()
    {
        const Transfers::UploadPlan plan = Transfers::planUpload({{"/x/a.txt", "a.txt", 1}, {"/y/a.txt", "a.txt", 2}, {"/z/a.txt", "a.txt", 3}}, "p");
        QCOMPARE(plan.items.size(), 3);
        QCOMPARE(plan.items.at(0).key, QString("p/a.txt"));
        QCOMPARE(plan.items.at(1).key, QString("p/a (1).txt"));
        QCOMPARE(plan.items.at(2).key, QString("p/a (2).txt"));
    }

    void keepBothKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QStringList>("taken");
        QTest::addColumn<QString>("expected");
        QTest::newRow("extension") << "d/name.ext" << QStringList{"d/name.ext"} << "d/name (1).ext";
        QTest::newRow("next free") << "d/name.ext" << QStringList{"d/name.ext", "d/name (1).ext"} << "d/name (2).ext";
        QTest::newRow("no extension") << "README" << QStringList{"README"} << "README (1)";
        QTest::newRow("hidden file") << "cfg/.env" << QStringList{"cfg/.env"} << "cfg/.env (1)";
        QTest::newRow("tar.gz") << "b/archive.tar.gz" << QStringList{} << "b/archive (1).tar.gz";
        QTest::newRow("dot in folder") << "v1.2/file" << QStringList{} << "v1.2/file (1)";
    }
    void keepBothKey()
    {
        QFETCH(QString, key);
        QFETCH(QStringList, taken);
        QFETCH(QString, expected);
        QCOMPARE(RoleDrop::Transfers::keepBothKey(key, QSet<QString>(taken.cbegin(), taken.cend())), expected);
    }

    void conflictChoicesSkipRenameOverwrite()
    {
        Transfers::UploadPlan plan = Transfers::planUpload({{"/a", "a.txt", 1}, {"/b", "b.txt", 2}, {"/c", "c.txt", 4}, {"/d", "d.txt", 8}}, "p/");
        const QSet<QString> existing = {"p/a.txt", "p/b.txt", "p/c.txt", "p/c (1).txt"};
        const QList<int> conflicts = Transfers::conflictingItems(plan, existing);
        QCOMPARE(conflicts, QList<int>({0, 1, 2}));
        Transfers::applyConflictChoices(plan, {{0, Transfers::ConflictChoice::Skip}, {1, Transfers::ConflictChoice::Overwrite}, {2, Transfers::ConflictChoice::KeepBoth}}, existing);
        QCOMPARE(keysOf(plan), QStringList({"p/b.txt", "p/c (2).txt", "p/d.txt"}));
        QCOMPARE(plan.totalBytes, qint64(14));
    }

    // The window protects every item nobody answered "Overwrite" for (If-None-Match: *): an explicit Overwrite
    // lifts it, Keep Both and no conflict at all keep it.
    void onlyAnExplicitOverwriteMayReplace()
    {
        Transfers::UploadPlan plan = Transfers::planUpload({{"/a", "a.txt", 1}, {"/b", "b.txt", 2}, {"/c", "c.txt", 4}, {"/d", "d.txt", 8}}, "p/");
        QVERIFY(!plan.items.first().noClobber);  // the plan itself (the CLI's) replaces, as aws s3 cp does
        for (Transfers::UploadItem &item : plan.items)
            item.noClobber = true;
        Transfers::applyConflictChoices(plan, {{0, Transfers::ConflictChoice::Skip}, {1, Transfers::ConflictChoice::Overwrite}, {2, Transfers::ConflictChoice::KeepBoth}},
                                        {"p/a.txt", "p/b.txt", "p/c.txt"});
        QCOMPARE(keysOf(plan), QStringList({"p/b.txt", "p/c (1).txt", "p/d.txt"}));
        QVERIFY(!plan.items.at(0).noClobber);  // b.txt: "Overwrite"
        QVERIFY(plan.items.at(1).noClobber);   // c (1).txt: "Keep Both" must not replace an object that appears under its new name
        QVERIFY(plan.items.at(2).noClobber);   // d.txt: no conflict when checked, none made later
    }

    void keepBothAvoidsOtherPlannedKeys()
    {
        // "a (1).txt" is itself part of the upload, so the renamed "a.txt" must not take its key.
        Transfers::UploadPlan plan = Transfers::planUpload({{"/a", "a.txt", 1}, {"/a1", "a (1).txt", 1}}, "");
        Transfers::applyConflictChoices(plan, {{0, Transfers::ConflictChoice::KeepBoth}}, {"a.txt"});
        QCOMPARE(keysOf(plan), QStringList({"a (1).txt", "a (2).txt"}));
    }

    void scanWalksNestedFoldersWithHiddenFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.filePath("photos/a.jpg"), "aa");
        writeFile(dir.filePath("photos/2024/summer/b.jpg"), "bbb");
        writeFile(dir.filePath("photos/.hidden"), "h");
        writeFile(dir.filePath("photos/.cache/c"), "cccc");
        writeFile(dir.filePath("loose.txt"), "l");
        QDir().mkpath(dir.filePath("photos/empty"));

        const Transfers::LocalScan scan = Transfers::scanLocalPaths({dir.filePath("photos"), dir.filePath("loose.txt"), dir.filePath("missing")});
        QCOMPARE(scan.problems.size(), 1);
        QVERIFY(scan.problems.first().endsWith("missing"));
        const Transfers::UploadPlan plan = Transfers::planUpload(scan.files, "in");
        QCOMPARE(keysOf(plan), QStringList({"in/loose.txt", "in/photos/.cache/c", "in/photos/.hidden",
                                            "in/photos/2024/summer/b.jpg", "in/photos/a.jpg"}));
        QCOMPARE(plan.totalBytes, qint64(2 + 3 + 1 + 4 + 1));
        for (const Transfers::UploadItem &item : plan.items)
            QVERIFY2(QFileInfo(item.localPath).isFile(), qPrintable(item.localPath));
    }

    void scanDoesNotFollowFolderLinks()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("top/f.txt"), "f");
        QVERIFY(QFile::link(dir.filePath("top"), dir.filePath("top/loop")));
        const Transfers::LocalScan scan = Transfers::scanLocalPaths({dir.filePath("top")});
        QCOMPARE(scan.files.size(), 1);
        QCOMPARE(scan.files.first().relativePath, QString("top/f.txt"));
    }

    // The window's "Looking through the files to upload…" dialog hears each file found and stops the walk on Cancel.
    void scanReportsProgressAndStopsWhenAsked()
    {
        QTemporaryDir dir;
        for (int i = 0; i < 50; ++i)
            writeFile(dir.filePath(QStringLiteral("big/f%1").arg(i)), "x");
        QList<int> heard;
        const Transfers::LocalScan all = Transfers::scanLocalPaths({dir.filePath("big")}, [&](int found) {
            heard << found;
            return true;
        });
        QVERIFY(!all.stopped);
        QCOMPARE(all.files.size(), 50);
        QCOMPARE(heard.size(), 50);
        QCOMPARE(heard.last(), 50);

        const Transfers::LocalScan cut = Transfers::scanLocalPaths({dir.filePath("big"), dir.filePath("other")},
                                                                   [](int found) { return found < 10; });
        QVERIFY(cut.stopped);
        QCOMPARE(cut.files.size(), 10);
        QVERIFY(cut.problems.isEmpty());  // the walk ended there: "other" was not even looked at
    }
};

QTEST_GUILESS_MAIN(UploadPlanTest)
#include "upload_plan_test.moc"
