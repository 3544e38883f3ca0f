#!/bin/bash
# Starts the IAM IDENTITY CENTER TEST DOUBLE (sso_test_double.py) in the background on a free 127.0.0.1 port, waits
# until it answers, and appends ROLEDROP_TEST_SSO_* lines (OIDC and portal endpoint, start URL, region, the world's
# users and passwords, account ids and names, role names) to DIR/env. Its files live in DIR/sso-double/ (pid, port,
# log). Stop it with sso-double-stop.sh DIR.
#
# It serves https when DIR/tls/ holds make-test-ca.sh's certificates, as sts-double-start.sh does; SSO_DOUBLE_TLS=0
# serves plain http. GetRoleCredentials mints its keys with sts:AssumeRole at the STS double that
# sts-double-start.sh DIR started (its endpoint and james's keys are read from DIR/env, its certificate checked
# against DIR/tls/ca.pem), so start that one first. SSO_DOUBLE_STS_ENDPOINT, SSO_DOUBLE_STS_ACCESS_KEY and
# SSO_DOUBLE_STS_SECRET_KEY name another STS; without any, GetRoleCredentials answers 500.
#
# Usage: sso-double-start.sh DIR      (SSO_DOUBLE_WORLD=file.json picks another world)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
D=${1:?usage: sso-double-start.sh DIR}
WORLD=${SSO_DOUBLE_WORLD:-$HERE/sso_double_world.json}
PY=/usr/bin/python3   # Debian's, with python3-botocore; a pyenv python3 on PATH has another botocore
mkdir -p "$D"
D=$(cd "$D" && pwd)
S=$D/sso-double
if [ -f "$S/pid" ] && kill -0 "$(cat "$S/pid")" 2>/dev/null; then
  echo "sso-double-start: a double already runs for $D (pid $(cat "$S/pid"))" >&2
  exit 1
fi
rm -rf "$S"
mkdir -p "$S"
TLS_ARGS=()
SCHEME=http
CA_FILE=
if [ "${SSO_DOUBLE_TLS:-1}" != 0 ] && [ -f "$D/tls/server.pem" ] && [ -f "$D/tls/server.key" ]; then
  TLS_ARGS=(--tls-cert "$D/tls/server.pem" --tls-key "$D/tls/server.key")
  SCHEME=https
  CA_FILE=$D/tls/ca.pem
fi

# The STS behind: what the caller names, else the STS double of DIR/env (read in a subshell: DIR/env is not ours).
env_value() { [ -f "$D/env" ] && (set +u; . "$D/env"; eval "printf '%s' \"\${$1:-}\"") || true; }
STS_ENDPOINT=${SSO_DOUBLE_STS_ENDPOINT:-$(env_value ROLEDROP_TEST_STS_DOUBLE_ENDPOINT)}
STS_ARGS=()
if [ -n "$STS_ENDPOINT" ]; then
  export SSO_DOUBLE_STS_ACCESS_KEY=${SSO_DOUBLE_STS_ACCESS_KEY:-$(env_value ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY)}
  export SSO_DOUBLE_STS_SECRET_KEY=${SSO_DOUBLE_STS_SECRET_KEY:-$(env_value ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET)}
  STS_ARGS=(--sts-endpoint "$STS_ENDPOINT")
  if [ "${STS_ENDPOINT#https://}" != "$STS_ENDPOINT" ] && [ -f "$D/tls/ca.pem" ]; then
    STS_ARGS+=(--ca-file "$D/tls/ca.pem")
  fi
fi

"$PY" "$HERE/sso_test_double.py" --world "$WORLD" --port-file "$S/port" "${TLS_ARGS[@]}" "${STS_ARGS[@]}" \
  </dev/null >"$S/stdout" 2>"$S/log" &
echo $! >"$S/pid"

fail() {
  echo "sso-double-start: FAILED: $*" >&2
  tail -n 20 "$S/stdout" "$S/log" >&2 || true
  "$HERE/sso-double-stop.sh" "$D" >/dev/null 2>&1 || true
  exit 1
}
reason=$("$HERE/wait-until-answers.sh" "$S" "$SCHEME" "${CA_FILE:-}" 2>&1) || fail "$reason"
ENDPOINT=$SCHEME://127.0.0.1:$(cat "$S/port")

touch "$D/env"
sed -i -E '/^export ROLEDROP_TEST_SSO_/d; /^# Written by tests\/servers\/sso-double-start.sh/d' "$D/env"
{
  echo "# Written by tests/servers/sso-double-start.sh: the IAM Identity Center TEST DOUBLE and its fixed test-only world."
  "$PY" "$HERE/sso_test_double.py" --world "$WORLD" --print-env "$ENDPOINT"
} >>"$D/env"
echo "READY sso-test-double (SSO OIDC + portal) endpoint=$ENDPOINT sts=${STS_ENDPOINT:-none} pid=$(cat "$S/pid")"
