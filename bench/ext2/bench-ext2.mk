# bench/ext2/bench-ext2.mk -- the ext2/3/4 benchmark, included by the top
# Makefile.  Not part of `make bench` or `make check` (it needs root for
# the loop mount, FUSE, minutes and gigabytes):
#
#	make bench-ext2			all sides, full size (as root)
#	make bench-ext2 BENCH_SCALE=10	a trial at a tenth of the size
#
# ext2bench links every kernel component (like the tests) on the pthread
# host.  The table goes to $(B)/bench-ext2/table.md and stdout; to record
# it, put it with the notes in bench/ext2/results.md, which `make bench`
# (bench/run.sh) appends to docs/BENCHMARKS.md.

EXT2BENCH_FORCE = $(shell $(NM) -g --defined-only $(KERN_ARCHIVES) \
	2>/dev/null | awk '$$3 ~ /^rump_component_link_/ { print "-Wl,-u," $$3 }')

$(B)/bench/ext2bench: bench/ext2/ext2bench.c $(KERN_ARCHIVES) \
		$(L)/librumphost.a $(L)/librumpuser.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ bench/ext2/ext2bench.c $(EXT2BENCH_FORCE) \
		-Wl,--start-group $(KERN_ARCHIVES) $(L)/librumphost.a \
		$(L)/librumpuser.a -Wl,--end-group $(LDLIBS_HOST)

bench-ext2: $(B)/bench/ext2bench
	@mkdir -p $(B)/bench-ext2
	BENCH_DIR=$(B)/bench-ext2 python3 bench/ext2/run.py \
		$(B)/bench/ext2bench $(B)/bench-ext2/table.md

.PHONY: bench-ext2
