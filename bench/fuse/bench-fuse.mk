# bench/fuse/bench-fuse.mk -- the image tools' benchmark (bench/fuse/run.py),
# included by cmd/rump_fuse/rump_fuse.mk.  Not part of `make bench` or
# `make check` (root, FUSE, fuse2fs, minutes):
#
#	make bench-fuse			full size (as root)
#	make bench-fuse BENCH_SCALE=10	a trial at a tenth of the size
#
# The table goes to $(B)/bench-fuse/table.md and stdout; to record it, put
# it with the notes in bench/fuse/results.md, which `make bench`
# (bench/run.sh) appends to docs/BENCHMARKS.md.

bench-fuse: $(B)/bin/rumpfs $(B)/bin/rump_fuse
	@mkdir -p $(B)/bench-fuse
	BENCH_DIR=$(B)/bench-fuse python3 bench/fuse/run.py $(B)/bin/rumpfs \
		$(B)/bin/rump_fuse $(B)/bench-fuse/table.md

.PHONY: bench-fuse
