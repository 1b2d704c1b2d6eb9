#!/bin/sh
# namespace.sh IN.o OUT.o -- close a kernel object's namespace: rename every
# global symbol (defined or undefined) into rumpns_, except the public
# rump_* API, the rumpuser_* hypercalls, and __-prefixed compiler and
# sanitizer runtime symbols.  Undefined memcpy-style calls that compilers
# emit thus bind to the kernel's own rumpns_memcpy, never the host libc's.
set -eu
in=$1 out=$2
map=$out.map
${NM:-nm} -P "$in" | awk '
	$2 ~ /^[A-Z]$/ && $2 != "U" || $2 == "U" { print $1 }' |
	grep -v -E '^(rump_|rumpuser_|rumpns_|__|_GLOBAL_OFFSET_TABLE_$)' |
	sort -u | awk '{ print $1 " rumpns_" $1 }' >"$map"
${OBJCOPY:-objcopy} --redefine-syms="$map" "$in" "$out"
