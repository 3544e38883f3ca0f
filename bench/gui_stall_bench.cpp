// GUI responsiveness: the longest stall of the GUI thread's event loop while the real main window
// (offscreen) uploads a big file and while its bucket browser loads a listing of many objects, against a
// real S3 server. A precise 5 ms timer samples the loop: a stall is how late a tick comes.
//
// Usage (run-bench.sh passes these; credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN like the other tools):
//   roledrop_gui_stall_bench --endpoint URL --bucket B --upload FILE --listing-prefix P --listing-count N
// Prints one line per phase: "gui-stall PHASE max_ms=.. p99_ms=.. over_50ms=.. seconds=.. samples=..".

#include "core/session/session.h"
#include "ui/browser/bucket_browser.h"
#include "ui/browser/object_list_model.h"
#include "ui/main_window.h"
#include "ui/transfers/transfer_controller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QSettings>
#include <QTemporaryFile>
#include <QTimer>
#include <QTreeView>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>

using namespace RoleDrop;
using namespace RoleDrop::Ui;

namespace {

constexpr int TickMs = 5;

// Records how late each tick of a 5 ms timer arrives while it runs.
class StallMeter final
{
public:
    StallMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(TickMs);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const double gapMs = m_clock.nsecsElapsed() / 1e6;
            m_clock.restart();
            m_lateMs.append(std::max(0.0, gapMs - TickMs));
        });
    }

    void start()
    {
        m_lateMs.clear();
        m_wall.start();
        m_clock.start();
        m_timer.start();
    }

    void stopAndPrint(const char *phase)
    {
        m_timer.stop();
        const double seconds = m_wall.elapsed() / 1000.0;
        QList<double> sorted = m_lateMs;
        std::sort(sorted.begin(), sorted.end());
        const double max = sorted.isEmpty() ? 0 : sorted.last();
        const double p99 = sorted.isEmpty() ? 0 : sorted.at(std::min<qsizetype>(sorted.size() - 1, sorted.size() * 99 / 100));
        const auto over = std::count_if(sorted.cbegin(), sorted.cend(), [](double late) { return late > 50; });
        std::printf("gui-stall %s max_ms=%.1f p99_ms=%.1f over_50ms=%lld seconds=%.2f samples=%lld\n", phase, max, p99,
                    static_cast<long long>(over), seconds, static_cast<long long>(sorted.size()));
        std::fflush(stdout);
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    QElapsedTimer m_wall;
    QList<double> m_lateMs;
};

// Runs the event loop (sleeping while there is nothing to do) until `done` says so, checked every 10 ms;
// false when the deadline passes first (then the bench fails). `nudge` runs at each check.
bool spinUntil(const std::function<bool()> &done, int timeoutMs, const std::function<void()> &nudge = {})
{
    QElapsedTimer clock;
    clock.start();
    QEventLoop loop;
    QTimer check;
    bool ok = false;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done()) {
            ok = true;
            loop.quit();
        } else if (clock.elapsed() > timeoutMs) {
            loop.quit();
        } else if (nudge) {
            nudge();
        }
    });
    if (done())
        return true;
    check.start(10);
    loop.exec();
    return ok;
}

// Puts COUNT empty objects under PREFIX unless a listing shows they are there already. Not measured.
QString listingKey(const QString &prefix, int index)
{
    return prefix + QStringLiteral("object-%1").arg(index, 6, 10, QLatin1Char('0'));
}

bool seedListing(const S3::S3Client &s3, const QString &bucket, const QString &prefix, int count)
{
    // A rerun finds the last object there and skips the putting; were some missing, the row count check fails.
    QObject context;
    bool haveLast = false, asked = false;
    s3.headObject(bucket, listingKey(prefix, count - 1), &context, [&](Outcome<S3::ObjectMetadata> meta) {
        haveLast = bool(meta);
        asked = true;
    });
    spinUntil([&] { return asked; }, 60000);
    if (haveLast)
        return true;
    int next = 0, inFlight = 0, done = 0, failed = 0;
    std::function<void()> pump = [&] {
        while (inFlight < 16 && next < count) {
            const QString key = listingKey(prefix, next++);
            ++inFlight;
            s3.putBytes(bucket, key, QByteArray(), QStringLiteral("application/octet-stream"), &context, [&](Outcome<QString> etag) {
                --inFlight;
                ++done;
                failed += etag ? 0 : 1;
                pump();
            });
        }
    };
    pump();
    spinUntil([&] { return done == count; }, 3600 * 1000);
    return failed == 0;
}

