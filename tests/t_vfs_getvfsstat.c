/*
 * t_vfs_getvfsstat.c -- getvfsstat(2), NetBSD's list of mounted file
 * systems: the count with a NULL buffer, every mount in mount order with
 * its type, mount point, source and RUMP_MNT_* flags, the counts equal to
 * what statvfs(2) says of each mount point, a buffer too small for all
 * (whole records only), a non-root caller, bad flags and a bad buffer,
 * and the list shrinking again with unmounts.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <rump/rumpabi.h>

#include "testlib.h"

extern int rump_component_link_vfs, rump_component_link_tmpfs;

#define NREC 16

static int count_mounts(void)
{
	return (int)CHECK_SYS(rump_sys_getvfsstat(NULL, 0, RUMP_ST_WAIT));
}

/* The record of the mount on path, or NULL. */
static const struct rump_statvfs *find(const struct rump_statvfs *r, int n,
				       const char *path)
{
	for (int i = 0; i < n; i++)
		if (strcmp(r[i].f_mntonname, path) == 0)
			return &r[i];
	return NULL;
}

/* A record says what statvfs(2) of its mount point says. */
static void check_against_statvfs(const struct rump_statvfs *r)
{
	struct statvfs sv;

	CHECK_SYS(rump_sys_statvfs(r->f_mntonname, &sv));
	CHECK_EQ(r->f_bsize, (uint64_t)sv.f_bsize);
	CHECK_EQ(r->f_frsize, (uint64_t)sv.f_frsize);
	CHECK_EQ(r->f_blocks, (uint64_t)sv.f_blocks);
	CHECK_EQ(r->f_bfree, (uint64_t)sv.f_bfree);
	CHECK_EQ(r->f_bavail, (uint64_t)sv.f_bavail);
	CHECK_EQ(r->f_files, (uint64_t)sv.f_files);
	CHECK_EQ(r->f_ffree, (uint64_t)sv.f_ffree);
	CHECK_EQ(r->f_fsid, (uint64_t)sv.f_fsid);
	CHECK_EQ(r->f_namemax, (uint64_t)sv.f_namemax);
	CHECK_EQ(!!(r->f_flag & RUMP_MNT_RDONLY), !!(sv.f_flag & ST_RDONLY));
}

