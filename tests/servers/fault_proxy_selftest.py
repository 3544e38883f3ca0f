#!/usr/bin/python3
"""Self-test of RoleDrop's FAULT-INJECTING TEST PROXY (fault_proxy.py): starts its own proxy in front of the
Ceph RGW named by ROLEDROP_TEST_S3_ENDPOINT (tests/servers/rgw-start.sh + seed-world.sh), drives it with
botocore (path-style, no retries) and checks that every action does what it says: pass-through with identical
bytes, each `respond` shortcut seen by botocore as the right S3 error, resets seen as connection errors, short
bodies, wrong and corrupted bytes, an endless continuation token, redirects, times/skip counts, the log's byte
counts, TLS on both sides. Prints one PASS/FAIL line per check; exits non-zero on any failure.

Usage: fault_proxy_selftest.py [S3_ENDPOINT]   (default: $ROLEDROP_TEST_S3_ENDPOINT)
Needs openssl (for a throwaway CA) and the world's owner key. Leaves no objects behind.
"""
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from urllib.parse import urlsplit

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, PaginationError

HERE = os.path.dirname(os.path.abspath(__file__))
UPSTREAM = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ROLEDROP_TEST_S3_ENDPOINT")
if not UPSTREAM:
    sys.exit("usage: fault_proxy_selftest.py S3_ENDPOINT (or set ROLEDROP_TEST_S3_ENDPOINT; see tests/servers/README.md)")
KEY = os.environ.get("ROLEDROP_TEST_OWNER_KEY", "AKIAOWNERRGW7EXAMPLE")
SECRET = os.environ.get("ROLEDROP_TEST_OWNER_SECRET", "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")
BUCKET = os.environ.get("ROLEDROP_TEST_BUCKET", "data")
PREFIX = "fault-proxy-selftest/"
MIB = 1 << 20
SESSION = botocore.session.Session()
SESSION.set_config_variable("config_file", "/dev/null")
SESSION.set_config_variable("credentials_file", "/dev/null")

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS", name, flush=True)
    else:
        failed += 1
        print("FAIL", name, detail, flush=True)


class ProxyProcess:
    """A fault_proxy.py child process with its ports."""

    def __init__(self, workdir, name, upstream, extra=()):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        self.log = open(os.path.join(self.dir, "log"), "w")
        self.proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "fault_proxy.py"), "--upstream", upstream,
                                      "--port-file", os.path.join(self.dir, "port"),
                                      "--control-port-file", os.path.join(self.dir, "control-port"), *extra],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 20
        while not (os.path.exists(os.path.join(self.dir, "port")) and os.path.exists(os.path.join(self.dir, "control-port"))):
            if self.proc.poll() is not None or time.time() > deadline:
                raise SystemExit("fault proxy %s did not start; see %s" % (name, self.log.name))
            time.sleep(0.05)
        self.port = int(open(os.path.join(self.dir, "port")).read())
        self.control = "http://127.0.0.1:%d" % int(open(os.path.join(self.dir, "control-port")).read())
        scheme = "https" if "--tls-cert" in extra else "http"
        self.endpoint = "%s://127.0.0.1:%d" % (scheme, self.port)

    def api(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.control + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    def rules(self, *rules):
        status, answer = self.api("POST", "/rules", list(rules))
        if status != 200:
            raise SystemExit("rules refused: %s" % answer)
        self.api("DELETE", "/log")

    def log_entries(self):
        return self.api("GET", "/log")[1]["entries"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def s3(endpoint, verify=None, read_timeout=60):
    return SESSION.create_client("s3", region_name="us-east-1", endpoint_url=endpoint, verify=verify,
                                 aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                                 # no retries at all: {"max_attempts": 1} would still allow one retry
                                 config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1},
                                               read_timeout=read_timeout, connect_timeout=10))


def outcome(call, *args, **kwargs):
    """('ok', result) or ('client', ClientError) or ('conn', other exception)."""
    try:
        return "ok", call(*args, **kwargs)
    except ClientError as e:
        return "client", e
    except (BotoCoreError, OSError, http.client.HTTPException) as e:
        return "conn", e


def code_of(result):
    kind, value = result
    if kind == "client":
        return value.response["ResponseMetadata"]["HTTPStatusCode"], value.response.get("Error", {}).get("Code")
    return kind, repr(value)[:200]


def get_bytes(client, key, **kw):
    return client.get_object(Bucket=BUCKET, Key=key, **kw)["Body"].read()


