#!/usr/bin/python3
"""Self-test of RoleDrop's STS + S3 TEST DOUBLE: drives a running double with botocore's STS and S3 clients
(and hand-built, botocore-signed requests where botocore 1.29 cannot say what is to be checked, e.g. CRC64NVME)
and checks that it accepts what AWS STS / S3 accept and refuses what they refuse, with AWS's codes, messages
and HTTP statuses; it also checks the CRC implementations against published test vectors and the /__test__
knobs. run-tests.sh runs it before ctest so a broken double is caught before the C++ e2e tests blame the
client. One PASS/FAIL line per check.

Usage: sts_test_double_selftest.py [ENDPOINT]   (default: $ROLEDROP_TEST_STS_DOUBLE_ENDPOINT)
The AssumeRoleWithWebIdentity checks need the test OpenID Provider (oidc-provider-start.sh, started before the
double): they sign in there as its test user; without ROLEDROP_TEST_OIDC_ISSUER they are skipped.
Leaves the double as it found it: clock, min-duration, min-part-size and fail rules reset (POST
/__test__/reset), the objects it made under selftest/ deleted. Takes about 10 s.
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import socket
import ssl
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zlib
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlencode, urlsplit

import botocore.session
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sts_test_double import totp  # noqa: E402  the same RFC 6238 code a C++ test would compute
from sts_test_double import CRC32, CRC32C, CRC64NVME  # noqa: E402  checked against published test vectors

NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"
ENDPOINT = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT")
if not ENDPOINT:
    sys.exit("usage: sts_test_double_selftest.py ENDPOINT (or set ROLEDROP_TEST_STS_DOUBLE_ENDPOINT)")
with open(os.path.join(HERE, "sts_double_world.json")) as f:
    WORLD = json.load(f)
ACCOUNT = WORLD["account"]
JAMES = next(u for u in WORLD["users"] if u["name"] == "james")
ALICE = next(u for u in WORLD["users"] if u["name"] == "alice")
ROLE = {r["name"]: "arn:aws:iam::%s:role/%s" % (ACCOUNT, r["name"]) for r in WORLD["roles"]}
SESSION = botocore.session.Session()
SESSION.set_config_variable("config_file", "/dev/null")
SESSION.set_config_variable("credentials_file", "/dev/null")
# Over https, the double's certificate comes from the run's test CA (tests/servers/make-test-ca.sh): every client
# here trusts that CA, botocore's and the hand-built ones alike.
TLS = urlsplit(ENDPOINT).scheme == "https"
CA_FILE = os.environ.get("ROLEDROP_TEST_CA_FILE") or os.environ.get("AWS_CA_BUNDLE")
TLS_CONTEXT = ssl.create_default_context(cafile=CA_FILE) if TLS else None
if TLS:
    SESSION.set_config_variable("ca_bundle", CA_FILE)
    urllib.request.install_opener(urllib.request.build_opener(urllib.request.HTTPSHandler(context=TLS_CONTEXT)))
# Client-side validation off: the point is to see the double refuse bad parameters.
CONFIG = Config(parameter_validation=False, retries={"max_attempts": 1})

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS", name)
    else:
        failed += 1
        print("FAIL", name, detail)


def client(key, secret, token=None, region="us-east-1"):
    return SESSION.create_client("sts", region_name=region, endpoint_url=ENDPOINT, config=CONFIG,
                                 aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)


def as_user(user):
    return client(user["access_key_id"], user["secret_access_key"])


def as_session(creds):
    return client(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def error_of(call, **kwargs):
    """(HTTP status, code, message) of a call that should fail; (200, None, None) if it did not."""
    try:
        call(**kwargs)
    except ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"],
                e.response["Error"]["Message"])
    return 200, None, None


def expect_error(name, want_status, want_code, want_message, call, **kwargs):
    got = error_of(call, **kwargs)
    ok = got[0] == want_status and got[1] == want_code and (want_message is None or want_message == got[2]
                                                             or (want_message.endswith("*")
                                                                 and got[2].startswith(want_message[:-1])))
    check(name, ok, "got %r, want (%r, %r, %r)" % (got, want_status, want_code, want_message))


def not_authorized(caller_arn, role_arn):
    return "User: %s is not authorized to perform: sts:AssumeRole on resource: %s" % (caller_arn, role_arn)


def raw(body, signer_service="sts", signed_at=None, key=JAMES, extra_headers=None, sign=True):
    """Sends a hand-built POST; returns (status, headers, parsed XML root)."""
    req = AWSRequest(method="POST", url=ENDPOINT + "/", data=body.encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    if sign:
        stamp = (signed_at or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
        req.headers["X-Amz-Date"] = stamp
        for name, value in (extra_headers or {}).items():
            req.headers[name] = value
        req.context["timestamp"] = stamp
        signer = SigV4Auth(Credentials(key["access_key_id"], key["secret_access_key"]), signer_service, "us-east-1")
        canonical = signer.canonical_request(req)
        signature = signer.signature(signer.string_to_sign(req, canonical), req)
        req.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=%s, Signature=%s" % (
            signer.scope(req), signer.signed_headers(signer.headers_to_sign(req)), signature)
    http = urllib.request.Request(ENDPOINT + "/", data=body.encode(), method="POST", headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(http, timeout=10) as r:
            return r.status, r.headers, ET.fromstring(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers, ET.fromstring(e.read())


def admin(path):
    with urllib.request.urlopen(urllib.request.Request(ENDPOINT + path, data=b"", method="POST"), timeout=10) as r:
        return json.load(r)


def wrong_code(seed):
    valid = {totp(seed, time.time() + d * 30) for d in (-1, 0, 1)}
    return next(c for c in ("%06d" % n for n in range(0, 1000000, 7919)) if c not in valid)



# ------------------------------------------------------------------------------------------ the S3 side

BUCKET = next(iter(WORLD["buckets"]))
# s3v4: botocore 1.29 presigns with SigV2 otherwise, which the double (as S3 in newer regions) refuses.
S3_CONFIG = Config(s3={"addressing_style": "path"}, signature_version="s3v4", retries={"total_max_attempts": 1},
                   parameter_validation=False)
ENDPOINT_HOST = urlsplit(ENDPOINT).netloc
MIB = 1024 * 1024


def s3_client(key, secret, token=None, region="us-east-1"):
    return SESSION.create_client("s3", region_name=region, endpoint_url=ENDPOINT, config=S3_CONFIG,
                                 aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)


def wrong_secret(secret):
    """The secret with its first character changed (to one it surely is not: a fixed "x" would be right now and then)."""
    return ("y" if secret[0] == "x" else "x") + secret[1:]


def s3_of(creds):
    return s3_client(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def role_session(role="S3Access", name="s3-selftest", duration=None, via=None):
    kwargs = {"RoleArn": ROLE[role], "RoleSessionName": name}
    if duration is not None:
        kwargs["DurationSeconds"] = duration
    return (via or as_user(JAMES)).assume_role(**kwargs)["Credentials"]


def s3_error(call, **kwargs):
    """(HTTP status, code, message) of an S3 call that should fail; (200, None, None) if it did not."""
    try:
        call(**kwargs)
    except ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"].get("Code"),
                e.response["Error"].get("Message"))
    return 200, None, None


def expect_s3_error(name, want_status, want_code, want_message, call, **kwargs):
    got = s3_error(call, **kwargs)
    ok = got[0] == want_status and got[1] == want_code and (
        want_message is None or got[2] == want_message
        or (want_message.endswith("*") and (got[2] or "").startswith(want_message[:-1])))
    check(name, ok, "got %r, want (%r, %r, %r)" % (got, want_status, want_code, want_message))


class PayloadSigner(S3SigV4Auth):
    """botocore's S3 SigV4, with the x-amz-content-sha256 value of our choosing (UNSIGNED-PAYLOAD, STREAMING-...)."""

    def __init__(self, credentials, service, region, payload=None):
        super().__init__(credentials, service, region)
        self._payload = payload

    def payload(self, request):
        return self._payload if self._payload is not None else super().payload(request)


def build_signed(method, key, creds, query=None, headers=None, body=b"", payload=None, service="s3",
                 signer=PayloadSigner, bucket=BUCKET):
    """A request signed with botocore: (path with query, headers dict, AWSRequest)."""
    path = "/" + bucket + ("/" + quote(key, safe="/~") if key is not None else "")
    query = query or {}
    qs = urlencode(sorted(query.items()), quote_via=quote)
    req = AWSRequest(method=method, url=ENDPOINT + path, data=body, params=query,
                     headers=dict(headers or {}, Host=ENDPOINT_HOST))
    token = creds.get("SessionToken")
    credentials = Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], token)
    if signer is PayloadSigner:
        PayloadSigner(credentials, service, "us-east-1", payload).add_auth(req)
    else:
        signer(credentials, service, "us-east-1").add_auth(req)
    return path + ("?" + qs if qs else ""), dict(req.headers.items()), req


