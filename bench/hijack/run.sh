#!/bin/sh
# bench/hijack/run.sh [BUILD] -- the hijack benchmark is one side of the
# tar benchmark (bench/fuse/run.py): `tar xf` of the benchmark tree into a
# fresh ext4 image through librumphijack against rump_server, through
# rump_fuse, through fuse2fs and on the host kernel, and `rumpfs put`,
# measured in the same rounds.  This runs `make bench-fuse` (root; builds
# what it needs; BENCH_SCALE and BENCH_RUNS as there), which writes
# bench/fuse/results.md for `make bench` to keep in docs/BENCHMARKS.md.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-$ROOT/build}" && pwd)
exec make -C "$ROOT" BUILD="$B" bench-fuse
