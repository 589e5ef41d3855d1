#!/usr/bin/env bash
# Compares the object inventories of a data set's bucket in two regions: every current object's key and
# size, listed with ListObjectsV2 (keys URL-encoded, so each fits on one line). Objects missing on one
# side or whose size differs are reported by key. ETags are not compared: for SSE-KMS objects they are
# not digests of the content, and each region encrypts its copy under its own key. The pod's IRSA role
# must allow s3:ListBucket on both buckets.
#
# Environment:
#   RECON_DATA_SET, RECON_LEFT_REGION, RECON_RIGHT_REGION  names for the report
#   RECON_LEFT_AWS_REGION, RECON_RIGHT_AWS_REGION          AWS regions of the two buckets
#   RECON_LEFT_RESOURCE, RECON_RIGHT_RESOURCE              the bucket names
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_env RECON_DATA_SET RECON_LEFT_REGION RECON_RIGHT_REGION RECON_LEFT_AWS_REGION RECON_RIGHT_AWS_REGION RECON_LEFT_RESOURCE RECON_RIGHT_RESOURCE
left="$RECON_LEFT_REGION"
right="$RECON_RIGHT_REGION"
work="$(mktemp -d "${TMPDIR:-/tmp}/reconcile.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# `<url-encoded key> <TAB> <size>` per object of bucket $3 in AWS region $2, sorted by key, into file $4.
inventory() {
  aws s3api list-objects-v2 --region "$2" --bucket "$3" --encoding-type url --query 'Contents[].[Key, Size]' --output text >"$4.raw" ||
    fail "cannot list bucket $3 in $1"
  # An empty bucket lists as the single word None.
  awk -F "$TAB" '$0 != "None"' "$4.raw" | sort_listing >"$4"
}

inventory "$left" "$RECON_LEFT_AWS_REGION" "$RECON_LEFT_RESOURCE" "$work/left"
inventory "$right" "$RECON_RIGHT_AWS_REGION" "$RECON_RIGHT_RESOURCE" "$work/right"
join -t "$TAB" -a 1 -a 2 -e '-' -o 0,1.2,2.2 "$work/left" "$work/right" |
  awk -F "$TAB" -v only_left="$work/only-left" -v only_right="$work/only-right" -v differ="$work/changed" '
    $3 == "-" { print $1 > only_left; next }
    $2 == "-" { print $1 > only_right; next }
    $2 != $3 { print $1 " (" $2 " bytes against " $3 ")" > differ }
  '
for file in only-left only-right changed; do touch "$work/$file"; done

echo "reconciliation of $RECON_DATA_SET: $left ($RECON_LEFT_RESOURCE) against $right ($RECON_RIGHT_RESOURCE)"
echo "objects: $(wc -l <"$work/left") in $left, $(wc -l <"$work/right") in $right"
itemise object objects "missing in $right" "$work/only-left"
itemise object objects "missing in $left" "$work/only-right"
itemise object objects "of a different size" "$work/changed"
differences=$(($(wc -l <"$work/only-left") + $(wc -l <"$work/only-right") + $(wc -l <"$work/changed")))
if ((differences == 0)); then
  echo "result: clean, the same objects in $left and $right"
  exit 0
fi
echo "result: $differences objects differ"
exit 1