def send(method, target, headers, body=b""):
    conn = (http.client.HTTPSConnection(ENDPOINT_HOST, timeout=60, context=TLS_CONTEXT) if TLS
            else http.client.HTTPConnection(ENDPOINT_HOST, timeout=60))
    try:
        conn.request(method, target, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def raw_s3(method, key, creds, query=None, headers=None, body=b"", payload=None, service="s3", signer=PayloadSigner,
           unsigned_headers=None, tamper=None, bucket=BUCKET):
    target, sent, _ = build_signed(method, key, creds, query, headers, body, payload, service, signer, bucket)
    sent.update(unsigned_headers or {})
    if tamper:
        sent = tamper(sent)
    return send(method, target, sent, body)


def error_code(body):
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None, None
    return root.findtext("Code"), root.findtext("Message")


def creds_of(user):
    return {"AccessKeyId": user["access_key_id"], "SecretAccessKey": user["secret_access_key"]}


def admin_call(method, path):
    req = urllib.request.Request(ENDPOINT + path, data=b"" if method != "GET" else None, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


# Checksums computed on this side without the double's code where possible: zlib for CRC32, awscrt (botocore's
# CRC32C) or crcmod when present, else the double's own implementation - which the test vectors check.
def crc32(data):
    return zlib.crc32(data).to_bytes(4, "big")


def crc32c(data):
    try:
        from awscrt import checksums
        return checksums.crc32c(data).to_bytes(4, "big")
    except ImportError:
        return CRC32C.update(data).to_bytes(4, "big")


def crc64nvme(data):
    try:
        import crcmod
        return crcmod.mkCrcFun(0x1AD93D23594C93659, initCrc=0, rev=True, xorOut=(1 << 64) - 1)(data).to_bytes(8, "big")
    except ImportError:
        return CRC64NVME.update(data).to_bytes(8, "big")


CHECKSUM = {"CRC32": crc32, "CRC32C": crc32c, "CRC64NVME": crc64nvme,
            "SHA1": lambda d: hashlib.sha1(d).digest(), "SHA256": lambda d: hashlib.sha256(d).digest()}


def b64(raw):
    return base64.b64encode(raw).decode()


def checksum_header(algorithm, data):
    return {"x-amz-checksum-" + algorithm.lower(): b64(CHECKSUM[algorithm](data)),
            "x-amz-sdk-checksum-algorithm": algorithm}


def complete_xml(parts, algorithm=None):
    """CompleteMultipartUpload's body; parts: [(number, etag, data)]."""
    out = ['<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">']
    for number, etag, data in parts:
        checksum = ""
        if algorithm:
            checksum = "<Checksum%s>%s</Checksum%s>" % (algorithm, b64(CHECKSUM[algorithm](data)), algorithm)
        out.append("<Part><PartNumber>%d</PartNumber><ETag>%s</ETag>%s</Part>" % (number, etag, checksum))
    out.append("</CompleteMultipartUpload>")
    return "".join(out).encode()


def multipart_etag(parts):
    return '"%s-%d"' % (hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest(), len(parts))


def check_crc_vectors():
    # awslabs/aws-checksums tests/crc_test.c and tests/crc64_test.c; the NVMe NVM Command Set Specification's
    # 64b CRC test cases (4096-byte buffers, as Linux's crc64 test uses them).
    inc, dec = bytes(i & 0xFF for i in range(4096)), bytes((4095 - i) & 0xFF for i in range(4096))
    vectors = [
        (CRC32, "'123456789'", b"123456789", 0xCBF43926), (CRC32, "32 zero bytes", bytes(32), 0x190A55AD),
        (CRC32C, "'123456789'", b"123456789", 0xE3069283), (CRC32C, "32 zero bytes", bytes(32), 0x8A9136AA),
        (CRC32C, "bytes 0..31", bytes(range(32)), 0x46DD794E),
        (CRC64NVME, "'123456789'", b"123456789", 0xAE8B14860A799888),
        (CRC64NVME, "32 zero bytes", bytes(32), 0xCF3473434D4ECF3B),
        (CRC64NVME, "bytes 0..31", bytes(range(32)), 0xB9D9D4A8492CBD7F),
        (CRC64NVME, "'Hello world'", b"Hello world", 0x38E259D03F312ADB),
        (CRC64NVME, "NVMe spec: 4096 x 00", bytes(4096), 0x6482D367EB22B64E),
        (CRC64NVME, "NVMe spec: 4096 x FF", b"\xff" * 4096, 0xC0DDBA7302ECA3AC),
        (CRC64NVME, "NVMe spec: 4096 incrementing", inc, 0x3E729F5F6750449C),
        (CRC64NVME, "NVMe spec: 4096 decrementing", dec, 0x9A2DF64B8E9E517E),
    ]
    for crc, label, data, want in vectors:
        got_pure, got = crc.pure(data), crc.update(data)
        check("%s test vector (%s) = %0*X" % (crc.name, label, crc.width // 4, want), got_pure == want and got == want,
              "pure %X, used %X" % (got_pure, got))
    check("CRC64NVME of 'Hello world' in S3's header form is OOJZ0D8xKts=",
          b64(crc64nvme(b"Hello world")) == "OOJZ0D8xKts=")
    a, b = os.urandom(1000), os.urandom(777)
    for crc in (CRC32, CRC32C, CRC64NVME):
        check("%s combine(crc(A), crc(B), len B) == crc(A+B)" % crc.name,
              crc.combine(crc.update(a), crc.update(b), len(b)) == crc.update(a + b))
    check("the double's CRC32C/CRC64NVME agree with awscrt / crcmod on 1 MiB",
          CRC32C.pure(a * 1000) == int.from_bytes(crc32c(a * 1000), "big")
          and CRC64NVME.pure(a * 1000) == int.from_bytes(crc64nvme(a * 1000), "big"))


def s3_checks():
    creds = role_session()
    s3 = s3_of(creds)
    james_s3 = s3_client(JAMES["access_key_id"], JAMES["secret_access_key"])
    admin_call("POST", "/__test__/reset")

    # --- who may do what
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    check("S3: ListBuckets as the S3Access role session lists %s" % BUCKET, names == [BUCKET], names)
    check("S3: ListBuckets with james's own keys lists no bucket", james_s3.list_buckets()["Buckets"] == [])
    expect_s3_error("S3: james's own keys may not PutObject -> 403 AccessDenied", 403, "AccessDenied",
                    'User: arn:aws:iam::%s:user/james is not authorized to perform: s3:PutObject on resource: '
                    '"arn:aws:s3:::%s/denied.txt" because no resource-based policy allows the s3:PutObject action'
                    % (ACCOUNT, BUCKET), james_s3.put_object, Bucket=BUCKET, Key="denied.txt", Body=b"x")
    expect_s3_error("S3: james's own keys may not list the bucket -> 403 AccessDenied", 403, "AccessDenied", None,
                    james_s3.list_objects_v2, Bucket=BUCKET)
    expect_s3_error("S3: alice may not read -> 403 AccessDenied", 403, "AccessDenied", None,
                    s3_client(ALICE["access_key_id"], ALICE["secret_access_key"]).get_object, Bucket=BUCKET, Key="x")
    body = os.urandom(2 * MIB + 123)
    put = s3.put_object(Bucket=BUCKET, Key="selftest/data.bin", Body=body)
    check("S3: PutObject as the role session; ETag is the MD5 of the body",
          put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest(), put.get("ETag"))
    got = s3.get_object(Bucket=BUCKET, Key="selftest/data.bin")
    check("S3: GetObject gives identical bytes", got["Body"].read() == body and got["ContentLength"] == len(body))
    status, info = admin_call("GET", "/__test__/object?bucket=%s&key=selftest/data.bin" % BUCKET)
    check("S3: /__test__/object gives the stored bytes' size and SHA-256", status == 200
          and info["size"] == len(body) and info["sha256"] == hashlib.sha256(body).hexdigest(), info)
    s3.put_object(Bucket=BUCKET, Key="selftest/meta.txt", Body=b"meta", ContentType="text/plain",
                  Metadata={"purpose": "selftest"})
    head = s3.head_object(Bucket=BUCKET, Key="selftest/meta.txt")
    check("S3: Content-Type and x-amz-meta-* are stored and given back",
          head["ContentType"] == "text/plain" and head["Metadata"] == {"purpose": "selftest"}, head)
    status, info = admin_call("GET", "/__test__/object?bucket=%s&key=selftest/none" % BUCKET)
    check("S3: /__test__/object of a missing key -> 404", status == 404, status)
    chained = role_session("ChainTarget", "reader", via=sts_of(creds))
    reader = s3_of(chained)
    check("S3: ChainTarget (read-only by the bucket policy) may GetObject",
          reader.get_object(Bucket=BUCKET, Key="selftest/data.bin")["Body"].read() == body)
    expect_s3_error("S3: ChainTarget may not PutObject -> 403 AccessDenied", 403, "AccessDenied", None,
                    reader.put_object, Bucket=BUCKET, Key="selftest/nope", Body=b"x")
    expect_s3_error("S3: a bucket not in the world -> 404 NoSuchBucket", 404, "NoSuchBucket",
                    "The specified bucket does not exist", s3.list_objects_v2, Bucket="no-such-bucket-here")
    expect_s3_error("S3: missing key -> 404 NoSuchKey", 404, "NoSuchKey", "The specified key does not exist.",
                    s3.get_object, Bucket=BUCKET, Key="selftest/missing")

    # --- signatures and keys
    expect_s3_error("S3: unknown key -> 403 InvalidAccessKeyId", 403, "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records.",
                    s3_client("AKIAUNKNOWN000000000", "x" * 40).list_buckets)
    expect_s3_error("S3: wrong secret -> 403 SignatureDoesNotMatch", 403, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided. Check your key "
                    "and signing method.", s3_client(creds["AccessKeyId"], wrong_secret(creds["SecretAccessKey"]),
                                                     creds["SessionToken"]).list_buckets)
    expect_s3_error("S3: tampered session token -> 400 InvalidToken", 400, "InvalidToken",
                    "The provided token is malformed or otherwise invalid.",
                    s3_client(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"] + "x").list_buckets)
    expect_s3_error("S3: session key without its token -> 403 InvalidAccessKeyId", 403, "InvalidAccessKeyId", None,
                    s3_client(creds["AccessKeyId"], creds["SecretAccessKey"]).list_buckets)
    status, headers, data = raw_s3("GET", "selftest/missing", creds)
    root = ET.fromstring(data)
    check("S3: errors in S3's <Error> form with Code, Message, Resource, RequestId", status == 404
          and root.tag == "Error" and root.findtext("Code") == "NoSuchKey" and root.findtext("Message")
          and root.findtext("Resource") == "/%s/selftest/missing" % BUCKET
          and root.findtext("RequestId") == headers.get("x-amz-request-id"), data)
    check("S3: Server header names the test double", "Test-Double" in headers.get("server", ""), headers)
    status, _, data = raw_s3("GET", None, creds, query={"list-type": "2"}, service="sts")
    check("S3: credential scoped to sts -> 400 AuthorizationHeaderMalformed", status == 400
          and error_code(data)[0] == "AuthorizationHeaderMalformed"
          and 'incorrect service "sts"' in error_code(data)[1], data)
    status, _, data = raw_s3("PUT", "selftest/sha", creds, body=b"the body",
                             payload=hashlib.sha256(b"other").hexdigest())
    check("S3: x-amz-content-sha256 not matching the body -> 400 XAmzContentSHA256Mismatch", status == 400
          and error_code(data)[0] == "XAmzContentSHA256Mismatch", data)
    status, _, data = raw_s3("PUT", "selftest/sha", creds, body=b"the body", signer=SigV4Auth)
    check("S3: no x-amz-content-sha256 -> 400 InvalidRequest", status == 400 and error_code(data) ==
          ("InvalidRequest", "Missing required header for this request: x-amz-content-sha256"), data)
    status, _, data = raw_s3("PUT", "selftest/unsigned", creds, body=b"unsigned payload", payload="UNSIGNED-PAYLOAD")
    check("S3: UNSIGNED-PAYLOAD accepted", status == 200 and
          s3.get_object(Bucket=BUCKET, Key="selftest/unsigned")["Body"].read() == b"unsigned payload", data)
    status, _, data = raw_s3("PUT", "selftest/x", creds, body=b"x", unsigned_headers={"x-amz-meta-late": "1"})
    check("S3: an x-amz-* header left out of SignedHeaders -> 403 AccessDenied", status == 403
          and error_code(data) == ("AccessDenied", "There were headers present in the request which were not signed"))
    status, _, data = raw_s3("PUT", "selftest/x", creds, body=b"x",
                             tamper=lambda h: dict(h, Authorization=h["Authorization"][:-4] + "0000"))
    check("S3: a tampered signature -> 403 SignatureDoesNotMatch with the CanonicalRequest", status == 403
          and error_code(data)[0] == "SignatureDoesNotMatch" and b"<CanonicalRequest>" in data, data[:300])

    # --- reading
    r = s3.get_object(Bucket=BUCKET, Key="selftest/data.bin", Range="bytes=100-199")
    check("S3: Range bytes=100-199 -> 206 with those bytes", r["ResponseMetadata"]["HTTPStatusCode"] == 206
          and r["Body"].read() == body[100:200] and r["ContentRange"] == "bytes 100-199/%d" % len(body))
    r = s3.get_object(Bucket=BUCKET, Key="selftest/data.bin", Range="bytes=-10")
    check("S3: Range bytes=-10 -> the last 10 bytes", r["Body"].read() == body[-10:])
    expect_s3_error("S3: Range past the end -> 416 InvalidRange", 416, "InvalidRange",
                    "The requested range is not satisfiable", s3.get_object, Bucket=BUCKET, Key="selftest/data.bin",
                    Range="bytes=%d-" % len(body))
    expect_s3_error("S3: GetObject If-Match another ETag -> 412 PreconditionFailed", 412, "PreconditionFailed",
                    "At least one of the pre-conditions you specified did not hold", s3.get_object, Bucket=BUCKET,
                    Key="selftest/data.bin", IfMatch='"0123456789abcdef0123456789abcdef"')
    r = s3.get_object(Bucket=BUCKET, Key="selftest/data.bin", IfMatch=put["ETag"])
    check("S3: GetObject If-Match its ETag -> 200", r["Body"].read() == body)
    expect_s3_error("S3: GetObject If-None-Match its ETag -> 304", 304, "304", None, s3.get_object,
                    Bucket=BUCKET, Key="selftest/data.bin", IfNoneMatch=put["ETag"])
    head = s3.head_object(Bucket=BUCKET, Key="selftest/data.bin", ChecksumMode="ENABLED")
    hh = head["ResponseMetadata"]["HTTPHeaders"]
    check("S3: HeadObject with checksum mode: S3's default CRC64NVME, FULL_OBJECT", head["ContentLength"] == len(body)
          and hh.get("x-amz-checksum-crc64nvme") == b64(crc64nvme(body))
          and hh.get("x-amz-checksum-type") == "FULL_OBJECT", hh)

    # --- listing
    keys = ["list/k%02d" % i for i in range(5)] + ["list/sub/x", "list/sub/y", "list/a b+c&d"]
    for k in keys:
        s3.put_object(Bucket=BUCKET, Key=k, Body=k.encode())
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"Bucket": BUCKET, "Prefix": "list/", "MaxKeys": 3}
        if token:
            kwargs["ContinuationToken"] = token
        page = s3.list_objects_v2(**kwargs)
        seen += [o["Key"] for o in page.get("Contents", [])]
        pages += 1
        token = page.get("NextContinuationToken")
        if not page["IsTruncated"]:
            break
    check("S3: ListObjectsV2 max-keys=3 + continuation tokens pages through every key in order",
          seen == sorted(keys) and pages == 3, (seen, pages))
    page = s3.list_objects_v2(Bucket=BUCKET, Prefix="list/", Delimiter="/")
    check("S3: ListObjectsV2 with a delimiter rolls list/sub/ up into a common prefix",
          [p["Prefix"] for p in page.get("CommonPrefixes", [])] == ["list/sub/"] and page["KeyCount"] == 7, page)
    status, _, data = raw_s3("GET", None, creds, query={"list-type": "2", "prefix": "list/a", "encoding-type": "url"})
    check("S3: encoding-type=url encodes keys as S3 does ('+' for a space)", status == 200
          and b"<Key>list/a+b%2Bc%26d</Key>" in data, data)
    deleted = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in keys]})
    check("S3: DeleteObjects deletes them all", sorted(d["Key"] for d in deleted.get("Deleted", [])) == sorted(keys)
          and s3.list_objects_v2(Bucket=BUCKET, Prefix="list/")["KeyCount"] == 0, deleted)
    s3.delete_object(Bucket=BUCKET, Key="selftest/unsigned")
    expect_s3_error("S3: DeleteObject, then GetObject -> NoSuchKey", 404, "NoSuchKey", None,
                    s3.get_object, Bucket=BUCKET, Key="selftest/unsigned")

    # --- presigned URLs
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "selftest/data.bin"}, ExpiresIn=60)
    with urllib.request.urlopen(url, timeout=30) as r:
        check("S3: presigned GET gives the bytes", r.read() == body)
    try:
        urllib.request.urlopen(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"), timeout=30)
        check("S3: presigned GET with a wrong signature -> 403", False)
    except urllib.error.HTTPError as e:
        check("S3: presigned GET with a wrong signature -> 403 SignatureDoesNotMatch",
              e.code == 403 and error_code(e.read())[0] == "SignatureDoesNotMatch")
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "selftest/presigned.bin"},
                                        ExpiresIn=300)
    pbody = os.urandom(100000)
    with urllib.request.urlopen(urllib.request.Request(put_url, data=pbody, method="PUT"), timeout=30) as r:
        check("S3: presigned PUT stores the bytes", r.status == 200 and
              s3.get_object(Bucket=BUCKET, Key="selftest/presigned.bin")["Body"].read() == pbody)
    try:
        admin("/__test__/advance-clock?seconds=120")
        try:
            urllib.request.urlopen(url, timeout=30)
            check("S3: presigned GET past X-Amz-Expires (double's clock) -> 403", False)
        except urllib.error.HTTPError as e:
            check("S3: presigned GET past X-Amz-Expires (double's clock) -> 403 AccessDenied Request has expired",
                  e.code == 403 and error_code(e.read()) == ("AccessDenied", "Request has expired"))
    finally:
        admin("/__test__/reset-clock")

    # --- multipart
    parts = [os.urandom(5 * MIB), os.urandom(5 * MIB), os.urandom(MIB + 7)]
    mpu = s3.create_multipart_upload(Bucket=BUCKET, Key="selftest/multi.bin")
    uid = mpu["UploadId"]
    etags = [s3.upload_part(Bucket=BUCKET, Key="selftest/multi.bin", UploadId=uid, PartNumber=n + 1, Body=p)["ETag"]
             for n, p in enumerate(parts)]
    check("S3: UploadPart ETags are the parts' MD5s", etags == ['"%s"' % hashlib.md5(p).hexdigest() for p in parts])
    listed = s3.list_parts(Bucket=BUCKET, Key="selftest/multi.bin", UploadId=uid)
    check("S3: ListParts lists the 3 parts with their sizes",
          [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, 5 * MIB), (2, 5 * MIB), (3, MIB + 7)])
    uploads = s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])
    _, pending = admin_call("GET", "/__test__/uploads?bucket=%s" % BUCKET)
    check("S3: ListMultipartUploads and /__test__/uploads show the unfinished upload",
          any(u["UploadId"] == uid for u in uploads) and
          any(u["upload_id"] == uid and len(u["parts"]) == 3 for u in pending["uploads"]), pending)
    expect_s3_error("S3: CompleteMultipartUpload with parts out of order -> 400 InvalidPartOrder", 400,
                    "InvalidPartOrder", None, s3.complete_multipart_upload, Bucket=BUCKET, Key="selftest/multi.bin",
                    UploadId=uid, MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": etags[1]},
                                                             {"PartNumber": 1, "ETag": etags[0]}]})
    expect_s3_error("S3: CompleteMultipartUpload with a wrong ETag -> 400 InvalidPart", 400, "InvalidPart",
                    "One or more of the specified parts could not be found.*", s3.complete_multipart_upload,
                    Bucket=BUCKET, Key="selftest/multi.bin", UploadId=uid,
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etags[1]}]})
    done = s3.complete_multipart_upload(Bucket=BUCKET, Key="selftest/multi.bin", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": n + 1, "ETag": e} for n, e in enumerate(etags)]})
    check("S3: CompleteMultipartUpload; the ETag is MD5(part MD5s)-3", done["ETag"] == multipart_etag(parts), done)
    got = s3.get_object(Bucket=BUCKET, Key="selftest/multi.bin")
    check("S3: the multipart object's bytes are the parts' bytes", got["Body"].read() == b"".join(parts))
    got = s3.get_object(Bucket=BUCKET, Key="selftest/multi.bin", PartNumber=2)
    check("S3: GetObject partNumber=2 gives part 2", got["Body"].read() == parts[1] and got.get("PartsCount") == 3)
    expect_s3_error("S3: UploadPart to a finished upload -> 404 NoSuchUpload", 404, "NoSuchUpload", None,
                    s3.upload_part, Bucket=BUCKET, Key="selftest/multi.bin", UploadId=uid, PartNumber=1, Body=b"x")
    small = s3.create_multipart_upload(Bucket=BUCKET, Key="selftest/small.bin")["UploadId"]
    small_etags = [s3.upload_part(Bucket=BUCKET, Key="selftest/small.bin", UploadId=small, PartNumber=n,
                                  Body=b"s" * 2048)["ETag"] for n in (1, 2)]
    small_parts = {"Parts": [{"PartNumber": n, "ETag": e} for n, e in zip((1, 2), small_etags)]}
    expect_s3_error("S3: a 2 KiB part that is not the last -> 400 EntityTooSmall", 400, "EntityTooSmall",
                    "Your proposed upload is smaller than the minimum allowed size", s3.complete_multipart_upload,
                    Bucket=BUCKET, Key="selftest/small.bin", UploadId=small, MultipartUpload=small_parts)
    status, state = admin_call("POST", "/__test__/min-part-size?bytes=1024")
    check("S3: /__test__/min-part-size?bytes=1024", status == 200 and state["min_part_size"] == 1024, state)
    done = s3.complete_multipart_upload(Bucket=BUCKET, Key="selftest/small.bin", UploadId=small,
                                        MultipartUpload=small_parts)
    check("S3: ...then the same 2 KiB parts complete", done["ETag"] == multipart_etag([b"s" * 2048] * 2))
    aborted = s3.create_multipart_upload(Bucket=BUCKET, Key="selftest/aborted.bin")["UploadId"]
    s3.upload_part(Bucket=BUCKET, Key="selftest/aborted.bin", UploadId=aborted, PartNumber=1, Body=b"a")
    s3.abort_multipart_upload(Bucket=BUCKET, Key="selftest/aborted.bin", UploadId=aborted)
    expect_s3_error("S3: ListParts of an aborted upload -> 404 NoSuchUpload", 404, "NoSuchUpload", None,
                    s3.list_parts, Bucket=BUCKET, Key="selftest/aborted.bin", UploadId=aborted)

    checksum_checks(s3, creds)
    conditional_checks(s3, creds)
    expiry_checks(s3, creds)
    knob_checks(s3, creds)
    admin_call("POST", "/__test__/reset")


def sts_of(creds):
    return client(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def checksum_checks(s3, creds):
    check_crc_vectors()
    data = b"checksum me " * 5000
    for algorithm in ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"):
        key = "selftest/sum-" + algorithm.lower()
        headers = checksum_header(algorithm, data)
        status, reply, _ = raw_s3("PUT", key, creds, headers=headers, body=data)
        head = s3.head_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED")["ResponseMetadata"]["HTTPHeaders"]
        name = "x-amz-checksum-" + algorithm.lower()
        check("S3: PutObject with the right %s is accepted, echoed, and HeadObject gives it back" % algorithm,
              status == 200 and reply.get(name) == headers[name] and head.get(name) == headers[name]
              and head.get("x-amz-checksum-type") == "FULL_OBJECT", (status, reply, head))
        wrong = dict(headers, **{name: b64(CHECKSUM[algorithm](data + b"!"))})
        status, _, answer = raw_s3("PUT", key + "-wrong", creds, headers=wrong, body=data)
        check("S3: PutObject with a wrong %s -> 400 BadDigest" % algorithm, status == 400 and error_code(answer) ==
              ("BadDigest", "The %s you specified did not match the calculated checksum." % algorithm), answer)
    check("S3: a refused PutObject stored nothing",
          admin_call("GET", "/__test__/object?bucket=%s&key=selftest/sum-crc32-wrong" % BUCKET)[0] == 404)
    put = s3.put_object(Bucket=BUCKET, Key="selftest/sdk-crc32", Body=data, ChecksumAlgorithm="CRC32")
    check("S3: botocore's own ChecksumAlgorithm=CRC32 PutObject is accepted",
          put.get("ChecksumCRC32") == b64(crc32(data)), put)
    status, _, answer = raw_s3("PUT", "selftest/bad", creds, body=data,
                               headers={"x-amz-checksum-crc32": "not base64!", "x-amz-sdk-checksum-algorithm": "CRC32"})
    check("S3: a malformed x-amz-checksum-crc32 -> 400 InvalidRequest", status == 400 and error_code(answer) ==
          ("InvalidRequest", "Value for x-amz-checksum-crc32 header is invalid."), answer)
    status, _, answer = raw_s3("PUT", "selftest/bad", creds, body=data, headers=dict(
        checksum_header("CRC32", data), **{"x-amz-checksum-sha256": b64(hashlib.sha256(data).digest())}))
    check("S3: two x-amz-checksum-* headers -> 400 InvalidRequest", status == 400 and error_code(answer) ==
          ("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."))
    status, _, answer = raw_s3("PUT", "selftest/bad", creds, body=data,
                               headers=dict(checksum_header("CRC32", data),
                                            **{"x-amz-sdk-checksum-algorithm": "CRC32C"}))
    check("S3: x-amz-sdk-checksum-algorithm naming another algorithm -> 400 InvalidRequest", status == 400 and
          error_code(answer) == ("InvalidRequest", "Value for x-amz-sdk-checksum-algorithm header is invalid."))
    status, _, answer = raw_s3("PUT", "selftest/bad", creds, body=data,
                               headers={"x-amz-sdk-checksum-algorithm": "CRC32"})
    check("S3: x-amz-sdk-checksum-algorithm without a checksum -> 400 InvalidRequest", status == 400 and
          error_code(answer)[1] == "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* "
          "or x-amz-trailer headers were found.", answer)
    status, _, answer = raw_s3("PUT", "selftest/bad", creds, body=data, headers={
        "Content-MD5": b64(hashlib.md5(data + b"!").digest())})
    check("S3: a wrong Content-MD5 -> 400 BadDigest", status == 400 and error_code(answer)[0] == "BadDigest")

    # Multipart, COMPOSITE CRC32 (botocore 1.29 knows CRC32).
    key = "selftest/composite-crc32"
    parts = [os.urandom(3000), os.urandom(2500)]
    uid = s3.create_multipart_upload(Bucket=BUCKET, Key=key, ChecksumAlgorithm="CRC32")["UploadId"]
    status, reply, answer = raw_s3("PUT", key, creds, query={"partNumber": "1", "uploadId": uid}, body=parts[0],
                                   headers=checksum_header("CRC32", parts[0] + b"x"))
    check("S3: UploadPart with a wrong CRC32 -> 400 BadDigest", status == 400 and error_code(answer) ==
          ("BadDigest", "The CRC32 you specified did not match the calculated checksum."), answer)
    status, reply, answer = raw_s3("PUT", key, creds, query={"partNumber": "1", "uploadId": uid}, body=parts[0])
    check("S3: UploadPart without the CRC32 the COMPOSITE upload declared -> 400 InvalidRequest", status == 400 and
          error_code(answer) == ("InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: crc32, "
                                 "actual checksum Type: null"), answer)
    etags = []
    for n, p in enumerate(parts):
        status, reply, answer = raw_s3("PUT", key, creds, query={"partNumber": str(n + 1), "uploadId": uid}, body=p,
                                       headers=checksum_header("CRC32", p))
        etags.append(reply.get("etag"))
    check("S3: UploadPart with the right CRC32s", status == 200 and reply.get("x-amz-checksum-crc32") ==
          b64(crc32(parts[1])), (status, answer))
    listed = s3.list_parts(Bucket=BUCKET, Key=key, UploadId=uid)
    check("S3: ListParts gives each part's CRC32", [p.get("ChecksumCRC32") for p in listed["Parts"]] ==
          [b64(crc32(p)) for p in parts] and listed.get("ChecksumAlgorithm") == "CRC32", listed)
    triples = [(n + 1, e, p) for n, (e, p) in enumerate(zip(etags, parts))]
    status, _, answer = raw_s3("POST", key, creds, query={"uploadId": uid}, body=complete_xml(triples))
    check("S3: Complete of a COMPOSITE upload without the part checksums -> 400 InvalidRequest", status == 400 and
          error_code(answer)[1] == "The upload was created using a crc32 checksum. The complete request must include "
          "the checksum for each part. It was missing for part 1 in the request.", answer)
    wrong = complete_xml(triples, "CRC32").replace(b64(crc32(parts[1])).encode(), b64(crc32(b"")).encode())
    status, _, answer = raw_s3("POST", key, creds, query={"uploadId": uid}, body=wrong)
    check("S3: Complete listing a wrong part CRC32 -> 400 InvalidPart", status == 400 and
          error_code(answer)[0] == "InvalidPart", answer)
    status, _, answer = raw_s3("POST", key, creds, query={"uploadId": uid}, body=complete_xml(triples, "CRC32"))
    composite = b64(crc32(b"".join(crc32(p) for p in parts))) + "-2"
    head = s3.head_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED")["ResponseMetadata"]["HTTPHeaders"]
    check("S3: Complete of a COMPOSITE CRC32 upload: CRC32 of the part CRC32s, '-2'", status == 200 and
          ET.fromstring(answer).findtext("{http://s3.amazonaws.com/doc/2006-03-01/}ChecksumCRC32") == composite
          and head.get("x-amz-checksum-crc32") == composite and head.get("x-amz-checksum-type") == "COMPOSITE",
          (answer, head))

    # Multipart, FULL_OBJECT CRC64NVME (botocore 1.29 does not know CRC64NVME: all by hand).
    key = "selftest/full-crc64nvme"
    parts = [os.urandom(4096), os.urandom(3000), os.urandom(1234)]
    whole = b"".join(parts)
    status, reply, answer = raw_s3("POST", key, creds, query={"uploads": ""},
                                   headers={"x-amz-checksum-algorithm": "CRC64NVME"})
    uid = ET.fromstring(answer).findtext("{http://s3.amazonaws.com/doc/2006-03-01/}UploadId")
    check("S3: CreateMultipartUpload CRC64NVME defaults to FULL_OBJECT", status == 200 and
          reply.get("x-amz-checksum-type") == "FULL_OBJECT", reply)
    status, _, answer = raw_s3("PUT", key, creds, query={"partNumber": "1", "uploadId": uid}, body=parts[0],
                               headers=checksum_header("CRC64NVME", parts[1]))
    check("S3: UploadPart with a wrong CRC64NVME -> 400 BadDigest", status == 400 and error_code(answer) ==
          ("BadDigest", "The CRC64NVME you specified did not match the calculated checksum."), answer)
    etags = []
    for n, p in enumerate(parts):
        # FULL_OBJECT: a part's own checksum is optional (the last one goes without).
        status, reply, answer = raw_s3("PUT", key, creds, query={"partNumber": str(n + 1), "uploadId": uid}, body=p,
                                       headers=checksum_header("CRC64NVME", p) if n < 2 else {})
        etags.append(reply.get("etag"))
    check("S3: UploadPart with and without a part CRC64NVME (FULL_OBJECT)", status == 200 and all(etags))
    triples = [(n + 1, e, p) for n, (e, p) in enumerate(zip(etags, parts))]
    status, _, answer = raw_s3("POST", key, creds, query={"uploadId": uid}, body=complete_xml(triples),
                               headers={"x-amz-checksum-crc64nvme": b64(crc64nvme(whole + b"?")),
                                        "x-amz-checksum-type": "FULL_OBJECT"})
    check("S3: Complete with a wrong full-object CRC64NVME -> 400 BadDigest", status == 400 and
          error_code(answer) == ("BadDigest", "The crc64nvme you specified did not match the calculated checksum."),
          answer)
    status, _, answer = raw_s3("POST", key, creds, query={"uploadId": uid}, body=complete_xml(triples),
                               headers={"x-amz-checksum-crc64nvme": b64(crc64nvme(whole)),
                                        "x-amz-checksum-type": "FULL_OBJECT"})
    head = s3.head_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED")["ResponseMetadata"]["HTTPHeaders"]
    check("S3: Complete with the right full-object CRC64NVME; HeadObject gives it back, FULL_OBJECT",
          status == 200 and head.get("x-amz-checksum-crc64nvme") == b64(crc64nvme(whole))
          and head.get("x-amz-checksum-type") == "FULL_OBJECT"
          and s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == whole, (answer, head))

    # FULL_OBJECT CRC32C (the 32-bit combination) and COMPOSITE SHA256.
    for algorithm, kind in (("CRC32C", "FULL_OBJECT"), ("SHA256", "COMPOSITE")):
        key = "selftest/%s-%s" % (kind.lower(), algorithm.lower())
        parts = [os.urandom(2048), os.urandom(1500)]
        whole = b"".join(parts)
        _, _, answer = raw_s3("POST", key, creds, query={"uploads": ""},
                              headers={"x-amz-checksum-algorithm": algorithm, "x-amz-checksum-type": kind})
        uid = ET.fromstring(answer).findtext("{http://s3.amazonaws.com/doc/2006-03-01/}UploadId")
        etags = [raw_s3("PUT", key, creds, query={"partNumber": str(n + 1), "uploadId": uid}, body=p,
                        headers=checksum_header(algorithm, p))[1].get("etag") for n, p in enumerate(parts)]
        triples = [(n + 1, e, p) for n, (e, p) in enumerate(zip(etags, parts))]
        if kind == "FULL_OBJECT":
            want = b64(CHECKSUM[algorithm](whole))
        else:
            want = b64(CHECKSUM[algorithm](b"".join(CHECKSUM[algorithm](p) for p in parts))) + "-2"
        status, _, answer = raw_s3("POST", key, creds, query={"uploadId": uid}, body=complete_xml(triples, algorithm),
                                   headers={"x-amz-checksum-" + algorithm.lower(): want})
        head = s3.head_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED")["ResponseMetadata"]["HTTPHeaders"]
        check("S3: %s %s multipart upload completes with the right checksum" % (kind, algorithm), status == 200 and
              head.get("x-amz-checksum-" + algorithm.lower()) == want and head.get("x-amz-checksum-type") == kind,
              (answer, head))
    for algorithm, kind in (("SHA256", "FULL_OBJECT"), ("CRC64NVME", "COMPOSITE")):
        status, _, answer = raw_s3("POST", "selftest/never", creds, query={"uploads": ""},
                                   headers={"x-amz-checksum-algorithm": algorithm, "x-amz-checksum-type": kind})
        check("S3: CreateMultipartUpload %s with %s -> 400 InvalidRequest" % (algorithm, kind),
              status == 400 and error_code(answer)[0] == "InvalidRequest", answer)
    uid = s3.create_multipart_upload(Bucket=BUCKET, Key="selftest/plain")["UploadId"]
    status, _, answer = raw_s3("PUT", "selftest/plain", creds, query={"partNumber": "1", "uploadId": uid}, body=data,
                               headers=checksum_header("CRC32", data))
    check("S3: a part checksum on an upload created without one -> 400 InvalidRequest", status == 400 and
          error_code(answer)[1] == "Checksum Type mismatch occurred, expected checksum Type: null, actual checksum "
          "Type: crc32", answer)
    s3.abort_multipart_upload(Bucket=BUCKET, Key="selftest/plain", UploadId=uid)
    aws_chunked_checks(s3, creds)


def aws_chunked(data, size, sign=None, trailer=None):
    """An aws-chunked body; sign: (key, amz_date, scope, seed signature) for signed chunks."""
    chunks = [data[i:i + size] for i in range(0, len(data), size)] + [b""]
    out, previous = [], sign[3] if sign else None
    for chunk in chunks:
        if sign:
            to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", sign[1], sign[2], previous,
                                 hashlib.sha256(b"").hexdigest(), hashlib.sha256(chunk).hexdigest()])
            previous = hmac.new(sign[0], to_sign.encode(), hashlib.sha256).hexdigest()
            out.append(b"%x;chunk-signature=%s\r\n" % (len(chunk), previous.encode()))
        else:
            out.append(b"%x\r\n" % len(chunk))
        if chunk:
            out.append(chunk + b"\r\n")
    if trailer:
        out.append(trailer)
    out.append(b"\r\n")
    return b"".join(out)


