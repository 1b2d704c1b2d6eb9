#!/bin/sh
# coreutils.sh ROOT BUILD -- unmodified Debian programs through
# librumphijack against a rump_server with a tmpfs at /t (/rump/t for the
# programs), each compared with the same program run on the host on an
# identical tree: ls -la, cat, cp -a, mv, rm -rf, mkdir -p, ln -s, touch,
# stat, find, du, df, dd, tar cf/xf, sha256sum, diff -r (mkdir -p, ln,
# touch, mv and rm -rf also made as one sequence of changes on both
# sides, the resulting trees compared), a shell's
# redirections into and out of the kernel, then hj_probe (descriptors,
# poll/select/epoll, fork/exec).  What legitimately differs (directory
# sizes and link counts, "..", block counts) is left out of comparisons.
set -u
ROOT=$1
B=$2
. "$ROOT/tests/hijack/lib.sh"
hj_setup

# ls -la without what legitimately differs: "total", "..", directories'
# link counts and sizes; the listing's directory headers lose the prefix.
norm_ls() {
	sed "s|$1|X|" | awk '$1 == "total" { next }
		$NF == ".." { next }
		/^d/ { $2 = "N"; $5 = "S" }
		{ print }'
}

hj_server
hj_ctl mount tmpfs tmpfs /t size=64m || fail "mount tmpfs"
K=/rump/t

hj_mk_tree "$T/src"
cp -a "$T/src" "$T/h" || fail "host cp -a"
files=$(cd "$T/src" && find . -type f | sort)
# lists of names are split at newlines only ("with space" is one name)
IFS='
'


# cp -a host -> kernel, ls -laR of both copies
hj cp -a "$T/src" "$K/src" || fail "cp -a into the kernel"
ls -laR --time-style=full-iso "$T/h" | norm_ls "$T/h" >"$T/ls.host"
hj ls -laR --time-style=full-iso "$K/src" | norm_ls "$K/src" >"$T/ls.kern"
hj_cmp_out "cp -a, ls -laR" "$T/ls.host" "$T/ls.kern"

# cat, sha256sum (by absolute names, and relative in a kernel cwd)
hj cat "$K/src/a/seq" | cmp -s - "$T/src/a/seq" || fail "cat"
say "cat: same bytes"
(cd "$T/src" && sha256sum $files) >"$T/sum.host"
(cd "$T/src" && hj sha256sum $(echo "$files" | sed "s|^\.|$K/src|")) |
	sed "s|$K/src|.|" >"$T/sum.kern"
hj_cmp_out "sha256sum" "$T/sum.host" "$T/sum.kern"
hj sh -c "cd $K/src && sha256sum \"\$@\"" sh $files >"$T/sum.kern2"
hj_cmp_out "sha256sum in a kernel cwd" "$T/sum.host" "$T/sum.kern2"

# stat of every name, relative to the tree's top
names=$(cd "$T/src" && find . ! -name . | sort)
(cd "$T/h" && stat -c '%n %s %a %F %h %Y %U %G' $files) >"$T/stat.host"
hj sh -c "cd $K/src && stat -c '%n %s %a %F %h %Y %U %G' \"\$@\"" sh $files \
	>"$T/stat.kern"
hj_cmp_out "stat" "$T/stat.host" "$T/stat.kern"
(cd "$T/h" && stat -c '%n %N %a %F' $names) >"$T/stat2.host"
hj sh -c "cd $K/src && stat -c '%n %N %a %F' \"\$@\"" sh $names >"$T/stat2.kern"
hj_cmp_out "stat of links and directories" "$T/stat2.host" "$T/stat2.kern"

