#!/usr/bin/python3
"""Self-test of RoleDrop's IAM IDENTITY CENTER TEST DOUBLE: drives a running double with botocore's own sso-oidc and
sso clients (endpoint_url = the double, so the wire format is the one AWS's SDKs speak) and with urllib for the
browser's side, and checks that it answers what AWS answers: the device flow (authorization_pending, slow_down,
approval, expiry, denial), the authorization-code flow with PKCE, refresh, the paged portal lists, GetRoleCredentials
whose keys work at the S3 server behind, Logout, and the /__test__ knobs. One PASS/FAIL line per check.

Usage: sso_test_double_selftest.py [ENDPOINT]   (default: $ROLEDROP_TEST_SSO_OIDC_ENDPOINT)
The S3 check needs $ROLEDROP_TEST_S3_DOUBLE_ENDPOINT and $ROLEDROP_TEST_S3_DOUBLE_BUCKET (sts-double-start.sh);
https endpoints are checked against $ROLEDROP_TEST_CA_FILE (or $AWS_CA_BUNDLE). run-sso-double-selftest.sh starts
everything in a temporary folder, runs this and stops it all. Leaves the double as it found it (POST
/__test__/reset); its tokens and clients stay.

Debian 12's python3-botocore (1.29) has the 2019-06-10 sso-oidc model from before the authorization-code flow:
RegisterClient without grantTypes / redirectUris / issuerUrl, CreateToken without codeVerifier. When the installed
model lacks them, this test adds exactly those members (as AWS's current model has them) to a copy of the installed
model and loads that copy, so botocore's own serializer still builds every request.
"""
import base64
import copy
import hashlib
import json
import os
import secrets
import shutil
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import botocore.loaders
import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
ENDPOINT = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ROLEDROP_TEST_SSO_OIDC_ENDPOINT") or "").rstrip("/")
if not ENDPOINT:
    sys.exit("usage: sso_test_double_selftest.py ENDPOINT (or set ROLEDROP_TEST_SSO_OIDC_ENDPOINT)")
with open(os.path.join(HERE, "sso_double_world.json")) as f:
    WORLD = json.load(f)
START_URL = WORLD["start_url"]
USERS = {u["name"]: u["password"] for u in WORLD["users"]}
REGION = WORLD["region"]
S3_ENDPOINT = os.environ.get("ROLEDROP_TEST_S3_DOUBLE_ENDPOINT")
S3_BUCKET = os.environ.get("ROLEDROP_TEST_S3_DOUBLE_BUCKET")
CA_FILE = os.environ.get("ROLEDROP_TEST_CA_FILE") or os.environ.get("AWS_CA_BUNDLE")
TLS_CONTEXT = ssl.create_default_context(cafile=CA_FILE) if ENDPOINT.startswith("https") else None
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CALLBACK = "http://127.0.0.1/oauth/callback"  # registered without a port, as the AWS CLI registers it
CALLBACK_WITH_PORT = "http://127.0.0.1:54321/oauth/callback"

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS", name)
    else:
        failed += 1
        print("FAIL", name, detail)


# ------------------------------------------------------------------------------------ botocore clients

def sso_oidc_model_dir():
    """A folder with the installed sso-oidc model plus the authorization-code members, or None when the installed
    model has them already."""
    model = botocore.loaders.Loader().load_service_model("sso-oidc", "service-2", "2019-06-10")
    shapes = model["shapes"]
    if "codeVerifier" in shapes["CreateTokenRequest"]["members"]:
        return None
    model = copy.deepcopy(model)
    shapes = model["shapes"]
    shapes["CodeVerifier"] = {"type": "string", "sensitive": True}
    shapes["GrantTypes"] = {"type": "list", "member": {"shape": "GrantType"}}
    shapes["RedirectUris"] = {"type": "list", "member": {"shape": "URI"}}
    shapes["CreateTokenRequest"]["members"]["codeVerifier"] = {"shape": "CodeVerifier"}
    register = shapes["RegisterClientRequest"]["members"]
    register["redirectUris"] = {"shape": "RedirectUris"}
    register["grantTypes"] = {"shape": "GrantTypes"}
    register["issuerUrl"] = {"shape": "URI"}
    for name, error in (("InvalidRedirectUriException", "invalid_redirect_uri"),
                        ("UnsupportedGrantTypeException", "unsupported_grant_type")):
        shapes.setdefault(name, {"type": "structure", "exception": True, "error": {"httpStatusCode": 400},
                                 "members": {"error": {"shape": "Error"},
                                             "error_description": {"shape": "ErrorDescription"}}})
        errors = model["operations"]["RegisterClient"]["errors"]
        if {"shape": name} not in errors:
            errors.append({"shape": name})
    folder = tempfile.mkdtemp(prefix="sso-oidc-model-")
    os.makedirs(os.path.join(folder, "sso-oidc", "2019-06-10"))
    with open(os.path.join(folder, "sso-oidc", "2019-06-10", "service-2.json"), "w") as f:
        json.dump(model, f)
    return folder


