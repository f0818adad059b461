#!/bin/sh
# The plugin example of docs/plugins.md builds against the public headers
# alone, loads with --plugin-dir, and counts what `events` counts; the
# manual page ftrace-analyzer-plugin(7) shows the same code.  (TAP)
set -u
echo "1..5"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
readme="$FTA_TOP_SRCDIR/docs/plugins.md"
trace="$FTA_TOP_SRCDIR/tests/data/tiny-tracefs.txt"

# the first ```c block after "A minimal analyzer"
sed -n '/A minimal analyzer/,$p' "$readme" |
  awk '/^```c$/ { on = 1; next } on && /^```$/ { exit } on { print }' > "$tmp/count.c"
if [ -s "$tmp/count.c" ] &&
   ${CC:-cc} -Wall -Werror -shared -fPIC -o "$tmp/count.so" "$tmp/count.c" \
     -I"$FTA_TOP_SRCDIR/include" $(${PKG_CONFIG:-pkg-config} --cflags glib-2.0) 2> "$tmp/cc.err"
then
  echo "ok 1 - the example plugin of docs/plugins.md compiles"
else
  echo "not ok 1 - the example plugin of docs/plugins.md compiles"
  sed 's/^/# /' "$tmp/cc.err"
fi

# as in docs/plugins.md: the profile names the analyzer, the rest is the default
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

# the manual page's example, its roff escapes undone, is the same code
man="$FTA_TOP_SRCDIR/docs/man/ftrace-analyzer-plugin.7.in"
sed -n '/^An analyzer that counts/,/^\.EE/p' "$man" | sed -e '1,3d' -e '$d' |
  sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' | tr -d ' \n' > "$tmp/man.c"
tr -d ' \n' < "$tmp/count.c" > "$tmp/doc.c"
if [ -s "$tmp/man.c" ] && cmp -s "$tmp/man.c" "$tmp/doc.c"; then
  echo "ok 4 - ftrace-analyzer-plugin(7) shows the same example"
else
  echo "not ok 4 - ftrace-analyzer-plugin(7) shows another example than docs/plugins.md"
  diff "$tmp/doc.c" "$tmp/man.c" | sed 's/^/# /'
fi

# a profile naming its plugin directory, relative to itself: -c alone
mkdir -p "$tmp/prof/mine"
cp "$tmp/count.so" "$tmp/prof/mine/" 2>/dev/null
printf 'plugin_dirs = [ "mine" ];\nanalyzers = [ "count" ];\n' > "$tmp/prof/p.cfg"
if (cd / && env -u FTA_PLUGIN_PATH "$FTA_BIN" -c "$tmp/prof/p.cfg" -q "$trace") \
     > "$tmp/out2.txt" 2> "$tmp/run2.err" &&
   grep -q '(count.switches)' "$tmp/out2.txt"
then
  echo "ok 5 - a profile's plugin_dirs find it with -c alone"
else
  echo "not ok 5 - a profile's plugin_dirs find it with -c alone"
  sed 's/^/# /' "$tmp/run2.err"
fi
