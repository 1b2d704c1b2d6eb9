# tests/tools/lib.sh -- what the image tool tests share (sourced): the
# build's programs, a scratch directory, failing with a message, the
# e2fsprogs judges, and starting and stopping rump_fuse.  The scripts run
# as $(B)/tests/posix/t_* wrappers (tests/tools/tools.mk) that pass the
# build directory as $1.

B=$(cd "$1" && pwd) || exit 2
BIN=$B/bin
PATH=$PATH:/sbin:/usr/sbin
export LC_ALL=C
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/rumpkit-tools.XXXXXX") || exit 2
chmod 755 "$WORK"
FUSE_PID=
FUSE_MNT=

cleanup() {
	if [ -n "$FUSE_MNT" ] && grep -q " $FUSE_MNT fuse" /proc/mounts; then
		fusermount3 -u "$FUSE_MNT" 2>/dev/null || umount -l "$FUSE_MNT"
	fi
	[ -n "$FUSE_PID" ] && kill "$FUSE_PID" 2>/dev/null
	[ -n "$KEEP" ] || rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	KEEP=1
	echo "scratch directory kept: $WORK"
	exit 1
}

# skip WHY -- nothing to test here; in CI (CI=true) that is a failure.
skip() {
	if [ "${CI:-}" = true ]; then
		fail "cannot run in CI: $*"
	fi
	echo "SKIP: $*"
	exit 0
}

need() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"
	done
}

# fsck_clean IMG WHEN -- e2fsck -fn must find nothing.
fsck_clean() {
	if ! out=$(e2fsck -fn "$1" 2>&1); then
		echo "$out"
		fail "e2fsck -fn: $1 is not clean $2"
	fi
}

# mkimg IMG SIZE [mkfs options] -- a fresh ext4 image.
mkimg() {
	rm -f "$1"
	truncate -s "$2" "$1" || fail "truncate $1"
	img=$1 size=$2
	shift 2
	mkfs.ext4 -q -F "$@" "$img" >/dev/null 2>&1 || fail "mkfs.ext4 $img"
}

# fuse_start IMG MNT [ARGS...] -- serve IMG at MNT in the foreground in
# the background, and wait until the mount is there.
fuse_start() {
	img=$1 FUSE_MNT=$2
	shift 2
	mkdir -p "$FUSE_MNT"
	"$BIN/rump_fuse" "$img" "$FUSE_MNT" -f "$@" &
	FUSE_PID=$!
	i=0
	while ! grep -q " $FUSE_MNT fuse" /proc/mounts; do
		kill -0 "$FUSE_PID" 2>/dev/null || fail "rump_fuse $img exited"
		i=$((i + 1))
		[ $i -lt 300 ] || fail "rump_fuse $img: no mount after 30 s"
		sleep 0.1
	done
}

# fuse_stop -- unmount and wait for the server, which must exit 0 after
# unmounting the image inside its kernel.
fuse_stop() {
	fusermount3 -u "$FUSE_MNT" || fail "fusermount3 -u $FUSE_MNT"
	wait "$FUSE_PID"
	rc=$?
	FUSE_PID=
	[ $rc -eq 0 ] || fail "rump_fuse exited with $rc after the unmount"
}
