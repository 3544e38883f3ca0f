#!/bin/bash
# Whole-process benchmark: RoleDrop's CLI against `aws s3 cp` (awscli v2) and `rclone` on the same local
# Ceph RGW, with the same temporary credentials. Prints a Markdown table and, unless --smoke, writes it to
# bench/RESULTS.md. See bench/README.md.
#
# Usage: bench/run-bench.sh [--sizes 64M,1G,4G] [--runs 3] [--small 1000] [--listing 100000] [--schemes https,http]
#                           [--smoke]
#   --sizes LIST   file sizes to upload and download (suffix K, M or G: binary units)
#   --schemes LIST https, http or both (in that order): every case runs over each, as case names 1G-https,
#                  1G-http; RGW's certificate comes from a CA made for the run, which every tool is given
#                  (AWS_CA_BUNDLE for roledrop and aws, --ca-cert for rclone, curl's CA bundle)
#   --runs N       counted runs per tool and case, after one warm-up run
#   --small N      number of small files (4-64 KiB) in the folder case; 0 skips the case
#   --listing N    objects in the listing the GUI stall measurement loads
#   --smoke        CI: 8M only, 1 counted run, 20 small files, a 1,500-object listing, no micro-benchmarks,
#                  no RESULTS.md (must stay within a few minutes); both schemes
# Runs as root (or with sudo for the package install). Needs about 3x the largest size free in /tmp.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$BENCH/.." && pwd)
SERVERS=$SRC/tests/servers
# BENCH_BUILD_DIR reuses an existing build (CI: the tests' build) instead of a Release one of its own.
BUILD=${BENCH_BUILD_DIR:-$SRC/build-bench}
ROLEDROP=$BUILD/roledrop
TOOLS=(roledrop aws rclone)   # run in this order, alternating: A B C A B C ...

SIZES=64M,1G,4G
RUNS=3
SMALL_COUNT=1000
LISTING_COUNT=100000
SCHEMES=https,http
SMOKE=0

log() { echo "bench [${SECONDS}s]: $*" >&2; }
die() { echo "bench: FAILED: $*" >&2; exit 1; }

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --sizes) SIZES=${2:?--sizes needs a list}; shift 2 ;;
      --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
      --small) SMALL_COUNT=${2:?--small needs a number}; shift 2 ;;
      --listing) LISTING_COUNT=${2:?--listing needs a number}; shift 2 ;;
      --schemes) SCHEMES=${2:?--schemes needs a list}; shift 2 ;;
      --smoke) SMOKE=1; SIZES=8M; RUNS=1; SMALL_COUNT=20; LISTING_COUNT=1500; shift ;;
      -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
      *) die "unknown argument '$1' (see --help)" ;;
    esac
  done
  [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive number"
  [[ $SMALL_COUNT =~ ^[0-9]+$ ]] || die "--small must be a number"
  [[ $LISTING_COUNT =~ ^[1-9][0-9]*$ ]] || die "--listing must be a positive number"
  [[ $SCHEMES =~ ^(https|http)(,(https|http))?$ ]] || die "--schemes must be https, http or both"
}

# to_bytes 64M -> 67108864 (binary units, as the sizes are named in MiB/GiB)
to_bytes() {
  local n=${1%[KkMmGg]} unit=${1: -1}
  [[ $n =~ ^[0-9]+$ ]] || die "bad size '$1'"
  case $unit in
    K|k) echo $((n << 10)) ;; M|m) echo $((n << 20)) ;; G|g) echo $((n << 30)) ;; *) echo "$1" ;;
  esac
}

# ---------------------------------------------------------------- setup

# A fresh Debian 12 machine has none of the peers: install them, then everything the tests need
# (Ceph RGW, Qt, the toolchain) through the project's own script so the lists cannot drift apart.
install_deps() {
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  if ! [ -x /usr/bin/aws ] || ! command -v rclone >/dev/null || ! [ -x /usr/bin/time ] || ! command -v curl >/dev/null \
     || ! [ -f /usr/include/benchmark/benchmark.h ]; then
    log "installing awscli rclone time curl libbenchmark-dev"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      awscli rclone time curl libbenchmark-dev >/dev/null
  fi
  "$SRC/tests/install-deps.sh" >&2
}

