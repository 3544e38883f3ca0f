#!/bin/bash
# Seeds the cluster started by rgw-start.sh with the world of the AWS "switch to a role" tutorial:
#   user  owner  AKIAOWNERRGW7EXAMPLE / Ow9rTq2LsX/VbK7MDENG+pRgwOwnerKEY3zE8xQa   owns bucket `data`
#   user  james  AKIAJAMESRGW7EXAMPLE / Jm4sWz8PkR/XnK7MDENG+bRgwJamesKEY5tY2vLc   no rights on `data`
#   bucket data, object owner-file.txt = "hello\n"
#   role  S3Access    james may assume it; s3:* on data and data/*           (max session 3600 s)
#   role  S3ReadOnly  james may assume it; s3:Get* and s3:List* on data        (max session 3600 s)
#   role  LongRole    like S3Access with a max session duration of 43200 s (made through RGW's IAM API,
#                     since radosgw-admin 16.2 cannot set it; owner holds the `roles=*` cap for that)
#   with the test OpenID Provider (oidc-provider-start.sh DIR ran first: ROLEDROP_TEST_OIDC_ISSUER in DIR/env):
#   OIDC provider  its issuer, client ids roledrop-test-app and roledrop-test-es256, the thumbprint of its
#                  signing key's certificate (made through RGW's IAM API by owner, who holds `oidc-provider=*`)
#   role  WebIdentityS3Access  ID tokens of that provider for subject ada-lovelace-1815; s3:* on data (3600 s)
# These keys are fixed, public test fixtures of a loopback-only throwaway cluster, never real secrets.
# Appends ROLEDROP_TEST_{OWNER,JAMES}_{KEY,SECRET}, ROLEDROP_TEST_ROLE_{S3ACCESS,READONLY,LONG} (and
# ROLEDROP_TEST_ROLE_WEB_IDENTITY) and ROLEDROP_TEST_BUCKET to DIR/env. Safe to run again on the same cluster.
#
# Usage: seed-world.sh DIR
set -euo pipefail
D=${1:?usage: seed-world.sh DIR}
[ -f "$D/env" ] || { echo "seed-world: $D/env missing: start the cluster with rgw-start.sh first" >&2; exit 1; }
# shellcheck disable=SC1091
. "$D/env"

OWNER_KEY=AKIAOWNERRGW7EXAMPLE
OWNER_SECRET=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
JAMES_KEY=AKIAJAMESRGW7EXAMPLE
JAMES_SECRET=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
BUCKET=data

# A developer's ~/.aws or AWS_* variables must not leak into the calls.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CA_BUNDLE AWS_ENDPOINT_URL 2>/dev/null || true
# RGW's https certificate comes from the cluster's own test CA (rgw-start.sh): aws trusts it through AWS_CA_BUNDLE.
[ -z "${ROLEDROP_TEST_CA_FILE:-}" ] || export AWS_CA_BUNDLE=$ROLEDROP_TEST_CA_FILE
as_owner() {
  AWS_ACCESS_KEY_ID=$OWNER_KEY AWS_SECRET_ACCESS_KEY=$OWNER_SECRET \
    /usr/bin/aws --endpoint-url "$ROLEDROP_TEST_S3_ENDPOINT" "$@"
}

# radosgw-admin prints the user's keys: its output is dropped so secrets stay out of logs.
ensure_user() {
  local uid=$1 name=$2 key=$3 secret=$4
  if radosgw-admin user info --uid="$uid" >/dev/null 2>&1; then
    radosgw-admin key create --uid="$uid" --key-type=s3 --access-key="$key" --secret-key="$secret" >/dev/null
  else
    radosgw-admin user create --uid="$uid" --display-name="$name" --access-key="$key" --secret-key="$secret" >/dev/null
  fi
}

trust_for() { # principal ARN -> trust policy letting it call sts:AssumeRole
  printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["%s"]},"Action":["sts:AssumeRole"]}]}' "$1"
}
permissions() { # action list (JSON) -> permission policy on the bucket and its objects
  printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%s,"Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"]}]}' \
    "$1" "$BUCKET" "$BUCKET"
}

