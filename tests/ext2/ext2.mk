# tests/ext2/ext2.mk -- the ext2/3/4 compatibility tests' build, included
# by tests/tests.mk.  The programs are ordinary tests/t_ext2_*.c built by
# the test rules; here they get their shared files as prerequisites, the
# place of the host-side tools (EXT2_TOOLS, an absolute path, so that they
# run from any directory) and RUMPKIT_EXT2FS when mk/libs.mk has the
# driver (librumpfs_ext2fs): without it they say SKIP and pass; with it
# every check is real.  The fuzz target's regression inputs live in
# tests/ext2/regress/ (replayed by t_ext2_compat_hostile).

EXT2_TEST_PROGS := $(patsubst tests/%.c,%,$(wildcard tests/t_ext2_compat_*.c \
	tests/t_ext2_posix_*.c tests/t_ext2_fault*.c tests/t_ext2dir_*.c))
EXT2_TEST_FILES := $(wildcard tests/ext2/*.c tests/ext2/*.h \
	tests/ext2/*.py tests/ext2/*.sh)
EXT2_TEST_BINS := $(foreach h,$(TEST_HOSTS),$(foreach p,$(EXT2_TEST_PROGS),\
	$(B)/tests/$(h)/$(p)))

$(EXT2_TEST_BINS): $(EXT2_TEST_FILES) $(POSIX_SUITE_FILES)
$(EXT2_TEST_BINS): private HOST_CFLAGS += \
	-DEXT2_TOOLS='"$(abspath tests/ext2)"' \
	$(if $(filter rumpfs_ext2fs,$(KERNLIBS)),-DRUMPKIT_EXT2FS=1)
# t_ext2_fault and t_ext2_compat_seqread count the kernel's block
# requests (see the programs).
$(foreach h,$(TEST_HOSTS),$(B)/tests/$(h)/t_ext2_fault \
	$(B)/tests/$(h)/t_ext2_compat_seqread): private HOST_CFLAGS += \
	-Wl,--wrap=rumpuser_bio

# The long crash sweep, not part of `make check` (posix host, e2fsprogs):
# power cuts at CRASH_SCALE times the points of the CI runs, on ext2
# without a journal (t_ext2_crash) and through the journal (t_jbd2_mount).
CRASH_SCALE ?= 20
crash-sweep: $(B)/tests/posix/t_ext2_crash $(B)/tests/posix/t_jbd2_mount
	SCALE=$(CRASH_SCALE) RUMP_LEAKCHECK=1 $(B)/tests/posix/t_ext2_crash
	SCALE=$(CRASH_SCALE) RUMP_LEAKCHECK=1 $(B)/tests/posix/t_jbd2_mount
.PHONY: crash-sweep
