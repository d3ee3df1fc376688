#!/usr/bin/env bash
# The README's pictures of the printed papers: the service test that prints
# them on the demo keeps one of each (target/tmp/papers); this turns the
# first page of each into a PNG. Needs poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo test -p smena --test service travel_papers_and_spreadsheets_reach_only_whom_they_concern::sqlite
for name in voucher consent manifest roster report; do
  pdftoppm -png -r 60 -f 1 -l 1 -singlefile "target/tmp/papers/sqlite-$name.pdf" "docs/papers/$name"
done
ls -l docs/papers/*.png
