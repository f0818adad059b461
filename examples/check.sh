#!/bin/sh
# Builds the example plugins against an installed ftrace-analyzer (its
# headers and pkg-config file only), runs them with a profile that names
# them through plugin_dirs, with -c alone, and checks their numbers
# against what awk reads from the same trace.  A template for testing a
# plugin of one's own.
#
#   check.sh DESTDIR BINDIR PKGCONFIGDIR EXAMPLES TRACE.txt[.gz]
#
# DESTDIR may be empty.  Exits 0 when every check passes.
set -u
destdir=$1 bindir=$2 pcdir=$3 examples=$4 trace=$5
fta="$destdir$bindir/ftrace-analyzer"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass() { echo "examples: ok - $1"; }
fail() { echo "examples: FAILED - $1"; fails=$((fails + 1)); }

# a copy to build in: the source tree may be read-only (distcheck)
cp -R "$examples" "$tmp/ex" && chmod -R u+w "$tmp/ex"
export PKG_CONFIG_PATH="$destdir$pcdir"
[ -n "$destdir" ] && export PKG_CONFIG_SYSROOT_DIR="$destdir"
if ${MAKE:-make} -s -C "$tmp/ex" CC="${CC:-cc}" CFLAGS="-O2 -Wall -Wextra -Werror" \
     > "$tmp/build.log" 2>&1 &&
   [ -f "$tmp/ex/iolat/iolat.so" ] && [ -f "$tmp/ex/markdown/markdown.so" ] &&
   [ -f "$tmp/ex/delta/delta.so" ]; then
  pass "the three examples build against the installed SDK"
else
  fail "the examples do not build against the installed SDK"
  cat "$tmp/build.log"
  exit 1
fi

case $trace in
  *.gz) gzip -dc "$trace" > "$tmp/trace.txt" ;;
  *) cp "$trace" "$tmp/trace.txt" ;;
esac
run() { env -u FTA_PLUGIN_PATH -u FTA_PROFILE_PATH "$fta" -c "$tmp/ex/examples.cfg" -q "$@"; }

# --- iolat: per device and per task, against awk ---------------------------
if run -f csv -o "$tmp/csv/" "$tmp/trace.txt" 2> "$tmp/run.err"; then
  pass "iolat runs from the profile's plugin_dirs, with -c alone"
else
  fail "iolat does not run with -c alone"
  cat "$tmp/run.err"
fi
# the block events of the trace, read independently: issue and complete
# paired by device and sector, the latest issue counting
awk '
function ns(ts,   a) { sub (/:$/, "", ts); split (ts, a, ".");
                       return a[1] * 1000000000 + a[2] * 10 ^ (9 - length (a[2])) }
/: block_rq_(issue|complete): / {
  for (i = 1; i <= NF; i++) if ($i ~ /^block_rq_(issue|complete):$/) break
  ev = $i; t = ns($(i - 1)); dev = $(i + 1); sub (/,/, ":", dev)
  for (j = i + 1; j <= NF; j++) if ($j == "+") break
  key = dev " " $(j - 1)
  if (ev == "block_rq_issue:") {
    issued[dev]++; sectors[dev] += $(j + 1); start[key] = t
  } else if (key in start) {
    l = t - start[key]; delete start[key]
    done[dev]++; sum[dev] += l; if (l > max[dev]) max[dev] = l
  } else if (!(dev in issued)) { issued[dev] += 0 }
}
END { for (d in issued)
        printf "%s,%d,%d,%d,%s,%s\n", d, issued[d], done[d], sectors[d],
               done[d] ? int (sum[d] / done[d]) : "", done[d] ? max[d] : "" }' \
  "$tmp/trace.txt" | sort > "$tmp/want-dev.csv"
awk -F, 'NR > 1 { print $1 "," $2 "," $3 "," $4 "," $5 "," $7 }' \
  "$tmp/csv/report.iolat.devices.csv" 2>/dev/null | tr -d '"\r' | sort > "$tmp/got-dev.csv"
