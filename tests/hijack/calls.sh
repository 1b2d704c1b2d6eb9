#!/bin/sh
# calls.sh ROOT BUILD -- the glibc functions that make their system calls
# inside libc, through librumphijack against a rump_server with a tmpfs
# at /t (/rump/t): hj_calls runs realpath, scandir, glob, nftw and ftw on
# a host copy and a kernel copy of one tree and the outputs must be
# equal (also with the library loaded for the host copy); coreutils'
# realpath and readlink -f and python3's os.scandir, os.walk, glob and
# os.path.realpath are compared the same way; then hj_calls kernel checks
# posix_spawn, system, popen, python's subprocess and os.posix_spawn with
# kernel descriptors and a kernel working directory, isatty, and
# absolute links inside the kernel.
set -u
ROOT=$1
B=$2
. "$ROOT/tests/hijack/lib.sh"
hj_setup
CALLS=$B/tests/hijack/hj_calls
PY=/usr/bin/python3
[ -x "$PY" ] || fail "$PY is missing (Debian's python3 package)"

hj_server
hj_ctl mount tmpfs tmpfs /t size=64m || fail "mount tmpfs"
K=/rump/t
hj_mk_tree "$T/src"
cp -a "$T/src" "$T/w" || fail "host cp -a"
hj cp -a "$T/src" "$K/w" || fail "cp -a into the kernel"
cp -a "$T/src" "$T/w2" || fail "host cp -a"

# realpath, scandir, glob, nftw, ftw: the kernel copy against the host's,
# which is also run with the library loaded
"$CALLS" tree "$T/w" >"$T/calls.host" 2>&1 || {
	cat "$T/calls.host" >&2
	fail "hj_calls tree on the host"
}
hj "$CALLS" tree "$T/w2" >"$T/calls.hosthj" 2>&1
hj_cmp_out "hj_calls tree (host tree, library loaded)" "$T/calls.host" \
	"$T/calls.hosthj"
hj "$CALLS" tree "$K/w" >"$T/calls.kern" 2>&1
hj_cmp_out "realpath, scandir, glob, nftw, ftw (hj_calls tree)" \
	"$T/calls.host" "$T/calls.kern"

# coreutils' realpath and readlink -f canonicalise with lstat and
# readlink themselves: relative links and ".." agree with the host
names="a/lnk a/b/../seq a/./b//c/ a/dangling a/b/c/deep a/seq/x none/x ."
canon() { # TREE: each name through realpath, -e, -m, readlink -f, -e
	for n in $names; do
		for cmd in realpath "realpath -e" "realpath -m" \
			"realpath --relative-to=$1/a" "readlink -f" \
			"readlink -e"; do
			printf '%s %s: ' "$cmd" "$n" | sed "s|$1|ROOT|"
			$run $cmd "$1/$n" 2>&1 | sed "s|$1|ROOT|g"
			echo "status $?"
		done
	done
}
run= canon "$T/w" >"$T/canon.host"
run=hj canon "$K/w" >"$T/canon.kern"
hj_cmp_out "coreutils realpath, readlink -f" "$T/canon.host" "$T/canon.kern"

# python3: os.scandir, os.walk, glob, os.path.realpath
cat >"$T/walk.py" <<'PYEOF'
import glob, os, sys
top = sys.argv[1]
def rel(p):
    return p.replace(top, "ROOT")
for e in sorted(os.scandir(top + "/a"), key=lambda e: e.name):
    print("scandir", e.name, e.is_dir(), e.is_file(), e.is_symlink(),
          e.stat(follow_symlinks=False).st_size if not e.is_dir() else "-")
# the order of the directories follows readdir: sorted here
for line in sorted("walk %s %s %s" % (rel(d), sorted(dirs), sorted(files))
                   for d, dirs, files in os.walk(top)):
    print(line)
for line in sorted("walk up %s %s %s" % (rel(d), sorted(dirs), sorted(files))
                   for d, dirs, files in os.walk(top, topdown=False,
                                                 followlinks=True)):
    print(line)
for p in ("a/lnk", "a/b/../seq", "a/dangling", "a/b/c/..", "none/x"):
    print("realpath", p, rel(os.path.realpath(os.path.join(top, p))))
print("glob", [rel(p) for p in sorted(glob.glob(top + "/a/b/f1*"))])
print("glob", [rel(p) for p in sorted(glob.glob(top + "/**/deep",
                                                 recursive=True))])
PYEOF
"$PY" "$T/walk.py" "$T/w" >"$T/py.host" 2>&1 || {
	cat "$T/py.host" >&2
	fail "python3 on the host"
}
hj "$PY" "$T/walk.py" "$K/w" >"$T/py.kern" 2>&1
hj_cmp_out "python3 os.scandir, os.walk, os.path.realpath, glob" \
	"$T/py.host" "$T/py.kern"