MODEL_DIR = sso_oidc_model_dir()
SESSION = botocore.session.Session()
SESSION.set_config_variable("config_file", "/dev/null")
SESSION.set_config_variable("credentials_file", "/dev/null")
if MODEL_DIR:
    SESSION.get_component("data_loader").search_paths.insert(0, MODEL_DIR)
if TLS_CONTEXT:
    SESSION.set_config_variable("ca_bundle", CA_FILE)
# Client-side validation off, so that the double is seen refusing bad parameters; no retries, so that an injected
# 429 or 500 is seen as it is.
CONFIG = Config(signature_version=UNSIGNED, parameter_validation=False, retries={"total_max_attempts": 1})
OIDC = SESSION.create_client("sso-oidc", region_name=REGION, endpoint_url=ENDPOINT, config=CONFIG)
PORTAL = SESSION.create_client("sso", region_name=REGION, endpoint_url=ENDPOINT, config=CONFIG)


def error_of(call, **kwargs):
    """(code, status, response) of a call that is expected to fail; (None, None, answer) if it did not."""
    try:
        return None, None, call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response


def expect_error(name, call, want, want_status, **kwargs):
    got, got_status, response = error_of(call, **kwargs)
    check(name, (got, got_status) == (want, want_status), "got %s %s: %s" % (got, got_status, response))
    return response


def expect_oauth_error(name, call, want, oauth_error, want_status=400, **kwargs):
    """An SSO OIDC error: botocore names the exception from x-amzn-ErrorType, and parses the modelled body members
    {"error", "error_description"} into the response."""
    response = expect_error(name, call, want, want_status, **kwargs)
    if isinstance(response, dict) and "ResponseMetadata" in response:
        headers = response["ResponseMetadata"].get("HTTPHeaders", {})
        check(name + ": x-amzn-ErrorType and body error %s" % oauth_error,
              headers.get("x-amzn-errortype") == want and response.get("error") == oauth_error
              and response.get("error_description"), response)
    return response


# ------------------------------------------------------------------------------------ HTTP: browser, admin

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test is the browser: it reads Location itself, as the client's loopback server would


OPENER = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=TLS_CONTEXT))


def http(method, url, form=None):
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with OPENER.open(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def admin(method, path, **query):
    status, _, body = http(method, ENDPOINT + "/__test__/" + path + ("?" + urlencode(query) if query else ""),
                           form={} if method == "POST" else None)
    if status != 200:
        raise RuntimeError("admin %s %s: %s %s" % (method, path, status, body))
    return json.loads(body)


def approve_device(user_code, user="james", decision="allow", password=None):
    return http("POST", ENDPOINT + "/device", {"user_code": user_code, "username": user,
                                               "password": USERS[user] if password is None else password,
                                               "decision": decision})


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(client, challenge, state, user="james", decision="allow", redirect=CALLBACK_WITH_PORT, **extra):
    """Plays the browser through the authorization page: (status of the page, Location of the final answer)."""
    query = {"response_type": "code", "client_id": client["clientId"], "redirect_uri": redirect, "state": state,
             "code_challenge": challenge, "code_challenge_method": "S256", "scopes": "sso:account:access"}
    query.update(extra)
    status, headers, body = http("GET", ENDPOINT + "/authorize?" + urlencode({k: v for k, v in query.items()
                                                                            if v is not None}))
    if status != 200:
        return status, headers.get("Location")
    request_id = body.decode().split('name="request" value="')[1].split('"')[0]
    status, headers, _ = http("POST", ENDPOINT + "/authorize", {"request": request_id, "username": user,
                                                                "password": USERS[user], "decision": decision})
    return status, headers.get("Location")


def callback_query(location):
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def device_sign_in(client, user="james"):
    """A whole device sign-in with polling interval 0 (set by the caller): the token answer."""
    start = OIDC.start_device_authorization(clientId=client["clientId"], clientSecret=client["clientSecret"],
                                            startUrl=START_URL)
    approve_device(start["userCode"], user)
    return OIDC.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"],
                             grantType=DEVICE_GRANT, deviceCode=start["deviceCode"])