def make_tls(workdir):
    """A throwaway CA and a certificate for 127.0.0.1 / localhost signed by it."""
    d = os.path.join(workdir, "tls")
    os.makedirs(d)
    run = lambda *a: subprocess.run(a, cwd=d, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=RoleDrop fault proxy self-test CA")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1")
    with open(os.path.join(d, "ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "ext")
    return {k: os.path.join(d, k) for k in ("ca.pem", "server.pem", "server.key")}


def main():
    workdir = tempfile.mkdtemp(prefix="fault-proxy-selftest.")
    p = ProxyProcess(workdir, "proxy", UPSTREAM)
    direct = s3(UPSTREAM)
    c = s3(p.endpoint)
    keys = []
    try:
        run_checks(p, direct, c, keys, workdir)
    finally:
        for key in keys:
            try:
                direct.delete_object(Bucket=BUCKET, Key=key)
            except Exception:
                pass
        for key in direct.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX).get("Contents", []):
            direct.delete_object(Bucket=BUCKET, Key=key["Key"])
        rc = p.stop()
        check("SIGTERM stops the proxy cleanly (exit 0)", rc == 0, "exit %s" % rc)
        with open(p.log.name) as f:
            text = f.read()
        check("no Python traceback in the proxy's log", "Traceback" not in text and "unexpected error" not in text,
              p.log.name)
    if failed:
        print("proxy logs kept in %s" % workdir)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def run_checks(p, direct, c, keys, workdir):
    status, health = p.api("GET", "/health")
    check("control /health names the test tool", status == 200 and health.get("fault_proxy") and health.get("test_tool"), health)

    # ------------------------------------------------------------------ pass-through
    small = os.urandom(3 * MIB + 12345)
    k_small = PREFIX + "small.bin"
    keys.append(k_small)
    p.rules()
    c.put_object(Bucket=BUCKET, Key=k_small, Body=small)
    check("pass-through PUT stored identical bytes (read directly from RGW)", get_bytes(direct, k_small) == small)
    check("pass-through GET returns identical bytes", get_bytes(c, k_small) == small)
    check("pass-through ranged GET", get_bytes(c, k_small, Range="bytes=1000-1999") == small[1000:2000])
    head = c.head_object(Bucket=BUCKET, Key=k_small)
    check("pass-through HEAD", head["ContentLength"] == len(small))
    listed = [o["Key"] for o in c.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX)["Contents"]]
    check("pass-through ListObjectsV2", listed == [k_small], listed)
    log = p.log_entries()
    put = log[0]
    check("log: PUT body bytes received == forwarded == size, status 200, no rule",
          (put["method"], put["request_body_bytes_received"], put["request_body_bytes_forwarded"], put["status"], put["rule"])
          == ("PUT", len(small), len(small), 200, None), put)
    check("log: botocore's Expect: 100-continue answered by RGW and relayed", "relayed 100" in put["notes"], put["notes"])
    check("log: GET response body bytes == size", log[1]["response_body_bytes_sent"] == len(small)
          and log[1]["path"] == "/%s/%s" % (BUCKET, k_small), log[1])
    check("log: ranged GET sent 1000 bytes", log[2]["status"] == 206 and log[2]["response_body_bytes_sent"] == 1000, log[2])
    check("log: list query string recorded", "list-type=2" in log[4]["query"], log[4])
    check("one keep-alive connection carried all of them", len({e["connection"] for e in log}) == 1, log)

    k_mp = PREFIX + "multipart.bin"
    keys.append(k_mp)
    part1, part2 = os.urandom(5 * MIB), os.urandom(2 * MIB + 7)
    up = c.create_multipart_upload(Bucket=BUCKET, Key=k_mp)["UploadId"]
    e1 = c.upload_part(Bucket=BUCKET, Key=k_mp, UploadId=up, PartNumber=1, Body=part1)["ETag"]
    e2 = c.upload_part(Bucket=BUCKET, Key=k_mp, UploadId=up, PartNumber=2, Body=part2)["ETag"]
    c.complete_multipart_upload(Bucket=BUCKET, Key=k_mp, UploadId=up, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    check("pass-through multipart upload (create, 2 parts, complete) gives identical bytes",
          get_bytes(direct, k_mp) == part1 + part2)

    results = {}

    def roundtrip(i):
        key, blob = PREFIX + "parallel-%d.bin" % i, os.urandom(MIB + i)
        cl = s3(p.endpoint)
        cl.put_object(Bucket=BUCKET, Key=key, Body=blob)
        results[i] = get_bytes(cl, key) == blob
    keys.extend(PREFIX + "parallel-%d.bin" % i for i in range(8))
    threads = [threading.Thread(target=roundtrip, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    check("8 clients in parallel: PUT + GET 1 MiB each, identical bytes", results == {i: True for i in range(8)}, results)

    # ------------------------------------------------------------------ respond shortcuts
    want = {"slowdown": (503, "SlowDown", "Please reduce your request rate."),
            "internal_error": (500, "InternalError", "We encountered an internal error. Please try again."),
            "service_unavailable": (503, "ServiceUnavailable", "Service is unable to handle request."),
            "bad_gateway": (502, "502", "Bad Gateway"),
            "gateway_timeout": (504, "504", "Gateway Timeout"),
            "request_timeout": (400, "RequestTimeout", None),
            "expired_token": (400, "ExpiredToken", "The provided token has expired.")}
    for shortcut, (st, code, msg) in want.items():
        p.rules({"match": {"method": "GET", "path": "^/%s/%s$" % (BUCKET, k_small)}, "action": {"respond": shortcut}, "times": 1})
        kind, err = outcome(c.get_object, Bucket=BUCKET, Key=k_small)
        ok = kind == "client" and code_of((kind, err)) == (st, code) and (msg is None or err.response["Error"]["Message"] == msg)
        via = err.response["ResponseMetadata"]["HTTPHeaders"].get("via", "") if kind == "client" else ""
        check("respond %s -> botocore sees %d %s" % (shortcut, st, code), ok, code_of((kind, err)))
        check("respond %s carries Via: RoleDrop-Fault-Proxy" % shortcut, "RoleDrop-Fault-Proxy" in via, via)
    check("after times: 1 the same GET passes again", get_bytes(c, k_small) == small)
    check("relayed answers carry no Via header", "via" not in c.head_object(Bucket=BUCKET, Key=k_small)
          ["ResponseMetadata"]["HTTPHeaders"])

    # expired_token names the session token as S3 does
    raw = rawget(p.endpoint, "/%s/%s" % (BUCKET, k_small), {"X-Amz-Security-Token": "FQoGZXIvYXdzEXAMPLETOKEN"},
                 rules=(p, {"action": {"respond": "expired_token"}, "times": 1}))
    check("expired_token body is S3's <Error> with <Token-0>", raw[0] == 400 and b"<Code>ExpiredToken</Code>" in raw[2]
          and b"<Token-0>FQoGZXIvYXdzEXAMPLETOKEN</Token-0>" in raw[2], raw)

    # a respond on a PUT drains the body first and keeps the connection
    p.rules({"match": {"method": "PUT"}, "action": {"respond": "slowdown"}, "times": 1})
    body = os.urandom(2 * MIB)
    r = outcome(c.put_object, Bucket=BUCKET, Key=PREFIX + "never.bin", Body=body)
    e = p.log_entries()[0]
    check("slowdown on PUT: botocore sees 503 SlowDown", code_of(r) == (503, "SlowDown"), code_of(r))
    check("slowdown on PUT: whole body drained, nothing forwarded",
          (e["request_body_bytes_received"], e["request_body_bytes_forwarded"]) == (len(body), 0), e)
    keys.append(PREFIX + "keepalive.bin")
    c.put_object(Bucket=BUCKET, Key=PREFIX + "keepalive.bin", Body=b"x")
    check("connection stays usable after a drained answer",
          len({x["connection"] for x in p.log_entries()}) == 1, p.log_entries())
    # drain: false answers at once (before the 100 Continue) and closes
    p.rules({"match": {"method": "PUT"}, "action": {"respond": "slowdown", "drain": False}, "times": 1})
    r = outcome(c.put_object, Bucket=BUCKET, Key=PREFIX + "never.bin", Body=os.urandom(8 * MIB))
    e = p.log_entries()[0]
    check("drain: false -> 503 SlowDown before the body, body not read",
          code_of(r) == (503, "SlowDown") and e["request_body_bytes_received"] == 0, (code_of(r), e))
    check("no object stored by refused PUTs", outcome(direct.head_object, Bucket=BUCKET, Key=PREFIX + "never.bin")[0] == "client")

    # complete_200_error: botocore turns S3's 200-with-<Error> into an error for CompleteMultipartUpload
    k_c = PREFIX + "complete.bin"
    keys.append(k_c)
    up = c.create_multipart_upload(Bucket=BUCKET, Key=k_c)["UploadId"]
    etag = c.upload_part(Bucket=BUCKET, Key=k_c, UploadId=up, PartNumber=1, Body=b"tiny")["ETag"]
    p.rules({"match": {"method": "POST", "query": {"uploadId": True}}, "action": {"respond": "complete_200_error"}, "times": 1})
    parts = {"Parts": [{"PartNumber": 1, "ETag": etag}]}
    r = outcome(c.complete_multipart_upload, Bucket=BUCKET, Key=k_c, UploadId=up, MultipartUpload=parts)
    # botocore's check_for_200_error turns the 200 into a 500 (retryable) after parsing; its ClientError then
    # carries no Error element of its own
    check("complete_200_error -> botocore raises ClientError although the status is 200", r[0] == "client"
          and p.log_entries()[0]["status"] == 200, (code_of(r), p.log_entries()[0]))
    raw = rawget(p.endpoint, "/", rules=(p, {"action": {"respond": "complete_200_error"}, "times": 1}))
    check("complete_200_error body: 200 with S3 <Error><Code>InternalError</Code>", raw[0] == 200
          and b"<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message>"
          in raw[2], raw)
    c.complete_multipart_upload(Bucket=BUCKET, Key=k_c, UploadId=up, MultipartUpload=parts)
    check("CompleteMultipartUpload retried by hand then succeeds", get_bytes(direct, k_c) == b"tiny")

    # redirects
    p.rules({"match": {"method": "GET"}, "action": {"respond": "redirect_301", "region": "eu-central-1"}, "times": 1})
    st, hdrs, xml = rawget(p.endpoint, "/%s/%s" % (BUCKET, k_small))
    check("redirect_301: 301 PermanentRedirect with x-amz-bucket-region", st == 301 and hdrs.get("x-amz-bucket-region")
          == "eu-central-1" and b"<Code>PermanentRedirect</Code>" in xml and b"<Bucket>data</Bucket>" in xml, (st, hdrs, xml))
    p.rules({"match": {"method": "GET"}, "action": {"respond": "redirect_301", "region": "eu-central-1"}, "times": 1})
    scopes = []

    def note_scope(request, **_):
        scopes.append(request.headers.get("Authorization", b"").decode().split("/")[2])
    c.meta.events.register("before-send.s3.GetObject", note_scope)
    r = outcome(get_bytes, c, k_small)
    c.meta.events.unregister("before-send.s3.GetObject", note_scope)
    log = p.log_entries()
    check("redirect_301: botocore follows x-amz-bucket-region (re-signs for eu-central-1) and gets the object",
          r[0] == "ok" and r[1] == small and [x["status"] for x in log] == [301, 200]
          and scopes == ["us-east-1", "eu-central-1"], (code_of(r) if r[0] != "ok" else "ok", scopes, log))
    p.rules({"match": {"method": "GET"}, "action": {"respond": "redirect_307"}, "times": 1})
    r = outcome(c.get_object, Bucket=BUCKET, Key=k_small)
    loc = r[1].response["ResponseMetadata"]["HTTPHeaders"].get("location") if r[0] == "client" else None
    check("redirect_307: botocore sees 307 TemporaryRedirect", code_of(r) == (307, "TemporaryRedirect"), code_of(r))
    check("redirect_307: Location points back at the proxy", loc == "%s/%s/%s" % (p.endpoint, BUCKET, k_small), loc)

    # custom answer
    p.rules({"action": {"respond": {"status": 418, "headers": {"Content-Type": "text/plain"}, "body": "teapot"}}})
    st, hdrs, b = rawget(p.endpoint, "/anything")
    check("custom respond {status, headers, body}", (st, b, hdrs.get("content-type")) == (418, b"teapot", "text/plain"),
          (st, b, hdrs))

    # ------------------------------------------------------------------ resets, stalls, truncation
    k_r = PREFIX + "reset.bin"
    p.rules({"match": {"method": "PUT"}, "action": {"reset_after_request_bytes": MIB}, "times": 1})
    r = outcome(c.put_object, Bucket=BUCKET, Key=k_r, Body=os.urandom(4 * MIB))
    e = p.log_entries()[0]
    check("reset_after_request_bytes: botocore sees a connection error", r[0] == "conn", code_of(r))
    check("reset_after_request_bytes: exactly 1 MiB forwarded, outcome reset",
          e["request_body_bytes_forwarded"] == MIB and e["request_body_bytes_received"] >= MIB and e["outcome"] == "reset", e)
    check("reset_after_request_bytes: RGW stored nothing", outcome(direct.head_object, Bucket=BUCKET, Key=k_r)[0] == "client")

    p.rules({"match": {"method": "GET"}, "action": {"reset_after_response_bytes": 100000}, "times": 1})
    r = outcome(get_bytes, c, k_small)
    e = p.log_entries()[0]
    check("reset_after_response_bytes: botocore sees a connection error while reading", r[0] == "conn", code_of(r))
    check("reset_after_response_bytes: 100000 body bytes sent, outcome reset",
          (e["response_body_bytes_sent"], e["outcome"]) == (100000, "reset"), e)
    check("reset: 'Connection reset' reaches a raw socket client", "reset" in rawreset(p, k_small).lower(),
          rawreset(p, k_small))

    p.rules({"match": {"method": "GET"}, "action": {"truncate_response_after": 1000}, "times": 1})
    r = outcome(get_bytes, c, k_small)
    e = p.log_entries()[0]
    check("truncate_response_after: botocore sees IncompleteRead", r[0] == "conn" and "IncompleteRead(1000 bytes read" in repr(r[1]),
          code_of(r))
    check("truncate_response_after: 1000 bytes then a clean close", (e["response_body_bytes_sent"], e["outcome"]) == (1000, "closed"), e)

    p.rules({"match": {"method": "GET"}, "action": {"stall_before_response": 2}, "times": 1})
    t = time.time()
    r = outcome(get_bytes, c, k_small)
    check("stall_before_response 2 s: answer arrives after >= 2 s, intact", r == ("ok", small) and time.time() - t >= 2,
          time.time() - t)
    p.rules({"match": {"method": "GET"}, "action": {"stall_before_response": 1, "then": "close"}, "times": 1})
    r = outcome(get_bytes, c, k_small)
    check("stall_before_response then close: botocore sees the connection closed", r[0] == "conn", code_of(r))
    p.rules({"match": {"method": "GET"}, "action": {"stall_before_response": 5}, "times": 1})
    r = outcome(get_bytes, s3(p.endpoint, read_timeout=1), k_small)
    check("stall_before_response 5 s vs read_timeout 1 s: botocore ReadTimeoutError", "ReadTimeout" in type(r[1]).__name__,
          code_of(r))
    p.rules({"match": {"method": "GET"}, "action": {"stall_after_response_bytes": {"bytes": 5000, "seconds": 2}}, "times": 1})
    t = time.time()
    r = outcome(get_bytes, c, k_small)
    check("stall_after_response_bytes 5000/2 s: body intact, >= 2 s", r == ("ok", small) and time.time() - t >= 2, time.time() - t)
    p.rules({"match": {"method": "GET"}, "action": {"stall_after_response_bytes": {"bytes": 5000, "seconds": 1, "then": "close"}},
             "times": 1})
    r = outcome(get_bytes, c, k_small)
    e = p.log_entries()[0]
    check("stall_after_response_bytes then close: short body after 5000 bytes", r[0] == "conn"
          and (e["response_body_bytes_sent"], e["outcome"]) == (5000, "closed"), (code_of(r), e))
    p.rules({"match": {"method": "GET"}, "action": {"delay_request": 1.5}, "times": 1})
    t = time.time()
    r = outcome(get_bytes, c, k_small)
    check("delay_request 1.5 s", r == ("ok", small) and time.time() - t >= 1.5, time.time() - t)

    # ------------------------------------------------------------------ wrong bytes
    p.rules({"match": {"headers": {"Range": True}}, "action": {"wrong_range": True}, "times": 1})
    got = get_bytes(c, k_small, Range="bytes=0-99")
    e = p.log_entries()[0]
    check("wrong_range (signed Range -> answer rewritten): 100 bytes, not those asked for",
          len(got) == 100 and got != small[0:100], e)
    check("wrong_range: the bytes are those of the range rotated by half its length", got == small[50:100] + small[0:50],
          e["notes"])
    p.rules({"match": {"headers": {"Range": True}}, "action": {"wrong_range": {"body": "flip"}}, "times": 1})
    got = get_bytes(c, k_small, Range="bytes=0-99")
    check("wrong_range body flip: 100 bytes, each flipped", got == bytes(x ^ 0xFF for x in small[:100]))
    p.rules({"match": {"headers": {"Range": True}}, "action": {"wrong_range": {"mode": "request"}}, "times": 1})
    r = outcome(get_bytes, c, k_small, Range="bytes=0-99")
    check("wrong_range mode request on a signed Range: RGW refuses the altered header (403)", code_of(r)[0] == 403, code_of(r))
    url = c.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": k_small}, ExpiresIn=300)
    p.rules({"match": {"headers": {"Range": True}}, "action": {"wrong_range": {"object_size": len(small)}}, "times": 1})
    st, hdrs, b = rawget(url, None, {"Range": "bytes=0-99"})
    check("wrong_range on a presigned GET (Range unsigned -> request rewritten): RGW sends bytes 100-199",
          st == 206 and b == small[100:200] and hdrs.get("content-range") == "bytes 100-199/%d" % len(small), (st, hdrs))
    p.rules({"match": {"headers": {"Range": True}}, "action": {"wrong_range": {"offset": 10, "object_size": len(small)}}, "times": 1})
    st, hdrs, b = rawget(url, None, {"Range": "bytes=%d-%d" % (len(small) - 100, len(small) - 1)})
    # starts that keep 100 bytes inside the object: 0 .. size-100, so size-100+10 wraps to 9
    check("wrong_range wraps inside object_size", st == 206 and b == small[9:109],
          (st, hdrs, p.log_entries()[0]["notes"]))

    p.rules({"match": {"headers": {"Range": True}}, "action": {"wrong_content_range": True}, "times": 1})
    resp = c.get_object(Bucket=BUCKET, Key=k_small, Range="bytes=0-99")
    got = resp["Body"].read()
    check("wrong_content_range: right bytes, Content-Range names bytes 100-199",
          got == small[:100] and resp["ContentRange"] == "bytes 100-199/%d" % len(small), resp["ContentRange"])

    p.rules({"match": {"method": "GET"}, "action": {"corrupt_body": True}, "times": 1})
    got = get_bytes(c, k_small)
    check("corrupt_body: same length, every byte flipped", len(got) == len(small) and got == bytes(x ^ 0xFF for x in small[:len(got)]))
    p.rules({"match": {"method": "GET"}, "action": {"corrupt_body": {"every": 4096}}, "times": 1})
    got = get_bytes(c, k_small)
    diff = [i for i in range(0, len(small)) if got[i] != small[i]] if len(got) == len(small) else None
    check("corrupt_body every 4096: one byte in 4096 flipped", diff is not None and diff == list(range(0, len(small), 4096)),
          diff and diff[:5])

    # ------------------------------------------------------------------ continuation token
    for i in range(5):
        keys.append(PREFIX + "list/k%d" % i)
        c.put_object(Bucket=BUCKET, Key=PREFIX + "list/k%d" % i, Body=b"x")
    p.rules({"match": {"query": {"list-type": "2"}}, "action": {"repeat_continuation_token": True}})
    first = c.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX + "list/", MaxKeys=2)
    second = c.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX + "list/", MaxKeys=2, ContinuationToken=first["NextContinuationToken"])
    check("repeat_continuation_token: page 2 names its own token again, IsTruncated true",
          second["IsTruncated"] and second["NextContinuationToken"] == first["NextContinuationToken"], second)
    one = c.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX + "list/k0")
    check("repeat_continuation_token: a complete one-page list gets the fixed token and IsTruncated true",
          one["IsTruncated"] and one["NextContinuationToken"] == "RoleDropFaultProxyRepeatToken", one)
    again = c.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX + "list/k0", ContinuationToken=one["NextContinuationToken"])
    check("repeat_continuation_token: following the fixed token gives it back again (loop)",
          again["NextContinuationToken"] == "RoleDropFaultProxyRepeatToken" and again["IsTruncated"], again)
    try:
        pages = 0
        for _ in c.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=PREFIX + "list/", PaginationConfig={"PageSize": 2}):
            pages += 1
            if pages > 20:
                break
        check("botocore's paginator notices the repeated token", False, "%d pages" % pages)
    except PaginationError as err:
        check("botocore's paginator notices the repeated token", "same next token" in str(err), err)
    e = p.log_entries()[0]
    check("repeat_continuation_token: log shows Content-Length recomputed body size", e["response_body_bytes_sent"] > 0
          and any("NextContinuationToken forced" in n for n in e["notes"]), e)

    # ------------------------------------------------------------------ match parts, times, skip
    k_p = PREFIX + "parts.bin"
    keys.append(k_p)
    p.rules({"match": {"method": "PUT", "query": {"partNumber": "2", "uploadId": True}}, "action": {"respond": "internal_error"}})
    up = c.create_multipart_upload(Bucket=BUCKET, Key=k_p)["UploadId"]
    r1 = outcome(c.upload_part, Bucket=BUCKET, Key=k_p, UploadId=up, PartNumber=1, Body=b"a" * 100)
    r2 = outcome(c.upload_part, Bucket=BUCKET, Key=k_p, UploadId=up, PartNumber=2, Body=b"b" * 100)
    r3 = outcome(c.upload_part, Bucket=BUCKET, Key=k_p, UploadId=up, PartNumber=3, Body=b"c" * 100)
    check("match query partNumber=2: only part 2 fails", (r1[0], code_of(r2), r3[0]) == ("ok", (500, "InternalError"), "ok"),
          (r1[0], code_of(r2), r3[0]))
    c.abort_multipart_upload(Bucket=BUCKET, Key=k_p, UploadId=up)
    p.rules({"match": {"method": "POST", "query": {"uploads": True}}, "action": {"respond": "slowdown"}})
    check("match query uploads (present, no value): CreateMultipartUpload fails",
          code_of(outcome(c.create_multipart_upload, Bucket=BUCKET, Key=k_p)) == (503, "SlowDown"))
    p.rules({"match": {"query": {"list-type": "2", "continuation-token": False}}, "action": {"respond": "slowdown"}})
    check("match query absent (continuation-token: false): first page fails",
          code_of(outcome(c.list_objects_v2, Bucket=BUCKET, Prefix=PREFIX)) == (503, "SlowDown"))
    check("... a page with a continuation-token passes",
          outcome(c.list_objects_v2, Bucket=BUCKET, Prefix=PREFIX, ContinuationToken="x")[0] == "ok")
    p.rules({"match": {"headers": {"range": {"regex": "^bytes=0-"}}}, "action": {"respond": "service_unavailable"}})
    check("match header value (regex): ranged GET from 0 fails",
          code_of(outcome(get_bytes, c, k_small, Range="bytes=0-9")) == (503, "ServiceUnavailable"))
    check("... other ranges and plain GETs pass", get_bytes(c, k_small, Range="bytes=10-19") == small[10:20]
          and get_bytes(c, k_small) == small)
    p.rules({"name": "skip1-times2", "match": {"method": "GET", "path": "small\\.bin$"}, "action": {"respond": "slowdown"},
             "skip": 1, "times": 2})
    results = [outcome(get_bytes, c, k_small)[0] for _ in range(4)]
    check("skip 1, times 2: ok, fail, fail, ok", results == ["ok", "client", "client", "ok"], results)
    rules = p.api("GET", "/rules")[1]["rules"]
    check("GET /rules counts matched 3 / applied 2", (rules[0]["matched"], rules[0]["applied"]) == (3, 2), rules)
    log = p.log_entries()
    check("log names the rule where it applied",
          [x["rule"]["name"] if x["rule"] else None for x in log] == [None, "skip1-times2", "skip1-times2", None], log)
    status, _ = p.api("POST", "/rules/add", {"match": {"path": "("}, "action": {"respond": "slowdown"}})
    status2, ans = p.api("POST", "/rules/add", {"match": {}, "action": {"respond": "no_such_shortcut"}})
    check("control API refuses bad rules with 400", status == 400 and status2 == 400, ans)
    status, ans = p.api("POST", "/rules/add", [{"action": {"delay_request": 0}}, {"action": {"corrupt_body": True}}])
    check("POST /rules/add appends", status == 200 and len(ans["ids"]) == 2 and p.api("GET", "/health")[1]["rules"] == 3)
    p.api("DELETE", "/rules")
    p.api("DELETE", "/log")
    check("DELETE /rules and /log empty them", p.api("GET", "/health")[1]["rules"] == 0 and p.log_entries() == [])

    # ------------------------------------------------------------------ robustness
    with socket.create_connection(("127.0.0.1", p.port)) as s:
        s.sendall(b"THIS IS NOT HTTP\r\n\x00\x01\r\n\r\n")
        s.settimeout(5)
        try:
            s.recv(100)
        except OSError:
            pass
    with socket.create_connection(("127.0.0.1", p.port)) as s:
        s.sendall(b"GET /%s/%s HTTP/1.1\r\nHost: x\r\n\r\n" % (BUCKET.encode(), k_small.encode()))
        s.recv(10)                                   # and go away in the middle of the answer
    check("garbage and abandoned connections do not take the proxy down", get_bytes(c, k_small) == small)

    framing_checks(workdir)

    # ------------------------------------------------------------------ TLS, listening side and upstream side
    try:
        tls = make_tls(workdir)
    except (OSError, subprocess.CalledProcessError) as err:
        check("openssl makes a throwaway CA", False, err)
        return
    a = ProxyProcess(workdir, "tls-listen", UPSTREAM, ["--tls-cert", tls["server.pem"], "--tls-key", tls["server.key"]])
    b = None
    try:
        ct = s3(a.endpoint, verify=tls["ca.pem"])
        data = os.urandom(MIB + 3)
        k_t = PREFIX + "tls.bin"
        keys.append(k_t)
        ct.put_object(Bucket=BUCKET, Key=k_t, Body=data)
        check("TLS listening side: botocore https PUT + GET, identical bytes", get_bytes(ct, k_t) == data
              and get_bytes(direct, k_t) == data)
        r = outcome(s3(a.endpoint, verify=True).head_object, Bucket=BUCKET, Key=k_t)
        check("TLS listening side: a client without the throwaway CA refuses the certificate", r[0] == "conn", code_of(r))
        a.rules({"match": {"method": "GET"}, "action": {"truncate_response_after": 1000}, "times": 1})
        r = outcome(get_bytes, ct, k_t)
        check("TLS listening side: truncation seen", r[0] == "conn" and "IncompleteRead(1000 bytes read" in repr(r[1]), code_of(r))
        a.rules({"match": {"method": "GET"}, "action": {"respond": "slowdown"}, "times": 1})
        check("TLS listening side: respond shortcut", code_of(outcome(get_bytes, ct, k_t)) == (503, "SlowDown"))
        b = ProxyProcess(workdir, "tls-upstream", a.endpoint, ["--upstream-ca", tls["ca.pem"]])
        cb = s3(b.endpoint)
        check("TLS upstream side (plain proxy -> TLS proxy -> RGW): GET identical bytes", get_bytes(cb, k_t) == data)
        cb.put_object(Bucket=BUCKET, Key=k_t, Body=data[::-1])
        check("TLS upstream side: PUT identical bytes", get_bytes(direct, k_t) == data[::-1])
        b.rules({"match": {"method": "GET"}, "action": {"reset_after_response_bytes": 1000}, "times": 1})
        check("TLS upstream side: reset seen", outcome(get_bytes, cb, k_t)[0] == "conn")
    finally:
        if b:
            b.stop()
        a.stop()


