#include "app/demo_launch.h"

#include "app/demo_sandbox.h"
#include "app/demo_start_dialog.h"
#include "core/session/session.h"
#include "ui/browser/bucket_browser.h"
#include "ui/main_window.h"

#include <QTextStream>

namespace RoleDrop::App {

namespace {

// The demo's profile, added (or brought up to date) in the demo's own settings and keychain service, then opened.
void openDemoProfile(Sessions::Session &session, const DemoSandbox::Info &demo, QObject *context)
{
    Auth::Profile profile;
    profile.name = demo.profileName;
    profile.accessKeyId = demo.accessKeyId;
    profile.endpointUrl = demo.endpoint;
    profile.pathStyle = true;
    profile.caFile = demo.caFile;
    auto &profiles = session.profiles();
    const auto open = [&session, context, demo](const Outcome<Auth::Profile> &saved) {
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
        session.openProfile(demo.profileName, context, [](const Outcome<Sessions::OpenedProfile> &) {});
    };
    if (profiles.contains(profile.name))
        profiles.update(profile, demo.secretAccessKey, context, open);
    else
        profiles.add(profile, demo.secretAccessKey, context, open);
}

// The demo's first window says what to do: which profile is open, which bucket to open, how to get in.
QString demoGuide(const DemoSandbox::Info &demo)
{
    return QObject::tr("<b>Demo:</b> you are <b>%1</b> (the profile on the left, opened for you; double-click it to open it "
                       "again), who may not read bucket <b>%2</b>. <a href=\"open-bucket\">Open bucket %2</a> (Ctrl+L, type "
                       "<b>%2</b>, Enter) and see the denial; then <b>Switch Role</b> (Ctrl+Shift+R) to <b>S3Access</b> "
                       "(%3) and drop files on the list to upload them.")
        .arg(demo.profileName.toHtmlEscaped(), demo.bucket.toHtmlEscaped(), demo.roleS3Access.toHtmlEscaped());
}

} // namespace

// The window shows at once; the sandbox starts behind a dialog that says each step and can cancel it.
void launchDemo(DemoSandbox &sandbox, Sessions::Session &session, Ui::MainWindow &window, std::function<void(int exitCode)> noDemo)
{
    auto *dialog = new DemoStartDialog(&sandbox, &window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    // The demo lands a newcomer in the tutorial: james's profile open, the guide saying what to do.
    QObject::connect(&sandbox, &DemoSandbox::ready, &window, [&session, &window](const DemoSandbox::Info &demo) {
        openDemoProfile(session, demo, &window);
        window.browser()->setGuide(demoGuide(demo));
    });
    // Cancelled (everything stopped by now) or failed: there is no demo to show.
    QObject::connect(dialog, &QDialog::rejected, &window, [dialog, noDemo] {
        QTextStream(stderr) << "roledrop: no demo server; quitting\n";
        noDemo(dialog->failedToStart() ? 1 : 0);
    });
    dialog->open();
    sandbox.start();
}

} // namespace RoleDrop::App
