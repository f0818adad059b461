#!/bin/sh
# The HTML report of a corpus recording in headless Chromium: it loads
# without console errors, every section renders, and a screenshot is left
# at $FTA_TOP_BUILDDIR/tests/report.png for people to look at.  Skipped
# when Chromium is not installed (build-aux/quickstart.sh check installs it).
set -u
chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  echo "1..0 # SKIP chromium not installed"
  exit 0
fi
build=${FTA_TOP_BUILDDIR:-.}
src=${FTA_TOP_SRCDIR:-..}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$build/tests"
report="$tmp/report.html"
shot="$build/tests/report.png"
echo "1..9"

if "$FTA_BIN" report -q "$src/tests/data/corpus/qemu_tcg_ftrace_default.txt.gz" \
     -o "$report"; then
  echo "ok 1 - report written"
else
  echo "not ok 1 - report written"
fi

browse() {
  # no network, no profile of the user's, console messages on stderr
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$(mktemp -d "$tmp/profile.XXXXXX")" \
    --enable-logging=stderr --v=0 "$@" "file://${page:-$report}"
}

rm -f "$shot"
browse --screenshot="$shot" --window-size=1280,2400 >"$tmp/shot.out" 2>"$tmp/shot.err"
if [ -s "$shot" ]; then
  echo "ok 2 - screenshot at $shot"
else
  echo "not ok 2 - screenshot at $shot"
  sed 's/^/# /' "$tmp/shot.err"
fi

browse --dump-dom >"$tmp/dom.html" 2>"$tmp/dom.err"
missing=""
for id in summary threads blocking migration irq vms recommendations quality; do
  grep -q "<section id=\"$id\">" "$tmp/dom.html" || missing="$missing $id"
done
if [ -z "$missing" ] && grep -q '</html>' "$tmp/dom.html"; then
  echo "ok 3 - every section rendered"
else
  echo "not ok 3 - sections missing from the rendered page:$missing"
fi

# Chromium logs the page's console as "INFO:CONSOLE(line)] message, source:",
# uncaught exceptions included; its own noise (D-Bus, GPU) names no page.
errors=$(cat "$tmp/shot.err" "$tmp/dom.err" |
         grep -E 'CONSOLE|Uncaught|:ERROR:.*file://' || true)
if [ -z "$errors" ]; then
  echo "ok 4 - no console errors"
else
  echo "not ok 4 - console errors"
  printf '%s\n' "$errors" | sed 's/^/# /'
fi

# the sorting script ran without error and the charts' text is there
if grep -q 'table class="data sortable top"' "$tmp/dom.html" &&
   ! grep -q '"http' "$tmp/dom.html"; then
  echo "ok 5 - tables rendered, nothing fetched"
else
  echo "not ok 5 - tables rendered, nothing fetched"
fi

# The comparison of a contended trace with a quiet one, in the same browser.
page="$tmp/comparison.html"
if "$FTA_BIN" compare -q -f html -o "$page" \
     "$src/tests/data/corpus/quiet_ftrace_default.txt.gz" \
     "$src/tests/data/corpus/cpu_contention_ftrace_default.txt.gz"; then
  echo "ok 6 - comparison written"
else
  echo "not ok 6 - comparison written"
fi
cshot="$build/tests/comparison.png"
rm -f "$cshot"
browse --screenshot="$cshot" --window-size=1280,2400 >"$tmp/c.out" 2>"$tmp/c.err"
browse --dump-dom >"$tmp/cdom.html" 2>>"$tmp/c.err"
if [ -s "$cshot" ] && grep -q '<section id="compare">' "$tmp/cdom.html" &&
   grep -q 'stress-ng-cpu' "$tmp/cdom.html"; then
  echo "ok 7 - comparison rendered, naming the CPU hog (screenshot at $cshot)"
else
  echo "not ok 7 - comparison rendered, naming the CPU hog"
fi
# titled as a comparison, each input's tiles and quality
if grep -q '<h1>ftrace-analyzer comparison</h1>' "$tmp/cdom.html" &&
   [ "$(grep -c 'class="input-role">baseline: ' "$tmp/cdom.html")" = 2 ] &&
   [ "$(grep -c 'class="input-role">problem: ' "$tmp/cdom.html")" = 2 ] &&
   [ "$(grep -o '<div class="cards">' "$tmp/cdom.html" | wc -l)" = 2 ] &&
   [ "$(grep -o '<table class="kv quality">' "$tmp/cdom.html" | wc -l)" = 2 ]; then
  echo "ok 8 - comparison: both traces' summaries and quality"
else
  echo "not ok 8 - comparison: both traces' summaries and quality"
fi
errors=$(grep -E 'CONSOLE|Uncaught|:ERROR:.*file://' "$tmp/c.err" || true)
if [ -z "$errors" ]; then
  echo "ok 9 - comparison: no console errors"
else
  echo "not ok 9 - comparison: console errors"
  printf '%s\n' "$errors" | sed 's/^/# /'
fi
