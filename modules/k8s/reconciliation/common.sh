# shellcheck shell=bash
# Sourced by every reconciliation script: the report's vocabulary and the checks of the environment.
# Exit status of every script: 0 the regions agree; 1 they differ (the report says where); 2 the
# comparison could not be made.

fail() {
  echo "reconciliation error: $*" >&2
  exit 2
}

# Fails unless every variable named is set and non-empty.
require_env() {
  local name
  for name in "$@"; do
    [[ -n "${!name:-}" ]] || fail "$name is not set"
  done
}

# Rows itemised per table (object, partition…) and kind of difference; the rest are counted.
max_rows="${RECON_MAX_ROWS_REPORTED:-100}"
[[ "$max_rows" =~ ^[0-9]+$ ]] || fail "RECON_MAX_ROWS_REPORTED must be a whole number, got '$max_rows'"

# Prints `  <where> <item>: <what>` for the first $max_rows lines of file $4, then how many more
# <items> (rows, objects…) there were.
itemise() {
  local where="$1" items="$2" what="$3" file="$4" count item
  count=$(wc -l <"$file")
  head -n "$max_rows" "$file" | while IFS= read -r item; do echo "  $where $item: $what"; done
  if ((count > max_rows)); then echo "  $where: $((count - max_rows)) more $items $what"; fi
}

export LC_ALL=C
# The field separator of every listing; used by the scripts that source this one.
# shellcheck disable=SC2034
TAB=$'\t'