int fail(const QString &message)
{
    std::fprintf(stderr, "gui_stall_bench: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("endpoint"), QStringLiteral("S3 endpoint URL"), QStringLiteral("url")},
                       {QStringLiteral("bucket"), QStringLiteral("bucket"), QStringLiteral("name")},
                       {QStringLiteral("upload"), QStringLiteral("file to upload"), QStringLiteral("file")},
                       {QStringLiteral("listing-prefix"), QStringLiteral("prefix of the listing"), QStringLiteral("prefix")},
                       {QStringLiteral("listing-count"), QStringLiteral("objects in the listing"), QStringLiteral("n")}});
    parser.process(app);
    const QString bucket = parser.value(QStringLiteral("bucket"));
    const QString file = parser.value(QStringLiteral("upload"));
    const QString listingPrefix = parser.value(QStringLiteral("listing-prefix"));
    const int listingCount = parser.value(QStringLiteral("listing-count")).toInt();
    if (bucket.isEmpty() || !QFileInfo(file).isFile() || listingPrefix.isEmpty() || listingCount <= 0)
        return fail(QStringLiteral("needs --endpoint, --bucket, --upload FILE, --listing-prefix and --listing-count"));
    if (qEnvironmentVariableIsEmpty("AWS_ACCESS_KEY_ID") || qEnvironmentVariableIsEmpty("AWS_SECRET_ACCESS_KEY"))
        return fail(QStringLiteral("needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"));

    // The real window on a throwaway settings file; the identity comes from the environment (no keychain here),
    // opened as the command line opens it without --profile.
    QTemporaryFile settingsFile;
    if (!settingsFile.open())
        return fail(QStringLiteral("cannot create a settings file"));
    QSettings settings(settingsFile.fileName(), QSettings::IniFormat);
    Sessions::Session session(settings, QStringLiteral("RoleDrop-bench"));
    Sessions::ProfileOverrides overrides;
    overrides.region = QStringLiteral("us-east-1");
    overrides.endpointUrl = parser.value(QStringLiteral("endpoint"));
    overrides.pathStyle = true;
    std::optional<Outcome<Sessions::OpenedProfile>> opened;
    session.openProfile(QString(), &app, [&](Outcome<Sessions::OpenedProfile> result) { opened.emplace(std::move(result)); }, overrides);
    spinUntil([&] { return opened.has_value(); }, 60000);
    if (!opened || !*opened)
        return fail(opened ? opened->error().userMessage() : QStringLiteral("the identity did not open"));
    MainWindow window(&session, settings);
    window.resize(1200, 800);
    window.show();
    spinUntil([] { return false; }, 300);

    if (!seedListing(*session.s3(), bucket, listingPrefix, listingCount))
        return fail(QStringLiteral("could not put the listing's objects"));

    StallMeter meter;
    meter.start();
    spinUntil([] { return false; }, 2000);
    meter.stopAndPrint("idle-2s");

    // 1. The upload, through the same path as a drop: conflict check, queue, progress in the dock.
    Transfers::TransferQueue &queue = session.transfers();
    int failedTransfers = 0;
    QObject::connect(&queue, &Transfers::TransferQueue::transferFinished, [&](Transfers::Transfer *transfer) {
        failedTransfers += transfer->state() == Transfers::TransferState::Succeeded ? 0 : 1;
    });
    bool started = false;
    QObject::connect(&queue, &Transfers::TransferQueue::transferAdded, [&] { started = true; });
    // A fresh prefix each run: an existing object would open the overwrite question and wait for a click.
    const QString uploadPrefix = QStringLiteral("gui-stall/%1/").arg(QDateTime::currentMSecsSinceEpoch());
    meter.start();
    window.browser()->navigateTo(bucket, uploadPrefix);
    window.transferController()->upload({file}, bucket, uploadPrefix);
    if (!spinUntil([&] { return started && queue.isIdle(); }, 3600 * 1000))
        return fail(QStringLiteral("the upload did not finish"));
    meter.stopAndPrint("upload");
    if (failedTransfers > 0)
        return fail(queue.transfers().last()->result().error.userMessage());

    // 2. The listing: the browser pulls page after page as its view reaches the end (as a user scrolling).
    ObjectListModel *model = window.browser()->objectModel();
    meter.start();
    window.browser()->navigateTo(bucket, listingPrefix);
    QTreeView *view = window.browser()->view();
    const bool loaded = spinUntil([&] { return model->pagesLoaded() > 0 && !model->hasMore() && !model->isLoading(); },
                                  3600 * 1000, [&] { view->scrollToBottom(); });
    meter.stopAndPrint("listing");
    if (!loaded)
        return fail(QStringLiteral("the listing did not finish"));
    if (model->rowCount() != listingCount)
        return fail(QStringLiteral("the listing shows %1 rows, expected %2").arg(model->rowCount()).arg(listingCount));
    std::printf("gui-stall listing-rows %d\n", model->rowCount());
    return 0;
}
