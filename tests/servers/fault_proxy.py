#!/usr/bin/python3
"""RoleDrop's FAULT-INJECTING TEST PROXY - a test tool for the end-to-end tests. It is NOT a production proxy.

It sits between RoleDrop (or botocore) and a real S3 server (Ceph RGW) on 127.0.0.1 and injects the faults
that a client of S3 must survive: S3 error answers (SlowDown, InternalError, ExpiredToken, redirects, a 200
carrying an <Error>), connection resets in the middle of a request or response body, stalls, short bodies,
wrong ranges, corrupted bytes and a ListObjectsV2 continuation token that never ends.

How it forwards: a plain reverse proxy. The client connects to the proxy as if it were the server; every
client connection gets its own upstream connection (HTTP/1.1 keep-alive on both sides). The request line,
the headers (Host included) and the body are forwarded byte for byte, so SigV4 signatures made for the
proxy's address stay valid at the upstream (RGW checks the Host header it receives, not its own port).
Only a rule's action alters anything. Bodies are streamed in 256 KiB pieces, never held whole, except a
ListObjectsV2 answer that repeat_continuation_token rewrites.

Answers the proxy makes up itself (the `respond` action, an unreachable upstream, a 100 Continue it sends to
drain a body) carry `Via: 1.1 RoleDrop-Fault-Proxy (test tool, fabricated answer)`. Relayed answers, even
altered ones, carry no such header.

Control API (JSON over HTTP, on its own 127.0.0.1 port, no authentication):
  GET    /health        {"fault_proxy": true, "test_tool": true, "upstream": ..., "rules": N, ...}
  GET    /rules         the rule list with each rule's id and counters (matched, applied)
  POST   /rules         replace the rule list: a JSON list of rules, or {"rules": [...]}
  POST   /rules/add     append one rule (an object) or several (a list); answers the ids given
  DELETE /rules         no rules: pure pass-through
  GET    /log           {"entries": [...]} every request seen (?since=SEQ: only later ones)
  DELETE /log           forget the log (sequence numbers keep counting)
Rules and their actions are described in tests/servers/README.md ("The fault proxy").

Usage (always Debian's /usr/bin/python3):
  fault_proxy.py --upstream http://127.0.0.1:PORT [--port 0] [--control-port 0] [--port-file F]
                 [--control-port-file F] [--tls-cert C --tls-key K] [--upstream-tls --upstream-ca CA]
                 [--rules FILE.json] [--quiet]
Prints `READY fault-proxy port=N control=M` once both ports listen. SIGTERM / SIGINT stop it.
"""
import argparse
import fcntl
import itertools
import json
import os
import re
import secrets
import select
import signal
import socket
import ssl
import struct
import sys
import termios
import threading
import time
import traceback
from datetime import datetime, timezone
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

CHUNK = 256 * 1024
HEAD_LIMIT = 64 * 1024
LINE_LIMIT = 8 * 1024
REWRITE_LIMIT = 64 * 1024 * 1024    # largest ListObjectsV2 answer repeat_continuation_token will buffer
LOG_LIMIT = 100000                  # log entries kept (oldest dropped first)
VIA = "1.1 RoleDrop-Fault-Proxy (test tool, fabricated answer)"
DEFAULT_REPEAT_TOKEN = "RoleDropFaultProxyRepeatToken"
FLIP = bytes(255 - i for i in range(256))
QUIET = False


def log(msg):
    sys.stderr.write("%s fault-proxy: %s\n" % (datetime.now().strftime("%H:%M:%S.%f")[:-3], msg))
    sys.stderr.flush()


# ------------------------------------------------------------------------------------------------ errors

class HttpError(Exception):
    """The peer broke HTTP (bad framing, oversized head)."""


class PeerClosed(Exception):
    """The peer closed (or reset) the connection where more bytes were due."""


class Finish(Exception):
    """A rule ended the exchange; `how` says what was done to the client connection."""

    def __init__(self, how):
        super().__init__(how)
        self.how = how


# ---------------------------------------------------------------------------------------- connections

class Conn:
    """A socket (plain or TLS) with a read buffer."""

    def __init__(self, sock, name):
        self.sock, self.name, self.buf, self.closed = sock, name, bytearray(), False

    def _recv(self, n):
        try:
            return self.sock.recv(n)
        except ssl.SSLZeroReturnError:
            return b""
        except (ConnectionResetError, BrokenPipeError) as e:
            raise PeerClosed("%s: %s" % (self.name, e)) from None

    def read_head(self):
        """The raw head up to and including CRLFCRLF; None if the peer closed cleanly before a new head."""
        start = 0
        while True:
            while self.buf[:2] == b"\r\n":      # RFC 9112 2.2: ignore empty lines before a request line
                del self.buf[:2]
            i = self.buf.find(b"\r\n\r\n", start)
            if i >= 0:
                head = bytes(self.buf[:i + 4])
                del self.buf[:i + 4]
                return head
            if len(self.buf) > HEAD_LIMIT:
                raise HttpError("%s: header section larger than %d bytes" % (self.name, HEAD_LIMIT))
            start = max(0, len(self.buf) - 3)
            data = self._recv(CHUNK)
            if not data:
                if not self.buf:
                    return None
                raise PeerClosed("%s closed inside a header section" % self.name)
            self.buf += data

    def read_line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i + 2])
                del self.buf[:i + 2]
                return line
            if len(self.buf) > LINE_LIMIT:
                raise HttpError("%s: line longer than %d bytes" % (self.name, LINE_LIMIT))
            data = self._recv(CHUNK)
            if not data:
                raise PeerClosed("%s closed inside a chunk header" % self.name)
            self.buf += data

    def read_some(self, n):
        """Up to n bytes (b'' at end of stream)."""
        if self.buf:
            k = min(n, len(self.buf))
            out = bytes(self.buf[:k])
            del self.buf[:k]
            return out
        return self._recv(min(n, CHUNK))

    def has_buffered(self):
        return bool(self.buf) or (isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0)

    def send(self, data):
        try:
            self.sock.sendall(data)
        except (ConnectionResetError, BrokenPipeError) as e:
            raise PeerClosed("%s: %s" % (self.name, e)) from None

    def looks_alive(self):
        """For an idle keep-alive connection: False if the peer has closed it (or sent stray bytes)."""
        if self.closed or self.buf:
            return False
        old = self.sock.gettimeout()
        try:
            self.sock.settimeout(0)
            if isinstance(self.sock, ssl.SSLSocket):
                self.sock.recv(1)
            else:
                self.sock.recv(1, socket.MSG_PEEK)
            return False                          # b"": closed; bytes: stray data, unusable either way
        except (ssl.SSLWantReadError, BlockingIOError):
            return True
        except (OSError, ssl.SSLError):
            return False
        finally:
            try:
                self.sock.settimeout(old)
            except OSError:
                pass

    def close(self):
        """Normal close (FIN, and close_notify on TLS)."""
        if self.closed:
            return
        self.closed = True
        try:
            if isinstance(self.sock, ssl.SSLSocket):
                self.sock.settimeout(1)
                try:
                    self.sock.unwrap().close()
                    return
                except (OSError, ssl.SSLError, ValueError):
                    pass
            else:
                self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass

    def linger_close(self, seconds=2.0):
        """FIN, then discard what the peer still sends for up to `seconds`, then close. Lets a client that is
        still sending a body read an early answer instead of losing it to an RST."""
        if self.closed:
            return
        try:
            if isinstance(self.sock, ssl.SSLSocket):
                self.close()
                return
            self.sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + seconds
            self.sock.settimeout(0.2)
            while time.monotonic() < deadline:
                try:
                    if not self.sock.recv(CHUNK):
                        break
                except socket.timeout:
                    continue
        except OSError:
            pass
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass

    def reset(self):
        """Abort with a TCP RST (SO_LINGER 0), after letting what was already sent leave the send queue."""
        if self.closed:
            return
        self.closed = True
        try:
            deadline = time.monotonic() + 2.0
            buf = bytearray(4)
            while time.monotonic() < deadline:
                fcntl.ioctl(self.sock.fileno(), termios.TIOCOUTQ, buf)
                if struct.unpack("i", buf)[0] == 0:
                    break
                time.sleep(0.005)
        except OSError:
            pass
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


