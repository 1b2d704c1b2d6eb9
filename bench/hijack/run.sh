#!/bin/sh
# bench/hijack/run.sh [BUILD] -- `tar xf` of the benchmark tree
# (bench/ext2/gentree.py, fixed seed) into a fresh ext4 image, through
# librumphijack against rump_server (-d image, mount ext4), against the
# host's own tar into a fresh loop-mounted ext4 image of the same size
# (root; without root, into a directory of the host's /tmp, said so in the
# table).  Each time runs from the start of tar to the unmount (rump:
# unmount and halt of the server; host: umount), so both sides have
# written everything into the image file.  Medians of BENCH_RUNS runs
# (default 3), sides alternating; BENCH_SCALE=n divides the tree.  Writes
# the markdown section to bench/hijack/results.md (which `make bench`
# copies into docs/BENCHMARKS.md) and stdout.  Every image is checked
# with e2fsck -fn.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-$ROOT/build}" && pwd)
RUNS=${BENCH_RUNS:-3}
SCALE=${BENCH_SCALE:-1}
W=$(mktemp -d "${TMPDIR:-/tmp}/rk-hjbench.XXXXXX")
MNT=$W/mnt
cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && umount "$MNT"
	[ -n "${SPID:-}" ] && kill "$SPID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

python3 "$ROOT/bench/ext2/gentree.py" "$W/tree" "$SCALE" >"$W/tree.txt"
tar cf "$W/tree.tar" -C "$W" tree
rm -rf "$W/tree"
SIZE=2112M
now() { date +%s%N; }
hostside=loop
[ "$(id -u)" -eq 0 ] || hostside=dir

run_rump() {
	rm -f "$W/img"
	truncate -s $SIZE "$W/img"
	mkfs.ext4 -q -F "$W/img" >/dev/null 2>&1
	sock=$W/sock
	"$B/bin/rump_server" -s -d "key=/dev/disk0,hostpath=$W/img" \
		"unix://$sock" >"$W/server.log" 2>&1 &
	SPID=$!
	while [ ! -S "$sock" ]; do sleep 0.02; done
	export RUMP_SERVER=unix://$sock
	"$B/tests/hijack/hj_mount" mount ext4 /dev/disk0 /mnt
	t0=$(now)
	LD_LIBRARY_PATH=$B/lib LD_PRELOAD=$B/lib/librumphijack.so tar xf "$W/tree.tar" -C /rump/mnt
	"$B/tests/hijack/hj_mount" umount /mnt
	"$B/tests/hijack/hj_mount" halt
	wait "$SPID"
	t1=$(now)
	SPID=
	e2fsck -fn "$W/img" >/dev/null 2>&1 || echo "unclean" >>"$W/unclean.rump"
	echo $((t1 - t0))
}

run_host() {
	if [ $hostside = loop ]; then
		rm -f "$W/img"
		truncate -s $SIZE "$W/img"
	mkfs.ext4 -q -F "$W/img" >/dev/null 2>&1
		mkdir -p "$MNT"
		mount -o loop "$W/img" "$MNT"
		t0=$(now)
		tar xf "$W/tree.tar" -C "$MNT"
		umount "$MNT"
		t1=$(now)
		e2fsck -fn "$W/img" >/dev/null 2>&1 ||
			echo "unclean" >>"$W/unclean.host"
	else
		rm -rf "$MNT"
		mkdir -p "$MNT"
		t0=$(now)
		tar xf "$W/tree.tar" -C "$MNT"
		sync
		t1=$(now)
	fi
	echo $((t1 - t0))
}

: >"$W/rump.ns"
: >"$W/host.ns"
i=0
while [ $i -lt "$RUNS" ]; do
	if [ $((i % 2)) -eq 0 ]; then
		run_rump >>"$W/rump.ns"
		run_host >>"$W/host.ns"
	else
		run_host >>"$W/host.ns"
		run_rump >>"$W/rump.ns"
	fi
	i=$((i + 1))
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
secs() { awk -v n="$1" 'BEGIN { printf "%.2f s", n / 1e9 }'; }
list() { awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 / 1e9 }' "$1"; }
rm=$(median "$W/rump.ns")
hm=$(median "$W/host.ns")
ratio=$(awk -v r="$rm" -v h="$hm" 'BEGIN { printf "%.2f", h / r }')
tree=$(cat "$W/tree.txt")
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
case $hostside in
loop) hostname="host tar, loop-mounted ext4 image" ;;
*) hostname="host tar into /tmp (not root: no loop mount)" ;;
esac
unclean=""
[ -f "$W/unclean.rump" ] && unclean="$unclean rump"
[ -f "$W/unclean.host" ] && unclean="$unclean host"
out=$ROOT/bench/hijack/results.md
{
	echo "## Hijack: tar xf of the benchmark tree into ext4, unmodified tar through librumphijack"
	echo
	echo "Recorded by \`bench/hijack/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), tree $commit, $(nproc) CPUs."
	echo
	echo "- Tree: \`bench/ext2/gentree.py\` at scale $SCALE ($tree), one tar archive on the host."
	echo "- rumpkit: \`LD_PRELOAD=librumphijack.so tar xf\` against \`rump_server -d\` with the image mounted as ext4 in the server's kernel (each call a round trip over a unix socket); the time runs to the unmount and halt."
	echo "- Host: the same \`tar xf\` on the host kernel; the time runs to the unmount. Fresh \`mkfs.ext4\` image ($SIZE) for every run of every side."
	echo "- Medians of $RUNS runs, sides alternating; *Ratio* is the host's median over rumpkit's (above 1: rumpkit is faster).${unclean:+ Unclean images (e2fsck -fn):$unclean.}"
	echo
	echo "| Side | Runs (s) | Median | Ratio (host / rumpkit) |"
	echo "|---|---|---|---|"
	echo "| tar through librumphijack, rump_server ext4 | $(list "$W/rump.ns") | $(secs "$rm") | $ratio |"
	echo "| $hostname | $(list "$W/host.ns") | $(secs "$hm") | — |"
	echo
} >"$out"
cat "$out"
