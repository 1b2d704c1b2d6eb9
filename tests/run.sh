#!/bin/sh
# run.sh BUILD [HOSTS] -- run every test program built under
# BUILD/tests/<host>/ for each host in HOSTS (default "posix fiber"), each
# in a fresh process with RUMP_LEAKCHECK=1 and a 120 s timeout.  A program
# whose source has a line "/* hosts: a b */" runs only on those hosts.
# Prints one line per program and host, the tail of the output of each
# failure (all of it is kept in BUILD/tests/log/HOST-PROGRAM.log), and
# last "N passed, M failed"; exits non-zero on any failure.
# SCALE (default 1) multiplies the iteration counts of the long tests.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: run.sh BUILD [HOSTS]" >&2
	exit 2
fi
B=$1
HOSTS=${2:-${HOSTS:-posix fiber}}
SRC=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=${TEST_TIMEOUT:-120}
export RUMP_LEAKCHECK=1
export SCALE=${SCALE:-1}
unset RUMP_NCPU RUMP_MEMLIMIT RUMP_FAULT_MALLOC RUMP_FAULT_BIO \
	RUMP_FAULT_SEND RUMP_VERBOSE 2>/dev/null || true

passed=0 failed=0
logdir=$B/tests/log
mkdir -p "$logdir" || exit 2

now() {
	date +%s.%N 2>/dev/null || date +%s
}

# The hosts a program may run on, from its source; empty means all.
hosts_of() {
	sed -n 's|^/\* hosts: \(.*\) \*/$|\1|p' "$SRC/$1.c" 2>/dev/null | head -n 1
}

for host in $HOSTS; do
	dir=$B/tests/$host
	if [ ! -d "$dir" ]; then
		echo "FAIL $host: no test programs in $dir (make tests?)"
		failed=$((failed + 1))
		continue
	fi
	for prog in "$dir"/t_*; do
		[ -x "$prog" ] || continue
		name=$(basename "$prog")
		only=$(hosts_of "$name")
		if [ -n "$only" ]; then
			case " $only " in
			*" $host "*) ;;
			*)
				echo "SKIP $host $name (hosts: $only)"
				continue
				;;
			esac
		fi
		log=$logdir/$host-$name.log
		t0=$(now)
		timeout "$TIMEOUT" "$prog" >"$log" 2>&1
		rc=$?
		t1=$(now)
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
		if [ $rc -eq 0 ]; then
			echo "PASS $host $name (${secs}s)"
			passed=$((passed + 1))
		else
			why="exit $rc"
			[ $rc -eq 124 ] && why="timed out after ${TIMEOUT}s"
			[ $rc -gt 128 ] && [ $rc -ne 124 ] && why="signal $((rc - 128))"
			echo "FAIL $host $name (${secs}s, $why)"
			tail -n 15 "$log" | sed 's/^/    /'
			echo "    (all output: $log)"
			failed=$((failed + 1))
		fi
	done
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