def readable(conns, timeout):
    """The conns that have bytes to read (buffered ones count) within timeout."""
    ready = [c for c in conns if c.has_buffered()]
    if ready:
        return ready
    r, _, _ = select.select([c.sock for c in conns], [], [], timeout)
    return [c for c in conns if c.sock in r]


# ------------------------------------------------------------------------------------------------- HTTP

class Head:
    """A request or response head, kept byte for byte (raw) next to its parsed form."""

    def __init__(self, raw):
        self.raw = raw
        lines = raw[:-4].split(b"\r\n")
        self.start = lines[0].decode("latin-1")
        self.headers = []
        for line in lines[1:]:
            if line[:1] in (b" ", b"\t") and self.headers:      # obsolete line folding
                name, value = self.headers[-1]
                self.headers[-1] = (name, value + " " + line.strip().decode("latin-1"))
                continue
            name, sep, value = line.partition(b":")
            if not sep or not name or name != name.strip():
                raise HttpError("malformed header line %r" % line[:80])
            self.headers.append((name.decode("latin-1"), value.strip().decode("latin-1")))

    def get(self, name, default=None):
        name = name.lower()
        for n, v in self.headers:
            if n.lower() == name:
                return v
        return default

    def tokens(self, name):
        name = name.lower()
        out = set()
        for n, v in self.headers:
            if n.lower() == name:
                out.update(t.strip().lower() for t in v.split(",") if t.strip())
        return out

    def body_framing(self):
        """('chunked', None), ('length', n) or ('none', 0) for a request; responses refine this."""
        te = self.get("Transfer-Encoding")
        if te is not None:
            if te.split(",")[-1].strip().lower() != "chunked":
                raise HttpError("Transfer-Encoding without chunked last: %r" % te)
            return "chunked", None
        lengths = {v.strip() for n, v in self.headers if n.lower() == "content-length"}
        if lengths:
            if len(lengths) != 1 or not next(iter(lengths)).isdigit():
                raise HttpError("bad Content-Length %r" % sorted(lengths))
            return "length", int(next(iter(lengths)))
        return "none", 0


def rebuild_head(head, replace=None, drop=(), add=()):
    """The raw head with header `replace` {lower name: value} values swapped, `drop` names removed and `add`
    (name, value) pairs appended. Lines not touched stay byte for byte."""
    replace = {k.lower(): v for k, v in (replace or {}).items()}
    drop = {d.lower() for d in drop}
    lines = head.raw[:-4].split(b"\r\n")
    out = [lines[0]]
    for line in lines[1:]:
        name = line.partition(b":")[0].decode("latin-1")
        key = name.lower()
        if key in drop:
            continue
        if key in replace:
            out.append(("%s: %s" % (name, replace[key])).encode("latin-1"))
            continue
        out.append(line)
    for name, value in add:
        out.append(("%s: %s" % (name, value)).encode("latin-1"))
    return b"\r\n".join(out) + b"\r\n\r\n"


class Request(Head):
    def __init__(self, raw):
        super().__init__(raw)
        parts = self.start.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise HttpError("bad request line %r" % self.start[:200])
        self.method, self.target, self.version = parts
        target = self.target
        if target.startswith(("http://", "https://")):
            u = urlsplit(target)
            target = u.path + ("?" + u.query if u.query else "")
        self.path, _, self.query = target.partition("?")
        self.params = {}
        for k, v in parse_qsl(self.query, keep_blank_values=True):
            self.params.setdefault(k, []).append(v)
        self.framing, self.length = self.body_framing()

    def wants_close(self):
        c = self.tokens("Connection")
        return "close" in c or (self.version == "HTTP/1.0" and "keep-alive" not in c)

    def expects_continue(self):
        return "100-continue" in self.tokens("Expect") and self.framing != "none" and self.length != 0

    def has_body(self):
        return self.framing == "chunked" or self.length > 0


class Response(Head):
    def __init__(self, raw):
        super().__init__(raw)
        parts = self.start.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise HttpError("bad status line %r" % self.start[:200])
        self.version, self.status = parts[0], int(parts[1])

    def framing_for(self, method):
        if method == "HEAD" or self.status in (204, 304) or 100 <= self.status < 200:
            return "none", 0
        framing, length = self.body_framing()
        return ("close", None) if framing == "none" and self.get("Content-Length") is None else (framing, length)


def iter_length(conn, n):
    """Data pieces of a body of n bytes."""
    left = n
    while left > 0:
        piece = conn.read_some(min(left, CHUNK))
        if not piece:
            raise PeerClosed("%s closed with %d body bytes still due" % (conn.name, left))
        left -= len(piece)
        yield piece, True


