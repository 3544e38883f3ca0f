#!/bin/bash
# Starts a throwaway single-node Ceph cluster (mon + one OSD + radosgw with STS) on 127.0.0.1 only:
# a real S3 + STS server that checks SigV4 signatures and session tokens, for RoleDrop's e2e tests.
#
# Usage: rgw-start.sh DIR        (DIR is created; stop with rgw-stop.sh DIR)
#
# RGW serves plain http and https (a certificate for 127.0.0.1/localhost from a CA made for this cluster by
# make-test-ca.sh, in DIR/tls/). Writes DIR/env (shell `export` lines: CEPH_CONF, ROLEDROP_TEST_RGW_DIR,
# ROLEDROP_TEST_RGW_PORT, ROLEDROP_TEST_RGW_TLS_PORT, ROLEDROP_TEST_S3_HTTP_ENDPOINT, ROLEDROP_TEST_S3_HTTPS_ENDPOINT,
# ROLEDROP_TEST_S3_ENDPOINT (one of the two, see RGW_DEFAULT_ENDPOINT), ROLEDROP_TEST_CA_FILE, ROLEDROP_TEST_TLS_DIR)
# and prints `READY dir=... endpoint=...`. Ports are picked free at start, so a developer's cluster and CI's can
# run side by side.
#
# Environment knobs:
#   OSD_STORE=bluestore|memstore  bluestore (default) keeps objects in a sparse file on disk; memstore keeps
#                                 every stored byte in RAM, too much for the 4 GiB benchmark uploads.
#   BLUESTORE_BLOCK_SIZE=bytes    size of the sparse OSD file (default 16 GiB; only written blocks use disk)
#   START_TIMEOUT=seconds         how long each daemon may take to come up (default 120)
#   WITH_MGR=0|1                  also start a ceph-mgr (default 0; without one `ceph osd df` etc. hang)
#   RGW_DEFAULT_ENDPOINT=http|https  which one ROLEDROP_TEST_S3_ENDPOINT is (default http, for bench/run-bench.sh;
#                                 tests/run-tests.sh and `roledrop --demo` ask for https)
#   RGW_START_STEPS=0|1           print `STEP ca|mon|osd|rgw` on stdout as each stage begins (default 0;
#                                 `roledrop --demo` shows them while the sandbox starts)
# Needs (Debian 12): ceph-mon ceph-osd radosgw ceph-common uuid-runtime jq curl python3. Runs as root or not.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
D=${1:?usage: rgw-start.sh DIR}
OSD_STORE=${OSD_STORE:-bluestore}
BLUESTORE_BLOCK_SIZE=${BLUESTORE_BLOCK_SIZE:-$((16 << 30))}
START_TIMEOUT=${START_TIMEOUT:-120}
WITH_MGR=${WITH_MGR:-0}
RGW_DEFAULT_ENDPOINT=${RGW_DEFAULT_ENDPOINT:-http}
PORT_BLOCK=43   # mon, rgw, rgw's https, then 40 for the messenger ports of the OSD (and mgr)
case $RGW_DEFAULT_ENDPOINT in http|https) ;; *) echo "rgw-start: RGW_DEFAULT_ENDPOINT must be http or https" >&2; exit 1 ;; esac

for tool in ceph-mon ceph-osd radosgw ceph ceph-authtool monmaptool uuidgen jq curl flock openssl /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "rgw-start: '$tool' is missing (run tests/install-deps.sh)" >&2; exit 1; }
done
if [ -e "$D/ceph.conf" ]; then
  echo "rgw-start: $D already holds a cluster; stop it first with rgw-stop.sh $D" >&2
  exit 1
fi
mkdir -p "$D"
D=$(cd "$D" && pwd)
mkdir -p "$D"/{run,log,crash,mon.a,osd.0}
CONF=$D/ceph.conf
export CEPH_CONF=$CONF
TLS=$D/tls
step() { if [ "${RGW_START_STEPS:-0}" = 1 ]; then echo "STEP $1"; fi; }
step ca
"$HERE/make-test-ca.sh" "$TLS" >/dev/null || { echo "rgw-start: FAILED: could not make the test CA" >&2; exit 1; }

