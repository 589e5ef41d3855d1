# shellcheck shell=bash
# Sourced by every reconciliation script: the report's vocabulary and the checks of the environment.
# Exit status of every script: 0 the regions agree; 1 they differ (the report says where); 2 the
# comparison could not be made.

fail() {
  echo "reconciliation error: $*" >&2
  exit 2
}

# A command that fails where none should (set -e) means the comparison was not made, never that the
# regions differ: exit 2 whatever its own status. Functions, command substitutions and subshells inherit
# the trap (errtrace); a status of 2 is a failure already reported.
on_error() {
  (($1 == 2)) || echo "reconciliation error: a command failed with status $1 (line $2 of $3)" >&2
  exit 2
}
set -o errtrace
trap 'on_error "$?" "$LINENO" "${BASH_SOURCE[0]##*/}"' ERR

# Sorts the listing on stdin by its first field, in at most 64 MiB of memory (the rest spills to files
# in $TMPDIR): without -S, sort sizes its buffer from the node's memory, not the Job's limit.
sort_listing() {
  sort -S 64M -t "$TAB" -k1,1
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