# ensure_role NAME TRUST PERMISSIONS MAX_SESSION_SECONDS
ensure_role() {
  local name=$1 trust=$2 perms=$3 max=$4
  if radosgw-admin role get --role-name="$name" >/dev/null 2>&1; then
    radosgw-admin role modify --role-name="$name" --assume-role-policy-doc="$trust" >/dev/null
  elif [ "$max" = 3600 ]; then
    radosgw-admin role create --role-name="$name" --path=/ --assume-role-policy-doc="$trust" >/dev/null
  else
    as_owner iam create-role --role-name "$name" --path / --assume-role-policy-document "$trust" \
      --max-session-duration "$max" >/dev/null
  fi
  radosgw-admin role-policy put --role-name="$name" --policy-name="${name}Policy" --policy-doc="$perms" >/dev/null
  local got
  got=$(radosgw-admin role get --role-name="$name" | jq -r '.MaxSessionDuration')
  [ "$got" = "$max" ] || { echo "seed-world: role $name has max session $got, wanted $max" >&2; exit 1; }
}

ensure_user owner Owner "$OWNER_KEY" "$OWNER_SECRET"
ensure_user james James "$JAMES_KEY" "$JAMES_SECRET"
radosgw-admin caps add --uid=owner --caps="roles=*;oidc-provider=*" >/dev/null

if ! as_owner s3api head-bucket --bucket "$BUCKET" >/dev/null 2>&1; then
  as_owner s3api create-bucket --bucket "$BUCKET" >/dev/null
fi
printf 'hello\n' | as_owner s3 cp - "s3://$BUCKET/owner-file.txt" --only-show-errors

JAMES_TRUST=$(trust_for "arn:aws:iam:::user/james")
ensure_role S3Access "$JAMES_TRUST" "$(permissions '["s3:*"]')" 3600
ensure_role S3ReadOnly "$JAMES_TRUST" "$(permissions '["s3:Get*","s3:List*"]')" 3600
ensure_role LongRole "$JAMES_TRUST" "$(permissions '["s3:*"]')" 43200

WEB_IDENTITY_ENV=
if [ -n "${ROLEDROP_TEST_OIDC_ISSUER:-}" ]; then
  # RGW names the provider (and its condition keys) by the issuer without https://, as IAM does.
  OIDC_HOST=${ROLEDROP_TEST_OIDC_ISSUER#https://}
  THUMBPRINT=$(openssl x509 -in "$D/oidc-provider/rs256.pem" -noout -fingerprint -sha1 | cut -d= -f2 | tr -d :)
  if ! as_owner iam get-open-id-connect-provider --open-id-connect-provider-arn "arn:aws:iam:::oidc-provider/$OIDC_HOST" \
       >/dev/null 2>&1; then
    as_owner iam create-open-id-connect-provider --url "$ROLEDROP_TEST_OIDC_ISSUER" \
      --client-id-list roledrop-test-app roledrop-test-es256 --thumbprint-list "$THUMBPRINT" >/dev/null
  fi
  WEB_TRUST=$(printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":["arn:aws:iam:::oidc-provider/%s"]},"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"StringEquals":{"%s:sub":"ada-lovelace-1815"}}}]}' \
    "$OIDC_HOST" "$OIDC_HOST")
  ensure_role WebIdentityS3Access "$WEB_TRUST" "$(permissions '["s3:*"]')" 3600
  WEB_IDENTITY_ENV="export ROLEDROP_TEST_ROLE_WEB_IDENTITY='arn:aws:iam:::role/WebIdentityS3Access'"
fi

# Replace what an earlier run appended, keep what rgw-start.sh and the STS double wrote.
sed -i -E '/^export ROLEDROP_TEST_(OWNER_|JAMES_|ROLE_|BUCKET=)/d; /^# Written by tests\/servers\/seed-world.sh/d' "$D/env"
cat >>"$D/env" <<EOF
# Written by tests/servers/seed-world.sh: fixed test-only keys of the throwaway cluster.
export ROLEDROP_TEST_OWNER_KEY='$OWNER_KEY'
export ROLEDROP_TEST_OWNER_SECRET='$OWNER_SECRET'
export ROLEDROP_TEST_JAMES_KEY='$JAMES_KEY'
export ROLEDROP_TEST_JAMES_SECRET='$JAMES_SECRET'
export ROLEDROP_TEST_ROLE_S3ACCESS='arn:aws:iam:::role/S3Access'
export ROLEDROP_TEST_ROLE_READONLY='arn:aws:iam:::role/S3ReadOnly'
export ROLEDROP_TEST_ROLE_LONG='arn:aws:iam:::role/LongRole'
export ROLEDROP_TEST_BUCKET='$BUCKET'
$WEB_IDENTITY_ENV
EOF
echo "SEEDED users owner, james; bucket $BUCKET; roles S3Access, S3ReadOnly, LongRole${WEB_IDENTITY_ENV:+, WebIdentityS3Access}"
