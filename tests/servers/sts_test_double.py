#!/usr/bin/python3
"""RoleDrop's STS + S3 TEST DOUBLE - a stand-in for AWS STS and S3 in tests. It is NOT AWS, NOT a real STS and
NOT a real S3. Both sides run in one process on one loopback port and share one world, one clock, one log.

Why it exists: Ceph RGW (the real S3 + STS the e2e tests use) lacks GetCallerIdentity, the sts:ExternalId
and MFA trust conditions, and answers STS errors in S3's <Error> form instead of AWS's <ErrorResponse>. Its
sessions last at least 900 s and its clock cannot be moved, so a test cannot make a role session expire in
the middle of an upload; RGW 16.2 also ignores the flexible checksums (x-amz-checksum-*) aws-cli 2.23+ sends
and has no conditional writes. This double fills those gaps and checks what real STS / S3 check.

STS side (POST / with a form body Action=..., or GET /?Action=...):
  - SigV4 on every request (Authorization header), recomputed independently with botocore's SigV4Auth
    from the received method, path, query, signed headers and body; scope service must be `sts`, any region;
    X-Amz-Date within 5 minutes of the real clock.
  - access keys: long-term keys of the world's users, temporary keys it issued (with their session token,
    checked for expiry against the double's clock).
  - AssumeRole (trust policies with sts:ExternalId / aws:MultiFactorAuthPresent conditions, role chaining,
    DurationSeconds limits, AWS's parameter validation), GetCallerIdentity, GetSessionToken.
  - AssumeRoleWithWebIdentity, unsigned as at AWS: the ID token (a JWT) is verified as AWS does it: its `iss`
    must be an OIDC provider of the world (`oidc_providers`), its signature (RS256/384/512, ES256/384/512; never
    none or HS*) checked against the provider's JWKS, fetched over https from the `jwks_uri` of the issuer's
    /.well-known/openid-configuration (trusting --oidc-ca-file) and cached, refetched once for an unknown kid;
    `exp` not passed on the double's clock; `aud` (a string or a list) one of the provider's client ids; the
    role's trust policy (Principal Federated = the provider's ARN, Action sts:AssumeRoleWithWebIdentity) with
    conditions on `<issuer host/path>:aud` and `:sub`. AWS's errors: InvalidIdentityToken,
    ExpiredTokenException, IDPCommunicationError, AccessDenied, ValidationError.
  - answers and errors in AWS's documented XML, with AWS's HTTP status codes.

S3 side (every other request; path-style only: /bucket/key):
  - SigV4 on every request, recomputed with botocore's S3SigV4Auth (S3 rules: the path is URI-encoded once,
    not normalised; x-amz-content-sha256 is required and must be signed; a hex payload hash must match the
    body, UNSIGNED-PAYLOAD is accepted, and so are aws-chunked bodies: STREAMING-AWS4-HMAC-SHA256-PAYLOAD
    (every chunk signature verified), STREAMING-UNSIGNED-PAYLOAD-TRAILER and
    STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER (checksum trailer; trailer signature verified); ECDSA
    streaming answers 501 NotImplemented). Presigned URLs (X-Amz-Algorithm... in the query) too, with
    X-Amz-Expires. X-Amz-Date within 15 minutes of the real clock (RequestTimeTooSkewed). Any region.
  - the same keys as the STS side; a temporary key's token expires on the double's clock (S3's 400
    ExpiredToken). A role session acts as its role.
  - buckets come from the world file, each with a bucket policy naming the principals (user / role ARNs) that
    may do which s3: actions; everyone else gets AccessDenied. Objects live in a temporary directory (bodies
    are streamed to disk), metadata in memory.
  - ListBuckets, HeadBucket, GetBucketLocation, ListObjects(V2), HeadObject, GetObject (Range, partNumber,
    conditional headers, x-amz-checksum-mode), PutObject (If-None-Match: *, If-Match), DeleteObject(s),
    CreateMultipartUpload, UploadPart, ListParts, CompleteMultipartUpload (If-None-Match: *, If-Match),
    AbortMultipartUpload, ListMultipartUploads. ETags as S3 computes them.
  - flexible checksums as S3 checks them: x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256} headers or
    trailers verified against the body, multipart uploads with x-amz-checksum-algorithm / -type (COMPOSITE
    or FULL_OBJECT; full-object CRCs are combined from the parts' CRCs), stored and returned.
  - errors in S3's <Error> XML with S3's codes and HTTP statuses.

Test-only admin endpoints (no authentication; the server listens on loopback only; answers are JSON):
  GET    /__test__/health                  -> {"test_double": true, "clock_offset": N, ...}
  POST   /__test__/advance-clock?seconds=N  moves the double's clock N seconds ahead (negative: back), so
                                            tests can make issued credentials expire without waiting
  POST   /__test__/reset-clock              back to the real time
  POST   /__test__/min-duration?seconds=N   AssumeRole then accepts DurationSeconds down to N (default 900),
  DELETE /__test__/min-duration             e.g. a 30-second role session; DELETE goes back to 900
  POST   /__test__/session-lifetime?seconds=N  every session issued from now on lasts at most N seconds, whatever
  DELETE /__test__/session-lifetime         DurationSeconds asked (a client that keeps to STS's 900 s minimum
                                            still gets a short session, to renew mid-transfer); DELETE: no cap
  POST   /__test__/min-part-size?bytes=N    smallest part (but the last) CompleteMultipartUpload accepts;
  DELETE /__test__/min-part-size            DELETE goes back to the world's (default 5 MiB)
  GET    /__test__/log?since=SEQ            every STS and S3 request answered (seq, action such as
  DELETE /__test__/log                      "s3:UploadPart", access key id, caller ARN, bucket, key, part,
                                            status, error code, bytes received...); DELETE empties it
  POST   /__test__/fail?action=sts:AssumeRole&times=2&status=500&code=InternalError[&message=M][&skip=N]
                        [&bucket=B][&key=K][&part=P]
                                            the next K matching requests (after N skipped) fail with that
                                            error; action may end in '*' (s3:*)
  GET    /__test__/fail, DELETE /__test__/fail   the rules / no rules
  GET    /__test__/object?bucket=B&key=K    the stored object's size and SHA-256 (404 if none)
  GET    /__test__/uploads?bucket=B         unfinished multipart uploads and their parts
  POST   /__test__/reset                    clock, min-duration, min-part-size and fail rules back to normal
The double's clock decides credential expiry (and the Expiration it issues) and presigned-URL expiry;
signature dates and TOTP codes are checked against the real clock, as the client signs with the real time.

MFA: a user's device accepts the RFC 6238 TOTP code (SHA-1, 6 digits, 30 s) of its base32 seed from the
world file, for the current window +/- 1. Unlike AWS, a code may be reused.

Usage (always with Debian's /usr/bin/python3, which has python3-botocore):
  sts_test_double.py --world sts_double_world.json [--port 0] [--port-file F] [--data-dir D]
                                                                 serve; prints READY port=N
  sts_test_double.py --world W --print-env http://127.0.0.1:N    export lines describing the world
  sts_test_double.py --totp BASE32SEED                           the current TOTP code of a seed
"""
import argparse
import base64
import binascii
import email.utils
import fnmatch
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import string
import struct
import sys
import tempfile
import threading
import time
import traceback
import uuid
import xml.etree.ElementTree as ET
import zlib
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit
from xml.sax.saxutils import escape

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from tls_http_server import tls_threading_http_server  # this folder: the script's own directory is on sys.path
from web_identity_verifier import OidcProvider, WebIdentityError, WebIdentityVerifier, provider_name

XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
API_VERSION = "2011-06-15"
SERVER_HEADER = "RoleDrop-STS-Test-Double"
MAX_SKEW_SECONDS = 300
CHAINED_ROLE_MAX_SECONDS = 3600
DEFAULT_MIN_DURATION_SECONDS = 900
ARN_RE = re.compile(r"^arn:[\w-]+:[\w-]+:[\w-]*:\d*:.+$", re.ASCII)

# ----------------------------------------------------------------------------------------------- errors

class StsError(Exception):
    """An AWS STS error answer: code, message and HTTP status as AWS sends them."""

    def __init__(self, code, message, status, kind="Sender"):
        super().__init__(message)
        self.code, self.message, self.status, self.kind = code, message, status, kind


def access_denied(caller_arn, role_arn):
    return StsError("AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s"
                    % (caller_arn, role_arn), 403)


INVALID_TOKEN = ("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
BAD_SIGNATURE = ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                 "you provided. Check your AWS Secret Access Key and signing method. Consult the service "
                 "documentation for details.", 403)
MFA_BAD_CODE = ("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ", 403)
MFA_BAD_DEVICE = ("AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code. Please verify "
                  "your MFA serial number is valid and associated with this user.", 403)


# -------------------------------------------------------------------------------- parameter validation

class Field:
    """One request parameter's constraints, as the STS API reference lists them."""

    def __init__(self, name, required=False, min_len=None, max_len=None, pattern=None,
                 min_value=None, max_value=None, secret=False):
        self.name, self.required, self.secret = name, required, secret
        self.min_len, self.max_len, self.min_value, self.max_value = min_len, max_len, min_value, max_value
        self.pattern = pattern

    @property
    def member(self):  # AWS names members in lowerCamelCase in its validation messages
        return self.name[0].lower() + self.name[1:]


def validation_errors(params, fields):
    """AWS's '1 validation error detected: ...' text for params, or None when they are valid."""
    problems = []
    for f in fields:
        value = params.get(f.name)
        # MFA codes are secrets: AWS-style messages echo values, ours must not echo this one.
        shown = "Value" if f.secret else "Value '%s'" % value
        where = "at '%s' failed to satisfy constraint: Member must" % f.member
        if value is None:
            if f.required:
                problems.append("Value null %s not be null" % where)
            continue
        if f.min_value is not None:
            if not re.fullmatch(r"-?\d+", value):
                problems.append("%s %s be a number" % (shown, where))
                continue
            if int(value) < f.min_value:
                problems.append("%s %s have value greater than or equal to %d" % (shown, where, f.min_value))
            if int(value) > f.max_value:
                problems.append("%s %s have value less than or equal to %d" % (shown, where, f.max_value))
            continue
        if f.min_len is not None and len(value) < f.min_len:
            problems.append("%s %s have length greater than or equal to %d" % (shown, where, f.min_len))
        if f.max_len is not None and len(value) > f.max_len:
            problems.append("%s %s have length less than or equal to %d" % (shown, where, f.max_len))
        if f.pattern is not None and not re.fullmatch(f.pattern, value, re.ASCII):
            problems.append("%s %s satisfy regular expression pattern: %s" % (shown, where, f.pattern))
    if not problems:
        return None
    count = len(problems)
    return "%d validation error%s detected: %s" % (count, "" if count == 1 else "s", "; ".join(problems))