def register(**kwargs):
    return OIDC.register_client(clientName=kwargs.pop("clientName", "roledrop-selftest"), clientType="public",
                                **kwargs)


# ------------------------------------------------------------------------------------------- the checks

def test_register():
    health = admin("GET", "health")
    check("health says test double", health.get("test_double") is True and health.get("sso") is True, health)
    expect_oauth_error("RegisterClient clientType confidential", OIDC.register_client,
                       "InvalidClientMetadataException", "invalid_client_metadata", clientName="x",
                       clientType="confidential")
    expect_oauth_error("RegisterClient unknown scope", register, "InvalidScopeException", "invalid_scope",
                       scopes=["s3:everything"])
    expect_oauth_error("RegisterClient unknown grant", register, "UnsupportedGrantTypeException",
                       "unsupported_grant_type", grantTypes=["password"])
    expect_oauth_error("RegisterClient non-loopback redirect", register, "InvalidRedirectUriException",
                       "invalid_redirect_uri", grantTypes=["authorization_code"],
                       redirectUris=["https://example.com/callback"])
    expect_oauth_error("RegisterClient missing clientName", OIDC.register_client, "InvalidRequestException",
                       "invalid_request", clientType="public")
    client = register(scopes=["sso:account:access"])
    now = time.time()
    check("RegisterClient: id, secret, issued now, secret for 90 days",
          client.get("clientId") and client.get("clientSecret") and abs(client["clientIdIssuedAt"] - now) < 60
          and abs(client["clientSecretExpiresAt"] - client["clientIdIssuedAt"] - 90 * 86400) < 2, client)
    check("RegisterClient: authorization and token endpoints",
          client.get("authorizationEndpoint") == ENDPOINT + "/authorize"
          and client.get("tokenEndpoint") == ENDPOINT + "/token", client)
    return client


