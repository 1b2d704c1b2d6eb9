#!/bin/bash
# bench/net_shmif.sh -- TCP between two rump kernels in two processes over
# a shmif bus: single-stream throughput and 1-byte request/response round
# trips, medians of RUNS fresh runs, at MTU 1500 (the fair comparison
# with the tap and veth rows of bench/net_tap.results.md; the headline),
# at MTU 1500 with 1 MiB socket buffers set by the program (Linux would
# autotune its buffers that far; rumpkit's TCP keeps its 256 KiB
# defaults), and at MTU 9000.  No
# privileges needed.  Builds bench/net_shmif.c against the static
# archives in BUILD (default build) and writes bench/net_shmif.results.md,
# which `make bench` appends to docs/BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/.."
B=${BUILD:-build}
RUNS=${RUNS:-5}
BYTES=${BYTES:-$((512 * 1024 * 1024))}
ROUNDS=${ROUNDS:-5000}
L=$B/lib
BIN=$B/bench/net_shmif
mkdir -p "$B/bench"
cc -O2 -D_GNU_SOURCE -Iinclude -o "$BIN" bench/net_shmif.c \
	-Wl,-u,rump_component_link_net,-u,rump_component_link_net_net \
	-Wl,-u,rump_component_link_net_netinet,-u,rump_component_link_net_tcp \
	-Wl,-u,rump_component_link_shmif,-u,rump_pub_netconfig_ifcreate \
	-Wl,-u,rump_component_link_sysctl \
	-Wl,--start-group $L/librump.a $L/librumpnet.a $L/librumpnet_net.a \
	$L/librumpnet_netinet.a $L/librumpnet_config.a $L/librumpnet_shmif.a \
	$L/librumphost.a $L/librumpuser.a -Wl,--end-group -lpthread

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
rows=""
for cfg in 1500:0 1500:1048576 9000:0; do
	mtu=${cfg%:*} buf=${cfg#*:}
	mb="" rt=""
	for i in $(seq "$RUNS"); do
		out=$("$BIN" "$dir/bus" "$BYTES" "$ROUNDS" "$mtu" "$buf")
		mb="$mb $(echo "$out" | sed -n 's/.*mbps=\([0-9.]*\).*/\1/p')"
		rt="$rt $(echo "$out" | sed -n 's/.*rtt_us=\([0-9.]*\).*/\1/p')"
		echo "bench: shmif mtu $mtu buf $buf run $i: $out" >&2
	done
	mmed=$(echo $mb | tr ' ' '\n' | median)
	rmed=$(echo $rt | tr ' ' '\n' | median)
	met=$(awk -v m="$mmed" 'BEGIN { print (m >= 500) ? "yes" : "no" }')
	what="MTU $mtu"
	[ "$buf" = 0 ] || what="$what, SO_SNDBUF/SO_RCVBUF $((buf / 1048576)) MiB"
	rows="$rows| kernel -> kernel over shmif, $what |$mb | $mmed MB/s | $rmed µs | >= 500 MB/s | $met |
"
done
tap=$(sed -n 's/^| rumpkit -> Linux, tap, offloads off |[^|]*| \([0-9.]*\) MB\/s.*/\1/p' bench/net_tap.results.md 2>/dev/null || true)
veth=$(sed -n 's/^| Linux -> Linux, veth, offloads off |[^|]*| \([0-9.]*\) MB\/s.*/\1/p' bench/net_tap.results.md 2>/dev/null || true)
cat >bench/net_shmif.results.md <<SECTION
## TCP between two kernels over shmif

Recorded by \`bench/net_shmif.sh\` (\`RUNS=$RUNS\`, $((BYTES / 1048576)) MiB per
run, single stream, 64 KiB writes, $ROUNDS 1-byte round trips on a
\`TCP_NODELAY\` connection; two processes, two kernels, one bus file)
on $(date -u '+%Y-%m-%d %H:%M') UTC, tree $(git rev-parse --short HEAD), load
average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores.

| Path | Runs (MB/s) | Median | Round trip (median) | Target | Met |
|---|---|---|---|---|---|
${rows}
For comparison (bench/net_tap.results.md, same machine, earlier run):
rumpkit -> Linux over a tap with offloads off ${tap:-?} MB/s, Linux ->
Linux over a veth pair with offloads off ${veth:-?} MB/s.  The NetBSD rump kernel's shmif moves about 50 MB/s
on this kind of machine.
SECTION
echo "bench: wrote bench/net_shmif.results.md" >&2
