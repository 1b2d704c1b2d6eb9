#!/bin/sh
# t_fuse_stress.sh BUILD -- many host processes at once through one
# rump_fuse mount: each creates, writes, renames (within and across
# directories, over existing names), hard-links and deletes files, makes
# and removes directories; some work in a shared directory.  Every
# process checks its own files' contents; at the end the tree is exactly
# what the processes left (checked through the mount and, after the
# unmount, with rumpfs and debugfs), the server exits 0 and e2fsck -fn
# finds the image clean.  Then hard links across directories survive the
# host forgetting its nodes (drop_caches: FUSE forget requests).  Needs
# root and /dev/fuse.
. "$(dirname "$0")/lib.sh"
need mkfs.ext4 e2fsck fusermount3 debugfs
[ "$(id -u)" -eq 0 ] || skip "not root"
[ -c /dev/fuse ] || skip "no /dev/fuse"
[ -x "$BIN/rump_fuse" ] || skip "rump_fuse is not built (libfuse3-dev)"
NPROC=${STRESS_PROCS:-12}
ROUNDS=${STRESS_ROUNDS:-60}
IMG=$WORK/img
M=$WORK/mnt
mkimg "$IMG" 128M
fuse_start "$IMG" "$M"
mkdir "$M/shared" || fail "mkdir shared"

# worker N -- one process's work; exits non-zero on a wrong result.
worker() {
	n=$1 d=$M/w$1
	mkdir "$d" "$d/sub" || return 1
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		f=$d/f$i
		printf 'worker %s round %s\n' "$n" "$i" >"$f" || return 1
		mv "$f" "$d/sub/g$i" || return 1
		ln "$d/sub/g$i" "$d/h$i" || return 1
		[ "$(cat "$d/h$i")" = "worker $n round $i" ] || return 1
		rm "$d/sub/g$i" || return 1
		# Over an existing name in the shared directory.
		printf '%s\n' "$n" >"$M/shared/t$n" || return 1
		mv -f "$M/shared/t$n" "$M/shared/common" || return 1
		mkdir "$d/dir$i" && rmdir "$d/dir$i" || return 1
		if [ $((i % 3)) -eq 0 ]; then
			rm "$d/h$i" || return 1
		fi
		i=$((i + 1))
	done
	# What stays: h<i> for i not divisible by 3.
	ls "$d" | grep -c '^h' >"$WORK/count$n"
}

pids=
n=0
while [ $n -lt "$NPROC" ]; do
	worker $n &
	pids="$pids $!"
	n=$((n + 1))
done
bad=0
for p in $pids; do
	wait "$p" || bad=$((bad + 1))
done
[ $bad -eq 0 ] || fail "$bad of $NPROC workers saw a wrong result"

# The expected tree.
keep=0
i=0
while [ $i -lt "$ROUNDS" ]; do
	[ $((i % 3)) -eq 0 ] || keep=$((keep + 1))
	i=$((i + 1))
done
n=0
while [ $n -lt "$NPROC" ]; do
	[ "$(cat "$WORK/count$n")" -eq $keep ] || fail "worker $n: $(cat "$WORK/count$n") files, want $keep"
	[ -z "$(ls "$M/w$n/sub")" ] || fail "w$n/sub is not empty"
	n=$((n + 1))
done
[ "$(ls "$M/shared")" = common ] || fail "shared: $(ls "$M/shared")"
# Hard links across directories, then the host forgets every node it can
# (dentries and inodes dropped: FUSE forget requests), and everything is
# still reachable by every name.
mkdir -p "$M/l1/a" "$M/l2/b" || fail "mkdir l1 l2"
printf 'linked\n' >"$M/l1/a/x" || fail "write x"
ln "$M/l1/a/x" "$M/l2/b/y" && ln "$M/l1/a/x" "$M/l1/z" || fail "ln x"
if [ -w /proc/sys/vm/drop_caches ]; then
	echo 2 >/proc/sys/vm/drop_caches || fail "drop_caches"
fi
for f in l1/a/x l2/b/y l1/z; do
	[ "$(cat "$M/$f")" = linked ] || fail "$f after the host forgot"
	[ "$(stat -c %h "$M/$f")" = 3 ] || fail "$f: links after the host forgot"
done
rm -r "$M/l1" || fail "rm -r l1"
[ "$(stat -c %h "$M/l2/b/y")" = 1 ] || fail "l2/b/y: links after rm -r l1"
if [ -w /proc/sys/vm/drop_caches ]; then
	echo 2 >/proc/sys/vm/drop_caches || fail "drop_caches"
fi
[ "$(cat "$M/l2/b/y")" = linked ] || fail "l2/b/y after rm -r l1"
(cd "$M" && find . | sort) >"$WORK/tree.fuse"
fuse_stop
fsck_clean "$IMG" "after the stress run"
"$BIN/rumpfs" "$IMG" find / | sed 's|^/|./|; s|^\./$|.|' | sort >"$WORK/tree.rumpfs"
diff -u "$WORK/tree.fuse" "$WORK/tree.rumpfs" || fail "rumpfs sees another tree"
debugfs -R "ls -l /w0" "$IMG" 2>/dev/null | grep -c ' h[0-9]' >"$WORK/dbg"
[ "$(cat "$WORK/dbg")" -eq $keep ] || fail "debugfs: /w0 has $(cat "$WORK/dbg") files"
echo "ok"
