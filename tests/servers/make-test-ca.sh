#!/bin/bash
# Makes a throwaway certificate authority for one test run, and the certificates the test servers serve with
# it, in DIR (created). Nothing here is trusted by the system: a client trusts the CA only when told to
# (AWS_CA_BUNDLE, a profile's ca_bundle or CA file, --ca-bundle), which is what the tests check.
#
#   ca.pem             the run's CA ("RoleDrop Test CA <time>-<pid>"), valid 30 days; ca.key its key
#   server.pem         for 127.0.0.1 and localhost, signed by the CA, valid 30 days (RGW, the STS double, proxies)
#   expired.pem        the same names, signed by the CA, valid only in January 2020
#   not-yet-valid.pem  the same names, signed by the CA, valid from 2099
#   wrong-name.pem     signed by the CA, for wrong-name.example only (not 127.0.0.1, not localhost)
#   self-signed.pem    for 127.0.0.1 and localhost, signed by nobody but itself
#   other-ca.pem       another CA, unrelated to the servers (a bundle that does not help)
#   server.key         the private key of every server certificate above (one key keeps this fast)
#
# Usage: make-test-ca.sh DIR        prints `CA DIR/ca.pem`; needs openssl. Safe to run again (replaces all).
set -euo pipefail
D=${1:?usage: make-test-ca.sh DIR}
mkdir -p "$D"
D=$(cd "$D" && pwd)
command -v openssl >/dev/null || { echo "make-test-ca: 'openssl' is missing (run tests/install-deps.sh)" >&2; exit 1; }
umask 077
WORK=$(mktemp -d "$D/.make.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# `openssl ca` is what lets a certificate have dates in the past or the future; it wants a small database.
mkdir -p "$WORK/new"
: >"$WORK/index.txt"
echo 1000 >"$WORK/serial"
cat >"$WORK/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
database = $WORK/index.txt
new_certs_dir = $WORK/new
serial = $WORK/serial
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[any_name]
commonName = supplied
organizationName = optional
[local_names]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
[wrong_names]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong-name.example, DNS:*.wrong-name.example
authorityKeyIdentifier = keyid
EOF

STAMP="$(date +%s)-$$"
ca() { # ca NAME "CN": a self-signed CA certificate and key
  openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 30 -keyout "$WORK/$1.key" -out "$WORK/$1.pem" \
    -subj "/O=RoleDrop tests/CN=$2" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1
}
ca ca "RoleDrop Test CA $STAMP"
ca other-ca "RoleDrop Unrelated Test CA $STAMP"
openssl req -new -newkey rsa:2048 -nodes -keyout "$WORK/server.key" -out "$WORK/server.csr" \
  -subj "/O=RoleDrop tests/CN=127.0.0.1" >/dev/null 2>&1
openssl req -new -key "$WORK/server.key" -out "$WORK/wrong.csr" -subj "/O=RoleDrop tests/CN=wrong-name.example" \
  >/dev/null 2>&1

sign() { # sign OUT CSR EXTENSIONS DATES...: a certificate from the CA
  local out=$1 csr=$2 ext=$3; shift 3
  openssl ca -batch -notext -config "$WORK/ca.cnf" -cert "$WORK/ca.pem" -keyfile "$WORK/ca.key" -in "$csr" \
    -out "$WORK/$out" -extensions "$ext" "$@" >/dev/null 2>"$WORK/ca.log" \
    || { cat "$WORK/ca.log" >&2; echo "make-test-ca: signing $out failed" >&2; exit 1; }
}
sign server.pem "$WORK/server.csr" local_names -days 30
sign expired.pem "$WORK/server.csr" local_names -startdate 20200101000000Z -enddate 20200131000000Z
sign not-yet-valid.pem "$WORK/server.csr" local_names -startdate 20990101000000Z -enddate 20991231000000Z
sign wrong-name.pem "$WORK/wrong.csr" wrong_names -days 30
openssl req -x509 -new -key "$WORK/server.key" -sha256 -days 30 -out "$WORK/self-signed.pem" \
  -subj "/O=RoleDrop tests/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1

for f in ca.pem ca.key other-ca.pem server.pem server.key expired.pem not-yet-valid.pem wrong-name.pem self-signed.pem; do
  mv -f "$WORK/$f" "$D/$f"
done
# Certificates are public; the keys stay readable to the owner only (servers run as the same user).
chmod 644 "$D"/*.pem
openssl verify -CAfile "$D/ca.pem" "$D/server.pem" >/dev/null
echo "CA $D/ca.pem"
