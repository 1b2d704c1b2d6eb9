#!/bin/sh
# check-install.sh BUILD [PREFIX] -- check the installed tree as a newcomer
# uses it: install BUILD into a temporary PREFIX (or use PREFIX, already
# filled by `make install`), then check that every pkg-config module
# resolves, that every public header compiles on its own, and that
# tests/newcomer/newcomer.c builds with pkg-config alone and runs, linked
# dynamically and statically, with the default host and with rump_fiber
# (each host in $HOSTS, default "posix fiber").  The host that serves the
# hypercalls is verified, not assumed: the static link's archive trace and
# the dynamic linker's bindings of rumpuser_init must name it.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: check-install.sh BUILD [PREFIX]" >&2
	exit 2
fi
B=$1
data=$B/libs.txt
src=tests/newcomer/newcomer.c
fails=0
die() {
	echo "check-install: $*" >&2
	exit 1
}
bad() {
	echo "check-install: FAIL: $*" >&2
	fails=$((fails + 1))
}
[ -f "$data" ] || die "$data is missing: run make first"
[ -f "$src" ] || die "$src is missing"

v() {
	awk -v k="$1" '$1 == k { sub(/^[ \t]*[^ \t]+[ \t]?/, ""); print; f = 1; exit }
		END { if (!f) exit 1 }' "$data" || die "no '$1' in $data"
}
cc=$(v cc)
sanflags=$(v sanflags)
kernlibs=$(v kernlibs)
hostlibs=$(v hostlibs)
pcmodules=$(v pcmodules)
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
command -v "$PKG_CONFIG" >/dev/null 2>&1 ||
	die "$PKG_CONFIG not found (Debian: apt-get install pkgconf)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rumpkit-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ $# -eq 2 ]; then
	P=$2
	[ -d "$P/lib/pkgconfig" ] || die "$P has no lib/pkgconfig: run make install PREFIX=$P"
else
	P=$tmp/prefix
	sh scripts/install.sh "$B" "$P" || die "scripts/install.sh $B $P failed"
fi
P=$(cd "$P" && pwd)
# Only the installed modules, never the machine's.
PKG_CONFIG_LIBDIR=$P/lib/pkgconfig
PKG_CONFIG_PATH=
export PKG_CONFIG_LIBDIR PKG_CONFIG_PATH
echo "check-install: prefix $P, compiler $cc${sanflags:+, $sanflags}"

for m in $kernlibs $hostlibs $pcmodules; do
	"$PKG_CONFIG" --exists --print-errors "$m" ||
		bad "pkg-config module $m does not resolve"
done

cflags=$("$PKG_CONFIG" --cflags rump) || die "pkg-config --cflags rump failed"
n=0
for h in "$P"/include/rump/*.h; do
	[ -f "$h" ] || die "no headers installed in $P/include/rump"
	h=${h##*/}
	printf '#include <rump/%s>\n' "$h" >"$tmp/hdr.c"
	# shellcheck disable=SC2086 # flag lists are split on purpose
	if $cc -fsyntax-only -Wall -Wextra -Werror $cflags "$tmp/hdr.c" \
		>"$tmp/hdr.log" 2>&1; then
		n=$((n + 1))
	else
		sed 's/^/    /' "$tmp/hdr.log"
		bad "<rump/$h> does not compile on its own"
	fi
done
echo "  $n public headers compile on their own"

# The kernel modules in reverse order: several modules on one command line.
allmods=
for l in $kernlibs; do
	allmods="$l${allmods:+ $allmods}"
done