def test_device_flow(client):
    expect_oauth_error("StartDeviceAuthorization wrong startUrl", OIDC.start_device_authorization,
                       "InvalidRequestException", "invalid_request", clientId=client["clientId"],
                       clientSecret=client["clientSecret"], startUrl="https://other.invalid/start")
    expect_oauth_error("StartDeviceAuthorization wrong secret", OIDC.start_device_authorization,
                       "InvalidClientException", "invalid_client", 401, clientId=client["clientId"],
                       clientSecret="nope", startUrl=START_URL)
    start = OIDC.start_device_authorization(clientId=client["clientId"], clientSecret=client["clientSecret"],
                                            startUrl=START_URL)
    code = start["userCode"]
    check("StartDeviceAuthorization: user code ABCD-EFGH, interval 1, expiresIn 600",
          len(code) == 9 and code[4] == "-" and code.replace("-", "").isalpha() and code.isupper()
          and start["interval"] == 1 and start["expiresIn"] == 600, start)
    check("StartDeviceAuthorization: verification URIs",
          start["verificationUri"] == ENDPOINT + "/device"
          and start["verificationUriComplete"] == ENDPOINT + "/device?user_code=" + code, start)
    poll = dict(clientId=client["clientId"], clientSecret=client["clientSecret"], grantType=DEVICE_GRANT,
                deviceCode=start["deviceCode"])
    expect_oauth_error("CreateToken before approval: authorization_pending", OIDC.create_token,
                       "AuthorizationPendingException", "authorization_pending", **poll)
    expect_oauth_error("CreateToken polled at once again: slow_down", OIDC.create_token, "SlowDownException",
                       "slow_down", **poll)
    status, _, body = http("GET", start["verificationUriComplete"])
    check("device page: a login form with the code", status == 200 and b'name="password"' in body
          and code.encode() in body and b"TEST DOUBLE" in body, (status, body[:200]))
    signed_in = admin("GET", "sign-ins")["total"]
    status, _, _ = approve_device(code, password="wrong")
    check("device page: wrong password refused (401)", status == 401, status)
    status, _, body = approve_device(code)
    check("device page: Allow", status == 200 and b"approved" in body, (status, body[:200]))
    check("sign-ins counter counts the approval", admin("GET", "sign-ins")["total"] == signed_in + 1)
    expect_oauth_error("CreateToken within the grown interval (1 + 5 s): slow_down", OIDC.create_token,
                       "SlowDownException", "slow_down", **poll)
    admin("POST", "advance-clock", seconds=12)  # each slow_down added 5 s: the interval is now 11 s
    token = OIDC.create_token(**poll)
    check("CreateToken after approval: Bearer token, expiresIn, refresh token (scope sso:account:access)",
          token.get("accessToken") and token.get("tokenType") == "Bearer" and token.get("expiresIn") == 3600
          and token.get("refreshToken"), token)
    expect_oauth_error("CreateToken with a used device code: invalid_grant", OIDC.create_token,
                       "InvalidGrantException", "invalid_grant", **poll)
    expect_oauth_error("CreateToken unknown grant type", OIDC.create_token, "UnsupportedGrantTypeException",
                       "unsupported_grant_type", clientId=client["clientId"], clientSecret=client["clientSecret"],
                       grantType="password")
    expect_oauth_error("CreateToken wrong client secret: invalid_client 401", OIDC.create_token,
                       "InvalidClientException", "invalid_client", 401, clientId=client["clientId"],
                       clientSecret="wrong", grantType=DEVICE_GRANT, deviceCode=start["deviceCode"])
    admin("POST", "reset-clock")

    # Expiry: past expiresIn on the double's clock.
    start = OIDC.start_device_authorization(clientId=client["clientId"], clientSecret=client["clientSecret"],
                                            startUrl=START_URL)
    admin("POST", "advance-clock", seconds=601)
    status, _, _ = approve_device(start["userCode"])
    check("device page refuses an expired code (400)", status == 400, status)
    expect_oauth_error("CreateToken with an expired device code: expired_token", OIDC.create_token,
                       "ExpiredTokenException", "expired_token", clientId=client["clientId"],
                       clientSecret=client["clientSecret"], grantType=DEVICE_GRANT, deviceCode=start["deviceCode"])
    admin("POST", "reset-clock")

    # Denial.
    start = OIDC.start_device_authorization(clientId=client["clientId"], clientSecret=client["clientSecret"],
                                            startUrl=START_URL)
    status, _, body = approve_device(start["userCode"], decision="deny")
    check("device page: Deny", status == 200 and b"denied" in body, status)
    expect_oauth_error("CreateToken after Deny: access_denied", OIDC.create_token, "AccessDeniedException",
                       "access_denied", clientId=client["clientId"], clientSecret=client["clientSecret"],
                       grantType=DEVICE_GRANT, deviceCode=start["deviceCode"])
    return token


def test_legacy_client():
    legacy = register(clientName="legacy")
    admin("POST", "device-settings", interval=0)
    token = device_sign_in(legacy)
    check("legacy client (no scopes): token without refresh token", token.get("accessToken")
          and "refreshToken" not in token, token)
    expect_oauth_error("refresh with an unknown refresh token: invalid_grant", OIDC.create_token,
                       "InvalidGrantException", "invalid_grant", clientId=legacy["clientId"],
                       clientSecret=legacy["clientSecret"], grantType="refresh_token", refreshToken="aorNotOne")
    admin("DELETE", "device-settings")


