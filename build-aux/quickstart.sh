#!/bin/sh
# Set up, build and either analyze the bundled sample trace or run the
# whole test suite.  Works as root on a fresh Debian 12 machine.
#
#   build-aux/quickstart.sh          install what is missing, build, analyze
#                                    the sample trace
#   build-aux/quickstart.sh check    the same set-up, then the test suite:
#                                    make check, the suite again under
#                                    ASan/UBSan, each fuzz target for a
#                                    minute, and make distcheck
set -eu
cd "$(dirname "$0")/.."

mode=${1:-sample}
case $mode in
  sample|check) ;;
  *) echo "usage: $0 [check]" >&2; exit 2 ;;
esac

packages="build-essential autoconf automake libtool pkg-config gzip
  libglib2.0-dev libconfig-dev libjson-glib-dev zlib1g-dev libzstd-dev liblzma-dev
  zstd xz-utils gnuplot-nox groff-base libtracecmd-dev libtracefs-dev libtraceevent-dev"
# the HTML report's test opens it in a headless browser; clang builds the
# fuzz targets
[ "$mode" = check ] && packages="$packages chromium clang"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "quickstart: installing$missing"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -q
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
  else
    echo "quickstart: run as root, or install:$missing" >&2
    exit 1
  fi
fi

jobs=$(nproc 2>/dev/null || echo 2)
werror=""
[ "$mode" = check ] && werror="--enable-werror"

./autogen.sh >/dev/null
# Builds happen out of the source tree, so several configurations coexist.
[ -f config.status ] && make -s distclean >/dev/null 2>&1 || true
mkdir -p build
cd build
../configure -q $werror
make -s -j"$jobs"

if [ "$mode" = sample ]; then
  echo "quickstart: built build/ftrace-analyzer; analyzing the sample trace" \
       "(tests/data/corpus/qemu_tcg_ftrace_default.txt.gz)"
  gzip -dc ../tests/data/corpus/qemu_tcg_ftrace_default.txt.gz | ./ftrace-analyzer --top 10 -
  exit 0
fi

make -s -j"$jobs" check

# The suite again with AddressSanitizer and UBSan.
cd ..
mkdir -p build-sanitizers
cd build-sanitizers
../configure -q --enable-werror --enable-sanitizers
make -s -j"$jobs"
make -s -j"$jobs" check

# Each fuzz target for a minute, under ASan and UBSan (fuzz/README.md).
cd ..
mkdir -p build-fuzz
cd build-fuzz
../configure -q --enable-fuzzing
make -s -j"$jobs"
../fuzz/run.sh . 60
cd ../build

make -s -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror

# One closing line for the two suites (distcheck reran the first).
count() { sed -n "s/^# $1: *//p" test-suite.log ../build-sanitizers/test-suite.log |
          awk '{ n += $1 } END { print n + 0 }'; }
echo "tests: $(count PASS) passed, $(( $(count FAIL) + $(count ERROR) )) failed, $(count SKIP) skipped"
