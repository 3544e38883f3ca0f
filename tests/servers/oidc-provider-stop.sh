#!/bin/bash
# Stops the test OpenID Provider that oidc-provider-start.sh started for DIR (only if the recorded pid is still
# that provider), removes DIR/oidc-provider and its lines from DIR/env.
#
# Usage: oidc-provider-stop.sh DIR
set -uo pipefail
D=${1:?usage: oidc-provider-stop.sh DIR}
S=$D/oidc-provider
if [ ! -f "$S/pid" ]; then
  echo "oidc-provider-stop: no provider recorded in $D"
  exit 0
fi
pid=$(cat "$S/pid")
if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "oidc_test_provider.mjs" \
   && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$S/port"; then
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
fi
rm -rf "$S"
[ -f "$D/env" ] && sed -i -E '/^export ROLEDROP_TEST_OIDC_/d; /^# Written by tests\/servers\/oidc-provider-start.sh/d' "$D/env"
echo "stopped oidc-test-provider"
