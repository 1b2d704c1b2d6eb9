#!/bin/sh
# check-all.sh BUILD -- what `make check` runs: every invariant script
# (generated files, kernel symbols, wasm32 compile, closed namespace, host
# sizes, installed tree), then the test runner tests/run.sh BUILD, which
# boots a fresh kernel per test program on each host in $HOSTS and prints
# the closing "N passed, N failed" line.  Every check runs even after one
# fails; the summary below the runner's line is worded so that the
# runner's line stays the last of its kind.  Exits non-zero if anything
# failed.
set -u

if [ $# -ne 1 ]; then
	echo "usage: check-all.sh BUILD" >&2
	exit 2
fi
B=$1
ok='' bad=''

# run NAME COMMAND... -- run one check under a header and record it.
run() {
	name=$1
	shift
	echo
	echo "==== $name ===="
	if "$@"; then
		ok="$ok $name"
	else
		echo "==== $name: FAILED (exit $?) ===="
		bad="$bad $name"
	fi
}

if [ -f scripts/check-generated.sh ]; then
	run check-generated sh scripts/check-generated.sh .
else
	echo "check-all: scripts/check-generated.sh is not in the tree yet"
fi
run check-symbols sh scripts/check-symbols.sh "$B"
run check-wasm32 sh scripts/check-wasm32.sh "$B"
run check-namespace sh scripts/check-namespace.sh "$B"
run check-hostsize sh scripts/check-hostsize.sh
run check-install sh scripts/check-install.sh "$B"

if [ -f tests/run.sh ]; then
	run tests sh tests/run.sh "$B"
else
	echo
	echo "check-all: WARNING: tests/run.sh is not in the tree yet; no test ran"
fi

echo
echo "==== summary ===="
echo "check-all: succeeded:${ok:- nothing}"
if [ -n "$bad" ]; then
	echo "check-all: FAILED:$bad"
	exit 1
fi
echo "check-all: everything succeeded"