def test_auth_code():
    expect_oauth_error("RegisterClient authorization_code without redirectUris", register,
                       "InvalidRedirectUriException", "invalid_redirect_uri", grantTypes=["authorization_code"],
                       scopes=["sso:account:access"])
    client = register(grantTypes=["authorization_code", "refresh_token"], redirectUris=[CALLBACK],
                      issuerUrl=START_URL, scopes=["sso:account:access"])
    secret = dict(clientId=client["clientId"], clientSecret=client["clientSecret"])
    verifier, challenge = pkce()
    signed_in = admin("GET", "sign-ins")["total"]
    status, location = authorize(client, challenge, "state-1")
    back = callback_query(location or "")
    check("authorize: Allow redirects (302) to the registered loopback callback with code and state",
          status == 302 and location.startswith(CALLBACK_WITH_PORT + "?") and back.get("code")
          and back.get("state") == "state-1", (status, location))
    check("sign-ins counter counts the authorization code", admin("GET", "sign-ins")["total"] == signed_in + 1)
    status, location = authorize(client, challenge, "state-from-elsewhere")
    check("state is echoed unchanged: comparing it with the one sent is the client's job",
          callback_query(location or "").get("state") == "state-from-elsewhere", location)
    expect_oauth_error("CreateToken wrong code verifier: invalid_grant", OIDC.create_token, "InvalidGrantException",
                       "invalid_grant", grantType="authorization_code", code=back["code"],
                       redirectUri=CALLBACK_WITH_PORT, codeVerifier=pkce()[0], **secret)
    expect_oauth_error("CreateToken same code after a failed try: invalid_grant (single use)", OIDC.create_token,
                       "InvalidGrantException", "invalid_grant", grantType="authorization_code", code=back["code"],
                       redirectUri=CALLBACK_WITH_PORT, codeVerifier=verifier, **secret)
    _, location = authorize(client, challenge, "state-2")
    code = callback_query(location)["code"]
    expect_oauth_error("CreateToken without codeVerifier: invalid_request", OIDC.create_token,
                       "InvalidRequestException", "invalid_request", grantType="authorization_code", code=code,
                       redirectUri=CALLBACK_WITH_PORT, **secret)
    _, location = authorize(client, challenge, "state-3")
    code = callback_query(location)["code"]
    token = OIDC.create_token(grantType="authorization_code", code=code, redirectUri=CALLBACK_WITH_PORT,
                              codeVerifier=verifier, **secret)
    check("CreateToken authorization_code + PKCE: access and refresh token",
          token.get("accessToken") and token.get("refreshToken") and token.get("tokenType") == "Bearer", token)
    check("the code's token works on the portal",
          "accountList" in PORTAL.list_accounts(accessToken=token["accessToken"]))
    expect_oauth_error("CreateToken code reuse: invalid_grant", OIDC.create_token, "InvalidGrantException",
                       "invalid_grant", grantType="authorization_code", code=code, redirectUri=CALLBACK_WITH_PORT,
                       codeVerifier=verifier, **secret)
    expect_error("code reuse revokes the token issued for it (RFC 6749 4.1.2)", PORTAL.list_accounts,
                 "UnauthorizedException", 401, accessToken=token["accessToken"])
    _, location = authorize(client, challenge, "state-4")
    expect_oauth_error("CreateToken with another redirectUri: invalid_grant", OIDC.create_token,
                       "InvalidGrantException", "invalid_grant", grantType="authorization_code",
                       code=callback_query(location)["code"], redirectUri="http://127.0.0.1:1/oauth/callback",
                       codeVerifier=verifier, **secret)
    _, location = authorize(client, challenge, "state-5")
    admin("POST", "advance-clock", seconds=301)
    expect_oauth_error("CreateToken with a code past 300 s: invalid_grant", OIDC.create_token,
                       "InvalidGrantException", "invalid_grant", grantType="authorization_code",
                       code=callback_query(location)["code"], redirectUri=CALLBACK_WITH_PORT, codeVerifier=verifier,
                       **secret)
    admin("POST", "reset-clock")
    status, location = authorize(client, challenge, "state-6", decision="deny")
    check("authorize: Deny redirects with error=access_denied and the state",
          status == 302 and callback_query(location) == {"error": "access_denied", "state": "state-6"}, location)
    status, location = authorize(client, None, "state-7", code_challenge_method=None)
    check("authorize without PKCE: redirect with error=invalid_request",
          status == 302 and callback_query(location).get("error") == "invalid_request", (status, location))
    status, location = authorize(client, challenge, "state-8", redirect="http://127.0.0.1:5/elsewhere")
    check("authorize with an unregistered redirect_uri: an error page, no redirect (400)",
          status == 400 and location is None, (status, location))
    device_client = register(grantTypes=[DEVICE_GRANT], scopes=["sso:account:access"])
    status, location = authorize(device_client, challenge, "state-9", redirect=CALLBACK_WITH_PORT)
    check("authorize for a client without that grant or redirect: error page", status == 400, (status, location))


