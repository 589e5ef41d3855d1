#!/usr/bin/env bash
# Connects postgres.sh to a data set's Aurora PostgreSQL cluster in each of the two regions: the
# cluster's reader endpoint, found by its identifier, and a 15-minute IAM authentication token for the
# database user, over TLS verified against the RDS certificate bundle. The pod's IRSA role must allow
# rds:DescribeDBClusters and rds-db:connect as that user, and the user must exist in the database with
# the rds_iam role and read access to every table (GRANT rds_iam, pg_read_all_data TO <user>).
#
# Environment (besides postgres.sh's RECON_DATA_SET, RECON_LEFT_REGION, RECON_RIGHT_REGION):
#   RECON_LEFT_AWS_REGION, RECON_RIGHT_AWS_REGION  AWS regions of the two clusters
#   RECON_LEFT_RESOURCE, RECON_RIGHT_RESOURCE      the clusters' identifiers
#   RECON_DATABASE, RECON_DB_USER                  database to compare and the IAM-authenticated user
#   RECON_RDS_CA_BUNDLE                            PEM bundle of the RDS certificate authorities
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$here/common.sh"

require_env RECON_LEFT_AWS_REGION RECON_RIGHT_AWS_REGION RECON_LEFT_RESOURCE RECON_RIGHT_RESOURCE RECON_DATABASE RECON_DB_USER RECON_RDS_CA_BUNDLE

# Prints the libpq connection string of cluster $2 in AWS region $1.
connection() {
  local endpoint token
  endpoint=$(aws rds describe-db-clusters --region "$1" --db-cluster-identifier "$2" --query 'DBClusters[0].ReaderEndpoint' --output text) ||
    fail "cannot describe Aurora cluster $2 in $1"
  token=$(aws rds generate-db-auth-token --region "$1" --hostname "$endpoint" --port 5432 --username "$RECON_DB_USER") ||
    fail "cannot make an IAM authentication token for $RECON_DB_USER on $endpoint"
  # Tokens are URL query strings: no quote or backslash to escape inside the quoted value.
  printf "host=%s port=5432 dbname=%s user=%s sslmode=verify-full sslrootcert=%s password='%s'" \
    "$endpoint" "$RECON_DATABASE" "$RECON_DB_USER" "$RECON_RDS_CA_BUNDLE" "$token"
}

RECON_LEFT_DSN=$(connection "$RECON_LEFT_AWS_REGION" "$RECON_LEFT_RESOURCE")
RECON_RIGHT_DSN=$(connection "$RECON_RIGHT_AWS_REGION" "$RECON_RIGHT_RESOURCE")
export RECON_LEFT_DSN RECON_RIGHT_DSN
exec bash "$here/postgres.sh"
