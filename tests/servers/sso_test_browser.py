#!/usr/bin/python3
"""A TEST DOUBLE FOR THE USER'S BROWSER, for sign-ins at the IAM Identity Center test double (sso_test_double.py).

RoleDrop opens sign-in pages with the command in BROWSER (as the AWS CLI does); tests set BROWSER to this script. It
does what a user does in the browser, over plain HTTP with the test CA:
  - an /authorize page (authorization code + PKCE): fills in the login form and follows the redirect to RoleDrop's
    loopback address, as the browser would;
  - a /device page with the code filled in (device authorization): fills in the login form, which confirms the code.
It appends one line per page opened to SSO_TEST_BROWSER_LOG (a test counts sign-ins by it: two RoleDrop processes
must open one page, not two). Never prints a password.

Environment: SSO_TEST_BROWSER_USER / SSO_TEST_BROWSER_PASSWORD (who signs in), SSO_TEST_BROWSER_DECISION (allow or
deny), SSO_TEST_BROWSER_LOG, SSO_TEST_BROWSER_DELAY (seconds to wait before acting, a user's slowness),
AWS_CA_BUNDLE (the test CA).

Usage: sso_test_browser.py URL
"""
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener():
    context = ssl.create_default_context(cafile=os.environ.get("AWS_CA_BUNDLE") or None)
    return urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))


def http(open_, method, url, form=None):
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with open_.open(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def hidden(body, name):
    marker = 'name="%s" value="' % name
    text = body.decode()
    return text.split(marker)[1].split('"')[0] if marker in text else None


def main():
    url = sys.argv[-1]
    user = os.environ.get("SSO_TEST_BROWSER_USER", "james")
    password = os.environ.get("SSO_TEST_BROWSER_PASSWORD", "")
    decision = os.environ.get("SSO_TEST_BROWSER_DECISION", "allow")
    log = os.environ.get("SSO_TEST_BROWSER_LOG")
    parts = urlsplit(url)
    if log:
        with open(log, "a") as f:
            f.write("%s %s\n" % (time.strftime("%H:%M:%S"), parts.path))
    time.sleep(float(os.environ.get("SSO_TEST_BROWSER_DELAY", "0")))
    open_ = opener()
    status, headers, body = http(open_, "GET", url)
    if status != 200:
        print("sso_test_browser: %s answered %s" % (parts.path, status), file=sys.stderr)
        return 1
    if parts.path.endswith("/authorize"):
        request_id = hidden(body, "request")
        status, headers, _ = http(open_, "POST", "%s://%s%s" % (parts.scheme, parts.netloc, parts.path),
                                  {"request": request_id, "username": user, "password": password, "decision": decision})
        location = headers.get("Location")
        if status not in (302, 303) or not location:
            print("sso_test_browser: login answered %s" % status, file=sys.stderr)
            return 1
        # The browser follows the redirect to RoleDrop's loopback handler (plain http on 127.0.0.1).
        loopback = urllib.request.build_opener(NoRedirect)
        status, _, _ = http(loopback, "GET", location)
        return 0 if status == 200 else 1
    if parts.path.endswith("/device"):
        user_code = parse_qs(parts.query).get("user_code", [hidden(body, "user_code")])[0]
        status, _, _ = http(open_, "POST", "%s://%s%s" % (parts.scheme, parts.netloc, parts.path),
                            {"user_code": user_code, "username": user, "password": password, "decision": decision})
        return 0 if status == 200 else 1
    print("sso_test_browser: no sign-in page at %s" % parts.path, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
