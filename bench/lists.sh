#!/usr/bin/env bash
# The coordinator's list pages at national scale.
#
#   bash bench/lists.sh                         # writes bench/LISTS.md
#   LISTS_BACKENDS=sqlite bash bench/lists.sh   # one backend only
#   LISTS_APPLICATIONS=10000 bash bench/lists.sh
#   LISTS_POSTGRES_PREPARED="URL TOKEN SCHOOL_TOKEN" bash bench/lists.sh
#       measures a PostgreSQL database lists_prep filled before (its last
#       line gives the two tokens; SMENA_KEY must be the key it used)
#       instead of filling a new one (half an hour on 2 cores)
#
# For each backend: a fresh database with the reference scenario and
# 100,000 submitted applications (examples/lists_prep.rs), `smena serve`
# (debug build, as CI builds it; a release build is faster), and for each
# list page 20 requests one after another from curl on loopback, logged in
# as the coordinator: the median and the slowest.
set -euo pipefail
cd "$(dirname "$0")/.."

APPLICATIONS="${LISTS_APPLICATIONS:-100000}"
PORT=18091
OUT=bench/LISTS.md
LISTS_BACKENDS="${LISTS_BACKENDS:-sqlite postgres}"
POSTGRES_ADMIN="${SMENA_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
REQUESTS=20

cargo build -q -p smena --bin smena --example lists_prep
SMENA_KEY="${SMENA_KEY:-$(python3 -c 'import secrets; print(secrets.token_hex(32))')}"
export SMENA_KEY
BIN=target/debug/smena
PREP=target/debug/examples/lists_prep
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

pages=(
  "/coordinator/applications"
  "/coordinator/applications?page=1000"
  "/coordinator/applications?sort=school&page=500"
  "/coordinator/applications?sort=status&page=900"
  "/coordinator/applications?status=submitted&sort=submitted"
  "/coordinator/applications?q=%D0%B8%D0%B2%D0%B0%D0%BD%D0%BE%D0%B213"
  "/coordinator/documents"
  "/coordinator/documents?page=300"
  "/coordinator/documents?q=%D0%BF%D0%B5%D1%82%D1%80%D0%BE%D0%B240&sort=name"
  "/coordinator/audit"
  "/coordinator/audit?status=create&page=20"
  "/coordinator/outbox"
  "school:/school/pupils"
  "school:/school/pupils?page=40"
  "school:/school/pupils?q=%D0%B8%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2&sort=name"
)
rows=()
for backend in $LISTS_BACKENDS; do
  case $backend in
    sqlite) db="$work/lists.db" ;;
    postgres)
      name="smena_lists_$(date +%s)"
      db="${POSTGRES_ADMIN%/*}/$name"
      if [ -n "${LISTS_POSTGRES_PREPARED:-}" ]; then
        read -r db token school_token <<<"$LISTS_POSTGRES_PREPARED"
        name=""
      else
        psql "$POSTGRES_ADMIN" -qc "CREATE DATABASE $name" >/dev/null
      fi ;;
  esac
  if [ "$backend" = sqlite ] || [ -n "$name" ]; then
    started=$(date +%s)
    read -r token school_token < <("$PREP" "$db" "$APPLICATIONS" | tail -1)
    echo "$backend: $APPLICATIONS applications prepared in $(( $(date +%s) - started )) s" >&2
  fi
  SMENA_LOG=warn "$BIN" serve --database "$db" --listen "127.0.0.1:$PORT" --files "$work/files" &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  for entry in "${pages[@]}"; do
    # "school:" pages are the school representative's; the others the
    # coordinator's.
    page=${entry#school:}
    cookie=$token
    [ "$page" = "$entry" ] || cookie=$school_token
    times=()
    for _ in $(seq "$REQUESTS"); do
      t=$(curl -s -o "$work/page.html" -w '%{http_code} %{time_total}' \
            -H "Cookie: smena_login=$cookie" "http://127.0.0.1:$PORT$page")
      code=${t% *}
      [ "$code" = 200 ] || { echo "$page answered $code" >&2; exit 1; }
      times+=("${t#* }")
    done
    grep -q 'rel="next"\|rel="prev"\|found' "$work/page.html" || { echo "$page: no list" >&2; exit 1; }
    stats=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.0f %.0f", a[int((NR+1)/2)]*1000, a[NR]*1000}')
    rows+=("| $backend | \`$page\` | ${stats% *} ms | ${stats#* } ms |")
  done
  kill "$server"; wait "$server" 2>/dev/null || true
  if [ "$backend" = postgres ] && [ -n "$name" ]; then psql "$POSTGRES_ADMIN" -qc "DROP DATABASE $name" >/dev/null; fi
done

{
  echo "# List pages at national scale"
  echo
  echo "\`bash bench/lists.sh\` on $(nproc) cores, $(date -u +%Y-%m-%d): $APPLICATIONS applications"
  echo "besides the reference scenario; debug build; $REQUESTS requests per page one after another, logged in as"
  echo "the coordinator (the school roster \`/school/pupils\`: as the school representative, whose roster lists"
  echo "every child of the school who applied; curl on loopback). Target: every list page under 300 ms."
  echo
  echo "| database | page | median | slowest |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$OUT"
cat "$OUT"
