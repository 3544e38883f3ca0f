#!/bin/bash
# Stops the IAM Identity Center test double that sso-double-start.sh started for DIR (only if the recorded pid is
# still that double), removes DIR/sso-double and its lines from DIR/env.
#
# Usage: sso-double-stop.sh DIR
set -uo pipefail
D=${1:?usage: sso-double-stop.sh DIR}
S=$D/sso-double
if [ ! -f "$S/pid" ]; then
  echo "sso-double-stop: no double recorded in $D"
  exit 0
fi
pid=$(cat "$S/pid")
if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "sso_test_double.py" \
   && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$S/port"; then
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
fi
rm -rf "$S"
[ -f "$D/env" ] && sed -i -E '/^export ROLEDROP_TEST_SSO_/d; /^# Written by tests\/servers\/sso-double-start.sh/d' "$D/env"
echo "stopped sso-test-double"
