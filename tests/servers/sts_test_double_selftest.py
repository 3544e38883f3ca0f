#!/usr/bin/python3
"""Self-test of RoleDrop's STS TEST DOUBLE: drives a running double with botocore's STS client (and a few
hand-built requests) and checks that it accepts what AWS STS accepts and refuses what AWS STS refuses,
with AWS's codes, messages and HTTP statuses. run-tests.sh runs it before ctest so a broken double is
caught before the C++ e2e tests blame the client.

Usage: sts_test_double_selftest.py [ENDPOINT]   (default: $ROLEDROP_TEST_STS_DOUBLE_ENDPOINT)
Leaves the double's clock as it found it (reset to real time).
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from sts_test_double import totp  # noqa: E402  the same RFC 6238 code a C++ test would compute

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

    print("sts_test_double_selftest: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
