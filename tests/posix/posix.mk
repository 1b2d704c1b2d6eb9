# tests/posix/posix.mk -- the POSIX conformance suite's build, included by
# tests/tests.mk after TEST_HOSTS is set.  The suite runs on the rump
# kernel as tests/t_posix.c, which the ordinary test rules build (it
# includes tests/posix/suite.c); here it gets the suite's files as
# prerequisites.  $(B)/tests/posix-host is the host oracle: the same suite
# through the host's libc (backend_host.c) on /dev/shm and, as root, on a
# small tmpfs it mounts, to check that every test asserts what Linux does.
#
#	make posix-oracle	build and run the oracle (as root: all of it)

POSIX_SUITE_FILES := $(wildcard tests/posix/*.c tests/posix/*.h)
POSIX_HOST_SRC := tests/posix/suite.c tests/posix/backend_host.c \
	tests/posix/host_oracle.c

$(foreach h,$(TEST_HOSTS),$(B)/tests/$(h)/t_posix): $(POSIX_SUITE_FILES)

$(B)/tests/posix-host: $(POSIX_SUITE_FILES)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $(POSIX_HOST_SRC)

tests: $(B)/tests/posix-host

posix-oracle: $(B)/tests/posix-host
	$(B)/tests/posix-host

.PHONY: posix-oracle
