/*
 * compat_space.c -- (compiled into t_ext2_compat_space_<type>.c, which defines
 * EXT2_COMPAT_TYPE: the configurations of that type run) free space accounting
 * and running out of it, judged by e2fsprogs.  statvfs on a mounted image
 * agrees with dumpe2fs (block size, inode count, free blocks, free inodes) when
 * mounted and after rumpkit has written and deleted; filling an image gives
 * ENOSPC from write (never a lost write: what write accepted is on disk, fsync
 * succeeds), running out of inodes gives ENOSPC from every kind of
 * create, the image stays clean for e2fsck -fn with contents debugfs
 * agrees with, and deleting gives every block back (dumpe2fs's free
 * count returns to where it was).  ext2, ext3, ext4; 1 KiB and 4 KiB.
 */
#include "ext2lib.c"
#include "workload.c"

/* A "Name: value" number of dumpe2fs -h for img. */
static long long space_dumpe2fs(const char *img, const char *field)
{
	char out[256];
	long long v;

	if (ext2_sh(out, sizeof(out),
		    "PATH=$PATH:/sbin:/usr/sbin; dumpe2fs -h '%s' 2>/dev/null "
		    "| sed -n 's/^%s: *//p'",
		    img, field) != 0 ||
	    sscanf(out, "%lld", &v) != 1)
		EXT2_FAIL("dumpe2fs -h %s: no \"%s\" (%s)", img, field, out);
	return v;
}

/* statvfs of the mounted image against dumpe2fs of it. */
static void space_agree(const char *img, const struct statvfs *sv,
			const char *when)
{
	long long bs = space_dumpe2fs(img, "Block size");
	long long blocks = space_dumpe2fs(img, "Block count");
	long long resv = space_dumpe2fs(img, "Reserved block count");
	long long bfree = space_dumpe2fs(img, "Free blocks");
	long long inodes = space_dumpe2fs(img, "Inode count");
	long long ifree = space_dumpe2fs(img, "Free inodes");

	test_log("%s: statvfs bfree %llu bavail %llu ffree %llu; dumpe2fs "
		 "free blocks %lld inodes %lld",
		 when, (unsigned long long)sv->f_bfree,
		 (unsigned long long)sv->f_bavail,
		 (unsigned long long)sv->f_ffree, bfree, ifree);
	if ((long long)sv->f_bsize != bs || (long long)sv->f_frsize != bs ||
	    (long long)sv->f_files != inodes ||
	    (long long)sv->f_ffree != ifree ||
	    (long long)sv->f_bfree != bfree ||
	    (long long)sv->f_blocks > blocks ||
	    (long long)sv->f_blocks <= bfree / 2 ||
	    (long long)sv->f_bavail > (bfree > resv ? bfree - resv : 0) ||
	    sv->f_namemax != 255)
		EXT2_FAIL("%s: statvfs (bsize %lu frsize %lu blocks %llu bfree "
			  "%llu bavail %llu files %llu ffree %llu namemax "
			  "%lu) disagrees with dumpe2fs of %s (block size "
			  "%lld, blocks %lld, reserved %lld, free %lld, "
			  "inodes %lld, free %lld)",
			  when, sv->f_bsize, sv->f_frsize,
			  (unsigned long long)sv->f_blocks,
			  (unsigned long long)sv->f_bfree,
			  (unsigned long long)sv->f_bavail,
			  (unsigned long long)sv->f_files,
			  (unsigned long long)sv->f_ffree, sv->f_namemax, img,
			  bs, blocks, resv, bfree, inodes, ifree);
}

