#include "app/demo_sandbox.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <unistd.h>

namespace RoleDrop::App {

namespace {

QString serversDir()
{
    const QString env = qEnvironmentVariable("ROLEDROP_SERVERS_DIR");
    return env.isEmpty() ? QStringLiteral(ROLEDROP_SERVERS_DIR) : env;
}

const char *const kScripts[] = {"rgw-start.sh", "seed-world.sh"};
// rgw-start.sh's `STEP name` lines (RGW_START_STEPS=1), as indexes into steps().
const char *const kStepNames[] = {"ca", "mon", "osd", "rgw"};
constexpr int kSeedStep = 4;

// A clean environment: none of the user's AWS_* settings (keys, profile, endpoint) reaches the servers.
QProcessEnvironment scriptEnvironment()
{
    const QProcessEnvironment inherited = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment clean;
    for (const char *name : {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "XDG_RUNTIME_DIR"}) {
        const QString variable = QString::fromLatin1(name);
        if (inherited.contains(variable))
            clean.insert(variable, inherited.value(variable));
    }
    // Over https, as a real deployment: the server's certificate comes from a CA made for this run.
    clean.insert(QStringLiteral("RGW_DEFAULT_ENDPOINT"), QStringLiteral("https"));
    clean.insert(QStringLiteral("RGW_START_STEPS"), QStringLiteral("1"));
    return clean;
}

// Reads DIR/env's `export NAME='value'` lines.
QHash<QString, QString> readEnvFile(const QString &path)
{
    QHash<QString, QString> values;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return values;
    QTextStream in(&file);
    while (!in.atEnd()) {
        QString line = in.readLine().trimmed();
        if (line.startsWith(QLatin1String("export ")))
            line = line.mid(7);
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0)
            continue;
        QString value = line.mid(eq + 1);
        if (value.size() >= 2 && (value.startsWith(QLatin1Char('\'')) || value.startsWith(QLatin1Char('"'))))
            value = value.mid(1, value.size() - 2);
        values.insert(line.left(eq), value);
    }
    return values;
}

void stopServerIn(const QString &dir)
{
    if (dir.isEmpty())
        return;
    QProcess::execute(QStringLiteral("bash"), {serversDir() + QStringLiteral("/rgw-stop.sh"), dir});
    // rgw-stop.sh leaves a folder without a cluster in it (a start-up ended before one was made).
    QDir(dir).removeRecursively();
}

} // namespace

DemoSandbox::DemoSandbox(QObject *parent) : QObject(parent) {}

DemoSandbox::~DemoSandbox()
{
    stop();
}

QStringList DemoSandbox::steps()
{
    return {tr("Making a certificate authority for the demo's https"),
            tr("Starting the Ceph monitor"),
            tr("Starting the Ceph storage daemon (OSD)"),
            tr("Starting the S3 and STS server (radosgw)"),
            tr("Adding user james, bucket data and the roles S3Access and S3ReadOnly")};
}

void DemoSandbox::start()
{
    if (m_process || isRunning())
        return;
    QTemporaryDir temp(QDir::tempPath() + QStringLiteral("/roledrop-demo-XXXXXX"));
    temp.setAutoRemove(false);
    m_dir = temp.path();
    m_step = -1;
    m_cancelling = false;
    QTextStream(stderr) << "roledrop: starting the demo S3 + STS server (Ceph RGW on 127.0.0.1, 20 to 50 s)...\n";
    runScript(0);
}

void DemoSandbox::runScript(int index)
{
    m_script = index;
    m_output.clear();
    m_pending.clear();
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setProcessEnvironment(scriptEnvironment());
    // Its own process group: a cancel ends the script and every daemon it has launched so far, at once.
    m_process->setChildProcessModifier([] { ::setpgid(0, 0); });
    connect(m_process, &QProcess::readyRead, this, &DemoSandbox::readSteps);
    connect(m_process, &QProcess::finished, this, &DemoSandbox::scriptFinished);
    m_process->start(QStringLiteral("bash"), {serversDir() + QLatin1Char('/') + QString::fromLatin1(kScripts[index]), m_dir});
    announce(index == 0 ? 0 : kSeedStep);
}

void DemoSandbox::announce(int step)
{
    // Every step in order, even one a script went through too fast to be seen.
    const QStringList names = steps();
    while (m_step < step && m_step + 1 < names.size()) {
        ++m_step;
        QTextStream(stderr) << "roledrop: demo: step " << m_step + 1 << " of " << names.size() << ": " << names.at(m_step) << "\n";
        emit stepStarted(m_step, names.at(m_step));
    }
}