if [ -s "$tmp/want-dev.csv" ] && cmp -s "$tmp/want-dev.csv" "$tmp/got-dev.csv"; then
  pass "iolat.devices: requests, sectors, average and longest latency as awk reads them ($(wc -l < "$tmp/want-dev.csv") devices)"
else
  fail "iolat.devices differs from awk's reading (dev,issued,completed,sectors,avg,max)"
  diff "$tmp/want-dev.csv" "$tmp/got-dev.csv"
fi
awk '/: block_rq_issue: / {
       match ($0, /-[0-9]+ +\[[0-9]+\]/); s = substr ($0, RSTART + 1, RLENGTH - 1)
       split (s, a, " "); pid = a[1]
       for (i = 1; i <= NF; i++) if ($i == "+") break
       n[pid]++; sec[pid] += $(i + 1) }
     END { for (p in n) print p "," n[p] "," sec[p] }' "$tmp/trace.txt" | sort > "$tmp/want-task.csv"
tr -d '"\r' < "$tmp/csv/report.iolat.tasks.csv" 2>/dev/null |
  awk -F, 'NR > 1 { print $1 "," $(NF - 1) "," $NF }' | sort > "$tmp/got-task.csv"
if [ -s "$tmp/want-task.csv" ] && cmp -s "$tmp/want-task.csv" "$tmp/got-task.csv"; then
  pass "iolat.tasks: requests and sectors per issuing task as awk counts them"
else
  fail "iolat.tasks differs from awk's count (pid,issued,sectors)"
  diff "$tmp/want-task.csv" "$tmp/got-task.csv" | head -20
fi

# --- markdown: the profile's sink --------------------------------------------
top=$(sort -t, -k2,2nr "$tmp/want-dev.csv" | head -1)
dev=${top%%,*} rest=${top#*,} n=${rest%%,*}
if run "$tmp/trace.txt" > "$tmp/report.md" 2> "$tmp/md.err" &&
   grep -q '^## .*(`iolat.devices`)$' "$tmp/report.md" &&
   grep -q "^| $dev | $n | " "$tmp/report.md" &&
   grep -q '^## .*(`switch.tasks`)$' "$tmp/report.md"; then
  pass "markdown renders every table; device $dev shows its $n requests"
else
  fail "the markdown report lacks a table or device $dev with $n requests"
  cat "$tmp/md.err"; head -40 "$tmp/report.md"
fi

# --- delta: the profile's comparator -----------------------------------------
# the problem: the trace's first half, whose requests awk counts again
lines=$(wc -l < "$tmp/trace.txt")
head -n $((lines / 2)) "$tmp/trace.txt" > "$tmp/half.txt"
n_half=$(awk -v d="$dev" '/: block_rq_issue: / { for (i = 1; i <= NF; i++)
           if ($i == "block_rq_issue:") break; x = $(i + 1); sub (/,/, ":", x)
           if (x == d) n++ } END { print n + 0 }' \
         "$tmp/half.txt")
if env -u FTA_PLUGIN_PATH -u FTA_PROFILE_PATH "$fta" compare -c "$tmp/ex/examples.cfg" -q \
     -f csv -o "$tmp/cmp/" "$tmp/trace.txt" "$tmp/half.txt" 2> "$tmp/cmp.err"; then
  row=$(tr -d '"\r' < "$tmp/cmp/report.delta.changes.csv" |
        awk -F, -v d="$dev" '$1 == "iolat.devices" && $2 == d && $3 == "issued" { print $4 "," $5 }')
  if [ "$row" = "$n,$n_half" ]; then
    pass "delta: device $dev's requests went from $n to $n_half"
  else
    fail "delta: want '$n,$n_half' for $dev's requests, got '$row'"
    head -20 "$tmp/cmp/report.delta.changes.csv"
  fi
else
  fail "compare with the delta comparator failed"
  cat "$tmp/cmp.err"
fi

[ "$fails" -eq 0 ]