/* Accounting on an image with a tree, before and after writes. */
static void space_statvfs(const struct ext2_config *c, const char *src,
			  const char *fix)
{
	char img[PATH_MAX], name[64], path[PATH_MAX + 64];
	struct statvfs sv, sv2;
	struct wctx w;

	snprintf(name, sizeof(name), "statvfs-%s-%d", c->type, c->bs);
	snprintf(img, sizeof(img), "%s", ext2_path(name));
	ext2_mkimage(c->type, c->bs, "96M", img, src, fix, "");
	ext2_mount(img, c->type, 0);
	CHECK_SYS(rump_sys_statvfs(EXT2_MNT, &sv));
	space_agree(img, &sv, "fresh mount");

	memset(&w, 0, sizeof(w));
	w.o = &wops_rump;
	snprintf(w.root, sizeof(w.root), "%s", EXT2_MNT "/new");
	CHECK_SYS(rump_sys_mkdir(w.root, 0755));
	if (setjmp(w.out) != 0)
		EXT2_FAIL("%s: %s", img, w.what);
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "%s/big%d", w.root, i);
		wl_file(&w, path, (uint64_t)i, 1 << 20);
	}
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "%s/small%d", w.root, i);
		wl_file(&w, path, (uint64_t)i, (size_t)i * 7);
	}
	for (int i = 0; i < 20; i += 4) {
		snprintf(path, sizeof(path), "%s/big%d", w.root, i);
		CHECK_SYS(rump_sys_unlink(path));
	}
	CHECK_SYS(rump_sys_unlink(EXT2_MNT "/sizes/f5243003"));
	rump_sys_sync();
	CHECK_SYS(rump_sys_statvfs(EXT2_MNT, &sv2));
	if (/* 20 MiB written, 5 of them and a 5 MiB file deleted */
	    sv2.f_bfree + 10 * ((1 << 20) / c->bs) > sv.f_bfree ||
	    sv.f_ffree - sv2.f_ffree != 1 + 20 + 300 - 5 - 1)
		EXT2_FAIL("%s: free counts did not move as written: blocks "
			  "%llu -> %llu, inodes %llu -> %llu",
			  img, (unsigned long long)sv.f_bfree,
			  (unsigned long long)sv2.f_bfree,
			  (unsigned long long)sv.f_ffree,
			  (unsigned long long)sv2.f_ffree);
	ext2_unmount();
	ext2_fsck_clean(img, "after writes");
	/* dumpe2fs reads the summary the unmount wrote: it must be what
	 * statvfs said just before. */
	ext2_mount(img, c->type, MS_RDONLY);
	ext2_unmount();
	space_agree(img, &sv2, "after writes and unmount");
	ext2_sh(NULL, 0, "rm -f '%s'", img);
}

/* Fill an image: ENOSPC, nothing lost, nothing corrupted, all back. */
static void space_fill(const struct ext2_config *c)
{
	char img[PATH_MAX], dump[PATH_MAX + 16], mimg[PATH_MAX + 16];
	char mrump[PATH_MAX + 16], name[64];
	static unsigned char buf[1 << 16], want[1 << 16];
	long long free0, total = 0;
	struct statvfs sv;
	ssize_t n;
	FILE *f;
	int fd;

	snprintf(name, sizeof(name), "fill-%s-%d", c->type, c->bs);
	snprintf(img, sizeof(img), "%s", ext2_path(name));
	snprintf(dump, sizeof(dump), "%s.dump", img);
	snprintf(mimg, sizeof(mimg), "%s.debugfs", img);
	snprintf(mrump, sizeof(mrump), "%s.rump", img);
	ext2_mkimage(c->type, c->bs, "12M", img, "", "", "");
	free0 = space_dumpe2fs(img, "Free blocks");

	ext2_mount(img, c->type, 0);
	fd = CHECK_SYS(rump_sys_open(EXT2_MNT "/big", O_RDWR | O_CREAT, 0644));
	for (;;) {
		wl_fill(buf, sizeof(buf), 5, (uint64_t)total);
		errno = 0;
		n = rump_sys_write(fd, buf, sizeof(buf));
		if (n == -1) {
			if (errno != ENOSPC)
				EXT2_FAIL("%s: filling: write gives %s, not "
					  "ENOSPC, after %lld bytes",
					  img, strerror(errno), total);
			break;
		}
		CHECK(n > 0);
		total += n;
		if (total > 12LL << 20)
			EXT2_FAIL("%s: wrote %lld bytes into a 12 MiB image",
				  img, total);
	}
	CHECK_SYS(rump_sys_fsync(fd));
	CHECK_SYS(rump_sys_close(fd));
	CHECK_SYS(rump_sys_statvfs(EXT2_MNT, &sv));
	if (sv.f_bavail != 0)
		EXT2_FAIL("%s: ENOSPC with %llu blocks available", img,
			  (unsigned long long)sv.f_bavail);
	test_log("%s: ENOSPC after %lld bytes, %llu blocks free", img, total,
		 (unsigned long long)sv.f_bfree);
	ext2_unmount();
	ext2_fsck_clean(img, "after ENOSPC");
	ext2_manifest_image(img, mimg);
	ext2_mount(img, c->type, MS_RDONLY);
	ext2_manifest_rump(EXT2_MNT, mrump);
	ext2_unmount();
	ext2_compare(mimg, mrump, EXT2_ALL_FIELDS);

	/* What write accepted is on the disk, as debugfs reads it. */
	if (ext2_sh(NULL, 0, "debugfs -R 'dump /big %s' '%s' 2>/dev/null", dump,
		    img) != 0 ||
	    (f = fopen(dump, "rb")) == NULL)
		EXT2_FAIL("debugfs dump /big of %s", img);
	for (long long at = 0; at < total; at += (long long)sizeof(want)) {
		size_t k = fread(buf, 1, sizeof(buf), f);

		wl_fill(want, sizeof(want), 5, (uint64_t)at);
		if ((long long)k != (total - at < (long long)sizeof(want)
					     ? total - at
					     : (long long)sizeof(want)) ||
		    memcmp(buf, want, k) != 0)
			EXT2_FAIL("%s: /big differs from what was written at "
				  "offset %lld (debugfs dump)",
				  img, at);
	}
	CHECK(fread(buf, 1, 1, f) == 0);
	fclose(f);

	/* Deleting gives every block back. */
	ext2_mount(img, c->type, 0);
	CHECK_SYS(rump_sys_unlink(EXT2_MNT "/big"));
	ext2_unmount();
	ext2_fsck_clean(img, "after deleting the file that filled it");
	if (space_dumpe2fs(img, "Free blocks") != free0)
		EXT2_FAIL("%s: %lld free blocks after deleting everything, "
			  "%lld before",
			  img, space_dumpe2fs(img, "Free blocks"), free0);
	ext2_sh(NULL, 0, "rm -f '%s'*", img);
}

