#include "core/transfer/local_path_guard.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;

namespace {

// Marks in the "expected" column: the key must be refused, or may be refused but must land inside if not.
const QString refusedMark = QStringLiteral("<refused>");
const QString insideMark = QStringLiteral("<inside-or-refused>");

QString withNul(const QString &before, const QString &after)
{
    return before + QChar(0) + after;
}

// Why `path` is not safely inside `root`, or empty when it is. Written independently of the guard:
// textual containment, no dot segments, and every existing component below root that is a link must
// resolve inside root (a dangling link counts as escaping: its target could appear later).
QString whyNotInside(const QString &root, const QString &path)
{
    const QString absoluteRoot = QDir(root).absolutePath();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (!absolute.startsWith(absoluteRoot + QLatin1Char('/')))
        return QStringLiteral("%1 is not under %2/").arg(absolute, absoluteRoot);
    if (QDir::cleanPath(path) != path)
        return QStringLiteral("%1 is not a clean path").arg(path);
    if (absolute.size() == absoluteRoot.size() + 1)
        return QStringLiteral("%1 names the folder itself").arg(path);
    const QString canonicalRoot = QFileInfo(absoluteRoot).canonicalFilePath();
    QString current = absoluteRoot;
    const QStringList parts = absolute.mid(absoluteRoot.size() + 1).split(QLatin1Char('/'));
    for (const QString &part : parts) {
        if (part.isEmpty() || part == QLatin1String(".") || part == QLatin1String(".."))
            return QStringLiteral("%1 has a '%2' component").arg(path, part);
        current += QLatin1Char('/') + part;
        const QFileInfo info(current);
        if (!info.isSymLink())
            continue;
        const QString target = info.canonicalFilePath();
        if (target.isEmpty())
            return QStringLiteral("%1 goes through the dangling link %2 -> %3").arg(path, current, info.symLinkTarget());
        if (target != canonicalRoot && !target.startsWith(canonicalRoot + QLatin1Char('/')))
            return QStringLiteral("%1 goes through the link %2 -> %3").arg(path, current, target);
    }
    return QString();
}

} // namespace

class LocalPathGuardTest final : public QObject
{
    Q_OBJECT

private slots:
    void keys_data();
    void keys();
    void refusalIsALocalFileErrorNamingTheKey();
    void folderWithTrailingSlash();
    void folderReachedThroughALink();
    void linkInsidePointingOutsideIsRefused_data();
    void linkInsidePointingOutsideIsRefused();
    void linkInsidePointingInsideIsAccepted();
    void danglingLinkPointingOutsideIsRefused();
    void fuzzedKeysNeverLeaveTheFolder();
};

