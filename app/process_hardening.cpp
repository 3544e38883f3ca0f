#include "app/process_hardening.h"

#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/resource.h>
#endif

namespace RoleDrop::App {

void hardenProcess()
{
#if defined(__linux__)
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    const struct rlimit noCore = {0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
#endif
}

} // namespace RoleDrop::App
