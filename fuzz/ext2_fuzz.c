/*
 * ext2_fuzz.c -- libFuzzer target for the ext2/3/4 driver: each input is
 * a disk image, written to a host file, registered as the block device
 * /dev/fuzz0 (etfs), mounted read-only as ext4 and then as ext2, walked
 * (every directory listed, every name stat'd, files and symlinks read:
 * tests/ext2/walk.c) and unmounted.  Errors from any call are the right
 * answer to a corrupt image; a crash, an overrun (ASan), a hang
 * (libFuzzer's -timeout) or a mount that cannot be unmounted is a bug.
 * The kernel boots once per process (a rump kernel cannot boot twice)
 * and halts at exit with its leak check on.  Built by `make fuzz-ext2`,
 * run by fuzz/run-ext2.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>

#include "../tests/ext2/walk.c"

#define FUZZ_DEV "/dev/fuzz0"
#define FUZZ_MNT "/mnt"

static char fuzz_image[] = "/tmp/rumpkit-ext2-fuzz.XXXXXX";
static int fuzz_fd = -1;

static void fuzz_halt(void)
{
	unlink(fuzz_image);
	/* With RUMP_LEAKCHECK=1 the halt reports what was not freed. */
	if (rump_sys_reboot(RUMP_RB_HALT) != 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("RUMP_LEAKCHECK", "1", 0);
	if (rump_init() != 0 || rump_sys_mkdir(FUZZ_MNT, 0755) != 0)
		abort();
	fuzz_fd = mkstemp(fuzz_image);
	if (fuzz_fd == -1)
		abort();
	atexit(fuzz_halt);
	return 0;
}

static void fuzz_mount_walk(const char *fstype)
{
	struct walk_stats w = {.budget = 5000};

	if (rump_sys_mount(FUZZ_DEV, FUZZ_MNT, fstype, MS_RDONLY, "") != 0)
		return;
	walk_tree(&w, FUZZ_MNT, 0);
	/* Nothing is open: the unmount must work, corrupt image or not. */
	if (rump_sys_unmount(FUZZ_MNT, 0) != 0) {
		fprintf(stderr, "ext2_fuzz: unmount after a %s mount: %s\n",
			fstype, strerror(errno));
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int error;

	if (ftruncate(fuzz_fd, 0) != 0 ||
	    (size > 0 && pwrite(fuzz_fd, data, size, 0) != (ssize_t)size))
		abort();
	error = rump_pub_etfs_register(FUZZ_DEV, fuzz_image, RUMP_ETFS_BLK);
	if (error != 0) {
		fprintf(stderr, "ext2_fuzz: etfs_register: %s\n",
			strerror(error));
		abort();
	}
	fuzz_mount_walk("ext4");
	fuzz_mount_walk("ext2");
	error = rump_pub_etfs_remove(FUZZ_DEV);
	if (error != 0) {
		fprintf(stderr, "ext2_fuzz: etfs_remove: %s\n",
			strerror(error));
		abort();
	}
	return 0;
}
