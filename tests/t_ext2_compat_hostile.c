/*
 * t_ext2_compat_hostile.c -- corrupt images never crash, hang or leak.  The
 * images of tests/ext2/hostile.sh (truncated, absurd counts and sizes,
 * unknown feature flags, a bad inode checksum, a directory sharing its
 * parent's block, a self-referencing indirect block, a wild extent,
 * seeded random flips) and every input the fuzz target once crashed on
 * (tests/ext2/regress/) are mounted read-only (and read-write where the
 * image says how that must go), walked and read (tests/ext2/walk.c:
 * errors are fine, the walk is bounded) and unmounted.  Specific
 * contracts: an unknown incompat feature refuses every mount; an unknown
 * ro_compat feature allows read-only mounts only; an inode with a bad
 * checksum gives EIO, never its data.
 */
/* hosts: posix */
#include <dirent.h>

#include "ext2/ext2lib.c"
#include "ext2/walk.c"

/* Mount read-only as fstype (if it mounts), walk, unmount. */
static void hostile_walk(const char *img, const char *fstype, bool must_mount)
{
	struct walk_stats w = {.budget = 20000};

	if (ext2_try_mount(img, fstype, MS_RDONLY) == -1) {
		if (must_mount)
			EXT2_FAIL("%s: a read-only %s mount fails: %s", img,
				  fstype, strerror(errno));
		return;
	}
	walk_tree(&w, EXT2_MNT, 0);
	ext2_unmount();
}

static void hostile_one(const char *dir, const char *name, const char *type,
			const char *expect)
{
	char img[PATH_MAX + 256];
	struct stat st;

	snprintf(img, sizeof(img), "%s/%s", dir, name);
	if (strcmp(expect, "nomount") == 0) {
		if (ext2_try_mount(img, type, MS_RDONLY) == 0 ||
		    ext2_try_mount(img, type, 0) == 0)
			EXT2_FAIL("%s: mounted as %s, must be refused", img,
				  type);
	} else if (strcmp(expect, "rdonly") == 0) {
		if (ext2_try_mount(img, type, 0) == 0)
			EXT2_FAIL("%s: an unknown ro_compat feature, mounted "
				  "read-write",
				  img);
		hostile_walk(img, type, true);
	} else if (strncmp(expect, "eio:", 4) == 0) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), EXT2_MNT "%s", expect + 4);
		ext2_mount(img, type, MS_RDONLY);
		CHECK_ERRNO(rump_sys_lstat(path, &st), EIO);
		CHECK_ERRNO(rump_sys_open(path, O_RDONLY), EIO);
		ext2_unmount();
	} else {
		CHECK(strcmp(expect, "any") == 0);
		hostile_walk(img, type, false);
		if (ext2_try_mount(img, type, 0) == 0)
			ext2_unmount();
	}
	/* Whatever the type, the other names must not crash either. */
	hostile_walk(img, "ext4", false);
	hostile_walk(img, "ext2", false);
}

int main(int argc, char **argv)
{
	char list[PATH_MAX + 16], line[512], name[256], type[32], expect[256];
	const char *dir;
	struct dirent *de;
	int count = 0;
	DIR *d;
	FILE *f;

	test_init(argc, argv);
	test_watchdog(115);
	if (!ext2_driver_linked())
		return 0;
	ext2_setup();
	dir = ext2_path("hostile");
	if (ext2_sh(NULL, 0, "sh " EXT2_TOOLS "/hostile.sh '%s'", dir) != 0)
		EXT2_FAIL("hostile.sh failed");
	test_boot();
	snprintf(list, sizeof(list), "%s/list", dir);
	f = fopen(list, "r");
	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		CHECK(sscanf(line, "%255s %31s %255s", name, type, expect) ==
		      3);
		test_log("%s (%s): %s", name, type, expect);
		hostile_one(dir, name, type, expect);
		count++;
	}
	fclose(f);
	/* The fuzz target's crashers. */
	d = opendir(EXT2_TOOLS "/regress");
	CHECK(d != NULL);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".md") != NULL)
			continue;
		test_log("regress/%s", de->d_name);
		hostile_one(EXT2_TOOLS "/regress", de->d_name, "ext4", "any");
		count++;
	}
	closedir(d);
	test_halt();
	test_log("ok: %d images", count);
	return 0;
}
