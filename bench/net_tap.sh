#!/bin/bash
# bench/net_tap.sh -- single-stream TCP throughput rumpkit -> Linux over a
# tap (virt0) against Linux -> Linux over a veth pair between two network
# namespaces, offloads off on the tap and both veth ends (1500-byte
# frames, software checksums: the fair comparison).  Medians of RUNS
# fresh runs of BYTES each, and the ratio.  Needs root; builds
# bench/net_tap.c against the tree's static archives in BUILD (default
# build).  Everything runs inside namespaces it creates and deletes.
set -eu
cd "$(dirname "$0")/.."
B=${BUILD:-build}
RUNS=${RUNS:-5}
BYTES=${BYTES:-$((1024 * 1024 * 1024))}
PORT=5201
L=$B/lib
BIN=$B/bench/net_tap
mkdir -p "$B/bench"
cc -O2 -D_GNU_SOURCE -Iinclude -o "$BIN" bench/net_tap.c \
	-Wl,-u,rump_component_link_net,-u,rump_component_link_net_net \
	-Wl,-u,rump_component_link_net_netinet,-u,rump_component_link_net_tcp \
	-Wl,-u,rump_component_link_virtif,-u,rump_pub_netconfig_ifcreate \
	-Wl,--start-group $L/librump.a $L/librumpnet.a $L/librumpnet_net.a \
	$L/librumpnet_netinet.a $L/librumpnet_config.a $L/librumpnet_virtif.a \
	$L/librumphost.a $L/librumpuser.a -Wl,--end-group -lpthread

NT=rkbt$$ NA=rkba$$ NB=rkbb$$
cleanup() { for n in $NT $NA $NB; do ip netns delete $n 2>/dev/null || true; done; }
trap cleanup EXIT
offloads_off() { ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mbps_of() { sed -n 's/^bench: mbps=\([0-9.]*\).*/\1/p'; }

ip netns add $NT
ip netns add $NA
ip netns add $NB
ip netns exec $NA ip link add rkva type veth peer name rkvb netns $NB
ip netns exec $NA ip addr add 10.79.0.1/24 dev rkva
ip netns exec $NB ip addr add 10.79.0.2/24 dev rkvb
ip netns exec $NA ip link set rkva up
ip netns exec $NB ip link set rkvb up
offloads_off $NA rkva
offloads_off $NB rkvb

tap_run() {
	local out
	coproc RK { ip netns exec $NT "$BIN" send-rump rkbtap0 10.78.0.2 10.78.0.1 $PORT $BYTES; }
	read -r line <&"${RK[0]}"
	[ "$line" = ready ]
	ip netns exec $NT ip addr add 10.78.0.1/24 dev rkbtap0 2>/dev/null || true
	ip netns exec $NT ip link set rkbtap0 up
	offloads_off $NT rkbtap0
	exec {R}< <(ip netns exec $NT "$BIN" recv 10.78.0.1 $PORT)
	read -r line <&$R
	echo go >&"${RK[1]}"
	out=$(cat <&$R)
	exec {R}<&-
	wait "$RK_PID"
	echo "$out" | mbps_of
}

veth_run() {
	local out
	exec {R}< <(ip netns exec $NA "$BIN" recv 10.79.0.1 $PORT)
	read -r line <&$R
	ip netns exec $NB "$BIN" send-linux 10.79.0.1 $PORT $BYTES
	out=$(cat <&$R)
	exec {R}<&-
	echo "$out" | mbps_of
}

tap=() veth=()
for i in $(seq "$RUNS"); do
	tap+=("$(tap_run)")
	veth+=("$(veth_run)")
done
tm=$(printf '%s\n' "${tap[@]}" | median)
vm=$(printf '%s\n' "${veth[@]}" | median)
echo "rumpkit -> Linux over tap (MB/s): ${tap[*]}"
echo "Linux -> Linux over veth (MB/s):  ${veth[*]}"
printf 'median tap %.0f MB/s, median veth %.0f MB/s, ratio %.2f (target >= 1)\n' \
	"$tm" "$vm" "$(echo "$tm $vm" | awk '{ print $1 / $2 }')"

# The section docs/BENCHMARKS.md keeps (bench/run.sh appends it).
ratio=$(echo "$tm $vm" | awk '{ printf "%.2f", $1 / $2 }')
met=$(echo "$ratio" | awk '{ print ($1 >= 1) ? "yes" : "no" }')
cat >bench/net_tap.results.md <<SECTION
## TCP over a tap: rumpkit to Linux against Linux to Linux over veth

Recorded by \`bench/net_tap.sh\` (root; \`RUNS=$RUNS\`, $((BYTES / 1048576)) MiB
per run, single stream, 64 KiB writes, offloads off on the tap and both
veth ends) on $(date -u '+%Y-%m-%d %H:%M UTC'), tree $(git rev-parse --short HEAD).

| Path | Runs (MB/s) | Median | Ratio (rumpkit / Linux) | Target | Met |
|---|---|---|---|---|---|
| rumpkit (virt0) -> Linux over a tap | ${tap[*]} | $tm MB/s | $ratio | >= 1.0 | $met |
| Linux -> Linux over a veth pair | ${veth[*]} | $vm MB/s | — | — | — |

The tap path costs one \`writev\` system call per 1500-byte frame and
has no offloads (\`IFF_VNET_HDR\`, TSO, checksum offload), where the veth
pair moves frames inside one kernel.
SECTION
echo "bench: wrote bench/net_tap.results.md"
