#!/usr/bin/env bash
# Connects redis.sh to a data set's ElastiCache replication group in each of the two regions: its
# configuration endpoint, found by the group's id, over TLS, as an IAM-authenticated user with a
# 15-minute token (a SigV4-presigned `connect` request, made with botocore as AWS documents). The pod's
# IRSA role must allow elasticache:DescribeReplicationGroups, and elasticache:Connect on both groups and
# the user; the user must be in each group's user group with an access string allowing DBSIZE, INFO and
# CLUSTER commands.
#
# Environment (besides redis.sh's RECON_DATA_SET, RECON_LEFT_REGION, RECON_RIGHT_REGION):
#   RECON_LEFT_AWS_REGION, RECON_RIGHT_AWS_REGION  AWS regions of the two replication groups
#   RECON_LEFT_RESOURCE, RECON_RIGHT_RESOURCE      the replication groups' ids
#   RECON_REDIS_USER                               the IAM-authenticated ElastiCache user
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$here/common.sh"

require_env RECON_LEFT_AWS_REGION RECON_RIGHT_AWS_REGION RECON_LEFT_RESOURCE RECON_RIGHT_RESOURCE RECON_REDIS_USER

# Prints `host:port` of the configuration endpoint of replication group $2 in AWS region $1.
endpoint() {
  aws elasticache describe-replication-groups --region "$1" --replication-group-id "$2" \
    --query 'ReplicationGroups[0].ConfigurationEndpoint.[Address, Port]' --output text | tr '\t' ':' ||
    fail "cannot describe replication group $2 in $1"
}

# Prints an IAM authentication token for RECON_REDIS_USER on replication group $2 in AWS region $1.
token() {
  python3 - "$1" "$2" "$RECON_REDIS_USER" <<'PY' || fail "cannot make an IAM authentication token for $RECON_REDIS_USER on $2"
import sys
import botocore.session
from botocore.model import ServiceId
from botocore.signers import RequestSigner

region, group, user = sys.argv[1:]
session = botocore.session.get_session()
signer = RequestSigner(ServiceId("elasticache"), region, "elasticache", "v4", session.get_credentials(), session.get_component("event_emitter"))
request = {"method": "GET", "url": f"http://{group}/?Action=connect&User={user}", "body": {}, "headers": {}, "context": {}}
print(signer.generate_presigned_url(request, operation_name="connect", expires_in=900, region_name=region).removeprefix("http://"))
PY
}

RECON_LEFT_REDIS=$(endpoint "$RECON_LEFT_AWS_REGION" "$RECON_LEFT_RESOURCE")
RECON_RIGHT_REDIS=$(endpoint "$RECON_RIGHT_AWS_REGION" "$RECON_RIGHT_RESOURCE")
RECON_LEFT_REDIS_AUTH=$(token "$RECON_LEFT_AWS_REGION" "$RECON_LEFT_RESOURCE")
RECON_RIGHT_REDIS_AUTH=$(token "$RECON_RIGHT_AWS_REGION" "$RECON_RIGHT_RESOURCE")
export RECON_LEFT_REDIS RECON_RIGHT_REDIS RECON_LEFT_REDIS_AUTH RECON_RIGHT_REDIS_AUTH
export RECON_REDIS_TLS=1
exec bash "$here/redis.sh"
