"""The test doubles' https server: a ThreadingHTTPServer whose connections are wrapped in TLS with the test CA's
certificate. Shared by the STS + S3 double and the IAM Identity Center double."""

import ssl
from http.server import ThreadingHTTPServer


def tls_threading_http_server(cert, key, log):
    """A ThreadingHTTPServer class serving https: each connection's TLS handshake happens in its own thread (on its
    first read), so a client that never finishes one holds up nobody else. A failed handshake is one `log` line."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    class Server(ThreadingHTTPServer):
        def get_request(self):
            sock, addr = self.socket.accept()
            return context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

        def finish_request(self, request, client_address):
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError) as e:
                # A client refusing our certificate is what the TLS tests want: one line, not a traceback.
                log("TLS handshake with %s:%d failed: %s" % (client_address[0], client_address[1], e))
                return
            super().finish_request(request, client_address)

    return Server