class StandIn:
    """A raw-socket HTTP/1.1 server standing in for the upstream where RGW cannot show a framing: chunked and
    read-to-close answers, 204 / 304, chunked request bodies. It records every request's bytes as received."""

    BODY = bytes(range(256)) * 1000

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = []
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(sock,), daemon=True).start()

    def serve(self, sock):
        f = sock.makefile("rb")
        try:
            while True:
                raw = b""
                while not raw.endswith(b"\r\n\r\n"):
                    line = f.readline()
                    if not line:
                        return
                    raw += line
                lines = raw.decode("latin-1").split("\r\n")
                method, target = lines[0].split(" ")[:2]
                hdrs = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
                body = b""
                if "chunked" in hdrs.get("transfer-encoding", ""):
                    while True:
                        size_line = f.readline()
                        raw += size_line
                        size = int(size_line.split(b";")[0], 16)
                        chunk = f.read(size + 2)
                        raw += chunk
                        body += chunk[:-2]
                        if size == 0:
                            break
                elif "content-length" in hdrs:
                    body = f.read(int(hdrs["content-length"]))
                    raw += body
                self.received.append(raw)
                if not self.answer(sock, method, target, body):
                    return
        finally:
            f.close()
            sock.close()

    def answer(self, sock, method, target, body):
        data = self.BODY
        if target.startswith("/chunked"):
            out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            for i in range(0, len(data), 7777):
                piece = data[i:i + 7777]
                out += b"%x\r\n" % len(piece) + piece + b"\r\n"
            sock.sendall(out + b"0\r\n\r\n")
        elif target.startswith("/close"):
            sock.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + data)
            return False
        elif target.startswith("/204"):
            sock.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
        elif target.startswith("/304"):
            sock.sendall(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n")
        elif "list-type=2" in target:
            xml = (b'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><KeyCount>1</KeyCount>'
                   b'<IsTruncated>false</IsTruncated><Contents><Key>k</Key></Contents></ListBucketResult>')
            sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(xml), xml))
        else:
            reply = ("%d %s" % (len(body), hashlib.sha256(body).hexdigest())).encode()
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(reply), reply))
        return True

    def close(self):
        self.listener.close()


