#!/bin/sh
# The bash completion, sourced in bash and called as bash calls it: words
# in COMP_WORDS (an "--opt=value" split at '=', as bash splits it), the
# word under the cursor last.
: "${FTA_BIN:?run under make check}"
: "${FTA_TOP_SRCDIR:?run under make check}"
script="$FTA_TOP_SRCDIR/completion/ftrace-analyzer"
set -f  # the words below are patterns ("switch.*"), not files
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v bash >/dev/null 2>&1; then
    echo "1..0 # SKIP bash is not installed"
    exit 0
fi

# complete WORD... : the candidates, one a line, for the last WORD.
complete() {
    bash -c '
        source "$1" || exit 1
        complete -p ftrace-analyzer >/dev/null || exit 1
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        _ftrace_analyzer
        printf "%s\n" "${COMPREPLY[@]}"' _ "$script" "$FTA_BIN" "$@"
}

n=0
fails=0
# expect DESCRIPTION HAS LACKS WORD... : every word of HAS is offered,
# none of LACKS (both separated by blanks; '_' stands for a space).
expect() {
    what=$1 has=$2 lacks=$3
    shift 3
    n=$((n + 1))
    got=$(cd "$tmp" && complete "$@" 2>&1)
    bad=""
    for w in $has; do
        w=$(printf '%s' "$w" | tr _ ' ')
        printf '%s\n' "$got" | grep -qxF -- "$w" || bad="$bad missing $w;"
    done
    for w in $lacks; do
        w=$(printf '%s' "$w" | tr _ ' ')
        printf '%s\n' "$got" | grep -qxF -- "$w" && bad="$bad unexpected $w;"
    done
    if [ -z "$bad" ]; then
        echo "ok $n - $what"
    else
        fails=$((fails + 1))
        echo "not ok $n - $what:$bad"
        printf '%s\n' "$got" | sed 's/^/# got: /'
    fi
}

mkdir "$tmp/dir"
: > "$tmp/trace one.txt"
: > "$tmp/my.cfg"
: > "$tmp/switch.tasks.csv"  # "switch.*" must not expand to it

echo "1..16"
expect "commands and files first" \
    "analyze report compare events filter plugins profiles help trace_one.txt" "" ""
expect "a command from its start" "report" "analyze compare" rep
expect "options" "--comm --config --color --cpu-stats" "--format" --c
expect "a command's own options" "--comm --events --output --sort" "--format --top --color" \
    filter --
expect "options after the command's trace" "--format --tables --wakeup-stats" "" \
    "trace one.txt" --
expect "formats for -f" "text json csv gnuplot html" "switch compare" -f ""
expect "formats for --format=" "json" "csv" --format = j
expect "formats after --format=" "text json" "" --format =
expect "profiles for -p" "default kvm" "" -p ""
expect "profile files for -c" "my.cfg dir" "trace_one.txt" -c ""
expect "--color" "never auto always" "" --color ""
expect "analyzers' tables for --tables" "switch.* wakeup.* cpu.* kvm.*" "text.* compare.* switch.tasks.csv" \
    --tables ""
expect "commands for help" "compare filter" "trace_one.txt" help ""
expect "traces after a command, options and values before it" "trace_one.txt dir" \
    "analyze report" -p kvm --comm x report ""
expect "the second input of compare" "trace_one.txt" "" compare "trace one.txt" ""
expect "nothing after plugins" "" "trace_one.txt plugins" plugins ""
[ "$fails" -eq 0 ]
