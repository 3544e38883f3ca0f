#!/bin/bash
# Starts RoleDrop's test OpenID Provider (oidc_test_provider.mjs: npm oidc-provider, a certified implementation)
# in the background on a free 127.0.0.1 port over https, with DIR/tls/server.pem + server.key from the run's test
# CA (make-test-ca.sh; rgw-start.sh makes them, or this script does when they are missing), waits until it
# answers, and appends ROLEDROP_TEST_OIDC_* lines to DIR/env: the issuer, the client ids, the test user and
# password. Its files live in DIR/oidc-provider/ (pid, port, log). Its signing keys exist only in its memory.
# Stop it with oidc-provider-stop.sh DIR.
#
# Usage: oidc-provider-start.sh DIR
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
D=${1:?usage: oidc-provider-start.sh DIR}
mkdir -p "$D"
D=$(cd "$D" && pwd)
S=$D/oidc-provider
if [ -f "$S/pid" ] && kill -0 "$(cat "$S/pid")" 2>/dev/null; then
  echo "oidc-provider-start: a provider already runs for $D (pid $(cat "$S/pid"))" >&2
  exit 1
fi
if [ ! -d "$HERE/../node_modules/oidc-provider" ]; then
  echo "oidc-provider-start: tests/node_modules/oidc-provider is missing: run tests/install-deps.sh" >&2
  exit 1
fi
[ -f "$D/tls/server.pem" ] && [ -f "$D/tls/server.key" ] || "$HERE/make-test-ca.sh" "$D/tls" >/dev/null
rm -rf "$S"
mkdir -p "$S"

# The RSA signing key with a self-signed certificate of it, for Ceph RGW 16.2 (it checks ID tokens only with the
# x5c certificate of the key). Made for this run, readable only by its owner, removed by the stop script.
(umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -keyout "$S/rs256.key" -out "$S/rs256.pem" -days 2 \
  -subj "/CN=RoleDrop test OpenID Provider signing key" >/dev/null 2>&1) || { echo "oidc-provider-start: openssl failed" >&2; exit 1; }

node "$HERE/oidc_test_provider.mjs" --cert "$D/tls/server.pem" --key "$D/tls/server.key" --port-file "$S/port" \
  --rsa-key "$S/rs256.key" --rsa-cert "$S/rs256.pem" </dev/null >"$S/stdout" 2>"$S/log" &
echo $! >"$S/pid"

fail() {
  echo "oidc-provider-start: FAILED: $*" >&2
  tail -n 20 "$S/stdout" "$S/log" >&2 || true
  "$HERE/oidc-provider-stop.sh" "$D" >/dev/null 2>&1 || true
  exit 1
}
deadline=$((SECONDS + 30))
until [ -s "$S/port" ] && curl -sf -o /dev/null --max-time 2 --cacert "$D/tls/ca.pem" \
        "https://127.0.0.1:$(cat "$S/port")/.well-known/openid-configuration"; do
  kill -0 "$(cat "$S/pid")" 2>/dev/null || fail "the provider exited during start-up"
  [ $SECONDS -lt $deadline ] || fail "the provider did not answer within 30 s"
  sleep 0.2
done
ISSUER=https://127.0.0.1:$(cat "$S/port")

touch "$D/env"
sed -i -E '/^export ROLEDROP_TEST_OIDC_/d; /^# Written by tests\/servers\/oidc-provider-start.sh/d' "$D/env"
cat >>"$D/env" <<ENV
# Written by tests/servers/oidc-provider-start.sh: the test OpenID Provider (npm oidc-provider) and its test-only user.
export ROLEDROP_TEST_OIDC_ISSUER=$ISSUER
export ROLEDROP_TEST_OIDC_CLIENT_ID=roledrop-test-app
export ROLEDROP_TEST_OIDC_ES256_CLIENT_ID=roledrop-test-es256
export ROLEDROP_TEST_OIDC_OTHER_CLIENT_ID=roledrop-other-app
export ROLEDROP_TEST_OIDC_REDIRECT_URI=http://127.0.0.1/oauth/callback
export ROLEDROP_TEST_OIDC_USER=ada
export ROLEDROP_TEST_OIDC_PASSWORD=Analytical-Engine-1843
export ROLEDROP_TEST_OIDC_SUBJECT=ada-lovelace-1815
ENV
echo "READY oidc-test-provider issuer=$ISSUER pid=$(cat "$S/pid")"
