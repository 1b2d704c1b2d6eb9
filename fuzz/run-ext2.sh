#!/bin/sh
# run-ext2.sh [SECONDS] -- build the ext2 fuzz target (make fuzz-ext2),
# make its seed corpus (mkseeds-ext2.sh) and fuzz for SECONDS (default
# 60: what CI runs).  An input that crashes, hangs (10 s), runs out of
# memory or leaks is saved under tests/ext2/regress/ -- commit it: the
# regular test t_ext2_compat_hostile replays every file there -- and the script
# exits non-zero.  FUZZ_BUILD (default build-fuzz) is the build directory.
set -eu
secs=${1:-60}
cd "$(dirname "$0")/.."
B=${FUZZ_BUILD:-build-fuzz}
make -j"${JOBS:-2}" fuzz-ext2 FUZZ_BUILD="$B" >"$B.fuzz-build.log" 2>&1 || {
	tail -n 30 "$B.fuzz-build.log"
	echo "run-ext2.sh: make fuzz-ext2 failed" >&2
	exit 1
}
rm -f "$B.fuzz-build.log"
seeds=$B/fuzz/seeds-ext2
corpus=$B/fuzz/corpus-ext2
rm -rf "$seeds"
mkdir -p "$corpus" tests/ext2/regress
sh fuzz/mkseeds-ext2.sh "$seeds"
maxlen=$(ls -l "$seeds" | awk 'NR > 1 && $5 > m { m = $5 } END { print m }')
echo "run-ext2.sh: fuzzing for ${secs}s, $(ls "$seeds" | wc -l) seeds, max_len $maxlen"
export RUMP_LEAKCHECK=1
status=0
"$B/fuzz/ext2_fuzz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
	-max_len="$maxlen" -print_final_stats=1 \
	-artifact_prefix=tests/ext2/regress/ "$corpus" "$seeds" \
	>"$B/fuzz/ext2.log" 2>&1 || status=$?
tail -n 25 "$B/fuzz/ext2.log"
if [ $status -ne 0 ]; then
	echo "run-ext2.sh: the fuzz target failed (exit $status); the input" \
		"is under tests/ext2/regress/, the log in $B/fuzz/ext2.log" >&2
	exit 1
fi
echo "run-ext2.sh: no crash in ${secs}s"