def aws_chunked_checks(s3, creds):
    data = os.urandom(200000)
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data)),
               "x-amz-trailer": "x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm": "CRC32"}
    for label, value, want in (("right", crc32(data), 200), ("wrong", crc32(data[1:]), 400)):
        body = aws_chunked(data, 65536, trailer=b"x-amz-checksum-crc32:%s\r\n" % b64(value).encode())
        status, _, answer = raw_s3("PUT", "selftest/chunked-trailer", creds, headers=headers, body=body,
                                   payload="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        check("S3: STREAMING-UNSIGNED-PAYLOAD-TRAILER with the %s CRC32 trailer -> %d" % (label, want),
              status == want and (want == 200 or error_code(answer)[0] == "BadDigest"), answer)
    check("S3: ...and the aws-chunked body was stored decoded",
          s3.get_object(Bucket=BUCKET, Key="selftest/chunked-trailer")["Body"].read() == data)
    for label, tamper, want in (("valid", False, 200), ("a tampered", True, 403)):
        headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data))}
        target, sent, req = build_signed("PUT", "selftest/chunked-signed", creds, headers=headers,
                                         payload="STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        seed = sent["Authorization"].rsplit("Signature=", 1)[1]
        date = req.context["timestamp"]
        key = ("AWS4" + creds["SecretAccessKey"]).encode()
        for part in (date[:8], "us-east-1", "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        body = aws_chunked(data, 65536, sign=(key, date, "%s/us-east-1/s3/aws4_request" % date[:8], seed))
        if tamper:  # flip the first hex digit of the first chunk's signature
            cut = body.index(b"chunk-signature=") + len(b"chunk-signature=")
            body = body[:cut] + (b"1" if body[cut:cut + 1] == b"0" else b"0") + body[cut + 1:]
        status, _, answer = send("PUT", target, sent, body)
        check("S3: STREAMING-AWS4-HMAC-SHA256-PAYLOAD with %s chunk signature -> %d" % (label, want),
              status == want and (want == 200 or error_code(answer)[0] == "SignatureDoesNotMatch"), answer)
    check("S3: ...and the signed aws-chunked body was stored decoded",
          s3.get_object(Bucket=BUCKET, Key="selftest/chunked-signed")["Body"].read() == data)


def conditional_checks(s3, creds):
    key = "selftest/conditional"
    status, reply, _ = raw_s3("PUT", key, creds, headers={"If-None-Match": "*"}, body=b"first")
    check("S3: PutObject If-None-Match: * on a new key -> 200", status == 200, status)
    first = reply.get("etag")
    status, _, answer = raw_s3("PUT", key, creds, headers={"If-None-Match": "*"}, body=b"second")
    check("S3: PutObject If-None-Match: * on an existing key -> 412 PreconditionFailed", status == 412 and
          error_code(answer) == ("PreconditionFailed", "At least one of the pre-conditions you specified did not hold"))
    status, _, answer = raw_s3("PUT", key, creds, headers={"If-Match": '"%s"' % ("0" * 32)}, body=b"second")
    check("S3: PutObject If-Match another ETag -> 412 PreconditionFailed", status == 412 and
          error_code(answer)[0] == "PreconditionFailed", answer)
    status, _, _ = raw_s3("PUT", key, creds, headers={"If-Match": first}, body=b"second")
    check("S3: PutObject If-Match its ETag -> 200", status == 200 and
          s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"second")
    status, _, answer = raw_s3("PUT", "selftest/conditional-none", creds, headers={"If-Match": first}, body=b"x")
    check("S3: PutObject If-Match on a missing key -> 404 NoSuchKey", status == 404 and
          error_code(answer)[0] == "NoSuchKey", answer)
    uid = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    etag = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=1, Body=b"part")["ETag"]
    status, _, answer = raw_s3("POST", key, creds, query={"uploadId": uid}, headers={"If-None-Match": "*"},
                               body=complete_xml([(1, etag, b"part")]))
    check("S3: CompleteMultipartUpload If-None-Match: * on an existing key -> 412", status == 412 and
          error_code(answer)[0] == "PreconditionFailed", answer)
    s3.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=uid)

    # A conditional PutObject whose key is written by another request while its body is still coming -> 409.
    key = "selftest/race"
    s3.delete_object(Bucket=BUCKET, Key=key)
    body = os.urandom(300000)
    target, sent, _ = build_signed("PUT", key, creds, headers={"If-None-Match": "*"}, body=body)
    sock = socket.create_connection(("127.0.0.1", urlsplit(ENDPOINT).port), timeout=30)
    if TLS:
        sock = TLS_CONTEXT.wrap_socket(sock, server_hostname="127.0.0.1")
    try:
        head = "PUT %s HTTP/1.1\r\n" % target + "".join("%s: %s\r\n" % kv for kv in sent.items()) + \
            "Content-Length: %d\r\n\r\n" % len(body)
        sock.sendall(head.encode() + body[:100000])
        time.sleep(1.0)  # the double checks If-None-Match on the head, then waits for the rest of the body
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"the other writer")
        sock.sendall(body[100000:])
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        answer = resp.read()
        check("S3: a conditional PutObject overtaken by another write -> 409 ConditionalRequestConflict",
              resp.status == 409 and error_code(answer)[0] == "ConditionalRequestConflict", (resp.status, answer))
    finally:
        sock.close()
    check("S3: ...and the other writer's object stays",
          s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"the other writer")


