#!/usr/bin/python3
"""RoleDrop's IAM IDENTITY CENTER TEST DOUBLE - a stand-in for AWS IAM Identity Center's SSO OIDC and portal APIs
in tests. It is NOT AWS and NOT a real identity provider. Both APIs, and the browser pages a user would see, run
in one process on one loopback port and share one world, one clock, one log.

Why it exists: RoleDrop's federated sign-in (issue 12) must be tested end to end, and nothing on the test machine
speaks Identity Center: RGW has no such API, and the real service needs an AWS organisation and a person at a
browser. The double answers with AWS's documented requests, answers and errors (botocore's sso-oidc and sso
service models, 2019-06-10, are the reference for every shape), and lets a test play the browser.

SSO OIDC (rest-json, unauthenticated; botocore service "sso-oidc"):
  POST /client/register        RegisterClient: clientName, clientType "public", scopes, grantTypes, redirectUris
                               (loopback http://127.0.0.1[:port]/... only), issuerUrl -> clientId, clientSecret
                               (90 days), clientIdIssuedAt, clientSecretExpiresAt, authorizationEndpoint,
                               tokenEndpoint
  POST /device_authorization   StartDeviceAuthorization: clientId, clientSecret, startUrl (the world's) ->
                               deviceCode, userCode "ABCD-EFGH", verificationUri(Complete), expiresIn, interval
  POST /token                  CreateToken: grant types urn:ietf:params:oauth:grant-type:device_code,
                               authorization_code (PKCE S256 verifier checked, code single-use and short-lived),
                               refresh_token -> accessToken, tokenType "Bearer", expiresIn, refreshToken (only for
                               clients registered with scope sso:account:access, as AWS's SSO token provider
                               configuration; a legacy client without scopes gets none)
  Errors: HTTP 400 (401 for InvalidClientException) with JSON {"error": "invalid_grant", "error_description":
  "..."} and the header x-amzn-ErrorType: InvalidGrantException, as AWS answers them.

The user's side, played by a test as a browser would (HTML pages, form posts):
  GET  /device?user_code=C     the verification page: login form (username, password) and Allow / Deny
  POST /device                 approves or denies the device authorization
  GET  /authorize?response_type=code&client_id=&redirect_uri=&state=&code_challenge=&code_challenge_method=S256
                 &scopes=      the authorization-code page (redirect_uri must be one the client registered;
                               for loopback redirects any port matches, RFC 8252 section 7.3)
  POST /authorize              Allow: 302 to redirect_uri?code=...&state=...; Deny: 302 to
                               redirect_uri?error=access_denied&state=...

SSO portal (rest-json, unauthenticated, bearer token in header x-amz-sso_bearer_token; botocore service "sso"):
  GET  /assignment/accounts?next_token=&max_result=           ListAccounts (paged, max_result 1..100)
  GET  /assignment/roles?account_id=&next_token=&max_result=  ListAccountRoles (paged)
  GET  /federation/credentials?role_name=&account_id=         GetRoleCredentials: keys minted by a real
                               sts:AssumeRole (botocore) against --sts-endpoint, for the role ARN the world maps
                               the assignment to; expiration in epoch milliseconds
  POST /logout                 Logout: ends the sign-in session (its access tokens and refresh token)
  Errors: JSON {"message": "..."} with x-amzn-ErrorType: UnauthorizedException 401 "Session token not found or
  invalid" (missing, unknown, expired, revoked token), InvalidRequestException 400, TooManyRequestsException 429
  (fail knob), ResourceNotFoundException 404 (fail knob), and for a role or account the user has no assignment
  in, 403 ForbiddenException "No access" - not in the model, but what AWS answers on the wire.

Test-only admin endpoints (no authentication; the server listens on loopback only; answers are JSON):
  GET    /__test__/health                 -> {"test_double": true, "sso": true, "clock_offset", "sign_ins", ...}
  POST   /__test__/advance-clock?seconds=N  moves the double's clock (device codes, codes, tokens, client secrets
  POST   /__test__/reset-clock              expire on it; polling intervals are measured on it too)
  POST   /__test__/device-settings?interval=S&expires_in=S   for device authorizations started from now on;
  DELETE /__test__/device-settings          DELETE: the world's
  POST   /__test__/token-lifetime?seconds=N  access tokens issued from now on last N s; DELETE: the world's
  POST   /__test__/refresh-rotation?on=1    a refresh grant then answers a new refresh token and revokes the old
  GET    /__test__/log?since=SEQ            every request answered (seq, operation, client id, grant type, user,
  DELETE /__test__/log                      account, role, status, error); never a token, secret or password
  POST   /__test__/fail?operation=sso:GetRoleCredentials&times=K&status=429&code=TooManyRequestsException
                  [&message=M][&skip=N][&error=oauth_code]  the next K matching requests fail so; operation may
                                            end in '*' (oidc:*, sso:*)
  GET    /__test__/fail, DELETE /__test__/fail
  GET    /__test__/sign-ins                 completed sign-ins: device approvals and authorization codes issued
  POST   /__test__/reset                    clock, device settings, token lifetime, rotation, fail rules back to
                                            normal (tokens, clients, counters and the log stay)

Usage (always with Debian's /usr/bin/python3, which has python3-botocore):
  sso_test_double.py --world sso_double_world.json [--port 0] [--port-file F] [--tls-cert C --tls-key K]
                     [--sts-endpoint URL --sts-access-key K --sts-secret-key S [--ca-file CA]]
                                                                 serve; prints READY port=N
  sso_test_double.py --world W --print-env https://127.0.0.1:N   export lines describing the world
"""
import argparse
import base64
import fnmatch
import hashlib
import html
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
import traceback
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tls_http_server import tls_threading_http_server  # this folder: the script's own directory is on sys.path

