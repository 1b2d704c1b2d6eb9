#!/bin/sh
# bench/remote.sh -- the remote null system call round trip
# (rump_sys_getpid through librumpclient) over unix:// and tcp://
# (127.0.0.1) against a plain round trip of the same sizes between two
# host processes over a unix socket and over TCP on the host's loopback,
# and a local rump_sys_getpid() for scale.  RUNS (default 7) rounds, each
# running every case once in a fresh process of N (default 20000) calls;
# the ratios are the medians of the per-round ratios.  Writes
# bench/remote.results.md, which `make bench` keeps in docs/BENCHMARKS.md.
# Builds what it needs in BUILD (default build); `make bench-remote`.
set -eu
cd "$(dirname "$0")/.."
B=${BUILD:-build}
RUNS=${RUNS:-7}
N=${N:-20000}
L=$B/lib
BD=$B/bench
SERVER=$B/bin/rump_server
mkdir -p "$BD"
[ -x "$SERVER" ] || { echo "remote.sh: build $SERVER first (make)" >&2; exit 1; }
cc -O2 -D_GNU_SOURCE -Iinclude -o "$BD/remote-client" bench/remote.c \
	"$L/librumpclient.a" "$L/librumphost.a" -lpthread
cc -O2 -D_GNU_SOURCE -DREMOTE_LOCAL -Iinclude -o "$BD/remote-local" \
	bench/remote.c -Wl,--start-group "$L/librump.a" "$L/librumphost.a" \
	"$L/librumpuser.a" -Wl,--end-group -lpthread

dir=$(mktemp -d /tmp/rbenchXXXXXX)
port=$((20000 + $$ % 20000))
cleanup() {
	for p in ${spid:-} ${tpid:-}; do kill "$p" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
"$SERVER" -s -l rumpvfs "unix://$dir/sock" & spid=$!
"$SERVER" -s -l rumpvfs "tcp://127.0.0.1:$port" & tpid=$!
for i in $(seq 100); do
	[ -S "$dir/sock" ] && "$BD/remote-client" remote "tcp://127.0.0.1:$port" 1 \
		>/dev/null 2>&1 && break
	sleep 0.1
done

ns() { "$@" | sed -n 's/^bench: ns=//p'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >"$dir/rows"
for r in $(seq "$RUNS"); do
	pu=$(ns "$BD/remote-client" plain unix "$N")
	ru=$(ns "$BD/remote-client" remote "unix://$dir/sock" "$N")
	pt=$(ns "$BD/remote-client" plain tcp "$N")
	rt=$(ns "$BD/remote-client" remote "tcp://127.0.0.1:$port" "$N")
	lo=$(ns "$BD/remote-local" local "$((N * 10))")
	echo "$pu $ru $pt $rt $lo" >>"$dir/rows"
	echo "remote.sh: round $r: plain unix $pu, remote unix $ru, plain tcp $pt, remote tcp $rt, local $lo (ns)" >&2
done
col() { awk -v c="$1" '{ print $c }' "$dir/rows" | median; }
rat() { awk -v a="$1" -v b="$2" '{ print $a / $b }' "$dir/rows" | median; }
us() { awk -v v="$1" 'BEGIN { if (v < 1000) printf "%.0f ns", v; else printf "%.1f µs", v / 1000 }'; }
met() { awk -v v="$1" 'BEGIN { print (v <= 1.5 ? "yes" : "no") }'; }
ru_pu=$(rat 2 1) rt_pt=$(rat 4 3) rt_pu=$(rat 4 1) ru_lo=$(rat 2 5)

cat >bench/remote.results.md <<MD
## Remote system calls: null call round trip

Script \`bench/remote.sh\` (\`make bench-remote\`), program \`bench/remote.c\`;
run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs, tree $(git rev-parse --short HEAD 2>/dev/null || echo '?').

\`rump_sys_getpid()\` through librumpclient against a \`rump_server\`
(pthread host, \`-l rumpvfs\`), against a plain round trip between two
host processes that sends the same 32-byte request and 40-byte reply
over a connected socket, and a local \`rump_sys_getpid()\` (kernel linked
into the program) for scale. $RUNS rounds of $N calls per case, each case
a fresh process; ratios are medians of the per-round ratios. Target:
at most 1.5x the plain socket round trip.

| case | median per call | ratio | target | met |
|---|---|---|---|---|
| plain unix socket round trip (two processes) | $(us "$(col 1)") | 1 | | |
| remote call over unix:// | $(us "$(col 2)") | $(printf '%.2f' "$ru_pu")x plain unix | ≤ 1.5x | $(met "$ru_pu") |
| plain TCP round trip over the host's loopback | $(us "$(col 3)") | 1 | | |
| remote call over tcp://127.0.0.1 | $(us "$(col 4)") | $(printf '%.2f' "$rt_pt")x plain TCP ($(printf '%.2f' "$rt_pu")x plain unix) | ≤ 1.5x | $(met "$rt_pt") |
| local \`rump_sys_getpid()\` | $(us "$(col 5)") | remote unix is $(printf '%.0f' "$ru_lo")x | | |
MD
cat bench/remote.results.md
