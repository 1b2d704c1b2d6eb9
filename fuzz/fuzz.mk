# fuzz/fuzz.mk -- the fuzz targets, included by the top Makefile.
#
#	make fuzz-ext2		build build-fuzz/fuzz/ext2_fuzz (clang,
#				libFuzzer, ASan+UBSan, the whole kernel
#				instrumented for coverage)
#	sh fuzz/run-ext2.sh [SECONDS]	build, make the seeds, run (60 s)
#
# The fuzz build is a build directory of its own (FUZZ_BUILD), made by a
# recursive make with CC=clang SAN=asan and coverage instrumentation in
# CFLAGS, so that it never mixes with build/.

FUZZ_BUILD ?= build-fuzz
FUZZ_CFLAGS := -fsanitize=fuzzer-no-link

fuzz-ext2:
	$(MAKE) CC=clang SAN=asan BUILD=$(FUZZ_BUILD) \
		CFLAGS='$(FUZZ_CFLAGS)' $(FUZZ_BUILD)/fuzz/ext2_fuzz

# Inside that recursive make: link the target against every component.
FUZZ_FORCE = $(shell $(NM) -g --defined-only $(KERN_ARCHIVES) 2>/dev/null | \
	awk '$$3 ~ /^rump_component_link_/ { print "-Wl,-u," $$3 }')
$(B)/fuzz/ext2_fuzz: fuzz/ext2_fuzz.c tests/ext2/walk.c $(KERN_ARCHIVES) \
		$(L)/librumphost.a $(L)/librumpuser.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -fsanitize=fuzzer -o $@ fuzz/ext2_fuzz.c \
		$(FUZZ_FORCE) -Wl,--start-group $(KERN_ARCHIVES) \
		$(L)/librumphost.a $(L)/librumpuser.a -Wl,--end-group \
		$(LDLIBS_HOST)

.PHONY: fuzz-ext2

# The remote-syscall protocol (fuzz/remote_fuzz.c): the kernel serves
# itself and the target is its client.  sh fuzz/run-remote.sh [SECONDS].
fuzz-remote:
	$(MAKE) CC=clang SAN=asan BUILD=$(FUZZ_BUILD) \
		CFLAGS='$(FUZZ_CFLAGS)' $(FUZZ_BUILD)/fuzz/remote_fuzz

$(B)/fuzz/remote_fuzz: fuzz/remote_fuzz.c lib/sp/sp_proto.h $(KERN_ARCHIVES) \
		$(L)/librumphost.a $(L)/librumpuser.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -fsanitize=fuzzer -o $@ fuzz/remote_fuzz.c \
		$(FUZZ_FORCE) -Wl,--start-group $(KERN_ARCHIVES) \
		$(L)/librumphost.a $(L)/librumpuser.a -Wl,--end-group \
		$(LDLIBS_HOST)

.PHONY: fuzz-remote
