#pragma once

namespace RoleDrop::App {

// Keeps the process's memory, where keys and session tokens live while it runs, out of reach: not dumpable
// (no core file, no ptrace attach by other processes of the same user; PR_SET_DUMPABLE) and no core size.
// Process-wide, so it belongs to the executable (app/), called first thing in main().
void hardenProcess();

} // namespace RoleDrop::App
