#!/bin/bash
# RoleDrop's one test command. Installs what is missing, builds, starts the test servers (Ceph RGW with the
# seeded world, the test OpenID Provider, the STS test double and the IAM Identity Center test double) and runs the
# doubles' self-tests and ctest inside a private D-Bus session with an unlocked gnome-keyring, all under a throwaway
# HOME. The servers are always stopped and the throwaway directories removed on exit, Ctrl-C or SIGTERM.
# The servers speak https with certificates from a CA made for the run (tests/servers/make-test-ca.sh): the
# ROLEDROP_TEST_* endpoints are https, ROLEDROP_TEST_CA_FILE is that CA, and the tests' processes get it as
# AWS_CA_BUNDLE (as a user trusts a private CA); ROLEDROP_TEST_S3_HTTP_ENDPOINT is RGW over plain http.
#
# Usage: tests/run-tests.sh [--unit-only] [--sanitize] [--skip-deps] [--build-only] [CTEST ARGS...]
#   e.g. tests/run-tests.sh -L unit
#   --unit-only   start no server and run only the tests labelled unit (quick local runs); builds only those
#   --sanitize    build with AddressSanitizer + UndefinedBehaviorSanitizer (clang, in build-sanitize/) and fail
#                 on any finding: memory errors, leaks, undefined behaviour
#   --skip-deps   do not run tests/install-deps.sh
#   --build-only  build, then stop (CI builds the sanitizer build while the main suite runs)
# Environment: BUILD_DIR (default: build, or build-sanitize), ROLEDROP_KEEP_TEST_DIR=1 keeps the throwaway dir.
# Exit status: ctest's, or that of the phase that failed before it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERVERS_BIN=$ROOT/tests/servers
cd "$ROOT"

UNIT_ONLY=0
SANITIZE=0
SKIP_DEPS=0
BUILD_ONLY=0
CTEST_ARGS=()
for arg in "$@"; do
  case $arg in
    --unit-only) UNIT_ONLY=1 ;;
    --sanitize) SANITIZE=1 ;;
    --skip-deps) SKIP_DEPS=1 ;;
    --build-only) BUILD_ONLY=1 ;;
    *) CTEST_ARGS+=("$arg") ;;
  esac
done
[ $UNIT_ONLY = 0 ] || CTEST_ARGS=(-L unit "${CTEST_ARGS[@]}")
if [ $SANITIZE = 1 ]; then BUILD_DIR=${BUILD_DIR:-build-sanitize}; else BUILD_DIR=${BUILD_DIR:-build}; fi

PHASE=
PHASE_START=0
begin() { PHASE=$1; PHASE_START=$(date +%s%N); echo "=== [$PHASE]"; }
end() {
  local ms=$((($(date +%s%N) - PHASE_START) / 1000000))
  printf '=== [%s] %d.%d s\n' "$PHASE" $((ms / 1000)) $((ms % 1000 / 100))
}

WORK=
SERVERS=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$SERVERS" ]; then
    "$SERVERS_BIN/sso-double-stop.sh" "$SERVERS" >/dev/null 2>&1 || true
    "$SERVERS_BIN/sts-double-stop.sh" "$SERVERS" >/dev/null 2>&1 || true
    "$SERVERS_BIN/oidc-provider-stop.sh" "$SERVERS" >/dev/null 2>&1 || true
    KEEP=${ROLEDROP_KEEP_TEST_DIR:-0} "$SERVERS_BIN/rgw-stop.sh" "$SERVERS" >/dev/null 2>&1 || true
  fi
  if [ -n "$WORK" ]; then
    if [ "${ROLEDROP_KEEP_TEST_DIR:-0}" = 1 ]; then echo "run-tests: kept $WORK" >&2; else rm -rf "$WORK"; fi
  fi
  [ $rc = 0 ] || echo "run-tests: FAILED (exit $rc) in phase '$PHASE'" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ $SKIP_DEPS = 0 ]; then
  begin install-deps
  "$ROOT/tests/install-deps.sh"
  end
fi

