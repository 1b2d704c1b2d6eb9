/*
 * t_ext2_fault.c -- block I/O errors (RUMP_FAULT_BIO, docs/faultinj.md)
 * under a metadata-heavy workload on ext2, ext3 and ext4 images.  Each
 * run is a fresh child process on a fresh copy of the image: mount, the
 * write workload (tests/ext2/workload.c, reduced), unmount.  Fail-forever
 * from the Nth request (N+), N sampled from 1 upwards until a run needs
 * no failed request: the child must see an error, and the first error a
 * call returns must be EIO (never another errno, a crash, a hang or a
 * leak).  Fail-once (N) at the same points: EIO or success.  After every
 * run e2fsck -fy must repair the image (exit 0 or 1) and e2fsck -fn must
 * then call it clean.
 */
/* hosts: posix */
#include <stdatomic.h>

#include <rump/rumpuser.h>

#include "ext2/ext2lib.c"
#include "ext2/workload.c"

/*
 * The block requests the kernel makes, counted: the program is linked
 * with --wrap=rumpuser_bio (tests/ext2/ext2.mk), so every call from the
 * kernel comes here first.  The fault injector counts the same calls.
 */
void __real_rumpuser_bio(int fd, int op, void *data, size_t len, int64_t offset,
			 rump_biodone_fn biodone, void *donearg);
void __wrap_rumpuser_bio(int fd, int op, void *data, size_t len, int64_t offset,
			 rump_biodone_fn biodone, void *donearg);
static atomic_ulong fault_nbio;

void __wrap_rumpuser_bio(int fd, int op, void *data, size_t len, int64_t offset,
			 rump_biodone_fn biodone, void *donearg)
{
	atomic_fetch_add(&fault_nbio, 1);
	__real_rumpuser_bio(fd, op, data, len, offset, biodone, donearg);
}

/* The child: the workload on $EXT2_FAULT_IMG, its result on stdout.
 * Exit 0: ran (with or without an error), 3: a first error not EIO. */
static int fault_child(void)
{
	const char *img = getenv("EXT2_FAULT_IMG");
	const char *type = getenv("EXT2_FAULT_TYPE");
	struct wctx c;
	int error = 0, uerror = 0;

	CHECK(img != NULL && type != NULL);
	test_boot();
	memset(&c, 0, sizeof(c));
	c.o = &wops_rump;
	c.owners = true;
	snprintf(c.root, sizeof(c.root), "%s", EXT2_MNT);
	if (ext2_try_mount(img, type, 0) == -1) {
		error = errno;
		snprintf(c.what, sizeof(c.what), "mount: %s", strerror(error));
	} else {
		error = wl_run(&c, 10);
		if (rump_sys_unmount(EXT2_MNT, 0) == -1)
			uerror = errno;
		else
			CHECK_EQ(rump_pub_etfs_remove(EXT2_DEV), 0);
		if (error == 0 && uerror != 0) {
			error = uerror;
			snprintf(c.what, sizeof(c.what), "unmount: %s",
				 strerror(error));
		}
	}
	/* Requests up to here are the ones whose failure a caller must
	 * hear of. */
	printf("fault-requests: %lu\n",
	       (unsigned long)atomic_load(&fault_nbio));
	printf("fault-result: %s %s\n", error == 0 ? "clean" : "error",
	       error == 0 ? "" : c.what);
	if (uerror != 0 && uerror != EIO)
		printf("fault-result: unmount after the error gave %s\n",
		       strerror(uerror));
	test_halt();
	return error == 0 || error == EIO ? 0 : 3;
}

/* One run with RUMP_FAULT_BIO=setting; returns true if it was clean,
 * and the number of block requests up to the unmount in *nreq. */
