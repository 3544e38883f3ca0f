#!/bin/bash
# Waits until a test double started in the background answers: its port file STATE/port is written and
# SCHEME://127.0.0.1:PORT/__test__/health answers 2xx (over https checked against CA_FILE). Fails, saying why on
# stderr, when the process of STATE/pid exits first or after WAIT_TIMEOUT seconds (default 30). The start scripts
# of the STS and the IAM Identity Center doubles share it.
#
# Usage: wait-until-answers.sh STATE SCHEME [CA_FILE]
set -uo pipefail
S=${1:?usage: wait-until-answers.sh STATE SCHEME [CA_FILE]}
SCHEME=${2:?usage: wait-until-answers.sh STATE SCHEME [CA_FILE]}
CURL_TLS=()
[ -n "${3:-}" ] && CURL_TLS=(--cacert "$3")
deadline=$((SECONDS + ${WAIT_TIMEOUT:-30}))
until [ -s "$S/port" ] && curl -sf -o /dev/null --max-time 2 "${CURL_TLS[@]}" "$SCHEME://127.0.0.1:$(cat "$S/port")/__test__/health"; do
  if ! kill -0 "$(cat "$S/pid" 2>/dev/null)" 2>/dev/null; then
    echo "the double exited during start-up" >&2
    exit 1
  fi
  if [ $SECONDS -ge $deadline ]; then
    echo "the double did not answer within ${WAIT_TIMEOUT:-30} s" >&2
    exit 1
  fi
  sleep 0.2
done
