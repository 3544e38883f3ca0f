#!/bin/bash
# Runs the IAM Identity Center test double's self-test on its own: makes a throwaway test CA in a temporary folder,
# starts the STS + S3 double (the STS that GetRoleCredentials' keys come from, and the S3 server they are tried
# on) and the SSO double there, runs sso_test_double_selftest.py, stops both and removes the folder. No RGW needed.
# Exits with the self-test's status.
#
# Usage: run-sso-double-selftest.sh        (KEEP=1 keeps the folder and its logs)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/roledrop-sso-selftest.XXXXXX)
cleanup() {
  "$HERE/sso-double-stop.sh" "$D" >/dev/null 2>&1
  "$HERE/sts-double-stop.sh" "$D" >/dev/null 2>&1
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $D"; else rm -rf "$D"; fi
}
trap cleanup EXIT
"$HERE/make-test-ca.sh" "$D/tls" >/dev/null || exit 1
"$HERE/sts-double-start.sh" "$D" || exit 1
"$HERE/sso-double-start.sh" "$D" || exit 1
(
  . "$D/env"
  export ROLEDROP_TEST_CA_FILE=$D/tls/ca.pem AWS_CA_BUNDLE=$D/tls/ca.pem
  /usr/bin/python3 "$HERE/sso_test_double_selftest.py"
)