build_roledrop() {
  log "building roledrop and the benchmarks in $BUILD"
  if [ -n "${BENCH_BUILD_DIR:-}" ]; then
    cmake -S "$SRC" -B "$BUILD" -DROLEDROP_BUILD_BENCH=ON >/dev/null
  else
    cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DROLEDROP_BUILD_BENCH=ON -DROLEDROP_BUILD_TESTS=OFF >/dev/null
  fi
  cmake --build "$BUILD" -j2 --target roledrop roledrop_gui_stall_bench roledrop_micro_bench >/dev/null
  [ -x "$ROLEDROP" ] || die "no $ROLEDROP after the build"
}

# Everything (server data, source files, downloads) lives under one temp dir that the exit trap removes.
WORK=
RGW=
cleanup() {
  local rc=$?
  if [ -n "$RGW" ] && [ -f "$RGW/ceph.conf" ]; then
    "$SERVERS/rgw-stop.sh" "$RGW" >/dev/null 2>&1 || true
  fi
  [ -z "$WORK" ] || rm -rf "$WORK"
  exit $rc
}

start_server() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/roledrop-bench.XXXXXX")
  RGW=$WORK/rgw
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  log "starting Ceph RGW in $RGW"
  # The sparse OSD file only takes the blocks written; 32 GiB leaves room for 4 GiB objects and their garbage.
  BLUESTORE_BLOCK_SIZE=$((32 << 30)) "$SERVERS/rgw-start.sh" "$RGW" >&2
  "$SERVERS/seed-world.sh" "$RGW" >&2
  # shellcheck disable=SC1091
  . "$RGW/env"
  BUCKET=$ROLEDROP_TEST_BUCKET
}

# use_scheme https|http: the endpoint every tool talks to from now on. Over https each tool verifies RGW's
# certificate against the run's CA, as a user with a private CA would set it up; over http nothing is set.
use_scheme() {
  SCHEME=$1
  if [ "$SCHEME" = https ]; then
    EP=$ROLEDROP_TEST_S3_HTTPS_ENDPOINT
    export AWS_CA_BUNDLE=$ROLEDROP_TEST_CA_FILE CURL_CA_BUNDLE=$ROLEDROP_TEST_CA_FILE
    export RCLONE_CA_CERT=$ROLEDROP_TEST_CA_FILE
  else
    EP=$ROLEDROP_TEST_S3_HTTP_ENDPOINT
    unset AWS_CA_BUNDLE CURL_CA_BUNDLE RCLONE_CA_CERT
  fi
  export RCLONE_CONFIG_BENCH_ENDPOINT=$EP
}

# A developer's ~/.aws, rclone.conf or RoleDrop settings must not change what is measured.
isolate_environment() {
  mkdir -p "$WORK/home"
  export HOME=$WORK/home
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=
  unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN 2>/dev/null || true
  # rclone's remote `bench:` comes from the environment; env_auth reads the same AWS_* variables as the others.
  export RCLONE_CONFIG=$WORK/home/rclone.conf
  export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other
  export RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true RCLONE_CONFIG_BENCH_ENV_AUTH=true
  export RCLONE_CONFIG_BENCH_REGION=us-east-1
}

# All three tools get the SAME temporary credentials, from RoleDrop's own AssumeRole. LongRole allows a
# session long enough for a full run (a 4 GiB run takes longer than S3Access's 1 h maximum); it has the
# same rights on the bucket.
assume_role() {
  local exports
  exports=$(AWS_ACCESS_KEY_ID=$ROLEDROP_TEST_JAMES_KEY AWS_SECRET_ACCESS_KEY=$ROLEDROP_TEST_JAMES_SECRET \
    "$ROLEDROP" assume --role "$ROLEDROP_TEST_ROLE_LONG" --duration 14400 --endpoint-url "$EP" --export) \
    || die "roledrop assume failed"
  eval "$exports"   # export AWS_ACCESS_KEY_ID=..., AWS_SECRET_ACCESS_KEY=..., AWS_SESSION_TOKEN=...
  [ -n "${AWS_SESSION_TOKEN:-}" ] || die "roledrop assume gave no session token"
  log "assumed $ROLEDROP_TEST_ROLE_LONG (temporary credentials shared by all tools)"
}

# ---------------------------------------------------------------- tools

