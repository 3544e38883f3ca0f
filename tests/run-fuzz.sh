#!/bin/bash
# Builds the libFuzzer targets of tests/fuzz (clang, with ASan and UBSan; core/ instrumented too) and runs
# each for a while on a copy of its seed corpus (tests/fuzz/corpus/<target>/, never written), with its
# dictionary from tests/fuzz/dict/ when it has one. Prints one line per target and exits non-zero if any
# target crashed, leaked, hung or broke one of its properties; the input that did it is kept.
#
# Usage: tests/run-fuzz.sh [SECONDS_PER_TARGET]      default 60; 0 only replays the seeds (a quick check)
#        tests/run-fuzz.sh --build-only               builds the targets and runs none (CI builds ahead)
# Environment: BUILD_DIR (default: build-fuzz), FUZZ_TARGETS="role_arn_fuzz ..." (default: all of them),
#   FUZZ_CXX (default: clang++). Runs, logs and crash inputs go to BUILD_DIR/fuzz-run/<target>/.
# Needs clang and its runtimes (Debian 12: apt-get install clang-14 libclang-rt-14-dev).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

BUILD_ONLY=0
if [ "${1:-}" = --build-only ]; then BUILD_ONLY=1; shift; fi
SECONDS_PER_TARGET=${1:-60}
[[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2; }
# Absolute paths only: a target may change its working directory (local_path_guard_fuzz does, for its
# relative folder), and libFuzzer keeps writing new inputs to the corpus folder while it runs.
BUILD_DIR=$(realpath -m "${BUILD_DIR:-build-fuzz}")
FUZZ_CXX=${FUZZ_CXX:-clang++}
command -v "$FUZZ_CXX" >/dev/null || {
  echo "run-fuzz: $FUZZ_CXX not found (Debian 12: apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }

# One list of targets: the one in tests/fuzz/CMakeLists.txt.
ALL_TARGETS=$(sed -n 's/^roledrop_add_fuzzer(\(.*\)\.cpp)$/\1/p' tests/fuzz/CMakeLists.txt)
TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}

echo "=== [build] $BUILD_DIR"
# Debug, so Q_ASSERT in Qt's inline code (QList::at, QString::at...) and in core/ is on; -O1 keeps it quick. The
# same as tests/run-tests.sh --sanitize configures (which adds ROLEDROP_SANITIZE), so BUILD_DIR=build-sanitize
# builds the fuzz targets on that build's core without compiling it again.
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER="$FUZZ_CXX" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DROLEDROP_BUILD_FUZZERS=ON >/dev/null
cmake --build "$BUILD_DIR" --target roledrop_fuzzers -j"$(nproc)"
[ $BUILD_ONLY = 0 ] || exit 0

# The dictionary each target gets, if any.
dict_for() {
  case $1 in
    s3_response_parser_fuzz | sts_response_parser_fuzz | error_response_parser_fuzz) echo aws_xml ;;
    ini_parser_fuzz | aws_config_file_fuzz) echo aws_ini ;;
    local_path_guard_fuzz) echo object_key ;;
    role_arn_fuzz) echo role_arn ;;
    s3_uri_fuzz) echo s3_uri ;;
    http_date_fuzz) echo http_date ;;
  esac
}

# Errors abort with a stack; UBSan already aborts (-fno-sanitize-recover), this adds its stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:symbolize=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

RUNS=$BUILD_DIR/fuzz-run
failed=0
summary=()
for target in $TARGETS; do
  binary=$BUILD_DIR/tests/fuzz/$target
  [ -x "$binary" ] || { echo "run-fuzz: no target $target" >&2; exit 2; }
  run=$RUNS/$target
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/artifacts"
  cp -R "$ROOT/tests/fuzz/corpus/$target/." "$run/corpus/"
  args=(-print_final_stats=1 -timeout=10 -artifact_prefix="$run/artifacts/")
  if [ "$SECONDS_PER_TARGET" = 0 ]; then args+=(-runs=0); else args+=(-max_total_time="$SECONDS_PER_TARGET"); fi
  dict=$(dict_for "$target")
  [ -z "$dict" ] || args+=(-dict="$ROOT/tests/fuzz/dict/$dict.dict")
  echo "=== [$target] ${SECONDS_PER_TARGET} s"
  rc=0
  "$binary" "${args[@]}" "$run/corpus" >"$run/log" 2>&1 || rc=$?

  final_stat() { sed -n "s/^stat::$1: *//p" "$run/log" | tail -n 1; }
  execs=$(final_stat number_of_executed_units)
  speed=$(final_stat average_exec_per_sec)
  done_line=$(grep -E '^#[0-9]+\s.* cov: [0-9]+ .* corp: ' "$run/log" | tail -n 1 || true)
  units=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$done_line")
  edges=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' <<<"$done_line")
  files=$(find "$run/corpus" -type f | wc -l)
  crash_files=$(find "$run/artifacts" -type f | sort)
  crashes=$(grep -c . <<<"$crash_files" || true)
  line=$(printf '%-28s %5ss  execs %10s  exec/s %7s  cov %5s  corpus %5s units (%s files)  crashes %s' \
    "$target" "$SECONDS_PER_TARGET" "${execs:-?}" "${speed:-?}" "${edges:-?}" "${units:-?}" "$files" "$crashes")
  if [ "$rc" != 0 ] || [ "$crashes" != 0 ]; then
    failed=1
    line+="  FAILED (exit $rc)"
    for f in $crash_files; do line+=$'\n'"    input: $f  (replay: $binary $f)"; done
    line+=$'\n'"    log:   $run/log"
    what=$(grep -m 3 -E 'ERROR: |runtime error: |property broken' "$run/log" || true)
    [ -z "$what" ] || line+=$'\n'"$(sed 's/^/    /' <<<"$what")"
  fi
  echo "$line"
  summary+=("$line")
done

echo "=== [summary] ${SECONDS_PER_TARGET} s per target"
printf '%s\n' "${summary[@]}"
exit $failed