SERVER_HEADER = "RoleDrop-SSO-Test-Double"
GRANT_DEVICE = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_CODE = "authorization_code"
GRANT_REFRESH = "refresh_token"
KNOWN_GRANTS = (GRANT_DEVICE, GRANT_CODE, GRANT_REFRESH)
# The scope that makes a registration "SSO token provider" style: AWS then issues refresh tokens (the AWS SDKs and
# Tools reference guide, "IAM Identity Center credential provider": sso_registration_scopes, default
# sso:account:access; the legacy configuration has no scopes and a fixed session without refresh).
ACCOUNT_ACCESS_SCOPE = "sso:account:access"
CLIENT_SECRET_SECONDS = 90 * 24 * 3600
AUTH_CODE_SECONDS = 300
SLOW_DOWN_STEP_SECONDS = 5  # RFC 8628 section 3.5: after slow_down the interval grows by 5 s
LOG_LIMIT = 20000
USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels: no words; RFC 8628 section 6.1
PKCE_VERIFIER_RE = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 section 4.1


def iso8601(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def log(message):
    print("%s sso-test-double: %s" % (iso8601(time.time()), message), file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------- errors

class OidcError(Exception):
    """An SSO OIDC error answer: the model's exception name (x-amzn-ErrorType), its OAuth error code and status."""

    def __init__(self, name, error, description, status=400):
        super().__init__(description)
        self.name, self.error, self.description, self.status = name, error, description, status


OIDC_ERRORS = {  # exception shape -> (OAuth "error" value the model documents, HTTP status the model gives)
    "AccessDeniedException": ("access_denied", 400),
    "AuthorizationPendingException": ("authorization_pending", 400),
    "ExpiredTokenException": ("expired_token", 400),
    "InternalServerException": ("server_error", 500),
    "InvalidClientException": ("invalid_client", 401),
    "InvalidClientMetadataException": ("invalid_client_metadata", 400),
    "InvalidGrantException": ("invalid_grant", 400),
    "InvalidRedirectUriException": ("invalid_redirect_uri", 400),
    "InvalidRequestException": ("invalid_request", 400),
    "InvalidScopeException": ("invalid_scope", 400),
    "SlowDownException": ("slow_down", 400),
    "UnauthorizedClientException": ("unauthorized_client", 400),
    "UnsupportedGrantTypeException": ("unsupported_grant_type", 400),
}


def oidc_error(name, description):
    error, status = OIDC_ERRORS[name]
    return OidcError(name, error, description, status)


class PortalError(Exception):
    """An SSO portal error answer: {"message"} with the exception name in x-amzn-ErrorType."""

    def __init__(self, name, message, status):
        super().__init__(message)
        self.name, self.message, self.status = name, message, status


def unauthorized():
    # AWS's own text, as the AWS CLI prints it for a missing, expired or signed-out token.
    return PortalError("UnauthorizedException", "Session token not found or invalid", 401)


def no_access():
    # Not a modelled error, but what AWS answers for a role the user is not assigned ("ForbiddenException ... No
    # access", as users of the AWS CLI report it); a client must cope with an unmodelled code.
    return PortalError("ForbiddenException", "No access", 403)


def invalid_portal_request(message):
    return PortalError("InvalidRequestException", message, 400)


# ------------------------------------------------------------------------------------------------ world

class World:
    def __init__(self, doc):
        self.start_url = doc["start_url"]
        self.issuer_url = doc.get("issuer_url", self.start_url)
        self.region = doc.get("region", "us-east-1")
        self.device_interval = int(doc.get("device_interval_seconds", 1))
        self.device_expires_in = int(doc.get("device_expires_in_seconds", 600))
        self.access_token_seconds = int(doc.get("access_token_seconds", 3600))
        self.session_seconds = int(doc.get("session_seconds", 28800))
        self.role_session_seconds = int(doc.get("role_session_seconds", 3600))
        self.page_size = int(doc.get("page_size", 20))
        self.scopes = set(doc.get("scopes", [ACCOUNT_ACCESS_SCOPE]))
        self.users = {u["name"]: u for u in doc["users"]}
        self.accounts = {a["accountId"]: a for a in doc["accounts"]}
        self.account_order = [a["accountId"] for a in doc["accounts"]]
        self.assignments = doc["assignments"]
        for a in self.assignments:
            if a["user"] not in self.users or a["accountId"] not in self.accounts:
                raise ValueError("world: assignment %r names an unknown user or account" % a)

    def accounts_of(self, user):
        ids = {a["accountId"] for a in self.assignments if a["user"] == user}
        return [self.accounts[i] for i in self.account_order if i in ids]

    def roles_of(self, user, account_id):
        return [a for a in self.assignments if a["user"] == user and a["accountId"] == account_id]

    def assignment(self, user, account_id, role_name):
        for a in self.roles_of(user, account_id):
            if a["roleName"] == role_name:
                return a
        return None


def loopback_redirect(uri):
    """(path, query) of a loopback http redirect URI, or None. AWS accepts only loopback redirects for public
    clients; the port is left to the client (RFC 8252 section 7.3), so it is not part of the match."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "http" or parts.hostname != "127.0.0.1" or parts.fragment or parts.username:
        return None
    if port is not None and not 1 <= port <= 65535:
        return None
    return parts.path or "/", parts.query


def pkce_s256(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def opaque(prefix, nbytes=48):
    return prefix + secrets.token_urlsafe(nbytes)


# ------------------------------------------------------------------------------------------ the service

class SsoTestDouble:
    def __init__(self, world, sts=None):
        self.world = world
        self.sts = sts  # (endpoint, access key, secret key, CA file or None), or None: no credentials to hand out
        self.lock = threading.Lock()
        self.clock_offset = 0
        self.reset_settings()
        self.clients = {}
        self.devices = {}          # device code -> dict
        self.user_codes = {}       # user code -> device code
        self.pending = {}          # authorization page request id -> dict
        self.codes = {}            # authorization code -> dict
        self.access_tokens = {}    # token -> dict
        self.refresh_tokens = {}   # token -> dict
        self.sessions = {}         # sign-in session id -> {"user", "revoked"}
        self.sign_ins = {"device_approvals": 0, "authorization_codes": 0}
        self.knobs = Knobs()

    def reset_settings(self):
        self.device_interval = self.world.device_interval
        self.device_expires_in = self.world.device_expires_in
        self.access_token_seconds = self.world.access_token_seconds
        self.rotate_refresh = False

    def now(self):
        return time.time() + self.clock_offset

    # ----------------------------------------------------------------------------------- SSO OIDC

    @staticmethod
    def body_json(body):
        try:
            value = json.loads(body or b"{}")
        except ValueError:
            raise oidc_error("InvalidRequestException", "The request body is not valid JSON.")
        if not isinstance(value, dict):
            raise oidc_error("InvalidRequestException", "The request body must be a JSON object.")
        return value

    @staticmethod
    def require(params, *names):
        for name in names:
            if not isinstance(params.get(name), str) or not params[name]:
                raise oidc_error("InvalidRequestException", "Missing required parameter: %s" % name)

    @staticmethod
    def string_list(params, name):
        value = params.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise oidc_error("InvalidRequestException", "%s must be a list of strings" % name)
        return value

    def register_client(self, params, base_url):
        self.require(params, "clientName", "clientType")
        if params["clientType"] != "public":
            raise oidc_error("InvalidClientMetadataException", "Only public clients are supported: clientType must "
                             "be public.")
        scopes = self.string_list(params, "scopes")
        grants = self.string_list(params, "grantTypes")
        redirects = self.string_list(params, "redirectUris")
        unknown = [s for s in scopes if s not in self.world.scopes]
        if unknown:
            raise oidc_error("InvalidScopeException", "Invalid scope: %s" % ", ".join(unknown))
        unsupported = [g for g in grants if g not in KNOWN_GRANTS]
        if unsupported:
            raise oidc_error("UnsupportedGrantTypeException", "Unsupported grant type: %s" % ", ".join(unsupported))
        bad = [r for r in redirects if loopback_redirect(r) is None]
        if bad:
            raise oidc_error("InvalidRedirectUriException", "Only loopback redirect URIs "
                             "(http://127.0.0.1[:port]/path) are supported: %s" % ", ".join(bad))
        if GRANT_CODE in grants and not redirects:
            raise oidc_error("InvalidRedirectUriException", "The authorization_code grant needs redirectUris.")
        issuer = params.get("issuerUrl")
        if issuer is not None and issuer.rstrip("/") != self.world.issuer_url.rstrip("/"):
            raise oidc_error("InvalidClientMetadataException", "issuerUrl is not this IAM Identity Center "
                             "instance's: %s" % issuer)
        now = int(self.now())
        client = {"clientId": secrets.token_urlsafe(16), "clientSecret": opaque("eyJraWQiOiJrZXktMTU2", 96),
                  "name": params["clientName"], "scopes": scopes, "grants": grants, "redirects": redirects,
                  "issued": now, "expires": now + CLIENT_SECRET_SECONDS}
        with self.lock:
            self.clients[client["clientId"]] = client
        return client, {"clientId": client["clientId"], "clientSecret": client["clientSecret"],
                        "clientIdIssuedAt": now, "clientSecretExpiresAt": client["expires"],
                        "authorizationEndpoint": base_url + "/authorize", "tokenEndpoint": base_url + "/token"}

    def authenticate_client(self, params):
        client = self.clients.get(params.get("clientId"))
        if client is None or not secrets.compare_digest(client["clientSecret"], params.get("clientSecret") or ""):
            raise oidc_error("InvalidClientException", "Invalid client: unknown clientId or wrong clientSecret.")
        if self.now() >= client["expires"]:
            raise oidc_error("InvalidClientException", "The client registration has expired: register again.")
        return client

    def start_device_authorization(self, params, base_url):
        self.require(params, "clientId", "clientSecret", "startUrl")
        with self.lock:
            client = self.authenticate_client(params)
            if client["grants"] and GRANT_DEVICE not in client["grants"]:
                raise oidc_error("UnauthorizedClientException", "The client is not registered for the device_code "
                                 "grant.")
            if params["startUrl"].rstrip("/") != self.world.start_url.rstrip("/"):
                raise oidc_error("InvalidRequestException", "Unknown startUrl: %s" % params["startUrl"])
            while True:
                user_code = "%s-%s" % tuple("".join(secrets.choice(USER_CODE_LETTERS) for _ in range(4))
                                            for _ in range(2))
                if user_code not in self.user_codes:
                    break
            device_code = opaque("", 64)
            now = self.now()
            self.devices[device_code] = {"client": client["clientId"], "user_code": user_code,
                                         "expires": now + self.device_expires_in, "interval": self.device_interval,
                                         "last_poll": None, "state": "pending", "user": None}
            self.user_codes[user_code] = device_code
            return client, {"deviceCode": device_code, "userCode": user_code,
                            "verificationUri": base_url + "/device",
                            "verificationUriComplete": base_url + "/device?" + urlencode({"user_code": user_code}),
                            "expiresIn": self.device_expires_in, "interval": self.device_interval}

    def create_token(self, params):
        """(client, grant type, user, answer); raises OidcError. Runs under the lock."""
        self.require(params, "clientId", "clientSecret", "grantType")
        client = self.authenticate_client(params)
        grant = params["grantType"]
        if grant not in KNOWN_GRANTS:
            raise oidc_error("UnsupportedGrantTypeException", "Unsupported grant type: %s" % grant)
        if client["grants"] and grant not in client["grants"]:
            raise oidc_error("UnauthorizedClientException", "The client is not registered for the %s grant." % grant)
        scopes = self.string_list(params, "scope")
        allowed = set(client["scopes"])
        if any(s not in allowed for s in scopes):
            raise oidc_error("InvalidScopeException", "Requested scopes exceed the client's: %s"
                             % ", ".join(s for s in scopes if s not in allowed))
        code = None
        if grant == GRANT_DEVICE:
            user, session, granted = self.redeem_device(client, params), None, scopes or client["scopes"]
        elif grant == GRANT_CODE:
            user, granted, code = self.redeem_code(client, params)
            granted, session = scopes or granted, None
        else:
            user, session, granted = self.redeem_refresh(client, params, scopes)
        if session is None:  # a new sign-in: Logout ends it, with every token issued in it
            session = uuid.uuid4().hex
            self.sessions[session] = {"user": user, "revoked": False, "client": client["clientId"],
                                      "expires": self.now() + self.world.session_seconds}
            if code is not None:
                code["sessions"].append(session)
        answer = self.issue(client, user, session, granted, grant, params.get("refreshToken"))
        return client, grant, user, answer

    def redeem_device(self, client, params):
        self.require(params, "deviceCode")
        device = self.devices.get(params["deviceCode"])
        if device is None or device["client"] != client["clientId"] or device["state"] == "used":
            raise oidc_error("InvalidGrantException", "Invalid device code.")
        now = self.now()
        if now >= device["expires"]:
            raise oidc_error("ExpiredTokenException", "The device code has expired: start a new device "
                             "authorization.")
        if device["state"] == "denied":
            raise oidc_error("AccessDeniedException", "The user denied the authorization request.")
        last, device["last_poll"] = device["last_poll"], now
        if last is not None and now - last < device["interval"]:
            device["interval"] += SLOW_DOWN_STEP_SECONDS
            raise oidc_error("SlowDownException", "Polling too fast: wait at least %d seconds between requests."
                             % device["interval"])
        if device["state"] == "pending":
            raise oidc_error("AuthorizationPendingException", "The user has not yet approved the request.")
        device["state"] = "used"
        self.user_codes.pop(device["user_code"], None)
        return device["user"]

    def redeem_code(self, client, params):
        self.require(params, "code", "redirectUri", "codeVerifier")
        code = self.codes.get(params["code"])
        if code is None or code["client"] != client["clientId"]:
            raise oidc_error("InvalidGrantException", "Invalid authorization code.")
        if code["used"]:
            # RFC 6749 section 4.1.2: a code used twice revokes what was issued for it.
            for session in code["sessions"]:
                self.sessions[session]["revoked"] = True
            raise oidc_error("InvalidGrantException", "The authorization code has already been used.")
        code["used"] = True  # single use, also when this redemption fails below
        if self.now() >= code["expires"]:
            raise oidc_error("InvalidGrantException", "The authorization code has expired.")
        if params["redirectUri"] != code["redirect_uri"]:
            raise oidc_error("InvalidGrantException", "redirectUri does not match the authorization request's.")
        if not PKCE_VERIFIER_RE.fullmatch(params["codeVerifier"]) or \
                not secrets.compare_digest(pkce_s256(params["codeVerifier"]), code["challenge"]):
            raise oidc_error("InvalidGrantException", "The code verifier does not match the code challenge.")
        return code["user"], code["scopes"], code

    def redeem_refresh(self, client, params, scopes):
        self.require(params, "refreshToken")
        record = self.refresh_tokens.get(params["refreshToken"])
        if record is None or record["client"] != client["clientId"] or self.session_ended(record["session"]):
            raise oidc_error("InvalidGrantException", "Invalid refresh token.")
        if scopes and any(s not in record["scopes"] for s in scopes):
            raise oidc_error("InvalidScopeException", "Requested scopes exceed the refresh token's.")
        return record["user"], record["session"], scopes or record["scopes"]

    def session_ended(self, session_id):
        session = self.sessions.get(session_id)
        return session is None or session["revoked"] or self.now() >= session["expires"]

    def issue(self, client, user, session, scopes, grant, old_refresh):
        access = opaque("aoa")
        expires = self.now() + self.access_token_seconds
        self.access_tokens[access] = {"user": user, "session": session, "client": client["clientId"],
                                      "expires": expires, "scopes": list(scopes)}
        answer = {"accessToken": access, "tokenType": "Bearer", "expiresIn": self.access_token_seconds}
        refreshable = ACCOUNT_ACCESS_SCOPE in client["scopes"] and (not client["grants"] or
                                                                     GRANT_REFRESH in client["grants"])
        if refreshable:
            if grant == GRANT_REFRESH and not self.rotate_refresh:
                answer["refreshToken"] = old_refresh
            else:
                if grant == GRANT_REFRESH:
                    self.refresh_tokens.pop(old_refresh, None)
                refresh = opaque("aor")
                self.refresh_tokens[refresh] = {"user": user, "session": session, "client": client["clientId"],
                                                "scopes": list(scopes)}
                answer["refreshToken"] = refresh
        return answer

    # ----------------------------------------------------------------------------------- browser side

    def check_login(self, form):
        user = self.world.users.get(form.get("username", ""))
        if user is None or not secrets.compare_digest(user["password"], form.get("password", "")):
            return None
        return user["name"]

    def device_page(self, user_code, message=""):
        return page("Authorize request", message + """
<p>Confirm that this code matches the code shown by the application, then sign in to allow access.</p>
<form method="post" action="/device">
<label>Code <input name="user_code" value="%s"></label><br>
<label>Username <input name="username" autocomplete="username"></label><br>
<label>Password <input name="password" type="password" autocomplete="current-password"></label><br>
<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button>
</form>""" % html.escape(user_code or ""))

    def device_decision(self, form):
        """(status, html, user, error) for a posted device form."""
        user_code = form.get("user_code", "").strip().upper()
        with self.lock:
            device = self.devices.get(self.user_codes.get(user_code, ""))
            if device is None or device["state"] != "pending" or self.now() >= device["expires"]:
                return 400, page("Invalid code", "<p>The code is invalid or has expired.</p>"), None, "invalid code"
            user = self.check_login(form)
            if user is None:
                return 401, self.device_page(user_code, "<p class=error>Incorrect username or password.</p>"), \
                    None, "bad login"
            if form.get("decision") == "allow":
                device["state"], device["user"] = "approved", user
                self.sign_ins["device_approvals"] += 1
                return 200, page("Request approved", "<p>You may now close this window.</p>"), user, None
            device["state"] = "denied"
            return 200, page("Request denied", "<p>Access was denied.</p>"), user, "access_denied"

    def authorize_request(self, query):
        """Validates an authorization request: (page request id or None, redirect or None, error text or None).
        Errors about the client or the redirect URI are shown to the user and never redirected (RFC 6749 4.1.2.1)."""
        with self.lock:
            client = self.clients.get(query.get("client_id"))
            if client is None or self.now() >= client["expires"]:
                return None, None, "Unknown client_id."
            redirect = query.get("redirect_uri", "")
            wanted = loopback_redirect(redirect)
            if wanted is None or wanted not in [loopback_redirect(r) for r in client["redirects"]]:
                return None, None, "redirect_uri is not one the client registered."

            def back(error, text):
                return None, with_query(redirect, {"error": error, "error_description": text,
                                                   "state": query.get("state")}), text
            if client["grants"] and GRANT_CODE not in client["grants"]:
                return back("unauthorized_client", "The client is not registered for the authorization_code grant.")
            if query.get("response_type") != "code":
                return back("unsupported_response_type", "response_type must be code.")
            if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
                return back("invalid_request", "PKCE is required: code_challenge with code_challenge_method S256.")
            raw = query.get("scopes", query.get("scope", ""))
            scopes = [s for s in re.split(r"[ ,]+", raw) if s]
            if any(s not in client["scopes"] for s in scopes):
                return back("invalid_scope", "Requested scopes exceed the client's.")
            request_id = secrets.token_urlsafe(16)
            self.pending[request_id] = {"client": client["clientId"], "redirect_uri": redirect,
                                        "state": query.get("state"), "challenge": query["code_challenge"],
                                        "scopes": scopes or client["scopes"], "expires": self.now() + 600}
            return request_id, None, None

    def authorize_page(self, request_id, message=""):
        return page("Sign in", message + """
<p>Sign in to allow the application to access your AWS accounts.</p>
<form method="post" action="/authorize">
<input type="hidden" name="request" value="%s">
<label>Username <input name="username" autocomplete="username"></label><br>
<label>Password <input name="password" type="password" autocomplete="current-password"></label><br>
<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button>
</form>""" % html.escape(request_id))

    def authorize_decision(self, form):
        """(status, html, location, user, client, error) for a posted authorization form."""
        with self.lock:
            request = self.pending.get(form.get("request", ""))
            if request is None or self.now() >= request["expires"]:
                return 400, page("Invalid request", "<p>The sign-in request is invalid or has expired.</p>"), \
                    None, None, None, "invalid request"
            user = self.check_login(form)
            if user is None:
                retry = self.authorize_page(form["request"], "<p class=error>Incorrect username or password.</p>")
                return 401, retry, None, None, request["client"], "bad login"
            del self.pending[form["request"]]
            if form.get("decision") != "allow":
                return 302, b"", with_query(request["redirect_uri"], {"error": "access_denied",
                                                                      "state": request["state"]}), \
                    user, request["client"], "access_denied"
            code = opaque("", 32)
            self.codes[code] = {"client": request["client"], "user": user, "redirect_uri": request["redirect_uri"],
                                "challenge": request["challenge"], "scopes": request["scopes"],
                                "expires": self.now() + AUTH_CODE_SECONDS, "used": False, "sessions": []}
            self.sign_ins["authorization_codes"] += 1
            return 302, b"", with_query(request["redirect_uri"], {"code": code, "state": request["state"]}), \
                user, request["client"], None

    # ----------------------------------------------------------------------------------- SSO portal

    def bearer(self, headers):
        token = headers.get("x-amz-sso_bearer_token")
        with self.lock:
            record = self.access_tokens.get(token or "")
            if record is None or self.now() >= record["expires"] or self.sessions[record["session"]]["revoked"]:
                raise unauthorized()
            return record

    def page_params(self, query):
        raw = query.get("max_result")
        size = self.world.page_size
        if raw is not None:
            if not re.fullmatch(r"\d{1,9}", raw) or not 1 <= int(raw) <= 100:
                raise invalid_portal_request("max_result must be between 1 and 100")
            size = int(raw)
        start = 0
        token = query.get("next_token")
        if token:
            try:
                start = int(json.loads(base64.urlsafe_b64decode(token.encode()))["offset"])
            except (ValueError, KeyError, TypeError):
                raise invalid_portal_request("Invalid next_token")
        return start, size

    @staticmethod
    def paged(items, start, size):
        page_items = items[start:start + size]
        token = None
        if start + size < len(items):
            token = base64.urlsafe_b64encode(json.dumps({"offset": start + size}).encode()).decode()
        return page_items, token

    def list_accounts(self, record, query):
        start, size = self.page_params(query)
        items, token = self.paged(self.world.accounts_of(record["user"]), start, size)
        answer = {"accountList": [{k: a[k] for k in ("accountId", "accountName", "emailAddress")} for a in items]}
        if token:
            answer["nextToken"] = token
        return answer

    def list_account_roles(self, record, query):
        account = query.get("account_id")
        if not account:
            raise invalid_portal_request("account_id is required")
        start, size = self.page_params(query)
        roles = self.world.roles_of(record["user"], account)
        if not roles:
            raise no_access()
        items, token = self.paged(roles, start, size)
        answer = {"roleList": [{"roleName": a["roleName"], "accountId": a["accountId"]} for a in items]}
        if token:
            answer["nextToken"] = token
        return answer

    def get_role_credentials(self, record, query):
        if not query.get("role_name") or not query.get("account_id"):
            raise invalid_portal_request("role_name and account_id are required")
        assignment = self.world.assignment(record["user"], query["account_id"], query["role_name"])
        if assignment is None:
            raise no_access()
        if self.sts is None:
            raise PortalError("InternalServerException", "TEST DOUBLE: no STS behind this double (start it with "
                              "--sts-endpoint) to mint credentials", 500)
        creds = assume_role(self.sts, assignment["role_arn"], record["user"], self.world.role_session_seconds,
                            self.world.region)
        return {"roleCredentials": {"accessKeyId": creds["AccessKeyId"], "secretAccessKey": creds["SecretAccessKey"],
                                    "sessionToken": creds["SessionToken"],
                                    "expiration": int(creds["Expiration"].timestamp() * 1000)}}

    def logout(self, record):
        with self.lock:
            self.sessions[record["session"]]["revoked"] = True
        return None


def assume_role(sts, role_arn, user, seconds, region):
    """A real sts:AssumeRole against the STS behind the double (by default the STS double), so that the keys work
    on the S3 server behind it. botocore is imported here: the rest of the double runs without it."""
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
    endpoint, key, secret, ca_file = sts
    session = botocore.session.Session()
    session.set_config_variable("config_file", "/dev/null")
    session.set_config_variable("credentials_file", "/dev/null")
    client = session.create_client("sts", region_name=region, endpoint_url=endpoint, aws_access_key_id=key,
                                   aws_secret_access_key=secret, verify=ca_file if ca_file else True,
                                   config=Config(retries={"total_max_attempts": 1}))
    try:
        return client.assume_role(RoleArn=role_arn, RoleSessionName=user, DurationSeconds=seconds)["Credentials"]
    except (ClientError, BotoCoreError) as e:
        # Cannot happen on AWS (Identity Center owns its roles); here it means the worlds disagree.
        raise PortalError("InternalServerException", "TEST DOUBLE: sts:AssumeRole of %s failed: %s" % (role_arn, e),
                          500)


def with_query(uri, values):
    parts = urlsplit(uri)
    extra = urlencode([(k, v) for k, v in values.items() if v is not None])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query + ("&" if parts.query else "") + extra,
                       ""))


def page(title, body):
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s - RoleDrop SSO TEST DOUBLE</title></head>"
            "<body><h1>%s</h1><p><em>RoleDrop's IAM Identity Center TEST DOUBLE - not AWS.</em></p>%s</body></html>\n"
            % (html.escape(title), html.escape(title), body)).encode()


# ------------------------------------------------------------------------------------- log, fail knob

class Knobs:
    """The request log and the failure rules of /__test__/log and /__test__/fail."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = []
        self.seq = 0
        self.rules = []
        self.rule_seq = 0

    def record(self, **entry):
        with self.lock:
            self.seq += 1
            entry = dict(seq=self.seq, time=datetime.now(timezone.utc).isoformat(timespec="milliseconds"), **entry)
            self.entries.append(entry)
            if len(self.entries) > LOG_LIMIT:
                del self.entries[:len(self.entries) - LOG_LIMIT]

    def since(self, seq):
        with self.lock:
            return [e for e in self.entries if e["seq"] > seq], self.seq

    def add_rule(self, query):
        operation = query.get("operation")
        if not operation or not re.fullmatch(r"(oidc|sso|browser):[A-Za-z0-9*]+", operation):
            raise ValueError("want operation=oidc:NAME, sso:NAME or browser:NAME (a trailing * matches several)")
        times, skip, status = int(query.get("times", "1")), int(query.get("skip", "0")), int(query.get("status", "500"))
        if times < 1 or skip < 0 or not 300 <= status <= 599:
            raise ValueError("want times >= 1, skip >= 0, 300 <= status <= 599")
        code = query.get("code", "InternalServerException")
        if not re.fullmatch(r"[A-Za-z0-9]+", code):
            raise ValueError("code must be an exception name such as TooManyRequestsException")
        error = query.get("error") or OIDC_ERRORS.get(code, ("server_error",))[0]
        with self.lock:
            self.rule_seq += 1
            rule = {"id": self.rule_seq, "operation": operation, "times": times, "skip": skip, "status": status,
                    "code": code, "error": error,
                    "message": query.get("message") or "Failure injected by the test double's /__test__/fail knob.",
                    "matched": 0, "applied": 0}
            self.rules.append(rule)
        return rule

    def injected(self, operation):
        with self.lock:
            for rule in self.rules:
                if rule["applied"] >= rule["times"] or not fnmatch.fnmatchcase(operation, rule["operation"]):
                    continue
                rule["matched"] += 1
                if rule["matched"] <= rule["skip"]:
                    continue
                rule["applied"] += 1
                return dict(rule)
        return None


# --------------------------------------------------------------------------------------------- HTTP

OIDC_ROUTES = {("POST", "/client/register"): "RegisterClient",
               ("POST", "/device_authorization"): "StartDeviceAuthorization",
               ("POST", "/token"): "CreateToken"}
PORTAL_ROUTES = {("GET", "/assignment/accounts"): "ListAccounts",
                 ("GET", "/assignment/roles"): "ListAccountRoles",
                 ("GET", "/federation/credentials"): "GetRoleCredentials",
                 ("POST", "/logout"): "Logout"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real endpoints

    def version_string(self):
        return SERVER_HEADER

    def log_request(self, code="-", size="-"):
        pass  # the query may hold a user code or an authorization code; the JSON log has what is safe

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def base_url(self):
        return "%s://%s" % ("https" if self.server.tls else "http", self.headers.get("Host") or
                            "127.0.0.1:%d" % self.server.server_address[1])

    def dispatch(self):
        double = self.server.double
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        entry = {"method": self.command, "path": url.path}
        try:
            if url.path.startswith("/__test__/"):
                return self.admin(double, url.path, query)
            key = (self.command, url.path)
            if key in OIDC_ROUTES:
                return self.oidc(double, OIDC_ROUTES[key], body, entry)
            if key in PORTAL_ROUTES:
                return self.portal(double, PORTAL_ROUTES[key], query, entry)
            if url.path in ("/device", "/authorize"):
                return self.browser(double, url.path, query, body, entry)
            entry.update(operation="unknown", status=404, error="no such route")
            double.knobs.record(**entry)
            self.reply(404, "application/json", json.dumps({"message": "No such route: %s %s" % key}).encode(),
                       {"x-amzn-ErrorType": "UnknownOperationException"})
        except Exception:  # a bug of the double: say so, keep serving
            log("internal error on %s %s\n%s" % (self.command, url.path, traceback.format_exc()))
            entry.update(status=500, error="InternalServerException (double bug)")
            double.knobs.record(**entry)
            self.reply(500, "application/json", json.dumps({"message": "TEST DOUBLE internal error"}).encode(),
                       {"x-amzn-ErrorType": "InternalServerException"})

    def oidc(self, double, operation, body, entry):
        entry["operation"] = "oidc:" + operation
        status, answer, headers = 200, None, {}
        try:
            params = double.body_json(body)
            entry["client_id"] = params.get("clientId")
            if operation == "CreateToken":
                entry["grant_type"] = params.get("grantType")
            rule = double.knobs.injected(entry["operation"])
            if rule:
                raise OidcError(rule["code"], rule["error"], rule["message"], rule["status"])
            if operation == "RegisterClient":
                client, answer = double.register_client(params, self.base_url())
                entry["client_id"] = client["clientId"]
            elif operation == "StartDeviceAuthorization":
                _, answer = double.start_device_authorization(params, self.base_url())
            else:
                with double.lock:
                    _, _, entry["user"], answer = double.create_token(params)
        except OidcError as e:
            status, answer = e.status, {"error": e.error, "error_description": e.description}
            headers["x-amzn-ErrorType"] = e.name
            entry["error"] = e.name
        entry["status"] = status
        double.knobs.record(**entry)
        self.reply(status, "application/json", json.dumps(answer).encode(),
                   dict(headers, **{"x-amzn-RequestId": str(uuid.uuid4())}))

    def portal(self, double, operation, query, entry):
        entry["operation"] = "sso:" + operation
        entry["account_id"], entry["role_name"] = query.get("account_id"), query.get("role_name")
        status, answer, headers = 200, None, {}
        try:
            rule = double.knobs.injected(entry["operation"])
            if rule:
                raise PortalError(rule["code"], rule["message"], rule["status"])
            record = double.bearer(self.headers)
            entry["user"], entry["client_id"] = record["user"], record["client"]
            if operation == "ListAccounts":
                answer = double.list_accounts(record, query)
            elif operation == "ListAccountRoles":
                answer = double.list_account_roles(record, query)
            elif operation == "GetRoleCredentials":
                answer = double.get_role_credentials(record, query)
            else:
                answer = double.logout(record)
        except PortalError as e:
            status, answer = e.status, {"message": e.message}
            headers["x-amzn-ErrorType"] = e.name
            entry["error"] = e.name
        entry["status"] = status
        double.knobs.record(**entry)
        data = b"" if answer is None else json.dumps(answer).encode()
        self.reply(status, "application/json", data, dict(headers, **{"x-amzn-RequestId": str(uuid.uuid4())}))

    def browser(self, double, path, query, body, entry):
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        location, status = None, 200
        if path == "/device" and self.command == "GET":
            entry["operation"] = "browser:DevicePage"
            html_body = double.device_page(query.get("user_code", ""))
        elif path == "/device" and self.command == "POST":
            entry["operation"] = "browser:DeviceDecision"
            status, html_body, entry["user"], entry["error"] = double.device_decision(form)
        elif path == "/authorize" and self.command == "GET":
            entry["operation"] = "browser:AuthorizePage"
            entry["client_id"] = query.get("client_id")
            request_id, location, error = double.authorize_request(query)
            entry["error"] = error
            if request_id:
                html_body = double.authorize_page(request_id)
            elif location:
                status, html_body = 302, b""
            else:
                status, html_body = 400, page("Invalid request", "<p>%s</p>" % html.escape(error))
        elif path == "/authorize" and self.command == "POST":
            entry["operation"] = "browser:AuthorizeDecision"
            status, html_body, location, entry["user"], entry["client_id"], entry["error"] = \
                double.authorize_decision(form)
        else:
            entry["operation"] = "browser:unknown"
            status, html_body = 405, page("Method not allowed", "")
        entry["status"] = status
        double.knobs.record(**entry)
        self.reply(status, "text/html; charset=utf-8", html_body, {"Location": location} if location else None)

    def admin(self, double, path, query):
        knobs, command = double.knobs, self.command
        try:
            if path == "/__test__/advance-clock" and command == "POST":
                with double.lock:
                    double.clock_offset += int(query["seconds"])
            elif path == "/__test__/reset-clock" and command == "POST":
                with double.lock:
                    double.clock_offset = 0
            elif path == "/__test__/device-settings" and command in ("POST", "DELETE"):
                interval = int(query.get("interval", double.world.device_interval)) if command == "POST" \
                    else double.world.device_interval
                expires = int(query.get("expires_in", double.world.device_expires_in)) if command == "POST" \
                    else double.world.device_expires_in
                if interval < 0 or expires < 1:
                    raise ValueError("want interval >= 0 and expires_in >= 1")
                with double.lock:
                    double.device_interval, double.device_expires_in = interval, expires
            elif path == "/__test__/token-lifetime" and command in ("POST", "DELETE"):
                seconds = int(query["seconds"]) if command == "POST" else double.world.access_token_seconds
                if seconds < 1:
                    raise ValueError("seconds must be >= 1")
                double.access_token_seconds = seconds
            elif path == "/__test__/refresh-rotation" and command == "POST":
                double.rotate_refresh = query.get("on", "1") not in ("0", "false")
            elif path == "/__test__/reset" and command == "POST":
                with double.lock:
                    double.clock_offset = 0
                    double.reset_settings()
                with knobs.lock:
                    knobs.rules = []
            elif path == "/__test__/log" and command == "GET":
                entries, last = knobs.since(int(query.get("since", "0")))
                return self.reply_json(200, {"entries": entries, "last_seq": last})
            elif path == "/__test__/log" and command == "DELETE":
                with knobs.lock:
                    knobs.entries = []
                return self.reply_json(200, {"cleared": True, "last_seq": knobs.seq})
            elif path == "/__test__/fail" and command == "POST":
                return self.reply_json(200, {"rule": knobs.add_rule(query)})
            elif path == "/__test__/fail" and command in ("GET", "DELETE"):
                with knobs.lock:
                    if command == "DELETE":
                        knobs.rules = []
                    return self.reply_json(200, {"rules": [dict(r) for r in knobs.rules]})
            elif path == "/__test__/sign-ins" and command == "GET":
                with double.lock:
                    counts = dict(double.sign_ins)
                return self.reply_json(200, dict(counts, total=sum(counts.values())))
            elif path != "/__test__/health":
                return self.reply_json(404, {"error": "no such test endpoint: %s %s" % (command, path)})
        except (KeyError, ValueError) as e:
            return self.reply_json(400, {"error": "bad test request: %s" % e})
        with double.lock:
            self.reply_json(200, {"test_double": True, "sso": True, "clock_offset": double.clock_offset,
                                  "double_now": iso8601(double.now()), "start_url": double.world.start_url,
                                  "device_interval": double.device_interval,
                                  "device_expires_in": double.device_expires_in,
                                  "access_token_seconds": double.access_token_seconds,
                                  "refresh_rotation": double.rotate_refresh,
                                  "sign_ins": sum(double.sign_ins.values()), "sts": double.sts[0] if double.sts
                                  else None, "fail_rules": len(knobs.rules), "log_seq": knobs.seq})

    def reply_json(self, status, value):
        self.reply(status, "application/json", json.dumps(value).encode())

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

    out("ROLEDROP_TEST_SSO_OIDC_ENDPOINT", endpoint)
    out("ROLEDROP_TEST_SSO_PORTAL_ENDPOINT", endpoint)
    out("ROLEDROP_TEST_SSO_START_URL", world.start_url)
    out("ROLEDROP_TEST_SSO_REGION", world.region)
    for name, user in world.users.items():
        out("ROLEDROP_TEST_SSO_%s_USER" % user["env"], name)
        out("ROLEDROP_TEST_SSO_%s_PASSWORD" % user["env"], user["password"])
    for account in world.accounts.values():
        out("ROLEDROP_TEST_SSO_ACCOUNT_%s_ID" % account["env"], account["accountId"])
        out("ROLEDROP_TEST_SSO_ACCOUNT_%s_NAME" % account["env"], account["accountName"])
    names = sorted({a["roleName"] for a in world.assignments})
    for name in names:
        out("ROLEDROP_TEST_SSO_ROLE_%s" % re.sub(r"[^A-Z0-9]", "_", name.upper()), name)



def main():
    ap = argparse.ArgumentParser(description="RoleDrop's IAM Identity Center TEST DOUBLE (not AWS)")
    ap.add_argument("--world", required=True, help="world JSON file")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--print-env", metavar="ENDPOINT", help="print export lines for the world and exit")
    ap.add_argument("--tls-cert", help="serve https with this certificate (PEM)")
    ap.add_argument("--tls-key", help="its private key (PEM)")
    ap.add_argument("--sts-endpoint", help="the STS that mints GetRoleCredentials' keys (e.g. the STS double)")
    ap.add_argument("--sts-access-key", default=os.environ.get("SSO_DOUBLE_STS_ACCESS_KEY"))
    ap.add_argument("--sts-secret-key", default=os.environ.get("SSO_DOUBLE_STS_SECRET_KEY"),
                    help="(or $SSO_DOUBLE_STS_SECRET_KEY, kept off the command line)")
    ap.add_argument("--ca-file", help="CA bundle to verify the STS endpoint's certificate")
    args = ap.parse_args()
    with open(args.world) as f:
        world = World(json.load(f))
    if args.print_env:
        print_env(world, args.print_env)
        return 0
    if not args.host.startswith("127."):
        ap.error("the test double listens on loopback addresses only")
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    sts = None
    if args.sts_endpoint:
        if not (args.sts_access_key and args.sts_secret_key):
            ap.error("--sts-endpoint needs --sts-access-key and --sts-secret-key")
        sts = (args.sts_endpoint, args.sts_access_key, args.sts_secret_key, args.ca_file)
    server = (tls_threading_http_server(args.tls_cert, args.tls_key, log) if args.tls_cert else ThreadingHTTPServer)(
        (args.host, args.port), Handler)
    server.daemon_threads = True
    server.tls = bool(args.tls_cert)
    server.double = SsoTestDouble(world, sts)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)

    def stop(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    print("READY port=%d%s (IAM Identity Center TEST DOUBLE, not AWS)" % (port, " https" if args.tls_cert else ""),
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
