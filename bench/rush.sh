#!/usr/bin/env bash
# The "applications open" rush: parents submitting applications at once.
#
#   bash bench/rush.sh                        # writes bench/RUSH.md
#   RUSH_BACKENDS=sqlite bash bench/rush.sh   # one backend only
#
# For each backend: a fresh database with the reference scenario and 20,000
# families, each logged in with a draft whose documents are accepted
# (examples/rush_prep.rs); `smena serve` (release build); wrk from a second
# process on loopback, 32 connections. Phase 1 (10 s): every request submits
# a new application (bench/rush.lua). Phase 2 (5 s): the families submitted
# in phase 1 send their form again with the same idempotency key (a retry
# on a bad link). Afterwards the rows are counted: every answered
# submission stored once, one receipt each, nothing created by the retries,
# references unique.
set -euo pipefail
cd "$(dirname "$0")/.."

FAMILIES=20000
CONNECTIONS=32
DURATION=10s
RETRY_DURATION=5s
PORT=18090
OUT=bench/RUSH.md
RUSH_BACKENDS="${RUSH_BACKENDS:-sqlite postgres}" # e.g. RUSH_BACKENDS=sqlite
POSTGRES_ADMIN="${SMENA_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"

command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }
cargo build --release -q -p smena --bin smena --example rush_prep
# One server's key for the preparation and the service (required with
# PostgreSQL; personal data is encrypted with it).
SMENA_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
export SMENA_KEY
BIN=target/release/smena
PREP=target/release/examples/rush_prep
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

rows=()
checks=()
for backend in $RUSH_BACKENDS; do
  case $backend in
    sqlite) db="$work/rush.db" ;;
    postgres)
      name="smena_rush_$(date +%s)"
      psql "$POSTGRES_ADMIN" -qc "CREATE DATABASE $name" >/dev/null
      db="${POSTGRES_ADMIN%/*}/$name" ;;
  esac
  "$PREP" "$db" "$FAMILIES" "$work/families.txt"
  SMENA_LOG=warn "$BIN" serve --database "$db" --listen "127.0.0.1:$PORT" --files "$work/files" &
  server=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  phase() { # file duration -> wrk output
    RUSH_FILE="$1" RUSH_THREADS=1 wrk -t1 -c"$CONNECTIONS" -d"$2" --latency -s bench/rush.lua "http://127.0.0.1:$PORT"
  }
  field() { awk -v k="$2" '$1 == k {print $2}' "$1"; }
  phase "$work/families.txt" "$DURATION" >"$work/first.txt"
  sent=$(awk '/requests in/ {print $1}' "$work/first.txt")
  count() { # SQL -> its rows, one per line
    case $backend in
      sqlite) python3 -c "import sqlite3,sys; [print(r[0]) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]" "$db" "$1" ;;
      postgres) psql "$db" -Atc "$1" ;;
    esac
  }
  submitted_sql="SELECT COUNT(*) FROM applications a JOIN children c ON c.id = a.child_id WHERE c.given_name = 'Rush' AND a.status = 'submitted'"
  receipts_sql="SELECT COUNT(*) FROM outbox WHERE kind = 'application_received' AND recipient LIKE 'rush%'"
  sleep 1 # let requests still in flight when wrk stopped finish
  submitted=$(count "$submitted_sql")
  # Phase 2: exactly the families whose application is submitted send the
  # same form again.
  count "SELECT a.id FROM applications a JOIN children c ON c.id = a.child_id WHERE c.given_name = 'Rush' AND a.status = 'submitted'" >"$work/ids.txt"
  awk -F'\t' 'NR == FNR { done[$1] = 1; next } $1 in done' "$work/ids.txt" "$work/families.txt" >"$work/retries.txt"
  phase "$work/retries.txt" "$RETRY_DURATION" >"$work/retry.txt"
  kill "$server"; wait "$server" 2>/dev/null || true
  after=$(count "$submitted_sql")
  receipts=$(count "$receipts_sql")
  references=$(count "SELECT COUNT(reference) - COUNT(DISTINCT reference) FROM applications")
  doubled=$(count "SELECT COUNT(*) FROM (SELECT recipient FROM outbox WHERE kind = 'application_received' GROUP BY recipient HAVING COUNT(*) > 1) x")
  errors=0
  for f in first retry; do
    e=$(awk '/Non-2xx/ {print $5}' "$work/$f.txt"); errors=$(( errors + ${e:-0} ))
  done
  # wrk counts answered requests; up to one request per connection may be
  # in flight when it stops (processed, not counted).
  verdict="none"
  [ "$submitted" -ge "$sent" ] && [ "$submitted" -le $(( sent + CONNECTIONS )) ] && [ "$after" -eq "$submitted" ] \
    && [ "$receipts" -eq "$submitted" ] && [ "$references" -eq 0 ] && [ "$doubled" -eq 0 ] && [ "$errors" -eq 0 ] || verdict="FAILED"
  retried=$(awk '/requests in/ {print $1}' "$work/retry.txt")
  rows+=("| $backend | new submissions | $sent | $(awk '/Requests\/sec/ {print $2}' "$work/first.txt") | $(field "$work/first.txt" 50%) | $(field "$work/first.txt" 99%) |")
  rows+=("| $backend | retries (same key) | $retried | $(awk '/Requests\/sec/ {print $2}' "$work/retry.txt") | $(field "$work/retry.txt" 50%) | $(field "$work/retry.txt" 99%) |")
  checks+=("| $backend | $sent | $submitted | $retried | $after | $receipts | $errors | $verdict |")
  echo "$backend: submitted $submitted for $sent answered, $retried retries left $after, receipts $receipts, doubled $doubled, errors $errors: $verdict" >&2
  if [ "$backend" = postgres ]; then psql "$POSTGRES_ADMIN" -qc "DROP DATABASE $name WITH (FORCE)" >/dev/null; fi
done

{
  echo "# The applications-open rush"
  echo
  echo "Produced by \`bash bench/rush.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)."
  echo "wrk and the server share the machine; SQLite runs with WAL and synchronous=FULL."
  echo
  echo "$FAMILIES prepared families, $CONNECTIONS connections. Phase 1 ($DURATION): each request submits a new"
  echo "application. Phase 2 ($RETRY_DURATION): the families of phase 1 send the same form again (same idempotency key)."
  echo
  echo "| backend | phase | requests answered | requests/s | p50 | p99 |"
  echo "|---|---|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Afterwards (up to one request per connection may still be in flight when wrk stops: processed, not counted):"
  echo
  echo "| backend | answered in phase 1 | submitted | retries | submitted after retries | receipts | errors | lost or duplicated |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${checks[@]}"
} >"$OUT"
echo "wrote $OUT" >&2
