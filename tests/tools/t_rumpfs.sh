#!/bin/sh
# t_rumpfs.sh BUILD -- rumpfs round trips on an mkfs.ext4 image: a host
# tree with every file type, modes, owners, times and hard links goes in
# with `put -p` and comes back with `get -p` identical; debugfs (rdump,
# stat, cat) sees what rumpfs wrote; ls, find, stat, du and df agree with
# the host's tools and dumpe2fs; mkdir, write, cp, mv, ln, chmod, chown
# and rm change the image as debugfs then shows; e2fsck -fn is clean
# after every step.  Then bad inputs: each gives a message and exit 1
# (operation) or 2 (usage), never a crash, and leaves the image clean.
. "$(dirname "$0")/lib.sh"
need mkfs.ext4 e2fsck debugfs dumpe2fs sha256sum
[ -x "$BIN/rumpfs" ] || fail "$BIN/rumpfs is not built"
R="$BIN/rumpfs"
IMG=$WORK/img
root=false
[ "$(id -u)" -eq 0 ] && root=true

# A tree with every kind of file.
S=$WORK/src
mkdir -p "$S/dir/sub/deeper" "$S/empty" "$S/mode"
printf 'hello\n' >"$S/hello.txt"
: >"$S/zero"
head -c 4095 /dev/urandom >"$S/dir/b4095"
head -c 4096 /dev/urandom >"$S/dir/b4096"
head -c 1500000 /dev/urandom >"$S/dir/sub/big.bin"
printf 'deep\n' >"$S/dir/sub/deeper/x.txt"
ln "$S/hello.txt" "$S/dir/hard"
ln -s ../hello.txt "$S/dir/rel"
ln -s "$(head -c 300 /dev/zero | tr '\0' 'L')" "$S/longlink"
mkfifo "$S/fifo"
for m in 600 640 755 4755 2755 1777 700; do
	printf '%s\n' "$m" >"$S/mode/m$m"
	chmod "$m" "$S/mode/m$m"
done
chmod 2775 "$S/dir/sub"
if $root; then
	chown 123:456 "$S/dir/b4095"
	chown -h 7:8 "$S/dir/rel"
	mknod "$S/chr" c 1 3
fi
touch -h -d '2001-02-03 04:05:06.123456789' "$S/dir/rel"
touch -d '1999-12-31 23:59:59' "$S/hello.txt" "$S/dir/sub"

# manifest DIR -- name, type, mode, owner, size, links, mtime, target,
# and each regular file's hash.
manifest() {
	(cd "$1" && find . -printf '%P|%y|%m|%U:%G|%s|%n|%T@|%l\n' |
		sed 's/|\([0-9]*\)\.\([0-9]*\)|/|\1.\2|/' | sort &&
		find . -type f -exec sha256sum {} + | sort -k2)
}
# Directory sizes and the size of a directory differ between file
# systems, and a symbolic link's mtime seconds are all debugfs keeps.
nodirsize() {
	sed 's/^\([^|]*|d|[^|]*|[^|]*\)|[0-9]*|/\1|DIR|/'
}

mkimg "$IMG" 64M
fsck_clean "$IMG" "after mkfs"

# ---- put and get: a round trip
$R "$IMG" put -p "$S" / || fail "put -p"
fsck_clean "$IMG" "after put"
$R "$IMG" get -p /src "$WORK/back" || fail "get -p"
manifest "$S" | nodirsize >"$WORK/m.src"
manifest "$WORK/back" | nodirsize >"$WORK/m.back"
diff -u "$WORK/m.src" "$WORK/m.back" || fail "get -p does not give back the tree put in"

# ---- what debugfs sees
mkdir "$WORK/dbg"
debugfs -R "rdump /src $WORK/dbg" "$IMG" >/dev/null 2>&1 || fail "debugfs rdump"
# (rdump leaves out FIFOs and device nodes.)
diff -r --no-dereference "$S" "$WORK/dbg/src" 2>&1 |
	grep -v '^Only in .*/src: \(fifo\|chr\)$' >"$WORK/d.out"
[ -s "$WORK/d.out" ] && { cat "$WORK/d.out"; fail "debugfs rdump differs from the tree put in"; }
dstat() {
	debugfs -R "stat $1" "$IMG" 2>/dev/null
}
dstat /src/mode/m4755 | grep -q 'Mode:  04755' || fail "debugfs: mode of m4755"
dstat /src/dir/sub | grep -q 'Mode:  02775' || fail "debugfs: mode of dir/sub"
dstat /src/hello.txt | grep -q 'Links: 2' || fail "debugfs: hello.txt has 2 links"
if $root; then
	dstat /src/dir/b4095 | grep -q 'User:   123   Group:   456' ||
		fail "debugfs: owner of b4095"
	dstat /src/chr | grep -q 'Type: character special' || fail "debugfs: chr"
fi
[ "$(debugfs -R 'cat /src/dir/sub/deeper/x.txt' "$IMG" 2>/dev/null)" = deep ] ||
	fail "debugfs cat x.txt"

