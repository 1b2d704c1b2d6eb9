#!/bin/sh
# run-net.sh [SECONDS] -- build the network fuzz target (make fuzz-net),
# make its seed corpus (mkseeds-net.py) and fuzz for SECONDS (default 60:
# what CI runs).  An input that crashes, hangs (10 s), runs out of memory,
# fails a kernel check or leaks is saved under tests/net/regress/ --
# commit it: the regular test t_inet_fuzz replays every file there --
# and the script exits non-zero.  FUZZ_BUILD (default build-fuzz) is the
# build directory.
set -eu
secs=${1:-60}
cd "$(dirname "$0")/.."
B=${FUZZ_BUILD:-build-fuzz}
make -j"${JOBS:-2}" fuzz-net FUZZ_BUILD="$B" >"$B.fuzz-net-build.log" 2>&1 || {
	tail -n 30 "$B.fuzz-net-build.log"
	echo "run-net.sh: make fuzz-net failed" >&2
	exit 1
}
rm -f "$B.fuzz-net-build.log"
seeds=$B/fuzz/seeds-net
corpus=$B/fuzz/corpus-net
rm -rf "$seeds"
mkdir -p "$corpus" tests/net/regress
python3 fuzz/mkseeds-net.py "$seeds"
echo "run-net.sh: fuzzing for ${secs}s, $(ls "$seeds" | wc -l) seeds"
export RUMP_LEAKCHECK=1
status=0
"$B/fuzz/net_fuzz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
	-max_len=4096 -print_final_stats=1 \
	-artifact_prefix=tests/net/regress/ "$corpus" "$seeds" \
	>"$B/fuzz/net.log" 2>&1 || status=$?
tail -n 25 "$B/fuzz/net.log"
if [ $status -ne 0 ]; then
	echo "run-net.sh: the fuzz target failed (exit $status); the input" \
		"is under tests/net/regress/, the log in $B/fuzz/net.log" >&2
	exit 1
fi
echo "run-net.sh: no crash in ${secs}s"
