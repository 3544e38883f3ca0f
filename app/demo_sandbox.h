#pragma once

#include "core/common/outcome.h"

#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <functional>

namespace RoleDrop::App {

// `roledrop --demo`: starts the same local S3 + STS server the tests use (Ceph RGW on 127.0.0.1, over https with
// a CA made for this run, which only the demo's profile trusts), seeds the
// tutorial's world (user james who cannot read bucket `data`, roles S3Access and S3ReadOnly) and stops the
// server when the app quits. The demo keeps its profile in settings and a keychain service of its own
// (settingsScope, keychainService), so nothing of the user's own RoleDrop is read or written.
//
// Starting takes 20-50 s: start() returns at once and says each step as it begins (stepStarted), then ready()
// or failed(). cancel() ends the start-up cleanly: its processes (the scripts and every daemon they launched,
// one process group) are ended, the server folder is removed, then cancelled().
class DemoSandbox final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoSandbox)
public:
    explicit DemoSandbox(QObject *parent = nullptr);
    ~DemoSandbox() override;

    static constexpr const char *settingsScope = "RoleDrop-demo";     // QSettings application name
    static constexpr const char *keychainService = "RoleDrop-demo";

    struct Info
    {
        QString endpoint;          // https, with a certificate from the sandbox's own CA
        QString caFile;            // that CA (PEM): the demo profile's CA file setting
        QString profileName;
        QString accessKeyId;
        QString secretAccessKey;   // a public test fixture of the seeded world, not a user's secret
        QString roleS3Access;
        QString roleReadOnly;
        QString bucket;            // the tutorial's bucket, which james may not read and S3Access may
    };

    // The steps start() goes through, in order, as people read them.
    static QStringList steps();

    void start();
    void cancel();
    // Stops the server (and a start-up still under way) before returning: for the app's last moments.
    void stop();
    bool isRunning() const { return !m_dir.isEmpty(); }
    bool isStarting() const { return m_process != nullptr; }
    // The server's folder (temporary, removed when it stops); empty when none.
    QString folder() const { return m_dir; }

signals:
    void stepStarted(int index, const QString &text);
    void ready(const RoleDrop::App::DemoSandbox::Info &info);
    void failed(const QString &message);
    void cancelled();

private:
    void runScript(int index);
    void readSteps();
    void scriptFinished(int exitCode, QProcess::ExitStatus status);
    void endProcessGroup();
    void stopServerThen(std::function<void()> then);
    void announce(int step);
    Info readInfo() const;

    QString m_dir;
    QProcess *m_process = nullptr;
    int m_script = 0;           // 0: rgw-start.sh, 1: seed-world.sh
    int m_step = -1;            // the step announced last
    bool m_cancelling = false;
    QByteArray m_output;   // the running script's last output, for a failure's message
    QByteArray m_pending;  // output not yet read as lines
};

} // namespace RoleDrop::App
