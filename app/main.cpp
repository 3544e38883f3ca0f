#include "app/cli_options.h"
#include "app/cli_runner.h"
#include "app/demo_sandbox.h"
#include "app/quit_on_signal.h"
#include "ui/app_session.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QCoreApplication>
#include <QMessageBox>
#include <QSettings>

namespace {

void setIdentity(QCoreApplication &app)
{
    app.setOrganizationName(QStringLiteral("RoleDrop"));
    app.setApplicationName(QStringLiteral("RoleDrop"));
    app.setApplicationVersion(QStringLiteral(ROLEDROP_VERSION));
}

int runCommandLine(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    setIdentity(app);
    int exitCode = 0;
    const auto options = RoleDrop::Cli::parseOptions(app.arguments(), &exitCode);
    if (!options)
        return exitCode;
    RoleDrop::Cli::Runner runner(*options);
    return runner.run();
}

int runWindow(int argc, char **argv)
{
    QApplication app(argc, argv);
    setIdentity(app);
    app.setDesktopFileName(QStringLiteral("roledrop"));
    RoleDrop::App::quitOnTerminationSignals();
    RoleDrop::App::DemoSandbox sandbox;
    if (app.arguments().contains(QStringLiteral("--demo"))) {
        const auto started = sandbox.start();
        if (!started) {
            QMessageBox::critical(nullptr, QObject::tr("RoleDrop demo"), started.error().userMessage());
            return 1;
        }
    }
    QSettings settings;
    RoleDrop::Ui::AppSession session(settings);
    RoleDrop::Ui::MainWindow window(&session);
    window.show();
    // The demo lands a newcomer in the tutorial: james's profile open, bucket list showing AccessDenied.
    if (sandbox.isRunning())
        session.openProfile(QStringLiteral("james"));
    else
        window.restoreLastProfile();
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    if (RoleDrop::Cli::wantsCommandLine(arguments))
        return runCommandLine(argc, argv);
    return runWindow(argc, argv);
}
