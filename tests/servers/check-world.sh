#!/bin/bash
# Checks with /usr/bin/aws that the world seed-world.sh made behaves as the tests expect.
# Prints one PASS/FAIL line per check and exits non-zero when any check fails.
#
# Usage: check-world.sh DIR
set -uo pipefail
D=${1:?usage: check-world.sh DIR}
# shellcheck disable=SC1091
. "$D/env"
: "${ROLEDROP_TEST_JAMES_KEY:?run seed-world.sh first}"

export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CA_BUNDLE AWS_ENDPOINT_URL 2>/dev/null || true
# RGW's https certificate comes from the cluster's own test CA (rgw-start.sh): aws trusts it through AWS_CA_BUNDLE.
[ -z "${ROLEDROP_TEST_CA_FILE:-}" ] || export AWS_CA_BUNDLE=$ROLEDROP_TEST_CA_FILE
AWS=(/usr/bin/aws --endpoint-url "$ROLEDROP_TEST_S3_ENDPOINT")
B=$ROLEDROP_TEST_BUCKET
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

as_owner() { AWS_ACCESS_KEY_ID=$ROLEDROP_TEST_OWNER_KEY AWS_SECRET_ACCESS_KEY=$ROLEDROP_TEST_OWNER_SECRET "${AWS[@]}" "$@"; }
as_james() { AWS_ACCESS_KEY_ID=$ROLEDROP_TEST_JAMES_KEY AWS_SECRET_ACCESS_KEY=$ROLEDROP_TEST_JAMES_SECRET "${AWS[@]}" "$@"; }
as_session() { # as_session CREDS.json aws-args...: runs aws with the temporary credentials of an AssumeRole answer
  local c=$1; shift
  AWS_ACCESS_KEY_ID=$(jq -r .Credentials.AccessKeyId "$c") \
  AWS_SECRET_ACCESS_KEY=$(jq -r .Credentials.SecretAccessKey "$c") \
  AWS_SESSION_TOKEN=$(jq -r .Credentials.SessionToken "$c") "${AWS[@]}" "$@"
}
# HTTP status of the last request of an aws call: awscli 2.9.19 cannot print RGW's errors (empty <Message/>).
status() { "$@" --debug 2>&1 | grep -oE '" [0-9]{3} ' | tail -1 | tr -d '" '; }

FAILED=0
check() { # check NAME GOT WANT
  if [ "$2" = "$3" ]; then echo "PASS $1"; else echo "FAIL $1: got '$2', want '$3'"; FAILED=1; fi
}

check "owner reads owner-file.txt" "$(as_owner s3 cp "s3://$B/owner-file.txt" -)" hello
if [ -n "${ROLEDROP_TEST_S3_HTTPS_ENDPOINT:-}" ]; then
  # Both of RGW's endpoints serve the same world; https only for a client that trusts the run's CA.
  over() { # over ENDPOINT aws-args...: as owner at that endpoint
    local endpoint=$1; shift
    AWS_ACCESS_KEY_ID=$ROLEDROP_TEST_OWNER_KEY AWS_SECRET_ACCESS_KEY=$ROLEDROP_TEST_OWNER_SECRET \
      /usr/bin/aws --endpoint-url "$endpoint" "$@"
  }
  check "owner reads owner-file.txt over https (the test CA in AWS_CA_BUNDLE)" \
    "$(over "$ROLEDROP_TEST_S3_HTTPS_ENDPOINT" s3 cp "s3://$B/owner-file.txt" -)" hello
  check "owner reads owner-file.txt over plain http" \
    "$(over "$ROLEDROP_TEST_S3_HTTP_ENDPOINT" s3 cp "s3://$B/owner-file.txt" -)" hello
  check "without the test CA, aws refuses RGW's https certificate" \
    "$( (unset AWS_CA_BUNDLE; over "$ROLEDROP_TEST_S3_HTTPS_ENDPOINT" s3 cp "s3://$B/owner-file.txt" - 2>&1) \
       | grep -q -i -E 'CERTIFICATE_VERIFY_FAILED|SSL validation failed' && echo refused)" refused
fi
check "james ListObjectsV2 on $B is denied" "$(status as_james s3api list-objects-v2 --bucket "$B")" 403
check "james GetObject on $B is denied" "$(status as_james s3api get-object --bucket "$B" --key owner-file.txt "$WORK/x")" 403
check "james PutObject on $B is denied" "$(status as_james s3api put-object --bucket "$B" --key james.txt)" 403

as_james sts assume-role --role-arn "$ROLEDROP_TEST_ROLE_S3ACCESS" --role-session-name check-world >"$WORK/s3access.json" 2>"$WORK/err"
check "james assumes S3Access" "$(jq -r .AssumedRoleUser.Arn "$WORK/s3access.json" 2>/dev/null)" \
  "arn:aws:sts:::assumed-role/S3Access/check-world"
check "S3Access session puts an object" \
  "$(printf 'role\n' | as_session "$WORK/s3access.json" s3 cp - "s3://$B/check-world.txt" >/dev/null 2>&1; echo $?)" 0
check "S3Access session lists the bucket" \
  "$(as_session "$WORK/s3access.json" s3api list-objects-v2 --bucket "$B" --query 'Contents[?Key==`check-world.txt`].Key' --output text)" \
  check-world.txt
check "S3Access session reads owner-file.txt" "$(as_session "$WORK/s3access.json" s3 cp "s3://$B/owner-file.txt" -)" hello
check "S3Access session deletes its object" \
  "$(as_session "$WORK/s3access.json" s3api delete-object --bucket "$B" --key check-world.txt >/dev/null 2>&1; echo $?)" 0
check "S3Access session with a tampered token is denied" \
  "$(AWS_ACCESS_KEY_ID=$(jq -r .Credentials.AccessKeyId "$WORK/s3access.json") \
     AWS_SECRET_ACCESS_KEY=$(jq -r .Credentials.SecretAccessKey "$WORK/s3access.json") \
     AWS_SESSION_TOKEN="x$(jq -r .Credentials.SessionToken "$WORK/s3access.json")" \
     status "${AWS[@]}" s3api list-objects-v2 --bucket "$B")" 403

as_james sts assume-role --role-arn "$ROLEDROP_TEST_ROLE_READONLY" --role-session-name check-ro >"$WORK/ro.json" 2>"$WORK/err"
check "S3ReadOnly session reads owner-file.txt" "$(as_session "$WORK/ro.json" s3 cp "s3://$B/owner-file.txt" -)" hello
check "S3ReadOnly session PutObject is denied" "$(status as_session "$WORK/ro.json" s3api put-object --bucket "$B" --key ro.txt)" 403

check "S3Access DurationSeconds 3601 is refused" \
  "$(status as_james sts assume-role --role-arn "$ROLEDROP_TEST_ROLE_S3ACCESS" --role-session-name check-duration --duration-seconds 3601)" 400
if [ -n "${ROLEDROP_TEST_ROLE_LONG:-}" ]; then
  check "LongRole DurationSeconds 43200 is granted" \
    "$(status as_james sts assume-role --role-arn "$ROLEDROP_TEST_ROLE_LONG" --role-session-name check-duration --duration-seconds 43200)" 200
fi

[ $FAILED = 0 ] && echo "check-world: all passed" || echo "check-world: FAILED"
exit $FAILED