static bool fault_run(const char *type, const char *base, const char *img,
		      const char *setting, bool must_fail, unsigned long *nreq)
{
	const char *at;
	static char out[1 << 16];
	char env_bio[64], env_img[PATH_MAX + 32], env_type[64];
	const char *env[] = {env_bio, env_img, env_type, NULL};
	bool clean;
	int status, rc;

	snprintf(env_bio, sizeof(env_bio), "RUMP_FAULT_BIO=%s", setting);
	snprintf(env_img, sizeof(env_img), "EXT2_FAULT_IMG=%s", img);
	snprintf(env_type, sizeof(env_type), "EXT2_FAULT_TYPE=%s", type);
	if (ext2_sh(NULL, 0, "cp --sparse=always '%s' '%s'", base, img) != 0)
		EXT2_FAIL("cp %s", base);
	status = test_child("child", env, out, sizeof(out), 60);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    strstr(out, "fault-result: ") == NULL) {
		printf("%s\n", out);
		EXT2_FAIL("%s, RUMP_FAULT_BIO=%s: the child ended with %s "
			  "(output above; image %s)",
			  type, setting, test_status_str(status), img);
	}
	clean = strstr(out, "fault-result: clean") != NULL;
	at = strstr(out, "fault-requests: ");
	if (at == NULL || sscanf(at, "fault-requests: %lu", nreq) != 1)
		EXT2_FAIL("no request count from the child:\n%s", out);
	/* The number of requests varies from run to run (write-back and
	 * journal commits follow the clock): a run that ended before the
	 * Nth request failed none. */
	if (must_fail && clean && *nreq >= strtoul(setting, NULL, 10))
		EXT2_FAIL("%s, RUMP_FAULT_BIO=%s: every call succeeded though "
			  "requests failed",
			  type, setting);
	rc = ext2_fsck(img, "-fy");
	if (rc != 0 && rc != 1)
		EXT2_FAIL("%s, RUMP_FAULT_BIO=%s (%s): e2fsck -fy cannot "
			  "repair the image (exit %d, output above)",
			  type, setting, strstr(out, "fault-result: "), rc);
	if (ext2_fsck(img, "-fn") != 0)
		EXT2_FAIL("%s, RUMP_FAULT_BIO=%s: not clean after e2fsck -fy",
			  type, setting);
	return clean;
}

static void fault_one(const char *type, int bs)
{
	char base[PATH_MAX], img[PATH_MAX + 16], name[64], setting[32];
	unsigned long total, nreq;
	int runs = 0;

	snprintf(name, sizeof(name), "fault-%s-%d", type, bs);
	snprintf(base, sizeof(base), "%s", ext2_path(name));
	snprintf(img, sizeof(img), "%s.run", base);
	ext2_mkimage(type, bs, "32M", base, "", "", "");
	/* Without faults: the number of requests up to the unmount. */
	if (!fault_run(type, base, img, "", false, &total))
		EXT2_FAIL("%s %d: the workload fails without any fault", type,
			  bs);
	CHECK(total > 0);
	/* Fail-forever from N (1, 2, 3, 5, 8, ... and the last request):
	 * each must reach a caller as EIO; fail-once: EIO or success. */
	for (unsigned long n = 1, step = 1; n <= total;) {
		unsigned long next;

		snprintf(setting, sizeof(setting), "%lu+", n);
		fault_run(type, base, img, setting, true, &nreq);
		snprintf(setting, sizeof(setting), "%lu", n);
		fault_run(type, base, img, setting, false, &nreq);
		runs += 2;
		next = n == total ? total + 1 : n + step;
		step = n;
		n = next > total && n < total ? total : next;
	}
	test_log("%s %d: %lu requests; %d runs with faults, every error "
		 "reported, every image repairable",
		 type, bs, total, runs);
	ext2_sh(NULL, 0, "rm -f '%s' '%s'", base, img);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return fault_child();
	test_watchdog(115);
	if (!ext2_driver_linked())
		return 0;
	ext2_setup();
	fault_one("ext4", 1024);
	fault_one("ext3", 4096);
	fault_one("ext2", 1024);
	test_log("ok");
	return 0;
}