def expiry_checks(s3, creds):
    # A role session expiring in the middle of a multipart upload: S3's 400 ExpiredToken, then a fresh session
    # (another access key) goes on with the same upload.
    key = "selftest/expiring"
    old = role_session(name="expiring")
    s3_old = s3_of(old)
    parts = [os.urandom(1500), os.urandom(1500)]
    uid = s3_old.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    e1 = s3_old.upload_part(Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=1, Body=parts[0])["ETag"]
    status, log = admin_call("GET", "/__test__/log")
    since = log["last_seq"]
    try:
        admin("/__test__/advance-clock?seconds=3601")
        expect_s3_error("S3: a role session past its expiry (double's clock) -> 400 ExpiredToken", 400,
                        "ExpiredToken", "The provided token has expired.", s3_old.upload_part, Bucket=BUCKET, Key=key,
                        UploadId=uid, PartNumber=2, Body=parts[1])
        url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "selftest/data.bin"},
                                        ExpiresIn=7200)
        try:
            urllib.request.urlopen(url, timeout=30)
            check("S3: presigned URL with an expired session token -> 400", False)
        except urllib.error.HTTPError as e:
            check("S3: presigned URL with an expired session token -> 400 ExpiredToken",
                  e.code == 400 and error_code(e.read())[0] == "ExpiredToken")
        new = role_session(name="renewed")
        s3_new = s3_of(new)
        e2 = s3_new.upload_part(Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=2, Body=parts[1])["ETag"]
        done = s3_new.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=uid, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
        check("S3: a renewed session completes the same upload", done["ETag"] == multipart_etag(parts))
    finally:
        admin("/__test__/reset-clock")
    _, log = admin_call("GET", "/__test__/log?since=%d" % since)
    part2 = [e for e in log["entries"] if e["action"] == "s3:UploadPart" and e["part_number"] == 2]
    check("S3: the log shows part 2 refused for the old key and accepted with the renewed one",
          [(e["access_key_id"], e["status"], e["error_code"]) for e in part2] ==
          [(old["AccessKeyId"], 400, "ExpiredToken"), (new["AccessKeyId"], 200, "")], part2)

    # Short sessions through /__test__/min-duration.
    try:
        status, state = admin_call("POST", "/__test__/min-duration?seconds=30")
        check("S3: /__test__/min-duration?seconds=30", status == 200 and state["min_duration_seconds"] == 30, state)
        short = as_user(JAMES).assume_role(RoleArn=ROLE["S3Access"], RoleSessionName="short", DurationSeconds=30)
        lifetime = (short["Credentials"]["Expiration"] - datetime.now(timezone.utc)).total_seconds()
        check("S3: AssumeRole DurationSeconds=30 gives a 30-second session", 20 < lifetime <= 30, lifetime)
        s3_short = s3_of(short["Credentials"])
        s3_short.put_object(Bucket=BUCKET, Key="selftest/short", Body=b"short")
        expect_error("DurationSeconds 29 < the lowered minimum 30", 400, "ValidationError",
                     "1 validation error detected: Value '29' at 'durationSeconds' failed to satisfy constraint: "
                     "Member must have value greater than or equal to 30",
                     as_user(JAMES).assume_role, RoleArn=ROLE["S3Access"], RoleSessionName="short", DurationSeconds=29)
        admin("/__test__/advance-clock?seconds=31")
        expect_s3_error("S3: the 30-second session 31 s later -> 400 ExpiredToken", 400, "ExpiredToken",
                        "The provided token has expired.", s3_short.put_object, Bucket=BUCKET, Key="selftest/short",
                        Body=b"late")
    finally:
        admin("/__test__/reset-clock")
        admin_call("DELETE", "/__test__/min-duration")
    expect_error("after DELETE /__test__/min-duration, DurationSeconds 30 -> ValidationError (900)", 400,
                 "ValidationError", "1 validation error detected: Value '30' at 'durationSeconds' failed to satisfy "
                 "constraint: Member must have value greater than or equal to 900",
                 as_user(JAMES).assume_role, RoleArn=ROLE["S3Access"], RoleSessionName="short", DurationSeconds=30)


