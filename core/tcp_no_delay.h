#pragma once

namespace RoleDrop {

// Qt's HTTP client leaves Nagle's algorithm on (the line that would set TCP_NODELAY is commented out in
// qhttpnetworkconnectionchannel.cpp) and writes a request body in 16 KiB pieces. Every body of more than
// one piece then waits for the server's delayed ACK, about 40 ms: 1,000 small uploads took 44 s on one
// connection instead of 7. On ELF platforms this file defines connect() so every TCP socket of the
// process gets TCP_NODELAY; elsewhere it does nothing.
//
// True when the interposed connect() is in the process. Referencing it is also what links that object
// file from the static core library into each executable.
bool tcpNoDelayForAllSockets();

} // namespace RoleDrop
