#!/bin/bash
# Starts the STS + S3 TEST DOUBLE (sts_test_double.py) in the background on a free 127.0.0.1 port, waits until
# it answers, and appends ROLEDROP_TEST_STS_DOUBLE_* lines (endpoint, the world's keys, ARNs, MFA seed) and
# ROLEDROP_TEST_S3_DOUBLE_* lines (the same endpoint, its bucket, region, minimum part size) to DIR/env. Its
# files live in DIR/sts-double/ (pid, port, log, data/ = the S3 objects). Stop it with sts-double-stop.sh DIR.
#
# It serves https when DIR/tls/ holds make-test-ca.sh's certificates (rgw-start.sh makes them): the endpoint is then
# https://127.0.0.1:PORT, with a certificate from that CA (ROLEDROP_TEST_CA_FILE). STS_DOUBLE_TLS=0 serves plain http.
#
# AssumeRoleWithWebIdentity trusts the test OpenID Provider when oidc-provider-start.sh ran first for DIR (its
# ROLEDROP_TEST_OIDC_ISSUER in DIR/env; STS_DOUBLE_OIDC_ISSUER overrides): it is the world's ${OIDC_ISSUER}.
#
# Usage: sts-double-start.sh DIR      (STS_DOUBLE_WORLD=file.json picks another world)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
D=${1:?usage: sts-double-start.sh DIR}
WORLD=${STS_DOUBLE_WORLD:-$HERE/sts_double_world.json}
PY=/usr/bin/python3   # Debian's, with python3-botocore; a pyenv python3 on PATH has another botocore
mkdir -p "$D"
D=$(cd "$D" && pwd)
S=$D/sts-double
if [ -f "$S/pid" ] && kill -0 "$(cat "$S/pid")" 2>/dev/null; then
  echo "sts-double-start: a double already runs for $D (pid $(cat "$S/pid"))" >&2
  exit 1
fi
rm -rf "$S"
mkdir -p "$S/data"
TLS_ARGS=()
SCHEME=http
CA_FILE=
if [ "${STS_DOUBLE_TLS:-1}" != 0 ] && [ -f "$D/tls/server.pem" ] && [ -f "$D/tls/server.key" ]; then
  TLS_ARGS=(--tls-cert "$D/tls/server.pem" --tls-key "$D/tls/server.key")
  SCHEME=https
  CA_FILE=$D/tls/ca.pem
fi

OIDC_ARGS=()
OIDC_ISSUER=${STS_DOUBLE_OIDC_ISSUER:-$( { sed -n 's/^export ROLEDROP_TEST_OIDC_ISSUER=//p' "$D/env" 2>/dev/null || true; } | tail -n 1)}
if [ -n "$OIDC_ISSUER" ]; then
  OIDC_ARGS=(--oidc-issuer "$OIDC_ISSUER")
  [ ! -f "$D/tls/ca.pem" ] || OIDC_ARGS+=(--oidc-ca-file "$D/tls/ca.pem")
fi

"$PY" "$HERE/sts_test_double.py" --world "$WORLD" --port-file "$S/port" --data-dir "$S/data" "${TLS_ARGS[@]}" \
  "${OIDC_ARGS[@]}" </dev/null >"$S/stdout" 2>"$S/log" &
echo $! >"$S/pid"

fail() {
  echo "sts-double-start: FAILED: $*" >&2
  tail -n 20 "$S/stdout" "$S/log" >&2 || true
  "$HERE/sts-double-stop.sh" "$D" >/dev/null 2>&1 || true
  exit 1
}
reason=$("$HERE/wait-until-answers.sh" "$S" "$SCHEME" "${CA_FILE:-}" 2>&1) || fail "$reason"
ENDPOINT=$SCHEME://127.0.0.1:$(cat "$S/port")

touch "$D/env"
sed -i -E '/^export ROLEDROP_TEST_(STS|S3)_DOUBLE_/d; /^# Written by tests\/servers\/sts-double-start.sh/d' "$D/env"
{
  echo "# Written by tests/servers/sts-double-start.sh: the STS + S3 TEST DOUBLE and its fixed test-only world."
  "$PY" "$HERE/sts_test_double.py" --world "$WORLD" "${OIDC_ARGS[@]}" --print-env "$ENDPOINT"
} >>"$D/env"
echo "READY sts-test-double (STS + S3) endpoint=$ENDPOINT pid=$(cat "$S/pid")"
