#!/bin/sh
# Runs the libFuzzer targets of a build made with ./configure
# --enable-fuzzing, each for SECONDS (default 60), one after the other.
#
#   fuzz/run.sh BUILDDIR [SECONDS [TARGET...]]     (TARGET: parser pipeline
#                                                  saved profile; default all)
#
# Each target starts from its committed seeds (fuzz/seeds/TARGET) and the
# inputs that once failed (fuzz/regressions/TARGET), and grows a corpus of
# its own in BUILDDIR/fuzz/corpus/TARGET, kept between runs.  A crash, a
# hang (-timeout, seconds per input), a leak-free out-of-memory (-rss_limit_mb)
# or a sanitizer report stops the target: the input is written to
# BUILDDIR/fuzz/artifacts/TARGET/ and the script exits 1 after the others
# ran.  Copy such an input to fuzz/regressions/TARGET/ once it is fixed.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: fuzz/run.sh BUILDDIR [SECONDS [TARGET...]]}
build=$(cd "$build" && pwd)
seconds=${2:-60}
[ $# -ge 2 ] && shift 2 || shift $#
targets=${*:-parser pipeline saved profile}
# leaks: GLib keeps a few allocations for the process (type system, quarks)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=""
for t in $targets; do
  bin=$build/fuzz/fuzz-$t
  [ -x "$bin" ] || { echo "fuzz/run.sh: no $bin: configure with --enable-fuzzing" >&2; exit 2; }
  corpus=$build/fuzz/corpus/$t
  artifacts=$build/fuzz/artifacts/$t/
  mkdir -p "$corpus" "$artifacts"
  dirs="$corpus $src/fuzz/seeds/$t"
  [ -d "$src/fuzz/regressions/$t" ] && dirs="$dirs $src/fuzz/regressions/$t"
  echo "fuzz/run.sh: $t for ${seconds}s"
  # shellcheck disable=SC2086 # the directories hold no blanks
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$artifacts" $dirs 2>"$build/fuzz/$t.log"; then
    failed="$failed $t"
    tail -n 60 "$build/fuzz/$t.log" >&2
  fi
  grep -E '^stat::number_of_executed_units|^Done' "$build/fuzz/$t.log" || true
done
if [ -n "$failed" ]; then
  echo "fuzz/run.sh: failed:$failed (inputs in $build/fuzz/artifacts/)" >&2
  exit 1
fi
