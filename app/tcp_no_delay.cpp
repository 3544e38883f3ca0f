#include "app/tcp_no_delay.h"

#if defined(ROLEDROP_TCP_NODELAY) && defined(__ELF__) && defined(__unix__)
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

// The executable's connect() comes before libc's for every shared library (Qt's too): the dynamic linker
// searches the executable first. It forwards to libc's after switching Nagle off on TCP sockets; a
// failure to set the option changes nothing else.
extern "C" int connect(int fd, const struct sockaddr *address, socklen_t length)
{
    using ConnectFunction = int (*)(int, const struct sockaddr *, socklen_t);
    static const auto libcConnect = reinterpret_cast<ConnectFunction>(dlsym(RTLD_NEXT, "connect"));
    if (address && (address->sa_family == AF_INET || address->sa_family == AF_INET6)) {
        int type = 0;
        socklen_t typeLength = sizeof type;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &typeLength) == 0 && type == SOCK_STREAM) {
            const int on = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        }
    }
    return libcConnect(fd, address, length);
}

namespace RoleDrop::App {
bool tcpNoDelayForAllSockets() { return true; }
} // namespace RoleDrop::App

#else

namespace RoleDrop::App {
bool tcpNoDelayForAllSockets() { return false; }
} // namespace RoleDrop::App

#endif
