/*
 * net_fuzz.c -- libFuzzer target for the network input path: each input
 * is a handshake choice and a list of Ethernet frames (format in
 * tests/kern/rumptest_inet.h) fed to a booted kernel's test interface
 * with a TCP listener and a UDP socket open (tests/net/netfuzz.c).
 * Malformed frames must be counted and dropped; a crash, an overrun
 * (ASan), a hang (libFuzzer's -timeout), a failed kernel check or a leak
 * at halt is a bug.  Built by `make fuzz-net`, run by fuzz/run-net.sh;
 * t_inet_fuzz replays the inputs saved under tests/net/regress/.
 */
#include <stdio.h>
#include <stdlib.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>

#include "../tests/net/netfuzz.c"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_halt(void)
{
	netfuzz_teardown();
	/* With RUMP_LEAKCHECK=1 the halt reports what was not freed. */
	if (rump_sys_reboot(RUMP_RB_HALT) != 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("RUMP_LEAKCHECK", "1", 0);
	if (rump_init() != 0 || netfuzz_setup() != 0)
		abort();
	atexit(fuzz_halt);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (netfuzz_one(data, size) != 0)
		abort();
	return 0;
}
