/*
 * compat_read.c -- (compiled into t_ext2_compat_read_<type>.c, which defines
 * EXT2_COMPAT_TYPE: the configurations of that type run) read compatibility
 * with e2fsprogs: a tree of files of many sizes (0, 1, block-1, block, block+1,
 * the indirect and extent boundaries, MiBs), sparse files, fast and slow
 * symlinks, hard links, a deep tree, a directory of hundreds of entries, odd
 * names and modes, with owners and timestamps (nanoseconds, past 2038, before
 * 1970) and xattrs set by debugfs, is put into images by mkfs.ext2/3/4 -d with
 * 1 KiB and 4 KiB blocks.  Mounted read-only, rumpkit must list and read
 * exactly what debugfs says is there (every stat field, the bytes and the
 * link targets) and what the source tree holds; the image must not change
 * by a single byte and stays clean for e2fsck.
 */
#include "ext2lib.c"

/* The image's bytes, to see that a read-only mount writes nothing. */
static void read_cksum(const char *img, char *out, size_t len)
{
	if (ext2_sh(out, len, "cksum < '%s'", img) != 0)
		EXT2_FAIL("cksum %s: %s", img, out);
}

static void read_one(const struct ext2_config *c, const char *fstype,
		     const char *src, const char *fix, const char *msrc)
{
	char img[PATH_MAX], mimg[PATH_MAX + 16], mrump[PATH_MAX + 16];
	char before[128], after[128], name[64];

	snprintf(name, sizeof(name), "%s-%d", c->type, c->bs);
	snprintf(img, sizeof(img), "%s", ext2_path(name));
	snprintf(mimg, sizeof(mimg), "%s.debugfs", img);
	snprintf(mrump, sizeof(mrump), "%s.rump-%s", img, fstype);
	test_log("%s, %d-byte blocks, mounted as %s", c->type, c->bs, fstype);
	ext2_mkimage(c->type, c->bs, "96M", img, src, fix, "");
	ext2_manifest_image(img, mimg);
	/* The oracle agrees with the source tree where mkfs -d copies it. */
	ext2_compare(msrc, mimg, "type,mode,fsize,nlink,rdev,data");
	read_cksum(img, before, sizeof(before));

	ext2_mount(img, fstype, MS_RDONLY);
	ext2_manifest_rump(EXT2_MNT, mrump);
	CHECK_ERRNO(rump_sys_mkdir(EXT2_MNT "/new", 0755), EROFS);
	CHECK_ERRNO(rump_sys_open(EXT2_MNT "/sizes/f1", O_WRONLY), EROFS);
	ext2_unmount();

	ext2_compare(mimg, mrump, EXT2_ALL_FIELDS);
	read_cksum(img, after, sizeof(after));
	if (strcmp(before, after) != 0)
		EXT2_FAIL("a read-only mount changed %s (cksum %s -> %s)", img,
			  before, after);
	ext2_fsck_clean(img, "after a read-only mount");
	ext2_sh(NULL, 0, "rm -f '%s' '%s' '%s'", img, mimg, mrump);
}

int main(int argc, char **argv)
{
	char src[PATH_MAX], fix[PATH_MAX], msrc[PATH_MAX];

	test_init(argc, argv);
	test_watchdog(115);
	if (!ext2_driver_linked())
		return 0;
	ext2_setup();
	ext2_make_tree(src, fix);
	snprintf(msrc, sizeof(msrc), "%s", ext2_path("src.manifest"));
	if (ext2_sh(NULL, 0,
		    "python3 " EXT2_TOOLS "/ext2tool.py manifest-dir '%s' '%s'",
		    src, msrc) != 0)
		EXT2_FAIL("making the source tree's manifest failed");
	test_boot();
	for (size_t i = 0; i < EXT2_NCONFIGS; i++)
		if (strcmp(ext2_configs[i].type, EXT2_COMPAT_TYPE) == 0)
			read_one(&ext2_configs[i], ext2_configs[i].type, src,
				 fix, msrc);
	/* The other names of the type: ext4 as "ext2fs", ext2 and ext3
	 * images through the ext4 name, as Linux accepts them. */
	if (strcmp(EXT2_COMPAT_TYPE, "ext4") == 0)
		read_one(&ext2_configs[5], "ext2fs", src, fix, msrc);
	else
		read_one(&ext2_configs[strcmp(EXT2_COMPAT_TYPE, "ext2") == 0
					       ? 0
					       : 3],
			 "ext4", src, fix, msrc);
	test_halt();
	test_log("ok");
	return 0;
}