def checked_role_request(params, fields):
    """The checks both AssumeRole calls make before trust: the fields, the role ARN, the session policy.
    Returns the role ARN and the packed policy size (percent of the limit; None without a policy)."""
    problem = validation_errors(params, fields)
    if problem:
        raise StsError("ValidationError", problem, 400)
    role_arn = params["RoleArn"]
    if not ARN_RE.match(role_arn):
        raise StsError("ValidationError", "%s is invalid" % role_arn, 400)
    if "Policy" not in params:
        return role_arn, None
    try:
        policy = json.loads(params["Policy"])
    except ValueError:
        raise StsError("MalformedPolicyDocument", "The policy is not in the valid JSON format.", 400)
    if not isinstance(policy, dict) or "Statement" not in policy:
        raise StsError("MalformedPolicyDocument", "Syntax errors in policy.", 400)
    packed = json.dumps(policy, separators=(",", ":"))
    return role_arn, -(-len(packed) * 100 // 2048)


SERIAL = Field("SerialNumber", min_len=9, max_len=256, pattern=r"[\w+=/:,.@-]*")
TOKEN_CODE = Field("TokenCode", min_len=6, max_len=6, pattern=r"[\d]*", secret=True)
ASSUME_ROLE_FIELDS = [
    Field("RoleArn", required=True, min_len=20, max_len=2048),
    Field("RoleSessionName", required=True, min_len=2, max_len=64, pattern=r"[\w+=,.@-]*"),
    Field("DurationSeconds", min_value=900, max_value=43200),
    Field("ExternalId", min_len=2, max_len=1224, pattern=r"[\w+=,.@:/-]*"),
    Field("Policy", min_len=1, max_len=2048, pattern="[\u0009\u000A\u000D\u0020-\u00FF]+"),
    Field("SourceIdentity", min_len=2, max_len=64, pattern=r"[\w+=,.@-]*"),
    SERIAL,
    TOKEN_CODE,
]
WEB_IDENTITY_FIELDS = [
    Field("RoleArn", required=True, min_len=20, max_len=2048),
    Field("RoleSessionName", required=True, min_len=2, max_len=64, pattern=r"[\w+=,.@-]*"),
    Field("WebIdentityToken", required=True, min_len=4, max_len=20000, secret=True),
    Field("DurationSeconds", min_value=900, max_value=43200),
    Field("Policy", min_len=1, max_len=2048, pattern="[\u0009\u000A\u000D\u0020-\u00FF]+"),
]
GET_SESSION_TOKEN_FIELDS = [Field("DurationSeconds", min_value=900, max_value=129600), SERIAL, TOKEN_CODE]


# ------------------------------------------------------------------------------------------------ world

def totp(seed_base32, at, step=30, digits=6):
    """RFC 6238 TOTP (HMAC-SHA-1) of a base32 seed at unix time `at`."""
    key = base64.b32decode(seed_base32.upper() + "=" * (-len(seed_base32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at // step)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** digits
    return "%0*d" % (digits, code)


class World:
    def __init__(self, doc):
        self.account = doc["account"]
        self.users = {u["name"]: u for u in doc["users"]}
        self.users_by_key = {u["access_key_id"]: u for u in doc["users"]}
        self.roles = {self.role_arn(r["name"]): r for r in doc["roles"]}
        # IAM OIDC identity providers; "${OIDC_ISSUER}" in the world file is the test provider's issuer (--oidc-issuer)
        # and a provider still holding it (no issuer given) is left out.
        self.oidc_providers = [OidcProvider(p["url"], p["client_ids"], p.get("env"))
                               for p in doc.get("oidc_providers", []) if "${" not in p["url"]]
        self.extra_env = doc.get("extra_env", {})
        s3 = doc.get("s3", {})
        self.min_part_size = int(s3.get("min_part_size", DEFAULT_MIN_PART_SIZE))
        self.region = s3.get("region", "us-east-1")
        self.buckets = doc.get("buckets", {})
        for name, bucket in self.buckets.items():
            if not BUCKET_NAME_RE.fullmatch(name):
                raise ValueError("world: %r is not a valid S3 bucket name" % name)
            if bucket.get("owner") is not None and bucket["owner"] not in self.users:
                raise ValueError("world: bucket %s: owner %r is not a user of the world" % (name, bucket["owner"]))
            for stmt in as_list(bucket.get("policy", {}).get("Statement", [])):
                if stmt.get("Effect") not in ("Allow", "Deny"):
                    raise ValueError("world: bucket %s: a policy statement needs Effect Allow or Deny" % name)

    def user_arn(self, name):
        return "arn:aws:iam::%s:user/%s" % (self.account, name)

    def role_arn(self, name):
        return "arn:aws:iam::%s:role/%s" % (self.account, name)

    def oidc_provider_arn(self, provider):
        return "arn:aws:iam::%s:oidc-provider/%s" % (self.account, provider.name)


def load_world(path, oidc_issuer=None):
    """The world file, with ${OIDC_ISSUER} and ${OIDC_PROVIDER} (its host/path, as IAM names the provider and its
    condition keys) replaced by the test OpenID Provider's issuer when one is given."""
    with open(path) as f:
        text = f.read()
    if oidc_issuer:
        text = text.replace("${OIDC_ISSUER}", oidc_issuer.rstrip("/")).replace("${OIDC_PROVIDER}",
                                                                              provider_name(oidc_issuer))
    return World(json.loads(text))


class Session:
    """Temporary credentials the double issued."""

    def __init__(self, user, role, session_name, expiration, mfa):
        self.access_key_id = "ASIA" + "".join(secrets.choice(string.ascii_uppercase + "234567") for _ in range(16))
        alphabet = string.ascii_letters + string.digits + "+/"
        self.secret_access_key = "".join(secrets.choice(alphabet) for _ in range(40))
        # Real tokens are long and carry '+', '/' and '=': clients must encode them right.
        self.session_token = "IQoJb3JpZ2luX2VjE" + base64.b64encode(os.urandom(300)).decode()
        self.user, self.role, self.session_name = user, role, session_name
        self.expiration, self.mfa = expiration, mfa


class Caller:
    """Who signed a request: a user's long-term key, or a session the double issued."""

    def __init__(self, world, user, session=None, key_id=None):
        self.world, self.user, self.session, self.key_id = world, user, session, key_id

    @property
    def role(self):
        return self.session.role if self.session else None

    @property
    def arn(self):
        if self.role:
            return "arn:aws:sts::%s:assumed-role/%s/%s" % (self.world.account, self.role["name"],
                                                          self.session.session_name)
        return self.world.user_arn(self.user["name"])

    @property
    def user_id(self):
        if self.role:
            return "%s:%s" % (self.role["role_id"], self.session.session_name)
        return self.user["user_id"]

    @property
    def mfa_authenticated(self):
        return bool(self.session and self.session.mfa)

    def principal_matches(self, principal):
        if self.user is None:  # a web identity session: only its role names it
            return bool(self.role) and principal in (self.arn, self.world.role_arn(self.role["name"]))
        if principal in ("*", self.world.account, "arn:aws:iam::%s:root" % self.world.account, self.arn):
            return True
        return bool(self.role) and principal == self.world.role_arn(self.role["name"])


# ------------------------------------------------------------------------------------- trust policies

def as_list(v):
    return v if isinstance(v, list) else [v]


def condition_holds(operator, key_values, context):
    for key, wanted in key_values.items():
        actual = context.get(key)
        wanted = [str(w) for w in as_list(wanted)]
        if operator == "StringEquals":
            ok = actual is not None and actual in wanted
        elif operator == "StringNotEquals":
            ok = actual is None or actual not in wanted
        elif operator == "Bool":
            ok = actual is not None and actual.lower() in [w.lower() for w in wanted]
        elif operator == "Null":
            ok = (actual is None) == (wanted[0].lower() == "true")
        else:
            log("trust policy uses condition operator %s, which the test double does not support" % operator)
            ok = False
        if not ok:
            return False
    return True


def statement_applies(stmt, caller, context, action="sts:AssumeRole", principal_kind="AWS"):
    """caller: a Caller (AssumeRole), or for a web identity the provider's ARN (Principal Federated)."""
    actions = as_list(stmt.get("Action", []))
    if not any(a in ("*", "sts:*", action) for a in actions):
        return False
    principal = stmt.get("Principal", {})
    principals = ["*"] if principal == "*" else as_list(principal.get(principal_kind, []))
    if principal_kind == "AWS" and not any(caller.principal_matches(p) for p in principals):
        return False
    if principal_kind == "Federated" and caller not in principals:
        return False
    return all(condition_holds(op, kv, context) for op, kv in stmt.get("Condition", {}).items())


def trust_allows(role, caller, context, action="sts:AssumeRole", principal_kind="AWS"):
    statements = as_list(role["trust_policy"].get("Statement", []))
    applying = [s for s in statements if statement_applies(s, caller, context, action, principal_kind)]
    return any(s["Effect"] == "Allow" for s in applying) and not any(s["Effect"] == "Deny" for s in applying)



# ---------------------------------------------------------------------------------------------- the STS

def iso8601(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def log(message):
    print("%s sts-test-double: %s" % (iso8601(time.time()), message), file=sys.stderr, flush=True)


class ExactSignedHeadersSigV4(SigV4Auth):
    """botocore's SigV4 over exactly the headers the client listed in SignedHeaders.

    botocore's own list skips some headers (user-agent, expect) that a correct client may sign."""

    def __init__(self, credentials, service, region, signed_headers):
        super().__init__(credentials, service, region)
        self._signed = signed_headers

    def headers_to_sign(self, request):
        headers = HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or []:
                headers[name] = value
        return headers


class KeyProblem(Exception):
    """Why an access key (and its session token) was refused; each side answers it in its own words."""

    UNKNOWN, TOKEN_WITH_LONG_TERM_KEY, MISSING_TOKEN, BAD_TOKEN, EXPIRED = range(5)

    def __init__(self, kind, token=None):
        super().__init__(kind)
        self.kind, self.token = kind, token


class StsTestDouble:
    def __init__(self, world, oidc_ca_file=None):
        self.world = world
        self.web_identity = WebIdentityVerifier(world.oidc_providers, oidc_ca_file, log)
        self.sessions = {}
        self.clock_offset = 0
        self.min_duration = DEFAULT_MIN_DURATION_SECONDS
        self.session_lifetime_cap = None  # /__test__/session-lifetime: at most this many seconds per session
        self.lock = threading.Lock()
        self.knobs = TestKnobs()

    def now(self):
        return time.time() + self.clock_offset

    # --- authentication

    def authenticate(self, method, path, query, headers, body):
        auth = headers.get("Authorization")
        if not auth:
            raise StsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
        algorithm, _, rest = auth.strip().partition(" ")
        if algorithm != "AWS4-HMAC-SHA256":
            raise StsError("IncompleteSignature", "Unsupported AWS 'algorithm': '%s'" % algorithm, 400)
        parts = {}
        for item in rest.split(","):
            key, _, value = item.strip().partition("=")
            parts[key] = value
        missing = [p for p in ("Credential", "Signature", "SignedHeaders") if not parts.get(p)]
        if missing:
            raise StsError("IncompleteSignature", " ".join(
                "Authorization header requires '%s' parameter." % p for p in missing), 400)
        scope = parts["Credential"].split("/")
        if len(scope) != 5:
            raise StsError("IncompleteSignature", "Credential should have exactly 5 slash-separated parts: "
                           "AccessKeyId/date/region/service/aws4_request", 400)
        key_id, scope_date, region, service, terminator = scope
        signed = parts["SignedHeaders"].split(";")
        if "host" not in signed:
            raise StsError("IncompleteSignature",
                           "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", 400)
        amz_date = headers.get("X-Amz-Date")
        if not amz_date:
            raise StsError("IncompleteSignature", "Authorization header requires existence of either a "
                           "'X-Amz-Date' or a 'Date' header.", 400)
        if "x-amz-date" not in signed:
            raise StsError("IncompleteSignature", "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
                           400)
        try:
            signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            raise StsError("IncompleteSignature", "Date must be in ISO-8601 'basic format'. Got '%s'." % amz_date,
                           400)
        real_now = time.time()
        stamp = lambda t: datetime.fromtimestamp(t, timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        if signed_at < real_now - MAX_SKEW_SECONDS:
            raise StsError("SignatureDoesNotMatch", "Signature expired: %s is now earlier than %s (%s - 5 min.)"
                           % (amz_date, stamp(real_now - MAX_SKEW_SECONDS), stamp(real_now)), 403)
        if signed_at > real_now + MAX_SKEW_SECONDS:
            raise StsError("SignatureDoesNotMatch", "Signature not yet current: %s is still later than %s (%s + 5 min.)"
                           % (amz_date, stamp(real_now + MAX_SKEW_SECONDS), stamp(real_now)), 403)
        if scope_date != amz_date[:8]:
            raise StsError("SignatureDoesNotMatch", "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                           "version of date from HTTP: '%s' != '%s', from '%s'." % (scope_date, amz_date[:8], amz_date),
                           403)
        if service != "sts":
            raise StsError("SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. ", 403)
        if terminator != "aws4_request":
            raise StsError("SignatureDoesNotMatch", "Credential should be scoped with a valid terminator: "
                           "'aws4_request', not '%s'. " % terminator, 403)

        caller, secret, token = self.lookup_key(key_id, headers.get("X-Amz-Security-Token"))
        body_hash = hashlib.sha256(body).hexdigest()
        claimed_hash = headers.get("X-Amz-Content-SHA256")
        if claimed_hash is not None and claimed_hash != body_hash:
            raise StsError("SignatureDoesNotMatch", "The provided 'x-amz-content-sha256' header does not match what "
                           "was computed.", 403)
        request = AWSRequest(method=method, url="http://%s%s" % (headers.get("Host", ""), unquote(path)),
                             data=body, params=query)
        # Repeated headers are joined with ',' by SigV4: keep every received value.
        for name, value in headers.items():
            request.headers[name.lower()] = value
        request.context["timestamp"] = amz_date
        signer = ExactSignedHeadersSigV4(Credentials(key_id, secret, token), "sts", region, signed)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected.encode(), parts["Signature"].encode()):
            raise StsError(*BAD_SIGNATURE)
        return caller

    def resolve_key(self, key_id, token):
        """(Caller, secret, token) of an access key; KeyProblem when the key or its token is refused."""
        user = self.world.users_by_key.get(key_id)
        if user:
            if token is not None:  # a long-term key sent with a session token
                raise KeyProblem(KeyProblem.TOKEN_WITH_LONG_TERM_KEY, token)
            return Caller(self.world, user, key_id=key_id), user["secret_access_key"], None
        with self.lock:
            session = self.sessions.get(key_id)
        if session is None:
            raise KeyProblem(KeyProblem.UNKNOWN, token)
        if token is None:
            raise KeyProblem(KeyProblem.MISSING_TOKEN)
        if not hmac.compare_digest(token.encode(), session.session_token.encode()):
            raise KeyProblem(KeyProblem.BAD_TOKEN, token)
        if self.now() >= session.expiration:
            raise KeyProblem(KeyProblem.EXPIRED, token)
        caller = Caller(self.world, session.user, session, key_id=key_id)
        return caller, session.secret_access_key, session.session_token

    def lookup_key(self, key_id, token):
        try:
            return self.resolve_key(key_id, token)
        except KeyProblem as problem:
            if problem.kind == KeyProblem.EXPIRED:
                raise StsError("ExpiredToken", "The security token included in the request is expired", 403)
            raise StsError(*INVALID_TOKEN)

    # --- actions

    def verify_mfa(self, caller, params):
        serial, code = params.get("SerialNumber"), params.get("TokenCode")
        if serial is None and code is None:
            return False
        device = caller.user.get("mfa")
        if serial is None or device is None or serial != device["serial"]:
            raise StsError(*MFA_BAD_DEVICE)
        real_now = time.time()
        valid = [totp(device["totp_seed_base32"], real_now + d * 30) for d in (-1, 0, 1)]
        if code is None or not any(hmac.compare_digest(code.encode(), v.encode()) for v in valid):
            raise StsError(*MFA_BAD_CODE)
        return True

    def issue(self, user, role, session_name, duration, mfa):
        if self.session_lifetime_cap is not None:
            duration = min(duration, self.session_lifetime_cap)
        session = Session(user, role, session_name, int(self.now()) + duration, mfa)
        with self.lock:
            self.sessions[session.access_key_id] = session
        return session

    def assume_role_fields(self):
        """ASSUME_ROLE_FIELDS with DurationSeconds' lower bound as /__test__/min-duration set it."""
        if self.min_duration == DEFAULT_MIN_DURATION_SECONDS:
            return ASSUME_ROLE_FIELDS
        return [Field("DurationSeconds", min_value=self.min_duration, max_value=43200)
                if f.name == "DurationSeconds" else f for f in ASSUME_ROLE_FIELDS]

    def assume_role(self, caller, params):
        role_arn, policy_size = checked_role_request(params, self.assume_role_fields())
        mfa = self.verify_mfa(caller, params) or caller.mfa_authenticated
        role = self.world.roles.get(role_arn)
        context = {"sts:ExternalId": params.get("ExternalId"),
                   "aws:MultiFactorAuthPresent": "true" if mfa else "false"}
        if role is None or not trust_allows(role, caller, context):
            raise access_denied(caller.arn, role_arn)
        duration = int(params.get("DurationSeconds", 3600))
        if caller.role and duration > CHAINED_ROLE_MAX_SECONDS:
            raise StsError("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for "
                           "roles assumed by role chaining.", 400)
        if duration > role["max_session_duration"]:
            raise StsError("ValidationError",
                           "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400)
        session = self.issue(caller.user, role, params["RoleSessionName"], duration, mfa)
        assumed = Caller(self.world, caller.user, session)
        result = ("<AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>%s</AssumedRoleId></AssumedRoleUser>"
                  % (escape(assumed.arn), escape(assumed.user_id))) + credentials_xml(session)
        if policy_size is not None:
            result += "<PackedPolicySize>%d</PackedPolicySize>" % policy_size
        if "SourceIdentity" in params:
            result += "<SourceIdentity>%s</SourceIdentity>" % escape(params["SourceIdentity"])
        return result

    def assume_role_with_web_identity(self, _caller, params):
        """Unsigned: the ID token is the credential (see web_identity_verifier.py for its checks)."""
        role_arn, policy_size = checked_role_request(params, WEB_IDENTITY_FIELDS)
        try:
            claims, provider = self.web_identity.verify(params["WebIdentityToken"], self.now())
        except WebIdentityError as e:
            raise StsError(e.code, e.message, e.status)
        audience = claims["_matched_audience"]
        context = {provider.name + ":aud": audience, provider.name + ":sub": claims.get("sub"),
                   provider.name + ":oaud": audience}
        if "azp" in claims:
            context[provider.name + ":azp"] = claims["azp"]
        role = self.world.roles.get(role_arn)
        if role is None or not trust_allows(role, self.world.oidc_provider_arn(provider), context,
                                            "sts:AssumeRoleWithWebIdentity", "Federated"):
            raise StsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
        duration = int(params.get("DurationSeconds", 3600))
        if duration > role["max_session_duration"]:
            raise StsError("ValidationError",
                           "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400)
        session = self.issue(None, role, params["RoleSessionName"], duration, False)
        assumed = Caller(self.world, None, session)
        result = (credentials_xml(session)
                  + "<SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken>" % escape(str(claims.get("sub")))
                  + "<AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>%s</AssumedRoleId></AssumedRoleUser>"
                  % (escape(assumed.arn), escape(assumed.user_id))
                  + "<Provider>%s</Provider><Audience>%s</Audience>" % (escape(provider.url), escape(audience)))
        if policy_size is not None:
            result += "<PackedPolicySize>%d</PackedPolicySize>" % policy_size
        return result

    def get_session_token(self, caller, params):
        problem = validation_errors(params, GET_SESSION_TOKEN_FIELDS)
        if problem:
            raise StsError("ValidationError", problem, 400)
        if caller.session:
            raise StsError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403)
        mfa = self.verify_mfa(caller, params)
        duration = int(params.get("DurationSeconds", 43200))
        return credentials_xml(self.issue(caller.user, None, None, duration, mfa))

    def get_caller_identity(self, caller, _params):
        return "<Arn>%s</Arn><UserId>%s</UserId><Account>%s</Account>" % (
            escape(caller.arn), escape(caller.user_id), self.world.account)

    ACTIONS = {"AssumeRole": assume_role, "GetSessionToken": get_session_token,
               "GetCallerIdentity": get_caller_identity,
               "AssumeRoleWithWebIdentity": assume_role_with_web_identity}
    UNSIGNED_ACTIONS = {"AssumeRoleWithWebIdentity"}  # as at AWS: the request carries its own credential

    def handle(self, method, path, query, headers, body):
        """Returns (status, xml, request id) for one STS request."""
        request_id = str(uuid.uuid4())
        params = dict(query)
        content_type = headers.get("Content-Type", "application/x-www-form-urlencoded")
        if method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        action = params.pop("Action", None)
        version = params.pop("Version", API_VERSION)
        caller, error_code = None, ""
        try:
            if action not in self.UNSIGNED_ACTIONS:
                caller = self.authenticate(method, path, query, headers, body)
            if action is None:
                raise StsError("MissingAction", "Missing Action", 400)
            if action not in self.ACTIONS or version != API_VERSION:
                raise StsError("InvalidAction", "Could not find operation %s for version %s" % (action, version), 400)
            injected = self.knobs.injected_failure("sts:" + action)
            if injected:
                raise StsError(injected["code"], injected["message"], injected["status"],
                               "Receiver" if injected["status"] >= 500 else "Sender")
            result = self.ACTIONS[action](self, caller, params)
            xml = ('<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s</RequestId>'
                   '</ResponseMetadata></%sResponse>' % (action, XMLNS, action, result, action, request_id, action))
            status = 200
        except StsError as e:
            xml = ('<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>'
                   '<RequestId>%s</RequestId></ErrorResponse>'
                   % (XMLNS, e.kind, escape(e.code), escape(e.message), request_id))
            status, error_code = e.status, e.code
        log("%s %s by %s -> %d %s" % (method, action, caller.arn if caller else "?", status, error_code))
        self.knobs.record(service="sts", action="sts:%s" % action if action else "sts:?", method=method, path=path,
                          access_key_id=caller.key_id if caller else credential_key_id(headers, query),
                          arn=caller.arn if caller else None, status=status, error_code=error_code,
                          bytes_received=len(body), request_id=request_id)
        return status, xml, request_id


def credentials_xml(session):
    return ("<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>"
            "<SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials>"
            % (session.access_key_id, escape(session.secret_access_key), escape(session.session_token),
               iso8601(session.expiration)))


def credential_key_id(headers, query):
    """The access key id a request names (Authorization header or X-Amz-Credential), signed or not; or None."""
    match = re.search(r"Credential=([^/,\s]+)/", headers.get("Authorization") or "")
    if match:
        return match.group(1)
    for name, value in query:
        if name == "X-Amz-Credential":
            return value.split("/")[0] or None
    return None


# ------------------------------------------------------------------------------------------- test knobs

KNOWN_MESSAGES = {
    ("s3", "InternalError"): "We encountered an internal error. Please try again.",
    ("s3", "SlowDown"): "Please reduce your request rate.",
    ("s3", "ServiceUnavailable"): "Service is unable to handle request.",
    ("s3", "ExpiredToken"): "The provided token has expired.",
    ("s3", "AccessDenied"): "Access Denied",
    ("s3", "RequestTimeout"): "Your socket connection to the server was not read from or written to within the "
                              "timeout period. Idle connections will be closed.",
    ("sts", "InternalError"): "An internal error occurred. Please try again.",
    ("sts", "ServiceUnavailable"): "Service is unavailable. Please try again.",
    ("sts", "Throttling"): "Rate exceeded",
    ("sts", "ExpiredToken"): "The security token included in the request is expired",
}
LOG_LIMIT = 20000


class TestKnobs:
    """The request log and the failure rules of /__test__/log and /__test__/fail."""

    def __init__(self):
        self.lock = threading.Lock()
        self.settled = threading.Condition(self.lock)
        self.entries = []
        self.seq = 0
        self.rules = []
        self.rule_seq = 0
        self.next_ticket = 0
        self.open_tickets = set()

    def begin(self):
        """A ticket for a request whose log entry is still to come (see settle())."""
        with self.lock:
            self.next_ticket += 1
            self.open_tickets.add(self.next_ticket)
            return self.next_ticket

    def record(self, ticket=None, **entry):
        with self.lock:
            self.seq += 1
            entry = dict(seq=self.seq, time=datetime.now(timezone.utc).isoformat(timespec="milliseconds"), **entry)
            self.entries.append(entry)
            if len(self.entries) > LOG_LIMIT:
                del self.entries[:len(self.entries) - LOG_LIMIT]
            self.open_tickets.discard(ticket)
            self.settled.notify_all()
        return entry

    def since(self, seq, settle_seconds=2.0):
        # An S3 answer reaches the client before its handler writes the log entry: wait (briefly) for the
        # requests that began before this call, so a client reading the log after its answer finds it.
        deadline = time.monotonic() + settle_seconds
        with self.lock:
            before = {t for t in self.open_tickets}
            while before & self.open_tickets and time.monotonic() < deadline:
                self.settled.wait(max(0.0, deadline - time.monotonic()))
            return [e for e in self.entries if e["seq"] > seq], self.seq

    def clear_log(self):
        with self.lock:
            self.entries = []

    def add_rule(self, query):
        action = query.get("action")
        if not action or not re.fullmatch(r"(sts|s3):[A-Za-z0-9*]+", action):
            raise ValueError("want action=sts:NAME or s3:NAME (a trailing * matches several)")
        try:
            times = int(query.get("times", "1"))
            skip = int(query.get("skip", "0"))
            status = int(query.get("status", "500"))
            part = int(query["part"]) if "part" in query else None
        except ValueError:
            raise ValueError("times, skip, status and part must be integers")
        if times < 1 or skip < 0 or not 300 <= status <= 599:
            raise ValueError("want times >= 1, skip >= 0, 300 <= status <= 599")
        service = action.split(":")[0]
        code = query.get("code", "InternalError")
        if not re.fullmatch(r"[A-Za-z0-9.]+", code):
            raise ValueError("code must be an error code such as InternalError")
        message = query.get("message") or KNOWN_MESSAGES.get((service, code)) or \
            "Failure injected by the test double's /__test__/fail knob."
        with self.lock:
            self.rule_seq += 1
            rule = {"id": self.rule_seq, "action": action, "times": times, "skip": skip, "status": status,
                    "code": code, "message": message, "bucket": query.get("bucket"), "key": query.get("key"),
                    "part": part, "matched": 0, "applied": 0}
            self.rules.append(rule)
        return rule

    def clear_rules(self):
        with self.lock:
            self.rules = []

    def injected_failure(self, action, bucket=None, key=None, part=None):
        """The rule that makes this request fail (its counters advanced), or None."""
        with self.lock:
            for rule in self.rules:
                if rule["applied"] >= rule["times"] or not fnmatch.fnmatchcase(action, rule["action"]):
                    continue
                if rule["bucket"] is not None and rule["bucket"] != bucket:
                    continue
                if rule["key"] is not None and rule["key"] != key:
                    continue
                if rule["part"] is not None and rule["part"] != part:
                    continue
                rule["matched"] += 1
                if rule["matched"] <= rule["skip"]:
                    continue
                rule["applied"] += 1
                return dict(rule)
        return None


# -------------------------------------------------------------------------------------------- checksums

class Crc:
    """A bit-reflected CRC whose register starts as all ones and is inverted at the end - CRC-32 (zlib),
    CRC-32C (Castagnoli) and CRC-64/NVME are all of this kind. update(data, crc) continues a finished CRC the
    way zlib.crc32(data, crc) does. Table-driven pure Python; a C implementation is used when one is there
    (zlib for CRC-32, Debian's python3-crcmod extension for the others), checked against the pure one."""

    def __init__(self, name, poly_reflected, width, fast=None):
        self.name, self.poly, self.width = name, poly_reflected, width
        self.mask = (1 << width) - 1
        self.size = width // 8
        table = []
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ poly_reflected if c & 1 else c >> 1
            table.append(c)
        self.table = table
        self.fast = None
        if fast is not None and fast(b"123456789") == self.pure(b"123456789") and \
                fast(b"89", fast(b"1234567")) == self.pure(b"123456789"):
            self.fast = fast

    def pure(self, data, crc=0):
        table, c = self.table, crc ^ self.mask
        for b in data:
            c = table[(c ^ b) & 0xFF] ^ (c >> 8)
        return c ^ self.mask

    def update(self, data, crc=0):
        return self.fast(data, crc) if self.fast else self.pure(data, crc)

    # CRC(A || B) from CRC(A), CRC(B) and len(B): zlib's crc32_combine (GF(2) matrix squaring), for any width.
    def _times(self, matrix, vector):
        total, i = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[i]
            vector >>= 1
            i += 1
        return total

    def _square(self, matrix):
        return [self._times(matrix, row) for row in matrix]

    def combine(self, crc1, crc2, len2):
        if len2 <= 0:
            return crc1
        odd = [self.poly] + [1 << n for n in range(self.width - 1)]  # the operator for one zero bit
        even = self._square(odd)   # two zero bits
        odd = self._square(even)   # four zero bits
        while True:
            even = self._square(odd)  # first time: one zero byte
            if len2 & 1:
                crc1 = self._times(even, crc1)
            len2 >>= 1
            if not len2:
                break
            odd = self._square(even)
            if len2 & 1:
                crc1 = self._times(odd, crc1)
            len2 >>= 1
            if not len2:
                break
        return crc1 ^ crc2


def _crcmod_function(poly_with_top_bit, width):
    try:
        import crcmod
        import crcmod._crcfunext  # noqa: F401  only the C extension is worth it; crcmod's pure one is no faster
    except ImportError:
        return None
    return crcmod.mkCrcFun(poly_with_top_bit, initCrc=0, rev=True, xorOut=(1 << width) - 1)


CRC32 = Crc("CRC32", 0xEDB88320, 32, fast=lambda data, crc=0: zlib.crc32(data, crc))
CRC32C = Crc("CRC32C", 0x82F63B78, 32, fast=_crcmod_function(0x11EDC6F41, 32))
CRC64NVME = Crc("CRC64NVME", 0x9A6C9329AC4BC9B5, 64, fast=_crcmod_function(0x1AD93D23594C93659, 64))


class CrcHasher:
    def __init__(self, crc):
        self.crc, self.value = crc, 0

    def update(self, data):
        self.value = self.crc.update(data, self.value)

    def digest(self):
        return self.value.to_bytes(self.crc.size, "big")


class Algorithm:
    """A flexible-checksum algorithm as S3 names it: header x-amz-checksum-NAME, XML element ChecksumNAME."""

    def __init__(self, name, size, new, crc=None, full_object=False, composite=True):
        self.name, self.size, self.new, self.crc = name, size, new, crc
        self.header = "x-amz-checksum-" + name.lower()
        self.element = "Checksum" + name
        self.full_object, self.composite = full_object, composite


ALGORITHMS = {
    "CRC32": Algorithm("CRC32", 4, lambda: CrcHasher(CRC32), CRC32, full_object=True),
    "CRC32C": Algorithm("CRC32C", 4, lambda: CrcHasher(CRC32C), CRC32C, full_object=True),
    "CRC64NVME": Algorithm("CRC64NVME", 8, lambda: CrcHasher(CRC64NVME), CRC64NVME, full_object=True,
                           composite=False),
    "SHA1": Algorithm("SHA1", 20, hashlib.sha1),
    "SHA256": Algorithm("SHA256", 32, hashlib.sha256),
}


def b64(raw):
    return base64.b64encode(raw).decode()


def digest_of(algorithm, data):
    hasher = algorithm.new()
    hasher.update(data)
    return hasher.digest()


# --------------------------------------------------------------------------------------------- the S3

S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
S3_MAX_SKEW_SECONDS = 900
DEFAULT_MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_NUMBER = 10000
MAX_PRESIGN_SECONDS = 604800
MAX_XML_BODY = 10 << 20
COPY_CHUNK = 1 << 20
BUCKET_NAME_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
SHA256_HEX_RE = re.compile(r"[0-9a-f]{64}")
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_ECDSA = ("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER")
STREAMING = (STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER)
TRAILER_PAYLOADS = (STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER)
# Headers PutObject / CreateMultipartUpload store and GetObject / HeadObject give back.
STORED_HEADERS = ("Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control",
                  "Expires")
NOT_IMPLEMENTED_SUBRESOURCES = ("acl", "policy", "versioning", "tagging", "lifecycle", "cors", "website",
                                "logging", "notification", "replication", "encryption", "object-lock",
                                "retention", "legal-hold", "torrent", "attributes", "restore", "select",
                                "versions", "accelerate", "requestPayment", "ownershipControls",
                                "publicAccessBlock", "intelligent-tiering", "inventory", "metrics",
                                "analytics", "policyStatus")


class S3Error(Exception):
    """An S3 error answer: code, message, HTTP status and extra elements, as S3 sends them."""

    def __init__(self, code, message, status, *extra, headers=None):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status
        self.extra = list(extra)  # (element, text) pairs that follow <Message>
        self.headers = headers or {}


def invalid_request(message):
    return S3Error("InvalidRequest", message, 400)


def not_implemented(what):
    return S3Error("NotImplemented", "The S3 test double does not implement %s." % what, 501)


def malformed_xml():
    return S3Error("MalformedXML", "The XML you provided was not well-formed or did not validate against our "
                   "published schema", 400)


def header_malformed(detail):
    return S3Error("AuthorizationHeaderMalformed", "The authorization header is malformed; %s" % detail, 400)


def query_auth_error(message):
    return S3Error("AuthorizationQueryParametersError", message, 400)


def unsupported_mechanism():
    return invalid_request("The authorization mechanism you have provided is not supported. Please use "
                           "AWS4-HMAC-SHA256.")


def s3_key_problem(problem, key_id):
    if problem.kind == KeyProblem.EXPIRED:
        return S3Error("ExpiredToken", "The provided token has expired.", 400, ("Token-0", problem.token))
    if problem.kind in (KeyProblem.BAD_TOKEN, KeyProblem.TOKEN_WITH_LONG_TERM_KEY):
        return S3Error("InvalidToken", "The provided token is malformed or otherwise invalid.", 400,
                       ("Token-0", problem.token))
    return S3Error("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403,
                   ("AWSAccessKeyId", key_id))


def xml_time(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (int(t * 1000) % 1000)


def http_time(t):
    return email.utils.formatdate(t, usegmt=True)


def el(tag, value):
    return "<%s>%s</%s>" % (tag, escape(str(value)), tag)


def quoted_etag(md5_hex):
    return '"%s"' % md5_hex


def bare_etag(value):
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"')


def parse_xml(body, root_name):
    """The root element of a request body, namespaces dropped; MalformedXML when it is not that element."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise malformed_xml()
    for e in root.iter():
        if isinstance(e.tag, str) and "}" in e.tag:
            e.tag = e.tag.split("}", 1)[1]
    if root.tag != root_name:
        raise malformed_xml()
    return root


class S3SignatureCheck(S3SigV4Auth):
    """botocore's S3 SigV4 (path used as sent, once-encoded; no normalisation) over exactly the headers listed in
    SignedHeaders, with the payload hash the request claims."""

    def __init__(self, credentials, region, signed_headers, payload):
        super().__init__(credentials, "s3", region)
        self._signed, self._payload = signed_headers, payload

    def headers_to_sign(self, request):
        headers = HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or []:
                headers[name] = value
        return headers

    def payload(self, request):
        return self._payload


def signing_key(secret, date, region, service):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


class S3Auth:
    """Who signed an S3 request, and what its body must be checked against."""

    def __init__(self, caller=None, key_id=None, presigned=False, payload=UNSIGNED_PAYLOAD):
        self.caller, self.key_id, self.presigned, self.payload = caller, key_id, presigned, payload
        self.seed_signature = self.key = self.amz_date = self.scope = None
        self.trailers = {}
        self.trailer_signed = False


class StoredObject:
    def __init__(self, **fields):
        self.parts = None  # [(size, checksum raw or None)] of a multipart object
        self.upload_id = None
        self.__dict__.update(fields)

    def checksum_value(self):
        if self.checksum_raw is None:
            return None
        value = b64(self.checksum_raw)
        return value + "-%d" % len(self.parts) if self.checksum_type == "COMPOSITE" else value


class Part:
    def __init__(self, **fields):
        self.__dict__.update(fields)


class Upload:
    def __init__(self, **fields):
        self.parts = {}
        self.state = "open"
        self.__dict__.update(fields)


class S3Request:
    """One S3 request being answered: its parsed parts, its body as a stream, and the answer."""

    def __init__(self, handler, method, raw_path, pairs):
        self.handler, self.method, self.raw_path, self.pairs = handler, method, raw_path, pairs
        self.headers = handler.headers
        self.q = {}
        for name, value in pairs:
            self.q.setdefault(name, value)
        self.request_id = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))
        self.host_id = b64(os.urandom(48))
        segments = raw_path.split("/", 2)
        self.bucket = unquote(segments[1]) if len(segments) > 1 and segments[1] else None
        self.key = unquote(segments[2]) if len(segments) > 2 and segments[2] else None
        self.operation, self.iam_action, self.unsupported = "Unknown", None, None
        self.auth = None
        self.status, self.error_code = None, ""
        self.bytes_received = 0
        self.replied = False
        self.close = False
        self.notes = []
        try:
            self.part_number = int(self.q["partNumber"]) if "partNumber" in self.q else None
        except ValueError:
            self.part_number = None
        self.upload_id = self.q.get("uploadId")
        length = self.headers.get("Content-Length")
        codings = [c.strip().lower() for c in (self.headers.get("Transfer-Encoding") or "").split(",") if c.strip()]
        # HTTP/1.1's chunked transfer coding (RFC 9112 7.1), which wins over a Content-Length: what botocore sends
        # for an aws-chunked body with a checksum trailer over https (then x-amz-decoded-content-length gives the size).
        self.te_chunked = codings[-1:] == ["chunked"]
        self.chunk_left = 0
        chunked = bool(codings) and not self.te_chunked
        try:
            self.content_length = int(length) if length is not None and not self.te_chunked else None
        except ValueError:
            self.content_length = None
            chunked = True
        self.framed = not chunked  # a body we can find the end of (Content-Length, chunked coding, or none at all)
        if self.te_chunked:
            self.remaining = 1  # "more to come" until the last chunk is read
        else:
            self.remaining = (self.content_length or 0) if self.framed else 0
        if not self.framed:
            self.close = True

    # --- reading the body

    def next_chunk(self):
        """At a chunk boundary of a chunked-coded body: reads the size line (and, after the last chunk, the
        trailer section)."""
        rfile = self.handler.rfile
        line = rfile.readline(8192)
        self.bytes_received += len(line)
        if not line.endswith(b"\n"):
            self.close = True
            raise ConnectionError("the client closed the connection in the middle of the body")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            self.close = True
            raise S3Error("IncompleteBody", "The request body has a malformed chunk size line.", 400)
        if size == 0:
            while True:
                trailer = rfile.readline(8192)
                self.bytes_received += len(trailer)
                if trailer in (b"\r\n", b"\n", b""):
                    break
            self.remaining = 0
        self.chunk_left = size

    def read_chunked(self, n, line):
        while self.chunk_left == 0 and self.remaining > 0:
            self.next_chunk()
        if self.remaining <= 0:
            return b""
        rfile = self.handler.rfile
        data = (rfile.readline if line else rfile.read)(min(n, self.chunk_left))
        if not data:
            self.close = True
            raise ConnectionError("the client closed the connection in the middle of the body")
        self.chunk_left -= len(data)
        self.bytes_received += len(data)
        if self.chunk_left == 0:
            end = rfile.readline(3)  # the CRLF after the chunk's data
            self.bytes_received += len(end)
            if not end.endswith(b"\n"):
                self.close = True
                raise ConnectionError("the client closed the connection in the middle of the body")
        return data

    def read(self, n):
        if self.remaining <= 0:
            return b""
        self.handler.send_continue()
        if self.te_chunked:
            return self.read_chunked(n, line=False)
        data = self.handler.rfile.read(min(n, self.remaining))
        if not data:
            self.close = True
            raise ConnectionError("the client closed the connection in the middle of the body")
        self.remaining -= len(data)
        self.bytes_received += len(data)
        return data

    def read_exact(self, n):
        pieces, left = [], n
        while left > 0:
            piece = self.read(min(left, COPY_CHUNK))
            if not piece:
                raise S3Error("IncompleteBody", "The request body terminated unexpectedly", 400)
            pieces.append(piece)
            left -= len(piece)
        return b"".join(pieces)

    def readline(self, limit=8192):
        if self.remaining <= 0:
            return b""
        self.handler.send_continue()
        if self.te_chunked:  # a line may span chunks of the transfer coding
            line = b""
            while len(line) < limit and not line.endswith(b"\n"):
                piece = self.read_chunked(limit - len(line), line=True)
                if not piece:
                    break
                line += piece
            return line
        line = self.handler.rfile.readline(min(limit, self.remaining))
        self.remaining -= len(line)
        self.bytes_received += len(line)
        return line

    def settle_body(self):
        """Before answering: a body the client is still to send is drained, or the connection is closed."""
        if self.remaining > 0:
            if self.handler.continue_pending or self.remaining > (1 << 30):
                self.close = True  # the client waits for 100 Continue: it will not send the body
            else:
                try:
                    while self.remaining > 0:
                        self.read(COPY_CHUNK)
                except (ConnectionError, OSError, S3Error):
                    self.close = True

    # --- answering

    def reply(self, status, headers=(), body=b"", stream=None, length=None, content_type=None):
        self.settle_body()
        h = self.handler
        h.send_response(status)
        h.send_header("x-amz-request-id", self.request_id)
        h.send_header("x-amz-id-2", self.host_id)
        for name, value in headers:
            h.send_header(name, value)
        if content_type:
            h.send_header("Content-Type", content_type)
        if status != 304:
            h.send_header("Content-Length", str(length if length is not None else len(body)))
        if self.close:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        self.replied, self.status = True, status
        if self.method == "HEAD" or status == 304:
            return
        if stream is not None:
            fh, left = stream
            while left > 0:
                chunk = fh.read(min(left, 256 * 1024))
                if not chunk:
                    break
                h.wfile.write(chunk)
                left -= len(chunk)
        elif body:
            h.wfile.write(body)

    def reply_xml(self, status, xml, headers=()):
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + xml).encode("utf-8")
        self.reply(status, headers, body, content_type="application/xml")

    def reply_error(self, e):
        self.error_code = e.code
        resource = unquote(self.raw_path)
        extra = "".join(el(name, value) for name, value in e.extra if value is not None)
        xml = ("<Error><Code>%s</Code><Message>%s</Message>%s<Resource>%s</Resource><RequestId>%s</RequestId>"
               "<HostId>%s</HostId></Error>" % (escape(e.code), escape(e.message), extra, escape(resource),
                                                 self.request_id, self.host_id))
        headers = list(e.headers.items())
        if self.method == "HEAD":
            self.reply(e.status, headers, b"", length=0)
        else:
            self.reply_xml(e.status, xml, headers)


class ChecksumSpec:
    """The flexible checksum a PutObject / UploadPart request asked to be checked."""

    def __init__(self, algorithm=None, expected=None, via_trailer=False):
        self.algorithm, self.expected, self.via_trailer = algorithm, expected, via_trailer


def decode_checksum(algorithm, value, trailing=False):
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != algorithm.size:
        raise invalid_request("Value for %s %sheader is invalid." % (algorithm.header, "trailing " if trailing else ""))
    return raw


class Body:
    """A received body: in a file (path) or in memory (data), with its MD5, SHA-256 and requested checksums."""

    def __init__(self, path=None, data=None, size=0, md5=b"", sha256="", digests=None):
        self.path, self.data, self.size, self.md5, self.sha256 = path, data, size, md5, sha256
        self.digests = digests or {}


class S3TestDouble:
    def __init__(self, sts, data_dir):
        self.sts, self.world, self.knobs = sts, sts.world, sts.knobs
        self.lock = threading.Lock()
        self.objects = {}     # (bucket, key) -> StoredObject
        self.uploads = {}     # upload id -> Upload
        self.completed = {}   # upload id -> what CompleteMultipartUpload answered, for a repeated completion
        self.min_part_size = self.world.min_part_size
        self.data_dir = data_dir
        for sub in ("tmp", "objects", "parts"):
            os.makedirs(os.path.join(data_dir, sub), exist_ok=True)
        self.owner_id = hashlib.sha256(("roledrop-s3-test-double:" + self.world.account).encode()).hexdigest()
        self.created = time.time()

    def new_path(self, sub):
        return os.path.join(self.data_dir, sub, uuid.uuid4().hex)

    @staticmethod
    def remove(path):
        if path:
            try:
                os.remove(path)
            except FileNotFoundError:
                pass

    # --- policy

    def allowed(self, caller, action, bucket, key=None):
        policy = self.world.buckets[bucket].get("policy", {})
        resource = "arn:aws:s3:::%s" % bucket + ("" if key is None else "/" + key)
        allow = deny = False
        for stmt in as_list(policy.get("Statement", [])):
            if "Condition" in stmt or "NotPrincipal" in stmt or "NotAction" in stmt or "NotResource" in stmt:
                continue  # not supported by the double: such a statement never applies
            principal = stmt.get("Principal", {})
            principals = ["*"] if principal == "*" else as_list(principal.get("AWS", []))
            if not any((caller.principal_matches(p) if caller else p == "*") for p in principals):
                continue
            if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in as_list(stmt.get("Action", []))):
                continue
            if not any(fnmatch.fnmatchcase(resource, r) for r in as_list(stmt.get("Resource", []))):
                continue
            if stmt["Effect"] == "Deny":
                deny = True
            else:
                allow = True
        return allow and not deny

    def authorize(self, req, action, key=None):
        if not self.allowed(req.auth.caller, action, req.bucket, key):
            raise self.denied(req, action, key)

    def denied(self, req, action, key=None):
        caller = req.auth.caller if req.auth else None
        if caller is None:
            return S3Error("AccessDenied", "Access Denied", 403)
        resource = "arn:aws:s3:::%s" % req.bucket + ("" if key is None else "/" + key)
        return S3Error("AccessDenied", 'User: %s is not authorized to perform: %s on resource: "%s" because no '
                       'resource-based policy allows the %s action' % (caller.arn, action, resource, action), 403)

    # --- which operation

    def classify(self, req):
        m, q, bucket, key = req.method, req.q, req.bucket, req.key
        subresource = next((s for s in NOT_IMPLEMENTED_SUBRESOURCES if s in q), None)
        copy = "x-amz-copy-source" in req.headers
        if bucket is None:
            op = {"GET": ("ListBuckets", "s3:ListAllMyBuckets")}.get(m, ("Unknown", None))
            if m != "GET":
                req.unsupported = S3Error("MethodNotAllowed", "The specified method is not allowed against this "
                                          "resource.", 405, ("Method", m), ("ResourceType", "SERVICE"))
        elif key is None:
            if m == "GET" and "uploads" in q:
                op = ("ListMultipartUploads", "s3:ListBucketMultipartUploads")
            elif m == "GET" and "location" in q:
                op = ("GetBucketLocation", "s3:GetBucketLocation")
            elif m == "GET" and subresource is None:
                op = ("ListObjectsV2" if q.get("list-type") == "2" else "ListObjects", "s3:ListBucket")
            elif m == "HEAD":
                op = ("HeadBucket", "s3:ListBucket")
            elif m == "POST" and "delete" in q:
                op = ("DeleteObjects", "s3:DeleteObject")
            else:
                op = ({"PUT": "CreateBucket", "DELETE": "DeleteBucket"}.get(m, m.title() + "Bucket"), None)
                if subresource:
                    op = (m.title() + "Bucket" + subresource[0].upper() + subresource[1:], None)
                req.unsupported = not_implemented("%s (its buckets are declared in its world file)" % op[0]
                                                  if op[0] in ("CreateBucket", "DeleteBucket") else op[0])
        else:
            if subresource is not None:
                op = (m.title() + "Object" + subresource[0].upper() + subresource[1:], None)
                req.unsupported = not_implemented(op[0])
            elif m == "GET" and "uploadId" in q:
                op = ("ListParts", "s3:ListMultipartUploadParts")
            elif m == "GET":
                op = ("GetObject", "s3:GetObject")
            elif m == "HEAD":
                op = ("HeadObject", "s3:GetObject")
            elif m == "PUT" and "partNumber" in q and "uploadId" in q:
                op = ("UploadPartCopy" if copy else "UploadPart", "s3:PutObject")
            elif m == "PUT":
                op = ("CopyObject" if copy else "PutObject", "s3:PutObject")
            elif m == "POST" and "uploads" in q:
                op = ("CreateMultipartUpload", "s3:PutObject")
            elif m == "POST" and "uploadId" in q:
                op = ("CompleteMultipartUpload", "s3:PutObject")
            elif m == "DELETE" and "uploadId" in q:
                op = ("AbortMultipartUpload", "s3:AbortMultipartUpload")
            elif m == "DELETE":
                op = ("DeleteObject", "s3:DeleteObject")
            else:
                op = ("PostObject", None)
            if op[0] in ("UploadPartCopy", "CopyObject", "PostObject"):
                req.unsupported = not_implemented(op[0])
        req.operation, req.iam_action = op

    # --- authentication

    def authenticate(self, req):
        headers, q = req.headers, req.q
        auth = headers.get("Authorization")
        presigned = any(name in q for name in ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature"))
        if auth and presigned:
            raise S3Error("InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                          "parameter, Signature query string parameter or the Authorization header should be "
                          "specified", 400, ("ArgumentName", "Authorization"), ("ArgumentValue", auth.split(" ")[0]))
        if not auth and not presigned:
            if "Signature" in q and "AWSAccessKeyId" in q:
                raise unsupported_mechanism()
            return S3Auth()  # anonymous
        if presigned:
            return self.authenticate_query(req)
        return self.authenticate_header(req, auth)

    def check_scope(self, scope, amz_date, signed, presigned):
        key_id, scope_date, region, service, terminator = scope
        bad = query_auth_error if presigned else header_malformed
        if scope_date != amz_date[:8]:
            if presigned:
                raise bad('Invalid credential date "%s". This date is not the same as X-Amz-Date: "%s".'
                          % (scope_date, amz_date[:8]))
            raise bad("Invalid credential date. Date is not the same as X-Amz-Date.")
        if service != "s3":
            raise bad('%sincorrect service "%s". This endpoint belongs to "s3".'
                      % ("Error parsing the X-Amz-Credential parameter; " if presigned else "", service))
        if terminator != "aws4_request":
            raise bad('%sincorrect terminal "%s". This endpoint uses "aws4_request".'
                      % ("Error parsing the X-Amz-Credential parameter; " if presigned else "", terminator))
        if "host" not in signed:
            raise bad("X-Amz-SignedHeaders must contain host" if presigned else "'host' must be a signed header.")

    @staticmethod
    def check_unsigned_amz_headers(req, signed):
        unsigned = sorted({name.lower() for name in req.headers.keys()
                           if name.lower().startswith("x-amz-") and name.lower() not in signed})
        if unsigned:
            raise S3Error("AccessDenied", "There were headers present in the request which were not signed", 403,
                          ("HeadersNotSigned", ", ".join(unsigned)))

    def resolve(self, key_id, token):
        try:
            return self.sts.resolve_key(key_id, token)
        except KeyProblem as problem:
            raise s3_key_problem(problem, key_id)

    def verify_signature(self, req, key_id, secret, region, signed, payload, amz_date, provided, pairs):
        canonical_path = quote(unquote(req.raw_path), safe="/~")
        request = AWSRequest(method=req.method, url="http://%s%s" % (req.headers.get("Host", ""), canonical_path),
                             params=pairs)
        for name in signed:
            for value in req.headers.get_all(name) or []:
                request.headers[name] = value
        request.context["timestamp"] = amz_date
        signer = S3SignatureCheck(Credentials(key_id, secret), region, signed, payload)
        canonical = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical)
        expected = signer.signature(string_to_sign, request)
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            raise S3Error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                          "you provided. Check your key and signing method.", 403, ("AWSAccessKeyId", key_id),
                          ("StringToSign", string_to_sign), ("SignatureProvided", provided),
                          ("CanonicalRequest", canonical))
        return expected

    def authenticate_header(self, req, auth):
        algorithm, _, rest = auth.strip().partition(" ")
        if algorithm == "AWS":
            raise unsupported_mechanism()
        if algorithm != "AWS4-HMAC-SHA256":
            raise header_malformed("the authorization header requires the AWS4-HMAC-SHA256 algorithm, not '%s'."
                                   % algorithm)
        parts = {}
        for item in rest.split(","):
            name, _, value = item.strip().partition("=")
            parts[name] = value
        if not all(parts.get(p) for p in ("Credential", "SignedHeaders", "Signature")):
            raise header_malformed("the authorization header requires three components: Credential, SignedHeaders, "
                                   "and Signature.")
        scope = parts["Credential"].split("/")
        if len(scope) != 5:
            raise header_malformed('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/'
                                   'aws4_request".')
        signed = parts["SignedHeaders"].split(";")
        amz_date = req.headers.get("X-Amz-Date")
        try:
            signed_at = datetime.strptime(amz_date or "", "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            raise S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", 403)
        self.check_scope(scope, amz_date, signed, presigned=False)
        real_now = time.time()
        if abs(signed_at - real_now) > S3_MAX_SKEW_SECONDS:
            raise S3Error("RequestTimeTooSkewed", "The difference between the request time and the current time is "
                          "too large.", 403, ("RequestTime", amz_date), ("ServerTime", iso8601(real_now)),
                          ("MaxAllowedSkewMilliseconds", S3_MAX_SKEW_SECONDS * 1000))
        payload = req.headers.get("x-amz-content-sha256")
        if payload is None:
            raise invalid_request("Missing required header for this request: x-amz-content-sha256")
        if payload in STREAMING_ECDSA:
            raise not_implemented("x-amz-content-sha256: %s (SigV4a streaming)" % payload)
        if not (SHA256_HEX_RE.fullmatch(payload) or payload == UNSIGNED_PAYLOAD or payload in STREAMING):
            raise S3Error("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                          "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                          "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
                          "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.", 400,
                          ("ArgumentName", "x-amz-content-sha256"), ("ArgumentValue", payload))
        self.check_unsigned_amz_headers(req, signed)
        key_id, region = scope[0], scope[2]
        caller, secret, _token = self.resolve(key_id, req.headers.get("X-Amz-Security-Token"))
        result = S3Auth(caller, key_id, False, payload)
        result.seed_signature = self.verify_signature(req, key_id, secret, region, signed, payload, amz_date,
                                                      parts["Signature"], req.pairs)
        result.key = signing_key(secret, amz_date[:8], region, "s3")
        result.amz_date, result.scope = amz_date, "/".join(scope[1:])
        return result

    def authenticate_query(self, req):
        q = req.q
        required = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders",
                    "X-Amz-Expires")
        if not all(q.get(name) for name in required):
            raise query_auth_error("Query-string authentication version 4 requires the X-Amz-Algorithm, "
                                   "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                                   "X-Amz-Expires parameters.")
        if q["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256":
            raise query_auth_error('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
        try:
            expires = int(q["X-Amz-Expires"])
        except ValueError:
            raise query_auth_error("X-Amz-Expires should be a number")
        if expires < 0:
            raise query_auth_error("X-Amz-Expires must be non-negative")
        if expires > MAX_PRESIGN_SECONDS:
            raise query_auth_error("X-Amz-Expires must be less than a week (in seconds) that is 604800")
        amz_date = q["X-Amz-Date"]
        try:
            signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            raise query_auth_error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
        scope = q["X-Amz-Credential"].split("/")
        if len(scope) != 5:
            raise query_auth_error('Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; '
                                   'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
        signed = q["X-Amz-SignedHeaders"].split(";")
        self.check_scope(scope, amz_date, signed, presigned=True)
        if signed_at > time.time() + S3_MAX_SKEW_SECONDS:
            raise S3Error("AccessDenied", "Request is not valid yet", 403)
        now = self.sts.now()  # presigned URLs expire on the double's clock, like the credentials in them
        if now > signed_at + expires:
            raise S3Error("AccessDenied", "Request has expired", 403, ("X-Amz-Expires", expires),
                          ("Expires", iso8601(signed_at + expires)), ("ServerTime", iso8601(now)))
        self.check_unsigned_amz_headers(req, signed)
        key_id, region = scope[0], scope[2]
        caller, secret, _token = self.resolve(key_id, q.get("X-Amz-Security-Token"))
        payload = req.headers.get("x-amz-content-sha256") if "x-amz-content-sha256" in signed else UNSIGNED_PAYLOAD
        if payload in STREAMING or payload in STREAMING_ECDSA:
            raise not_implemented("aws-chunked bodies on presigned URLs")
        pairs = [(name, value) for name, value in req.pairs if name != "X-Amz-Signature"]
        self.verify_signature(req, key_id, secret, region, signed, UNSIGNED_PAYLOAD, amz_date, q["X-Amz-Signature"],
                              pairs)
        if payload != UNSIGNED_PAYLOAD and not SHA256_HEX_RE.fullmatch(payload or ""):
            payload = UNSIGNED_PAYLOAD
        return S3Auth(caller, key_id, True, payload)

    # --- bodies

    def body_chunks(self, req, auth):
        """The payload of the request, decoded from aws-chunked when it is; chunk signatures verified."""
        if auth.payload not in STREAMING:
            while req.remaining > 0:
                yield req.read(COPY_CHUNK)
            return
        encoding = [e.strip().lower() for e in (req.headers.get("Content-Encoding") or "").split(",")]
        if "aws-chunked" not in encoding:
            raise invalid_request("x-amz-content-sha256 %s needs Content-Encoding: aws-chunked" % auth.payload)
        signed = auth.payload != STREAMING_UNSIGNED_TRAILER
        previous, total = auth.seed_signature, 0
        while True:
            line = req.readline()
            if not line.endswith(b"\r\n"):
                raise S3Error("IncompleteBody", "The request body terminated unexpectedly", 400)
            size_text, _, extension = line[:-2].decode("latin-1").partition(";")
            try:
                size = int(size_text.strip(), 16)
            except ValueError:
                raise invalid_request("The aws-chunked body has a malformed chunk size line.")
            hasher = hashlib.sha256()
            left = size
            while left > 0:
                piece = req.read(min(left, COPY_CHUNK))
                hasher.update(piece)
                left -= len(piece)
                yield piece
            if signed:
                name, _, provided = extension.strip().partition("=")
                if name != "chunk-signature":
                    raise S3Error("SignatureDoesNotMatch", "A chunk of the aws-chunked body has no chunk-signature.",
                                  403)
                to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", auth.amz_date, auth.scope, previous, EMPTY_SHA256,
                                     hasher.hexdigest()])
                expected = hmac.new(auth.key, to_sign.encode(), hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected.encode(), provided.encode()):
                    raise S3Error("SignatureDoesNotMatch", "The request signature we calculated does not match the "
                                  "signature you provided. Check your key and signing method.", 403,
                                  ("StringToSign", to_sign), ("SignatureProvided", provided))
                previous = expected
            if size == 0:
                break
            total += size
            if req.read_exact(2) != b"\r\n":
                raise S3Error("IncompleteBody", "The request body terminated unexpectedly", 400)
        trailer_lines = []
        while True:
            line = req.readline()
            if line in (b"\r\n", b""):
                break
            trailer_lines.append(line.decode("latin-1").rstrip("\r\n"))
        if trailer_lines and auth.payload not in TRAILER_PAYLOADS:
            raise S3Error("IncompleteBody", "The aws-chunked body carries a trailer, which %s does not allow"
                          % auth.payload, 400)
        canonical = ""
        for entry in trailer_lines:
            name, _, value = entry.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "x-amz-trailer-signature":
                if auth.payload == STREAMING_SIGNED_TRAILER:
                    to_sign = "\n".join(["AWS4-HMAC-SHA256-TRAILER", auth.amz_date, auth.scope, previous,
                                         hashlib.sha256(canonical.encode()).hexdigest()])
                    expected = hmac.new(auth.key, to_sign.encode(), hashlib.sha256).hexdigest()
                    if not hmac.compare_digest(expected.encode(), value.encode()):
                        raise S3Error("SignatureDoesNotMatch", "The trailer signature we calculated does not match "
                                      "the signature you provided.", 403, ("StringToSign", to_sign))
                    auth.trailer_signed = True
                continue
            auth.trailers[name] = value
            canonical += "%s:%s\n" % (name, value)
        if auth.payload == STREAMING_SIGNED_TRAILER and auth.trailers and not auth.trailer_signed:
            raise S3Error("SignatureDoesNotMatch", "The trailer of the aws-chunked body is not signed.", 403)
        decoded = req.headers.get("x-amz-decoded-content-length")
        if decoded is not None and decoded.strip().isdigit() and int(decoded) != total:
            raise S3Error("IncompleteBody", "You did not provide the number of bytes specified by the "
                          "x-amz-decoded-content-length HTTP header", 400)

    def receive(self, req, auth, algorithms=(), to_file=True, limit=None):
        """Reads the whole body into a temporary file (or memory), hashing it; checks x-amz-content-sha256 and
        Content-MD5. Flexible checksums are left to the caller (digests of `algorithms` are computed)."""
        if auth.payload in STREAMING and req.headers.get("x-amz-decoded-content-length") is None:
            raise S3Error("MissingContentLength", "You must provide the Content-Length HTTP header.", 411)
        md5_header = req.headers.get("Content-MD5")
        md5_expected = None
        if md5_header is not None:
            try:
                md5_expected = base64.b64decode(md5_header.strip(), validate=True)
            except (binascii.Error, ValueError):
                md5_expected = b""
            if len(md5_expected) != 16:
                raise S3Error("InvalidDigest", "The Content-MD5 you specified was invalid.", 400,
                              ("Content-MD5", md5_header))
        md5, sha = hashlib.md5(), hashlib.sha256()
        hashers = {a.name: a.new() for a in algorithms}
        size, path, pieces, out = 0, None, [], None
        if to_file:
            path = self.new_path("tmp")
            out = open(path, "wb")
        try:
            for chunk in self.body_chunks(req, auth):
                size += len(chunk)
                if limit is not None and size > limit:
                    raise S3Error("MaxMessageLengthExceeded", "Your request was too big.", 400)
                md5.update(chunk)
                sha.update(chunk)
                for hasher in hashers.values():
                    hasher.update(chunk)
                if out:
                    out.write(chunk)
                else:
                    pieces.append(chunk)
            if out:
                out.close()
                out = None
            sha_hex = sha.hexdigest()
            if SHA256_HEX_RE.fullmatch(auth.payload) and auth.payload != sha_hex:
                raise S3Error("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not "
                              "match what was computed.", 400, ("ClientComputedContentSHA256", auth.payload),
                              ("S3ComputedContentSHA256", sha_hex))
            if md5_expected is not None and md5.digest() != md5_expected:
                raise S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.", 400,
                              ("ExpectedDigest", md5_expected.hex()), ("CalculatedDigest", b64(md5.digest())))
        except BaseException:
            if out:
                out.close()
            self.remove(path)
            raise
        return Body(path, None if to_file else b"".join(pieces), size, md5.digest(), sha_hex,
                    {name: h.digest() for name, h in hashers.items()})

    def small_body(self, req, auth):
        return self.receive(req, auth, to_file=False, limit=MAX_XML_BODY)

    def checksum_request(self, req, auth):
        found = [a for a in ALGORITHMS.values() if req.headers.get(a.header) is not None]
        trailer, trailer_algorithm = req.headers.get("x-amz-trailer"), None
        if trailer is not None:
            trailer_algorithm = next((a for a in ALGORITHMS.values() if a.header == trailer.strip().lower()), None)
            if trailer_algorithm is None or auth.payload not in TRAILER_PAYLOADS:
                raise invalid_request("The value specified in the x-amz-trailer header is not supported")
        if len(found) + (1 if trailer_algorithm else 0) > 1:
            raise invalid_request("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
        chosen = found[0] if found else trailer_algorithm
        sdk = req.headers.get("x-amz-sdk-checksum-algorithm")
        if sdk is not None:
            if chosen is None:
                raise invalid_request("x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* "
                                      "or x-amz-trailer headers were found.")
            if ALGORITHMS.get(sdk.strip().upper()) is not chosen:
                raise invalid_request("Value for x-amz-sdk-checksum-algorithm header is invalid.")
        if chosen is None:
            return ChecksumSpec()
        if found:
            return ChecksumSpec(chosen, decode_checksum(chosen, req.headers[chosen.header]))
        return ChecksumSpec(chosen, None, via_trailer=True)

    @staticmethod
    def verify_checksum(spec, body, auth):
        if spec.algorithm is None:
            return
        expected = spec.expected
        if spec.via_trailer:
            value = auth.trailers.get(spec.algorithm.header)
            if value is None:
                raise invalid_request("x-amz-trailer named %s, but the body's trailer did not carry it."
                                      % spec.algorithm.header)
            expected = decode_checksum(spec.algorithm, value, trailing=True)
        if body.digests[spec.algorithm.name] != expected:
            raise S3Error("BadDigest", "The %s you specified did not match the calculated checksum."
                          % spec.algorithm.name, 400)

    # --- conditional writes

    @staticmethod
    def write_condition(req):
        """(If-None-Match, If-Match) of a PutObject / CompleteMultipartUpload; only '*' is supported for the first."""
        none_match, match = req.headers.get("If-None-Match"), req.headers.get("If-Match")
        if none_match is not None and none_match.strip() != "*":
            raise S3Error("NotImplemented", "A header you provided implies functionality that is not implemented",
                          501, ("Header", "If-None-Match"))
        return none_match, match

    def check_write_condition(self, req, condition, current):
        none_match, match = condition
        if none_match is not None and current is not None:
            raise S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
                          ("Condition", "If-None-Match"))
        if match is not None:
            if current is None:
                raise S3Error("NoSuchKey", "The specified key does not exist.", 404, ("Key", req.key))
            if match.strip() != "*" and bare_etag(match) != bare_etag(current.etag):
                raise S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
                              412, ("Condition", "If-Match"))

    def commit(self, req, condition, before, obj):
        """Stores obj as the key's object; 409 ConditionalRequestConflict when a conditional write finds the key
        changed since its precondition was checked (a concurrent write won)."""
        with self.lock:
            current = self.objects.get((req.bucket, req.key))
            if (condition[0] is not None or condition[1] is not None) and current is not before:
                raise S3Error("ConditionalRequestConflict", "A conflicting operation occurred. If using PutObject you "
                              "can retry the request. If using multipart upload you should initiate another "
                              "CreateMultipartUpload request and re-upload each part.", 409)
            self.objects[(req.bucket, req.key)] = obj
        if current is not None:
            self.remove(current.path)

    # --- operations: service and buckets

    def op_ListBuckets(self, req):
        caller = req.auth.caller
        names = sorted(b for b in self.world.buckets if self.allowed(caller, "s3:ListBucket", b))
        buckets = "".join("<Bucket>%s%s</Bucket>" % (el("Name", n), el("CreationDate", xml_time(self.created)))
                          for n in names)
        req.reply_xml(200, '<ListAllMyBucketsResult xmlns="%s"><Owner>%s%s</Owner><Buckets>%s</Buckets>'
                      '</ListAllMyBucketsResult>' % (S3_XMLNS, el("ID", self.owner_id),
                                                     el("DisplayName", self.world.account), buckets))

    def op_HeadBucket(self, req):
        req.reply(200, [("x-amz-bucket-region", self.world.region)])

    def op_GetBucketLocation(self, req):
        region = "" if self.world.region == "us-east-1" else self.world.region
        req.reply_xml(200, '<LocationConstraint xmlns="%s">%s</LocationConstraint>' % (S3_XMLNS, escape(region)))

    def owner_xml(self, bucket):
        owner = self.world.buckets[bucket].get("owner") or self.world.account
        return "<Owner>%s%s</Owner>" % (el("ID", self.owner_id), el("DisplayName", owner))

    def list_params(self, req):
        q = req.q
        try:
            max_keys = int(q.get("max-keys", "1000"))
            if max_keys < 0:
                raise ValueError
        except ValueError:
            raise S3Error("InvalidArgument", "Provided max-keys not an integer or within integer range", 400,
                          ("ArgumentName", "max-keys"), ("ArgumentValue", q.get("max-keys")))
        encoding = q.get("encoding-type")
        if encoding is not None and encoding != "url":
            raise S3Error("InvalidArgument", "Invalid Encoding Method specified in Request", 400,
                          ("ArgumentName", "encoding-type"), ("ArgumentValue", encoding))
        return min(max_keys, 1000), encoding

    def list_entries(self, bucket, prefix, delimiter, after, max_keys):
        """([objects], [common prefixes], truncated, last item) of the bucket's keys after `after`."""
        with self.lock:
            keys = sorted((k for (b, k) in self.objects if b == bucket and k.startswith(prefix)),
                          key=lambda k: k.encode("utf-8"))
            snapshot = {k: self.objects[(bucket, k)] for k in keys}
        contents, prefixes, last, truncated = [], [], None, False
        after_bytes = after.encode("utf-8") if after is not None else None
        for k in keys:
            item, is_prefix = k, False
            if delimiter:
                cut = k.find(delimiter, len(prefix))
                if cut >= 0:
                    item, is_prefix = k[:cut + len(delimiter)], True
            # A key, or the common prefix it rolls up into, at or before the marker was on an earlier page.
            if after_bytes is not None and item.encode("utf-8") <= after_bytes:
                continue
            if is_prefix and prefixes and prefixes[-1] == item:
                continue
            if len(contents) + len(prefixes) >= max_keys:
                truncated = True
                break
            if is_prefix:
                prefixes.append(item)
            else:
                contents.append(snapshot[k])
            last = item
        return contents, prefixes, truncated, last

    def contents_xml(self, objects, encode, fetch_owner):
        out = []
        for o in objects:
            checksum = ""
            if o.checksum:
                checksum = el("ChecksumAlgorithm", o.checksum) + el("ChecksumType", o.checksum_type)
            out.append("<Contents>%s%s%s%s%s<StorageClass>STANDARD</StorageClass>%s</Contents>" % (
                el("Key", encode(o.key)), el("LastModified", xml_time(o.last_modified)), el("ETag", o.etag),
                checksum, el("Size", o.size), self.owner_xml(o.bucket) if fetch_owner else ""))
        return "".join(out)

    def op_ListObjectsV2(self, req):
        q = req.q
        max_keys, encoding = self.list_params(req)
        encode = (lambda s: quote_plus(s, safe="/")) if encoding else (lambda s: s)
        prefix, delimiter = q.get("prefix", ""), q.get("delimiter") or None
        token, start_after = q.get("continuation-token"), q.get("start-after")
        after = start_after
        if token is not None:
            try:
                after = json.loads(base64.urlsafe_b64decode(token.encode()).decode())["after"]
            except (ValueError, KeyError, TypeError):
                raise S3Error("InvalidArgument", "The continuation token provided is incorrect", 400,
                              ("ArgumentName", "continuation-token"))
        contents, prefixes, truncated, last = self.list_entries(req.bucket, prefix, delimiter, after, max_keys)
        xml = ['<ListBucketResult xmlns="%s">' % S3_XMLNS, el("Name", req.bucket), el("Prefix", encode(prefix))]
        if token is not None:
            xml.append(el("ContinuationToken", token))
        if truncated:
            xml.append(el("NextContinuationToken",
                          base64.urlsafe_b64encode(json.dumps({"after": last}).encode()).decode()))
        xml += [el("KeyCount", len(contents) + len(prefixes)), el("MaxKeys", max_keys)]
        if delimiter:
            xml.append(el("Delimiter", encode(delimiter)))
        if encoding:
            xml.append(el("EncodingType", encoding))
        if start_after is not None:
            xml.append(el("StartAfter", encode(start_after)))
        xml.append(el("IsTruncated", "true" if truncated else "false"))
        xml.append(self.contents_xml(contents, encode, q.get("fetch-owner") == "true"))
        xml += ["<CommonPrefixes>%s</CommonPrefixes>" % el("Prefix", encode(p)) for p in prefixes]
        xml.append("</ListBucketResult>")
        req.reply_xml(200, "".join(xml))

    def op_ListObjects(self, req):
        q = req.q
        max_keys, encoding = self.list_params(req)
        encode = (lambda s: quote_plus(s, safe="/")) if encoding else (lambda s: s)
        prefix, delimiter, marker = q.get("prefix", ""), q.get("delimiter") or None, q.get("marker")
        contents, prefixes, truncated, last = self.list_entries(req.bucket, prefix, delimiter, marker, max_keys)
        xml = ['<ListBucketResult xmlns="%s">' % S3_XMLNS, el("Name", req.bucket), el("Prefix", encode(prefix)),
               el("Marker", encode(marker or ""))]
        if truncated and delimiter:
            xml.append(el("NextMarker", encode(last)))
        xml.append(el("MaxKeys", max_keys))
        if delimiter:
            xml.append(el("Delimiter", encode(delimiter)))
        if encoding:
            xml.append(el("EncodingType", encoding))
        xml.append(el("IsTruncated", "true" if truncated else "false"))
        xml.append(self.contents_xml(contents, encode, True))
        xml += ["<CommonPrefixes>%s</CommonPrefixes>" % el("Prefix", encode(p)) for p in prefixes]
        xml.append("</ListBucketResult>")
        req.reply_xml(200, "".join(xml))

    # --- operations: objects

    def missing_key(self, req):
        """NoSuchKey for a caller that may list the bucket, AccessDenied for one that may not (as S3 does)."""
        if not self.allowed(req.auth.caller, "s3:ListBucket", req.bucket):
            return self.denied(req, "s3:GetObject", req.key)
        return S3Error("NoSuchKey", "The specified key does not exist.", 404, ("Key", req.key))

    def ensure_checksum(self, obj, fh):
        """The object's checksum, computing the default CRC64NVME of a plain PutObject on first demand (from the
        open file: a concurrent overwrite may already have removed its path)."""
        if obj.checksum and obj.checksum_raw is None:
            hasher = ALGORITHMS[obj.checksum].new()
            fh.seek(0)
            for chunk in iter(lambda: fh.read(COPY_CHUNK), b""):
                hasher.update(chunk)
            with self.lock:
                obj.checksum_raw = hasher.digest()
        return obj.checksum_value()

    def op_HeadObject(self, req):
        self.op_GetObject(req)

    def op_GetObject(self, req):
        with self.lock:
            obj = self.objects.get((req.bucket, req.key))
            fh = open(obj.path, "rb") if obj is not None else None
        if obj is None:
            raise self.missing_key(req)
        try:
            self.answer_object(req, obj, fh)
        finally:
            fh.close()

    def answer_object(self, req, obj, fh):
        h = req.headers
        headers = [("Last-Modified", http_time(obj.last_modified)), ("ETag", obj.etag), ("Accept-Ranges", "bytes")]
        # Preconditions, in RFC 7232's order, as S3 evaluates them.
        if_match, if_none_match = h.get("If-Match"), h.get("If-None-Match")
        etag = bare_etag(obj.etag)
        since = lambda name: email.utils.parsedate_to_datetime(h[name]).timestamp() if h.get(name) else None
        try:
            unmodified_since, modified_since = since("If-Unmodified-Since"), since("If-Modified-Since")
        except (TypeError, ValueError):
            unmodified_since = modified_since = None
        if if_match is not None:
            if not any(t.strip() == "*" or bare_etag(t) == etag for t in if_match.split(",")):
                raise S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
                              412, ("Condition", "If-Match"))
        elif unmodified_since is not None and int(obj.last_modified) > unmodified_since:
            raise S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
                          ("Condition", "If-Unmodified-Since"))
        if if_none_match is not None:
            if any(t.strip() == "*" or bare_etag(t) == etag for t in if_none_match.split(",")):
                return req.reply(304, headers)
        elif modified_since is not None and int(obj.last_modified) <= modified_since:
            return req.reply(304, headers)
        for name in STORED_HEADERS:
            if name in obj.meta:
                headers.append((name, obj.meta[name]))
        headers += [(name, value) for name, value in obj.meta.items() if name.startswith("x-amz-meta-")]
        start, length, status = 0, obj.size, 200
        range_header, part = h.get("Range"), req.part_number
        if "partNumber" in req.q:
            if range_header:
                raise invalid_request("Cannot specify both Range header and partNumber query parameter")
            sizes = [size for size, _ in obj.parts] if obj.parts else [obj.size]
            if part is None or part < 1 or part > MAX_PART_NUMBER:
                raise S3Error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive",
                              400, ("ArgumentName", "partNumber"), ("ArgumentValue", req.q["partNumber"]))
            if part > len(sizes):
                raise S3Error("InvalidPartNumber", "The requested partnumber is not satisfiable", 416,
                              ("PartNumberRequested", part), ("ActualPartCount", len(sizes)))
            start, length = sum(sizes[:part - 1]), sizes[part - 1]
            headers.append(("x-amz-mp-parts-count", str(len(sizes))))
            if obj.parts:
                status = 206
                headers.append(("Content-Range", "bytes %d-%d/%d" % (start, start + length - 1, obj.size)))
        elif range_header:
            match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", range_header)
            # Only a single byte range is honoured; anything else is ignored (the whole object), as S3 does.
            if match and (match.group(1) or match.group(2)):
                first, last, size = match.group(1), match.group(2), obj.size
                if first == "":
                    start, end = (max(0, size - int(last)), size - 1) if int(last) > 0 else (size, size - 1)
                else:
                    start, end = int(first), size - 1 if last == "" else min(int(last), size - 1)
                if first == "" or last == "" or int(last) >= int(first):
                    if start >= size:
                        raise S3Error("InvalidRange", "The requested range is not satisfiable", 416,
                                      ("RangeRequested", range_header), ("ActualObjectSize", size),
                                      headers={"Content-Range": "bytes */%d" % size})
                    length, status = end - start + 1, 206
                    headers.append(("Content-Range", "bytes %d-%d/%d" % (start, end, size)))
        if (h.get("x-amz-checksum-mode") or "").upper() == "ENABLED" and obj.checksum and \
                (status == 200 or (part is not None and obj.parts and obj.parts[part - 1][1] is not None)):
            if status == 200:
                headers += [(ALGORITHMS[obj.checksum].header, self.ensure_checksum(obj, fh)),
                            ("x-amz-checksum-type", obj.checksum_type)]
            else:
                headers.append((ALGORITHMS[obj.checksum].header, b64(obj.parts[part - 1][1])))
        if "Content-Type" not in obj.meta:
            headers.append(("Content-Type", "binary/octet-stream"))
        fh.seek(start)
        req.reply(status, headers, stream=(fh, length), length=length)

    def stored_meta(self, req):
        meta = {name: req.headers[name] for name in STORED_HEADERS if req.headers.get(name) is not None}
        for name, value in req.headers.items():
            if name.lower().startswith("x-amz-meta-"):
                meta[name.lower()] = value
        return meta

    def op_PutObject(self, req):
        if req.content_length is None and not (req.te_chunked and req.headers.get("x-amz-decoded-content-length")):
            raise S3Error("MissingContentLength", "You must provide the Content-Length HTTP header.", 411)
        condition = self.write_condition(req)
        with self.lock:
            before = self.objects.get((req.bucket, req.key))
        self.check_write_condition(req, condition, before)
        spec = self.checksum_request(req, req.auth)
        body = self.receive(req, req.auth, [spec.algorithm] if spec.algorithm else [])
        try:
            self.verify_checksum(spec, body, req.auth)
            path = self.new_path("objects")
            os.replace(body.path, path)
            body.path = path
            algorithm = spec.algorithm or ALGORITHMS["CRC64NVME"]  # S3's default checksum since 2025
            obj = StoredObject(bucket=req.bucket, key=req.key, path=path, size=body.size,
                               etag=quoted_etag(body.md5.hex()), last_modified=time.time(), meta=self.stored_meta(req),
                               sha256=body.sha256, checksum=algorithm.name, checksum_type="FULL_OBJECT",
                               checksum_raw=body.digests.get(algorithm.name))
            self.commit(req, condition, before, obj)
        except BaseException:
            self.remove(body.path)
            raise
        headers = [("ETag", obj.etag)]
        if spec.algorithm:
            headers += [(spec.algorithm.header, obj.checksum_value()), ("x-amz-checksum-type", "FULL_OBJECT")]
        req.reply(200, headers)

    def op_DeleteObject(self, req):
        with self.lock:
            obj = self.objects.pop((req.bucket, req.key), None)
        if obj:
            self.remove(obj.path)
        req.reply(204)

    def op_DeleteObjects(self, req):
        if req.headers.get("Content-MD5") is None and not any(req.headers.get(a.header) for a in ALGORITHMS.values()):
            raise invalid_request("Missing required header for this request: Content-MD5")
        spec = self.checksum_request(req, req.auth)
        body = self.receive(req, req.auth, [spec.algorithm] if spec.algorithm else [], to_file=False,
                            limit=MAX_XML_BODY)
        self.verify_checksum(spec, body, req.auth)
        root = parse_xml(body.data, "Delete")
        quiet = (root.findtext("Quiet") or "").strip().lower() == "true"
        keys = [o.findtext("Key") for o in root.findall("Object")]
        if not keys or len(keys) > 1000 or any(k is None or k == "" for k in keys):
            raise malformed_xml()
        out = []
        for key in keys:
            if not self.allowed(req.auth.caller, "s3:DeleteObject", req.bucket, key):
                out.append("<Error>%s%s%s</Error>" % (el("Key", key), el("Code", "AccessDenied"),
                                                      el("Message", "Access Denied")))
                continue
            with self.lock:
                obj = self.objects.pop((req.bucket, key), None)
            if obj:
                self.remove(obj.path)
            if not quiet:
                out.append("<Deleted>%s</Deleted>" % el("Key", key))
        req.reply_xml(200, '<DeleteResult xmlns="%s">%s</DeleteResult>' % (S3_XMLNS, "".join(out)))

    # --- operations: multipart uploads

    def upload_of(self, req):
        with self.lock:
            upload = self.uploads.get(req.upload_id)
        if upload is None or upload.bucket != req.bucket or upload.key != req.key:
            raise S3Error("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the "
                          "upload may have been aborted or completed.", 404, ("UploadId", req.upload_id))
        return upload

    def initiator_xml(self, upload):
        return "<Initiator>%s%s</Initiator>" % (el("ID", upload.initiator_arn), el("DisplayName", upload.initiator))

    def op_CreateMultipartUpload(self, req):
        h = req.headers
        name, kind = h.get("x-amz-checksum-algorithm"), h.get("x-amz-checksum-type")
        algorithm = None
        if name is not None:
            algorithm = ALGORITHMS.get(name.strip().upper())
            if algorithm is None:
                raise invalid_request("Checksum algorithm provided is unsupported. Please try again with any of the "
                                      "valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
        if kind is not None:
            kind = kind.strip().upper()
            if kind not in ("COMPOSITE", "FULL_OBJECT"):
                raise invalid_request("Value for x-amz-checksum-type header is invalid.")
            if algorithm is None:
                raise invalid_request("The x-amz-checksum-type header can only be used with the "
                                      "x-amz-checksum-algorithm header.")
        if algorithm is not None:
            kind = kind or ("FULL_OBJECT" if not algorithm.composite else "COMPOSITE")
            if not (algorithm.full_object if kind == "FULL_OBJECT" else algorithm.composite):
                raise invalid_request("The %s checksum type cannot be used with the %s checksum algorithm."
                                      % (kind, algorithm.name.lower()))
        self.small_body(req, req.auth)
        caller = req.auth.caller
        upload = Upload(upload_id=secrets.token_urlsafe(48), bucket=req.bucket, key=req.key, initiated=time.time(),
                        initiator_arn=caller.arn if caller else "anonymous",
                        initiator=(caller.user["name"] if caller.user else caller.arn) if caller else "anonymous", meta=self.stored_meta(req),
                        algorithm=algorithm, checksum_type=kind if algorithm else None)
        with self.lock:
            self.uploads[upload.upload_id] = upload
        req.upload_id = upload.upload_id
        headers = []
        if algorithm:
            headers = [("x-amz-checksum-algorithm", algorithm.name), ("x-amz-checksum-type", kind)]
        req.reply_xml(200, '<InitiateMultipartUploadResult xmlns="%s">%s%s%s</InitiateMultipartUploadResult>'
                      % (S3_XMLNS, el("Bucket", req.bucket), el("Key", req.key), el("UploadId", upload.upload_id)),
                      headers)

    def op_UploadPart(self, req):
        if req.content_length is None and not (req.te_chunked and req.headers.get("x-amz-decoded-content-length")):
            raise S3Error("MissingContentLength", "You must provide the Content-Length HTTP header.", 411)
        number = req.part_number
        if number is None or not 1 <= number <= MAX_PART_NUMBER:
            raise S3Error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", 400,
                          ("ArgumentName", "partNumber"), ("ArgumentValue", req.q.get("partNumber")))
        upload = self.upload_of(req)
        spec = self.checksum_request(req, req.auth)
        wanted = upload.algorithm
        given = spec.algorithm
        if given is not wanted and not (given is None and upload.checksum_type == "FULL_OBJECT"):
            raise invalid_request("Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum "
                                  "Type: %s" % (wanted.name.lower() if wanted else "null",
                                                given.name.lower() if given else "null"))
        body = self.receive(req, req.auth, [wanted] if wanted else [])
        try:
            self.verify_checksum(spec, body, req.auth)
            path = self.new_path("parts")
            os.replace(body.path, path)
            body.path = path
            part = Part(number=number, path=path, size=body.size, etag=quoted_etag(body.md5.hex()), md5=body.md5,
                        checksum_raw=body.digests.get(wanted.name) if wanted else None, last_modified=time.time())
            with self.lock:
                if upload.state != "open" or self.uploads.get(upload.upload_id) is not upload:
                    raise S3Error("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, "
                                  "or the upload may have been aborted or completed.", 404,
                                  ("UploadId", req.upload_id))
                old = upload.parts.get(number)
                upload.parts[number] = part
        except BaseException:
            self.remove(body.path)
            raise
        if old:
            self.remove(old.path)
        headers = [("ETag", part.etag)]
        if wanted:
            headers.append((wanted.header, b64(part.checksum_raw)))
        req.reply(200, headers)

    def op_ListParts(self, req):
        upload = self.upload_of(req)
        try:
            max_parts = min(int(req.q.get("max-parts", "1000")), 1000)
            marker = int(req.q.get("part-number-marker", "0") or 0)
        except ValueError:
            raise S3Error("InvalidArgument", "Provided max-parts or part-number-marker not an integer", 400)
        with self.lock:
            parts = sorted((p for n, p in upload.parts.items() if n > marker), key=lambda p: p.number)
        page, truncated = parts[:max_parts], len(parts) > max_parts
        xml = ['<ListPartsResult xmlns="%s">' % S3_XMLNS, el("Bucket", req.bucket), el("Key", req.key),
               el("UploadId", upload.upload_id), el("PartNumberMarker", marker),
               el("NextPartNumberMarker", page[-1].number if page else marker), el("MaxParts", max_parts),
               el("IsTruncated", "true" if truncated else "false")]
        for p in page:
            checksum = el(upload.algorithm.element, b64(p.checksum_raw)) if upload.algorithm else ""
            xml.append("<Part>%s%s%s%s%s</Part>" % (el("PartNumber", p.number), el("LastModified",
                                                                                   xml_time(p.last_modified)),
                                                    el("ETag", p.etag), el("Size", p.size), checksum))
        xml += [self.initiator_xml(upload), self.owner_xml(req.bucket), "<StorageClass>STANDARD</StorageClass>"]
        if upload.algorithm:
            xml += [el("ChecksumAlgorithm", upload.algorithm.name), el("ChecksumType", upload.checksum_type)]
        xml.append("</ListPartsResult>")
        req.reply_xml(200, "".join(xml))

    def op_AbortMultipartUpload(self, req):
        upload = self.upload_of(req)
        with self.lock:
            if upload.state == "completing":
                raise S3Error("OperationAborted", "A conflicting conditional operation is currently in progress "
                              "against this resource. Please try again.", 409)
            self.uploads.pop(upload.upload_id, None)
            upload.state = "aborted"
            parts = list(upload.parts.values())
        for p in parts:
            self.remove(p.path)
        req.reply(204)

    def op_ListMultipartUploads(self, req):
        q = req.q
        prefix, delimiter = q.get("prefix", ""), q.get("delimiter") or None
        key_marker, id_marker = q.get("key-marker", ""), q.get("upload-id-marker", "")
        try:
            max_uploads = min(int(q.get("max-uploads", "1000")), 1000)
        except ValueError:
            raise S3Error("InvalidArgument", "Provided max-uploads not an integer or within integer range", 400)
        encode = (lambda s: quote_plus(s, safe="/")) if q.get("encoding-type") == "url" else (lambda s: s)
        with self.lock:
            uploads = sorted((u for u in self.uploads.values() if u.bucket == req.bucket and u.key.startswith(prefix)),
                             key=lambda u: (u.key.encode("utf-8"), u.initiated, u.upload_id))
        items, prefixes, truncated = [], [], False
        for u in uploads:
            if key_marker and (u.key < key_marker or (u.key == key_marker and (not id_marker or
                                                                               u.upload_id <= id_marker))):
                continue
            if delimiter and delimiter in u.key[len(prefix):]:
                cp = u.key[:u.key.index(delimiter, len(prefix)) + len(delimiter)]
                if cp not in prefixes:
                    if len(items) + len(prefixes) >= max_uploads:
                        truncated = True
                        break
                    prefixes.append(cp)
                continue
            if len(items) + len(prefixes) >= max_uploads:
                truncated = True
                break
            items.append(u)
        xml = ['<ListMultipartUploadsResult xmlns="%s">' % S3_XMLNS, el("Bucket", req.bucket),
               el("KeyMarker", key_marker), el("UploadIdMarker", id_marker),
               el("NextKeyMarker", items[-1].key if items else ""),
               el("NextUploadIdMarker", items[-1].upload_id if items else ""), el("Prefix", encode(prefix))]
        if delimiter:
            xml.append(el("Delimiter", delimiter))
        xml += [el("MaxUploads", max_uploads), el("IsTruncated", "true" if truncated else "false")]
        for u in items:
            checksum = (el("ChecksumAlgorithm", u.algorithm.name) + el("ChecksumType", u.checksum_type)
                        if u.algorithm else "")
            xml.append("<Upload>%s%s%s%s<StorageClass>STANDARD</StorageClass>%s%s</Upload>" % (
                el("Key", encode(u.key)), el("UploadId", u.upload_id), self.initiator_xml(u),
                self.owner_xml(u.bucket), el("Initiated", xml_time(u.initiated)), checksum))
        xml += ["<CommonPrefixes>%s</CommonPrefixes>" % el("Prefix", encode(p)) for p in prefixes]
        xml.append("</ListMultipartUploadsResult>")
        req.reply_xml(200, "".join(xml))

    def op_CompleteMultipartUpload(self, req):
        condition = self.write_condition(req)
        body = self.small_body(req, req.auth)
        with self.lock:
            done = self.completed.get(req.upload_id)
            current = self.objects.get((req.bucket, req.key))
        if done and done["bucket"] == req.bucket and done["key"] == req.key and current is done["object"]:
            return req.reply_xml(200, done["xml"])  # a repeated completion (e.g. after a lost answer)
        upload = self.upload_of(req)
        root = parse_xml(body.data, "CompleteMultipartUpload")
        listed = []
        for p in root.findall("Part"):
            try:
                number = int((p.findtext("PartNumber") or "").strip())
            except ValueError:
                raise malformed_xml()
            checksums = {a.name: p.findtext(a.element) for a in ALGORITHMS.values() if p.find(a.element) is not None}
            listed.append((number, p.findtext("ETag") or "", checksums))
        if not listed:
            raise malformed_xml()
        for (a, _, _), (b, _, _) in zip(listed, listed[1:]):
            if b <= a:
                raise S3Error("InvalidPartOrder", "The list of parts was not in ascending order. The parts list must "
                              "be specified in order by part number.", 400, ("UploadId", upload.upload_id))
        with self.lock:
            before = self.objects.get((req.bucket, req.key))
            if upload.state != "open":
                raise S3Error("OperationAborted", "A conflicting conditional operation is currently in progress "
                              "against this resource. Please try again.", 409)
            parts = []
            for number, etag, checksums in listed:
                part = upload.parts.get(number)
                if part is None or bare_etag(etag) != bare_etag(part.etag):
                    raise S3Error("InvalidPart", "One or more of the specified parts could not be found.  The part "
                                  "may not have been uploaded, or the specified entity tag may not match the part's "
                                  "entity tag.", 400, ("UploadId", upload.upload_id), ("PartNumber", number),
                                  ("ETag", etag))
                parts.append((part, checksums))
            upload.state = "completing"
        try:
            obj = self.complete(req, upload, parts, condition, before)
        except BaseException:
            with self.lock:
                if upload.state == "completing":
                    upload.state = "open"
            raise
        xml = ('<CompleteMultipartUploadResult xmlns="%s">%s%s%s%s%s</CompleteMultipartUploadResult>'
               % (S3_XMLNS, el("Location", "http://%s/%s/%s" % (req.headers.get("Host", ""), req.bucket,
                                                               quote(req.key, safe="/~"))),
                  el("Bucket", req.bucket), el("Key", req.key), el("ETag", obj.etag),
                  (el(ALGORITHMS[obj.checksum].element, obj.checksum_value()) + el("ChecksumType", obj.checksum_type))
                  if obj.checksum else ""))
        with self.lock:
            self.completed[upload.upload_id] = {"bucket": req.bucket, "key": req.key, "object": obj, "xml": xml}
        req.reply_xml(200, xml)

    def complete(self, req, upload, parts, condition, before):
        algorithm, kind = upload.algorithm, upload.checksum_type
        for index, (part, checksums) in enumerate(parts):
            for name, value in checksums.items():
                if part.checksum_raw is None or algorithm is None or name != algorithm.name or \
                        (value or "").strip() != b64(part.checksum_raw):
                    raise S3Error("InvalidPart", "One or more of the specified parts could not be found.  The part "
                                  "may not have been uploaded, or the specified entity tag may not match the part's "
                                  "entity tag.", 400, ("UploadId", upload.upload_id), ("PartNumber", part.number),
                                  ("ETag", part.etag))
            if kind == "COMPOSITE" and algorithm.name not in checksums:
                raise invalid_request("The upload was created using a %s checksum. The complete request must include "
                                      "the checksum for each part. It was missing for part %d in the request."
                                      % (algorithm.name.lower(), part.number))
            if index < len(parts) - 1 and part.size < self.min_part_size:
                raise S3Error("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400,
                              ("ProposedSize", part.size), ("MinSizeAllowed", self.min_part_size),
                              ("PartNumber", part.number), ("ETag", part.etag))
        checksum_raw = None
        if algorithm is not None:
            if kind == "FULL_OBJECT":
                crc = algorithm.crc
                value = int.from_bytes(parts[0][0].checksum_raw, "big")
                for part, _ in parts[1:]:
                    value = crc.combine(value, int.from_bytes(part.checksum_raw, "big"), part.size)
                checksum_raw = value.to_bytes(algorithm.size, "big")
            else:
                checksum_raw = digest_of(algorithm, b"".join(p.checksum_raw for p, _ in parts))
        # The checksum headers of the request itself.
        given_type = req.headers.get("x-amz-checksum-type")
        if given_type is not None and given_type.strip().upper() != (kind or ""):
            raise S3Error("BadDigest", "The upload was created using the %s checksum mode. The complete request must "
                          "use the same checksum mode." % (kind or "null"), 400)
        for a in ALGORITHMS.values():
            value = req.headers.get(a.header)
            if value is None:
                continue
            if a is not algorithm:
                raise invalid_request("Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum "
                                      "Type: %s" % (algorithm.name.lower() if algorithm else "null", a.name.lower()))
            text = value.strip()
            if kind == "COMPOSITE" and re.fullmatch(r".+-\d+", text):
                text, count = text.rsplit("-", 1)
                if int(count) != len(parts):
                    raise S3Error("BadDigest", "The %s you specified did not match the calculated checksum."
                                  % a.name.lower(), 400)
            if decode_checksum(a, text) != checksum_raw:
                raise S3Error("BadDigest", "The %s you specified did not match the calculated checksum."
                              % a.name.lower(), 400)
        self.check_write_condition(req, condition, before)
        # Assemble the object from its parts.
        path, sha, md5s = self.new_path("tmp"), hashlib.sha256(), b""
        try:
            with open(path, "wb") as out:
                for part, _ in parts:
                    md5s += part.md5
                    with open(part.path, "rb") as f:
                        while True:
                            chunk = f.read(COPY_CHUNK)
                            if not chunk:
                                break
                            sha.update(chunk)
                            out.write(chunk)
            final = self.new_path("objects")
            os.replace(path, final)
            path = final
            obj = StoredObject(bucket=req.bucket, key=req.key, path=final, size=sum(p.size for p, _ in parts),
                               etag='"%s-%d"' % (hashlib.md5(md5s).hexdigest(), len(parts)),
                               last_modified=time.time(), meta=upload.meta, sha256=sha.hexdigest(),
                               checksum=algorithm.name if algorithm else None, checksum_type=kind,
                               checksum_raw=checksum_raw)
            obj.parts = [(p.size, p.checksum_raw) for p, _ in parts]
            obj.upload_id = upload.upload_id
            self.commit(req, condition, before, obj)
        except BaseException:
            self.remove(path)
            raise
        with self.lock:
            upload.state = "completed"
            self.uploads.pop(upload.upload_id, None)
            leftovers = list(upload.parts.values())
        for p in leftovers:
            self.remove(p.path)
        return obj

    # --- one request

    def handle(self, req):
        ticket = self.knobs.begin()
        try:
            self.classify(req)
            req.auth = self.authenticate(req)
            if req.unsupported:
                raise req.unsupported
            injected = self.knobs.injected_failure("s3:" + req.operation, req.bucket, req.key, req.part_number)
            if injected:
                self.discard(req)  # the body is received (and counted) before the injected failure
                raise S3Error(injected["code"], injected["message"], injected["status"])
            if req.operation != "ListBuckets":
                if req.bucket not in self.world.buckets:
                    raise S3Error("NoSuchBucket", "The specified bucket does not exist", 404,
                                  ("BucketName", req.bucket))
                if req.operation != "DeleteObjects":
                    self.authorize(req, req.iam_action, req.key if req.iam_action not in (
                        "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation") else None)
            getattr(self, "op_" + req.operation)(req)
        except S3Error as e:
            if not req.replied:
                req.reply_error(e)
        except (ConnectionError, TimeoutError, OSError) as e:
            req.close = True
            req.handler.close_connection = True
            req.status, req.error_code = req.status or 499, req.error_code or "ClientGone"
            req.notes.append("connection: %s" % e)
        except Exception as e:  # a bug of the double: say so, loudly
            log("S3 %s %s failed: %s\n%s" % (req.method, req.raw_path, e, traceback.format_exc()))
            if not req.replied:
                req.close = True
                req.reply_error(S3Error("InternalError", "We encountered an internal error. Please try again. "
                                        "(test double: %s)" % e, 500))
        finally:
            caller = req.auth.caller if req.auth else None
            key_id = req.auth.key_id if req.auth and req.auth.key_id else credential_key_id(req.headers, req.pairs)
            log("s3 %s %s %s/%s%s by %s -> %s %s" % (req.method, req.operation, req.bucket or "", req.key or "",
                                                     " part %s" % req.part_number if req.part_number else "",
                                                     caller.arn if caller else ("anonymous" if req.auth else "?"),
                                                     req.status, req.error_code))
            self.knobs.record(ticket=ticket, service="s3", action="s3:" + req.operation, method=req.method,
                              path=req.raw_path, access_key_id=key_id, arn=caller.arn if caller else None,
                              bucket=req.bucket, key=req.key, part_number=req.part_number, upload_id=req.upload_id,
                              status=req.status, error_code=req.error_code, bytes_received=req.bytes_received,
                              presigned=bool(req.auth and req.auth.presigned), request_id=req.request_id,
                              notes=req.notes or None)

    def discard(self, req):
        try:
            for _ in self.body_chunks(req, req.auth):
                pass
        except S3Error:
            pass
        req.settle_body()

    # --- test knobs

    def object_info(self, bucket, key):
        with self.lock:
            obj = self.objects.get((bucket, key))
        if obj is None:
            return None
        info = {"bucket": bucket, "key": key, "size": obj.size, "sha256": obj.sha256, "etag": obj.etag,
                "last_modified": xml_time(obj.last_modified), "parts": len(obj.parts) if obj.parts else None,
                "upload_id": obj.upload_id, "metadata": obj.meta}
        if obj.checksum:
            # The default CRC64NVME of a plain PutObject is computed on the first checksum-mode read: null until then.
            info["checksum"] = {"algorithm": obj.checksum, "type": obj.checksum_type, "value": obj.checksum_value()}
        return info

    def uploads_info(self, bucket):
        with self.lock:
            uploads = [u for u in self.uploads.values() if bucket is None or u.bucket == bucket]
            return [{"bucket": u.bucket, "key": u.key, "upload_id": u.upload_id, "initiated": xml_time(u.initiated),
                     "initiator": u.initiator_arn, "state": u.state,
                     "checksum_algorithm": u.algorithm.name if u.algorithm else None,
                     "checksum_type": u.checksum_type,
                     "parts": [{"part_number": p.number, "size": p.size, "etag": p.etag,
                                "checksum": b64(p.checksum_raw) if p.checksum_raw else None}
                               for p in sorted(u.parts.values(), key=lambda p: p.number)]}
                    for u in sorted(uploads, key=lambda u: (u.key, u.initiated))]


# --------------------------------------------------------------------------------------------- the HTTP

def is_sts_request(method, path, query, headers):
    """STS: POST / with a form body (Action=...), or GET /?Action=...; S3 has no such request."""
    if path != "/":
        return False
    if any(name == "Action" for name, _ in query):
        return True
    return method == "POST" and (headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real endpoint

    def version_string(self):
        return SERVER_HEADER

    def log_request(self, code="-", size="-"):
        pass  # the doubles log each request without its query, which may hold an MFA code or a signature

    def parse_request(self):
        self.continue_pending = False
        return super().parse_request()

    def handle_expect_100(self):
        # 100 Continue goes out only when the body is about to be read, so a request refused before that (bad
        # signature, no such bucket, If-None-Match: * on an existing key...) is answered without its body.
        self.continue_pending = True
        return True

    def send_continue(self):
        if self.continue_pending:
            self.continue_pending = False
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()

    def do_GET(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def dispatch(self):
        double = self.server.double
        url = urlsplit(self.path)
        query = parse_qsl(url.query, keep_blank_values=True)
        if url.path.startswith("/__test__/"):
            length = int(self.headers.get("Content-Length") or 0)
            self.send_continue()
            body = self.rfile.read(length) if length else b""
            return self.admin(double, url.path, dict(query), body)
        if not is_sts_request(self.command, url.path, query, self.headers):
            return self.server.s3.handle(S3Request(self, self.command, url.path, query))
        length = int(self.headers.get("Content-Length") or 0)
        self.send_continue()
        body = self.rfile.read(length) if length else b""
        status, xml, request_id = double.handle(self.command, url.path, query, self.headers, body)
        self.reply(status, "text/xml", xml.encode("utf-8"), {"x-amzn-RequestId": request_id})

    def admin(self, double, path, query, body):
        s3, knobs, command = self.server.s3, double.knobs, self.command
        try:
            if path == "/__test__/advance-clock" and command == "POST":
                seconds = int(query["seconds"])
                with double.lock:
                    double.clock_offset += seconds
            elif path == "/__test__/reset-clock" and command == "POST":
                with double.lock:
                    double.clock_offset = 0
            elif path == "/__test__/min-duration" and command in ("POST", "DELETE"):
                seconds = int(query["seconds"]) if command == "POST" else DEFAULT_MIN_DURATION_SECONDS
                if not 1 <= seconds <= 43200:
                    raise ValueError("seconds must be 1..43200")
                double.min_duration = seconds
            elif path == "/__test__/session-lifetime" and command in ("POST", "DELETE"):
                seconds = int(query["seconds"]) if command == "POST" else None
                if seconds is not None and not 1 <= seconds <= 129600:
                    raise ValueError("seconds must be 1..129600")
                double.session_lifetime_cap = seconds
            elif path == "/__test__/min-part-size" and command in ("POST", "DELETE"):
                size = int(query["bytes"]) if command == "POST" else double.world.min_part_size
                if size < 0:
                    raise ValueError("bytes must be >= 0")
                s3.min_part_size = size
            elif path == "/__test__/reset" and command == "POST":
                with double.lock:
                    double.clock_offset = 0
                double.min_duration = DEFAULT_MIN_DURATION_SECONDS
                double.session_lifetime_cap = None
                s3.min_part_size = double.world.min_part_size
                knobs.clear_rules()
            elif path == "/__test__/log" and command == "GET":
                entries, last = knobs.since(int(query.get("since", "0")))
                return self.reply_json(200, {"entries": entries, "last_seq": last})
            elif path == "/__test__/log" and command == "DELETE":
                knobs.clear_log()
                return self.reply_json(200, {"cleared": True, "last_seq": knobs.since(0)[1]})
            elif path == "/__test__/fail" and command == "POST":
                return self.reply_json(200, {"rule": knobs.add_rule(query)})
            elif path == "/__test__/fail" and command in ("GET", "DELETE"):
                if command == "DELETE":
                    knobs.clear_rules()
                with knobs.lock:
                    return self.reply_json(200, {"rules": [dict(r) for r in knobs.rules]})
            elif path == "/__test__/object" and command == "GET":
                info = s3.object_info(query.get("bucket", ""), query.get("key", ""))
                if info is None:
                    return self.reply_json(404, {"error": "no such object", "bucket": query.get("bucket"),
                                                 "key": query.get("key")})
                return self.reply_json(200, info)
            elif path == "/__test__/uploads" and command == "GET":
                return self.reply_json(200, {"uploads": s3.uploads_info(query.get("bucket"))})
            elif path != "/__test__/health":
                return self.reply_json(404, {"error": "no such test endpoint: %s %s" % (command, path)})
        except (KeyError, ValueError) as e:
            return self.reply_json(400, {"error": "bad test request: %s" % e})
        self.reply_json(200, {"test_double": True, "sts": True, "s3": True, "clock_offset": double.clock_offset,
                              "double_now": iso8601(double.now()), "min_duration_seconds": double.min_duration,
                              "session_lifetime_cap": double.session_lifetime_cap,
                              "min_part_size": s3.min_part_size, "buckets": sorted(double.world.buckets),
                              "fail_rules": len(knobs.rules), "log_seq": knobs.seq,
                              "fast_crc": {c.name: c.fast is not None for c in (CRC32, CRC32C, CRC64NVME)}})

    def reply_json(self, status, value):
        self.reply(status, "application/json", json.dumps(value).encode())

    def reply(self, status, content_type, body, extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def print_env(world, endpoint):
    def out(name, value):
        print("export %s='%s'" % (name, value))

    out("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT", endpoint)
    out("ROLEDROP_TEST_STS_DOUBLE_ACCOUNT", world.account)
    for name, user in world.users.items():
        prefix = "ROLEDROP_TEST_STS_DOUBLE_%s_" % name.upper()
        out(prefix + "KEY", user["access_key_id"])
        out(prefix + "SECRET", user["secret_access_key"])
        out(prefix + "ARN", world.user_arn(name))
        if "mfa" in user:
            out(prefix + "MFA_SERIAL", user["mfa"]["serial"])
            out(prefix + "MFA_SEED", user["mfa"]["totp_seed_base32"])
    for arn, role in world.roles.items():
        out("ROLEDROP_TEST_STS_DOUBLE_ROLE_%s" % role["env"], arn)
    for provider in world.oidc_providers:
        if provider.env:
            out("ROLEDROP_TEST_STS_DOUBLE_OIDC_%s_ARN" % provider.env, world.oidc_provider_arn(provider))
    out("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT", endpoint)
    out("ROLEDROP_TEST_S3_DOUBLE_REGION", world.region)
    out("ROLEDROP_TEST_S3_DOUBLE_MIN_PART_SIZE", world.min_part_size)
    for name, bucket in world.buckets.items():
        if bucket.get("env"):
            out(bucket["env"], name)
    for name, value in world.extra_env.items():
        out(name, value)



def main():
    ap = argparse.ArgumentParser(description="RoleDrop's STS + S3 TEST DOUBLE (not AWS)")
    ap.add_argument("--world", help="world JSON file")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--data-dir", help="where S3 objects are kept (default: a temporary directory, removed at exit)")
    ap.add_argument("--print-env", metavar="ENDPOINT", help="print export lines for the world and exit")
    ap.add_argument("--totp", metavar="BASE32SEED", help="print the current TOTP code of a seed and exit")
    ap.add_argument("--tls-cert", help="serve https with this certificate (PEM), e.g. tests/servers/make-test-ca.sh's")
    ap.add_argument("--tls-key", help="its private key (PEM)")
    ap.add_argument("--oidc-issuer", help="the test OpenID Provider's issuer: ${OIDC_ISSUER} in the world file")
    ap.add_argument("--oidc-ca-file", help="CA file trusted when fetching OIDC providers' keys (https)")
    args = ap.parse_args()
    if args.totp:
        print(totp(args.totp, time.time()))
        return 0
    if not args.world:
        ap.error("--world is required")
    world = load_world(args.world, args.oidc_issuer)
    if args.print_env:
        print_env(world, args.print_env)
        return 0
    if not args.host.startswith("127."):
        ap.error("the test double listens on loopback addresses only")
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    own_dir = args.data_dir is None
    data_dir = tempfile.mkdtemp(prefix="roledrop-s3-double-") if own_dir else args.data_dir
    server = (tls_threading_http_server(args.tls_cert, args.tls_key, log) if args.tls_cert else ThreadingHTTPServer)(
        (args.host, args.port), Handler)
    server.daemon_threads = True
    server.double = StsTestDouble(world, args.oidc_ca_file)
    server.s3 = S3TestDouble(server.double, data_dir)
    slow = [c.name for c in (CRC32C, CRC64NVME) if c.fast is None]
    if slow:
        log("no python3-crcmod C extension: %s computed in pure Python (about 10 MB/s)" % ", ".join(slow))
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)

    def stop(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    print("READY port=%d%s (STS + S3 TEST DOUBLE, not AWS)" % (port, " https" if args.tls_cert else ""), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if own_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
