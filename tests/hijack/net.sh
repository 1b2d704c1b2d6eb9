#!/bin/sh
# net.sh ROOT BUILD -- sockets through librumphijack: nc (netcat-openbsd)
# listens inside the kernel, another nc connects to it over the kernel's
# lo0, both unmodified and in separate processes (separate kernel
# processes); the bytes must arrive intact.  Then a UDP
# exchange, curl fetching a page from a responder in the kernel, iperf3
# (server and client) with its TCP_INFO retransmission count, and
# socket=none leaves sockets on the host.  No client is
# killed while the server holds it in a call (see docs/hijack.md).
set -u
ROOT=$1
B=$2
. "$ROOT/tests/hijack/lib.sh"
hj_setup
command -v nc >/dev/null || fail "nc (netcat-openbsd) is needed"
hj_server

head -c 200000 /dev/urandom >"$T/payload"
hj_exec nc -l 127.0.0.1 7777 >"$T/got" &
LPID=$!
# the client retries until the listener is up (refused until then)
i=0
until hj nc -N 127.0.0.1 7777 <"$T/payload" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "no nc listener in the kernel"
	sleep 0.05
done
wait $LPID || fail "nc listener exited with $?"
cmp -s "$T/payload" "$T/got" || fail "TCP through the kernel changed bytes"
say "TCP: 200000 bytes through the kernel's lo0, listener and client"

# UDP: the first datagram that arrives is the listener's peer
hj_exec nc -u -l -W 1 127.0.0.1 7778 >"$T/udp" &
LPID=$!
i=0
until [ -s "$T/udp" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "no UDP datagram arrived"
	printf 'datagram\n' | hj nc -u -w 0 127.0.0.1 7778
	sleep 0.1
done
wait $LPID || fail "nc -u -l -W 1 exited with $?"
[ "$(head -n 1 "$T/udp")" = datagram ] || fail "UDP: '$(cat "$T/udp")'"
say "UDP: a datagram through the kernel"

# curl, unmodified, fetching from an HTTP responder (nc) inside the kernel.
# Not in a sanitizer build: Debian's curl hangs in setlocale at start with
# the sanitizer runtime preloaded, with or without librumphijack.
command -v curl >/dev/null || fail "curl is needed"
if [ -n "$(sed -n 's/^san //p' "$B/libs.txt")" ]; then
	say "curl: not run in a sanitizer build (curl hangs under its runtime)"
else
	body="hello from inside the kernel"
	printf 'HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s' ${#body} "$body" \
		>"$T/resp"
	hj_exec nc -l -N 127.0.0.1 8080 <"$T/resp" >"$T/req" &
	LPID=$!
	i=0
	until hj curl -sS --max-time 20 http://127.0.0.1:8080/x >"$T/page" \
		2>"$T/curl.err"; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "curl: $(cat "$T/curl.err")"
		sleep 0.05
	done
	wait $LPID || fail "the HTTP responder exited with $?"
	[ "$(cat "$T/page")" = "$body" ] || fail "curl got '$(cat "$T/page")'"
	grep -q '^GET /x HTTP/1.1' "$T/req" || fail "request: $(head -n 1 "$T/req")"
	say "curl: a page from a server inside the kernel"
fi

# iperf3, unmodified, server and client both in the kernel: its JSON report
# takes the retransmission count from getsockopt(TCP_INFO).
command -v iperf3 >/dev/null || fail "iperf3 is needed"
command -v python3 >/dev/null || fail "python3 is needed"
hj_exec iperf3 -s -1 -B 127.0.0.1 -p 5201 >"$T/iperf.srv" 2>&1 &
LPID=$!
# the client retries until the listener is up; iperf3 -J exits 0 even
# when the connect is refused, with an "error" member in its report
i=0
until hj iperf3 -c 127.0.0.1 -p 5201 -t 1 -J >"$T/iperf.json" \
	2>"$T/iperf.err" && ! grep -q '"error"' "$T/iperf.json"; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "iperf3 client: $(tail -n 5 "$T/iperf.json")"
	sleep 0.05
done
wait $LPID || fail "iperf3 server exited with $?: $(tail "$T/iperf.srv")"
python3 - "$T/iperf.json" <<'PY' || fail "iperf3 report: $(cat "$T/iperf.err")"
import json, sys
s = json.load(open(sys.argv[1]))["end"]["sum_sent"]
assert s["bytes"] > 0, s
assert s["retransmits"] == 0, s
print("-- iperf3: %d bytes, %d retransmits" % (s["bytes"], s["retransmits"]))
PY

# socket=none: a listener under the library is the host's own, which a
# plain host nc (no library) reaches
echo hostside >"$T/none.in"
RUMPHIJACK=socket=none hj_exec nc -l 127.0.0.1 7780 >"$T/none" &
LPID=$!
i=0
until nc -N 127.0.0.1 7780 <"$T/none.in" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "socket=none: no host listener"
	sleep 0.05
done
wait $LPID || fail "socket=none listener exited with $?"
[ "$(cat "$T/none")" = hostside ] || fail "socket=none: '$(cat "$T/none")'"
say "socket=none: sockets stay on the host"
hj_stop
say "all passed"
