# bench/fuse/bench-fuse.mk -- the tar benchmark of issue 6 (bench/fuse/run.py):
# `tar xf` into a fresh ext4 image through librumphijack and rump_server,
# through rump_fuse, through fuse2fs and on the host kernel, and `rumpfs
# put`, in one run.  Included by cmd/rump_fuse/rump_fuse.mk.  Not part of
# `make bench` or `make check` (root, FUSE, fuse2fs, minutes):
#
#	make bench-fuse			full size (as root): writes
#					bench/fuse/results.md
#	make bench-fuse BENCH_SCALE=10	a trial at a tenth of the size:
#					writes $(B)/bench-fuse/table.md
#
# bench/fuse/results.md is the table followed by the hand-written
# bench/fuse/notes.md; `make bench` (bench/run.sh) appends it to
# docs/BENCHMARKS.md.  `make bench-hijack` is the same benchmark.

BENCH_FUSE_OUT := $(if $(filter-out 1,$(BENCH_SCALE)),$(B)/bench-fuse/table.md,bench/fuse/results.md)

bench-fuse: $(B)/bin/rumpfs $(B)/bin/rump_fuse $(B)/bin/rump_server \
		$(B)/tests/hijack/hj_mount $(L)/librumphijack.so
	@mkdir -p $(B)/bench-fuse
	BENCH_DIR=$(B)/bench-fuse BENCH_SCALE="$(BENCH_SCALE)" \
		BENCH_RUNS="$(BENCH_RUNS)" python3 bench/fuse/run.py $(B) \
		$(BENCH_FUSE_OUT)

bench-hijack: bench-fuse

.PHONY: bench-fuse bench-hijack
