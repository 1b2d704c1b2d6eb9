#!/bin/sh
# t_fuse_posix.sh BUILD -- the POSIX conformance suite (tests/posix/,
# through the host's system calls: posix-fuse) in a FUSE mount that
# rump_fuse serves from a 32 MiB ext4 image (small, so the ENOSPC and
# inode limit tests fill it): once as root, with the permission tests
# (the suite switches users; -o allow_other lets them in), once as the
# unprivileged user nobody; the 4 KiB image again with the host's cache
# off (-o timeout=0).  Then the server must exit 0 after the
# unmount and e2fsck -fn find the image clean.  Needs root and /dev/fuse.
. "$(dirname "$0")/lib.sh"
need mkfs.ext4 e2fsck fusermount3 setpriv
[ "$(id -u)" -eq 0 ] || skip "not root"
[ -c /dev/fuse ] || skip "no /dev/fuse"
[ -x "$BIN/rump_fuse" ] || skip "rump_fuse is not built (libfuse3-dev)"
P=$B/tests/posix-fuse
[ -x "$P" ] || fail "$P is not built"

for run in 1024:1 4096:1 4096:0; do
	bs=${run%:*} timeout=${run#*:}
	IMG=$WORK/ext4-$bs.img
	mkimg "$IMG" 32M -b $bs
	echo "== $bs-byte blocks, -o timeout=$timeout"
	fuse_start "$IMG" "$WORK/mnt" -o allow_other,timeout="$timeout"
	mkdir "$WORK/mnt/root" "$WORK/mnt/user" || fail "mkdir in the mount"
	chown nobody "$WORK/mnt/user" || fail "chown nobody"
	# The user's run goes first: the root run fills the disk.
	echo "== as nobody, $bs-byte blocks"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$P" "$WORK/mnt/user" "fuse-ext4-$bs-user" $((bs - 1)) ||
		fail "the POSIX suite as nobody ($bs-byte blocks)"
	echo "== as root, $bs-byte blocks"
	"$P" "$WORK/mnt/root" "fuse-ext4-$bs" $((bs - 1)) limits ||
		fail "the POSIX suite as root ($bs-byte blocks)"
	fuse_stop
	fsck_clean "$IMG" "after the suite ($bs-byte blocks)"
done
echo "ok"
