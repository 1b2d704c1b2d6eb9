#!/bin/bash
# bench/net_tap.sh -- rumpkit over a tap (virt0) against Linux over a veth
# pair between two network namespaces.  Single-stream TCP throughput
# rumpkit -> Linux and Linux -> rumpkit with the tap's offloads off
# (linkstr "tap,offload=0", offloads off on the Linux side of the tap and
# on both veth ends: 1500-byte frames, software checksums, the fair
# comparison) and on (virt0's default: TSO and checksum offload through
# the virtio-net header, against veth with Linux's default offloads); and
# the mean round trip of 1-byte TCP ping-pong (TCP_NODELAY) over each.
# The same small C programs (bench/net_tap.c) run on both paths, so the
# Linux ends are identical (iperf3 is not used).  Medians of RUNS fresh
# runs of BYTES each, and the ratios.  Needs root; builds bench/net_tap.c
# against the tree's static archives in BUILD (default build).
# Everything runs inside namespaces it creates and deletes.
set -eu
cd "$(dirname "$0")/.."
B=${BUILD:-build}
RUNS=${RUNS:-5}
BYTES=${BYTES:-$((1024 * 1024 * 1024))}
RTTS=${RTTS:-20000}
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
offloads() { # NS DEV on|off
	ip netns exec "$1" ethtool -K "$2" tx $3 rx $3 tso $3 gso $3 gro $3 >/dev/null 2>&1 || true
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mbps_of() { sed -n 's/^bench: mbps=\([0-9.]*\).*/\1/p'; }
rtt_of() { sed -n 's/^bench: rtt_us=\([0-9.]*\).*/\1/p'; }

ip netns add $NT
ip netns add $NA
ip netns add $NB
ip netns exec $NA ip link add rkva type veth peer name rkvb netns $NB
ip netns exec $NA ip addr add 10.79.0.1/24 dev rkva
ip netns exec $NB ip addr add 10.79.0.2/24 dev rkvb
ip netns exec $NA ip link set rkva up
ip netns exec $NB ip link set rkvb up

# rumpkit's program for MODE (send-rump, recv-rump, rr-rump) on the tap
# with offloads OFF (on|off), Linux's peer (recv, send-linux, echo) in the
# tap's namespace; prints the figure whichever end reports.
tap_run() { # MODE OFF
	local mode=$1 off=$2 link=rkbtap0 out line pid O I
	[ "$off" = off ] && link="rkbtap0,offload=0"
	case $mode in
	send) coproc RK { ip netns exec $NT "$BIN" send-rump $link 10.78.0.2 10.78.0.1 $PORT $BYTES; } ;;
	recv) coproc RK { ip netns exec $NT "$BIN" recv-rump $link 10.78.0.2 $PORT; } ;;
	rr) coproc RK { ip netns exec $NT "$BIN" rr-rump $link 10.78.0.2 10.78.0.1 $PORT $RTTS; } ;;
	esac
	# Our own copies: bash drops RK and RK_PID when the program ends.
	pid=$RK_PID
	exec {O}<&"${RK[0]}" {I}>&"${RK[1]}"
	read -r line <&$O
	[ "$line" = ready ]
	ip netns exec $NT ip addr add 10.78.0.1/24 dev rkbtap0 2>/dev/null || true
	ip netns exec $NT ip link set rkbtap0 up
	offloads $NT rkbtap0 $off
	case $mode in
	send)
		exec {R}< <(ip netns exec $NT "$BIN" recv 10.78.0.1 $PORT)
		read -r line <&$R
		echo go >&$I
		out=$(cat <&$R)
		exec {R}<&-
		wait $pid || true
		exec {O}<&- {I}>&-
		echo "$out" | mbps_of ;;
	recv)
		echo go >&$I
		ip netns exec $NT "$BIN" send-linux 10.78.0.2 $PORT $BYTES
		out=$(cat <&$O)
		wait $pid || true
		exec {O}<&- {I}>&-
		echo "$out" | mbps_of ;;
	rr)
		exec {R}< <(ip netns exec $NT "$BIN" echo 10.78.0.1 $PORT)
		read -r line <&$R
		echo go >&$I
		out=$(cat <&$O)
		cat <&$R >/dev/null
		exec {R}<&-
		wait $pid || true
		exec {O}<&- {I}>&-
		echo "$out" | rtt_of ;;
	esac
}

veth_run() { # MODE (send|rr) OFF
	local out line
	offloads $NA rkva $2
	offloads $NB rkvb $2
	if [ "$1" = send ]; then
		exec {R}< <(ip netns exec $NA "$BIN" recv 10.79.0.1 $PORT)
		read -r line <&$R
		ip netns exec $NB "$BIN" send-linux 10.79.0.1 $PORT $BYTES
		out=$(cat <&$R)
		exec {R}<&-
		echo "$out" | mbps_of
	else
		exec {R}< <(ip netns exec $NA "$BIN" echo 10.79.0.1 $PORT)
		read -r line <&$R
		out=$(ip netns exec $NB "$BIN" rr-linux 10.79.0.1 $PORT $RTTS)
		cat <&$R >/dev/null
		exec {R}<&-
		echo "$out" | rtt_of
	fi
}