def iter_chunked(conn):
    """(piece, is_data) of a chunked body: chunk-size lines, CRLFs and trailers come as is_data=False, so that
    concatenating every piece gives back the bytes received."""
    while True:
        line = conn.read_line()
        try:
            size = int(line.split(b";")[0].strip(), 16)
        except ValueError:
            raise HttpError("bad chunk size line %r" % line[:80]) from None
        yield line, False
        if size == 0:
            while True:
                trailer = conn.read_line()
                yield trailer, False
                if trailer == b"\r\n":
                    return
        yield from iter_length(conn, size)
        crlf = conn.read_line()
        if crlf != b"\r\n":
            raise HttpError("chunk not followed by CRLF")
        yield crlf, False


def iter_to_close(conn):
    while True:
        piece = conn.read_some(CHUNK)
        if not piece:
            return
        yield piece, True


def body_iter(conn, framing, length):
    if framing == "length":
        return iter_length(conn, length)
    if framing == "chunked":
        return iter_chunked(conn)
    if framing == "close":
        return iter_to_close(conn)
    return iter(())


# -------------------------------------------------------------------------------------- S3 answers

def s3_request_id():
    return secrets.token_hex(8).upper()


def s3_host_id():
    import base64
    return base64.b64encode(secrets.token_bytes(56)).decode()


def s3_error_xml(code, message, extra=(), request_id=None, host_id=None):
    parts = ["<Code>%s</Code>" % escape(code), "<Message>%s</Message>" % escape(message)]
    parts += ["<%s>%s</%s>" % (k, escape(v), k) for k, v in extra]
    parts += ["<RequestId>%s</RequestId>" % request_id, "<HostId>%s</HostId>" % host_id]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error>%s</Error>' % "".join(parts)).encode()


def bucket_of(req):
    host = (req.get("Host") or "").split(":")[0]
    if re.match(r"^[^.]+\.s3[.-]", host):           # virtual-hosted style
        return host.split(".")[0]
    return req.path.lstrip("/").split("/")[0]


HTML_ERROR = ("<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n"
              "</body>\r\n</html>\r\n")

# name -> (status, S3 code or None for an HTML answer from a front end, message)
SHORTCUTS = {
    "slowdown": (503, "SlowDown", "Please reduce your request rate."),
    "internal_error": (500, "InternalError", "We encountered an internal error. Please try again."),
    "service_unavailable": (503, "ServiceUnavailable", "Service is unable to handle request."),
    "bad_gateway": (502, None, "502 Bad Gateway"),
    "gateway_timeout": (504, None, "504 Gateway Time-out"),
    "request_timeout": (400, "RequestTimeout", "Your socket connection to the server was not read from or "
                        "written to within the timeout period. Idle connections will be closed."),
    "expired_token": (400, "ExpiredToken", "The provided token has expired."),
    "redirect_301": (301, "PermanentRedirect", "The bucket you are attempting to access must be addressed using "
                     "the specified endpoint. Please send all future requests to this endpoint."),
    "redirect_307": (307, "TemporaryRedirect", "Please re-send this request to the specified temporary endpoint. "
                     "Continue to use the original request endpoint for future requests."),
    "complete_200_error": (200, "InternalError", "We encountered an internal error. Please try again."),
}
REASONS = {200: "OK", 301: "Moved Permanently", 307: "Temporary Redirect", 400: "Bad Request", 403: "Forbidden",
           404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
           504: "Gateway Timeout"}


def fabricate(req, action, scheme):
    """(status, reason, [(name, value)], body bytes) of a `respond` action."""
    spec = action["respond"]
    rid, hid = s3_request_id(), s3_host_id()
    std = [("x-amz-request-id", rid), ("x-amz-id-2", hid), ("Date", formatdate(usegmt=True))]
    if isinstance(spec, dict):
        status = spec["status"]
        body = spec.get("body", "")
        body = body.encode() if isinstance(body, str) else body
        headers = list(spec.get("headers", {}).items())
        names = {n.lower() for n, _ in headers}
        headers += [h for h in std if h[0].lower() not in names]
        return status, spec.get("reason", REASONS.get(status, "Status")), headers, body
    status, code, message = SHORTCUTS[spec]
    message = action.get("message", message)
    if code is None:                                 # what a load balancer in front of S3 sends
        return status, REASONS[status], [("Content-Type", "text/html"), ("Date", std[2][1])], \
            HTML_ERROR.format(message).encode()
    headers = [("x-amz-request-id", rid), ("x-amz-id-2", hid), ("Content-Type", "application/xml"), std[2]]
    extra = []
    bucket = bucket_of(req)
    if spec == "expired_token":
        token = req.get("X-Amz-Security-Token") or (req.params.get("X-Amz-Security-Token") or [None])[0]
        if token:
            extra.append(("Token-0", token))
    elif spec == "redirect_301":
        region = action.get("region", "eu-west-1")
        headers.insert(0, ("x-amz-bucket-region", region))
        extra = [("Bucket", bucket), ("Endpoint", action.get("endpoint", "%s.s3.%s.amazonaws.com" % (bucket, region)))]
    elif spec == "redirect_307":
        host = req.get("Host", "127.0.0.1")
        location = action.get("location") or "%s://%s%s" % (scheme, host, req.target if req.target.startswith("/")
                                                                 else urlsplit(req.target).path)
        headers.insert(0, ("Location", location))
        extra = [("Bucket", bucket), ("Endpoint", action.get("endpoint", host))]
    return status, REASONS[status], headers, s3_error_xml(code, message, extra, rid, hid)


def response_head_bytes(status, reason, headers, body_len, close):
    lines = ["HTTP/1.1 %d %s" % (status, reason)]
    lines += ["%s: %s" % (n, v) for n, v in headers]
    if not any(n.lower() == "content-length" for n, _ in headers):
        lines.append("Content-Length: %d" % body_len)
    lines.append("Via: " + VIA)
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# ------------------------------------------------------------------------------------------------ rules

MATCH_KEYS = {"method", "path", "query", "headers"}
RESPOND_KEYS = {"respond", "drain", "region", "endpoint", "location", "message", "delay_request"}
EFFECT_KEYS = {"respond", "delay_request", "reset_after_request_bytes", "reset_after_response_bytes",
               "stall_before_response", "stall_after_response_bytes", "truncate_response_after", "wrong_range",
               "wrong_content_range", "corrupt_body", "repeat_continuation_token"}
ACTION_KEYS = EFFECT_KEYS | RESPOND_KEYS | {"then"}


class RuleError(ValueError):
    pass


def _num(v, what, integer=False):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0 or (integer and not isinstance(v, int)):
        raise RuleError("%s must be a non-negative %s, not %r" % (what, "integer" if integer else "number", v))
    return v


