#!/bin/sh
# rumpctl_fs.sh ROOT BUILD -- the tools' file system session against a
# rump_server with an ext4 image (-d): directories made and files copied
# with unmodified mkdir and cp under librumphijack, `rumpctl mount` of a
# tmpfs and of the image, `rumpctl df` listing every mount (getvfsstat)
# with numbers equal to what statvfs says of each (stat -f through the
# library), `rumpctl df PATH` picking the mount that holds PATH, unmounts,
# a second kernel on a shmif bus (ifconfig, ping) receiving a file of the
# image over TCP into its tmpfs (nc with kernel files for stdin and
# stdout), unmounts, a read-only mount, halt; then the image's own
# numbers (dumpe2fs) agree with what df said and e2fsck -fn finds it
# clean.
set -u
ROOT=$1
B=$2
. "$ROOT/tests/hijack/lib.sh"
hj_setup
PATH=$PATH:/sbin:/usr/sbin
for tool in mkfs.ext4 e2fsck dumpe2fs; do
	command -v $tool >/dev/null || fail "$tool (e2fsprogs) is needed"
done

truncate -s 32M "$T/img" && mkfs.ext4 -q -F "$T/img" || fail "mkfs.ext4"
hj_server -d "key=/dev/disk0,hostpath=$T/img"
ctl() {
	"$B/bin/rumpctl" "$@" >"$T/out" 2>&1 || {
		cat "$T/out" >&2
		fail "rumpctl $*"
	}
}
has() { # ERE: a line of the last rumpctl output
	grep -Eq -- "$1" "$T/out" || {
		cat "$T/out" >&2
		fail "no line '$1' in rumpctl's output"
	}
}

ctl df
has '^rumpfs +rumpfs +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+% /$'
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "df before mounting: $(cat "$T/out")"

# rumpctl has no mkdir: the mount points come from an unmodified mkdir
hj mkdir -p /rump/mnt /rump/t || fail "mkdir through the library"
ctl mount -t tmpfs -o size=16m tmpfs /t
ctl mount -t ext4 /dev/disk0 /mnt

mkdir -p "$T/src/sub" || exit 1
seq 1 100000 >"$T/src/seq"
head -c 2000000 /dev/urandom >"$T/src/sub/rand"
printf 'x\n' >"$T/src/sub/small"
for d in /mnt /t; do
	hj cp -a "$T/src" "/rump$d/src" || fail "cp -a into $d"
	hj diff -r "$T/src" "/rump$d/src" || fail "the copy in $d differs"
done
say "cp -a into the ext4 image and the tmpfs, diff -r equal"

ctl df
has '^rumpfs +rumpfs +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+% /$'
has '^tmpfs +tmpfs +16384 +[1-9][0-9]* +[0-9]+ +[0-9]+% /t$'
has '^/dev/disk0 +ext4 +32768 +[1-9][0-9]* +[1-9][0-9]* +[0-9]+% /mnt$'
[ "$(wc -l <"$T/out")" -eq 4 ] || fail "df: $(cat "$T/out")"
cp "$T/out" "$T/df"
# each row's KiB as statvfs gives them (stat -f: blocks, free, available
# and the fragment size)
for m in / /t /mnt; do
	row=$(awk -v m=$m '$NF == m { print $3, $4, $5 }' "$T/df")
	sv=$(hj stat -f -c '%b %f %a %S' "/rump$m") || fail "stat -f /rump$m"
	want=$(echo "$sv" | awk '{ printf "%.0f %.0f %.0f", $1 * $4 / 1024,
		($1 - $2) * $4 / 1024, $3 * $4 / 1024 }')
	[ "$row" = "$want" ] ||
		fail "df of $m: '$row', statvfs: '$want' ($sv)"
done
say "rumpctl df: /, /t (tmpfs) and /mnt (ext4), the numbers statvfs gives"

ctl df /mnt/src/sub /t/src /
[ "$(awk 'NR > 1 { print $NF }' "$T/out" | tr '\n' ' ')" = "/mnt /t / " ] ||
	fail "df PATH...: $(cat "$T/out")"
