#!/bin/sh
# check-symbols.sh BUILD -- the freestanding-kernel invariant, read off the
# built objects with nm.  For every kernel library (KERNLIBS in mk/libs.mk):
#  - its renamed kernel object BUILD/obj/<lib>.kern.o leaves undefined only
#    rumpuser_* hypercalls (each provided by every host library), __*
#    compiler and sanitizer runtime symbols, and rumpns_* / rump_* symbols
#    that some kernel library defines: nothing from the host libc.  The
#    *_host.o objects of a library may call libc; they are not in .kern.o.
#  - its archive BUILD/lib/lib<lib>.a defines no global symbol that the
#    host libc (the libc.so.6 the compiler links) also defines.
# Exits non-zero, naming every offending symbol, on a violation.
set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 1 ]; then
	echo "usage: check-symbols.sh BUILD" >&2
	exit 2
fi
B=$1
data=$B/libs.txt
NM=${NM:-nm}
die() {
	echo "check-symbols: $*" >&2
	exit 1
}
[ -f "$data" ] || die "$data is missing: run make first"
v() {
	awk -v k="$1" '$1 == k { sub(/^[ \t]*[^ \t]+[ \t]?/, ""); print; f = 1; exit }
		END { if (!f) exit 1 }' "$data" || die "no '$1' in $data"
}
cc=$(v cc)
objdir=$(v objdir)
libdir=$(v libdir)
kernlibs=$(v kernlibs)
hostlibs=$(v hostlibs)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rumpkit-symbols.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# defined FILE -- the global symbols FILE defines, one a line, sorted.
defined() {
	"$NM" -g --defined-only "$1" | awk 'NF >= 3 { print $3 }' | sort -u
}

# The symbols kernel code may call across libraries: the rumpns_* / rump_*
# that some kernel library (kernel or host side) defines.
: >"$tmp/kdefs"
for l in $kernlibs; do
	for f in "$objdir/$l.kern.o" "$objdir/$l.o" "$libdir/lib$l.a"; do
		[ -f "$f" ] || die "$f is missing: run make first"
	done
	defined "$objdir/$l.o" >>"$tmp/kdefs"
done
sort -u -o "$tmp/kdefs" "$tmp/kdefs"
grep -E '^(rumpns_|rump_)' "$tmp/kdefs" >"$tmp/kapi" || :

# The hypercalls each host library implements.
hosts=
for h in $hostlibs; do
	case $h in
	rumpuser*)
		[ -f "$objdir/$h.o" ] || die "$objdir/$h.o is missing: run make first"
		defined "$objdir/$h.o" | grep '^rumpuser_' >"$tmp/host.$h" || :
		hosts="$hosts $h"
		;;
	esac
done
[ -n "$hosts" ] || die "no host library (rumpuser*) in HOSTLIBS"

# The libc the compiler links against.
libc=$($cc -print-file-name=libc.so.6 2>/dev/null || :)
case $libc in
/*) ;;
*) libc=$(ldd /bin/sh 2>/dev/null | awk '$1 ~ /^libc\.so/ { print $3 }') ;;
esac
[ -f "$libc" ] || die "cannot find the host libc.so.6 (tried $cc -print-file-name)"
"$NM" -D --defined-only "$libc" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' |
	sort -u >"$tmp/libc"
[ -s "$tmp/libc" ] || die "no dynamic symbols read from $libc"

fails=0
for l in $kernlibs; do
	kobj=$objdir/$l.kern.o
	"$NM" -u "$kobj" | awk '{ print $NF }' | sort -u >"$tmp/undef"
	n=$(wc -l <"$tmp/undef")

	# Neither hypercall, runtime nor kernel: a call out of the kernel.
	grep -v -E '^(rumpuser_|__|_GLOBAL_OFFSET_TABLE_$)' "$tmp/undef" |
		comm -23 - "$tmp/kapi" >"$tmp/bad" || :
	if [ -s "$tmp/bad" ]; then
		echo "check-symbols: $kobj calls symbols no kernel library defines" \
			"(host libc or a missing kernel function; the name without" \
			"rumpns_ is what the source calls):" >&2
		sed 's/^/    /' "$tmp/bad" >&2
		fails=$((fails + 1))
	fi

	# Hypercalls some host does not implement (the component's own
	# *_host.c may provide component hypercalls itself).
	grep '^rumpuser_' "$tmp/undef" | comm -23 - "$tmp/kdefs" \
		>"$tmp/hyper" || :
	for h in $hosts; do
		comm -23 "$tmp/hyper" "$tmp/host.$h" >"$tmp/missing" || :
		if [ -s "$tmp/missing" ]; then
			echo "check-symbols: $kobj needs hypercalls that host" \
				"library $h does not implement:" >&2
			sed 's/^/    /' "$tmp/missing" >&2
			fails=$((fails + 1))
		fi
	done

	# Hypercalls are the hosts' to define.
	defined "$kobj" | grep '^rumpuser_' >"$tmp/bad" || :
	if [ -s "$tmp/bad" ]; then
		echo "check-symbols: kernel object $kobj defines hypercalls:" >&2
		sed 's/^/    /' "$tmp/bad" >&2
		fails=$((fails + 1))
	fi

	# Nothing the archive defines may also come from libc.
	defined "$libdir/lib$l.a" | comm -12 - "$tmp/libc" >"$tmp/bad"
	if [ -s "$tmp/bad" ]; then
		echo "check-symbols: lib$l.a defines global symbols that the" \
			"host libc ($libc) also defines:" >&2
		sed 's/^/    /' "$tmp/bad" >&2
		fails=$((fails + 1))
	fi
	echo "  lib$l: $n undefined symbols in $l.kern.o checked," \
		"$(defined "$libdir/lib$l.a" | wc -l) definitions against libc"
done

if [ "$fails" -ne 0 ]; then
	echo "check-symbols: $fails violation(s)" >&2
	exit 1
fi
echo "check-symbols: ok (kernel libraries: $kernlibs; hosts:$hosts)"