def test_refresh(client, token):
    secret = dict(clientId=client["clientId"], clientSecret=client["clientSecret"])
    new = OIDC.create_token(grantType="refresh_token", refreshToken=token["refreshToken"], **secret)
    check("refresh: a new access token, the same refresh token",
          new.get("accessToken") and new["accessToken"] != token["accessToken"]
          and new.get("refreshToken") == token["refreshToken"], new)
    check("refresh: the old access token still works until it expires",
          "accountList" in PORTAL.list_accounts(accessToken=token["accessToken"]))
    expect_oauth_error("refresh asking more scopes: invalid_scope", OIDC.create_token, "InvalidScopeException",
                       "invalid_scope", grantType="refresh_token", refreshToken=token["refreshToken"],
                       scope=["openid"], **secret)
    other = register(scopes=["sso:account:access"])
    expect_oauth_error("refresh with another client's refresh token: invalid_grant", OIDC.create_token,
                       "InvalidGrantException", "invalid_grant", grantType="refresh_token",
                       refreshToken=token["refreshToken"], clientId=other["clientId"],
                       clientSecret=other["clientSecret"])
    admin("POST", "refresh-rotation", on=1)
    rotated = OIDC.create_token(grantType="refresh_token", refreshToken=token["refreshToken"], **secret)
    check("refresh-rotation knob: a new refresh token", rotated.get("refreshToken")
          and rotated["refreshToken"] != token["refreshToken"], rotated)
    expect_oauth_error("refresh-rotation knob: the old refresh token is refused", OIDC.create_token,
                       "InvalidGrantException", "invalid_grant", grantType="refresh_token",
                       refreshToken=token["refreshToken"], **secret)
    admin("POST", "refresh-rotation", on=0)

    # An expired access token: 401 on the portal, then the refresh token gets a working one.
    admin("POST", "token-lifetime", seconds=5)
    short = OIDC.create_token(grantType="refresh_token", refreshToken=rotated["refreshToken"], **secret)
    check("token-lifetime knob: expiresIn 5", short.get("expiresIn") == 5, short)
    admin("POST", "advance-clock", seconds=6)
    expect_error("portal with an expired access token: UnauthorizedException 401", PORTAL.list_accounts,
                 "UnauthorizedException", 401, accessToken=short["accessToken"])
    admin("DELETE", "token-lifetime")
    again = OIDC.create_token(grantType="refresh_token", refreshToken=rotated["refreshToken"], **secret)
    check("after expiry the refresh token gets a working access token",
          "accountList" in PORTAL.list_accounts(accessToken=again["accessToken"]))
    admin("POST", "advance-clock", seconds=WORLD["session_seconds"] + 60)  # the sign-in began up to 12 s ahead
    expect_oauth_error("refresh past the session duration: invalid_grant", OIDC.create_token,
                       "InvalidGrantException", "invalid_grant", grantType="refresh_token",
                       refreshToken=rotated["refreshToken"], **secret)
    admin("POST", "reset-clock")
    return again


