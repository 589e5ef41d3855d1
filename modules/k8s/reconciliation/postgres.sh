#!/usr/bin/env bash
# Compares one PostgreSQL data set in two regions after a failover or failback.
#
# Per table (every ordinary or partitioned table outside the system schemas): the row count and an
# order-independent checksum (the sum of each row's md5 truncated to 60 bits). Where those differ and
# the table has a primary key, every row is listed by key with its md5 on both sides, and each key
# missing on one side or whose row differs is reported with its table and key. A row is hashed as
# ROW(recon_row.*)::text: `alias.*` always names the table, whereas a bare alias (`t::text`) means the
# column when the table has one of that name, and would hash that column alone. Reads only: every
# session is a read-only repeatable-read transaction, so a read-only secondary can be compared too.
#
# Environment:
#   RECON_DATA_SET                     data set name, for the report
#   RECON_LEFT_REGION, RECON_RIGHT_REGION  region ids, for the report
#   RECON_LEFT_DSN, RECON_RIGHT_DSN    libpq connection strings of the two databases
#   RECON_MAX_ROWS_REPORTED            rows itemised per table and kind of difference (default 100)
# Exit status: 0 the regions hold the same data; 1 they differ (the report says where); 2 the comparison
# could not be made.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_env RECON_DATA_SET RECON_LEFT_REGION RECON_RIGHT_REGION RECON_LEFT_DSN RECON_RIGHT_DSN
left="$RECON_LEFT_REGION"
right="$RECON_RIGHT_REGION"

# The same row must print the same text in both regions whatever the servers' defaults, or every
# timestamp, float or amount would count as changed.
export PGOPTIONS="-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres -c extra_float_digits=3 -c bytea_output=hex -c lc_monetary=C -c default_transaction_read_only=on"
export PGCLIENTENCODING=UTF8
export PGAPPNAME="reconciliation-$RECON_DATA_SET"

work="$(mktemp -d "${TMPDIR:-/tmp}/reconcile.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Runs SQL from stdin against region $1 (connection string $2) in one read-only snapshot; psql's own
# messages go to stderr, rows to stdout. The connection string is never printed: it may hold a token.
query() {
  local region="$1" dsn="$2"
  shift 2
  {
    echo 'BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;'
    cat
    echo 'COMMIT;'
  } | psql --no-psqlrc --quiet --no-align --tuples-only --field-separator="$TAB" \
    --set=ON_ERROR_STOP=1 "$@" --dbname="$dsn" --file=- || fail "psql failed against $region (its messages are above)"
}

# The tables of interest, each as `label <TAB> [key expression]`. The label is the quoted name
# (schema.table) with JSON escapes, so it fits on one line whatever the name holds; the key expression
# is empty for a table without a primary key.
TABLES_SQL=$(cat <<'SQL'
WITH tables AS (
  SELECT c.oid, n.nspname, c.relname, format('%I.%I', n.nspname, c.relname) AS quoted
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
), labelled AS (
  SELECT t.*, substr(to_json(t.quoted)::text, 2, length(to_json(t.quoted)::text) - 2) AS label,
    (SELECT string_agg(format('%L, recon_row.%I', a.attname, a.attname), ', ' ORDER BY k.ord)
       FROM pg_catalog.pg_index i
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = t.oid AND i.indisprimary) AS key_columns
  FROM tables t
)
SQL
)

# One line per table: label, whether it has a primary key, row count, checksum.
inventory() {
  query "$1" "$2" <<SQL
$TABLES_SQL
SELECT format(
  'SELECT %L, %L, count(*), coalesce(sum((''x'' || left(md5(ROW(recon_row.*)::text), 15))::bit(60)::bigint), 0) FROM %s AS recon_row',
  label, key_columns IS NOT NULL, quoted)
FROM labelled ORDER BY label
\gexec
SQL
}

# One line per row of the table labelled $3: its key as JSON, and the md5 of the whole row. psql
# fetches them through a cursor, FETCH_COUNT rows at a time: a whole table's listing held in psql
# would exceed the Job's memory limit and be killed.
rows() {
  query "$1" "$2" --set=table="$3" --set=FETCH_COUNT=10000 <<SQL
$TABLES_SQL
SELECT format('SELECT json_build_object(%s)::text, md5(ROW(recon_row.*)::text) FROM %s AS recon_row', key_columns, quoted)
FROM labelled WHERE label = :'table' AND key_columns IS NOT NULL
\gexec
SQL
}

inventory "$left" "$RECON_LEFT_DSN" | sort_listing >"$work/left.inventory"
inventory "$right" "$RECON_RIGHT_DSN" | sort_listing >"$work/right.inventory"
# Joined into a file first: a failure inside the loop's input would otherwise go unnoticed.
join -t "$TAB" -a 1 -a 2 -e '-' -o 0,1.2,1.3,1.4,2.2,2.3,2.4 "$work/left.inventory" "$work/right.inventory" >"$work/inventory"

echo "reconciliation of $RECON_DATA_SET: $left against $right"
tables=0
differing=0
missing_left=0
missing_right=0
changed=0

while IFS="$TAB" read -r table left_pk left_count left_sum right_pk right_count right_sum; do
  tables=$((tables + 1))
  if [[ "$left_count" == '-' || "$right_count" == '-' ]]; then
    differing=$((differing + 1))
    if [[ "$left_count" == '-' ]]; then absent="$left" present="$right" rows_there="$right_count"; else absent="$right" present="$left" rows_there="$left_count"; fi
    echo "DIFFERS $table: table missing in $absent ($rows_there rows in $present)"
    continue
  fi
  if [[ "$left_count" == "$right_count" && "$left_sum" == "$right_sum" ]]; then
    echo "same    $table: $left_count rows, equal checksums"
    continue
  fi
  differing=$((differing + 1))
  echo "DIFFERS $table: $left_count rows in $left, $right_count in $right, checksums $([[ "$left_sum" == "$right_sum" ]] && echo equal || echo differ)"
  if [[ "$left_pk" != 't' || "$right_pk" != 't' ]]; then
    echo "  $table: no primary key, so its rows cannot be matched one by one"
    continue
  fi
  rows "$left" "$RECON_LEFT_DSN" "$table" | sort_listing >"$work/left.rows"
  rows "$right" "$RECON_RIGHT_DSN" "$table" | sort_listing >"$work/right.rows"
  join -t "$TAB" -a 1 -a 2 -e '-' -o 0,1.2,2.2 "$work/left.rows" "$work/right.rows" >"$work/joined"
  awk -F "$TAB" -v only_left="$work/only-left" -v only_right="$work/only-right" -v differ="$work/changed" '
    $3 == "-" { print $1 > only_left; next }
    $2 == "-" { print $1 > only_right; next }
    $2 != $3 { print $1 > differ }
  ' "$work/joined"
  for file in only-left only-right changed; do touch "$work/$file"; done
  itemise "$table" rows "missing in $right" "$work/only-left"
  itemise "$table" rows "missing in $left" "$work/only-right"
  itemise "$table" rows "changed (the row differs between $left and $right)" "$work/changed"
  missing_right=$((missing_right + $(wc -l <"$work/only-left")))
  missing_left=$((missing_left + $(wc -l <"$work/only-right")))
  changed=$((changed + $(wc -l <"$work/changed")))
  rm -f "$work/only-left" "$work/only-right" "$work/changed"
done <"$work/inventory"

if ((differing == 0)); then
  echo "result: clean, $tables tables equal in $left and $right"
  exit 0
fi
echo "result: $differing of $tables tables differ ($missing_right rows missing in $right, $missing_left missing in $left, $changed changed)"
exit 1
