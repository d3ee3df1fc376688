#!/usr/bin/env bash
# Mail delivery: N messages (default 20,000) waiting in the outbox of a
# SQLite database; one `smena serve --smtp` replica delivers them to a relay
# on loopback (bench/mail_relay.py: aiosmtpd that accepts and counts).
# Timed from the replica's start until the outbox is empty; prints
# messages per second. PROFILE=debug uses the debug build.
#   bash bench/mail.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20000}"
profile="${PROFILE:-release}"
if [ "$profile" = release ]; then
  cargo build --release -p smena --bin smena --quiet
else
  cargo build -p smena --bin smena --quiet
fi
bin="target/$profile/smena"
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

"$bin" migrate --database "$work/mail.db" >/dev/null
python3 - "$work/mail.db" "$n" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
body = "Dear family,\n\nthe results of the programme are published: see your page.\n" * 4
db.executemany(
    "INSERT INTO outbox (id, recipient, kind, subject, body, created_at, next_attempt_at) "
    "VALUES (?, ?, 'bench', ?, ?, 0, 0)",
    [(i, f"family{i}@example.org", f"Result {i}", body) for i in range(1, int(sys.argv[2]) + 1)],
)
db.commit()
PY
# Debian's python3 has aiosmtpd (python3-aiosmtpd); another first in PATH may not.
relay_python=python3
[ -x /usr/bin/python3 ] && relay_python=/usr/bin/python3
"$relay_python" bench/mail_relay.py "$port" & pids+=($!)
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break
  sleep 0.1
done

start="$(date +%s.%N)"
SMENA_LOG=error "$bin" serve --database "$work/mail.db" --listen 127.0.0.1:0 \
  --smtp "smtp://127.0.0.1:$port" >/dev/null & pids+=($!)
python3 - "$work/mail.db" "$n" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
while True:
    (left,) = db.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()
    if left == 0:
        break
    time.sleep(0.05)
PY
end="$(date +%s.%N)"
python3 - "$n" "$start" "$end" "$profile" <<'PY'
import sys
n, start, end, profile = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print(f"{n} messages in {end - start:.2f} s: {n / (end - start):.0f} messages per second ({profile} build, one replica)")
PY