fail() {
  trap - ERR
  echo "rgw-start: FAILED: $*" >&2
  for f in "$D"/log/*; do
    [ -s "$f" ] || continue
    echo "----- tail of $f" >&2
    tail -n 25 "$f" >&2
  done
  # Leave nothing running, but keep DIR so the logs can be read.
  KEEP=1 "$HERE/rgw-stop.sh" "$D" >/dev/null 2>&1 || true
  echo "rgw-start: logs kept in $D/log (remove with: rm -rf $D)" >&2
  exit 1
}
trap 'fail "command failed at line $LINENO"' ERR

# wait_until NAME PIDFILE CHECK...: polls CHECK until it succeeds, the daemon dies, or START_TIMEOUT passes.
wait_until() {
  local name=$1 pidfile=$2; shift 2
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if [ -n "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      fail "$name exited during start-up"
    fi
    [ $SECONDS -lt $deadline ] || fail "$name not ready within ${START_TIMEOUT}s"
    sleep 0.3
  done
}

# Daemons must not inherit the port lock (fd 9) or the caller's stdout: a pipe reader would wait for them.
launch() {
  local name=$1; shift
  "$@" </dev/null >>"$D/log/$name.stderr" 2>&1 9>&- &
  echo $! >"$D/run/$name.pidfile"
}

# Two starts at once could pick the same free ports: serialise them until every daemon has bound its ports.
exec 9>"${TMPDIR:-/tmp}/roledrop-rgw-start.lock"
flock -w 600 9 || fail "another rgw-start.sh held the start lock for 10 minutes"
BASE=$(/usr/bin/python3 "$HERE/free_port_block.py" $PORT_BLOCK) || fail "no free ports"
MON_PORT=$BASE
RGW_PORT=$((BASE + 1))
RGW_TLS_PORT=$((BASE + 2))
OSD_PORT_MIN=$((BASE + 3))
OSD_PORT_MAX=$((BASE + PORT_BLOCK - 1))
FSID=$(uuidgen)
# rgw_sts_key encrypts the session tokens RGW issues; it must be exactly 16 characters.
STS_KEY=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')

cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon_host = [v2:127.0.0.1:$MON_PORT]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv6 = false
ms_bind_msgr1 = false
ms_bind_port_min = $OSD_PORT_MIN
ms_bind_port_max = $OSD_PORT_MAX
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
keyring = $D/\$cluster.\$name.keyring
run_dir = $D/run
admin_socket = $D/run/\$name.asok
log_file = $D/log/\$name.log
pid_file = $D/run/\$name.pid
crash_dir = $D/crash
log_to_stderr = false
err_to_stderr = true
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_max_pg_per_osd = 1000
osd_crush_chooseleaf_type = 0
auth_allow_insecure_global_id_reclaim = false
mon_data_avail_warn = 1
mon_data_avail_crit = 0

[mon]
mon_data = $D/mon.\$id
mon_initial_members = a
mon_cluster_log_file = $D/log/cluster.log

[mgr]
mgr_data = $D/mgr.\$id

[osd]
osd_data = $D/osd.\$id
osd_objectstore = $OSD_STORE
memstore_device_bytes = 8589934592
bluestore_block_path = $D/osd.\$id/block.file
bluestore_block_size = $BLUESTORE_BLOCK_SIZE
bluestore_block_create = true
bluestore_fsck_on_mkfs = false
bluestore_fsck_on_mount = false
osd_memory_target = 1073741824
bluestore_cache_autotune = false
bluestore_cache_size = 268435456

[client.rgw.roledrop]
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT ssl_endpoint=127.0.0.1:$RGW_TLS_PORT ssl_certificate=$TLS/server.pem ssl_private_key=$TLS/server.key
rgw_dns_name = 127.0.0.1
rgw_sts_key = $STS_KEY
rgw_s3_auth_use_sts = true
# AssumeRoleWithWebIdentity: RGW fetches the OpenID provider's keys over https with libcurl, which trusts only the
# system's CA path (no CA file can be named). The test provider's certificate is from the run's test CA, so RGW
# does not check it on that fetch; the ID token's signature is still checked against the key it fetched.
rgw_verify_ssl = false
rgw_thread_pool_size = 64
rgw_enable_usage_log = false
EOF

ceph_q() { timeout 15 ceph --connect-timeout 5 "$@"; }

# --- keys
ceph-authtool --create-keyring "$D/ceph.mon..keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool --create-keyring "$D/ceph.client.admin.keyring" --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
ceph-authtool "$D/ceph.mon..keyring" --import-keyring "$D/ceph.client.admin.keyring" >/dev/null
cp "$D/ceph.mon..keyring" "$D/ceph.mon.a.keyring"

# --- mon
step mon
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$D/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$D/monmap" --keyring "$D/ceph.mon..keyring" >>"$D/log/mon.a.stderr" 2>&1
launch mon.a ceph-mon -c "$CONF" -i a -f
wait_until "ceph-mon" "$D/run/mon.a.pidfile" ceph_q mon stat

# --- mgr (optional)
if [ "$WITH_MGR" = 1 ]; then
  mkdir -p "$D/mgr.x"
  ceph_q auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' -o "$D/ceph.mgr.x.keyring"
  launch mgr.x ceph-mgr -c "$CONF" -i x -f
fi

# --- osd
step osd
osd_up() { [ "$(ceph_q osd dump -f json | jq '[.osds[] | select(.up == 1)] | length')" = 1 ]; }
OSD_UUID=$(uuidgen)
OSD_KEY=$(ceph-authtool --gen-print-key)
OSD_ID=$(echo "{\"cephx_secret\": \"$OSD_KEY\"}" | ceph_q osd new "$OSD_UUID" -i -)
[ "$OSD_ID" = 0 ] || fail "expected osd id 0, got '$OSD_ID'"
ceph-authtool --create-keyring "$D/ceph.osd.0.keyring" --name osd.0 --add-key "$OSD_KEY" >/dev/null
ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$OSD_UUID" </dev/null >>"$D/log/osd.0.stderr" 2>&1 9>&- \
  || fail "ceph-osd --mkfs failed"
launch osd.0 ceph-osd -c "$CONF" -i 0 -f
wait_until "ceph-osd" "$D/run/osd.0.pidfile" osd_up

# --- radosgw
step rgw
ceph_q auth get-or-create client.rgw.roledrop mon 'allow rw' osd 'allow rwx' mgr 'allow rw' \
  -o "$D/ceph.client.rgw.roledrop.keyring"
launch rgw radosgw -c "$CONF" -n client.rgw.roledrop -f
wait_until "radosgw" "$D/run/rgw.pidfile" curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$RGW_PORT/"
wait_until "radosgw (https)" "$D/run/rgw.pidfile" curl -sf -o /dev/null --max-time 5 --cacert "$TLS/ca.pem" \
  "https://127.0.0.1:$RGW_TLS_PORT/"
flock -u 9
exec 9>&-
trap - ERR

HTTP_ENDPOINT=http://127.0.0.1:$RGW_PORT
HTTPS_ENDPOINT=https://127.0.0.1:$RGW_TLS_PORT
if [ "$RGW_DEFAULT_ENDPOINT" = https ]; then ENDPOINT=$HTTPS_ENDPOINT; else ENDPOINT=$HTTP_ENDPOINT; fi
cat >"$D/env" <<EOF
# Written by tests/servers/rgw-start.sh; source it to reach this cluster.
export CEPH_CONF='$CONF'
export ROLEDROP_TEST_RGW_DIR='$D'
export ROLEDROP_TEST_RGW_PORT=$RGW_PORT
export ROLEDROP_TEST_RGW_TLS_PORT=$RGW_TLS_PORT
export ROLEDROP_TEST_S3_HTTP_ENDPOINT='$HTTP_ENDPOINT'
export ROLEDROP_TEST_S3_HTTPS_ENDPOINT='$HTTPS_ENDPOINT'
export ROLEDROP_TEST_S3_ENDPOINT='$ENDPOINT'
export ROLEDROP_TEST_CA_FILE='$TLS/ca.pem'
export ROLEDROP_TEST_TLS_DIR='$TLS'
EOF
echo "READY dir=$D endpoint=$ENDPOINT http=$HTTP_ENDPOINT https=$HTTPS_ENDPOINT ca=$TLS/ca.pem conf=$CONF store=$OSD_STORE (${SECONDS}s)"