void DemoSandbox::readSteps()
{
    const QByteArray read = m_process->readAll();
    // What a failure shows: the script's last words.
    m_output = (m_output + read).right(4000);
    m_pending += read;
    qsizetype newline;
    while ((newline = m_pending.indexOf('\n')) >= 0) {
        const QByteArray line = m_pending.left(newline).trimmed();
        m_pending.remove(0, newline + 1);
        if (!line.startsWith("STEP "))
            continue;
        for (int step = 0; step < int(std::size(kStepNames)); ++step) {
            if (line.mid(5) == kStepNames[step] && !m_cancelling)
                announce(step);
        }
    }
}

void DemoSandbox::scriptFinished(int exitCode, QProcess::ExitStatus status)
{
    const QString output = QString::fromLocal8Bit(m_output + m_process->readAll()).right(600);
    m_process->deleteLater();
    m_process = nullptr;
    if (m_cancelling) {
        // The start-up's processes are ended; what rgw-stop.sh finds recorded is stopped and the folder goes.
        return stopServerThen([this] {
            m_cancelling = false;
            QTextStream(stderr) << "roledrop: demo start-up cancelled; nothing of it is left running\n";
            emit cancelled();
        });
    }
    if (status != QProcess::NormalExit || exitCode != 0) {
        const QString message = tr("The demo server did not start (%1): %2").arg(QString::fromLatin1(kScripts[m_script]), output);
        return stopServerThen([this, message] { emit failed(message); });
    }
    if (m_script == 0)
        return runScript(1);
    emit ready(readInfo());
}

DemoSandbox::Info DemoSandbox::readInfo() const
{
    const auto env = readEnvFile(m_dir + QStringLiteral("/env"));
    Info info;
    info.endpoint = env.value(QStringLiteral("ROLEDROP_TEST_S3_ENDPOINT"));
    info.caFile = env.value(QStringLiteral("ROLEDROP_TEST_CA_FILE"));
    info.profileName = QStringLiteral("james");
    info.roleS3Access = env.value(QStringLiteral("ROLEDROP_TEST_ROLE_S3ACCESS"));
    info.roleReadOnly = env.value(QStringLiteral("ROLEDROP_TEST_ROLE_READONLY"));
    info.accessKeyId = env.value(QStringLiteral("ROLEDROP_TEST_JAMES_KEY"));
    info.secretAccessKey = env.value(QStringLiteral("ROLEDROP_TEST_JAMES_SECRET"));
    info.bucket = env.value(QStringLiteral("ROLEDROP_TEST_BUCKET"));
    return info;
}

void DemoSandbox::endProcessGroup()
{
    if (!m_process || m_process->processId() <= 0)
        return;
    const pid_t group = pid_t(m_process->processId());
    ::kill(-group, SIGTERM);
    // A daemon that ignores SIGTERM while starting is not waited for long.
    QTimer::singleShot(5000, m_process, [group] { ::kill(-group, SIGKILL); });
}

void DemoSandbox::stopServerThen(std::function<void()> then)
{
    // rgw-stop.sh waits for each daemon to end (up to 10 s): off the GUI thread's back, as a process of its own.
    auto *stopping = new QProcess(this);
    stopping->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const QString dir = m_dir;
    connect(stopping, &QProcess::finished, this, [this, stopping, dir, then] {
        stopping->deleteLater();
        // rgw-stop.sh leaves a folder without a cluster in it (a start-up ended before one was made).
        QDir(dir).removeRecursively();
        if (m_dir == dir)
            m_dir.clear();
        then();
    });
    stopping->start(QStringLiteral("bash"), {serversDir() + QStringLiteral("/rgw-stop.sh"), dir});
}

void DemoSandbox::cancel()
{
    if (m_cancelling)
        return;
    if (!m_process) {
        stop();
        emit cancelled();
        return;
    }
    m_cancelling = true;
    endProcessGroup();
}

void DemoSandbox::stop()
{
    if (m_process) {
        disconnect(m_process, nullptr, this, nullptr);
        const pid_t group = pid_t(m_process->processId());
        if (group > 0)
            ::kill(-group, SIGTERM);
        if (!m_process->waitForFinished(5000) && group > 0)
            ::kill(-group, SIGKILL);
        m_process->waitForFinished(2000);
        delete m_process;
        m_process = nullptr;
        m_cancelling = false;
    }
    stopServerIn(m_dir);
    m_dir.clear();
}

} // namespace RoleDrop::App
