#pragma once

#include "app/cli_options.h"
#include "core/common/aws_error.h"

#include <QSettings>

#include <memory>
#include <optional>

namespace RoleDrop::Sessions {
class Session;
struct ProfileOverrides;
}
namespace RoleDrop::Transfers {
class TransferQueue;
}

namespace RoleDrop::Cli {

// Runs one subcommand of the command-line mode on one Session, the same composition root the window uses:
// profiles open, roles switch, role sessions renew and transfers run exactly as they do there.
class Runner
{
    Q_DISABLE_COPY_MOVE(Runner)
public:
    explicit Runner(Options options);
    ~Runner();
    int run();

private:
    // Opens --profile (or the environment's), assumes its role chain and --role: the identity every command uses.
    std::optional<AwsError> establishIdentity();

    int whoami();
    int assume();
    int list();
    int upload();
    int download();
    int presign();
    int profiles();
    int profileAdd();
    int profileRemove();
    int uploads();
    // Identity Center: sign in or out, and the accounts and roles a sign-in may use.
    int login();
    int logout();
    int accounts();
    Sessions::ProfileOverrides overrides() const;

    int fail(const AwsError &error);
    int usage(const QString &message);
    // Runs the session's queue to the end with a progress bar; returns how many failed (after printing why).
    int runQueue();
    // After an interruption: waits (bounded) for the aborts of the cancelled multipart uploads.
    void awaitCleanups();

    Options m_options;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<Sessions::Session> m_session;
    QString m_notice;
    int m_interruptedBy = 0;  // the signal that asked to stop
};

} // namespace RoleDrop::Cli
