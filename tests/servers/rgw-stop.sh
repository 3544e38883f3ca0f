#!/bin/bash
# Stops the daemons that rgw-start.sh launched for DIR (and an STS test double or OpenID Provider started in DIR), then
# removes DIR. Only processes whose pid was recorded in DIR/run and whose command line still names
# DIR/ceph.conf are signalled, so a recycled pid or another cluster is never touched.
#
# Usage: rgw-stop.sh DIR        (KEEP=1 keeps DIR, e.g. to read its logs)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
D=${1:?usage: rgw-stop.sh DIR}
if [ ! -f "$D/ceph.conf" ]; then
  echo "rgw-stop: no cluster in $D"
  exit 0
fi
D=$(cd "$D" && pwd)

if [ -f "$D/sts-double/pid" ]; then
  "$HERE/sts-double-stop.sh" "$D"
fi
if [ -f "$D/oidc-provider/pid" ]; then
  "$HERE/oidc-provider-stop.sh" "$D"
fi
if [ -f "$D/fault-proxy/pid" ]; then
  "$HERE/fault-proxy-stop.sh" "$D"
fi

# Reverse start order: clients of the mon go before the mon.
for name in rgw osd.0 mgr.x mon.a; do
  pidfile=$D/run/$name.pidfile
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-c $D/ceph.conf "; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "rgw-stop: $name (pid $pid) ignored SIGTERM for 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$pidfile"
done

if [ "${KEEP:-0}" = 1 ]; then
  echo "stopped (kept $D)"
else
  rm -rf "$D"
  echo "stopped"
fi