# ---- read-only commands against the host's tools
(cd "$S" && ls -A) >"$WORK/ls.host"
$R "$IMG" ls -a /src >"$WORK/ls.rump" || fail "ls"
diff -u "$WORK/ls.host" "$WORK/ls.rump" || fail "ls -a differs from the host's"
(cd "$S" && find . | sed 's|^\.|/src|' | sort) >"$WORK/f.host"
$R "$IMG" find /src | sort >"$WORK/f.rump" || fail "find"
diff -u "$WORK/f.host" "$WORK/f.rump" || fail "find differs from the host's"
(cd "$S" && find . -type f -name '*.txt' | sed 's|^\.|/src|' | sort) >"$WORK/f.host"
$R "$IMG" find /src -type f -name '*.txt' | sort >"$WORK/f.rump"
diff -u "$WORK/f.host" "$WORK/f.rump" || fail "find -type f -name differs"
$R "$IMG" ls -l /src/dir/rel | grep -q -- '-> ../hello.txt$' || fail "ls -l of a link"
$R "$IMG" stat /src/mode/m2755 >"$WORK/st" || fail "stat"
grep -q '(2755/-rwxr-sr-x)' "$WORK/st" || fail "stat: mode of m2755"
grep -q 'Size: 5' "$WORK/st" || fail "stat: size of m2755"
[ "$($R "$IMG" cat /src/hello.txt)" = hello ] || fail "cat"
$R "$IMG" cat /src/dir/sub/big.bin | cmp - "$S/dir/sub/big.bin" || fail "cat big.bin"
# du counts big.bin's 1465 KiB once (st_blocks), and the hard link once.
kb=$($R "$IMG" du -s /src/dir/sub | cut -f1)
[ "$kb" -ge 1465 ] && [ "$kb" -le 1600 ] || fail "du -s dir/sub: $kb KiB"
all=$($R "$IMG" du -s /src | cut -f1)
[ "$all" -gt "$kb" ] || fail "du -s /src: $all KiB"
$R "$IMG" du /src | grep -q "	/src/dir/sub/deeper$" || fail "du lists directories"
# df against dumpe2fs.
dumpe2fs -h "$IMG" >"$WORK/dump" 2>/dev/null
v() { sed -n "s/^$1: *//p" "$WORK/dump"; }
bs=$(v 'Block size') blocks=$(v 'Block count') free=$(v 'Free blocks')
inodes=$(v 'Inode count') ifree=$(v 'Free inodes')
$R "$IMG" df | tail -n 1 >"$WORK/df" || fail "df"
set -- $(cat "$WORK/df")
[ "$2" = $((blocks * bs / 1024)) ] || fail "df: size $2, dumpe2fs $((blocks * bs / 1024))"
[ "$3" = $(((blocks - free) * bs / 1024)) ] || fail "df: used $3 KiB, dumpe2fs $(((blocks - free) * bs / 1024))"
[ "$6" = "$inodes" ] && [ "$8" = "$ifree" ] || fail "df: inodes $6/$8, dumpe2fs $inodes/$ifree"
[ "${10}" = ext4 ] || fail "df: type ${10}"
fsck_clean "$IMG" "after the read-only commands"

# ---- ext2 and ext3 images: the type from the superblock, a round trip
for t in ext2 ext3; do
	rm -f "$WORK/$t.img"
	truncate -s 32M "$WORK/$t.img" && mkfs.$t -q -F "$WORK/$t.img" >/dev/null 2>&1 ||
		fail "mkfs.$t"
	[ "$($R "$WORK/$t.img" df | tail -n 1 | awk '{ print $10 }')" = $t ] ||
		fail "df: the type of the $t image"
	$R "$WORK/$t.img" put "$S/dir" / || fail "put into $t"
	$R "$WORK/$t.img" get /dir "$WORK/back-$t" || fail "get from $t"
	diff -r --no-dereference "$S/dir" "$WORK/back-$t" || fail "$t: the tree differs"
	fsck_clean "$WORK/$t.img" "($t) after put"
done

# ---- changes, judged by debugfs
$R "$IMG" mkdir -p /new/a/b || fail "mkdir -p"
$R "$IMG" mkdir -m 700 /new/private || fail "mkdir -m"
printf 'one\ntwo\n' | $R "$IMG" write /new/a/b/file || fail "write"
printf 'three\n' | $R "$IMG" write -a /new/a/b/file || fail "write -a"
$R "$IMG" cp -r /src/dir /new/copy || fail "cp -r"
$R "$IMG" mv /new/a/b/file /new/moved || fail "mv"
$R "$IMG" ln /new/moved /new/hard || fail "ln"
$R "$IMG" ln -s moved /new/soft || fail "ln -s"
$R "$IMG" chmod 640 /new/moved || fail "chmod 640"
$R "$IMG" chmod -R go-rwx /new/copy || fail "chmod -R"
$R "$IMG" chown 1000:2000 /new/moved || fail "chown"
$R "$IMG" chown -h 3:4 /new/soft || fail "chown -h"
$R "$IMG" rm -r /src/dir/sub || fail "rm -r"
$R "$IMG" rm /src/zero || fail "rm"
fsck_clean "$IMG" "after the changes"
[ "$(debugfs -R 'cat /new/moved' "$IMG" 2>/dev/null)" = "$(printf 'one\ntwo\nthree')" ] ||
	fail "debugfs: contents of /new/moved"
