#!/bin/sh
# check-namespace.sh BUILD -- the closed-namespace invariant: link
# tests/namespace/prog.c, which defines its own printf, socket, open, bind,
# strlcpy, panic, kmem_alloc and mutex_enter, statically with every kernel
# archive (each forced in by its component link symbol), librumphost.a and
# librumpuser.a, then run it: the link must have no duplicate definition,
# and the program's functions and the kernel (rump_init, rump_sys_getpid)
# must both work.  Skipped in sanitizer builds (SAN set), whose runtimes
# interpose libc names themselves.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: check-namespace.sh BUILD" >&2
	exit 2
fi
B=$1
data=$B/libs.txt
src=tests/namespace/prog.c
NM=${NM:-nm}
die() {
	echo "check-namespace: $*" >&2
	exit 1
}
[ -f "$data" ] || die "$data is missing: run make first"
[ -f "$src" ] || die "$src is missing"
v() {
	awk -v k="$1" '$1 == k { sub(/^[ \t]*[^ \t]+[ \t]?/, ""); print; f = 1; exit }
		END { if (!f) exit 1 }' "$data" || die "no '$1' in $data"
}
san=$(v san)
if [ -n "$san" ]; then
	echo "check-namespace: skipped in the sanitizer build (SAN=$san)"
	exit 0
fi
cc=$(v cc)
libdir=$(v libdir)

archives='' force=''
for l in $(v kernlibs); do
	a=$libdir/lib$l.a
	[ -f "$a" ] || die "$a is missing: run make first"
	archives="$archives $a"
	sym=$("$NM" -g --defined-only "$a" |
		awk '$3 ~ /^rump_component_link_/ { print $3 }' | sort | sed -n 1p)
	force="$force${sym:+ -Wl,-u,$sym}"
done
for h in rumphost rumpuser; do
	[ -f "$libdir/lib$h.a" ] || die "$libdir/lib$h.a is missing: run make first"
	archives="$archives $libdir/lib$h.a"
done

ldlibs=$(v ldlibs_host)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rumpkit-namespace.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
prog=$tmp/prog
echo "check-namespace: $cc $src$force$archives $ldlibs"
# shellcheck disable=SC2086 # lists are split on purpose
if ! $cc -std=gnu11 -fno-builtin -Wall -Wextra -Werror -Iinclude -o "$prog" \
	"$src" $force $archives $ldlibs >"$tmp/log" 2>&1; then
	sed 's/^/    /' "$tmp/log" >&2
	die "the program does not link with the kernel (a kernel symbol escaped the rumpns_ namespace?)"
fi

# Show that the test means something: both definitions are in the program.
both=
for f in printf socket open bind strlcpy panic kmem_alloc mutex_enter; do
	if "$NM" "$prog" | grep -q " T rumpns_$f\$"; then
		both="$both $f"
	fi
done
echo "  defined by both the program and (as rumpns_*) the kernel:${both:- none}"

if ! "$prog" >"$tmp/out" 2>&1; then
	sed 's/^/    | /' "$tmp/out"
	die "the program failed: its own functions or the kernel do not work"
fi
sed 's/^/    | /' "$tmp/out"
grep -q '^namespace: ok$' "$tmp/out" || die "the program did not report success"
echo "check-namespace: ok"