begin build
if [ $SANITIZE = 1 ]; then
  # clang at -O1: GCC with -fsanitize=undefined takes four times as long to compile (core/session/session.cpp:
  # 158 s against clang's 37 s on 2 cores), and Debug keeps Qt's and RoleDrop's assertions on. Configured as
  # tests/run-fuzz.sh configures its build, so that `BUILD_DIR=build-sanitize tests/run-fuzz.sh` builds the fuzz
  # targets on this same instrumented core (CI builds core/ once for both).
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DROLEDROP_BUILD_FUZZERS=ON -DROLEDROP_BUILD_TESTS=ON -DROLEDROP_SANITIZE=ON >/dev/null
else
  # Line tables (-g1) are all a test's crash stack needs; full debug info costs a quarter more build time.
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
    -DROLEDROP_BUILD_TESTS=ON -DROLEDROP_SANITIZE=OFF >/dev/null
fi
if [ $UNIT_ONLY = 1 ]; then
  cmake --build "$BUILD_DIR" -j2 --target roledrop_unit_tests
else
  cmake --build "$BUILD_DIR" -j2
fi
end
[ $BUILD_ONLY = 0 ] || exit 0
if [ $SANITIZE = 1 ]; then
  # Stop at the first finding, with its stack. No leak is suppressed: the suites run clean as they are.
  export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi

# A throwaway HOME and XDG dirs: tests write settings and keyrings, never the developer's.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/roledrop-tests.XXXXXX")
export HOME=$WORK/home
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share XDG_CACHE_HOME=$HOME/.cache
export XDG_RUNTIME_DIR=$WORK/runtime
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# A developer's own AWS settings must not reach the tests.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE \
  AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_CA_BUNDLE
export QT_QPA_PLATFORM=offscreen

ENV_FILE=/dev/null
if [ $UNIT_ONLY = 0 ]; then
  begin "start Ceph RGW"
  SERVERS=$WORK/servers
  RGW_DEFAULT_ENDPOINT=https "$SERVERS_BIN/rgw-start.sh" "$SERVERS"
  end
  begin "start test OpenID Provider"   # before the world (RGW's OIDC provider) and the STS double, which trust it
  "$SERVERS_BIN/oidc-provider-start.sh" "$SERVERS"
  end
  begin "seed world"
  "$SERVERS_BIN/seed-world.sh" "$SERVERS"
  end
  begin "start STS test double"
  "$SERVERS_BIN/sts-double-start.sh" "$SERVERS"
  end
  begin "start SSO test double"
  "$SERVERS_BIN/sso-double-start.sh" "$SERVERS"   # after the STS double: its GetRoleCredentials keys come from it
  end
  ENV_FILE=$SERVERS/env
fi

# Inside the private session bus: unlock a fresh keyring (without it a prompt would hang the tests), load
# the servers' addresses, self-test the doubles, then ctest. The inner exit status is ctest's.
INNER='
printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
. "$ENV_FILE"
[ -z "${ROLEDROP_TEST_CA_FILE:-}" ] || export AWS_CA_BUNDLE="$ROLEDROP_TEST_CA_FILE"
now() { date +%s%N; }
took() { ms=$((($(now) - $1) / 1000000)); printf "=== [%s] %d.%d s\n" "$2" $((ms / 1000)) $((ms % 1000 / 100)); }
if [ "$UNIT_ONLY" = 0 ]; then
  echo "=== [STS double self-test]"; t=$(now)
  /usr/bin/python3 "$SERVERS_BIN/sts_test_double_selftest.py" >"$WORK/selftest.log" 2>&1 || {
    cat "$WORK/selftest.log"; echo "run-tests: the STS test double failed its self-test" >&2; exit 3; }
  tail -n 1 "$WORK/selftest.log"
  took "$t" "STS double self-test"
  echo "=== [SSO double self-test]"; t=$(now)
  /usr/bin/python3 "$SERVERS_BIN/sso_test_double_selftest.py" >"$WORK/sso-selftest.log" 2>&1 || {
    cat "$WORK/sso-selftest.log"; echo "run-tests: the IAM Identity Center test double failed its self-test" >&2; exit 3; }
  tail -n 1 "$WORK/sso-selftest.log"
  took "$t" "SSO double self-test"
fi
echo "=== [ctest]"; t=$(now)
rc=0
ctest --test-dir "$BUILD_DIR" --output-on-failure "$@" || rc=$?
took "$t" ctest
exit $rc
'
PHASE="tests in a D-Bus session"
export ENV_FILE UNIT_ONLY SERVERS_BIN WORK BUILD_DIR
rc=0
dbus-run-session -- sh -c "$INNER" sh "${CTEST_ARGS[@]}" || rc=$?
PHASE=ctest
exit $rc