def knob_checks(s3, creds):
    status, _ = admin_call("DELETE", "/__test__/log")
    status, log = admin_call("GET", "/__test__/log")
    since = log["last_seq"]
    s3.put_object(Bucket=BUCKET, Key="selftest/logged", Body=b"12345")
    _, log = admin_call("GET", "/__test__/log?since=%d" % since)
    entry = log["entries"][-1] if log["entries"] else {}
    check("S3: /__test__/log records action, key id, ARN, bucket, key, status and bytes received",
          entry.get("action") == "s3:PutObject" and entry.get("access_key_id") == creds["AccessKeyId"]
          and entry.get("arn") == "arn:aws:sts::%s:assumed-role/S3Access/s3-selftest" % ACCOUNT
          and entry.get("bucket") == BUCKET and entry.get("key") == "selftest/logged" and entry.get("status") == 200
          and entry.get("bytes_received") == 5, entry)

    status, rule = admin_call("POST", "/__test__/fail?action=sts:AssumeRole&times=2&status=500&code=InternalError")
    check("S3: /__test__/fail accepts a rule", status == 200 and rule["rule"]["times"] == 2, rule)
    # No retries at all here: legacy max_attempts=1 would retry a 500 once and hide it.
    james = SESSION.create_client("sts", region_name="us-east-1", endpoint_url=ENDPOINT,
                                  config=Config(retries={"total_max_attempts": 1}),
                                  aws_access_key_id=JAMES["access_key_id"],
                                  aws_secret_access_key=JAMES["secret_access_key"])
    results = [error_of(james.assume_role, RoleArn=ROLE["S3Access"], RoleSessionName="flaky") for _ in range(3)]
    check("fail knob: the next 2 AssumeRole calls fail 500 InternalError, the third succeeds",
          [r[:2] for r in results] == [(500, "InternalError"), (500, "InternalError"), (200, None)], results)

    key = "selftest/failing-part"
    uid = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    admin_call("POST", "/__test__/fail?action=s3:UploadPart&part=2&times=1&status=503&code=SlowDown")
    _, log = admin_call("GET", "/__test__/log")
    since = log["last_seq"]
    part = b"p" * 3000
    e1 = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=1, Body=part)["ETag"]
    expect_s3_error("fail knob: UploadPart part 2 -> 503 SlowDown", 503, "SlowDown", "Please reduce your request rate.",
                    s3.upload_part, Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=2, Body=part)
    e2 = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=2, Body=part)["ETag"]
    s3.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    _, log = admin_call("GET", "/__test__/log?since=%d" % since)
    seen = [(e["action"], e["part_number"], e["status"], e["bytes_received"]) for e in log["entries"]]
    check("fail knob: the log shows part 2 received (3000 bytes), refused, then sent again", seen[:3] ==
          [("s3:UploadPart", 1, 200, 3000), ("s3:UploadPart", 2, 503, 3000), ("s3:UploadPart", 2, 200, 3000)]
          and [e[:3] for e in seen[3:]] == [("s3:CompleteMultipartUpload", None, 200)], seen)
    status, rules = admin_call("GET", "/__test__/fail")
    check("fail knob: GET /__test__/fail shows the used-up rules", status == 200 and
          [(r["action"], r["applied"]) for r in rules["rules"]] == [("sts:AssumeRole", 2), ("s3:UploadPart", 1)], rules)
    status, rules = admin_call("DELETE", "/__test__/fail")
    check("fail knob: DELETE /__test__/fail removes the rules", status == 200 and rules["rules"] == [], rules)
    status, answer = admin_call("POST", "/__test__/fail?action=bogus")
    check("fail knob: a bad rule -> 400", status == 400, answer)
    status, state = admin_call("POST", "/__test__/reset")
    check("POST /__test__/reset: clock, min-duration, min-part-size, rules back to normal", status == 200
          and state["clock_offset"] == 0 and state["min_duration_seconds"] == 900
          and state["min_part_size"] == WORLD["s3"]["min_part_size"] and state["fail_rules"] == 0, state)
    leftovers = s3.list_objects_v2(Bucket=BUCKET, Prefix="selftest/").get("Contents", [])
    if leftovers:
        s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": o["Key"]} for o in leftovers]})
    check("S3: the self-test's objects are deleted again",
          s3.list_objects_v2(Bucket=BUCKET, Prefix="selftest/")["KeyCount"] == 0)