static void listing(void)
{
	static struct rump_statvfs r[NREC];
	const struct rump_statvfs *a, *b, *c;
	int base, n;

	base = count_mounts();
	CHECK(base >= 1);
	n = (int)CHECK_SYS(rump_sys_getvfsstat(r, sizeof(r), RUMP_ST_WAIT));
	CHECK_EQ(n, base);
	CHECK(strcmp(r[0].f_mntonname, "/") == 0); /* the root comes first */

	CHECK_SYS(rump_sys_mkdir("/a", 0755));
	CHECK_SYS(rump_sys_mkdir("/b", 0755));
	CHECK_SYS(rump_sys_mount("tmpfs", "/a", "tmpfs", 0, "size=4m"));
	CHECK_SYS(rump_sys_mkdir("/a/sub", 0755));
	CHECK_SYS(rump_sys_mount("swap", "/a/sub", "tmpfs", 0, "size=1m"));
	CHECK_SYS(rump_sys_mount("other", "/b", "tmpfs", MS_RDONLY, NULL));
	/* Something in /a, so that its free count is not the full size. */
	{
		static char data[65536];
		int fd = (int)CHECK_SYS(
			rump_sys_open("/a/f", O_CREAT | O_WRONLY, 0644));

		CHECK_EQ(rump_sys_write(fd, data, sizeof(data)),
			 (ssize_t)sizeof(data));
		CHECK_SYS(rump_sys_close(fd));
	}
	CHECK_EQ(count_mounts(), base + 3);
	CHECK_EQ(rump_sys_getvfsstat(NULL, 12345, RUMP_ST_NOWAIT), base + 3);

	memset(r, 0xa5, sizeof(r));
	n = (int)CHECK_SYS(rump_sys_getvfsstat(r, sizeof(r), RUMP_ST_NOWAIT));
	CHECK_EQ(n, base + 3);
	/* In mount order, after what was there before. */
	CHECK(strcmp(r[base].f_mntonname, "/a") == 0);
	CHECK(strcmp(r[base + 1].f_mntonname, "/a/sub") == 0);
	CHECK(strcmp(r[base + 2].f_mntonname, "/b") == 0);
	CHECK((a = find(r, n, "/a")) != NULL);
	CHECK((b = find(r, n, "/b")) != NULL);
	CHECK((c = find(r, n, "/a/sub")) != NULL);
	CHECK(strcmp(a->f_fstypename, "tmpfs") == 0);
	CHECK(strcmp(a->f_mntfromname, "tmpfs") == 0);
	CHECK(strcmp(c->f_mntfromname, "swap") == 0);
	CHECK(strcmp(b->f_mntfromname, "other") == 0);
	CHECK(!(a->f_flag & RUMP_MNT_RDONLY));
	CHECK(b->f_flag & RUMP_MNT_RDONLY);
	/* 4 MiB and 1 MiB of blocks; /a has data in it. */
	CHECK_EQ(a->f_blocks * a->f_frsize, 4u << 20);
	CHECK_EQ(c->f_blocks * c->f_frsize, 1u << 20);
	CHECK(a->f_bfree < a->f_blocks);
	CHECK(a->f_fsid != b->f_fsid && a->f_fsid != c->f_fsid);
	for (int i = 0; i < n; i++)
		check_against_statvfs(&r[i]);

	/* Whole records only: a smaller buffer gets the first ones. */
	memset(r, 0, sizeof(r));
	CHECK_EQ(rump_sys_getvfsstat(r, sizeof(r[0]) * 2 + 100, RUMP_ST_WAIT),
		 2);
	CHECK(strcmp(r[0].f_mntonname, "/") == 0);
	CHECK(r[1].f_mntonname[0] == '/');
	CHECK_EQ(r[2].f_blocks, 0u); /* nothing written past them */
	CHECK_EQ(rump_sys_getvfsstat(r, sizeof(r[0]) - 1, RUMP_ST_WAIT), 0);
	CHECK_EQ(rump_sys_getvfsstat(r, 0, RUMP_ST_WAIT), 0);

	/* Errors. */
	CHECK_ERRNO(rump_sys_getvfsstat(r, sizeof(r), 0), EINVAL);
	CHECK_ERRNO(rump_sys_getvfsstat(r, sizeof(r), 3), EINVAL);
	CHECK_ERRNO(rump_sys_getvfsstat(NULL, 0, -1), EINVAL);
	CHECK_ERRNO(rump_sys_getvfsstat((void *)16, sizeof(r), RUMP_ST_WAIT),
		    EFAULT);

	/* Anyone may list the mounts. */
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_SYS(rump_sys_setuid(1000));
	CHECK_EQ(rump_sys_getvfsstat(r, sizeof(r), RUMP_ST_WAIT), base + 3);
	rump_pub_lwproc_releaselwp();

	/* Unmounted file systems leave the list. */
	CHECK_SYS(rump_sys_umount2("/a/sub", 0));
	n = (int)CHECK_SYS(rump_sys_getvfsstat(r, sizeof(r), RUMP_ST_WAIT));
	CHECK_EQ(n, base + 2);
	CHECK(find(r, n, "/a/sub") == NULL);
	CHECK(find(r, n, "/b") != NULL);
	CHECK_SYS(rump_sys_umount2("/b", 0));
	CHECK_SYS(rump_sys_umount2("/a", 0));
	CHECK_EQ(count_mounts(), base);
}

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_watchdog(60);
	CHECK(rump_component_link_vfs && rump_component_link_tmpfs);
	test_boot();
	listing();
	test_halt();
	test_log("ok");
	return 0;
}
