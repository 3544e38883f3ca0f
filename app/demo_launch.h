#pragma once

#include <functional>

namespace RoleDrop::Sessions {
class Session;
}
namespace RoleDrop::Ui {
class MainWindow;
}

namespace RoleDrop::App {

class DemoSandbox;

// `roledrop --demo` in a window that is already on screen: the sandbox starts behind a DemoStartDialog (each
// step, Cancel); once it is ready the demo profile (james) is stored in the demo's own settings and keychain
// service and opened, and the browser's guide says what to do first (which bucket to open, how to get in).
// `noDemo` gets the exit code when there is no demo to show: 0 after a cancel, 1 after a failure.
void launchDemo(DemoSandbox &sandbox, Sessions::Session &session, Ui::MainWindow &window, std::function<void(int exitCode)> noDemo);

} // namespace RoleDrop::App