aws_cli() { /usr/bin/aws --endpoint-url "$EP" "$@"; }

# Each sets CMD to the argv of one transfer, so /usr/bin/time measures the tool's process and nothing else.
# Every tool runs with its default concurrency and part size: that is what a user gets.
cmd_upload_file() { # TOOL FILE KEY
  case $1 in
    roledrop) CMD=("$ROLEDROP" upload "$2" "s3://$BUCKET/$3" --endpoint-url "$EP" --path-style --quiet) ;;
    aws) CMD=(/usr/bin/aws --endpoint-url "$EP" s3 cp "$2" "s3://$BUCKET/$3" --only-show-errors) ;;
    rclone) CMD=(env -u AWS_CA_BUNDLE rclone copyto "$2" "bench:$BUCKET/$3" -q) ;;
  esac
}
cmd_download_file() { # TOOL KEY DIR (the file lands as DIR/basename(KEY))
  case $1 in
    roledrop) CMD=("$ROLEDROP" download "s3://$BUCKET/$2" "$3" --endpoint-url "$EP" --path-style --quiet) ;;
    aws) CMD=(/usr/bin/aws --endpoint-url "$EP" s3 cp "s3://$BUCKET/$2" "$3/${2##*/}" --only-show-errors) ;;
    rclone) CMD=(env -u AWS_CA_BUNDLE rclone copyto "bench:$BUCKET/$2" "$3/${2##*/}" -q) ;;
  esac
}
cmd_upload_folder() { # TOOL DIR PREFIX/ (the layout under PREFIX differs by tool; checks count and bytes)
  case $1 in
    roledrop) CMD=("$ROLEDROP" upload "$2" "s3://$BUCKET/$3" --endpoint-url "$EP" --path-style --quiet) ;;
    aws) CMD=(/usr/bin/aws --endpoint-url "$EP" s3 cp --recursive "$2" "s3://$BUCKET/$3" --only-show-errors) ;;
    rclone) CMD=(env -u AWS_CA_BUNDLE rclone copy "$2" "bench:$BUCKET/$3" -q) ;;
  esac
}
cmd_download_folder() { # TOOL PREFIX/ DIR
  case $1 in
    roledrop) CMD=("$ROLEDROP" download "s3://$BUCKET/$2" "$3" --endpoint-url "$EP" --path-style --quiet) ;;
    aws) CMD=(/usr/bin/aws --endpoint-url "$EP" s3 cp --recursive "s3://$BUCKET/$2" "$3" --only-show-errors) ;;
    rclone) CMD=(env -u AWS_CA_BUNDLE rclone copy "bench:$BUCKET/$2" "$3" -q) ;;
  esac
}

# timed TOOL CASE DIRECTION RUN BYTES: runs CMD under /usr/bin/time and appends one line to the results:
# tool case direction run bytes wall_s user_s sys_s maxrss_kib   (run 0 is the warm-up)
timed() {
  local tfile=$WORK/time.out out=$WORK/tool.out
  if ! /usr/bin/time -f '%e %U %S %M' -o "$tfile" "${CMD[@]}" >"$out" 2>&1; then
    tail -n 20 "$out" >&2
    die "$1 $3 of $2 (run $4) failed: ${CMD[*]}"
  fi
  echo "$1 $2 $3 $4 $5 $(tail -n 1 "$tfile")" >>"$RESULTS"
}

# ---------------------------------------------------------------- verification

# A fast wrong transfer must not win: every object and every downloaded file is checked, and a mismatch
# fails the whole bench.
verify_object() { # KEY FILE SHA256
  local size sum url
  # curl streams the object through sha256sum far faster than an aws process would (4 GiB: seconds, not a
  # minute); the URL is presigned, so the server checks the request like any other.
  url=$("$ROLEDROP" presign "s3://$BUCKET/$1" --expires 600 --endpoint-url "$EP" --path-style) \
    || die "cannot presign $1"
  sum=$( { curl -sS --fail -o /dev/fd/3 -w '%{size_download}' "$url" >"$WORK/size" || echo "GET failed"; } 3>&1 \
    | sha256sum | cut -d' ' -f1)
  size=$(cat "$WORK/size")
  [ "$size" = "$(stat -c %s "$2")" ] || die "object $1 has '$size' bytes, the source $(stat -c %s "$2")"
  [ "$sum" = "$3" ] || die "object $1 differs from its source (sha256 $sum)"
}