def test_portal(token):
    access = token["accessToken"]
    expect_error("portal without a token: UnauthorizedException 401", PORTAL.list_accounts, "UnauthorizedException",
                 401, accessToken="")
    response = expect_error("portal with an unknown token: UnauthorizedException 401", PORTAL.list_accounts,
                            "UnauthorizedException", 401, accessToken="aoaNotAToken")
    check("UnauthorizedException carries AWS's message", isinstance(response, dict)
          and response.get("Error", {}).get("Message") == "Session token not found or invalid", response)
    first = PORTAL.list_accounts(accessToken=access)
    check("ListAccounts: a page of 2 and a nextToken", len(first["accountList"]) == 2 and first.get("nextToken"),
          first)
    second = PORTAL.list_accounts(accessToken=access, nextToken=first["nextToken"])
    check("ListAccounts: the last page without nextToken", len(second["accountList"]) == 1
          and "nextToken" not in second, second)
    accounts = [a for p in PORTAL.get_paginator("list_accounts").paginate(accessToken=access)
                for a in p["accountList"]]
    check("ListAccounts paginator: james's 3 accounts with id, name, email",
          [a["accountId"] for a in accounts] == ["123456789012", "210987654321", "345678901234"]
          and all(a.get("accountName") and a.get("emailAddress") for a in accounts), accounts)
    whole = PORTAL.list_accounts(accessToken=access, maxResults=100)
    check("ListAccounts max_result 100: one page", len(whole["accountList"]) == 3 and "nextToken" not in whole)
    expect_error("ListAccounts max_result 0: InvalidRequestException 400", PORTAL.list_accounts,
                 "InvalidRequestException", 400, accessToken=access, maxResults=0)
    expect_error("ListAccounts bad nextToken: InvalidRequestException 400", PORTAL.list_accounts,
                 "InvalidRequestException", 400, accessToken=access, nextToken="garbage!")
    roles = [r for p in PORTAL.get_paginator("list_account_roles").paginate(accessToken=access,
                                                                             accountId="123456789012")
             for r in p["roleList"]]
    check("ListAccountRoles paginator: 3 roles in account 123456789012 (2 pages)",
          sorted(r["roleName"] for r in roles) == ["AdministratorAccess", "LongSession", "S3Access"]
          and all(r["accountId"] == "123456789012" for r in roles), roles)
    page = PORTAL.list_account_roles(accessToken=access, accountId="123456789012")
    check("ListAccountRoles: first page of 2 with nextToken", len(page["roleList"]) == 2 and page.get("nextToken"))
    expect_error("ListAccountRoles of an account without assignment: ForbiddenException 403", PORTAL.list_account_roles,
                 "ForbiddenException", 403, accessToken=access, accountId="999999999999")
    expect_error("GetRoleCredentials of an unassigned role: ForbiddenException 403 'No access'",
                 PORTAL.get_role_credentials, "ForbiddenException", 403, accessToken=access,
                 accountId="123456789012", roleName="ReadOnly")
    creds = PORTAL.get_role_credentials(accessToken=access, accountId="123456789012",
                                        roleName="S3Access")["roleCredentials"]
    now_ms = time.time() * 1000
    check("GetRoleCredentials: keys, token, expiration in epoch ms about an hour ahead",
          creds.get("accessKeyId", "").startswith("ASIA") and creds.get("secretAccessKey")
          and creds.get("sessionToken") and 3500e3 < creds["expiration"] - now_ms < 3700e3, creds)
    if S3_ENDPOINT and S3_BUCKET:
        s3 = SESSION.create_client("s3", region_name=REGION, endpoint_url=S3_ENDPOINT,
                                   aws_access_key_id=creds["accessKeyId"],
                                   aws_secret_access_key=creds["secretAccessKey"],
                                   aws_session_token=creds["sessionToken"],
                                   config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                                 retries={"total_max_attempts": 1}))
        key = "sso-selftest/%s.txt" % secrets.token_hex(4)
        s3.put_object(Bucket=S3_BUCKET, Key=key, Body=b"signed in through the SSO double\n")
        body = s3.get_object(Bucket=S3_BUCKET, Key=key)["Body"].read()
        check("GetRoleCredentials' keys work on the S3 server behind (put, get)",
              body == b"signed in through the SSO double\n", body)
        s3.delete_object(Bucket=S3_BUCKET, Key=key)
    else:
        print("SKIP S3 check: ROLEDROP_TEST_S3_DOUBLE_ENDPOINT / _BUCKET unset (run sts-double-start.sh)")

    admin("POST", "fail", operation="sso:GetRoleCredentials", times=1, status=429, code="TooManyRequestsException")
    expect_error("fail knob: TooManyRequestsException 429 once", PORTAL.get_role_credentials,
                 "TooManyRequestsException", 429, accessToken=access, accountId="123456789012", roleName="S3Access")
    check("fail knob: the next request succeeds", "roleCredentials" in PORTAL.get_role_credentials(
        accessToken=access, accountId="123456789012", roleName="LongSession"))
    admin("POST", "fail", operation="oidc:CreateToken", times=1, status=500, code="InternalServerException")
    expect_oauth_error("fail knob on CreateToken: InternalServerException 500", OIDC.create_token,
                       "InternalServerException", "server_error", 500, clientId="x", clientSecret="y",
                       grantType=DEVICE_GRANT, deviceCode="z")


