#!/bin/bash
# Starts the FAULT-INJECTING TEST PROXY (fault_proxy.py) in the background on free 127.0.0.1 ports, in front of
# the Ceph RGW of DIR (ROLEDROP_TEST_S3_ENDPOINT in DIR/env) or of UPSTREAM, waits until its control API
# answers, and appends ROLEDROP_TEST_FAULT_PROXY_{ENDPOINT,CONTROL} lines to DIR/env. Its files live in
# DIR/fault-proxy/ (pid, port, control-port, log). Stop it with fault-proxy-stop.sh DIR (before rgw-stop.sh).
#
# Usage: fault-proxy-start.sh DIR [UPSTREAM_URL]
#   FAULT_PROXY_ARGS="--tls-cert C --tls-key K"   extra arguments for fault_proxy.py (TLS, --rules FILE, ...)
# In front of an https upstream, with DIR/tls/ from make-test-ca.sh and no FAULT_PROXY_ARGS, the proxy serves https
# itself (DIR/tls/server.pem) and checks the upstream against DIR/tls/ca.pem.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
D=${1:?usage: fault-proxy-start.sh DIR [UPSTREAM_URL]}
PY=/usr/bin/python3
mkdir -p "$D"
D=$(cd "$D" && pwd)
S=$D/fault-proxy
UPSTREAM=${2:-}
if [ -z "$UPSTREAM" ] && [ -f "$D/env" ]; then
  # shellcheck disable=SC1091  # written by rgw-start.sh
  UPSTREAM=$(. "$D/env" && echo "${ROLEDROP_TEST_S3_ENDPOINT:-}")
fi
[ -n "$UPSTREAM" ] || { echo "fault-proxy-start: no upstream (give UPSTREAM_URL or start RGW in $D first)" >&2; exit 1; }
if [ -f "$S/pid" ] && kill -0 "$(cat "$S/pid")" 2>/dev/null; then
  echo "fault-proxy-start: a fault proxy already runs for $D (pid $(cat "$S/pid"))" >&2
  exit 1
fi
rm -rf "$S"
mkdir -p "$S"
if [ -z "${FAULT_PROXY_ARGS:-}" ] && [ "${UPSTREAM#https://}" != "$UPSTREAM" ] && [ -f "$D/tls/server.pem" ]; then
  FAULT_PROXY_ARGS="--tls-cert $D/tls/server.pem --tls-key $D/tls/server.key --upstream-ca $D/tls/ca.pem"
fi

# shellcheck disable=SC2086  # FAULT_PROXY_ARGS is a list of words on purpose
"$PY" "$HERE/fault_proxy.py" --upstream "$UPSTREAM" --port-file "$S/port" --control-port-file "$S/control-port" \
  ${FAULT_PROXY_ARGS:-} </dev/null >"$S/stdout" 2>"$S/log" &
echo $! >"$S/pid"

fail() {
  echo "fault-proxy-start: FAILED: $*" >&2
  tail -n 20 "$S/stdout" "$S/log" >&2 || true
  "$HERE/fault-proxy-stop.sh" "$D" >/dev/null 2>&1 || true
  exit 1
}
deadline=$((SECONDS + 30))
until [ -s "$S/port" ] && [ -s "$S/control-port" ] \
      && curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$(cat "$S/control-port")/health"; do
  kill -0 "$(cat "$S/pid")" 2>/dev/null || fail "the proxy exited during start-up"
  [ $SECONDS -lt $deadline ] || fail "the proxy did not answer within 30 s"
  sleep 0.2
done
SCHEME=http
case " ${FAULT_PROXY_ARGS:-} " in *" --tls-cert "*) SCHEME=https ;; esac
ENDPOINT=$SCHEME://127.0.0.1:$(cat "$S/port")
CONTROL=http://127.0.0.1:$(cat "$S/control-port")

touch "$D/env"
sed -i -E '/^export ROLEDROP_TEST_FAULT_PROXY_/d; /^# Written by tests\/servers\/fault-proxy-start.sh/d' "$D/env"
{
  echo "# Written by tests/servers/fault-proxy-start.sh: the FAULT-INJECTING TEST PROXY in front of $UPSTREAM."
  echo "export ROLEDROP_TEST_FAULT_PROXY_ENDPOINT='$ENDPOINT'"
  echo "export ROLEDROP_TEST_FAULT_PROXY_CONTROL='$CONTROL'"
  echo "export ROLEDROP_TEST_FAULT_PROXY_UPSTREAM='$UPSTREAM'"
} >>"$D/env"
echo "READY fault-proxy endpoint=$ENDPOINT control=$CONTROL upstream=$UPSTREAM pid=$(cat "$S/pid")"
