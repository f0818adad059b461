#!/bin/sh
# The public header must be enough to write a plugin: it compiles alone,
# with only GLib's flags, and pulls in no libconfig or core header.
: "${FTA_TOP_SRCDIR:?run under make check}"
: "${CC:=cc}"
: "${PKG_CONFIG:=pkg-config}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fta-header.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

glib_cflags=$($PKG_CONFIG --cflags glib-2.0) || {
    echo "Bail out! $PKG_CONFIG --cflags glib-2.0 failed"
    exit 99
}
cflags="-I$FTA_TOP_SRCDIR/include $glib_cflags"

cat > "$tmp/plugin.c" <<'EOT'
#include <ftrace-analyzer/ftrace-analyzer.h>

static const FtaOptionSpec hdr_options[] = {
    { "depth", FTA_OPT_INT, "3", "levels" },
    { NULL, FTA_OPT_INT, NULL, NULL }
};

static const FtaEventType hdr_events[] = { FTA_EV_SCHED_SWITCH, FTA_EV_NONE };

static void *
hdr_create (const FtaContext *ctx, const FtaOptions *opts, GError **error)
{
    (void) error;
    return GINT_TO_POINTER (fta_options_get_int (opts, "depth") + 1
                            + (gint64) fta_context_top (ctx));
}

static void
hdr_on_event (void *self, const FtaEvent *ev)
{
    (void) self;
    (void) ev;
}

FTA_PLUGIN_DEFINE (
    .name = "hdr",
    .kind = FTA_PLUGIN_ANALYZER,
    .summary = "header test",
    .options = hdr_options,
    .events = hdr_events,
    .create = hdr_create,
    .on_event = hdr_on_event,
);
EOT

n=0
fails=0
result () { # STATUS DESCRIPTION [LOG]
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        fails=$((fails + 1))
        [ -n "$3" ] && [ -s "$3" ] && sed 's/^/# /' "$3"
    fi
}

echo "1..4"

# shellcheck disable=SC2086 # flags are word lists
$CC $cflags -std=c99 -Wall -Wextra -Werror -c "$tmp/plugin.c" -o "$tmp/plugin.o" \
    > "$tmp/c99.log" 2>&1
result $? "the header alone compiles with -std=c99 -Wall -Wextra -Werror" "$tmp/c99.log"

# shellcheck disable=SC2086
$CC $cflags -M "$tmp/plugin.c" > "$tmp/deps" 2> "$tmp/deps.log"
st=$?
if [ $st -eq 0 ] && grep -E '(^|[[:space:]/])(libconfig\.h|core\.h|parser\.h|engine\.h|config\.h)' \
        "$tmp/deps" \
        > "$tmp/leaks"; then
    st=1
    cat "$tmp/leaks" >> "$tmp/deps.log"
fi
result $st "no libconfig, core or config.h header is included" "$tmp/deps.log"

# The descriptor must stay visible in a plugin built with hidden visibility.
# shellcheck disable=SC2086
$CC $cflags -fPIC -fvisibility=hidden -shared -Wall -Wextra -Werror \
    "$tmp/plugin.c" -o "$tmp/hdr.so" > "$tmp/so.log" 2>&1 \
    && nm -D --defined-only "$tmp/hdr.so" > "$tmp/syms" 2>> "$tmp/so.log" \
    && grep -Eq '^[0-9a-f]+ [DR] fta_plugin_descriptor$' "$tmp/syms"
st=$?
[ $st -ne 0 ] && [ -f "$tmp/syms" ] && cat "$tmp/syms" >> "$tmp/so.log"
result $st "a plugin built with -fvisibility=hidden exports fta_plugin_descriptor" \
    "$tmp/so.log"

# The descriptor carries the ABI the header declares.
cat > "$tmp/abi.c" <<'EOT'
#include <ftrace-analyzer/ftrace-analyzer.h>
FTA_PLUGIN_DEFINE (.name = "abi", .kind = FTA_PLUGIN_SINK);
_Static_assert (FTA_PLUGIN_ABI_MAJOR >= 1, "ABI major starts at 1");
int
main (void)
{
    return !(fta_plugin_descriptor.abi_major == FTA_PLUGIN_ABI_MAJOR
             && fta_plugin_descriptor.abi_minor == FTA_PLUGIN_ABI_MINOR
             && fta_plugin_descriptor.kind == FTA_PLUGIN_SINK);
}
EOT
# shellcheck disable=SC2086
$CC $cflags -std=c11 -Wall -Wextra -Werror "$tmp/abi.c" -o "$tmp/abi" \
    > "$tmp/abi.log" 2>&1 && "$tmp/abi" >> "$tmp/abi.log" 2>&1
result $? "FTA_PLUGIN_DEFINE stamps FTA_PLUGIN_ABI_MAJOR.FTA_PLUGIN_ABI_MINOR" \
    "$tmp/abi.log"

[ $fails -eq 0 ]
