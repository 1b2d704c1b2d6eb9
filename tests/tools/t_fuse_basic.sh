#!/bin/sh
# t_fuse_basic.sh BUILD -- rump_fuse's life cycle and options: start-up
# errors reach the shell (bad image, no mount point, bad option) with a
# message and exit status; a background start returns once the mount is
# there; -o ro refuses writes (EROFS) and leaves the image's bytes alone;
# hard links, symbolic links, mv -n (RENAME_NOREPLACE), mkfifo and large
# files work through the mount as debugfs then sees them; SIGTERM ends
# the server cleanly like an unmount; e2fsck -fn is clean after each.
. "$(dirname "$0")/lib.sh"
need mkfs.ext4 e2fsck fusermount3 debugfs sha256sum
[ "$(id -u)" -eq 0 ] || skip "not root"
[ -c /dev/fuse ] || skip "no /dev/fuse"
[ -x "$BIN/rump_fuse" ] || skip "rump_fuse is not built (libfuse3-dev)"
F=$BIN/rump_fuse
IMG=$WORK/img
M=$WORK/mnt
mkdir "$M"
mkimg "$IMG" 64M

# expect STATUS PATTERN COMMAND...
expect() {
	want=$1 pat=$2
	shift 2
	"$@" >"$WORK/out" 2>&1 </dev/null
	rc=$?
	[ $rc -eq "$want" ] || { cat "$WORK/out"; fail "$*: exit $rc, want $want"; }
	grep -q -- "$pat" "$WORK/out" || { cat "$WORK/out"; fail "$*: no message like '$pat'"; }
}
expect 2 usage "$F"
expect 2 usage "$F" "$IMG"
expect 0 usage "$F" --help
expect 1 'No such file' "$F" "$WORK/none" "$M"
head -c 1M /dev/urandom >"$WORK/junk"
expect 1 'unknown file system' "$F" "$WORK/junk" "$M"
# (libfuse checks the mount point while it parses the command line: 2)
expect 2 'mount point' "$F" "$IMG" "$WORK/nodir"
expect 1 'unknown option' "$F" "$IMG" "$M" -o no_such_option
grep -q " $M fuse" /proc/mounts && fail "a failed start left a mount"
fsck_clean "$IMG" "after the failed starts"

# Background start: the mount is there when it returns.
"$F" "$IMG" "$M" || fail "rump_fuse in the background"
grep -q " $M fuse.rump_ext4" /proc/mounts || fail "no mount after a background start"
FUSE_MNT=$M
head -c 3000000 /dev/urandom >"$WORK/big"
cp "$WORK/big" "$M/big" || fail "cp big"
printf 'a\n' >"$M/a" && printf 'b\n' >"$M/b" || fail "write a, b"
ln "$M/a" "$M/a2" && ln -s a "$M/sa" || fail "ln"
mv -n "$M/a" "$M/b" 2>/dev/null
[ "$(cat "$M/b")" = b ] && [ -e "$M/a" ] || fail "mv -n replaced b"
mv "$M/a" "$M/c" || fail "mv"
mkfifo "$M/fifo" || fail "mkfifo"
[ "$(stat -c %h "$M/c")" = 2 ] || fail "link count of c"
[ "$(readlink "$M/sa")" = a ] || fail "readlink"
cmp "$WORK/big" "$M/big" || fail "big differs read back"
# Wait for the background server to go away after the unmount.
pid=$(pgrep -f "^$F $IMG $M\$")
fusermount3 -u "$M" || fail "fusermount3 -u"
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "the server did not exit after the unmount"
	sleep 0.1
done
fsck_clean "$IMG" "after the background run"
debugfs -R 'cat /big' "$IMG" 2>/dev/null | cmp - "$WORK/big" || fail "debugfs: big"
debugfs -R 'stat /c' "$IMG" 2>/dev/null | grep -q 'Links: 2' || fail "debugfs: c has 2 links"
debugfs -R 'stat /fifo' "$IMG" 2>/dev/null | grep -q 'Type: FIFO' || fail "debugfs: fifo"

# Read-only.
sum=$(sha256sum <"$IMG")
fuse_start "$IMG" "$M" -o ro
grep " $M " /proc/mounts | grep -q ' ro,' || fail "-o ro: the mount is not read-only"
cmp "$WORK/big" "$M/big" || fail "-o ro: big differs"
touch "$M/new" 2>"$WORK/err" && fail "-o ro: touch worked"
grep -q 'Read-only file system' "$WORK/err" || fail "-o ro: $(cat "$WORK/err")"
fuse_stop
[ "$(sha256sum <"$IMG")" = "$sum" ] || fail "-o ro changed the image"

# SIGTERM ends it like an unmount.
fuse_start "$IMG" "$M"
printf 'term\n' >"$M/t" || fail "write t"
kill -TERM "$FUSE_PID"
wait "$FUSE_PID" || fail "rump_fuse exited with $? after SIGTERM"
FUSE_PID=
grep -q " $M fuse" /proc/mounts && fail "still mounted after SIGTERM"
fsck_clean "$IMG" "after SIGTERM"
[ "$(debugfs -R 'cat /t' "$IMG" 2>/dev/null)" = term ] || fail "debugfs: t after SIGTERM"
# ext2 and ext3 images: the subtype names the type from the superblock.
for t in ext2 ext3; do
	rm -f "$WORK/$t.img"
	truncate -s 32M "$WORK/$t.img" && mkfs.$t -q -F "$WORK/$t.img" >/dev/null 2>&1 ||
		fail "mkfs.$t"
	fuse_start "$WORK/$t.img" "$M"
	grep -q " $M fuse.rump_$t " /proc/mounts || fail "$t: the mount's type"
	cp "$WORK/big" "$M/big" && mkdir "$M/d" && ln -s big "$M/d/s" || fail "$t: writes"
	cmp "$WORK/big" "$M/big" || fail "$t: big differs"
	fuse_stop
	fsck_clean "$WORK/$t.img" "($t)"
	debugfs -R 'cat /big' "$WORK/$t.img" 2>/dev/null | cmp - "$WORK/big" || fail "$t: debugfs: big"
done
echo ok
