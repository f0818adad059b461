#!/bin/sh
# The plugin example in README.md builds against the public headers alone,
# loads with --plugin-dir, and counts what `events` counts.  (TAP)
set -u
echo "1..3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
readme="$FTA_TOP_SRCDIR/README.md"
trace="$FTA_TOP_SRCDIR/tests/data/tiny-tracefs.txt"

# the first ```c block after "A minimal analyzer"
sed -n '/A minimal analyzer/,$p' "$readme" |
  awk '/^```c$/ { on = 1; next } on && /^```$/ { exit } on { print }' > "$tmp/count.c"
if [ -s "$tmp/count.c" ] &&
   ${CC:-cc} -Wall -Werror -shared -fPIC -o "$tmp/count.so" "$tmp/count.c" \
     -I"$FTA_TOP_SRCDIR/include" $(${PKG_CONFIG:-pkg-config} --cflags glib-2.0) 2> "$tmp/cc.err"
then
  echo "ok 1 - the README example plugin compiles"
else
  echo "not ok 1 - the README example plugin compiles"
  sed 's/^/# /' "$tmp/cc.err"
fi

# as in the README: the profile names the analyzer, the rest is the default
printf 'analyzers = [ "count" ];\n' > "$tmp/my.cfg"
if "$FTA_BIN" --plugin-dir "$tmp" -c "$tmp/my.cfg" -q "$trace" > "$tmp/out.txt" 2> "$tmp/run.err" &&
   grep -q '(count.switches)' "$tmp/out.txt" &&
   "$FTA_BIN" --plugin-dir "$tmp" -c "$tmp/my.cfg" -q -f json -o "$tmp/out.json" "$trace" 2>> "$tmp/run.err"
then
  echo "ok 2 - it runs from --plugin-dir"
else
  echo "not ok 2 - it runs from --plugin-dir"
  sed 's/^/# /' "$tmp/run.err"
fi

want=$("$FTA_BIN" events "$trace" | awk '$2 == "sched_switch" { print $1 }')
got=$(tr -d ' \n' < "$tmp/out.json" 2>/dev/null |
      sed -n 's/.*"count\.switches":{[^}]*}*[^]]*\]*,"rows":\[\[\([0-9]*\)\]\].*/\1/p')
if [ -n "$want" ] && [ "$got" = "$want" ]; then
  echo "ok 3 - it counts $want switches, as 'events' does"
else
  echo "not ok 3 - it counts '$got' switches, 'events' says '$want'"
fi
