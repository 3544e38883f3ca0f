#!/usr/bin/python3
"""Plays the browser at the test OpenID Provider (oidc_test_provider.mjs) for Python tests: builds the
authorization URL with PKCE (S256), follows it, fills in the login and consent forms, catches the redirect's
code and exchanges it at the token endpoint. Used by the STS test double's self-test to get real ID tokens.

Usage as a script (prints the token endpoint's JSON answer; for checking the provider by hand):
  . DIR/env; oidc_test_login.py [CLIENT_ID]
"""
import base64
import hashlib
import http.cookiejar
import json
import os
import re
import secrets
import ssl
import sys
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class TestBrowser:
    def __init__(self, ca_file):
        context = ssl.create_default_context(cafile=ca_file)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, url, form=None):
        """(status, location, body) of one request, redirects not followed."""
        data = urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data=data), timeout=10) as r:
                return r.status, r.headers.get("Location"), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Location"), e.read().decode()


def discovery(issuer, ca_file):
    context = ssl.create_default_context(cafile=ca_file)
    with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", context=context, timeout=10) as r:
        return json.loads(r.read())


def walk(browser, url, redirect_prefix, user, password, decision="allow"):
    """Follows the authorization URL through the provider's login and consent forms, as a person would, and
    returns the URL the provider redirects to (starting with `redirect_prefix`), without opening it."""
    for _ in range(12):
        status, location, body = browser.request(url)
        if location and location.startswith(redirect_prefix):
            return location
        if location:
            url = urljoin(url, location)
            continue
        form = re.search(r'<form method="post" action="([^"]+)"', body)
        if status != 200 or not form:
            raise RuntimeError("unexpected page (HTTP %d) at %s" % (status, url))
        action = urljoin(url, form.group(1))
        fields = {"decision": decision} if "/confirm" in action else {"login": user, "password": password}
        status, location, body = browser.request(action, fields)
        if not location:
            raise RuntimeError("the form at %s answered HTTP %d without a redirect" % (action, status))
        if location.startswith(redirect_prefix):
            return location
        url = urljoin(action, location)
    raise RuntimeError("the sign-in did not reach the redirect URI")


def sign_in(issuer, client_id, user, password, ca_file, decision="allow", scope="openid offline_access",
            redirect_port=8765):
    """Signs in as `user`; returns the token endpoint's JSON (id_token, refresh_token, ...), or for a denied
    consent the redirect's query parameters (error=access_denied)."""
    meta = discovery(issuer, ca_file)
    browser = TestBrowser(ca_file)
    verifier = _b64url(secrets.token_bytes(32))
    state, nonce = _b64url(secrets.token_bytes(16)), _b64url(secrets.token_bytes(16))
    redirect_uri = "http://127.0.0.1:%d/oauth/callback" % redirect_port
    url = meta["authorization_endpoint"] + "?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
        "state": state, "nonce": nonce, "prompt": "consent", "code_challenge_method": "S256",
        "code_challenge": _b64url(hashlib.sha256(verifier.encode()).digest())})
    location = walk(browser, url, redirect_uri, user, password, decision)
    answer = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    if answer.get("state") != state:
        raise RuntimeError("the provider's redirect carries another state")
    if "code" not in answer:
        return answer
    status, _, body = browser.request(meta["token_endpoint"], {
        "grant_type": "authorization_code", "code": answer["code"], "redirect_uri": redirect_uri,
        "client_id": client_id, "code_verifier": verifier})
    if status != 200:
        raise RuntimeError("the token endpoint answered HTTP %d: %s" % (status, body))
    tokens = json.loads(body)
    tokens["nonce"] = nonce
    return tokens


if __name__ == "__main__":
    env = os.environ
    client = sys.argv[1] if len(sys.argv) > 1 else env["ROLEDROP_TEST_OIDC_CLIENT_ID"]
    print(json.dumps(sign_in(env["ROLEDROP_TEST_OIDC_ISSUER"], client, env["ROLEDROP_TEST_OIDC_USER"],
                             env["ROLEDROP_TEST_OIDC_PASSWORD"], env["ROLEDROP_TEST_CA_FILE"]), indent=1))