def _check_conditions(d, what):
    if not isinstance(d, dict):
        raise RuleError("%s must be an object of name: condition" % what)
    for k, v in d.items():
        if not (v is None or isinstance(v, (bool, str)) or (isinstance(v, dict) and set(v) == {"regex"})):
            raise RuleError("%s %r: use true (present), false (absent), a string (equal) or {\"regex\": R}" % (what, k))
        if isinstance(v, dict):
            re.compile(v["regex"])


class Rule:
    ids = itertools.count(1)

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise RuleError("a rule must be a JSON object")
        unknown = set(spec) - {"name", "match", "action", "times", "skip"}
        if unknown:
            raise RuleError("unknown rule keys %s" % sorted(unknown))
        self.spec = spec
        self.name = spec.get("name")
        self.match = spec.get("match", {})
        self.action = spec.get("action")
        self.times = spec.get("times")
        self.skip = spec.get("skip", 0)
        if self.times is not None:
            _num(self.times, "times", True)
        _num(self.skip, "skip", True)
        if not isinstance(self.match, dict) or set(self.match) - MATCH_KEYS:
            raise RuleError("match must be an object with keys from %s" % sorted(MATCH_KEYS))
        m = self.match
        methods = m.get("method")
        self.methods = None if methods is None else {x.upper() for x in ([methods] if isinstance(methods, str) else methods)}
        self.path_re = re.compile(m["path"]) if "path" in m else None
        _check_conditions(m.get("query", {}), "query")
        _check_conditions(m.get("headers", {}), "header")
        self._check_action()
        self.id = next(Rule.ids)
        self.matched = 0
        self.applied = 0

    def _check_action(self):
        a = self.action
        if not isinstance(a, dict) or not (set(a) & EFFECT_KEYS):
            raise RuleError("action must be an object with at least one of %s" % sorted(EFFECT_KEYS))
        if set(a) - ACTION_KEYS:
            raise RuleError("unknown action keys %s" % sorted(set(a) - ACTION_KEYS))
        respond_only = set(a) & (RESPOND_KEYS - {"respond", "delay_request"})
        if respond_only and "respond" not in a:
            raise RuleError("%s only go with respond" % sorted(respond_only))
        if "respond" in a:
            if set(a) - RESPOND_KEYS:
                raise RuleError("respond cannot be combined with %s" % sorted(set(a) - RESPOND_KEYS))
            r = a["respond"]
            if isinstance(r, str):
                if r not in SHORTCUTS:
                    raise RuleError("unknown respond shortcut %r (known: %s)" % (r, ", ".join(sorted(SHORTCUTS))))
            elif isinstance(r, dict):
                if set(r) - {"status", "reason", "headers", "body"} or not isinstance(r.get("status"), int):
                    raise RuleError("respond object: {status, reason?, headers?, body?}")
            else:
                raise RuleError("respond must be a shortcut name or {status, headers, body}")
        for k in ("reset_after_request_bytes", "reset_after_response_bytes", "truncate_response_after"):
            if k in a:
                _num(a[k], k, True)
        for k in ("delay_request", "stall_before_response"):
            if k in a:
                _num(a[k], k)
        if "then" in a and a["then"] not in ("close", "continue"):
            raise RuleError("then must be \"close\" or \"continue\"")
        s = a.get("stall_after_response_bytes")
        if s is not None:
            if not isinstance(s, dict) or set(s) - {"bytes", "seconds", "then"} or "seconds" not in s:
                raise RuleError("stall_after_response_bytes: {bytes: N, seconds: S, then?: close}")
            _num(s.get("bytes", 0), "stall_after_response_bytes.bytes", True)
            _num(s["seconds"], "stall_after_response_bytes.seconds")
        for k, allowed in (("wrong_range", {"offset", "object_size", "mode", "body"}),
                           ("wrong_content_range", {"offset", "value"}), ("corrupt_body", {"every"}),
                           ("repeat_continuation_token", {"token"})):
            if k in a:
                v = a[k]
                if v is True:
                    continue
                if not isinstance(v, dict) or set(v) - allowed:
                    raise RuleError("%s must be true or an object with keys from %s" % (k, sorted(allowed)))
        w = a.get("wrong_range")
        if isinstance(w, dict):
            if w.get("mode", "auto") not in ("auto", "request", "response"):
                raise RuleError("wrong_range.mode: auto, request or response")
            if w.get("body", "rotate") not in ("rotate", "flip"):
                raise RuleError("wrong_range.body: rotate or flip")
            for k in ("offset", "object_size"):
                if k in w:
                    _num(w[k], "wrong_range." + k, True)
        wc = a.get("wrong_content_range")
        if isinstance(wc, dict):
            if "offset" in wc:
                _num(wc["offset"], "wrong_content_range.offset", True)
            if "value" in wc and not isinstance(wc["value"], str):
                raise RuleError("wrong_content_range.value must be a string")
        c = a.get("corrupt_body")
        if isinstance(c, dict) and "every" in c and (_num(c["every"], "corrupt_body.every", True) < 1):
            raise RuleError("corrupt_body.every must be >= 1")

    @staticmethod
    def _cond(values, want):
        if want is None or want is True:
            return values is not None
        if want is False:
            return values is None
        if values is None:
            return False
        if isinstance(want, dict):
            return any(re.search(want["regex"], v) for v in values)
        return want in values

    def criteria(self, req):
        if self.methods is not None and req.method.upper() not in self.methods:
            return False
        if self.path_re is not None and not self.path_re.search(req.path):
            return False
        for k, want in self.match.get("query", {}).items():
            if not self._cond(req.params.get(k), want):
                return False
        for k, want in self.match.get("headers", {}).items():
            values = [v for n, v in req.headers if n.lower() == k.lower()] or None
            if not self._cond(values, want):
                return False
        return True

    def describe(self):
        return {"id": self.id, "name": self.name, "action": sorted(set(self.action) & EFFECT_KEYS)}

    def to_json(self):
        d = dict(self.spec)
        d.update(id=self.id, matched=self.matched, applied=self.applied)
        return d


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.entries = []
        self.seq = itertools.count(1)

    def set_rules(self, rules):
        with self.lock:
            self.rules = rules

    def add_rules(self, rules):
        with self.lock:
            self.rules = self.rules + rules

    def pick(self, req):
        """The rule that applies to req (first in order), counting it; None for pass-through. A rule whose
        `times` are used up, or that lets a request pass because of `skip`, leaves it to the next rules."""
        with self.lock:
            for rule in self.rules:
                if not rule.criteria(req):
                    continue
                if rule.times is not None and rule.applied >= rule.times:
                    continue
                rule.matched += 1
                if rule.matched <= rule.skip:
                    continue
                rule.applied += 1
                return rule
        return None

    def new_entry(self, req, conn_id):
        e = {"seq": next(self.seq), "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
             "connection": conn_id, "method": req.method, "path": req.path, "query": req.query, "rule": None,
             "request_body_bytes_received": 0, "request_body_bytes_forwarded": 0, "status": None,
             "upstream_status": None, "response_body_bytes_sent": 0, "outcome": "in progress", "notes": []}
        with self.lock:
            self.entries.append(e)
            if len(self.entries) > LOG_LIMIT:
                del self.entries[:len(self.entries) - LOG_LIMIT]
        return e

    def snapshot(self, since=0):
        with self.lock:
            return [dict(e, notes=list(e["notes"])) for e in self.entries if e["seq"] > since]