dstat /new/moved | grep -q 'Mode:  0640' || fail "debugfs: mode of /new/moved"
dstat /new/moved | grep -q 'User:  1000   Group:  2000' || fail "debugfs: owner of /new/moved"
dstat /new/moved | grep -q 'Links: 2' || fail "debugfs: links of /new/moved"
dstat /new/soft | grep -q 'User:     3   Group:     4' || fail "debugfs: owner of /new/soft"
dstat /new/private | grep -q 'Mode:  0700' || fail "debugfs: mode of /new/private"
dstat /new/copy/b4096 | grep -q 'Mode:  0600' || fail "debugfs: chmod -R"
debugfs -R 'cat /new/copy/b4096' "$IMG" 2>/dev/null | cmp - "$S/dir/b4096" ||
	fail "debugfs: cp -r content"
debugfs -R 'ls /src/dir' "$IMG" 2>/dev/null | grep -q sub && fail "rm -r: debugfs still lists sub"
debugfs -R 'stat /src/zero' "$IMG" 2>&1 | grep -q 'File not found' || fail "rm: zero is still there"
[ "$(debugfs -R 'ls -p /new' "$IMG" 2>/dev/null | grep -c '/soft/')" = 1 ] || fail "debugfs: /new/soft"
$R "$IMG" rm -r /new /src || fail "rm -r all"
fsck_clean "$IMG" "after removing everything"
[ "$($R "$IMG" ls /)" = lost+found ] || fail "the image is not empty after rm -r"

# ---- bad inputs: a message, status 1 or 2, never a crash
# expect STATUS PATTERN COMMAND... -- status and a message matching it.
expect() {
	want=$1 pat=$2
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err" </dev/null
	rc=$?
	[ $rc -eq "$want" ] || { cat "$WORK/err"; fail "$*: exit $rc, want $want"; }
	grep -q -- "$pat" "$WORK/err" || { cat "$WORK/err"; fail "$*: no message like '$pat'"; }
}
expect 2 usage $R
expect 2 unknown $R "$IMG" frobnicate
expect 2 usage $R "$IMG" mkdir
expect 2 usage $R "$IMG" ln a
expect 2 'bad mode' $R "$IMG" chmod 999 /
expect 2 'unknown user' $R "$IMG" chown nosuchuser_x /
expect 1 'No such file' $R "$WORK/nonexistent" ls
: >"$WORK/empty"
expect 1 'too small' $R "$WORK/empty" ls
head -c 1M /dev/urandom >"$WORK/junk"
expect 1 'unknown file system' $R "$WORK/junk" ls
expect 1 'not a regular file' $R "$WORK" ls
expect 1 'No such file' $R "$IMG" cat /nope
expect 1 'No such file' $R "$IMG" ls /nope
printf x | $R "$IMG" write /file || fail "write /file"
expect 1 'Not a directory' $R "$IMG" ls /file/x
expect 1 'File exists' $R "$IMG" mkdir /lost+found
expect 1 'Is a directory' $R "$IMG" rm /lost+found
expect 1 'refusing' $R "$IMG" rm -r /
expect 1 'No such file' $R "$IMG" put "$WORK/nonexistent" /x
expect 1 'No such file' $R "$IMG" mv /nope /nope2
expect 1 'Not a directory' $R "$IMG" put "$S/hello.txt" "$S/zero" /lost+found/missing/
# A corrupt image: group descriptors zeroed.
cp "$IMG" "$WORK/corrupt"
dd if=/dev/zero of="$WORK/corrupt" bs=1024 seek=2 count=4 conv=notrunc 2>/dev/null
expect 1 'cannot mount' $R "$WORK/corrupt" ls
# A full disk: the copy stops with ENOSPC, the image stays clean.
mkimg "$WORK/small" 4M -b 1024
head -c 6000000 /dev/urandom >"$WORK/toobig"
expect 1 'No space left' $R "$WORK/small" put "$WORK/toobig" /toobig
fsck_clean "$WORK/small" "after filling it"
# A read-only image file: reading works, writing says why.
chmod 444 "$WORK/small"
if ! $root; then
	expect 1 'not writable' $R "$WORK/small" mkdir /x
fi
$R "$WORK/small" ls / >/dev/null || fail "ls on a read-only image file"
$R "$IMG" rm /file || fail "rm /file"
fsck_clean "$IMG" "after the bad inputs"
echo "ok"
