#!/bin/sh
# Each built plugin exports one symbol, its descriptor: anything else it
# exported could clash with the host or with another plugin.
: "${FTA_TOP_BUILDDIR:?run under make check}"
NM=${NM:-nm}

# Symbols the toolchain itself may define in any shared object.
toolchain='_init|_fini|_edata|_end|__bss_start|_DYNAMIC|_GLOBAL_OFFSET_TABLE_'

set -- "$FTA_TOP_BUILDDIR"/plugins/.libs/*.so
if [ ! -e "$1" ]; then
    echo "1..1"
    echo "not ok 1 - plugins are built in $FTA_TOP_BUILDDIR/plugins/.libs"
    exit 1
fi

echo "1..$#"
n=0
fails=0
for so in "$@"; do
    n=$((n + 1))
    name=$(basename "$so")
    # Dynamic symbols defined in the object; A (absolute) marks version
    # nodes, not code or data.
    if ! syms=$($NM -D --defined-only "$so" 2>&1); then
        echo "not ok $n - $name: nm failed"
        echo "$syms" | sed 's/^/# /'
        fails=$((fails + 1))
        continue
    fi
    exported=$(echo "$syms" | awk '$2 != "A" && $2 != "a" { print $2 " " $3 }' \
        | grep -Ev " ($toolchain)\$" | grep -v '^$' | sort)
    if [ "$exported" = "D fta_plugin_descriptor" ] \
        || [ "$exported" = "R fta_plugin_descriptor" ]; then
        echo "ok $n - $name exports only fta_plugin_descriptor"
    else
        echo "not ok $n - $name exports only fta_plugin_descriptor"
        echo "$exported" | sed 's/^/# exported: /'
        fails=$((fails + 1))
    fi
done
[ $fails -eq 0 ]
