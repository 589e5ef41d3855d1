#!/usr/bin/env bash
# Compares the end offsets of a data set's mirrored topics in two regions, partition by partition: each
# region's MSK cluster is found by name, reached on its IAM-authenticated TLS listener, and asked for
# the latest offset of every partition (Kafka's kafka-get-offsets.sh, with the aws-msk-iam-auth library
# on its class path). A partition missing on one side, or whose end offsets are further apart than the
# data set's lag alert threshold in messages, is reported with topic and partition. The pod's IRSA role
# must allow kafka:ListClustersV2, kafka:GetBootstrapBrokers, kafka-cluster:Connect and
# kafka-cluster:DescribeTopic on both clusters.
#
# Environment:
#   RECON_DATA_SET, RECON_LEFT_REGION, RECON_RIGHT_REGION  names for the report
#   RECON_LEFT_AWS_REGION, RECON_RIGHT_AWS_REGION          AWS regions of the two clusters
#   RECON_LEFT_RESOURCE, RECON_RIGHT_RESOURCE              the MSK clusters' names
#   RECON_TOPICS                                           the topics, separated by spaces
#   RECON_MAX_OFFSET_GAP                                   largest acceptable difference of end offsets
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_env RECON_DATA_SET RECON_LEFT_REGION RECON_RIGHT_REGION RECON_LEFT_AWS_REGION RECON_RIGHT_AWS_REGION RECON_LEFT_RESOURCE RECON_RIGHT_RESOURCE RECON_TOPICS RECON_MAX_OFFSET_GAP
[[ "$RECON_MAX_OFFSET_GAP" =~ ^[0-9]+$ ]] || fail "RECON_MAX_OFFSET_GAP must be a whole number, got '$RECON_MAX_OFFSET_GAP'"
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

# `<topic>:<partition> <TAB> <end offset>` of every partition of the topics, cluster $3 in AWS region $2, into file $4.
end_offsets() {
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
      fail "cannot read the end offsets of $topic in $1"
  done
  awk -F : -v OFS="$TAB" 'NF == 3 { print $1 ":" $2, $3 }' "$4.raw" | sort -t "$TAB" -k1,1 >"$4"
}

end_offsets "$left" "$RECON_LEFT_AWS_REGION" "$RECON_LEFT_RESOURCE" "$work/left"
end_offsets "$right" "$RECON_RIGHT_AWS_REGION" "$RECON_RIGHT_RESOURCE" "$work/right"

echo "reconciliation of $RECON_DATA_SET: $left ($RECON_LEFT_RESOURCE) against $right ($RECON_RIGHT_RESOURCE), end offsets at most $RECON_MAX_OFFSET_GAP apart"
differences=0
while IFS="$TAB" read -r partition left_end right_end; do
  if [[ "$left_end" == '-' || "$right_end" == '-' ]]; then
    differences=$((differences + 1))
    echo "DIFFERS $partition: missing in $([[ "$left_end" == '-' ]] && echo "$left" || echo "$right")"
    continue
  fi
  gap=$((left_end > right_end ? left_end - right_end : right_end - left_end))
  if ((gap > RECON_MAX_OFFSET_GAP)); then
    differences=$((differences + 1))
    echo "DIFFERS $partition: end offset $left_end in $left, $right_end in $right ($gap apart)"
  else
    echo "same    $partition: end offset $left_end in $left, $right_end in $right"
  fi
done < <(join -t "$TAB" -a 1 -a 2 -e '-' -o 0,1.2,2.2 "$work/left" "$work/right")
for topic in $RECON_TOPICS; do
  cut -d : -f 1 "$work/left" "$work/right" | grep -qxF "$topic" || { differences=$((differences + 1)); echo "DIFFERS $topic: no partition in either region"; }
done
if ((differences == 0)); then
  echo "result: clean, every partition within $RECON_MAX_OFFSET_GAP messages"
  exit 0
fi
echo "result: $differences partitions or topics differ"
exit 1