void LocalPathGuardTest::keys_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("stripPrefix");
    QTest::addColumn<QString>("expected"); // path relative to the folder, or one of the marks

    QTest::newRow("plain") << "report.csv" << "" << "report.csv";
    QTest::newRow("nested") << "a/b/c.txt" << "" << "a/b/c.txt";
    QTest::newRow("strip prefix") << "photos/2024/img.jpg" << "photos/" << "2024/img.jpg";
    QTest::newRow("strip deeper prefix") << "photos/2024/img.jpg" << "photos/2024/" << "img.jpg";
    QTest::newRow("prefix not matching is kept") << "docs/x.txt" << "photos/" << "docs/x.txt";
    QTest::newRow("key equal to prefix") << "photos/" << "photos/" << refusedMark;
    QTest::newRow("prefix then climb") << "photos/../../x" << "photos/" << refusedMark;
    QTest::newRow("dotdot first") << "../x" << "" << refusedMark;
    QTest::newRow("dotdot only") << ".." << "" << refusedMark;
    QTest::newRow("climb past root") << "a/../../x" << "" << refusedMark;
    QTest::newRow("dotdot that stays inside") << "a/../b" << "" << insideMark;
    QTest::newRow("trailing dotdot") << "a/b/.." << "" << insideMark;
    QTest::newRow("absolute") << "/etc/passwd" << "" << insideMark;
    QTest::newRow("absolute many slashes") << "///etc/passwd" << "" << insideMark;
    QTest::newRow("home tilde") << "~/.bashrc" << "" << "~/.bashrc";
    QTest::newRow("drive backslash") << "C:\\x" << "" << refusedMark;
    QTest::newRow("drive slash") << "C:/Windows/x" << "" << refusedMark;
    QTest::newRow("backslash climb") << "a\\..\\..\\x" << "" << refusedMark;
    QTest::newRow("backslash dotdot first") << "..\\x" << "" << refusedMark;
    QTest::newRow("backslash absolute") << "\\etc\\passwd" << "" << insideMark;
    QTest::newRow("unc path") << "\\\\server\\share\\x" << "" << insideMark;
    QTest::newRow("mixed climb") << "a/..\\../x" << "" << refusedMark;
    QTest::newRow("nul") << withNul("a", "b") << "" << refusedMark;
    QTest::newRow("nul hiding a climb") << withNul("ok.txt", "/../../x") << "" << refusedMark;
    QTest::newRow("dot first") << "./a" << "" << "a";
    QTest::newRow("dot inside") << "a/./b" << "" << "a/b";
    QTest::newRow("double slash") << "a//b" << "" << "a/b";
    QTest::newRow("folder marker") << "a/b/" << "" << refusedMark;
    QTest::newRow("root marker") << "/" << "" << refusedMark;
    QTest::newRow("empty") << "" << "" << refusedMark;
    QTest::newRow("dot") << "." << "" << refusedMark;
    QTest::newRow("dot slash") << "./" << "" << refusedMark;
    QTest::newRow("dots and slashes") << "./././/." << "" << refusedMark;
    QTest::newRow("three dots is a name") << "..." << "" << "...";
    QTest::newRow("dotdot with suffix is a name") << "..x/y.." << "" << "..x/y..";
    QTest::newRow("space dotdot is a name") << " ../x" << "" << " ../x";
    QTest::newRow("percent-encoded dots are names") << "%2e%2e/%2E%2E/x" << "" << "%2e%2e/%2E%2E/x";
    QTest::newRow("unicode") << QStringLiteral("фото/日本語 ü ✓.txt") << "" << QStringLiteral("фото/日本語 ü ✓.txt");
    QTest::newRow("unicode two-dot leader") << QStringLiteral("\u2025/x") << "" << QStringLiteral("\u2025/x");
    QTest::newRow("fullwidth dots") << QStringLiteral("\uFF0E\uFF0E/x") << "" << QStringLiteral("\uFF0E\uFF0E/x");
    QTest::newRow("255-char name") << QString(255, QLatin1Char('n')) << "" << QString(255, QLatin1Char('n'));
    QTest::newRow("1000-char name") << QString(1000, QLatin1Char('n')) << "" << insideMark;
    QTest::newRow("300 levels") << QString(QStringLiteral("d/")).repeated(300) + QStringLiteral("f") << "" << insideMark;
    QTest::newRow("300 levels then climb") << QString(QStringLiteral("d/")).repeated(300) + QString(QStringLiteral("../")).repeated(301) + QStringLiteral("x")
                                         << "" << refusedMark;
}

void LocalPathGuardTest::keys()
{
    QFETCH(QString, key);
    QFETCH(QString, stripPrefix);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString root = QDir(dir.path()).absolutePath();

    const auto result = Transfers::localPathForKey(root, key, stripPrefix);
    if (expected == refusedMark) {
        QVERIFY2(!result.ok(), qPrintable(QStringLiteral("accepted as %1").arg(result.ok() ? result.value() : QString())));
        return;
    }
    if (expected == insideMark) {
        if (result.ok())
            QVERIFY2(whyNotInside(root, result.value()).isEmpty(), qPrintable(whyNotInside(root, result.value())));
        return;
    }
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result.value(), root + QLatin1Char('/') + expected);
    QVERIFY2(whyNotInside(root, result.value()).isEmpty(), qPrintable(whyNotInside(root, result.value())));
}

void LocalPathGuardTest::refusalIsALocalFileErrorNamingTheKey()
{
    QTemporaryDir dir;
    const auto result = Transfers::localPathForKey(dir.path(), QStringLiteral("a/../../evil.sh"));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, AwsErrorKind::LocalFile);
    QVERIFY2(result.error().message.contains(QStringLiteral("a/../../evil.sh")), qPrintable(result.error().message));
}

void LocalPathGuardTest::folderWithTrailingSlash()
{
    QTemporaryDir dir;
    const QString root = QDir(dir.path()).absolutePath();
    const auto result = Transfers::localPathForKey(root + QLatin1Char('/'), QStringLiteral("x/y.txt"));
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result.value(), root + QStringLiteral("/x/y.txt"));
}

void LocalPathGuardTest::folderReachedThroughALink()
{
    // Choosing a folder through a link (e.g. ~/Downloads -> /data/dl) is normal and must keep working.
    QTemporaryDir dir;
    const QString real = dir.path() + QStringLiteral("/real");
    const QString link = dir.path() + QStringLiteral("/link");
    QVERIFY(QDir().mkpath(real));
    QVERIFY(QFile::link(real, link));
    const auto result = Transfers::localPathForKey(link, QStringLiteral("sub/file.bin"));
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result.value(), link + QStringLiteral("/sub/file.bin"));
}

void LocalPathGuardTest::linkInsidePointingOutsideIsRefused_data()
{
    QTest::addColumn<QString>("key");
    QTest::newRow("through the link") << "out/x.txt";
    QTest::newRow("the link itself") << "out";
    QTest::newRow("through the link, new subfolders") << "out/new/deeper/x.txt";
    QTest::newRow("through the link, dot segments") << "./out/./x.txt";
    QTest::newRow("through the link, backslash") << "out\\x.txt";
    QTest::newRow("link to a file outside") << "passwd";
    QTest::newRow("link in a subfolder") << "sub/up/x.txt";
}

