/*
 * compat_write.c -- (compiled into t_ext2_compat_write_<type>.c, which defines
 * EXT2_COMPAT_TYPE: the configurations of that type run) write compatibility
 * with e2fsprogs: on images made by mkfs.ext2/3/4 (1 KiB and 4 KiB blocks,
 * prefilled with mkfs -d and xattrs), rumpkit runs the write workload
 * (tests/ext2/workload.c: creates, deletes also of open files, renames,
 * truncates down and up, holes, extent tree growth, hard links, fast and slow
 * symlinks, a directory of thousands of entries) and changes prefilled files
 * that carry xattrs; the same workload runs on a host directory as the model.
 * After unmount e2fsck -fn must call the image clean; debugfs must see
 * exactly what rumpkit sees after a fresh read-only mount (every field)
 * and what the model holds; the xattrs must be preserved.
 */
#include "ext2lib.c"
#include "workload.c"

static const char *const write_xattr_paths =
	"/sizes/f1-renamed /hard/orig /sizes/f4096 /empty";

/* Changes to prefilled files that carry xattrs (on either side). */
static int write_prefilled(struct wctx *c)
{
	int fd;

	if (setjmp(c->out) != 0)
		return c->error;
	fd = W(c, c->o->open(wl_p(c, "sizes/f4096"), O_WRONLY | O_APPEND));
	W(c, c->o->write(fd, "appended", 8));
	W(c, c->o->close(fd));
	W(c, c->o->chmod(wl_p(c, "hard/orig"), 0600));
	W(c, c->o->rename(wl_p(c, "sizes/f1"), wl_p(c, "sizes/f1-renamed")));
	W(c, c->o->truncate(wl_p(c, "sizes/f5243003"), 100000));
	return 0;
}

static void write_side(const struct wops *o, const char *root, const char *side)
{
	struct wctx c;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.owners = geteuid() == 0;
	snprintf(c.root, sizeof(c.root), "%s", root);
	if (write_prefilled(&c) != 0 || wl_run(&c, ext2_scale()) != 0)
		EXT2_FAIL("workload on %s: %s", side, c.what);
}

static void write_one(const struct ext2_config *c, const char *src,
		      const char *fix)
{
	char img[PATH_MAX], model[PATH_MAX + 16], mimg[PATH_MAX + 16];
	char mrump[PATH_MAX + 16], mmodel[PATH_MAX + 16], name[64];
	char xa[PATH_MAX + 16], xb[PATH_MAX + 16];

	snprintf(name, sizeof(name), "%s-%d", c->type, c->bs);
	snprintf(img, sizeof(img), "%s", ext2_path(name));
	snprintf(model, sizeof(model), "%s.model", img);
	snprintf(mimg, sizeof(mimg), "%s.debugfs", img);
	snprintf(mrump, sizeof(mrump), "%s.rump", img);
	snprintf(mmodel, sizeof(mmodel), "%s.model.manifest", img);
	snprintf(xa, sizeof(xa), "%s.xattr-before", img);
	snprintf(xb, sizeof(xb), "%s.xattr-after", img);
	test_log("%s, %d-byte blocks", c->type, c->bs);
	ext2_mkimage(c->type, c->bs, "192M", img, src, fix, "");
	if (ext2_sh(NULL, 0,
		    "python3 " EXT2_TOOLS "/ext2tool.py xattrs '%s' "
		    "'%s' /sizes/f1 /hard/orig /sizes/f4096 /empty",
		    img, xa) != 0 ||
	    ext2_sh(NULL, 0, "rm -rf '%s' && cp -a '%s' '%s'", model, src,
		    model) != 0)
		EXT2_FAIL("preparing %s", img);

	ext2_mount(img, c->type, 0);
	write_side(&wops_rump, EXT2_MNT, "rumpkit");
	ext2_unmount();
	write_side(&wops_host, model, "the host model");

	ext2_fsck_clean(img, "after rumpkit wrote to it");
	ext2_manifest_image(img, mimg);
	ext2_mount(img, c->type, MS_RDONLY);
	ext2_manifest_rump(EXT2_MNT, mrump);
	ext2_unmount();
	ext2_compare(mimg, mrump, EXT2_ALL_FIELDS);
	if (ext2_sh(NULL, 0,
		    "python3 " EXT2_TOOLS "/ext2tool.py manifest-dir "
		    "'%s' '%s'",
		    model, mmodel) != 0)
		EXT2_FAIL("manifest of %s", model);
	ext2_compare(mmodel, mimg,
		     geteuid() == 0
			     ? "type,mode,uid,gid,fsize,nlink,atime,mtime,rdev,"
			       "data"
			     : "type,mode,fsize,nlink,atime,mtime,rdev,data");
	if (ext2_sh(NULL, 0,
		    "python3 " EXT2_TOOLS "/ext2tool.py xattrs '%s' "
		    "'%s' %s",
		    img, xb, write_xattr_paths) != 0 ||
	    ext2_sh(NULL, 0,
		    "grep -v ^debugfs '%s' >'%s.a' && grep -v "
		    "^debugfs '%s' >'%s.b' && diff '%s.a' '%s.b' >&2",
		    xa, xa, xb, xb, xa, xb) != 0)
		EXT2_FAIL("xattrs not preserved on %s (%s, %s)", img, xa, xb);
	ext2_fsck_clean(img, "at the end");
	ext2_sh(NULL, 0, "rm -rf '%s' '%s'*", model, img);
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
	for (size_t i = 0; i < EXT2_NCONFIGS; i++)
		if (strcmp(ext2_configs[i].type, EXT2_COMPAT_TYPE) == 0)
			write_one(&ext2_configs[i], src, fix);
	test_halt();
	test_log("ok");
	return 0;
}
