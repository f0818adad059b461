#!/bin/sh
# Golden files: the text, JSON and CSV of a small hand-made trace, whose
# every number was checked by hand (tests/data/golden/README.md), must not
# change without the golden files changing with them.  (TAP)
set -u
dir="$FTA_TOP_SRCDIR/tests/data/golden"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$dir" || exit 1
n=0
check() { # NAME EXPECTED GOT
  n=$((n + 1))
  if diff -u "$2" "$3" > "$tmp/diff"; then
    echo "ok $n - $1 matches its golden file"
  else
    echo "not ok $n - $1 differs from its golden file"
    sed 's/^/# /' "$tmp/diff"
  fi
}
echo "1..11"
"$FTA_BIN" -c golden.cfg --top 0 hand.txt > "$tmp/hand.text" 2>&1
check text hand.text "$tmp/hand.text"
"$FTA_BIN" -q -c golden.cfg -f json hand.txt > "$tmp/hand.json" 2>&1
check json hand.json "$tmp/hand.json"
"$FTA_BIN" -q -c golden.cfg -f csv -o "$tmp/csv/" hand.txt
for f in report.csv report.quality.csv report.quality.missing_events.csv \
         report.switch.comms.csv report.switch.tasks.csv \
         report.wakeup.comms.csv report.wakeup.latency_hist.csv report.wakeup.pairs.csv \
         report.wakeup.tasks.csv; do
  check "csv $f" "csv/$f" "$tmp/csv/$f"
done
