#!/usr/bin/python3
"""A TEST DOUBLE FOR THE USER'S BROWSER, for sign-ins at the test OpenID Provider (oidc_test_provider.mjs).

RoleDrop opens the provider's authorization URL with the command in BROWSER; tests set BROWSER to this script. It
does what a person does in a browser: follows the URL, fills in the provider's login form and answers its consent
form (oidc_test_login.walk), then follows the provider's redirect to RoleDrop's loopback address
(http://127.0.0.1:PORT/oauth/callback?code=...&state=...), as the browser would.
It appends one line per page opened to OIDC_TEST_BROWSER_LOG (the URL without its query: never a code or a state),
so a test can tell whether a run opened a page at all. Never prints a password.

Environment: OIDC_TEST_BROWSER_USER / OIDC_TEST_BROWSER_PASSWORD (who signs in), OIDC_TEST_BROWSER_DECISION (allow
or deny, at the consent form), OIDC_TEST_BROWSER_LOG, OIDC_TEST_BROWSER_DELAY (seconds to wait before acting, a
person's slowness), AWS_CA_BUNDLE (the test CA).

Usage: oidc_test_browser.py URL
"""
import os
import sys
import time
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oidc_test_login import TestBrowser, walk  # noqa: E402


def main():
    url = sys.argv[-1]
    log = os.environ.get("OIDC_TEST_BROWSER_LOG")
    if log:
        parts = urlsplit(url)
        with open(log, "a") as f:
            f.write("%s://%s%s\n" % (parts.scheme, parts.netloc, parts.path))
    redirect_uri = parse_qs(urlsplit(url).query).get("redirect_uri", [""])[0]
    if not redirect_uri.startswith("http://127.0.0.1:"):
        print("oidc_test_browser: the authorization URL has no loopback redirect_uri", file=sys.stderr)
        return 2
    time.sleep(float(os.environ.get("OIDC_TEST_BROWSER_DELAY", "0")))
    browser = TestBrowser(os.environ.get("AWS_CA_BUNDLE") or None)
    location = walk(browser, url, redirect_uri, os.environ.get("OIDC_TEST_BROWSER_USER", "ada"),
                    os.environ.get("OIDC_TEST_BROWSER_PASSWORD", ""),
                    os.environ.get("OIDC_TEST_BROWSER_DECISION", "allow"))
    # The redirect reaches RoleDrop's loopback handler, which answers with a page saying how it went.
    status, _, _ = browser.request(location)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
