#pragma once

#include <functional>

namespace RoleDrop::App {

// SIGINT/SIGTERM/SIGHUP reach the event loop through a self-pipe (the only signal-safe way to reach Qt), and
// `handler(signal)` runs there: the window quits normally (so the demo's servers stop), the command line
// cancels its transfers and waits for their aborts. A second signal while the first is handled ends the
// process at once (exit status 128 + signal), for a user who will not wait.
void handleTerminationSignals(std::function<void(int signal)> handler);

} // namespace RoleDrop::App
