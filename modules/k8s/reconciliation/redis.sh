#!/usr/bin/env bash
# Compares the key counts of a data set's Redis in two regions: DBSIZE of the server, or in cluster mode
# the sum of DBSIZE over the primaries of every shard (replicas hold the same keys). Keys written in
# the moment between the two counts show as a difference: run it once writes have stopped or drained.
#
# Environment:
#   RECON_DATA_SET, RECON_LEFT_REGION, RECON_RIGHT_REGION  names for the report
#   RECON_LEFT_REDIS, RECON_RIGHT_REDIS                    `host:port` of each region's (configuration) endpoint
#   RECON_LEFT_REDIS_AUTH, RECON_RIGHT_REDIS_AUTH          password or IAM token of each (optional)
#   RECON_REDIS_USER                                       user the tokens belong to (optional)
#   RECON_REDIS_TLS                                        1 to connect over TLS
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_env RECON_DATA_SET RECON_LEFT_REGION RECON_RIGHT_REGION RECON_LEFT_REDIS RECON_RIGHT_REDIS
left="$RECON_LEFT_REGION"
right="$RECON_RIGHT_REGION"

# Prints the number of keys of region $1 at `host:port` $2, authenticated with $3 when given.
key_count() {
  local host="${2%:*}" port="${2##*:}" info count
  local -a cli=(redis-cli -h "$host" -p "$port" --no-auth-warning)
  if [[ "${RECON_REDIS_TLS:-0}" == 1 ]]; then cli+=(--tls); fi
  if [[ -n "${RECON_REDIS_USER:-}" ]]; then cli+=(--user "$RECON_REDIS_USER"); fi
  # The secret goes through the environment, never the command line other processes can read.
  if [[ -n "$3" ]]; then export REDISCLI_AUTH="$3"; else unset REDISCLI_AUTH; fi
  info=$("${cli[@]}" INFO cluster) || fail "cannot reach Redis in $1 at $2"
  if [[ "$info" == *cluster_enabled:1* ]]; then
    count=$("${cli[@]}" --cluster call "$host:$port" DBSIZE --cluster-only-masters | tr -d '\r' |
      awk -F ': ' '$2 ~ /^[0-9]+$/ { sum += $2; nodes++ } END { if (nodes) print sum }') || fail "cannot count the keys in $1"
  else
    count=$("${cli[@]}" DBSIZE | tr -d '\r') || fail "cannot count the keys in $1"
  fi
  [[ "$count" =~ ^[0-9]+$ ]] || fail "Redis in $1 answered DBSIZE with '$count'"
  echo "$count"
}

left_keys=$(key_count "$left" "$RECON_LEFT_REDIS" "${RECON_LEFT_REDIS_AUTH:-}")
right_keys=$(key_count "$right" "$RECON_RIGHT_REDIS" "${RECON_RIGHT_REDIS_AUTH:-}")
echo "reconciliation of $RECON_DATA_SET: $left against $right"
if ((left_keys == right_keys)); then
  echo "result: clean, $left_keys keys in both"
  exit 0
fi
echo "DIFFERS keys: $left_keys in $left, $right_keys in $right ($((left_keys > right_keys ? left_keys - right_keys : right_keys - left_keys)) apart)"
echo "result: the key counts differ"
exit 1
