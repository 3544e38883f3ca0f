// libFuzzer target for core/transfer/local_path_guard (localPathForKey): object keys are attacker-controlled,
// and the property that matters is that any path the guard returns lies inside the download folder, links
// included. The first byte picks the folder (low 3 bits, modulo 6: the folder, the folder reached through a
// link, with a trailing '/', relative to the working directory, written with "..", a subfolder holding a link
// that climbs out) and the length of stripPrefix (high 4 bits: that many first characters of the key); the
// rest is the key, as UTF-8.
//
// The folders are made once per process, under a fresh temporary directory:
//   root/                 the download folder            outside/            a folder next to it
//   root/sub/file         a plain file                   rootlink -> root    the folder through a link
//   root/in -> sub        a link that stays inside       root/self -> .      a link to the folder itself
//   root/out -> outside   a link that leads out          root/up -> ..       a relative link that leads out
//   root/dangling -> outside/not-yet  a dangling link    root/sub/back -> ../..  a nested link that leads out

#include "core/transfer/local_path_guard.h"

#include "fuzz_check.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>

using namespace RoleDrop;

namespace {

struct Folders
{
    QTemporaryDir base{QDir::tempPath() + QStringLiteral("/roledrop-path-guard-fuzz-XXXXXX")};
    QStringList variants; // the folder as handed to localPathForKey
    QStringList linkNames{QStringLiteral("in"), QStringLiteral("out"), QStringLiteral("up"), QStringLiteral("dangling"),
                          QStringLiteral("self"), QStringLiteral("back"), QStringLiteral("sub"), QStringLiteral("file")};

    Folders()
    {
        if (!base.isValid())
            Fuzz::fail(__FILE__, __LINE__, "base.isValid()", base.errorString());
        const QString b = base.path();
        bool made = QDir().mkpath(b + QStringLiteral("/root/sub")) && QDir().mkpath(b + QStringLiteral("/outside"));
        QFile file(b + QStringLiteral("/root/sub/file"));
        made = made && file.open(QIODevice::WriteOnly);
        file.close();
        made = made && QFile::link(QStringLiteral("sub"), b + QStringLiteral("/root/in"))
            && QFile::link(b + QStringLiteral("/outside"), b + QStringLiteral("/root/out"))
            && QFile::link(QStringLiteral(".."), b + QStringLiteral("/root/up"))
            && QFile::link(b + QStringLiteral("/outside/not-yet"), b + QStringLiteral("/root/dangling"))
            && QFile::link(QStringLiteral("."), b + QStringLiteral("/root/self"))
            && QFile::link(QStringLiteral("../.."), b + QStringLiteral("/root/sub/back"))
            && QFile::link(b + QStringLiteral("/root"), b + QStringLiteral("/rootlink"));
        if (!made)
            Fuzz::fail(__FILE__, __LINE__, "made", QStringLiteral("cannot build the folders under %1").arg(b));
        // The relative variant is relative to the working directory.
        if (!QDir::setCurrent(b))
            Fuzz::fail(__FILE__, __LINE__, "QDir::setCurrent", b);
        variants = {b + QStringLiteral("/root"), b + QStringLiteral("/rootlink"), b + QStringLiteral("/root/"),
                    QStringLiteral("root"), b + QStringLiteral("/root/../root"), b + QStringLiteral("/root/sub")};
    }
};

const Folders &folders()
{
    static const Folders instance;
    return instance;
}

bool isInside(const QString &canonicalRoot, const QString &canonical)
{
    return canonical == canonicalRoot || canonical.startsWith(canonicalRoot + QLatin1Char('/'));
}

// Written independently of the guard: the path is clean, absolute and textually below the folder, and the
// file created there lands inside the folder's real location: no link on the way leads out or dangles (a
// dangling link's target could appear later), and the part that exists resolves inside.
void checkInside(const QString &folder, const QString &key, const QString &path)
{
    const QString context = QStringLiteral("folder %1, key '%2' -> %3").arg(folder, key, path);
    const QString root = QDir::cleanPath(QDir(folder).absolutePath());
    FUZZ_CHECK(QDir::isAbsolutePath(path) && QDir::cleanPath(path) == path, context);
    FUZZ_CHECK(path.startsWith(root + QLatin1Char('/')) && path.size() > root.size() + 1, context);
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    FUZZ_CHECK(!canonicalRoot.isEmpty(), context);

    QString walked = root;
    for (const QString &part : path.mid(root.size() + 1).split(QLatin1Char('/'))) {
        FUZZ_CHECK(!part.isEmpty() && part != QLatin1String(".") && part != QLatin1String(".."), context);
        walked += QLatin1Char('/') + part;
        const QFileInfo step(walked);
        if (step.isSymLink()) {
            const QString target = step.canonicalFilePath();
            FUZZ_CHECK(!target.isEmpty(), QStringLiteral("%1: %2 is a dangling link").arg(context, walked));
            FUZZ_CHECK(isInside(canonicalRoot, target), QStringLiteral("%1: %2 leads to %3").arg(context, walked, target));
        } else if (!step.exists()) {
            break;
        }
    }
    QString existing = path;
    while (!QFileInfo::exists(existing))
        existing = QFileInfo(existing).absolutePath();
    const QString canonicalExisting = QFileInfo(existing).canonicalFilePath();
    FUZZ_CHECK(isInside(canonicalRoot, canonicalExisting), QStringLiteral("%1: %2 is really %3").arg(context, existing, canonicalExisting));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const Folders &setup = folders();
    const QString &folder = setup.variants.at((data[0] & 7) % setup.variants.size());
    const QString key = QString::fromUtf8(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const QString stripPrefix = key.left(data[0] >> 4);

    const auto path = Transfers::localPathForKey(folder, key, stripPrefix);
    if (!path) {
        Fuzz::checkError(path.error(), "localPathForKey");
        FUZZ_CHECK(path.error().kind == AwsErrorKind::LocalFile, path.error().message);
        // A plain name ("report-2024_v2.csv") is never refused, or the guard would be safe by refusing all.
        static const QRegularExpression plain(QStringLiteral("\\A[A-Za-z0-9_-]+(\\.[A-Za-z0-9]+)?\\z"));
        FUZZ_CHECK(!stripPrefix.isEmpty() || setup.linkNames.contains(key) || !plain.match(key).hasMatch(),
                   QStringLiteral("plain key '%1' refused in %2: %3").arg(key, folder, path.error().message));
        return 0;
    }
    checkInside(folder, key, path.value());
    return 0;
}
