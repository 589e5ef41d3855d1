#!/usr/bin/env bash
# Checks a data set's mirrored topics between two regions. MSK Replicator does not preserve offsets: it
# produces each record anew into the target cluster, whose offsets are its own (different starting
# point, retention, compaction), so end offsets of the two regions are not comparable, and no check from
# outside the replicator can pair a target record with its source record. What this script proves:
#
# 1. Every partition of each topic exists in both regions (each region's MSK cluster is found by name,
#    reached on its IAM-authenticated TLS listener and asked for its partitions with Kafka's
#    kafka-get-offsets.sh, the aws-msk-iam-auth library on its class path).
# 2. For each MSK Replicator between the two regions (CloudWatch namespace AWS/Kafka, in the region the
#    replicator runs in, over the last RECON_METRIC_MINUTES minutes):
#    - ReplicatorFailure stayed 0;
#    - each topic's latest MessageLag (messages produced to the source that the replicator has not yet
#      consumed, summed over partitions) is at most the data set's lag alert threshold in messages;
#    - each topic's latest ReplicationLatency (produce time at the source to write at the target) is at
#      most the data set's lag alert threshold in milliseconds.
#    A topic with no MessageLag data in the window is reported: the replicator is not replicating it.
#
# It does not prove that the target holds every record the source holds: records older than the
# replicator's start, or removed by retention or compaction on one side, are not seen.
#
# The pod's IRSA role must allow kafka:ListClustersV2, kafka:GetBootstrapBrokers, kafka-cluster:Connect,
# kafka-cluster:DescribeTopic on both clusters and cloudwatch:GetMetricStatistics.
#
# Environment:
#   RECON_DATA_SET, RECON_LEFT_REGION, RECON_RIGHT_REGION  names for the report
#   RECON_LEFT_AWS_REGION, RECON_RIGHT_AWS_REGION          AWS regions of the two clusters
#   RECON_LEFT_RESOURCE, RECON_RIGHT_RESOURCE              the MSK clusters' names
#   RECON_TOPICS                                           the topics, separated by spaces
#   RECON_REPLICATORS                                      the replicators between the two regions, each
#                                                          `<name>@<AWS region it runs in>`, separated by
#                                                          spaces; empty when none (only partitions compared)
#   RECON_MAX_MESSAGE_LAG, RECON_MAX_LATENCY_MS            the data set's lag alert thresholds
#   RECON_METRIC_MINUTES                                   the window of metrics read (default 15)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_env RECON_DATA_SET RECON_LEFT_REGION RECON_RIGHT_REGION RECON_LEFT_AWS_REGION RECON_RIGHT_AWS_REGION RECON_LEFT_RESOURCE RECON_RIGHT_RESOURCE RECON_TOPICS RECON_MAX_MESSAGE_LAG RECON_MAX_LATENCY_MS
# Empty when no replicator runs between the two regions (two secondaries of an active-passive data set).
replicators="${RECON_REPLICATORS-}"
[[ -v RECON_REPLICATORS ]] || fail "RECON_REPLICATORS is not set"
minutes="${RECON_METRIC_MINUTES:-15}"
for number in RECON_MAX_MESSAGE_LAG RECON_MAX_LATENCY_MS minutes; do
  [[ "${!number}" =~ ^[0-9]+$ ]] || fail "$number must be a whole number, got '${!number}'"
done
left="$RECON_LEFT_REGION"
right="$RECON_RIGHT_REGION"
work="$(mktemp -d "${TMPDIR:-/tmp}/reconcile.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cat >"$work/client.properties" <<'PROPERTIES'
security.protocol=SASL_SSL
sasl.mechanism=AWS_MSK_IAM
sasl.jaas.config=software.amazon.msk.auth.iam.IAMLoginModule required;
sasl.client.callback.handler.class=software.amazon.msk.auth.iam.IAMClientCallbackHandler
PROPERTIES