names="tap_out_off tap_in_off veth_off tap_out_on tap_in_on veth_on tap_rr veth_rr"
for n in $names; do eval "$n=()"; done
for i in $(seq "$RUNS"); do
	tap_out_off+=("$(tap_run send off)")
	tap_in_off+=("$(tap_run recv off)")
	veth_off+=("$(veth_run send off)")
	tap_out_on+=("$(tap_run send on)")
	tap_in_on+=("$(tap_run recv on)")
	veth_on+=("$(veth_run send on)")
	tap_rr+=("$(tap_run rr off)")
	veth_rr+=("$(veth_run rr off)")
	echo "run $i: out/in/veth off ${tap_out_off[-1]} ${tap_in_off[-1]} ${veth_off[-1]}," \
		"on ${tap_out_on[-1]} ${tap_in_on[-1]} ${veth_on[-1]}, rtt ${tap_rr[-1]} ${veth_rr[-1]} us"
done
for n in $names; do
	eval "m_$n=\$(printf '%s\n' \"\${$n[@]}\" | median)"
	eval "r_$n=\"\${$n[*]}\""
done
ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
met() { echo "$1" | awk '{ print ($1 >= 1) ? "yes" : "no" }'; }
q_out_off=$(ratio $m_tap_out_off $m_veth_off)
q_in_off=$(ratio $m_tap_in_off $m_veth_off)
q_out_on=$(ratio $m_tap_out_on $m_veth_on)
q_in_on=$(ratio $m_tap_in_on $m_veth_on)
q_rr=$(ratio $m_veth_rr $m_tap_rr)
echo "offloads off: out $m_tap_out_off in $m_tap_in_off veth $m_veth_off MB/s (ratios $q_out_off $q_in_off)"
echo "offloads on:  out $m_tap_out_on in $m_tap_in_on veth $m_veth_on MB/s (ratios $q_out_on $q_in_on)"
echo "1-byte round trip: tap $m_tap_rr us, veth $m_veth_rr us (veth/tap $q_rr)"

# The section docs/BENCHMARKS.md keeps (bench/run.sh appends it).
cat >bench/net_tap.results.md <<SECTION
## TCP over a tap: rumpkit and Linux against Linux to Linux over veth

Recorded by \`bench/net_tap.sh\` (root; \`RUNS=$RUNS\`, $((BYTES / 1048576)) MiB
per throughput run, single stream, 64 KiB writes; $RTTS round trips per
latency run) on $(date -u '+%Y-%m-%d %H:%M UTC'), tree $(git rev-parse --short HEAD).
rumpkit's virt0 is on a tap in one namespace, Linux's veth pair joins two
others; the same small C programs (\`bench/net_tap.c\`) run on both paths.
"Offloads off": virt0 with \`offload=0\`, \`ethtool -K ... tx rx tso gso gro
off\` on the tap and both veth ends (1500-byte frames, software checksums:
the issue's fair comparison).  "Offloads on": virt0's default (TSO and
checksum offload through the tap's virtio-net header, docs/virtif.md)
against veth with Linux's default offloads.  Medians; the machine is
shared and noisy, compare the ratios.

| Path | Runs | Median | Ratio (rumpkit / Linux) | Target | Met |
|---|---|---|---|---|---|
| rumpkit -> Linux, tap, offloads off | $r_tap_out_off | $m_tap_out_off MB/s | $q_out_off | >= 1.0 | $(met $q_out_off) |
| Linux -> rumpkit, tap, offloads off | $r_tap_in_off | $m_tap_in_off MB/s | $q_in_off | — | — |
| Linux -> Linux, veth, offloads off | $r_veth_off | $m_veth_off MB/s | — | — | — |
| rumpkit -> Linux, tap, offloads on | $r_tap_out_on | $m_tap_out_on MB/s | $q_out_on | — | — |
| Linux -> rumpkit, tap, offloads on | $r_tap_in_on | $m_tap_in_on MB/s | $q_in_on | — | — |
| Linux -> Linux, veth, default offloads | $r_veth_on | $m_veth_on MB/s | — | — | — |
| 1-byte round trip rumpkit <-> Linux, tap | $r_tap_rr | $m_tap_rr us | $q_rr (Linux time / rumpkit time) | — | — |
| 1-byte round trip Linux <-> Linux, veth | $r_veth_rr | $m_veth_rr us | — | — | — |

The Linux -> rumpkit rows compare with the same veth figure (a veth pair
is symmetric).  Each tap frame costs rumpkit one \`writev\` (out) or
\`read\` (in) system call, in which Linux also runs its own TCP receive
or transmit; with offloads one call carries up to 64 KiB.  The round
trip over the tap adds rumpkit's receive thread waking in \`poll\` and
handing the frame to the network soft interrupt thread.
SECTION
echo "bench: wrote bench/net_tap.results.md"
