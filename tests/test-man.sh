#!/bin/sh
# The manual pages render without a warning, and say what the program
# does: every option of --help, every command, exit status and environment
# variable in ftrace-analyzer(1); every plugin option `plugins` lists, with
# its default, in ftrace-analyzer-profile(5); the plugin ABI in
# ftrace-analyzer-plugin(7).
: "${FTA_TOP_BUILDDIR:?run under make check}"
: "${FTA_BIN:?run under make check}"
man="$FTA_TOP_BUILDDIR/docs/man"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v groff >/dev/null 2>&1; then
    echo "1..0 # SKIP groff is not installed"
    exit 0
fi

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
    n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"
    [ -s "$tmp/why" ] && sed 's/^/# /' "$tmp/why"
}
# The page as text, one paragraph a line (no line breaks, no hyphens).
text() { groff -t -man -Tascii -rLL=2000n -rHY=0 -P-cbou "$man/$1" 2>/dev/null; }

echo "1..8"
for page in ftrace-analyzer.1 ftrace-analyzer-profile.5 ftrace-analyzer-plugin.7; do
    : > "$tmp/why"
    if [ ! -s "$man/$page" ]; then
        echo "$man/$page is missing" > "$tmp/why"
        notok "$page renders without warnings"
        continue
    fi
    # -ww: every warning; the PostScript device and the terminal's
    groff -t -ww -z -man "$man/$page" > "$tmp/why" 2>&1
    groff -t -ww -z -man -Tutf8 "$man/$page" >> "$tmp/why" 2>&1
    # every @VARIABLE@ filled in by the build (configure's own would eat
    # a bare one in Makefile.am)
    text "$page" | grep -o '@[A-Z_]*@' | sed 's/$/ is left unfilled/' >> "$tmp/why"
    if [ -s "$tmp/why" ]; then notok "$page renders without warnings"
    else ok "$page renders without warnings"; fi
done

text ftrace-analyzer.1 > "$tmp/man1"
# Every option of every command's help: long names and short letters.
: > "$tmp/why"
for cmd in "" analyze report compare events filter plugins profiles help; do
    "$FTA_BIN" $cmd --help
done > "$tmp/help"
# Each is the tag of an entry of OPTIONS, "-p, --profile=name".
sed -n '/^OPTIONS/,/^[A-Z]/p' "$tmp/man1" > "$tmp/options1"
grep -oE '^  (-[A-Za-z?], )?--[a-z][a-z-]*' "$tmp/help" | sed 's/^ *//' | sort -u |
    while read -r line; do
        grep -qE -- "^ +$line([=[ ]|\$)" "$tmp/options1" ||
            echo "$line is not an entry of OPTIONS in ftrace-analyzer(1)" >> "$tmp/why"
    done
if [ -s "$tmp/why" ]; then notok "every --help option is in ftrace-analyzer(1)"
else ok "every --help option is in ftrace-analyzer(1)"; fi

# Every command, every exit status of --help, every environment variable
# the help names.
: > "$tmp/why"
sed -n '/^Commands:/,/^$/p' "$tmp/help" | awk 'NF && !/Commands:/ { print $1 }' | sort -u |
    while read -r c; do
        grep -qE "^ +$c( |$)" "$tmp/man1" || echo "command $c is not in COMMANDS" >> "$tmp/why"
    done
sed -n '/^Exit status:/,/^[^ ]/p' "$tmp/help" | awk '/^  [0-9] / { print $1 }' |
    while read -r code; do
        sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$tmp/man1" | grep -qE "^ +$code( |\$)" ||
            echo "exit status $code is not in EXIT STATUS" >> "$tmp/why"
    done
grep -oE '\$[A-Z_]+|NO_COLOR' "$tmp/help" | tr -d '$' | sort -u | while read -r v; do
    sed -n '/^ENVIRONMENT/,/^FILES/p' "$tmp/man1" | grep -qE "^ +$v\$" ||
        echo "$v is not in ENVIRONMENT" >> "$tmp/why"
done
if [ -s "$tmp/why" ]; then notok "commands, exit status and environment are in ftrace-analyzer(1)"
else ok "commands, exit status and environment are in ftrace-analyzer(1)"; fi

# Every plugin option, with its type and default, under its plugin.
text ftrace-analyzer-profile.5 > "$tmp/man5"
: > "$tmp/why"
"$FTA_BIN" plugins > "$tmp/plugins"
awk '/^[a-z]/ && ($2 == "analyzer" || $2 == "sink" || $2 == "comparator") { p = $1 }
     /^      [a-z_]+ +(int|bool|double|string) +default / { print p, $1, $2, $4 }' \
    "$tmp/plugins" > "$tmp/options"
[ -s "$tmp/options" ] || echo "no plugin option listed by 'plugins'" >> "$tmp/why"
while read -r plugin name type default; do
    case $default in *,*) default="$(echo "$default" | sed 's/,/, /g'), without the spaces" ;; esac
    awk -v sec="plugins.$plugin (" -v name="$name" -v want="($type, default $default)" '
        index($0, sec) == 4 { in_sec = 1; next }
        /^   [a-z]/ { in_sec = 0 }
        # a short tag shares its line with the text, a long one has its own
        in_sec && $1 == name {
            if (NF == 1) getline; else sub("^ *" name, "")
            sub(/^ +/, ""); found = found || index($0, want) == 1
        }
        END { exit !found }' "$tmp/man5" ||
        echo "plugins.$plugin.$name ($type, default $default) is not in ftrace-analyzer-profile(5)" \
            >> "$tmp/why"
done < "$tmp/options"
if [ -s "$tmp/why" ]; then notok "every plugin option and its default is in ftrace-analyzer-profile(5)"
else ok "every plugin option and its default is in ftrace-analyzer-profile(5)"; fi

# Every key the default profile sets, and the filter keys.
: > "$tmp/why"
src=${FTA_TOP_SRCDIR:-.}
for key in $(sed -n 's/^\([a-z_]*\) *=.*/\1/p' "$src/config/default.cfg") \
           $(sed -n '/^filter = {/,/^}/s/^ *\([a-z]*\) *=.*/\1/p' "$src/config/default.cfg"); do
    sed -n '/^KEYS/,/^PLUGIN OPTIONS/p' "$tmp/man5" | grep -qE "^ +$key( |\$)" ||
        echo "key $key is not in KEYS" >> "$tmp/why"
done
if [ -s "$tmp/why" ]; then notok "every profile key is in ftrace-analyzer-profile(5)"
else ok "every profile key is in ftrace-analyzer-profile(5)"; fi

# The ABI the plugin page states is the header's.
: > "$tmp/why"
hdr="$src/include/ftrace-analyzer/fta-plugin.h"
abi="$(sed -n 's/^#define FTA_PLUGIN_ABI_MAJOR //p' "$hdr").$(sed -n 's/^#define FTA_PLUGIN_ABI_MINOR //p' "$hdr")"
text ftrace-analyzer-plugin.7 | grep -q "(currently $abi)" ||
    echo "ftrace-analyzer-plugin(7) does not say ABI $abi" > "$tmp/why"
if [ -s "$tmp/why" ]; then notok "ftrace-analyzer-plugin(7) states the ABI of the headers"
else ok "ftrace-analyzer-plugin(7) states the ABI of the headers"; fi

[ "$fails" -eq 0 ]