def test_alice_and_logout(client):
    admin("POST", "device-settings", interval=0)
    alice = device_sign_in(client, "alice")
    accounts = PORTAL.list_accounts(accessToken=alice["accessToken"])["accountList"]
    check("alice sees only her account", [a["accountId"] for a in accounts] == ["210987654321"], accounts)
    james = device_sign_in(client, "james")
    admin("DELETE", "device-settings")
    answer = PORTAL.logout(accessToken=alice["accessToken"])
    check("Logout: 200", answer["ResponseMetadata"]["HTTPStatusCode"] == 200, answer)
    expect_error("after Logout the access token is refused", PORTAL.list_accounts, "UnauthorizedException", 401,
                 accessToken=alice["accessToken"])
    expect_oauth_error("after Logout its refresh token is refused", OIDC.create_token, "InvalidGrantException",
                       "invalid_grant", clientId=client["clientId"], clientSecret=client["clientSecret"],
                       grantType="refresh_token", refreshToken=alice["refreshToken"])
    expect_error("Logout again: UnauthorizedException", PORTAL.logout, "UnauthorizedException", 401,
                 accessToken=alice["accessToken"])
    check("another sign-in's token still works", "accountList" in PORTAL.list_accounts(
        accessToken=james["accessToken"]))
    return [alice, james]


def test_log(since, tokens):
    entries = admin("GET", "log", since=since)["entries"]
    operations = {e["operation"] for e in entries}
    check("log: every operation is there",
          {"oidc:RegisterClient", "oidc:StartDeviceAuthorization", "oidc:CreateToken", "browser:DevicePage",
           "browser:DeviceDecision", "browser:AuthorizePage", "browser:AuthorizeDecision", "sso:ListAccounts",
           "sso:ListAccountRoles", "sso:GetRoleCredentials", "sso:Logout"} <= operations, operations)
    check("log: grant types, users and errors", any(e.get("grant_type") == DEVICE_GRANT and e.get("user") == "alice"
                                                    for e in entries)
          and any(e.get("error") == "SlowDownException" for e in entries), entries[-3:])
    text = json.dumps(entries)
    secret_values = [t[k] for t in tokens for k in ("accessToken", "refreshToken") if t.get(k)] + list(USERS.values())
    check("log: no token or password in it", not any(v in text for v in secret_values))


def main():
    try:
        since = admin("GET", "health")["log_seq"]
        admin("POST", "reset")
        client = test_register()
        token = test_device_flow(client)
        test_legacy_client()
        test_auth_code()
        fresh = test_refresh(client, token)
        test_portal(fresh)
        tokens = test_alice_and_logout(client)
        test_log(since, tokens + [token, fresh])
    finally:
        try:
            admin("POST", "reset")
        finally:
            if MODEL_DIR:
                shutil.rmtree(MODEL_DIR, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
