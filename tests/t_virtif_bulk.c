/*
 * t_virtif_bulk.c -- 1 GiB each way between rumpkit and Linux over a tap
 * (virt0 <-> rktap0 in a namespace of its own), both checked by SHA-256
 * against Python's hashlib on the Linux end (tests/net/interop.c,
 * interop_peer.py).  Sanitizer builds move 128 MiB each way instead:
 * their instrumentation would take 1 GiB past tests/run.sh's timeout, so
 * the full size runs in the plain gcc and clang builds.  Needs root.
 */
/* hosts: posix */
#include "testlib.h"

#include "net/interop.c"

#define BULK_PORT 9100

static void in_namespace(void)
{
	uint64_t nbytes = (IOP_SANITIZED ? 128ull : 1024ull) << 20;

	nbytes *= (uint64_t)test_scale();
	iop_boot_virt0();
	iop_bulk_to_linux(BULK_PORT, nbytes);
	test_log("%llu MiB rumpkit -> Linux, sha256 matches",
		 (unsigned long long)(nbytes >> 20));
	iop_bulk_from_linux(BULK_PORT, nbytes);
	test_log("%llu MiB Linux -> rumpkit, sha256 matches",
		 (unsigned long long)(nbytes >> 20));
	CHECK_EQ(rump_pub_netconfig_ifdestroy("virt0"), 0);
	rump_pub_lwproc_releaselwp();
	test_halt();
}

int main(int argc, char **argv)
{
	return iop_main(argc, argv, in_namespace);
}