/* Run out of inodes: ENOSPC from every kind of create. */
static void space_inodes(const struct ext2_config *c)
{
	char img[PATH_MAX], mimg[PATH_MAX + 16], mrump[PATH_MAX + 16];
	char name[64], path[64];
	struct statvfs sv;
	int fd, n = 0;

	snprintf(name, sizeof(name), "inodes-%s-%d", c->type, c->bs);
	snprintf(img, sizeof(img), "%s", ext2_path(name));
	snprintf(mimg, sizeof(mimg), "%s.debugfs", img);
	snprintf(mrump, sizeof(mrump), "%s.rump", img);
	ext2_mkimage(c->type, c->bs, "16M", img, "", "", "-N 200");
	ext2_mount(img, c->type, 0);
	CHECK_SYS(rump_sys_mkdir(EXT2_MNT "/d", 0755));
	for (;;) {
		snprintf(path, sizeof(path), EXT2_MNT "/d/i%d", n);
		errno = 0;
		fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd == -1) {
			if (errno != ENOSPC)
				EXT2_FAIL("%s: create %d gives %s, not ENOSPC",
					  img, n, strerror(errno));
			break;
		}
		CHECK_SYS(rump_sys_write(fd, path, strlen(path)));
		CHECK_SYS(rump_sys_close(fd));
		if (++n > 100000)
			EXT2_FAIL("%s: no end of inodes", img);
	}
	CHECK_SYS(rump_sys_statvfs(EXT2_MNT, &sv));
	CHECK_EQ(sv.f_ffree, 0);
	CHECK_ERRNO(rump_sys_mkdir(EXT2_MNT "/d/dir", 0755), ENOSPC);
	CHECK_ERRNO(rump_sys_symlink("x", EXT2_MNT "/d/sym"), ENOSPC);
	CHECK_ERRNO(rump_sys_mkfifo(EXT2_MNT "/d/fifo", 0644), ENOSPC);
	CHECK_SYS(rump_sys_unlink(EXT2_MNT "/d/i0"));
	CHECK_SYS(rump_sys_mkdir(EXT2_MNT "/d/dir", 0755));
	ext2_unmount();
	ext2_fsck_clean(img, "after running out of inodes");
	ext2_manifest_image(img, mimg);
	ext2_mount(img, c->type, MS_RDONLY);
	ext2_manifest_rump(EXT2_MNT, mrump);
	ext2_unmount();
	ext2_compare(mimg, mrump, EXT2_ALL_FIELDS);
	test_log("%s: %d files made before ENOSPC", img, n);
	ext2_sh(NULL, 0, "rm -f '%s'*", img);
}

int main(int argc, char **argv)
{
	char src[PATH_MAX], fix[PATH_MAX];

	test_init(argc, argv);
	test_watchdog(115);
	if (!ext2_driver_linked())
		return 0;
	ext2_setup();
	ext2_make_tree(src, fix);
	test_boot();
	for (size_t i = 0; i < EXT2_NCONFIGS; i++) {
		if (strcmp(ext2_configs[i].type, EXT2_COMPAT_TYPE) != 0)
			continue;
		test_log("%s, %d-byte blocks", ext2_configs[i].type,
			 ext2_configs[i].bs);
		space_statvfs(&ext2_configs[i], src, fix);
		space_fill(&ext2_configs[i]);
		space_inodes(&ext2_configs[i]);
	}
	test_halt();
	test_log("ok");
	return 0;
}
