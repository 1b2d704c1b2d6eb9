#!/bin/sh
# run-remote.sh [SECONDS] -- build the remote-protocol fuzz target (make
# fuzz-remote), write its seeds and fuzz for SECONDS (default 60: what CI
# runs).  An input that crashes the server, hangs it (10 s), runs out of
# memory or leaks is saved under tests/remote/regress/ and the script
# exits non-zero.  FUZZ_BUILD (default build-fuzz) is the build directory.
set -eu
secs=${1:-60}
cd "$(dirname "$0")/.."
B=${FUZZ_BUILD:-build-fuzz}
make -j"${JOBS:-2}" fuzz-remote FUZZ_BUILD="$B" >"$B.fuzz-remote.log" 2>&1 || {
	tail -n 30 "$B.fuzz-remote.log"
	echo "run-remote.sh: make fuzz-remote failed" >&2
	exit 1
}
rm -f "$B.fuzz-remote.log"
seeds=$B/fuzz/seeds-remote
corpus=$B/fuzz/corpus-remote
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" tests/remote/regress
RFUZZ_SEEDS=$seeds "$B/fuzz/remote_fuzz"
echo "run-remote.sh: fuzzing for ${secs}s, $(ls "$seeds" | wc -l) seeds"
status=0
"$B/fuzz/remote_fuzz" -max_total_time="$secs" -timeout=10 \
	-rss_limit_mb=4096 -max_len=4096 -print_final_stats=1 \
	-artifact_prefix=tests/remote/regress/ "$corpus" "$seeds" \
	>"$B/fuzz/remote.log" 2>&1 || status=$?
tail -n 25 "$B/fuzz/remote.log"
if [ $status -ne 0 ]; then
	echo "run-remote.sh: the fuzz target failed (exit $status); the input" \
		"is under tests/remote/regress/, the log in $B/fuzz/remote.log" >&2
	exit 1
fi
echo "run-remote.sh: no crash in ${secs}s"
