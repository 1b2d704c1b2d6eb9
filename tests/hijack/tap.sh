#!/bin/sh
# tap.sh ROOT BUILD -- the README's network session, automated: the
# kernel of a rump_server gets virt0 on a Linux tap (rumpctl ifconfig
# create, linkstr, inet), and unmodified programs under librumphijack
# use the kernel's TCP/IP over it: curl fetches a 4 MiB file from
# `python3 -m http.server` on the tap's Linux side (SHA-256 compared), and
# nc listens inside the kernel for nc clients on the Linux side (bytes
# compared, each direction).  Needs root (namespaces, a tap).
#
# Two network namespaces, deleted at the end whatever happens: rkhjN has
# the tap (10.0.0.1/24 on Linux's side, the kernel 10.0.0.2), the HTTP
# server, the host-side nc and rump_server itself (a tap is opened in the
# namespace of the process that opens it); rkhjcN, with nothing in it,
# runs the hijacked programs, so a socket the library left on the host
# could reach nothing, and no traffic leaves the namespaces.
set -u
ROOT=$1
B=$2
. "$ROOT/tests/hijack/lib.sh"
hj_setup

if [ "$(id -u)" -ne 0 ]; then
	[ -z "${CI:-}" ] || fail "not root (CI runs this as root)"
	say "SKIP: not root (network namespaces and a tap); CI runs it"
	exit 0
fi
for tool in ip curl nc python3; do
	command -v $tool >/dev/null || fail "$tool is needed"
done

NS=rkhj$$
NSC=rkhjc$$
TAP=rktap0

# Everything still running in our namespaces (server, HTTP server, nc)
# ends before the namespaces go; then the usual cleanup.
tap_cleanup() {
	for ns in $NS $NSC; do
		pids=$(ip netns pids $ns 2>/dev/null)
		[ -n "$pids" ] && kill $pids 2>/dev/null
	done
	hj_cleanup
	ip netns delete $NS 2>/dev/null
	ip netns delete $NSC 2>/dev/null
}
trap tap_cleanup EXIT

ip netns add $NS || fail "ip netns add $NS"
ip netns add $NSC || fail "ip netns add $NSC"
# as in the README, with the host's commands run in the namespace
ins() {
	ip netns exec $NS "$@"
}
ins ip link set lo up &&
	ins ip tuntap add $TAP mode tap &&
	ins ip addr add 10.0.0.1/24 dev $TAP &&
	ins ip link set $TAP up || fail "the tap $TAP"

mkdir "$T/www" || exit 1
head -c 4194304 /dev/urandom >"$T/www/blob"
(cd "$T/www" && exec ip netns exec $NS python3 -u -m http.server \
	-b 10.0.0.1 8000 >"$T/http.log" 2>&1) &
i=0
until grep -q '^Serving HTTP' "$T/http.log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 400 ] || fail "http.server: $(cat "$T/http.log")"
	sleep 0.05
done

HJ_NETNS=$NS hj_server
ctl() {
	"$B/bin/rumpctl" "$@" || fail "rumpctl $*"
}
ctl ifconfig virt0 create
ctl ifconfig virt0 linkstr $TAP
ctl ifconfig virt0 inet 10.0.0.2/24 up
say "virt0 on $TAP: 10.0.0.2/24"

# hjc [VAR=VALUE]... PROGRAM ARGS: a hijacked program in the empty
# namespace
hjc() {
	ip netns exec $NSC env \
		LD_LIBRARY_PATH=$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
		LD_PRELOAD="$PRELOAD" "$@"
}

# curl: not in a sanitizer build (Debian's curl hangs in setlocale under
# the runtime; see net.sh and docs/hijack.md)
want=$(sha256sum <"$T/www/blob")
if [ -n "$(sed -n 's/^san //p' "$B/libs.txt")" ]; then
	say "curl: not run in a sanitizer build (curl hangs under its runtime)"
else
	# the default (socket=all:nolocal, as in the README), then every
	# family, local sockets too (curl's own socketpair then is the
	# kernel's)
	for hjopt in "" socket=all; do
		rm -f "$T/got"
		hjc ${hjopt:+RUMPHIJACK=$hjopt} curl -sS --max-time 60 -o "$T/got" \
			http://10.0.0.1:8000/blob 2>"$T/curl.err" ||
			fail "curl (RUMPHIJACK=$hjopt): $(cat "$T/curl.err")"
		[ "$(sha256sum <"$T/got")" = "$want" ] ||
			fail "curl (RUMPHIJACK=$hjopt): the file differs"
		say "curl (RUMPHIJACK=$hjopt): 4 MiB from the Linux side, same SHA-256"
	done
	# the HTTP server saw the kernel's address, not a host socket's
	grep -q '^10\.0\.0\.2 .*"GET /blob HTTP/1.1" 200' "$T/http.log" ||
		fail "no request from 10.0.0.2 in: $(cat "$T/http.log")"
fi

# nc -l inside the kernel; a Linux nc connects over the tap.  One
# direction a connection: nc -l ends when its peer's data ends.
head -c 3000000 /dev/urandom >"$T/up"
head -c 2000000 /dev/urandom >"$T/down"
tap_nc() { # port, the listener's and the client's options and files
	port=$1
	hjc nc -l $2 10.0.0.2 $port <"$3" >"$4" &
	lpid=$!
	i=0
	until ins nc $5 10.0.0.2 $port <"$6" >"$7" 2>"$T/nc.err"; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "no nc listener on 10.0.0.2:$port: $(cat "$T/nc.err")"
		sleep 0.05
	done
	wait $lpid || fail "the nc listener in the kernel exited with $?"
}
tap_nc 7000 "" /dev/null "$T/got.up" -N "$T/up" /dev/null
cmp -s "$T/up" "$T/got.up" || fail "Linux -> kernel nc: bytes differ"
say "nc: 3000000 bytes from Linux to nc -l in the kernel"
tap_nc 7001 -N "$T/down" /dev/null -d /dev/null "$T/got.down"
cmp -s "$T/down" "$T/got.down" || fail "kernel nc -> Linux: bytes differ"
say "nc: 2000000 bytes from nc -l in the kernel to Linux"

"$B/bin/rumpctl" ifconfig virt0 >"$T/virt0" || fail "rumpctl ifconfig virt0"
grep -q 'input: [1-9][0-9]* packets' "$T/virt0" ||
	fail "virt0 counted no input: $(cat "$T/virt0")"
hj_stop
say "all passed"
