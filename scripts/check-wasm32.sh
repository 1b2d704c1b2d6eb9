#!/bin/sh
# check-wasm32.sh [BUILD] -- the portable-kernel invariant: every kernel
# source (<lib>_KSRC of each KERNLIBS library in mk/libs.mk) compiles, with
# no link, for wasm32 with clang, freestanding against the project's own
# headers and with warnings as errors, so that 64-bit-only assumptions
# (long or pointer wider than int, host headers) cannot creep in.  The
# source list and the generic flags of the Makefile's KERN_CFLAGS come
# from BUILD/libs.txt (default BUILD: build), which make writes.
set -eu

B=${1:-build}
data=$B/libs.txt
CLANG=${CLANG:-clang}
die() {
	echo "check-wasm32: $*" >&2
	exit 1
}
if [ ! -f "$data" ]; then
	make -s BUILD="$B" "$data" >/dev/null || die "cannot make $data"
fi
v() {
	awk -v k="$1" '$1 == k { sub(/^[ \t]*[^ \t]+[ \t]?/, ""); print; f = 1; exit }
		END { if (!f) exit 1 }' "$data" || die "no '$1' in $data"
}
command -v "$CLANG" >/dev/null 2>&1 ||
	die "$CLANG not found (Debian: apt-get install clang)"

# The generic flags of KERN_CFLAGS; not the target-, sanitizer- or
# compiler-specific ones (-fPIC, -fsanitize, -g, gcc-only warnings).
base="--target=wasm32 -ffreestanding -nostdinc -Ikern/include -Iinclude \
-Wall -Wextra -Werror -Wno-unused-parameter"
extra=
for f in $(v kern_cflags); do
	case $f in
	-std=* | -O* | -D* | -U* | -I* | -fno-common | -fno-builtin* | \
		-fno-strict-aliasing | -fwrapv | -fno-stack-protector | \
		-fno-delete-null-pointer-checks | -funsigned-char | -fsigned-char)
		case " $base $extra " in
		*" $f "*) ;;
		*) extra="$extra $f" ;;
		esac
		;;
	esac
done
flags="$base$extra"
echo "check-wasm32: $CLANG $flags -c"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rumpkit-wasm32.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0 fails=0
for l in $(v kernlibs); do
	srcs=$(v "$l.ksrc")
	[ -n "$srcs" ] || die "kernel library $l has no sources (${l}_KSRC)"
	for s in $srcs; do
		# shellcheck disable=SC2086 # flags are split on purpose
		if $CLANG $flags -c -o "$tmp/out.o" "$s" >"$tmp/log" 2>&1; then
			n=$((n + 1))
		else
			echo "check-wasm32: $s does not compile for wasm32:" >&2
			sed 's/^/    /' "$tmp/log" >&2
			fails=$((fails + 1))
		fi
	done
done
if [ "$fails" -ne 0 ]; then
	echo "check-wasm32: $fails of $((n + fails)) kernel sources fail" >&2
	exit 1
fi
echo "check-wasm32: ok ($n kernel sources)"