void LocalPathGuardTest::linkInsidePointingOutsideIsRefused()
{
    QFETCH(QString, key);
    QTemporaryDir dir;
    QTemporaryDir outside;
    const QString root = QDir(dir.path()).absolutePath();
    QFile secret(outside.path() + QStringLiteral("/passwd"));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.close();
    QVERIFY(QFile::link(outside.path(), root + QStringLiteral("/out")));
    QVERIFY(QFile::link(secret.fileName(), root + QStringLiteral("/passwd")));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/sub")));
    QVERIFY(QFile::link(QStringLiteral("../.."), root + QStringLiteral("/sub/up")));

    const auto result = Transfers::localPathForKey(root, key);
    QVERIFY2(!result.ok(), qPrintable(QStringLiteral("accepted as %1").arg(result.ok() ? result.value() : QString())));
    QCOMPARE(result.error().kind, AwsErrorKind::LocalFile);
}

void LocalPathGuardTest::linkInsidePointingInsideIsAccepted()
{
    QTemporaryDir dir;
    const QString root = QDir(dir.path()).absolutePath();
    QVERIFY(QDir().mkpath(root + QStringLiteral("/real")));
    QVERIFY(QFile::link(root + QStringLiteral("/real"), root + QStringLiteral("/alias")));
    const auto result = Transfers::localPathForKey(root, QStringLiteral("alias/x.txt"));
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result.value(), root + QStringLiteral("/alias/x.txt"));
}

void LocalPathGuardTest::danglingLinkPointingOutsideIsRefused()
{
    // A link whose target does not exist yet still leads outside once something creates that target.
    QTemporaryDir dir;
    QTemporaryDir outside;
    const QString root = QDir(dir.path()).absolutePath();
    const QString target = outside.path() + QStringLiteral("/not-yet");
    QVERIFY(QFile::link(target, root + QStringLiteral("/later")));

    const auto asFile = Transfers::localPathForKey(root, QStringLiteral("later"));
    QVERIFY2(!asFile.ok(), "writing the dangling link itself would create a file outside the folder");

    const auto through = Transfers::localPathForKey(root, QStringLiteral("later/x.txt"));
    QVERIFY2(!through.ok(), qPrintable(QStringLiteral("accepted as %1").arg(through.ok() ? through.value() : QString())));
}

void LocalPathGuardTest::fuzzedKeysNeverLeaveTheFolder()
{
    QTemporaryDir dir;
    QTemporaryDir outside;
    const QString root = QDir(dir.path()).absolutePath();
    QVERIFY(QDir().mkpath(root + QStringLiteral("/a/b")));
    QVERIFY(QFile::link(outside.path(), root + QStringLiteral("/out")));
    QVERIFY(QFile::link(root + QStringLiteral("/a"), root + QStringLiteral("/in")));
    QVERIFY(QFile::link(QStringLiteral(".."), root + QStringLiteral("/a/up")));

    const QStringList pieces = {
        QStringLiteral(".."), QStringLiteral("."), QStringLiteral("/"), QStringLiteral("\\"), QStringLiteral("a"),
        QStringLiteral("b"), QStringLiteral("%2e"), QStringLiteral("%2e%2e"), QString(QChar(0)), QStringLiteral("é"),
        QStringLiteral("日本"), QStringLiteral("C:"), QStringLiteral("~"), QStringLiteral(" "), QStringLiteral("..."),
        QStringLiteral("out"), QStringLiteral("in"), QStringLiteral("up"), QStringLiteral("//"), QStringLiteral("x.txt"),
        QStringLiteral("\u2025"), QStringLiteral(":"),
    };
    // A fixed seed, so a failure can be reproduced; the failing key is printed.
    QRandomGenerator random(20240611);
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 5000; ++i) {
        QString key;
        const int count = 1 + int(random.bounded(10));
        for (int j = 0; j < count; ++j)
            key += pieces.at(random.bounded(int(pieces.size())));
        const QString prefix = random.bounded(4) == 0 ? key.left(int(random.bounded(int(key.size()) + 1))) : QString();
        const auto result = Transfers::localPathForKey(root, key, prefix);
        if (!result.ok()) {
            ++refused;
            continue;
        }
        ++accepted;
        const QString why = whyNotInside(root, result.value());
        if (!why.isEmpty())
            QFAIL(qPrintable(QStringLiteral("key '%1' (prefix '%2'): %3").arg(key, prefix, why)));
    }
    // Both outcomes must actually occur, or the loop tested nothing.
    QVERIFY2(accepted > 500, qPrintable(QString::number(accepted)));
    QVERIFY2(refused > 500, qPrintable(QString::number(refused)));
}

QTEST_GUILESS_MAIN(LocalPathGuardTest)
#include "local_path_guard_test.moc"