has '^/dev/disk0 +ext4 +32768 '
"$B/bin/rumpctl" df /nonexistent >"$T/out" 2>&1 && fail "df of a missing path"
has 'nonexistent: No such file or directory'
say "rumpctl df PATH: the mount holding each path"

# A second kernel on a shmif bus with the first: a file of the ext4 image
# goes over the two kernels' TCP/IP into the second's tmpfs, through
# unmodified nc processes whose stdin and stdout are kernel files.
SB=unix://$T/b
"$B/bin/rump_server" -s "$SB" >"$T/server-b.log" 2>&1 &
SERVER_B=$!
trap '[ -n "$SERVER_B" ] && kill $SERVER_B 2>/dev/null; hj_cleanup' EXIT
i=0
until [ -S "$T/b" ]; do
	i=$((i + 1))
	[ $i -lt 400 ] || fail "the second rump_server: $(cat "$T/server-b.log")"
	sleep 0.05
done
ctl ifconfig shmif0 create linkstr "$T/bus" inet 10.93.0.1/24 up
# on_b CMD...: CMD (a function too) against the second kernel, in a
# subshell (a fail there ends only it: callers add || exit 1)
on_b() (
	RUMP_SERVER=$SB
	export RUMP_SERVER
	"$@"
)
on_b ctl ifconfig shmif0 create linkstr "$T/bus" inet 10.93.0.2/24 up || exit 1
ctl ping -c 2 10.93.0.2
on_b hj mkdir /rump/in || fail "mkdir in the second kernel"
on_b ctl mount -t tmpfs tmpfs /in || exit 1
on_b hj sh -c 'exec nc -l 10.93.0.2 7000 >/rump/in/rand' &
lpid=$!
i=0
until hj sh -c 'exec nc -N 10.93.0.2 7000 </rump/mnt/src/sub/rand' \
	2>"$T/nc.err"; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "nc between the kernels: $(cat "$T/nc.err")"
	sleep 0.05
done
wait $lpid || fail "nc -l in the second kernel exited with $?"
on_b hj cmp /rump/in/rand "$T/src/sub/rand" ||
	fail "the copy over shmif differs"
on_b ctl df || exit 1
has '^tmpfs +tmpfs +[0-9]+ +[1-9][0-9]* .* /in$'
on_b ctl halt || exit 1
wait $SERVER_B || fail "the second rump_server exited with $?"
SERVER_B=
say "two kernels on shmif: a file from the ext4 image over nc into the other's tmpfs"

ctl umount /t
ctl umount /mnt
ctl df
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "df after unmounting: $(cat "$T/out")"
ctl mount -t ext4 -o ro /dev/disk0 /mnt
hj touch /rump/mnt/new 2>/dev/null && fail "touch in a read-only mount"
hj cmp "$T/src/sub/rand" /rump/mnt/src/sub/rand || fail "read back"
ctl df /mnt
has '^/dev/disk0 +ext4 +32768 .* /mnt$'
ctl umount /mnt
hj_stop
say "unmounted, a read-only mount read back, halted"

# The image's own count agrees with what df said while it was mounted.
bs=$(dumpe2fs -h "$T/img" 2>/dev/null | awk -F: '$1 == "Block size" { print $2 + 0 }')
nb=$(dumpe2fs -h "$T/img" 2>/dev/null | awk -F: '$1 == "Block count" { print $2 + 0 }')
fb=$(dumpe2fs -h "$T/img" 2>/dev/null | awk -F: '$1 == "Free blocks" { print $2 + 0 }')
want=$(awk -v bs="$bs" -v nb="$nb" -v fb="$fb" \
	'BEGIN { printf "%.0f %.0f", nb * bs / 1024, (nb - fb) * bs / 1024 }')
row=$(awk '$NF == "/mnt" { print $3, $4 }' "$T/df")
[ "$row" = "$want" ] || fail "df said '$row' KiB (size, used), dumpe2fs '$want'"
out=$(e2fsck -fn "$T/img" 2>&1) || {
	echo "$out" >&2
	fail "e2fsck -fn: the image is not clean"
}
say "dumpe2fs agrees with df; e2fsck -fn clean"
say "all passed"