def framing_checks(workdir):
    up = StandIn()
    q = ProxyProcess(workdir, "framing", "http://127.0.0.1:%d" % up.port)
    try:
        data = StandIn.BODY
        conn = http.client.HTTPConnection("127.0.0.1", q.port, timeout=20)

        def get(path, method="GET"):
            conn.request(method, path)
            r = conn.getresponse()
            return r.status, r.getheader("Transfer-Encoding"), r.read()

        check("chunked answer relayed intact", get("/chunked") == (200, "chunked", data))
        check("204 and 304 (no body) relayed, connection reused", get("/204")[::2] == (204, b"")
              and get("/304")[::2] == (304, b"") and get("/chunked")[2] == data
              and len({e["connection"] for e in q.log_entries()}) == 1)
        q.rules({"match": {"path": "^/chunked"}, "action": {"corrupt_body": True}, "times": 1})
        check("corrupt_body on a chunked answer", get("/chunked")[2] == bytes(x ^ 0xFF for x in data))
        q.rules({"match": {"path": "^/chunked"}, "action": {"truncate_response_after": 10000}, "times": 1})
        try:
            get("/chunked")
            check("truncate_response_after on a chunked answer", False, "no error")
        except http.client.IncompleteRead:
            e = q.log_entries()[0]        # (http.client's partial holds whole chunks only)
            check("truncate_response_after on a chunked answer: 10000 bytes then end of stream",
                  (e["response_body_bytes_sent"], e["outcome"]) == (10000, "closed"), e)
        conn.close()
        q.rules({"match": {"query": {"list-type": "2"}}, "action": {"repeat_continuation_token": {"token": "again"}}})
        st, te, body = get("/b?list-type=2")
        check("repeat_continuation_token on a chunked answer: Content-Length recomputed",
              te is None and b"<IsTruncated>true</IsTruncated><NextContinuationToken>again</NextContinuationToken>" in body,
              (te, body))
        q.rules()
        conn.request("GET", "/close")
        r = conn.getresponse()
        check("read-to-close answer relayed intact", r.read() == data)
        conn.close()
        q.rules({"action": {"respond": "slowdown"}, "times": 1})
        st, _, body = get("/x", method="HEAD")
        check("respond to HEAD: status only, no body", (st, body) == (503, b""))

        # request bodies: Content-Length and chunked, forwarded byte for byte
        up.received.clear()
        q.rules()
        raw_cl = (b"PUT /echo?partNumber=1&x=%%2F HTTP/1.1\r\nHost: example.test:1234\r\nX-Odd-Case:  two  spaces \r\n"
                  b"Content-Length: %d\r\n\r\n" % len(data)) + data
        raw_ch = (b"PUT /echo HTTP/1.1\r\nHost: example.test:1234\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n")
        with socket.create_connection(("127.0.0.1", q.port), timeout=20) as s:
            f = s.makefile("rb")
            answers = []
            for raw in (raw_cl, raw_ch):
                s.sendall(raw)
                status = f.readline()
                length = 0
                while True:
                    line = f.readline()
                    if line == b"\r\n":
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                answers.append((status, f.read(length)))
            f.close()
        check("request with Content-Length forwarded byte for byte (head and body)", up.received[:1] == [raw_cl])
        check("chunked request forwarded byte for byte (framing and extensions too)", up.received[1:2] == [raw_ch])
        check("upstream saw the right bodies", answers[1][1].startswith(b"8 ") and answers[0][1].startswith(b"%d " % len(data)))
        e = q.log_entries()
        check("log counts a chunked request body with its framing", e[1]["request_body_bytes_forwarded"] == len(raw_ch)
              - raw_ch.index(b"\r\n\r\n") - 4, e[1])
        q.rules({"match": {"method": "PUT"}, "action": {"respond": "slowdown"}})
        with socket.create_connection(("127.0.0.1", q.port), timeout=20) as s:
            s.sendall(raw_cl[:raw_cl.index(b"\r\n\r\n")] + b"\r\nExpect: 100-continue\r\n\r\n")
            f = s.makefile("rb")
            interim = f.readline()
            while f.readline() != b"\r\n":
                pass
            s.sendall(data)
            final = f.readline()
            f.close()
        check("respond with drain on Expect: 100-continue: 100 Continue, body drained, then the answer",
              interim.startswith(b"HTTP/1.1 100") and final.startswith(b"HTTP/1.1 503"), (interim, final))
    finally:
        q.stop()
        up.close()


def rawget(endpoint, path, headers=None, rules=None):
    """GET with http.client: (status, {lower header: value}, body). endpoint may be a full URL (path None)."""
    if rules:
        rules[0].rules(rules[1])
    u = urlsplit(endpoint)
    if path is None:
        path = u.path + ("?" + u.query if u.query else "")
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    conn.request("GET", path, headers=headers or {})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def rawreset(p, key):
    p.rules({"match": {"method": "GET"}, "action": {"reset_after_response_bytes": 10}, "times": 1})
    with socket.create_connection(("127.0.0.1", p.port), timeout=10) as s:
        s.sendall(b"GET /%s/%s HTTP/1.1\r\nHost: x\r\n\r\n" % (BUCKET.encode(), key.encode()))
        try:
            while s.recv(65536):
                pass
            return "clean end of stream"
        except OSError as e:
            return str(e)


if __name__ == "__main__":
    sys.exit(main())
