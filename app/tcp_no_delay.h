#pragma once

namespace RoleDrop::App {

// Qt's HTTP client leaves Nagle's algorithm on (the line that would set TCP_NODELAY is commented out in
// qhttpnetworkconnectionchannel.cpp, Qt 6.4) and writes a request body in 16 KiB pieces. Every body of more
// than one piece then waits for the server's delayed ACK, about 40 ms: 1,000 small uploads took 44 s on one
// connection instead of 7 (bench/RESULTS.md: 0.69x aws before, 1.50x after). On ELF platforms
// tcp_no_delay.cpp defines connect() so every TCP socket of the process gets TCP_NODELAY. It is an object
// library of app/ (CMake option ROLEDROP_TCP_NODELAY), linked into the executable, never into core/.
//
// True when the interposed connect() is in this process.
bool tcpNoDelayForAllSockets();

} // namespace RoleDrop::App