# find and du (du -l: a hard link counts wherever the walk meets it)
find "$T/h" -printf '%y %m %P %l\n' | sort >"$T/find.host"
hj find "$K/src" -printf '%y %m %P %l\n' | sort >"$T/find.kern"
hj_cmp_out "find -printf" "$T/find.host" "$T/find.kern"
find "$T/h" -type f -printf '%s %P\n' | sort >"$T/findf.host"
hj find "$K/src" -type f -printf '%s %P\n' | sort >"$T/findf.kern"
hj_cmp_out "find -type f" "$T/findf.host" "$T/findf.kern"
(cd "$T/h" && du -abl $files) >"$T/du.host"
hj sh -c "cd $K/src && du -abl \"\$@\"" sh $files >"$T/du.kern"
hj_cmp_out "du -abl" "$T/du.host" "$T/du.kern"
total=$(hj du -sbl "$K/src" | cut -f1)
fsum=$(find "$T/h" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
[ "$total" -ge "$fsum" ] || fail "du -sbl says $total, files hold $fsum"

# diff -r: identical, then one byte changed in the kernel copy
hj diff -r --no-dereference "$T/src" "$K/src" >/dev/null || fail "diff -r --no-dereference of identical trees"
hj cp -a "$K/src" "$K/src2" || fail "cp -a inside the kernel"
# A file into an existing directory: cp opens the target with O_PATH.
printf 'into\n' >"$T/into"
hj cp "$T/into" "$K/src2/" || fail "cp FILE DIR/ into the kernel"
hj cp -a "$T/into" "$K/src2" || fail "cp -a FILE DIR into the kernel"
[ "$(hj cat "$K/src2/into")" = into ] || fail "cp FILE DIR/ result"
hj rm "$K/src2/into" || fail "rm of the copied file"
hj diff -r --no-dereference "$K/src" "$K/src2" >/dev/null || fail "diff -r --no-dereference in the kernel"
printf 'Z' | hj dd of="$K/src2/a/b/c/deep" bs=4096 conv=notrunc 2>/dev/null
hj diff -r --no-dereference "$T/src" "$K/src2" >"$T/diff.out"
[ $? -eq 1 ] && grep -q '^< x' "$T/diff.out" ||
	fail "diff -r --no-dereference missed a changed byte"
say "diff -r: same trees equal, a changed byte found"

# dd: whole file, then skip/seek/count (block sizes that are multiples
# of the page: an ASan build checks dd's own aligned_alloc)
hj dd if="$T/src/a/rand" of="$K/rand" bs=4096 2>/dev/null || fail "dd in"
hj dd if="$K/rand" bs=65536 2>/dev/null | cmp -s - "$T/src/a/rand" ||
	fail "dd out"
dd if="$T/src/a/rand" of="$T/part.host" bs=4096 skip=3 seek=2 count=5 \
	2>/dev/null
hj dd if="$K/rand" of="$K/part" bs=4096 skip=3 seek=2 count=5 2>/dev/null
hj cat "$K/part" | cmp -s - "$T/part.host" || fail "dd skip/seek/count"
say "dd: same bytes"

# tar: create in the kernel, list on the host; extract from both sides
hj tar cf "$K/src.tar" -C "$K" src || fail "tar cf"
hj cat "$K/src.tar" | tar tvf - | awk '{ $1 = $1; print }' | sort \
	>"$T/tar.kern"
(cd "$T/h/.." && tar cf - --transform 's|^h|src|' h) | tar tvf - |
	awk '{ $1 = $1; print }' | sort >"$T/tar.host"
hj_cmp_out "tar cf" "$T/tar.host" "$T/tar.kern"
hj mkdir -p "$K/x" "$K/y" || fail "mkdir -p"
hj tar xf "$K/src.tar" -C "$K/x" || fail "tar xf kernel archive"
hj diff -r --no-dereference "$T/src" "$K/x/src" || fail "diff after tar xf"
tar cf "$T/src.tar" -C "$T" src
hj tar xf "$T/src.tar" -C "$K/y" || fail "tar xf host archive"
mkdir "$T/hy" && tar xf "$T/src.tar" -C "$T/hy" # seconds only, as here
ls -laR --time-style=full-iso "$T/hy/src" | norm_ls "$T/hy/src" \
	>"$T/ls.tarhost"
hj ls -laR --time-style=full-iso "$K/y/src" | norm_ls "$K/y/src" \
	>"$T/ls.tar"
hj_cmp_out "tar xf, ls -laR" "$T/ls.tarhost" "$T/ls.tar"

# mv inside the kernel and across (EXDEV: copy and remove)
hj mv "$K/y/src" "$K/moved" || fail "mv"
hj /usr/bin/test -f "$K/moved/a/seq" && ! hj /usr/bin/test -e "$K/y/src" || fail "mv result"
hj mv "$K/moved/a/seq" "$T/seq.out" || fail "mv kernel -> host"
cmp -s "$T/seq.out" "$T/src/a/seq" && ! hj /usr/bin/test -e "$K/moved/a/seq" ||
	fail "mv kernel -> host result"
hj mv "$T/seq.out" "$K/seq.back" || fail "mv host -> kernel"
[ ! -e "$T/seq.out" ] && hj cmp -s "$K/seq.back" "$T/src/a/seq" ||
	fail "mv host -> kernel result"
say "mv: inside the kernel and both ways across"

# rm -rf, mkdir -p, ln -s, ln, touch
hj rm -rf "$K/moved" "$K/x" "$K/src2" || fail "rm -rf"
[ "$(hj ls "$K" | tr '\n' ' ')" = "part rand seq.back src src.tar y " ] ||
	fail "rm -rf left: $(hj ls "$K")"
hj mkdir -p "$K/d1/d2/d3" || fail "mkdir -p"
[ "$(hj stat -c %F "$K/d1/d2/d3")" = directory ] || fail "mkdir -p result"
hj ln -s ../seq.back "$K/d1/sl" || fail "ln -s"
[ "$(hj readlink "$K/d1/sl")" = ../seq.back ] || fail "readlink"
hj cat "$K/d1/sl" | cmp -s - "$T/src/a/seq" || fail "cat through symlink"
hj ln "$K/seq.back" "$K/d1/hl" || fail "ln"
[ "$(hj stat -c %h "$K/seq.back")" = 2 ] || fail "link count after ln"
hj touch -d '2001-09-09 01:46:40 UTC' "$K/new" || fail "touch"
[ "$(hj stat -c %Y "$K/new")" = 1000000000 ] || fail "touch -d"
hj touch "$K/new" && [ "$(hj stat -c %Y "$K/new")" -gt 1000000000 ] ||
	fail "touch now"
say "rm -rf, mkdir -p, ln -s, ln, touch"

# The same changes made by the same programs on the host and in the
# kernel, on identical trees, then the trees compared: types, modes, link
# counts (not of directories), sizes, link targets, the times that the
# programs set or kept, and contents.
ops() { # TREE, with $run in front of each program
	$run mkdir -p "$1/n1/n2/n3" &&
		$run ln -s ../a/seq "$1/n1/sl" &&
		$run ln -s nowhere "$1/n1/n2/dangling2" &&
		$run ln "$1/a/rand" "$1/n1/hl" &&
		$run touch -d '2001-09-09 01:46:40.25 UTC' "$1/n1/n2/n3/new" \
			"$1/a/seq" &&
		$run touch -h -d '2002-02-02 02:02:02 UTC' "$1/n1/sl" &&
		$run mv "$1/a/b" "$1/n1/n2/b" &&
		$run mv "$1/a/script" "$1/n1/script2" &&
		$run mv -T "$1/n1/n2/n3" "$1/n3moved" &&
		$run rm -rf "$1/empty dir" "$1/n1/n2/b/c" "$1/a/lnk"
}
tree_of() { # TREE: the listing compared
	$run find "$1" -mindepth 1 ! -type d \
		-printf '%y %m %n %s %P -> %l\n' | sort
	$run find "$1" -mindepth 1 -type d -printf 'd %m %P\n' | sort
	$run find "$1" ! -type d ! -name dangling2 ! -name sl \
		-printf '%P %T@\n' | sort
	$run find "$1" -type l -name sl -printf '%P %T@\n'
}
cp -a "$T/src" "$T/ops" || fail "host cp -a"
hj cp -a "$T/src" "$K/ops" || fail "cp -a into the kernel"
run= ops "$T/ops" || fail "mkdir/ln/touch/mv/rm on the host"
run=hj ops "$K/ops" || fail "mkdir/ln/touch/mv/rm in the kernel"
run= tree_of "$T/ops" >"$T/ops.host"
run=hj tree_of "$K/ops" >"$T/ops.kern"
hj_cmp_out "mkdir -p, ln -s, ln, touch -d, mv, rm -rf (the trees after)" \
	"$T/ops.host" "$T/ops.kern"
(cd "$T/ops" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$T/ops.sum.host"
hj sh -c "cd $K/ops && find . -type f -print0 | sort -z | xargs -0 sha256sum" \
	>"$T/ops.sum.kern"
hj_cmp_out "contents after the changes" "$T/ops.sum.host" "$T/ops.sum.kern"
hj rm -rf "$K/ops" || fail "rm -rf ops"

# df and stat -f agree on the tmpfs's size (64 MiB)
hj df -k "$K" >"$T/df.out" || fail "df"
blocks=$(awk 'NR == 2 { print $2 }' "$T/df.out")
sblocks=$(hj stat -f -c '%b %S' "$K" | awk '{ print $1 * $2 / 1024 }')
[ "$blocks" = "$sblocks" ] && [ "$blocks" -gt 0 ] ||
	fail "df says $blocks KiB, stat -f $sblocks: $(cat "$T/df.out")"
say "df: $blocks KiB"

# a shell's redirections: stdout into a kernel file (ls writes with
# stdio), stdin from one
hj sh -c "ls -la $T/src > $K/ls.out" || fail "redirect into the kernel"
ls -la "$T/src" >"$T/ls.direct"
hj cat "$K/ls.out" | cmp -s - "$T/ls.direct" || fail "ls > kernel file"
hj sh -c "cat < $K/seq.back" | cmp -s - "$T/src/a/seq" ||
	fail "cat < kernel file"
say "redirections into and out of the kernel"

hj mkdir "$K/probe" && hj "$B/tests/hijack/hj_probe" "$K/probe" ||
	fail "hj_probe"
hj_stop
say "all passed"
