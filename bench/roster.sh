#!/usr/bin/env bash
# Importing a large school roster from XLSX: `smena import roster` (release
# build) on a workbook of 100,000 pupils (Cyrillic names, real date cells),
# into a fresh copy of a SQLite database with the reference scenario each
# run. Reports wall time and peak memory (GNU time) for checking only and
# for checking and writing, median of three runs; writes bench/ROSTER.md.
#
#   bash bench/roster.sh            # PUPILS=100000 RUNS=3
set -euo pipefail
cd "$(dirname "$0")/.."

PUPILS="${PUPILS:-100000}"
RUNS="${RUNS:-3}"
OUT=bench/ROSTER.md
cargo build --release -q -p smena --bin smena --example roster_prep
BIN=target/release/smena
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

target/release/examples/roster_prep "$work/base.db" "$PUPILS" "$work/roster.xlsx"
size=$(du -k "$work/roster.xlsx" | cut -f1)

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A secs mem
for mode in check write; do
  t=(); m=()
  for _ in $(seq "$RUNS"); do
    cp "$work/base.db" "$work/run.db"
    extra=(); [ "$mode" = write ] && extra=(--yes)
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$BIN" import roster "$work/roster.xlsx" \
      --school "Саха гимназия" --database "$work/run.db" "${extra[@]}" >"$work/out.txt"
    read -r s k <"$work/time.txt"
    t+=("$s"); m+=("$k")
  done
  secs[$mode]=$(printf '%s\n' "${t[@]}" | median)
  mem[$mode]=$(( $(printf '%s\n' "${m[@]}" | median) / 1024 ))
  echo "$mode: ${secs[$mode]} s, ${mem[$mode]} MB" >&2
done
if [ "$mode" = write ]; then
  grep -q "$PUPILS pupils imported" "$work/out.txt" || { echo "import did not report $PUPILS pupils" >&2; exit 1; }
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat >"$OUT" <<MD
# Importing a school roster from XLSX

Produced by \`bash bench/roster.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, $cpu.

A workbook of $PUPILS pupils (${size} KB: Cyrillic names, birth dates as date
cells, a class), imported with \`smena import roster\` into a fresh copy of a
SQLite database holding the reference scenario; wall time and peak memory by
GNU time, median of $RUNS runs.

| what | time (s) | peak memory (MB) |
|---|---:|---:|
| read and check every row (no --yes) | ${secs[check]} | ${mem[check]} |
| read, check and write (--yes) | ${secs[write]} | ${mem[write]} |

Target: under 10 s and under 300 MB for 100,000 rows.
MD
echo "wrote $OUT" >&2
