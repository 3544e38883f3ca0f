#!/bin/bash
# Installs every Debian package RoleDrop's build, tests and demo need (Debian 12), then the npm packages
# of tests/package.json (the SigV4 test suite data; oidc-provider, the test OpenID Provider, which needs
# Node.js 20.18 or later). A second run is fast: apt is skipped when dpkg already has every package, npm
# when tests/node_modules matches the lock file.
#
# Usage: tests/install-deps.sh        (as root, or a user with sudo)
set -euo pipefail
TESTS=$(cd "$(dirname "$0")" && pwd)

PACKAGES=(
  build-essential cmake                                             # toolchain
  clang clang-14 libclang-rt-14-dev                                 # clang++: libFuzzer, the --sanitize build
  qt6-base-dev qt6-networkauth-dev qt6-httpserver-dev qt6-svg-dev libgl-dev qtkeychain-qt6-dev libssl-dev
  qt6-l10n-tools qt6-tools-dev                                      # lrelease: the English plural forms
  libisal-dev pkg-config                                            # Intel ISA-L: CRC-32 and CRC-32C checksums
  gnome-keyring dbus dbus-x11 libsecret-tools                       # a real Secret Service for QtKeychain
  xvfb xauth                                                        # widgets under a virtual X server
  ceph-mon ceph-osd radosgw ceph-common uuid-runtime jq curl        # the Ceph RGW test server
  openssl ca-certificates                                           # the test CA (https) and the system's CAs
  tinyproxy                                                         # a real forward proxy (e2e proxy_test)
  python3 python3-botocore python3-crcmod awscli                    # STS + S3 test double (CRCs), world checks
  python3-cryptography                                              # the double verifies ID tokens (JWKS)
)
# Node may come from elsewhere than Debian (NodeSource ships npm inside its nodejs): only fill the gaps.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

installed=" $(dpkg-query -W -f='${Package}=${db:Status-Status} ' "${PACKAGES[@]}" 2>/dev/null || true) "
missing=()
for p in "${PACKAGES[@]}"; do
  [[ $installed == *" $p=installed "* ]] || missing+=("$p")
done

SUDO=()
[ "$(id -u)" = 0 ] || SUDO=(sudo)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  log=$(mktemp)
  if ! { "${SUDO[@]}" apt-get update -qq &&
         "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
           "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    echo "install-deps: apt-get failed" >&2
    exit 1
  fi
  rm -f "$log"
else
  echo "install-deps: all ${#PACKAGES[@]} Debian packages present"
fi

if [ -f "$TESTS/package.json" ]; then
  stamp=$TESTS/node_modules/.package-lock.json   # npm rewrites it on every install
  if [ -f "$stamp" ] && [ "$stamp" -nt "$TESTS/package.json" ] &&
     { [ ! -f "$TESTS/package-lock.json" ] || [ "$stamp" -nt "$TESTS/package-lock.json" ]; }; then
    echo "install-deps: tests/node_modules up to date"
  else
    echo "install-deps: npm packages of tests/"
    if [ -f "$TESTS/package-lock.json" ]; then
      (cd "$TESTS" && npm ci --no-audit --no-fund --loglevel=error)
    else
      (cd "$TESTS" && npm install --no-audit --no-fund --loglevel=error)
    fi
  fi
fi
