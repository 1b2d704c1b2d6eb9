#!/bin/sh
# check-hostsize.sh -- the small-host invariant: each host implementation
# (every hosts/<name>/ but hosts/common, which each host also counts, and
# hosts/shim, the fault-injection shim shared by all) stays within about
# 1,000 lines of source, comments included.  Files named *_host.c (the
# remote-syscall transport and other optional host glue) are not counted.
# Prints each host's count; fails when one exceeds the limit.
set -eu

LIMIT=1100
[ -d hosts ] || {
	echo "check-hostsize: run from the top of the tree (no hosts/)" >&2
	exit 1
}

# lines DIR... -- the lines of the counted source files in DIRs.
lines() {
	find "$@" -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \
		-o -name '*.s' \) ! -name '*_host.c' -exec cat {} + | wc -l
}

common=0
[ -d hosts/common ] && common=$(lines hosts/common)
echo "  hosts/common: $common lines (counted in every host)"
n=0 fails=0
for d in hosts/*/; do
	name=${d%/}
	name=${name#hosts/}
	case $name in
	common | shim) continue ;;
	esac
	own=$(lines "hosts/$name")
	total=$((own + common))
	n=$((n + 1))
	if [ "$total" -gt "$LIMIT" ]; then
		echo "check-hostsize: host $name has $total lines" \
			"(hosts/$name $own + hosts/common $common)," \
			"over the limit of $LIMIT" >&2
		fails=$((fails + 1))
	else
		echo "  host $name: $total lines (hosts/$name $own +" \
			"hosts/common $common), limit $LIMIT"
	fi
done
[ "$n" -gt 0 ] || {
	echo "check-hostsize: no host implementation under hosts/" >&2
	exit 1
}
[ "$fails" -eq 0 ] || exit 1
echo "check-hostsize: ok ($n hosts)"
