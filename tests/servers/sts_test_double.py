#!/usr/bin/python3
"""RoleDrop's STS TEST DOUBLE - a stand-in for AWS STS in tests. It is NOT AWS and NOT a real STS.

Why it exists: Ceph RGW (the real S3 + STS the e2e tests use) lacks GetCallerIdentity, the sts:ExternalId
and MFA trust conditions, and answers STS errors in S3's <Error> form instead of AWS's <ErrorResponse>.
This double fills those gaps and checks what real STS checks:
  - SigV4 on every request (Authorization header), recomputed independently with botocore's SigV4Auth
    from the received method, path, query, signed headers and body; scope service must be `sts`, any region;
    X-Amz-Date within 5 minutes of the real clock.
  - access keys: long-term keys of the world's users, temporary keys it issued (with their session token,
    checked for expiry against the double's clock).
  - AssumeRole (trust policies with sts:ExternalId / aws:MultiFactorAuthPresent conditions, role chaining,
    DurationSeconds limits, AWS's parameter validation), GetCallerIdentity, GetSessionToken.
  - answers and errors in AWS's documented XML, with AWS's HTTP status codes.

Test-only admin endpoints (no authentication; the server listens on loopback only):
  GET  /__test__/health                   -> {"test_double": true, "clock_offset": N}
  POST /__test__/advance-clock?seconds=N  moves the double's clock N seconds ahead (negative: back), so
                                          tests can make issued credentials expire without waiting
  POST /__test__/reset-clock              back to the real time
The double's clock only decides credential expiry (and the Expiration it issues); signature dates and
TOTP codes are checked against the real clock, as the client signs with the real time.

MFA: a user's device accepts the RFC 6238 TOTP code (SHA-1, 6 digits, 30 s) of its base32 seed from the
world file, for the current window +/- 1. Unlike AWS, a code may be reused.

Usage (always with Debian's /usr/bin/python3, which has python3-botocore):
  sts_test_double.py --world sts_double_world.json [--port 0] [--port-file F]   serve; prints READY port=N
  sts_test_double.py --world W --print-env http://127.0.0.1:N    export lines describing the world
  sts_test_double.py --totp BASE32SEED                           the current TOTP code of a seed
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import string
import struct
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.sax.saxutils import escape

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
API_VERSION = "2011-06-15"
SERVER_HEADER = "RoleDrop-STS-Test-Double"
MAX_SKEW_SECONDS = 300
CHAINED_ROLE_MAX_SECONDS = 3600
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
        self.extra_env = doc.get("extra_env", {})

    def user_arn(self, name):
        return "arn:aws:iam::%s:user/%s" % (self.account, name)

    def role_arn(self, name):
        return "arn:aws:iam::%s:role/%s" % (self.account, name)


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

    def __init__(self, world, user, session=None):
        self.world, self.user, self.session = world, user, session

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


def statement_applies(stmt, caller, context):
    actions = as_list(stmt.get("Action", []))
    if not any(a in ("*", "sts:*", "sts:AssumeRole") for a in actions):
        return False
    principal = stmt.get("Principal", {})
    principals = ["*"] if principal == "*" else as_list(principal.get("AWS", []))
    if not any(caller.principal_matches(p) for p in principals):
        return False
    return all(condition_holds(op, kv, context) for op, kv in stmt.get("Condition", {}).items())


def trust_allows(role, caller, context):
    statements = as_list(role["trust_policy"].get("Statement", []))
    applying = [s for s in statements if statement_applies(s, caller, context)]
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


class StsTestDouble:
    def __init__(self, world):
        self.world = world
        self.sessions = {}
        self.clock_offset = 0
        self.lock = threading.Lock()

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

    def lookup_key(self, key_id, token):
        user = self.world.users_by_key.get(key_id)
        if user:
            if token is not None:  # a long-term key sent with a session token
                raise StsError(*INVALID_TOKEN)
            return Caller(self.world, user), user["secret_access_key"], None
        with self.lock:
            session = self.sessions.get(key_id)
        if session is None or token is None or not hmac.compare_digest(token.encode(), session.session_token.encode()):
            raise StsError(*INVALID_TOKEN)
        if self.now() >= session.expiration:
            raise StsError("ExpiredToken", "The security token included in the request is expired", 403)
        return Caller(self.world, session.user, session), session.secret_access_key, session.session_token

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
        session = Session(user, role, session_name, int(self.now()) + duration, mfa)
        with self.lock:
            self.sessions[session.access_key_id] = session
        return session

    def assume_role(self, caller, params):
        problem = validation_errors(params, ASSUME_ROLE_FIELDS)
        if problem:
            raise StsError("ValidationError", problem, 400)
        role_arn = params["RoleArn"]
        if not ARN_RE.match(role_arn):
            raise StsError("ValidationError", "%s is invalid" % role_arn, 400)
        policy_size = None
        if "Policy" in params:
            try:
                policy = json.loads(params["Policy"])
            except ValueError:
                raise StsError("MalformedPolicyDocument", "The policy is not in the valid JSON format.", 400)
            if not isinstance(policy, dict) or "Statement" not in policy:
                raise StsError("MalformedPolicyDocument", "Syntax errors in policy.", 400)
            packed = json.dumps(policy, separators=(",", ":"))
            policy_size = -(-len(packed) * 100 // 2048)
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
               "GetCallerIdentity": get_caller_identity}

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
            caller = self.authenticate(method, path, query, headers, body)
            if action is None:
                raise StsError("MissingAction", "Missing Action", 400)
            if action not in self.ACTIONS or version != API_VERSION:
                raise StsError("InvalidAction", "Could not find operation %s for version %s" % (action, version), 400)
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
        return status, xml, request_id


def credentials_xml(session):
    return ("<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>"
            "<SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials>"
            % (session.access_key_id, escape(session.secret_access_key), escape(session.session_token),
               iso8601(session.expiration)))


# --------------------------------------------------------------------------------------------- the HTTP

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real endpoint

    def version_string(self):
        return SERVER_HEADER

    def log_request(self, code="-", size="-"):
        pass  # StsTestDouble.handle logs each request without its query, which may hold an MFA code

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def dispatch(self):
        double = self.server.double
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        query = parse_qsl(url.query, keep_blank_values=True)
        if url.path.startswith("/__test__/"):
            return self.admin(double, url.path, dict(query))
        status, xml, request_id = double.handle(self.command, url.path, query, self.headers, body)
        self.reply(status, "text/xml", xml.encode("utf-8"), {"x-amzn-RequestId": request_id})

    def admin(self, double, path, query):
        if path == "/__test__/advance-clock" and self.command == "POST":
            try:
                seconds = int(query["seconds"])
            except (KeyError, ValueError):
                return self.reply(400, "application/json", b'{"error": "want ?seconds=N"}')
            with double.lock:
                double.clock_offset += seconds
        elif path == "/__test__/reset-clock" and self.command == "POST":
            with double.lock:
                double.clock_offset = 0
        elif path != "/__test__/health":
            return self.reply(404, "application/json", b'{"error": "no such test endpoint"}')
        body = json.dumps({"test_double": True, "clock_offset": double.clock_offset,
                           "double_now": iso8601(double.now())})
        self.reply(200, "application/json", body.encode())

    def reply(self, status, content_type, body, extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
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
    for name, value in world.extra_env.items():
        out(name, value)


def main():
    ap = argparse.ArgumentParser(description="RoleDrop's STS TEST DOUBLE (not AWS)")
    ap.add_argument("--world", help="world JSON file")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--print-env", metavar="ENDPOINT", help="print export lines for the world and exit")
    ap.add_argument("--totp", metavar="BASE32SEED", help="print the current TOTP code of a seed and exit")
    args = ap.parse_args()
    if args.totp:
        print(totp(args.totp, time.time()))
        return 0
    if not args.world:
        ap.error("--world is required")
    with open(args.world) as f:
        world = World(json.load(f))
    if args.print_env:
        print_env(world, args.print_env)
        return 0
    if not args.host.startswith("127."):
        ap.error("the test double listens on loopback addresses only")
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.double = StsTestDouble(world)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)
    print("READY port=%d (STS TEST DOUBLE, not AWS)" % port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