verify_prefix() { # PREFIX/ DIR: same number of objects and bytes as the folder
  local want got
  want="$(find "$2" -type f | wc -l) $(find "$2" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')"
  got=$(aws_cli s3api list-objects-v2 --bucket "$BUCKET" --prefix "$1" --output json \
    | jq -r '[(.Contents // []) | length, (map(.Size) | add // 0)] | "\(.[0]) \(.[1])"')
  [ "$got" = "$want" ] || die "prefix $1 holds '$got' (objects bytes), the folder '$want'"
}

verify_file() { # FILE SHA256
  [ -f "$1" ] || die "download did not create $1"
  [ "$(sha256sum <"$1" | cut -d' ' -f1)" = "$2" ] || die "downloaded $1 differs from the source"
}

manifest() { (cd "$1" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -r -d '\n' sha256sum); }

verify_folder() { # DIR SOURCE_DIR: same relative paths and contents
  diff <(manifest "$1") <(manifest "$2") >/dev/null || die "downloaded folder $1 differs from $2"
}

# Every run writes to its own key, so a run that uploads nothing cannot pass on an earlier run's object
# (and rclone cannot skip an "identical" one). Big objects are deleted again, and RGW's garbage collector
# (2 h delay by default) run at once, so repeated 4 GiB uploads do not fill the OSD; small ones stay, as
# each aws call costs a second. Outside the timed part.
delete_objects() { # KEY or PREFIX/ BYTES
  [ "$2" -ge $((256 << 20)) ] || return 0
  if [[ $1 == */ ]]; then
    aws_cli s3 rm --recursive "s3://$BUCKET/$1" --only-show-errors
  else
    aws_cli s3 rm "s3://$BUCKET/$1" --only-show-errors
  fi
  radosgw-admin gc process --include-all >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------- cases

make_file() { # NAME BYTES -> $WORK/src/NAME, random content
  mkdir -p "$WORK/src"
  head -c "$2" /dev/urandom >"$WORK/src/$1"
}

make_small_folder() { # COUNT -> $WORK/src/small with files of 4-64 KiB (sizes from a fixed seed)
  mkdir -p "$WORK/src/small"
  /usr/bin/python3 - "$WORK/src/small" "$1" <<'EOF'
import os, random, sys
folder, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(4711)
for i in range(count):
    with open(os.path.join(folder, f"f{i:04d}.bin"), "wb") as f:
        f.write(os.urandom(rng.randint(4 << 10, 64 << 10)))
EOF
}

bench_file_case() { # SIZE_LABEL (over $SCHEME)
  local size=$1 label="$1-$SCHEME" bytes file sum run tool key ref dl
  bytes=$(to_bytes "$size")
  file=$WORK/src/$size.bin
  [ -f "$file" ] || make_file "$size.bin" "$bytes"
  sum=$(sha256sum <"$file" | cut -d' ' -f1)

  log "$label upload: 1 warm-up + $RUNS runs per tool"
  for run in $(seq 0 "$RUNS"); do
    for tool in "${TOOLS[@]}"; do
      key=bench/$SCHEME/$label/$tool-$run.bin
      cmd_upload_file "$tool" "$file" "$key"
      timed "$tool" "$label" upload "$run" "$bytes"
      verify_object "$key" "$file" "$sum"
      delete_objects "$key" "$bytes"
    done
  done

  log "$label download: 1 warm-up + $RUNS runs per tool"
  ref=bench/$SCHEME/$label/source.bin
  aws_cli s3 cp "$file" "s3://$BUCKET/$ref" --only-show-errors
  verify_object "$ref" "$file" "$sum"
  dl=$WORK/dl
  for run in $(seq 0 "$RUNS"); do
    for tool in "${TOOLS[@]}"; do
      rm -rf "$dl" && mkdir -p "$dl"
      cmd_download_file "$tool" "$ref" "$dl"
      timed "$tool" "$label" download "$run" "$bytes"
      verify_file "$dl/source.bin" "$sum"
    done
  done
  rm -rf "$dl"
  delete_objects "$ref" "$bytes"
  # Keep the file for the next scheme, and the largest for the server's ceiling; drop the others to save disk.
  [ "$SCHEME" != "$LAST_SCHEME" ] || [ "$size" = "$LARGEST" ] || rm -f "$file"
}

bench_small_case() { # over $SCHEME
  local label="${SMALL_COUNT}-small-$SCHEME" folder=$WORK/src/small bytes run tool prefix ref dl
  [ -d "$folder" ] || make_small_folder "$SMALL_COUNT"
  bytes=$(find "$folder" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')

  log "$label upload: 1 warm-up + $RUNS runs per tool"
  for run in $(seq 0 "$RUNS"); do
    for tool in "${TOOLS[@]}"; do
      prefix=bench/$SCHEME/small/$tool-$run/
      cmd_upload_folder "$tool" "$folder" "$prefix"
      timed "$tool" "$label" upload "$run" "$bytes"
      verify_prefix "$prefix" "$folder"
      delete_objects "$prefix" "$bytes"
    done
  done

  log "$label download: 1 warm-up + $RUNS runs per tool"
  ref=bench/$SCHEME/small/source/
  aws_cli s3 cp --recursive "$folder" "s3://$BUCKET/$ref" --only-show-errors
  verify_prefix "$ref" "$folder"
  dl=$WORK/dl
  for run in $(seq 0 "$RUNS"); do
    for tool in "${TOOLS[@]}"; do
      rm -rf "$dl" && mkdir -p "$dl"
      cmd_download_folder "$tool" "$ref" "$dl"
      timed "$tool" "$label" download "$run" "$bytes"
      verify_folder "$dl" "$folder"
    done
  done
  rm -rf "$dl"
  delete_objects "$ref" "$bytes"
}

# On 2 cores the server competes with the client, so one client's MiB/s may be the server's limit, not
# the client's. Two figures show what the server takes: curl PUTting the file to a presigned URL (an
# unsigned payload: the client does next to nothing), and two RoleDrop clients uploading it at once.
measure_ceiling() {
  local file=$WORK/src/$LARGEST.bin bytes start end url
  bytes=$(stat -c %s "$file")
  log "server ceiling: curl PUT of $LARGEST, then two roledrop clients at once"
  url=$("$ROLEDROP" presign "s3://$BUCKET/bench/ceiling-curl/curl.bin" --put --expires 3600 --endpoint-url "$EP" --path-style)
  start=$EPOCHREALTIME
  curl -sS --fail -T "$file" -o /dev/null "$url" || die "ceiling curl PUT failed"
  end=$EPOCHREALTIME
  echo "curl 1 $bytes $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')" >"$WORK/ceiling.tsv"
  verify_object bench/ceiling-curl/curl.bin "$file" "$(sha256sum <"$file" | cut -d' ' -f1)"
  delete_objects bench/ceiling-curl/curl.bin "$bytes"

  start=$EPOCHREALTIME
  cmd_upload_file roledrop "$file" bench/ceiling/1.bin
  "${CMD[@]}" &
  local first=$!
  cmd_upload_file roledrop "$file" bench/ceiling/2.bin
  "${CMD[@]}" &
  local second=$!
  wait "$first" || die "ceiling upload 1 failed"
  wait "$second" || die "ceiling upload 2 failed"
  end=$EPOCHREALTIME
  local got
  got=$(aws_cli s3api list-objects-v2 --bucket "$BUCKET" --prefix bench/ceiling/ --output json \
    | jq -r '[(.Contents // [])[] | .Size] | map(tostring) | join(" ")')
  [ "$got" = "$bytes $bytes" ] || die "ceiling uploads stored '$got' bytes, wanted two of $bytes"
  echo "roledrop 2 $bytes $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')" >>"$WORK/ceiling.tsv"
  delete_objects bench/ceiling/ "$bytes"
  rm -f "$file"
}

# The real window, offscreen: the GUI thread's longest stall while it uploads a file (1 GiB, or the
# largest size if smaller) and while its browser loads a listing of many objects.
measure_gui_stall() {
  local file count
  file=$WORK/src/gui.bin
  if [ "$(to_bytes "$LARGEST")" -ge $((1 << 30)) ]; then make_file gui.bin $((1 << 30)); else make_file gui.bin "$(to_bytes "$LARGEST")"; fi
  count=$LISTING_COUNT
  log "GUI stall: upload of $(stat -c %s "$file") bytes, listing of $count objects (putting them first)"
  QT_QPA_PLATFORM=offscreen "$BUILD/bench/roledrop_gui_stall_bench" --endpoint "$EP" --bucket "$BUCKET" \
    --upload "$file" --listing-prefix bench/listing/ --listing-count "$count" >"$WORK/gui.txt" 2>"$WORK/gui.err" \
    || { cat "$WORK/gui.err" >&2; die "the GUI stall bench failed"; }
  echo "file $(stat -c %s "$file")" >>"$WORK/gui.txt"
  rm -f "$file"
  delete_objects gui-stall/ "$((1 << 30))"
}

# Google Benchmark figures of the hot paths (signing, payload hashing against raw OpenSSL, listing
# parsing, the browser model); the CI smoke run skips them.
measure_micro() {
  log "micro-benchmarks"
  "$BUILD/bench/roledrop_micro_bench" --benchmark_format=json --benchmark_out="$WORK/micro.json" \
    --benchmark_out_format=json >/dev/null 2>"$WORK/micro.err" || { cat "$WORK/micro.err" >&2; die "micro-benchmarks failed"; }
}

# ---------------------------------------------------------------- report

describe_machine() {
  {
    echo "- CPU: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "- Memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
    echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "- Server: Ceph RGW $(radosgw --version 2>/dev/null | awk '{print $3}') on 127.0.0.1 (bluestore, same machine)"
    echo "- Transport: $SCHEMES (case names end in the scheme); https is RGW's beast frontend with a certificate from a CA made for the run ($(openssl x509 -noout -subject -in "$ROLEDROP_TEST_CA_FILE" 2>/dev/null | sed 's/^subject=//')), verified by every tool"
    echo "- aws: $(/usr/bin/aws --version 2>&1 | awk '{print $1}')"
    echo "- rclone: $(env -u AWS_CA_BUNDLE rclone version 2>/dev/null | head -n 1)"
    echo "- roledrop: $("$ROLEDROP" --version 2>/dev/null | head -n 1) (Release build)"
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); $RUNS counted run(s) per tool and case after 1 warm-up"
  } >"$WORK/machine.md"
}

report() {
  local table=$WORK/report.md
  /usr/bin/python3 "$BENCH/summarize.py" "$RESULTS" "$WORK/machine.md" "$WORK/ceiling.tsv" "$WORK/gui.txt" \
    "$WORK/micro.json" >"$table"
  cat "$table"
  if [ "$SMOKE" = 0 ]; then
    cp "$table" "$BENCH/RESULTS.md"
    log "wrote $BENCH/RESULTS.md"
  fi
}

main() {
  parse_args "$@"
  IFS=, read -r -a SIZE_LIST <<<"$SIZES"
  for s in "${SIZE_LIST[@]}"; do to_bytes "$s" >/dev/null; done
  LARGEST=$(for s in "${SIZE_LIST[@]}"; do echo "$(to_bytes "$s") $s"; done | sort -n | tail -n 1 | cut -d' ' -f2)
  IFS=, read -r -a SCHEME_LIST <<<"$SCHEMES"
  LAST_SCHEME=${SCHEME_LIST[-1]}
  install_deps
  build_roledrop
  start_server
  isolate_environment
  use_scheme "${SCHEME_LIST[0]}"
  assume_role
  RESULTS=$WORK/results.tsv
  : >"$RESULTS"
  # Scheme by scheme, each size (then the small files) with all three tools alternating.
  for scheme in "${SCHEME_LIST[@]}"; do
    use_scheme "$scheme"
    log "--- over $scheme ($EP)"
    for s in "${SIZE_LIST[@]}"; do bench_file_case "$s"; done
    [ "$SMALL_COUNT" = 0 ] || bench_small_case
  done
  # The server's ceiling and the window's stalls: over the first scheme (https unless only http was asked).
  use_scheme "${SCHEME_LIST[0]}"
  measure_ceiling
  measure_gui_stall
  if [ "$SMOKE" = 0 ]; then measure_micro; else echo '{}' >"$WORK/micro.json"; fi
  describe_machine
  report
  log "done in ${SECONDS}s"
}

main "$@"
