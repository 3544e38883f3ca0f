#!/bin/bash
# Stops the fault proxy that fault-proxy-start.sh started for DIR (only if the recorded pid is still that
# proxy), removes DIR/fault-proxy and its lines from DIR/env.
#
# Usage: fault-proxy-stop.sh DIR
set -uo pipefail
D=${1:?usage: fault-proxy-stop.sh DIR}
S=$D/fault-proxy
if [ ! -f "$S/pid" ]; then
  echo "fault-proxy-stop: no fault proxy recorded in $D"
  exit 0
fi
pid=$(cat "$S/pid")
if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "fault_proxy.py" \
   && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$S/port"; then
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
fi
rm -rf "$S"
[ -f "$D/env" ] && sed -i -E '/^export ROLEDROP_TEST_FAULT_PROXY_/d; /^# Written by tests\/servers\/fault-proxy-start.sh/d' "$D/env"
echo "stopped fault-proxy"