# ---------------------------------------------------------------------------------------------- proxy

def parse_range(value):
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d+)\s*-\s*(\d+)\s*", value or "")
    return (int(m.group(1)), int(m.group(2))) if m and int(m.group(2)) >= int(m.group(1)) else None


def signed_header_names(req):
    auth = req.get("Authorization") or ""
    m = re.search(r"SignedHeaders=([^,\s]+)", auth)
    if m:
        return set(m.group(1).lower().split(";"))
    q = req.params.get("X-Amz-SignedHeaders")
    return set(q[0].lower().split(";")) if q else set()


def shifted_start(a, length, offset, object_size):
    start = a + offset
    if object_size:
        span = object_size - length + 1          # the starts that keep the range inside the object
        if span <= 1:
            return None
        start %= span
        if start == a:
            start = (start + 1) % span
    return start


class BodyWriter:
    """Sends a response body to the client: applies the byte transform (flip / rotate) and fires the byte-offset
    events (stall, truncate, reset) of the rule. Non-data pieces (chunk framing) go through untouched."""

    def __init__(self, exchange, events, flip_every=None, rotate=0):
        self.x, self.client, self.entry = exchange, exchange.client, exchange.entry
        self.events = sorted(events, key=lambda e: e[0])
        self.flip_every, self.rotate = flip_every, rotate
        self.pos = 0            # data bytes received from upstream (for the transform)
        self.sent = 0           # data bytes sent to the client
        self.held = bytearray()

    def _fire_due(self):
        while self.events and self.events[0][0] <= self.sent:
            self.x.fire(self.events.pop(0), self.sent)

    def _send_data(self, data):
        # An event at offset N fires before body byte N is sent, so it only fires if the body has more than
        # N bytes (finish() handles a reset past the end).
        view = memoryview(data)
        while view:
            self._fire_due()
            limit = self.events[0][0] - self.sent if self.events else len(view)
            k = min(len(view), limit)
            self.client.send(view[:k])
            self.sent += k
            self.entry["response_body_bytes_sent"] = self.sent
            view = view[k:]

    def write(self, piece, is_data):
        if not is_data:
            self.client.send(piece)
            return
        if self.flip_every:
            b = bytearray(piece)
            start = (-self.pos) % self.flip_every
            b[start::self.flip_every] = b[start::self.flip_every].translate(FLIP)
            piece = b
        self.pos += len(piece)
        if self.rotate and len(self.held) < self.rotate:
            need = self.rotate - len(self.held)
            self.held += piece[:need]
            piece = piece[need:]
        if piece:
            self._send_data(piece)

    def finish(self):
        if self.held:
            held, self.held = self.held, bytearray()
            self._send_data(held)
        # events past the end of the body: a reset still happens, stalls and truncation have nothing to cut
        resets = [ev for ev in self.events if ev[1] == "reset"]
        self.events = []
        if resets:
            self.x.fire(resets[0], self.sent)


class Exchange:
    """One request and its answer on a client connection."""

    def __init__(self, proxy, client, req, entry, rule):
        self.proxy, self.client, self.req, self.entry, self.rule = proxy, client, req, entry, rule
        self.action = rule.action if rule else {}
        self.upstream = None

    def note(self, text):
        self.entry["notes"].append(text)

    def fire(self, event, at):
        offset, kind, arg = event
        if kind == "stall":
            seconds, then = arg
            self.note("stalled %gs after %d response body bytes" % (seconds, at))
            time.sleep(seconds)
            if then == "close":
                raise Finish("closed")
        elif kind == "truncate":
            self.note("truncated after %d response body bytes" % at)
            raise Finish("closed")
        elif kind == "reset":
            self.note("reset after %d response body bytes" % at)
            raise Finish("reset")