# `<topic>:<partition>` of every partition of the topics, cluster $3 in AWS region $2, into file $4.
partitions() {
  local arn brokers topic
  arn=$(aws kafka list-clusters-v2 --region "$2" --cluster-name-filter "$3" --query "ClusterInfoList[?ClusterName=='$3'].ClusterArn | [0]" --output text) ||
    fail "cannot list MSK clusters in $1"
  [[ -n "$arn" && "$arn" != None ]] || fail "no MSK cluster named $3 in $1"
  brokers=$(aws kafka get-bootstrap-brokers --region "$2" --cluster-arn "$arn" --query BootstrapBrokerStringSaslIam --output text) ||
    fail "cannot read the bootstrap brokers of $3 in $1"
  : >"$4.raw"
  for topic in $RECON_TOPICS; do
    # Prints `<topic>:<partition>:<offset>`; a topic that does not exist prints nothing.
    kafka-get-offsets.sh --bootstrap-server "$brokers" --command-config "$work/client.properties" --topic "$topic" --time -1 >>"$4.raw" ||
      fail "cannot list the partitions of $topic in $1"
  done
  awk -F : 'NF == 3 { print $1 ":" $2 }' "$4.raw" | sort_listing >"$4"
}

# The latest datapoint's `<statistic>` of metric $3 of replicator $1 (AWS region $2) in the window, with
# the further dimensions $5…, or `None` when there is none.
latest() {
  local replicator="$1" aws_region="$2" metric="$3" statistic="$4"
  shift 4
  aws cloudwatch get-metric-statistics --region "$aws_region" --namespace AWS/Kafka --metric-name "$metric" \
    --dimensions "Name=ReplicatorName,Value=$replicator" "$@" --start-time "$start" --end-time "$end" --period 60 \
    --statistics "$statistic" --query "sort_by(Datapoints, &Timestamp)[-1].$statistic" --output text ||
    fail "cannot read $metric of MSK Replicator $replicator in $aws_region"
}

partitions "$left" "$RECON_LEFT_AWS_REGION" "$RECON_LEFT_RESOURCE" "$work/left"
partitions "$right" "$RECON_RIGHT_AWS_REGION" "$RECON_RIGHT_RESOURCE" "$work/right"
end=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start=$(date -u -d "$minutes minutes ago" +%Y-%m-%dT%H:%M:%SZ)

echo "reconciliation of $RECON_DATA_SET: $left ($RECON_LEFT_RESOURCE) against $right ($RECON_RIGHT_RESOURCE)"
differences=0
differ() {
  differences=$((differences + 1))
  echo "DIFFERS $*"
}

join -v 1 "$work/left" "$work/right" >"$work/only-left"
join -v 2 "$work/left" "$work/right" >"$work/only-right"
while read -r partition; do differ "$partition: missing in $right"; done <"$work/only-left"
while read -r partition; do differ "$partition: missing in $left"; done <"$work/only-right"
for topic in $RECON_TOPICS; do
  cut -d : -f 1 "$work/left" "$work/right" | grep -qxF "$topic" || differ "$topic: no partition in either region"
done
echo "partitions: $(wc -l <"$work/left") in $left, $(wc -l <"$work/right") in $right"

[[ -n "$replicators" ]] || echo "no MSK Replicator between $left and $right: partitions compared only"
for entry in $replicators; do
  replicator="${entry%@*}" aws_region="${entry##*@}"
  failures=$(latest "$replicator" "$aws_region" ReplicatorFailure Maximum)
  if [[ "$failures" != None ]] && ((${failures%.*} > 0)); then
    differ "replicator $replicator: ReplicatorFailure $failures in the last $minutes minutes"
  fi
  for topic in $RECON_TOPICS; do
    lag=$(latest "$replicator" "$aws_region" MessageLag Maximum "Name=Topic,Value=$topic")
    latency=$(latest "$replicator" "$aws_region" ReplicationLatency Maximum "Name=Topic,Value=$topic")
    if [[ "$lag" == None ]]; then
      differ "$topic via $replicator: no MessageLag in the last $minutes minutes (the replicator is not replicating it)"
    elif ((${lag%.*} > RECON_MAX_MESSAGE_LAG)); then
      differ "$topic via $replicator: $lag messages not yet replicated (at most $RECON_MAX_MESSAGE_LAG)"
    elif [[ "$latency" != None ]] && ((${latency%.*} > RECON_MAX_LATENCY_MS)); then
      differ "$topic via $replicator: replication latency $latency ms (at most $RECON_MAX_LATENCY_MS)"
    else
      echo "same    $topic via $replicator: $lag messages behind, latency $([[ "$latency" == None ]] && echo 'not reported' || echo "$latency ms")"
    fi
  done
done

if ((differences == 0)); then
  echo "result: clean, every partition in both regions and every replicator within $RECON_MAX_MESSAGE_LAG messages and $RECON_MAX_LATENCY_MS ms"
  exit 0
fi
echo "result: $differences findings"
exit 1
