#pragma once

namespace RoleDrop::App {

// SIGINT/SIGTERM/SIGHUP end the event loop normally (through a self-pipe, the only signal-safe way to
// reach Qt), so what must be cleaned up on quit is: the demo sandbox's servers, above all.
void quitOnTerminationSignals();

} // namespace RoleDrop::App