# sed -i makes its temporary file with glibc's mkostemp in the file's
# directory; sort -o moves its output onto 1 and writes to stdout;
# mktemp -d and mkdtemp-style names in the kernel
edits() { # DIR
	$run sed -i 's/^1/one/; /^5/d' "$1/a/seq" &&
		$run sed -i.bak -e '1i head' "$1/a/b/f7" &&
		$run sort -r -o "$1/sorted" "$1/a/seq" &&
		$run sort -n "$1/a/b/f1" "$1/a/b/f2" -o "$1/a/b/f1"
}
tree_sums() { # DIR
	$run sh -c 'cd "$1" && find . -type f | sort | while read -r f; do
		printf "%s " "$f"
		sha256sum <"$f"
	done' sh "$1"
}
run= edits "$T/w" || fail "sed -i, sort -o on the host"
run=hj edits "$K/w" || fail "sed -i, sort -o in the kernel"
run= tree_sums "$T/w" >"$T/edits.host"
run=hj tree_sums "$K/w" >"$T/edits.kern"
hj_cmp_out "sed -i, sort -o" "$T/edits.host" "$T/edits.kern"
d=$(hj mktemp -d "$K/w/tmp.XXXXXX") && hj /usr/bin/test -d "$d" ||
	fail "mktemp -d in the kernel"

# the kernel side: posix_spawn, system, popen, isatty, absolute links
hj mkdir "$K/calls" || fail "mkdir"
hj "$CALLS" kernel "$K/calls" || fail "hj_calls kernel"

# python3's subprocess (fork/vfork + exec in C) and os.posix_spawn with
# a kernel working directory and kernel files as stdin and stdout
cat >"$T/sub.py" <<'PYEOF'
import os, subprocess, sys
k = sys.argv[1]
with open(k + "/pyin", "w") as f:
    f.write("python input\n")
r = subprocess.run(["cat", "pyin"], cwd=k, capture_output=True)
assert r.returncode == 0 and r.stdout == b"python input\n", r
with open(k + "/pyin") as i, open(k + "/pyout", "w") as o:
    subprocess.run(["cat"], stdin=i, stdout=o, check=True)
assert open(k + "/pyout").read() == "python input\n"
r = subprocess.run("cat pyin > pyout2; /bin/pwd", shell=True, cwd=k,
                   capture_output=True, text=True, close_fds=False)
assert r.stdout == k + "\n", r
assert open(k + "/pyout2").read() == "python input\n"
fd = os.open(k + "/pyout3", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
pid = os.posix_spawn("/bin/echo", ["echo", "posix_spawn"], os.environ,
                     file_actions=[(os.POSIX_SPAWN_DUP2, fd, 1)])
assert os.waitpid(pid, 0)[1] == 0
os.close(fd)
assert open(k + "/pyout3").read() == "posix_spawn\n"
try:
    subprocess.run(["cat"], cwd=k + "/none")
    raise SystemExit("no error for a missing cwd")
except FileNotFoundError:
    pass
print("python subprocess ok")
PYEOF
hj "$PY" "$T/sub.py" "$K/calls" || fail "python3 subprocess, os.posix_spawn"
say "python3 subprocess and os.posix_spawn in the kernel"

# python3's subprocess takes os.posix_spawn (glibc's posix_spawn) for an
# executable with a directory, close_fds=False and no cwd: a kernel
# descriptor made inheritable is read by the child
cat >"$T/spawn.py" <<'PYEOF'
import os, subprocess, sys
k = sys.argv[1]
assert subprocess._USE_POSIX_SPAWN
fd = os.open(k + "/pyin", os.O_RDONLY)
os.set_inheritable(fd, True)
r = subprocess.run(["/bin/sh", "-c", "cat <&%d" % fd], close_fds=False,
                   stdout=subprocess.PIPE)
assert r.returncode == 0 and r.stdout == b"python input\n", r
print("python posix_spawn ok")
PYEOF
hj "$PY" "$T/spawn.py" "$K/calls" || fail "python3 subprocess by posix_spawn"
say "python3 subprocess through posix_spawn with a kernel descriptor"

# execvp runs a file without #! with /bin/sh, as glibc's does (env uses
# execvp); the script reads a kernel file
printf 'cat %s/calls/pyin\n' "$K" >"$T/noshebang"
chmod 0755 "$T/noshebang"
[ "$(hj env "$T/noshebang")" = "python input" ] ||
	fail "execvp of a script without #!"
say "execvp of a script without #!"

hj_stop
say "all passed"
