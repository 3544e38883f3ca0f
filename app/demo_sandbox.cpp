#include "app/demo_sandbox.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

namespace RoleDrop::App {

namespace {

QString serversDir()
{
    const QString env = qEnvironmentVariable("ROLEDROP_SERVERS_DIR");
    return env.isEmpty() ? QStringLiteral(ROLEDROP_SERVERS_DIR) : env;
}

Outcome<QString> runScript(const QString &script, const QString &dir, const QProcessEnvironment &extra = {})
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    // A clean environment: none of the user's AWS_* settings (keys, profile, endpoint) reaches the servers.
    const QProcessEnvironment inherited = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment clean;
    for (const char *name : {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "XDG_RUNTIME_DIR"}) {
        const QString variable = QString::fromLatin1(name);
        if (inherited.contains(variable))
            clean.insert(variable, inherited.value(variable));
    }
    for (const QString &variable : extra.keys())
        clean.insert(variable, extra.value(variable));
    process.setProcessEnvironment(clean);
    process.start(QStringLiteral("bash"), {serversDir() + QLatin1Char('/') + script, dir});
    if (!process.waitForFinished(180000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return AwsError::local(AwsErrorKind::LocalFile,
                               QStringLiteral("The demo server did not start (%1): %2").arg(script, QString::fromLocal8Bit(process.readAll().right(600))));
    return QString::fromLocal8Bit(process.readAll());
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

} // namespace

DemoSandbox::~DemoSandbox()
{
    stop();
}

Outcome<DemoSandbox::Info> DemoSandbox::start()
{
    QTemporaryDir temp(QDir::tempPath() + QStringLiteral("/roledrop-demo-XXXXXX"));
    temp.setAutoRemove(false);
    m_dir = temp.path();
    QTextStream(stderr) << "roledrop: starting the demo S3 + STS server (Ceph RGW on 127.0.0.1, about 20 s)...\n";
    // Over https, as a real deployment: the server's certificate comes from a CA made for this run.
    QProcessEnvironment https;
    https.insert(QStringLiteral("RGW_DEFAULT_ENDPOINT"), QStringLiteral("https"));
    for (const char *script : {"rgw-start.sh", "seed-world.sh"}) {
        const auto ran = runScript(QString::fromLatin1(script), m_dir, https);
        if (!ran) {
            stop();
            return ran.error();
        }
    }
    const auto env = readEnvFile(m_dir + QStringLiteral("/env"));
    Info info;
    info.endpoint = env.value(QStringLiteral("ROLEDROP_TEST_S3_ENDPOINT"));
    info.caFile = env.value(QStringLiteral("ROLEDROP_TEST_CA_FILE"));
    info.profileName = QStringLiteral("james");
    info.roleS3Access = env.value(QStringLiteral("ROLEDROP_TEST_ROLE_S3ACCESS"));
    info.roleReadOnly = env.value(QStringLiteral("ROLEDROP_TEST_ROLE_READONLY"));
    info.accessKeyId = env.value(QStringLiteral("ROLEDROP_TEST_JAMES_KEY"));
    info.secretAccessKey = env.value(QStringLiteral("ROLEDROP_TEST_JAMES_SECRET"));
    return info;
}

void DemoSandbox::stop()
{
    if (m_dir.isEmpty())
        return;
    QProcess::execute(QStringLiteral("bash"), {serversDir() + QStringLiteral("/rgw-stop.sh"), m_dir});
    m_dir.clear();
}

} // namespace RoleDrop::App