class Proxy:
    def __init__(self, args, state):
        self.args, self.state = args, state
        u = urlsplit(args.upstream)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise SystemExit("--upstream must be http://HOST:PORT or https://HOST:PORT")
        self.up_host, self.up_port = u.hostname, u.port or (443 if u.scheme == "https" else 80)
        self.up_tls = args.upstream_tls or u.scheme == "https"
        self.up_ctx = None
        if self.up_tls:
            self.up_ctx = ssl.create_default_context(cafile=args.upstream_ca)
        self.listen_ctx = None
        if args.tls_cert:
            self.listen_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.listen_ctx.load_cert_chain(args.tls_cert, args.tls_key)
        self.scheme = "https" if self.listen_ctx else "http"
        self.conn_ids = itertools.count(1)

    # ------------------------------------------------------------------ connections
    def connect_upstream(self):
        sock = socket.create_connection((self.up_host, self.up_port), timeout=self.args.upstream_timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.up_ctx:
            sock = self.up_ctx.wrap_socket(sock, server_hostname=self.args.upstream_server_name or self.up_host)
        return Conn(sock, "upstream")

    def serve_client(self, sock, addr):
        conn_id = next(self.conn_ids)
        upstream = None
        client = None
        try:
            sock.settimeout(self.args.idle_timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.listen_ctx:
                sock = self.listen_ctx.wrap_socket(sock, server_side=True)
            client = Conn(sock, "client")
            while True:
                raw = client.read_head()
                if raw is None:
                    break
                req = Request(raw)
                entry = self.state.new_entry(req, conn_id)
                rule = self.state.pick(req)
                if rule:
                    entry["rule"] = rule.describe()
                x = Exchange(self, client, req, entry, rule)
                x.upstream = upstream
                try:
                    keep, upstream = self.exchange(x)
                except Finish as f:
                    entry["outcome"] = f.how
                    if f.how == "reset":
                        client.reset()
                        if x.upstream:
                            x.upstream.reset()
                    else:
                        client.close()
                        if x.upstream:
                            x.upstream.close()
                    upstream = None
                    keep = False
                except (PeerClosed, HttpError, OSError, ssl.SSLError) as e:
                    entry["outcome"] = "error: %s" % e
                    keep = False
                    if x.upstream:
                        x.upstream.reset()
                    upstream = None
                    x.upstream = None
                self.summary(entry)
                if not keep:
                    break
        except (PeerClosed, HttpError, OSError, ssl.SSLError) as e:
            if not QUIET:
                log("connection %d from %s:%d: %s" % (conn_id, addr[0], addr[1], e))
        except Exception:
            log("connection %d: unexpected error\n%s" % (conn_id, traceback.format_exc()))
        finally:
            if client:
                client.close()
            else:
                try:
                    sock.close()
                except OSError:
                    pass
            if upstream:
                upstream.close()

    def summary(self, e):
        if QUIET:
            return
        rule = " rule=%s%s" % (e["rule"]["id"], "(%s)" % e["rule"]["name"] if e["rule"]["name"] else "") if e["rule"] else ""
        log("#%d %s %s%s -> %s%s in=%d fwd=%d out=%d %s%s" % (
            e["seq"], e["method"], e["path"], "?" + e["query"] if e["query"] else "", e["status"], rule,
            e["request_body_bytes_received"], e["request_body_bytes_forwarded"], e["response_body_bytes_sent"],
            e["outcome"], " [%s]" % "; ".join(e["notes"]) if e["notes"] else ""))

    # ------------------------------------------------------------------ one exchange
    def exchange(self, x):
        """Handles x; returns (keep the client connection, upstream Conn to keep or None)."""
        a = x.action
        if a.get("delay_request"):
            x.note("request held %gs" % a["delay_request"])
            time.sleep(a["delay_request"])
        if "respond" in a:
            return self.respond(x), x.upstream
        return self.forward(x)

    def drain_request(self, x, send_continue):
        if send_continue:
            x.client.send(("HTTP/1.1 100 Continue\r\nVia: %s\r\n\r\n" % VIA).encode())
        for piece, _ in body_iter(x.client, x.req.framing, x.req.length):
            x.entry["request_body_bytes_received"] += len(piece)

    def respond(self, x):
        req, a = x.req, x.action
        drain = a.get("drain", True)
        status, reason, headers, body = fabricate(req, a, self.scheme)
        early = req.has_body() and not drain
        if req.has_body() and drain:
            self.drain_request(x, req.expects_continue())
        close = early or req.wants_close()
        send_body = req.method != "HEAD"
        x.client.send(response_head_bytes(status, reason, headers, len(body), close) + (body if send_body else b""))
        x.entry["status"] = status
        x.entry["response_body_bytes_sent"] = len(body) if send_body else 0
        x.entry["outcome"] = "fabricated"
        if early:
            x.note("answered before reading the body (drain: false); lingering close")
            x.client.linger_close()
            return False
        return not close

    def bad_gateway(self, x, why):
        body = ("RoleDrop fault proxy (test tool): upstream %s:%d failed: %s\n" % (self.up_host, self.up_port, why)).encode()
        x.client.send(response_head_bytes(502, "Bad Gateway", [("Content-Type", "text/plain")], len(body), True) + body)
        x.entry["status"] = 502
        x.entry["outcome"] = "upstream failed: %s" % why
        return False, None

    def forward(self, x):
        req, a = x.req, x.action
        head = req.raw

        # wrong_range: rewrite the Range header when it is not signed (or mode says so); else the answer later
        x.range_mode = None
        if "wrong_range" in a:
            w = a["wrong_range"] if isinstance(a["wrong_range"], dict) else {}
            mode = w.get("mode", "auto")
            if mode == "auto":
                mode = "response" if "range" in signed_header_names(req) else "request"
            x.range_mode = mode
            rng = parse_range(req.get("Range"))
            if mode == "request":
                if rng is None:
                    x.note("wrong_range: no Range: bytes=a-b header to rewrite")
                else:
                    length = rng[1] - rng[0] + 1
                    start = shifted_start(rng[0], length, w.get("offset", length), w.get("object_size"))
                    if start is None:
                        x.note("wrong_range: object too small to shift the range")
                    else:
                        new = "bytes=%d-%d" % (start, start + length - 1)
                        head = rebuild_head(req, replace={"range": new})
                        x.note("Range %s forwarded as %s" % (req.get("Range"), new))

        fresh = False
        if x.upstream is not None and not x.upstream.looks_alive():
            x.upstream.close()
            x.upstream = None
        if x.upstream is None:
            try:
                x.upstream = self.connect_upstream()
                fresh = True
            except (OSError, ssl.SSLError) as e:
                return self.bad_gateway(x, str(e))
        try:
            x.upstream.send(head)
        except (PeerClosed, OSError):
            if fresh:
                raise
            x.upstream.reset()                    # a keep-alive connection that died: one new try
            x.upstream = self.connect_upstream()
            x.upstream.send(head)

        reset_at = a.get("reset_after_request_bytes")
        response = None                           # a final answer that came before the body was sent
        body_done = not req.has_body()
        if req.has_body() and reset_at != 0:
            if req.expects_continue():
                response = self.await_continue(x)
            if response is None:
                body_done = self.send_request_body(x, reset_at)
        if reset_at is not None and response is None:
            x.note("reset after %d request body bytes forwarded" % x.entry["request_body_bytes_forwarded"])
            raise Finish("reset")

        if response is None:
            try:
                response = self.read_final_response(x)
            except PeerClosed as e:
                if x.entry["status"] is None:
                    x.upstream.reset()
                    x.upstream = None
                    return self.bad_gateway(x, "closed without an answer (%s)" % e)
                raise
        return self.relay_response(x, response, body_done)

    def await_continue(self, x):
        """Expect: 100-continue. Waits for the upstream's 100 (relayed) or its final answer (returned), or for
        the client to start the body anyway (then None)."""
        while True:
            ready = readable([x.upstream, x.client], self.args.upstream_timeout)
            if not ready:
                raise PeerClosed("upstream silent after Expect: 100-continue")
            if x.upstream in ready:
                raw = x.upstream.read_head()
                if raw is None:
                    raise PeerClosed("upstream closed after Expect: 100-continue")
                resp = Response(raw)
                if 100 <= resp.status < 200:
                    x.client.send(raw)
                    x.note("relayed %d" % resp.status)
                    if resp.status == 100:
                        return None
                    continue
                x.note("upstream answered %d before the body" % resp.status)
                return resp
            return None                       # client data: it stopped waiting

    def send_request_body(self, x, reset_at):
        """Forwards the body; stops after reset_at bytes. False if the upstream stopped taking it."""
        e = x.entry
        for piece, _ in body_iter(x.client, x.req.framing, x.req.length):
            e["request_body_bytes_received"] += len(piece)
            if reset_at is not None and e["request_body_bytes_forwarded"] + len(piece) >= reset_at:
                part = piece[:reset_at - e["request_body_bytes_forwarded"]]
                x.upstream.send(part)
                e["request_body_bytes_forwarded"] += len(part)
                return False
            try:
                x.upstream.send(piece)
            except (PeerClosed, OSError) as err:
                x.note("upstream stopped reading the body: %s" % err)
                return False
            e["request_body_bytes_forwarded"] += len(piece)
        return True

    def read_final_response(self, x):
        while True:
            raw = x.upstream.read_head()
            if raw is None:
                raise PeerClosed("upstream closed before answering")
            resp = Response(raw)
            if 100 <= resp.status < 200 and resp.status != 101:
                x.client.send(raw)
                continue
            return resp

    def relay_response(self, x, resp, body_done):
        req, a, client = x.req, x.action, x.client
        e = x.entry
        e["upstream_status"] = resp.status
        framing, length = resp.framing_for(req.method)
        up_framing = framing
        if resp.status == 101:
            raise HttpError("protocol upgrades are not supported")

        if a.get("stall_before_response") is not None:
            secs = a["stall_before_response"]
            x.note("stalled %gs before the response" % secs)
            time.sleep(secs)
            if a.get("then") == "close":
                raise Finish("closed")

        head = resp.raw
        replace = {}
        body_source = body_iter(x.upstream, framing, length)
        flip_every, rotate = None, 0

        # Content-Range rewrite
        if "wrong_content_range" in a:
            w = a["wrong_content_range"] if isinstance(a["wrong_content_range"], dict) else {}
            cr = resp.get("Content-Range")
            m = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", (cr or "").strip())
            if resp.status != 206 or not m:
                x.note("wrong_content_range: not a 206 with Content-Range, unchanged")
            elif "value" in w:
                replace["content-range"] = w["value"]
            else:
                a0, b0 = int(m.group(1)), int(m.group(2))
                n = b0 - a0 + 1
                total = int(m.group(3)) if m.group(3) != "*" else None
                start = shifted_start(a0, n, w.get("offset", n), total)
                if start is None:
                    x.note("wrong_content_range: object too small to name another range")
                else:
                    replace["content-range"] = "bytes %d-%d/%s" % (start, start + n - 1, m.group(3))
            if "content-range" in replace:
                x.note("Content-Range %s sent as %s" % (cr, replace["content-range"]))

        if x.range_mode == "response":
            w = a["wrong_range"] if isinstance(a["wrong_range"], dict) else {}
            if resp.status != 206:
                x.note("wrong_range: answer is %d, not 206; unchanged" % resp.status)
            elif w.get("body", "rotate") == "rotate" and framing == "length" and length >= 2:
                n = length
                rotate = w.get("offset", n) % n or n // 2
                x.note("wrong_range: Range is signed; 206 body rotated by %d bytes (bytes of the range shifted "
                       "by %d, wrapping inside it)" % (rotate, rotate))
            else:
                flip_every = 1
                x.note("wrong_range: Range is signed; 206 body bytes flipped")
        if "corrupt_body" in a:
            c = a["corrupt_body"] if isinstance(a["corrupt_body"], dict) else {}
            flip_every = c.get("every", 1)
            x.note("corrupt_body: flipped every %d. byte" % flip_every if flip_every > 1 else "corrupt_body: every byte flipped")

        if "repeat_continuation_token" in a:
            if req.params.get("list-type") == ["2"] and resp.status == 200 and framing in ("length", "chunked", "close") \
                    and (length is None or length <= REWRITE_LIMIT):
                body = bytearray()
                for piece, is_data in body_source:
                    if is_data:
                        body += piece
                        if len(body) > REWRITE_LIMIT:
                            raise HttpError("ListObjectsV2 answer larger than %d bytes" % REWRITE_LIMIT)
                r = a["repeat_continuation_token"] if isinstance(a["repeat_continuation_token"], dict) else {}
                new, token = self.repeat_token(bytes(body), req, r.get("token"))
                x.note("NextContinuationToken forced to %r, IsTruncated true" % token)
                body_source = iter([(new, True)])
                framing, length = "length", len(new)
                replace["content-length"] = str(len(new))
                head = rebuild_head(resp, replace=replace, drop=["transfer-encoding"] if resp.get("Transfer-Encoding") else (),
                                    add=[] if resp.get("Content-Length") else [("Content-Length", len(new))])
                replace = None
            else:
                x.note("repeat_continuation_token: not a 200 ListObjectsV2 (list-type=2) answer; unchanged")
        if replace:
            head = rebuild_head(resp, replace=replace)

        events = []
        if a.get("truncate_response_after") is not None:
            events.append((a["truncate_response_after"], "truncate", None))
        if a.get("reset_after_response_bytes") is not None:
            events.append((a["reset_after_response_bytes"], "reset", None))
        s = a.get("stall_after_response_bytes")
        if s is not None:
            events.append((s.get("bytes", 0), "stall", (s["seconds"], s.get("then", a.get("then", "continue")))))
        if framing == "none":
            # no body: stalls/truncation have nothing to act on; a reset still cuts the connection
            events = [ev for ev in events if ev[1] == "reset"]

        client.send(head)
        e["status"] = resp.status
        writer = BodyWriter(x, events, flip_every, rotate)
        for piece, is_data in body_source:
            writer.write(piece, is_data)
        writer.finish()
        e["outcome"] = "ok"

        up_keep = up_framing != "close" and "close" not in resp.tokens("Connection") and body_done
        keep = up_keep and not req.wants_close() and body_done
        if not body_done:
            x.note("request body not fully forwarded; closing both connections")
            client.linger_close()
        upstream = x.upstream if up_keep else None
        if not up_keep:
            x.upstream.close()
        return keep, upstream

    @staticmethod
    def repeat_token(body, req, fixed):
        text = body.decode("utf-8")
        asked = req.params.get("continuation-token")
        if asked:
            token = asked[0]
        else:
            m = re.search(r"<NextContinuationToken>(.*?)</NextContinuationToken>", text, re.S)
            token = fixed or DEFAULT_REPEAT_TOKEN
            if m and "<IsTruncated>true</IsTruncated>" in text and not fixed:
                token = None                      # a truncated first page keeps its real token; page 2 then loops
        if token is not None:
            esc = escape(token)
            if "<NextContinuationToken>" in text:
                text = re.sub(r"<NextContinuationToken>.*?</NextContinuationToken>",
                              lambda _: "<NextContinuationToken>%s</NextContinuationToken>" % esc, text, count=1, flags=re.S)
            elif "<IsTruncated>" in text:
                text = re.sub(r"(<IsTruncated>.*?</IsTruncated>)",
                              lambda mm: mm.group(1) + "<NextContinuationToken>%s</NextContinuationToken>" % esc, text, count=1)
            else:
                text = text.replace("</ListBucketResult>", "<IsTruncated>true</IsTruncated><NextContinuationToken>%s"
                                    "</NextContinuationToken></ListBucketResult>" % esc, 1)
        else:
            token = re.search(r"<NextContinuationToken>(.*?)</NextContinuationToken>", text, re.S).group(1)
        text = re.sub(r"<IsTruncated>.*?</IsTruncated>", "<IsTruncated>true</IsTruncated>", text, count=1)
        return text.encode("utf-8"), token


# ------------------------------------------------------------------------------------------ control API

def make_control_handler(state, proxy):
    class Control(BaseHTTPRequestHandler):
        server_version = "RoleDrop-Fault-Proxy-Control"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, status, obj):
            body = (json.dumps(obj, indent=1) + "\n").encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def body_json(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            return json.loads(raw or b"null")

        def do_GET(self):
            u = urlsplit(self.path)
            if u.path == "/health":
                with state.lock:
                    n = len(state.rules)
                self.reply(200, {"fault_proxy": True, "test_tool": True, "upstream": proxy.args.upstream,
                                 "listen_tls": bool(proxy.listen_ctx), "rules": n})
            elif u.path == "/rules":
                with state.lock:
                    rules = [r.to_json() for r in state.rules]
                self.reply(200, {"rules": rules})
            elif u.path == "/log":
                since = dict(parse_qsl(u.query)).get("since", "0")
                self.reply(200, {"entries": state.snapshot(int(since) if since.isdigit() else 0)})
            else:
                self.reply(404, {"error": "no such endpoint"})

        def _rules_from_body(self):
            spec = self.body_json()
            if isinstance(spec, dict) and "rules" in spec and set(spec) == {"rules"}:
                spec = spec["rules"]
            specs = spec if isinstance(spec, list) else [spec]
            return [Rule(s) for s in specs]

        def do_POST(self):
            try:
                if self.path == "/rules":
                    rules = self._rules_from_body()
                    state.set_rules(rules)
                elif self.path == "/rules/add":
                    rules = self._rules_from_body()
                    state.add_rules(rules)
                else:
                    self.reply(404, {"error": "no such endpoint"})
                    return
            except (ValueError, re.error, TypeError, KeyError) as e:
                self.reply(400, {"error": "bad rule: %s" % e})
                return
            self.reply(200, {"ids": [r.id for r in rules]})

        def do_DELETE(self):
            if self.path == "/rules":
                state.set_rules([])
                self.reply(200, {"rules": 0})
            elif self.path == "/log":
                with state.lock:
                    state.entries = []
                self.reply(200, {"entries": 0})
            else:
                self.reply(404, {"error": "no such endpoint"})

    return Control


# ------------------------------------------------------------------------------------------------- main

def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    global QUIET
    p = argparse.ArgumentParser(description="RoleDrop's fault-injecting HTTP proxy (a TEST TOOL).")
    p.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT (or https://...) of the real server")
    p.add_argument("--port", type=int, default=0, help="proxy port on 127.0.0.1 (0: any free port)")
    p.add_argument("--control-port", type=int, default=0, help="control API port on 127.0.0.1 (0: any free port)")
    p.add_argument("--port-file")
    p.add_argument("--control-port-file")
    p.add_argument("--tls-cert", help="serve TLS on the proxy port with this certificate (PEM)")
    p.add_argument("--tls-key", help="its private key (PEM)")
    p.add_argument("--upstream-tls", action="store_true", help="talk TLS to the upstream")
    p.add_argument("--upstream-ca", help="CA file that signed the upstream's certificate")
    p.add_argument("--upstream-server-name", help="name to check the upstream certificate against (default: its host)")
    p.add_argument("--rules", help="JSON file with the initial rule list")
    p.add_argument("--idle-timeout", type=float, default=300, help="seconds a client read may wait (default 300)")
    p.add_argument("--upstream-timeout", type=float, default=600, help="seconds an upstream read may wait (default 600)")
    p.add_argument("--quiet", action="store_true", help="no per-request lines on stderr")
    args = p.parse_args()
    QUIET = args.quiet
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")

    state = State()
    if args.rules:
        with open(args.rules) as f:
            spec = json.load(f)
        state.set_rules([Rule(s) for s in (spec["rules"] if isinstance(spec, dict) else spec)])
    proxy = Proxy(args, state)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(128)
    control = ThreadingHTTPServer(("127.0.0.1", args.control_port), make_control_handler(state, proxy))
    control.daemon_threads = True
    port, cport = listener.getsockname()[1], control.server_address[1]

    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def accept_loop():
        while not stop.is_set():
            try:
                sock, addr = listener.accept()
            except OSError:
                if stop.is_set():
                    return
                time.sleep(0.05)
                continue
            threading.Thread(target=proxy.serve_client, args=(sock, addr), daemon=True,
                             name="client-%s:%d" % addr).start()

    threading.Thread(target=accept_loop, daemon=True, name="accept").start()
    threading.Thread(target=control.serve_forever, daemon=True, name="control").start()
    if args.port_file:
        write_atomic(args.port_file, "%d\n" % port)
    if args.control_port_file:
        write_atomic(args.control_port_file, "%d\n" % cport)
    print("READY fault-proxy port=%d control=%d upstream=%s%s" % (port, cport, args.upstream,
                                                                   " tls" if args.tls_cert else ""), flush=True)
    log("listening on %s://127.0.0.1:%d, control http://127.0.0.1:%d, upstream %s"
        % (proxy.scheme, port, cport, args.upstream))
    while not stop.wait(1):
        pass
    log("stopping (signal)")
    try:
        listener.close()
    except OSError:
        pass
    control.shutdown()
    control.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
