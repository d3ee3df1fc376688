#!/usr/bin/env bash
# Reproduces every benchmark figure and writes bench/RESULTS.md.
#
#   bash bench/run.sh            # CLI end to end + engine + Python `matching`
#   bash bench/run.sh --criterion   # also `cargo bench` (engine alone, criterion)
#
# Instances: 10k, 100k and 1M applicants x 5 choices x 2,000 sessions,
# Zipf-skewed session popularity, places for 35% of applicants:
#   distinct       one global order of distinct scores
#   reserves       distinct scores, 5% of each session reserved for one of
#                  four districts (session-specific priorities)
#   caps-reserves  integer scores 0-40 (ties: the lottery decides), school
#                  cap 3 per session, reserves as above
# Each allocation runs three times; the median is reported, peak memory is
# the largest resident set of the three (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=3
SEED=abababababababababababababababababababababababababababababababab
SIZES=(10000 100000 1000000)
DIR=bench/instances
BIN=target/release/smena
OUT=bench/RESULTS.md

command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
cargo build --release -q -p smena
mkdir -p "$DIR"

flags() {
  case $1 in
    distinct) echo "--distinct-scores" ;;
    reserves) echo "--distinct-scores --reserves" ;;
    caps-reserves) echo "--school-cap 3 --reserves" ;;
  esac
}

instance() { # variant size -> directory (generated once)
  local d="$DIR/$1-$2"
  if [ ! -s "$d/applicants.csv" ]; then
    # shellcheck disable=SC2046
    "$BIN" generate synthetic --applicants "$2" --sessions 2000 --choices 5 $(flags "$1") --out "$d" >/dev/null
  fi
  echo "$d"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A ENGINE
rows=()
for n in "${SIZES[@]}"; do
  for variant in distinct reserves caps-reserves; do
    d=$(instance "$variant" "$n")
    engine=(); total=(); peak=0
    for _ in $(seq $RUNS); do
      /usr/bin/time -f "%M" -o "$d/time.txt" "$BIN" allocate --sessions "$d/sessions.csv" \
        --applicants "$d/applicants.csv" --seed $SEED --out "$d/placements.csv" --timings \
        >/dev/null 2>"$d/timings.txt"
      line=$(grep '^timings:' "$d/timings.txt")
      engine+=("$(sed -E 's/.*allocate ([0-9.]+) s.*/\1/' <<<"$line")")
      total+=("$(sed -E 's/.*total ([0-9.]+) s.*/\1/' <<<"$line")")
      kb=$(tail -1 "$d/time.txt"); [ "$kb" -gt "$peak" ] && peak=$kb
    done
    e=$(printf '%s\n' "${engine[@]}" | median)
    t=$(printf '%s\n' "${total[@]}" | median)
    ENGINE[$variant-$n]=$e
    rows+=("| $n | $variant | $e | $t | $((peak / 1024)) |")
    echo "$n $variant: engine ${e}s, CLI ${t}s, peak $((peak / 1024)) MB" >&2
  done
done

# The PyPI `matching` library, in a throwaway virtual environment.
VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q matching==1.4.3
fi
peers=()
for n in 10000 100000; do
  for variant in distinct reserves; do
    d=$(instance "$variant" "$n")
    json=$("$VENV/bin/python" bench/compare_matching.py "$d" "$d/placements.csv")
    py=$(sed -E 's/.*"solver_seconds": ([0-9.]+).*/\1/' <<<"$json")
    same=$(sed -E 's/.*"identical": (true|false).*/\1/' <<<"$json")
    unfilled=$(sed -E 's/.*"unfilled_reserves": ([0-9]+).*/\1/' <<<"$json")
    ours=${ENGINE[$variant-$n]}
    ratio=$(awk -v p="$py" -v o="$ours" 'BEGIN { printf "%.0f", p / o }')
    peers+=("| $n | $variant | $py | $ours | ${ratio}x | $same | $unfilled |")
    echo "$n $variant: matching ${py}s vs ${ours}s, identical=$same" >&2
  done
done

criterion=()
if [ "${1:-}" = "--criterion" ]; then
  mapfile -t criterion < <(cargo bench -q -p smena --bench allocate 2>/dev/null |
    awk '/^allocate\//{name=$1} /time:/{match($0,/\[[^]]*\]/); print "| " name " | " substr($0,RSTART+1,RLENGTH-2) " |"}')
fi

{
  echo "# Benchmark results"
  echo
  echo "Produced by \`bash bench/run.sh$([ ${#criterion[@]} -gt 0 ] && echo ' --criterion')\` on $(date -u +%Y-%m-%d),"
  echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)."
  echo
  echo "## Allocation, 5 choices x 2,000 sessions (median of $RUNS runs)"
  echo
  echo "Engine = \`smena allocate --timings\` \"allocate\" (lottery, eligibility, deferred"
  echo "acceptance, cutoffs); CLI = the whole command (read, parse, allocate, write)."
  echo
  echo "| applicants | instance | engine (s) | CLI end to end (s) | peak memory (MB) |"
  echo "|---:|---|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "## Against PyPI \`matching\` 1.4.3 (HospitalResident, \`resident_optimal\`)"
  echo
  echo "Same instances; its solver alone is timed (not building its players)."
  echo "\"identical\": every applicant in the same session in both results. Reserves are"
  echo "split into a reserved and a general hospital; reserves the group did not fill"
  echo "(counted) are sized to the places it used, since Smena gives the rest to everyone."
  echo
  echo "| applicants | instance | matching (s) | Smena engine (s) | speed-up | identical | reserves not filled |"
  echo "|---:|---|---:|---:|---:|---|---:|"
  printf '%s\n' "${peers[@]}"
  if [ ${#criterion[@]} -gt 0 ]; then
    echo
    echo "## Engine alone (criterion: \`cargo bench -p smena --bench allocate\`)"
    echo
    echo "The engine on a parsed instance, [low estimate, median, high estimate]."
    echo
    echo "| benchmark | time |"
    echo "|---|---|"
    printf '%s\n' "${criterion[@]}"
  fi
} >"$OUT"
echo "wrote $OUT" >&2
