#include "app/browser_launcher.h"
#include "app/cli_options.h"
#include "app/cli_runner.h"
#include "app/demo_sandbox.h"
#include "app/demo_launch.h"
#include "app/process_hardening.h"
#include "app/termination_signals.h"
#include "core/session/session.h"
#include "ui/app_translations.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QCoreApplication>
#include <QSettings>
#include <QTextStream>

#include <memory>

namespace {

void setIdentity(QCoreApplication &app)
{
    app.setOrganizationName(QStringLiteral("RoleDrop"));
    app.setApplicationName(QStringLiteral("RoleDrop"));
    app.setApplicationVersion(QStringLiteral(ROLEDROP_VERSION));
    RoleDrop::Ui::installTranslations(app);  // plural forms, for the window and the command line
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
    RoleDrop::App::handleTerminationSignals([](int) { QCoreApplication::quit(); });
    RoleDrop::App::DemoSandbox sandbox;
    const bool demo = app.arguments().contains(QStringLiteral("--demo"));
    // The demo lives in settings and a keychain service of its own: the user's RoleDrop is left alone.
    auto settings = demo ? std::make_unique<QSettings>(app.organizationName(), QLatin1String(RoleDrop::App::DemoSandbox::settingsScope))
                         : std::make_unique<QSettings>();
    RoleDrop::Sessions::Session session(*settings, demo ? QLatin1String(RoleDrop::App::DemoSandbox::keychainService)
                                                        : QStringLiteral("RoleDrop"));
    RoleDrop::Ui::MainWindow window(&session, *settings);
    window.setBrowserOpener(&RoleDrop::App::openInBrowser);
    window.show();
    if (demo)
        RoleDrop::App::launchDemo(sandbox, session, window, [](int exitCode) { QCoreApplication::exit(exitCode); });
    else
        window.restoreLastProfile();
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    RoleDrop::App::hardenProcess();
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    if (RoleDrop::Cli::wantsCommandLine(arguments))
        return runCommandLine(argc, argv);
    return runWindow(argc, argv);
}
