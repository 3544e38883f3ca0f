#include "app/cli_options.h"
#include "app/cli_runner.h"
#include "app/demo_sandbox.h"
#include "app/process_hardening.h"
#include "app/termination_signals.h"
#include "core/session/session.h"
#include "ui/app_translations.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QCoreApplication>
#include <QMessageBox>
#include <QSettings>
#include <QTextStream>

#include <memory>
#include <optional>

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

// The demo's profile, added (or brought up to date) in the demo's own settings and keychain service, then opened.
void openDemoProfile(RoleDrop::Sessions::Session &session, const RoleDrop::App::DemoSandbox::Info &demo, QObject *context)
{
    RoleDrop::Auth::Profile profile;
    profile.name = demo.profileName;
    profile.accessKeyId = demo.accessKeyId;
    profile.endpointUrl = demo.endpoint;
    profile.pathStyle = true;
    profile.caFile = demo.caFile;
    auto &profiles = session.profiles();
    const auto open = [&session, context, demo](const RoleDrop::Outcome<RoleDrop::Auth::Profile> &saved) {
        if (!saved) {
            QTextStream(stderr) << "roledrop: the demo profile could not be stored: " << saved.error().userMessage() << "\n";
            return;
        }
        // Ready once the profile is there: from now on the command line can use it too.
        QTextStream(stderr) << "roledrop: demo ready at " << demo.endpoint << " (its certificate is from the demo's own CA, "
                            << demo.caFile << ", the CA file of the demo profile): profile '" << demo.profileName
                            << "' cannot read bucket 'data'; switch to role " << demo.roleS3Access << " to get in\n"
                            << "roledrop: the command line works on the demo with --demo, e.g. roledrop --demo --profile "
                            << demo.profileName << " ls s3://data/\n";
        // A failure to open shows in the window through the session's signals.
        session.openProfile(demo.profileName, context, [](const RoleDrop::Outcome<RoleDrop::Sessions::OpenedProfile> &) {});
    };
    if (profiles.contains(profile.name))
        profiles.update(profile, demo.secretAccessKey, context, open);
    else
        profiles.add(profile, demo.secretAccessKey, context, open);
}

int runWindow(int argc, char **argv)
{
    QApplication app(argc, argv);
    setIdentity(app);
    app.setDesktopFileName(QStringLiteral("roledrop"));
    RoleDrop::App::handleTerminationSignals([](int) { QCoreApplication::quit(); });
    RoleDrop::App::DemoSandbox sandbox;
    std::optional<RoleDrop::App::DemoSandbox::Info> demo;
    if (app.arguments().contains(QStringLiteral("--demo"))) {
        const auto started = sandbox.start();
        if (!started) {
            QMessageBox::critical(nullptr, QObject::tr("RoleDrop demo"), started.error().userMessage());
            return 1;
        }
        demo = started.value();
    }
    // The demo lives in settings and a keychain service of its own: the user's RoleDrop is left alone.
    auto settings = demo ? std::make_unique<QSettings>(app.organizationName(), QLatin1String(RoleDrop::App::DemoSandbox::settingsScope))
                         : std::make_unique<QSettings>();
    RoleDrop::Sessions::Session session(*settings, demo ? QLatin1String(RoleDrop::App::DemoSandbox::keychainService)
                                                        : QStringLiteral("RoleDrop"));
    RoleDrop::Ui::MainWindow window(&session, *settings);
    window.show();
    // The demo lands a newcomer in the tutorial: james's profile open, bucket list showing AccessDenied.
    if (demo)
        openDemoProfile(session, *demo, &window);
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
