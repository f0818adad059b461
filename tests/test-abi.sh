#!/bin/sh
# The plugin ABI rule, "same major, minor at most ours": a plugin built
# against the 1.0 headers (tests/plugins/abi10) loads and runs; a plugin
# using the calls of 1.12 (events and fields by name, FtaTasks) gets the
# events its name patterns match, once each, and reads their fields right:
# counts and sums checked against grep and awk on the trace.  (TAP)
: "${FTA_BIN:?run under make check}"
plugins="$FTA_TOP_BUILDDIR/tests/plugins/.libs"
tiny="$FTA_TOP_SRCDIR/tests/data/tiny-tracefs.txt"
stat="$FTA_TOP_SRCDIR/tests/data/stat-runtime.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..5"

# value of column COL in the first data row of a CSV file
cell() { tr -d '\r"' < "$1" | awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
                                NR == 2 { print $c; exit }'; }

printf 'analyzers = [ "switch", "abi10" ];\n' > "$tmp/abi10.cfg"
"$FTA_BIN" plugins --plugin-dir "$plugins" > "$tmp/plugins.txt" 2>&1
if grep -q 'abi10.*(ABI 1\.0)' "$tmp/plugins.txt"; then
  echo "ok 1 - a plugin built against the 1.0 headers is listed as ABI 1.0"
else
  echo "not ok 1 - a plugin built against the 1.0 headers is listed as ABI 1.0"
  sed 's/^/# /' "$tmp/plugins.txt"
fi

want=$(grep -c ': sched_switch: ' "$tiny")
if "$FTA_BIN" --plugin-dir "$plugins" -c "$tmp/abi10.cfg" -q -f csv -o "$tmp/a/" "$tiny" \
     2> "$tmp/a.err" &&
   [ "$(cell "$tmp/a/report.abi10.counts.csv" switches)" = "$want" ]; then
  echo "ok 2 - it runs, and sees the $want switches grep counts"
else
  echo "not ok 2 - the 1.0 plugin runs and counts $want switches"
  sed 's/^/# /' "$tmp/a.err"
fi

printf 'analyzers = [ "byname" ];\n' > "$tmp/byname.cfg"
if "$FTA_BIN" --plugin-dir "$plugins" -c "$tmp/byname.cfg" -q -f csv -o "$tmp/b/" "$stat" \
     2> "$tmp/b.err"; then
  echo "ok 3 - a plugin subscribing by name runs"
else
  echo "not ok 3 - a plugin subscribing by name runs"
  sed 's/^/# /' "$tmp/b.err"
fi

# every sched_stat_* line once, sched_switch once although named twice;
# the one sched_stat_wait line has no runtime field
names="$tmp/b/report.byname.names.csv"
w_stat=$(grep -c ': sched_stat_[a-z]*: ' "$stat")
w_sw=$(grep -c ': sched_switch: ' "$stat")
w_miss=$(grep ': sched_stat_[a-z]*: ' "$stat" | grep -vc ' runtime=')
got="$(cell "$names" stat_events) $(cell "$names" switch_events) $(cell "$names" missing)"
if [ "$got" = "$w_stat $w_sw $w_miss" ]; then
  echo "ok 4 - events by pattern and by type come once each ($got)"
else
  echo "not ok 4 - events by name: got '$got', want '$w_stat $w_sw $w_miss'"
fi

# runtime per pid and comm, read from the text by awk
awk '/: sched_stat_runtime: / {
       match ($0, / pid=[0-9]+/); pid = substr ($0, RSTART + 5, RLENGTH - 5)
       match ($0, / runtime=[0-9]+/); rt = substr ($0, RSTART + 9, RLENGTH - 9)
       match ($0, /comm=.* pid=/); comm = substr ($0, RSTART + 5, RLENGTH - 10)
       n[pid]++; sum[pid] += rt; c[pid] = comm }
     END { for (p in n) print p "," c[p] "," n[p] "," sum[p] }' "$stat" | sort > "$tmp/want.csv"
tail -n +2 "$tmp/b/report.byname.tasks.csv" 2>/dev/null | tr -d '"\r' | sort > "$tmp/got.csv"
if [ -s "$tmp/want.csv" ] && cmp -s "$tmp/want.csv" "$tmp/got.csv"; then
  echo "ok 5 - fields by name: pid, comm (with a blank) and runtime per task as awk reads them"
else
  echo "not ok 5 - fields by name differ from awk's reading"
  diff "$tmp/want.csv" "$tmp/got.csv" | sed 's/^/# /'
fi
