#!/bin/sh
# ext4.sh ROOT BUILD -- tar xf of about 4,000 files (bench/ext2/gentree.py
# at scale 5) through librumphijack into an ext4 image that mkfs.ext4
# made and rump_server attached with -d; the unpacked tree must equal the
# host's (diff -r, find), and after unmounting, e2fsck -fn must find the
# image clean.
set -u
ROOT=$1
B=$2
. "$ROOT/tests/hijack/lib.sh"
hj_setup
command -v mkfs.ext4 >/dev/null && command -v e2fsck >/dev/null ||
	fail "mkfs.ext4 and e2fsck (e2fsprogs) are needed"

python3 "$ROOT/bench/ext2/gentree.py" "$T/tree" 5 || fail "gentree.py"
tar cf "$T/tree.tar" -C "$T" tree || fail "host tar cf"
truncate -s 256M "$T/img" && mkfs.ext4 -q -F "$T/img" || fail "mkfs.ext4"
hj_server -d "key=/dev/disk0,hostpath=$T/img"
hj_ctl mount ext4 /dev/disk0 /mnt || fail "mount ext4"
K=/rump/mnt

hj tar xf "$T/tree.tar" -C "$K" || fail "tar xf into ext4"
say "tar xf: $(find "$T/tree" | wc -l) names"
hj diff -r --no-dereference "$T/tree" "$K/tree" || fail "diff -r --no-dereference after tar xf"
(cd "$T" && find tree -printf '%y %m %s %P %l\n' | sed 's/^d [0-7]* [0-9]*/d/' |
	sort) >"$T/find.host"
hj sh -c "cd $K && find tree -printf '%y %m %s %P %l\n'" |
	sed 's/^d [0-7]* [0-9]*/d/' | sort >"$T/find.kern"
cmp -s "$T/find.host" "$T/find.kern" || {
	diff -u "$T/find.host" "$T/find.kern" | head -n 20
	fail "find listings differ"
}
say "diff -r --no-dereference and find: the same tree"
hj rm -rf "$K/tree/dir0001" || fail "rm -rf in ext4"

hj_ctl umount /mnt || fail "umount"
hj_stop
e2fsck -fn "$T/img" >"$T/fsck.out" 2>&1 || {
	cat "$T/fsck.out"
	fail "e2fsck -fn found problems"
}
say "e2fsck -fn: clean"
say "all passed"