# newcomer NAME MODULES HOSTLIB KIND KERNLIBS -- build and run the newcomer
# program linked KIND (shared or static) with pkg-config MODULES, check
# that every kernel library in KERNLIBS made it into the program (static:
# its archive member; shared: its .so is loaded) and that HOSTLIB
# (librumpuser or librumpuser_fiber) serves the hypercalls.
newcomer() {
	name=$1 mods=$2 hostlib=$3 kind=$4 want=$5
	exe=$tmp/newcomer-$name-$kind
	log=$tmp/$name-$kind.log
	echo "  [$kind] pkg-config $mods"
	# shellcheck disable=SC2086
	if [ "$kind" = shared ]; then
		flags=$("$PKG_CONFIG" --cflags --libs $mods) ||
			{ bad "pkg-config --libs $mods failed"; return; }
		echo "    cc newcomer.c $flags"
		$cc $sanflags -Wall -Wextra -Werror -o "$exe" "$src" $flags \
			>"$log" 2>&1 || {
			sed 's/^/    /' "$log"
			bad "$name: dynamic link failed"
			return
		}
		LD_TRACE_LOADED_OBJECTS=1 LD_LIBRARY_PATH=$P/lib "$exe" \
			>"$tmp/loaded" 2>&1 || :
		for l in $want; do
			grep -q "lib$l\.so " "$tmp/loaded" ||
				bad "$name: dynamic link does not load kernel library $l"
		done
	else
		if ! cf=$("$PKG_CONFIG" --cflags $mods) ||
			! flags=$("$PKG_CONFIG" --static --libs $mods); then
			bad "pkg-config --static --libs $mods failed"
			return
		fi
		echo "    cc newcomer.c $cf -Wl,-Bstatic $flags -Wl,-Bdynamic"
		$cc $sanflags -Wall -Wextra -Werror -o "$exe" "$src" $cf \
			-Wl,-Bstatic $flags -Wl,-Bdynamic -Wl,-t,-t \
			>"$log" 2>&1 || {
			grep -v '^[(/]' "$log" | sed 's/^/    /'
			bad "$name: static link failed"
			return
		}
		# GNU ld prints "(archive)member", lld "archive(member)".
		got=$(grep -E -o "/lib(rumpuser|rumpuser_fiber)\.a\)?\(?" "$log" |
			grep -E '\)$|\($' | sed 's/[()]//g; s,^/,,; s/\.a$//' |
			sort -u | tr '\n' ' ')
		if [ "$got" != "$hostlib " ]; then
			bad "$name: static link took host archive(s) '${got% }', not $hostlib.a"
		else
			echo "    static link took $hostlib.a only"
		fi
		if readelf -d "$exe" | grep -q 'NEEDED.*librump'; then
			bad "$name: static link still needs a rump shared library"
		fi
		for l in $want; do
			grep -q -E "/lib$l\.a\(|/lib$l\.a\)" "$log" ||
				bad "$name: static link left out kernel library $l"
		done
	fi
	if LD_LIBRARY_PATH=$P/lib LD_DEBUG=bindings \
		LD_DEBUG_OUTPUT=$tmp/bind-$name-$kind "$exe" >"$log" 2>&1; then
		sed 's/^/    | /' "$log"
	else
		sed 's/^/    | /' "$log"
		bad "$name ($kind): the newcomer program failed"
		return
	fi
	if [ "$kind" = shared ]; then
		to=$(cat "$tmp/bind-$name-$kind".* 2>/dev/null |
			grep "symbol \`rumpuser_init'" | sed -n 's/.* to \([^ ]*\) .*/\1/p' |
			sed -n 1p)
		case ${to##*/} in
		"$hostlib.so")
			echo "    rumpuser_init bound to ${to##*/}"
			;;
		*)
			bad "$name: rumpuser_init bound to '${to:-nothing}', not $hostlib.so"
			;;
		esac
	fi
}

for host in ${HOSTS:-posix fiber}; do
	case $host in
	posix) hostmod='' hostlib=librumpuser ;;
	fiber) hostmod="rump_fiber " hostlib=librumpuser_fiber ;;
	*)
		echo "  host $host: no pkg-config module to check"
		continue
		;;
	esac
	echo "check-install: newcomer on the $host host"
	for kind in shared static; do
		newcomer "$host" "${hostmod}rump" "$hostlib" "$kind" rump
		if [ "$allmods" != rump ]; then
			newcomer "$host-all" "$hostmod$allmods" "$hostlib" \
				"$kind" "$kernlibs"
		fi
	done
done

if [ "$fails" -ne 0 ]; then
	echo "check-install: $fails problem(s)" >&2
	exit 1
fi
echo "check-install: ok"