def jwt_part(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def self_signed_token(claims, kid="not-a-provider-key"):
    """An RS256 JWT signed by a key made here, which no provider published."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signing_input = "%s.%s" % (jwt_part({"alg": "RS256", "typ": "JWT", "kid": kid}), jwt_part(claims))
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()


def web_identity_checks():
    """AssumeRoleWithWebIdentity with real ID tokens of the test OpenID Provider."""
    issuer = os.environ.get("ROLEDROP_TEST_OIDC_ISSUER")
    if not issuer:
        print("SKIP AssumeRoleWithWebIdentity: no test OpenID Provider (oidc-provider-start.sh) in this run")
        return
    from oidc_test_login import sign_in
    user, password = os.environ["ROLEDROP_TEST_OIDC_USER"], os.environ["ROLEDROP_TEST_OIDC_PASSWORD"]
    subject = os.environ["ROLEDROP_TEST_OIDC_SUBJECT"]
    tokens = sign_in(issuer, os.environ["ROLEDROP_TEST_OIDC_CLIENT_ID"], user, password, CA_FILE)
    id_token = tokens["id_token"]
    # Unsigned, as AWS takes it: botocore sends AssumeRoleWithWebIdentity without a signature.
    sts = SESSION.create_client("sts", region_name="us-east-1", endpoint_url=ENDPOINT, config=CONFIG)
    web_role = ROLE["WebIdentityRole"]
    answer = sts.assume_role_with_web_identity(RoleArn=web_role, RoleSessionName="ada-web",
                                               WebIdentityToken=id_token, DurationSeconds=7200)
    session_arn = "arn:aws:sts::%s:assumed-role/WebIdentityRole/ada-web" % ACCOUNT
    creds = answer["Credentials"]
    lifetime = (creds["Expiration"] - datetime.now(timezone.utc)).total_seconds()
    check("AssumeRoleWithWebIdentity with the provider's RS256 ID token",
          answer["AssumedRoleUser"]["Arn"] == session_arn and answer["SubjectFromWebIdentityToken"] == subject
          and answer["Audience"] == "roledrop-test-app" and answer["Provider"] == issuer
          and creds["AccessKeyId"].startswith("ASIA") and 7190 < lifetime <= 7200, answer)
    ident = as_session(creds).get_caller_identity()
    check("GetCallerIdentity as the web identity session", ident["Arn"] == session_arn
          and ident["UserId"].endswith(":ada-web"), ident)
    s3 = s3_of(creds)
    s3.put_object(Bucket="double-data", Key="selftest/web-identity.txt", Body=b"from ada")
    got = s3.get_object(Bucket="double-data", Key="selftest/web-identity.txt")["Body"].read()
    s3.delete_object(Bucket="double-data", Key="selftest/web-identity.txt")
    check("the web identity session writes and reads the bucket", got == b"from ada")

    es256 = sign_in(issuer, os.environ["ROLEDROP_TEST_OIDC_ES256_CLIENT_ID"], user, password, CA_FILE)["id_token"]
    answer = sts.assume_role_with_web_identity(RoleArn=web_role, RoleSessionName="ada-es", WebIdentityToken=es256)
    check("ES256 ID token accepted", answer["Audience"] == "roledrop-test-es256", answer.get("Audience"))

    invalid = "The web identity token that was passed could not be validated by AWS.*"
    head, claims, signature = id_token.split(".")
    flipped = ("B" if signature[10] == "A" else "A").join((signature[:10], signature[11:]))
    expect_error("tampered signature -> InvalidIdentityToken", 400, "InvalidIdentityToken", invalid,
                 sts.assume_role_with_web_identity, RoleArn=web_role, RoleSessionName="web-selftest",
                 WebIdentityToken="%s.%s.%s" % (head, claims, flipped))
    forged = dict(json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4))), sub="grace-hopper-1906")
    expect_error("claims changed under the provider's signature -> InvalidIdentityToken", 400,
                 "InvalidIdentityToken", invalid, sts.assume_role_with_web_identity, RoleArn=web_role,
                 RoleSessionName="web-selftest", WebIdentityToken="%s.%s.%s" % (head, jwt_part(forged), signature))
    kid = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))["kid"]
    expect_error("signed by a key the provider never published -> InvalidIdentityToken", 400,
                 "InvalidIdentityToken", invalid, sts.assume_role_with_web_identity, RoleArn=web_role,
                 RoleSessionName="web-selftest", WebIdentityToken=self_signed_token(forged, kid))
    expect_error("alg none -> InvalidIdentityToken", 400, "InvalidIdentityToken", invalid,
                 sts.assume_role_with_web_identity, RoleArn=web_role, RoleSessionName="web-selftest",
                 WebIdentityToken="%s.%s." % (jwt_part({"alg": "none", "kid": kid}), claims))
    expect_error("not a JWT -> InvalidIdentityToken", 400, "InvalidIdentityToken", invalid,
                 sts.assume_role_with_web_identity, RoleArn=web_role, RoleSessionName="web-selftest", WebIdentityToken="abcd")
    other = sign_in(issuer, os.environ["ROLEDROP_TEST_OIDC_OTHER_CLIENT_ID"], user, password, CA_FILE)["id_token"]
    expect_error("wrong audience -> InvalidIdentityToken", 400, "InvalidIdentityToken", "Incorrect token audience",
                 sts.assume_role_with_web_identity, RoleArn=web_role, RoleSessionName="web-selftest", WebIdentityToken=other)
    stranger = dict(forged, iss="https://idp.example.test")
    expect_error("unregistered issuer -> InvalidIdentityToken", 400, "InvalidIdentityToken",
                 "No OpenIDConnect provider found in your account for https://idp.example.test",
                 sts.assume_role_with_web_identity, RoleArn=web_role, RoleSessionName="web-selftest",
                 WebIdentityToken=self_signed_token(stranger))
    unreachable = dict(forged, iss="https://127.0.0.1:1/unreachable-idp")
    expect_error("provider's keys unreachable -> IDPCommunicationError", 400, "IDPCommunicationError",
                 "Couldn't retrieve verification key from your identity provider*",
                 sts.assume_role_with_web_identity, RoleArn=web_role, RoleSessionName="web-selftest",
                 WebIdentityToken=self_signed_token(unreachable))
    expect_error("trust policy for another subject -> AccessDenied", 403, "AccessDenied",
                 "Not authorized to perform sts:AssumeRoleWithWebIdentity", sts.assume_role_with_web_identity,
                 RoleArn=ROLE["WebIdentityOtherUser"], RoleSessionName="web-selftest", WebIdentityToken=id_token)
    expect_error("a role without a web identity trust -> AccessDenied", 403, "AccessDenied",
                 "Not authorized to perform sts:AssumeRoleWithWebIdentity", sts.assume_role_with_web_identity,
                 RoleArn=ROLE["S3Access"], RoleSessionName="web-selftest", WebIdentityToken=id_token)
    expect_error("DurationSeconds above the role's 7200 -> ValidationError", 400, "ValidationError",
                 "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                 sts.assume_role_with_web_identity, RoleArn=web_role, RoleSessionName="web-selftest", WebIdentityToken=id_token,
                 DurationSeconds=7201)
    status, _, root = raw("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=%s&RoleSessionName=web-selftest"
                          "&WebIdentityToken=abc" % web_role, sign=False)
    message = root.find(".//%sMessage" % NS).text
    check("too short a token -> ValidationError that does not echo the token", status == 400
          and "'webIdentityToken'" in message and "abc" not in message, message)
    try:
        admin("/__test__/advance-clock?seconds=3700")
        expect_error("ID token past its exp on the double's clock -> ExpiredTokenException", 400,
                     "ExpiredTokenException", "Token expired: current date/time *",
                     sts.assume_role_with_web_identity, RoleArn=web_role, RoleSessionName="web-selftest",
                     WebIdentityToken=id_token)
    finally:
        admin("/__test__/reset-clock")


def main():
    james, alice = as_user(JAMES), as_user(ALICE)
    james_arn = "arn:aws:iam::%s:user/james" % ACCOUNT

    # --- identity and signatures
    ident = james.get_caller_identity()
    check("GetCallerIdentity as james", (ident["Arn"], ident["UserId"], ident["Account"])
          == (james_arn, JAMES["user_id"], ACCOUNT), ident)
    ident = client(JAMES["access_key_id"], JAMES["secret_access_key"], region="eu-central-1").get_caller_identity()
    check("any region in the credential scope", ident["Arn"] == james_arn)
    expect_error("wrong secret -> SignatureDoesNotMatch", 403, "SignatureDoesNotMatch",
                 "The request signature we calculated does not match the signature you provided.*",
                 client(JAMES["access_key_id"], "x" + JAMES["secret_access_key"][1:]).get_caller_identity)
    expect_error("unknown key -> InvalidClientTokenId", 403, "InvalidClientTokenId",
                 "The security token included in the request is invalid.",
                 client("AKIAUNKNOWN000000000", JAMES["secret_access_key"]).get_caller_identity)
    expect_error("long-term key with a session token -> InvalidClientTokenId", 403, "InvalidClientTokenId", None,
                 client(JAMES["access_key_id"], JAMES["secret_access_key"], "bogus").get_caller_identity)

    status, headers, root = raw("Action=GetCallerIdentity&Version=2011-06-15")
    check("hand-signed request accepted", status == 200 and root.find(".//%sArn" % NS).text == james_arn)
    check("Server header names the test double", "Test-Double" in headers.get("Server", ""), headers.get("Server"))
    status, _, root = raw("Action=GetCallerIdentity&Version=2011-06-15", signer_service="s3")
    check("credential scoped to s3 -> 403 SignatureDoesNotMatch", status == 403
          and root.find(".//%sCode" % NS).text == "SignatureDoesNotMatch"
          and "scoped to correct service: 'sts'" in root.find(".//%sMessage" % NS).text)
    status, _, root = raw("Action=GetCallerIdentity&Version=2011-06-15",
                          signed_at=datetime.now(timezone.utc) - timedelta(minutes=6))
    check("request signed 6 min ago -> Signature expired", status == 403
          and root.find(".//%sCode" % NS).text == "SignatureDoesNotMatch"
          and root.find(".//%sMessage" % NS).text.startswith("Signature expired: "))
    status, _, root = raw("Action=GetCallerIdentity&Version=2011-06-15",
                          signed_at=datetime.now(timezone.utc) + timedelta(minutes=6))
    check("request signed 6 min ahead -> Signature not yet current", status == 403
          and root.find(".//%sMessage" % NS).text.startswith("Signature not yet current: "))
    status, _, root = raw("Action=GetCallerIdentity&Version=2011-06-15",
                          extra_headers={"X-Amz-Content-SHA256": "0" * 64})
    check("x-amz-content-sha256 not matching the body -> 403", status == 403)
    status, _, root = raw("Action=GetCallerIdentity&Version=2011-06-15", sign=False)
    check("unsigned -> AWS ErrorResponse form, 403 MissingAuthenticationToken",
          status == 403 and root.tag == NS + "ErrorResponse" and root.find("%sError/%sType" % (NS, NS)).text == "Sender"
          and root.find("%sError/%sCode" % (NS, NS)).text == "MissingAuthenticationToken"
          and bool(root.find("%sRequestId" % NS).text))
    status, _, root = raw("Action=GetFederationToken&Version=2011-06-15&Name=x")
    check("unsupported action -> 400 InvalidAction", status == 400
          and root.find(".//%sCode" % NS).text == "InvalidAction")

    # --- AssumeRole and the session it gives
    answer = james.assume_role(RoleArn=ROLE["S3Access"], RoleSessionName="selftest")
    creds, user = answer["Credentials"], answer["AssumedRoleUser"]
    role_id = next(r["role_id"] for r in WORLD["roles"] if r["name"] == "S3Access")
    session_arn = "arn:aws:sts::%s:assumed-role/S3Access/selftest" % ACCOUNT
    check("AssumeRole S3Access", user["Arn"] == session_arn and user["AssumedRoleId"] == role_id + ":selftest"
          and creds["AccessKeyId"].startswith("ASIA") and len(creds["SecretAccessKey"]) == 40, user)
    lifetime = (creds["Expiration"] - datetime.now(timezone.utc)).total_seconds()
    check("default duration is 3600 s", 3590 < lifetime <= 3600, lifetime)
    ident = as_session(creds).get_caller_identity()
    check("GetCallerIdentity as the role session", (ident["Arn"], ident["UserId"])
          == (session_arn, role_id + ":selftest"), ident)
    expect_error("tampered session token -> InvalidClientTokenId", 403, "InvalidClientTokenId",
                 "The security token included in the request is invalid.",
                 client(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"] + "x").get_caller_identity)
    expect_error("session key without its token -> InvalidClientTokenId", 403, "InvalidClientTokenId", None,
                 client(creds["AccessKeyId"], creds["SecretAccessKey"]).get_caller_identity)
    expect_error("alice is not trusted by S3Access", 403, "AccessDenied",
                 not_authorized("arn:aws:iam::%s:user/alice" % ACCOUNT, ROLE["S3Access"]),
                 alice.assume_role, RoleArn=ROLE["S3Access"], RoleSessionName="alice")
    missing = "arn:aws:iam::%s:role/NoSuchRole" % ACCOUNT
    expect_error("unknown role -> AccessDenied", 403, "AccessDenied", not_authorized(james_arn, missing),
                 james.assume_role, RoleArn=missing, RoleSessionName="selftest")

    # --- ExternalId
    expect_error("PartnerRole without ExternalId -> AccessDenied", 403, "AccessDenied",
                 not_authorized(james_arn, ROLE["PartnerRole"]),
                 james.assume_role, RoleArn=ROLE["PartnerRole"], RoleSessionName="selftest")
    expect_error("PartnerRole with a wrong ExternalId -> AccessDenied", 403, "AccessDenied",
                 not_authorized(james_arn, ROLE["PartnerRole"]),
                 james.assume_role, RoleArn=ROLE["PartnerRole"], RoleSessionName="selftest", ExternalId="Partner-0000")
    ok = james.assume_role(RoleArn=ROLE["PartnerRole"], RoleSessionName="selftest", ExternalId="Partner-4711")
    check("PartnerRole with ExternalId Partner-4711", ok["AssumedRoleUser"]["Arn"].endswith("/PartnerRole/selftest"))

    # --- MFA
    seed, serial = JAMES["mfa"]["totp_seed_base32"], JAMES["mfa"]["serial"]
    expect_error("MfaRole without MFA -> AccessDenied", 403, "AccessDenied", not_authorized(james_arn, ROLE["MfaRole"]),
                 james.assume_role, RoleArn=ROLE["MfaRole"], RoleSessionName="selftest")
    expect_error("MfaRole with a wrong code -> MFA failed", 403, "AccessDenied",
                 "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
                 james.assume_role, RoleArn=ROLE["MfaRole"], RoleSessionName="selftest",
                 SerialNumber=serial, TokenCode=wrong_code(seed))
    expect_error("MfaRole with another user's device -> MFA failed", 403, "AccessDenied",
                 "MultiFactorAuthentication failed, unable to validate MFA code.*",
                 james.assume_role, RoleArn=ROLE["MfaRole"], RoleSessionName="selftest",
                 SerialNumber="arn:aws:iam::%s:mfa/alice" % ACCOUNT, TokenCode=totp(seed, time.time()))
    ok = james.assume_role(RoleArn=ROLE["MfaRole"], RoleSessionName="selftest", SerialNumber=serial,
                           TokenCode=totp(seed, time.time()))
    check("MfaRole with the current TOTP code", ok["AssumedRoleUser"]["Arn"].endswith("/MfaRole/selftest"))
    status, _, root = raw("Action=AssumeRole&Version=2011-06-15&RoleArn=%s&RoleSessionName=s1"
                          "&SerialNumber=%s&TokenCode=12345x" % (ROLE["MfaRole"], serial))
    message = root.find(".//%sMessage" % NS).text
    check("malformed TokenCode -> ValidationError that does not echo the code", status == 400
          and "'tokenCode'" in message and "12345x" not in message, message)

    # --- durations and chaining
    expect_error("S3Access DurationSeconds 3601 > role max", 400, "ValidationError",
                 "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                 james.assume_role, RoleArn=ROLE["S3Access"], RoleSessionName="selftest", DurationSeconds=3601)
    expect_error("DurationSeconds 899 < 900", 400, "ValidationError",
                 "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: "
                 "Member must have value greater than or equal to 900",
                 james.assume_role, RoleArn=ROLE["S3Access"], RoleSessionName="selftest", DurationSeconds=899)
    long = james.assume_role(RoleArn=ROLE["LongRole"], RoleSessionName="selftest", DurationSeconds=43200)
    lifetime = (long["Credentials"]["Expiration"] - datetime.now(timezone.utc)).total_seconds()
    check("LongRole DurationSeconds 43200", 43190 < lifetime <= 43200, lifetime)
    chained = as_session(creds).assume_role(RoleArn=ROLE["ChainTarget"], RoleSessionName="chained")
    check("role chaining S3Access -> ChainTarget",
          chained["AssumedRoleUser"]["Arn"] == "arn:aws:sts::%s:assumed-role/ChainTarget/chained" % ACCOUNT)
    expect_error("role chaining with 3601 s -> 1 hour limit", 400, "ValidationError",
                 "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
                 as_session(creds).assume_role, RoleArn=ROLE["ChainTarget"], RoleSessionName="chained",
                 DurationSeconds=3601)
    expect_error("james himself is not trusted by ChainTarget", 403, "AccessDenied",
                 not_authorized(james_arn, ROLE["ChainTarget"]),
                 james.assume_role, RoleArn=ROLE["ChainTarget"], RoleSessionName="selftest")

    # --- parameter validation
    expect_error("RoleSessionName with a space -> ValidationError", 400, "ValidationError",
                 "1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy constraint: "
                 "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
                 james.assume_role, RoleArn=ROLE["S3Access"], RoleSessionName="bad name")
    expect_error("two bad parameters -> 2 validation errors", 400, "ValidationError", "2 validation errors detected: *",
                 james.assume_role, RoleArn=ROLE["S3Access"], RoleSessionName="x", ExternalId="y")
    expect_error("missing RoleSessionName", 400, "ValidationError",
                 "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: "
                 "Member must not be null", james.assume_role, RoleArn=ROLE["S3Access"])
    expect_error("Policy that is not JSON -> MalformedPolicyDocument", 400, "MalformedPolicyDocument", None,
                 james.assume_role, RoleArn=ROLE["S3Access"], RoleSessionName="selftest", Policy="{not json")
    big = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                               "Resource": "arn:aws:s3:::data/" + "k" * 2100}]})
    expect_error("Policy over 2048 characters -> ValidationError", 400, "ValidationError", None,
                 james.assume_role, RoleArn=ROLE["S3Access"], RoleSessionName="selftest", Policy=big)
    small = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
    ok = james.assume_role(RoleArn=ROLE["S3Access"], RoleSessionName="selftest", Policy=small)
    check("valid session Policy reports PackedPolicySize", 0 < ok.get("PackedPolicySize", 0) <= 100)

    # --- GetSessionToken
    st = james.get_session_token(DurationSeconds=900)
    ident = as_session(st["Credentials"]).get_caller_identity()
    check("GetSessionToken as james; its identity is james", ident["Arn"] == james_arn)
    expect_error("GetSessionToken with session credentials -> AccessDenied", 403, "AccessDenied",
                 "Cannot call GetSessionToken with session credentials", as_session(creds).get_session_token)
    expect_error("GetSessionToken DurationSeconds 129601", 400, "ValidationError", "1 validation error detected: *",
                 james.get_session_token, DurationSeconds=129601)
    mfa_st = james.get_session_token(SerialNumber=serial, TokenCode=totp(seed, time.time()))
    ok = as_session(mfa_st["Credentials"]).assume_role(RoleArn=ROLE["MfaRole"], RoleSessionName="viamfa")
    check("an MFA session token may assume MfaRole", ok["AssumedRoleUser"]["Arn"].endswith("/MfaRole/viamfa"))

    # --- expiry through the test-only clock (reset afterwards: later tests share this double)
    try:
        state = admin("/__test__/advance-clock?seconds=3601")
        check("advance-clock moved the double's clock", state["clock_offset"] >= 3601, state)
        expect_error("role session after its expiry -> ExpiredToken", 403, "ExpiredToken",
                     "The security token included in the request is expired", as_session(creds).get_caller_identity)
        still = as_session(long["Credentials"]).get_caller_identity()
        check("12-hour session still valid an hour later", still["Arn"].endswith("/LongRole/selftest"))
    finally:
        state = admin("/__test__/reset-clock")
    check("reset-clock", state["clock_offset"] == 0, state)
    ident = as_session(creds).get_caller_identity()
    check("the session is valid again at the real time", ident["Arn"] == session_arn)

    s3_checks()
    web_identity_checks()

    print("sts_test_double_selftest: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
