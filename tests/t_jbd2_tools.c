/* hosts: posix */
/*
 * t_jbd2_tools.c -- the jbd2 journal against e2fsprogs, on images made by
 * mkfs.ext4 (csum v3, 64bit; 1 KiB and 4 KiB blocks) and mkfs.ext3 (no
 * checksums); the journal inode's block map comes from debugfs bmap:
 *  - debugfs writes transactions (jo/jw/jc, one revoking a block of the
 *    other); the kernel replays them: the blocks land, the revoked one
 *    does not, and e2fsck -fn calls the image clean;
 *  - the kernel writes transactions (escaped blocks, a revoke); a copy of
 *    the image taken after the commits is a power cut before checkpoint:
 *    debugfs logdump lists the logged blocks, e2fsck replays them to the
 *    same contents the kernel's own replay gives; a commit block with a
 *    bad checksum ends the replay before that transaction;
 *  - after a clean close the journal is empty and e2fsck -fn is clean.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

int rump_test_jbd2_open(const char *path, const uint64_t *map, uint64_t jlen,
			unsigned bsize, int *needs_recovery);
int rump_test_jbd2_recover(uint64_t *replayed, uint64_t *revoked);
int rump_test_jbd2_start(uint32_t incompat);
int rump_test_jbd2_txn(const uint64_t *blks, unsigned n,
		       const uint64_t *revokes, unsigned nrev, uint32_t seed);
int rump_test_jbd2_commit(void);
int rump_test_jbd2_info(uint32_t *head, uint32_t *tail, uint32_t *seq,
			uint64_t *checkpoints);
int rump_test_jbd2_close(void);

#define V2 0x08
#define V3 0x10
#define B64 0x2
#define REVOKE 0x1

static char dir[64];
static int ndev;

struct fsconf {
	const char *mkfs;
	unsigned bsize;
	uint32_t incompat; /* what the kernel writes the log with */
	bool csum;
};

struct img {
	char path[128];
	unsigned bsize;
	uint64_t jstart, jlen, nblocks;
	uint64_t *map; /* journal block -> fs block */
};

static uint8_t pattern(uint64_t blk, unsigned i, uint32_t seed)
{
	return (uint8_t)(blk * 31 + i * 7 + seed);
}

/* What rump_test_jbd2_txn writes into blk for seed. */
static void expect_block(uint8_t *b, uint64_t blk, unsigned bsize,
			 uint32_t seed)
{
	for (unsigned i = 0; i < bsize; i++)
		b[i] = pattern(blk, i, seed);
	if ((blk + seed) % 3 == 0) {
		b[0] = 0xc0;
		b[1] = 0x3b;
		b[2] = 0x39;
		b[3] = 0x98;
	}
}

static void read_block(const char *path, uint64_t blk, unsigned bsize,
		       uint8_t *b)
{
	int fd = open(path, O_RDONLY);

	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, b, bsize, (off_t)(blk * bsize)), (ssize_t)bsize);
	close(fd);
}

static void flip_byte(const char *path, uint64_t off)
{
	uint8_t c;
	int fd = open(path, O_RDWR);

	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, &c, 1, (off_t)off), 1);
	c ^= 0x5a;
	CHECK_EQ(pwrite(fd, &c, 1, (off_t)off), 1);
	close(fd);
}

static bool block_is(const char *path, uint64_t blk, unsigned bsize,
		     uint32_t seed)
{
	static uint8_t got[4096], want[4096];

	read_block(path, blk, bsize, got);
	if (seed == 0)
		memset(want, 0, bsize);
	else
		expect_block(want, blk, bsize, seed);
	return memcmp(got, want, bsize) == 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* A fresh image and its journal's place (contiguous, checked). */
static void make_image(struct img *im, const struct fsconf *fc,
		       const char *name)
{
	char line[512];
	uint8_t sb[1024];
	char cmds[128];
	uint64_t n = 0;
	FILE *f;
	int fd;

	snprintf(im->path, sizeof(im->path), "%s/%s", dir, name);
	im->bsize = fc->bsize;
	CHECK_EQ(test_sh("rm -f %s && truncate -s 48M %s && %s -q -F -b %u %s",
			 im->path, im->path, fc->mkfs, fc->bsize, im->path),
		 0);
	test_sh_line(line, sizeof(line),
		     "debugfs -R 'bmap <8> 0' %s 2>/dev/null", im->path);
	im->jstart = strtoull(line, NULL, 10);
	CHECK(im->jstart > 0);
	fd = open(im->path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, sb, sizeof(sb), (off_t)(im->jstart * im->bsize)),
		 (ssize_t)sizeof(sb));
	close(fd);
	CHECK_EQ(be32(sb), 0xc03b3998);
	im->jlen = be32(sb + 0x10);
	im->map = calloc(im->jlen, sizeof(*im->map));
	CHECK(im->map != NULL);
	snprintf(cmds, sizeof(cmds), "%s/bmap.cmds", dir);
	f = fopen(cmds, "w");
	CHECK(f != NULL);
	for (uint64_t i = 0; i < im->jlen; i++)
		fprintf(f, "bmap <8> %llu\n", (unsigned long long)i);
	fclose(f);
	snprintf(line, sizeof(line), "debugfs -f %s %s 2>/dev/null", cmds,
		 im->path);
	f = popen(line, "r");
	CHECK(f != NULL);
	while (n < im->jlen && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "debugfs", 7) == 0)
			continue;
		im->map[n++] = strtoull(line, NULL, 10);
	}
	pclose(f);
	CHECK_EQ(n, im->jlen);
	CHECK_EQ(im->map[0], im->jstart);
	im->nblocks = 48ULL * 1024 * 1024 / fc->bsize;
}

/* n free blocks near the end of the file system. */
static void target_blocks_n(const struct img *im, uint64_t *t, int n)
{
	char line[256];

	for (int i = 0; i < n; i++) {
		t[i] = im->nblocks - 1 - (uint64_t)(n - i) * 3;
		test_sh_line(line, sizeof(line),
			     "debugfs -R 'testb %llu' %s 2>&1 | "
			     "grep -c 'not in use'",
			     (unsigned long long)t[i], im->path);
		CHECK_EQ(atoi(line), 1);
	}
}

static void target_blocks(const struct img *im, uint64_t *t)
{
	target_blocks_n(im, t, 8);
}

static const char *dev_register(const struct img *im)
{
	static char dev[32];

	snprintf(dev, sizeof(dev), "/dev/jd%d", ndev++);
	CHECK_EQ(rump_pub_etfs_register(dev, im->path, RUMP_ETFS_BLK), 0);
	return dev;
}

/* debugfs writes two transactions; the kernel replays them. */
static void test_replay_debugfs(const struct fsconf *fc)
{
	struct img im;
	uint64_t t[8], replayed, revoked;
	char data[128], cmds[128];
	uint8_t *buf;
	int needs, fd;
	FILE *f;

	make_image(&im, fc, "replay.img");
	target_blocks(&im, t);
	snprintf(data, sizeof(data), "%s/data", dir);
	buf = malloc(3 * im.bsize);
	CHECK(buf != NULL);
	for (unsigned k = 0; k < 3; k++)
		expect_block(buf + k * im.bsize, t[k], im.bsize, 77);
	fd = open(data, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, buf, 3 * im.bsize), (ssize_t)(3 * im.bsize));
	close(fd);
	snprintf(cmds, sizeof(cmds), "%s/cmds", dir);
	f = fopen(cmds, "w");
	CHECK(f != NULL);
	fprintf(f, "jo%s\njw -b %llu,%llu,%llu %s\njw -r %llu\njc\n",
		fc->csum ? " -c" : "", (unsigned long long)t[0],
		(unsigned long long)t[1], (unsigned long long)t[2], data,
		(unsigned long long)t[2]);
	fclose(f);
	CHECK_EQ(test_sh("debugfs -w -f %s %s >/dev/null 2>&1", cmds, im.path),
		 0);
	CHECK(block_is(im.path, t[0], im.bsize, 0));

	CHECK_KERN(rump_test_jbd2_open(dev_register(&im), im.map, im.jlen,
				       im.bsize, &needs));
	CHECK_EQ(needs, 1);
	CHECK_KERN(rump_test_jbd2_recover(&replayed, &revoked));
	CHECK_EQ(replayed, 2);
	CHECK_EQ(revoked, 1);
	CHECK_KERN(rump_test_jbd2_close());

	CHECK(block_is(im.path, t[0], im.bsize, 77));
	CHECK(block_is(im.path, t[1], im.bsize, 77));
	CHECK(block_is(im.path, t[2], im.bsize, 0));
	/* The fs clears its own flag; then the tools call it clean. */
	CHECK_EQ(
		test_sh("debugfs -w -R 'feature -needs_recovery' %s >/dev/null "
			"2>&1",
			im.path),
		0);
	CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", im.path), 0);
	CHECK_EQ(test_sh("debugfs -R logdump %s 2>/dev/null | "
			 "grep -q 'Journal starts at block 0,'",
			 im.path),
		 0);
	free(buf);
	free(im.map);
}

/* The kernel writes; e2fsck and the kernel replay the cut copy. */
static void test_write(const struct fsconf *fc)
{
	struct img im, cut;
	uint64_t t[8], replayed, revoked, ckpt;
	uint32_t head, tail, seq, seq0;
	int needs;

	make_image(&im, fc, "write.img");
	target_blocks(&im, t);
	CHECK_KERN(rump_test_jbd2_open(dev_register(&im), im.map, im.jlen,
				       im.bsize, &needs));
	CHECK_EQ(needs, 0);
	CHECK_KERN(rump_test_jbd2_start(fc->incompat));
	CHECK_KERN(rump_test_jbd2_info(&head, &tail, &seq0, &ckpt));
	CHECK_EQ(tail, 0);
	/* T1: t0..t3 with seed 1; T2: t1, t4 with seed 2, revokes t3. */
	CHECK_KERN(rump_test_jbd2_txn(t, 4, NULL, 0, 1));
	CHECK_KERN(rump_test_jbd2_commit());
	CHECK_KERN(
		rump_test_jbd2_txn((uint64_t[]){t[1], t[4]}, 2, &t[3], 1, 2));
	CHECK_KERN(rump_test_jbd2_commit());
	CHECK_KERN(rump_test_jbd2_info(&head, &tail, &seq, &ckpt));
	CHECK_EQ(seq, seq0 + 2);
	CHECK(tail != 0);
	/* The power cut: the image as it is after the two commits. */
	cut = im;
	snprintf(cut.path, sizeof(cut.path), "%s/cut.img", dir);
	CHECK_EQ(test_sh("cp --sparse=always %s %s", im.path, cut.path), 0);
	/* A third transaction, then a clean close: checkpoint, log empty. */
	CHECK_KERN(rump_test_jbd2_txn(&t[5], 1, NULL, 0, 3));
	CHECK_KERN(rump_test_jbd2_close());

	CHECK(block_is(im.path, t[0], im.bsize, 1));
	CHECK(block_is(im.path, t[1], im.bsize, 2));
	CHECK(block_is(im.path, t[2], im.bsize, 1));
	CHECK(block_is(im.path, t[4], im.bsize, 2));
	CHECK(block_is(im.path, t[5], im.bsize, 3));
	CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", im.path), 0);
	CHECK_EQ(test_sh("debugfs -R logdump %s 2>/dev/null | "
			 "grep -q 'Journal starts at block 0,'",
			 im.path),
		 0);
	if (fc->csum)
		CHECK_EQ(test_sh("dumpe2fs -h %s 2>/dev/null | grep 'Journal "
				 "features' | grep -q journal_checksum_v%d",
				 im.path, (fc->incompat & V3) ? 3 : 2),
			 0);

	/* logdump reads the cut log: both transactions, every block. */
	for (int k = 0; k < 5; k++)
		CHECK_EQ(test_sh("debugfs -R 'logdump -a' %s 2>/dev/null | "
				 "grep -q 'FS block %llu logged'",
				 cut.path, (unsigned long long)t[k]),
			 0);
	CHECK_EQ(test_sh("debugfs -R 'logdump -a' %s 2>/dev/null | "
			 "grep -q 'Revoke FS block %llu'",
			 cut.path, (unsigned long long)t[3]),
		 0);
	/* Three copies of it: e2fsck replays one, the kernel another. */
	CHECK_EQ(test_sh("cp --sparse=always %s %s/cut2.img && "
			 "cp --sparse=always %s %s/cut3.img",
			 cut.path, dir, cut.path, dir),
		 0);
	CHECK_EQ(test_sh("debugfs -w -R 'feature needs_recovery' %s >/dev/null "
			 "2>&1",
			 cut.path),
		 0);
	CHECK(test_sh("e2fsck -fy %s >/dev/null 2>&1", cut.path) <= 1);
	CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", cut.path), 0);
	CHECK(block_is(cut.path, t[0], im.bsize, 1));
	CHECK(block_is(cut.path, t[1], im.bsize, 2));
	CHECK(block_is(cut.path, t[2], im.bsize, 1));
	CHECK(block_is(cut.path, t[4], im.bsize, 2));
	/* Revoked in T2: not replayed (unless written in place already). */
	CHECK(block_is(cut.path, t[3], im.bsize, 0) ||
	      block_is(cut.path, t[3], im.bsize, 1));

	snprintf(cut.path, sizeof(cut.path), "%s/cut2.img", dir);
	CHECK_KERN(rump_test_jbd2_open(dev_register(&cut), cut.map, cut.jlen,
				       cut.bsize, &needs));
	CHECK_EQ(needs, 1);
	CHECK_KERN(rump_test_jbd2_recover(&replayed, &revoked));
	CHECK_EQ(replayed, 5); /* T1's t3 is revoked by T2 */
	CHECK_EQ(revoked, 1);
	CHECK_KERN(rump_test_jbd2_close());
	for (int k = 0; k < 5; k++)
		CHECK_EQ(test_sh("cmp -s -n %u -i %llu:%llu %s %s/cut.img",
				 im.bsize, (unsigned long long)t[k] * im.bsize,
				 (unsigned long long)t[k] * im.bsize, cut.path,
				 dir),
			 0);

	/*
	 * A commit block that does not check out ends the log: only T1 is
	 * replayed.  T2's commit block is the last block of the log.
	 */
	snprintf(cut.path, sizeof(cut.path), "%s/cut3.img", dir);
	flip_byte(cut.path, im.map[head - 1] * im.bsize + (fc->csum ? 200 : 0));
	CHECK_KERN(rump_test_jbd2_open(dev_register(&cut), cut.map, cut.jlen,
				       cut.bsize, &needs));
	CHECK_KERN(rump_test_jbd2_recover(&replayed, &revoked));
	CHECK_EQ(replayed, 4);
	CHECK_EQ(revoked, 0);
	CHECK_KERN(rump_test_jbd2_close());
	CHECK(block_is(cut.path, t[1], im.bsize, 1));
	CHECK(block_is(cut.path, t[3], im.bsize, 1));
	free(im.map);
}

/* A journal superblock with a bad checksum is refused with EIO. */
static void test_bad_sb(const struct fsconf *fc)
{
	struct img im;
	int needs;

	make_image(&im, fc, "badsb.img");
	CHECK_KERN(rump_test_jbd2_open(dev_register(&im), im.map, im.jlen,
				       im.bsize, &needs));
	CHECK_KERN(rump_test_jbd2_start(fc->incompat));
	CHECK_KERN(rump_test_jbd2_close());
	flip_byte(im.path, im.jstart * im.bsize + 0x300);
	CHECK_EQ(rump_test_jbd2_open(dev_register(&im), im.map, im.jlen,
				     im.bsize, &needs),
		 fc->csum ? RUMP_EIO : 0);
	if (!fc->csum)
		CHECK_KERN(rump_test_jbd2_close());
	/* An absurd length is refused before the checksum is looked at. */
	flip_byte(im.path, im.jstart * im.bsize + 0x10);
	CHECK_EQ(rump_test_jbd2_open(dev_register(&im), im.map, im.jlen,
				     im.bsize, &needs),
		 RUMP_EINVAL);
	free(im.map);
}

/*
 * Many transactions through a 1024-block journal: the log wraps and is
 * checkpointed; copies taken between commits replay, by the kernel and
 * by e2fsck, to exactly the state of the last commit before the copy.
 */
#define WRAP_BLKS 32
#define WRAP_TXNS 90

static uint64_t rnd_state = 42;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rnd_state >> 33);
}

/* Blocks whose expected seed is >= 0 hold exactly that seed's pattern. */
static void check_state(const struct img *im, const char *path,
			const uint64_t *t, const int *want)
{
	for (int i = 0; i < WRAP_BLKS; i++)
		if (want[i] >= 0 &&
		    !block_is(path, t[i], im->bsize, (uint32_t)want[i]))
			test_fail(__FILE__, __LINE__,
				  "%s: block %llu is not seed %d", path,
				  (unsigned long long)t[i], want[i]);
}

static void test_wrap(const struct fsconf *fc)
{
	static const int cuts[] = {25, 50, 75};
	struct img im, cut;
	uint64_t t[WRAP_BLKS], blks[12], rev, replayed, revoked, ckpt;
	int want[WRAP_BLKS] = {0}, cutwant[3][WRAP_BLKS], ncut = 0, needs;
	uint32_t head, tail, seq;

	make_image(&im, fc, "wrap.img");
	CHECK_EQ(im.jlen, 1024);
	target_blocks_n(&im, t, WRAP_BLKS);
	CHECK_KERN(rump_test_jbd2_open(dev_register(&im), im.map, im.jlen,
				       im.bsize, &needs));
	CHECK_KERN(rump_test_jbd2_start(fc->incompat));
	for (int k = 1; k <= WRAP_TXNS; k++) {
		int n = 0, r = -1;
		bool used[WRAP_BLKS] = {false};

		while (n < 12) {
			int b = (int)(rnd() % WRAP_BLKS);
			if (!used[b]) {
				used[b] = true;
				blks[n++] = t[b];
				want[b] = k;
			}
		}
		/* Every third transaction frees a block it does not write. */
		if (k % 3 == 0) {
			do
				r = (int)(rnd() % WRAP_BLKS);
			while (used[r]);
			rev = t[r];
			want[r] = -1;
		}
		CHECK_KERN(rump_test_jbd2_txn(blks, 12, &rev, r >= 0 ? 1 : 0,
					      (uint32_t)k));
		CHECK_KERN(rump_test_jbd2_commit());
		if (ncut < 3 && k == cuts[ncut]) {
			memcpy(cutwant[ncut], want, sizeof(want));
			CHECK_EQ(test_sh("cp --sparse=always %s "
					 "%s/wrapcut%d.img",
					 im.path, dir, ncut),
				 0);
			ncut++;
		}
	}
	CHECK_KERN(rump_test_jbd2_info(&head, &tail, &seq, &ckpt));
	CHECK(ckpt >= 2);
	CHECK_KERN(rump_test_jbd2_close());
	check_state(&im, im.path, t, want);
	CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", im.path), 0);

	for (int c = 0; c < 3; c++) {
		cut = im;
		snprintf(cut.path, sizeof(cut.path), "%s/wrapcut%d.img", dir,
			 c);
		CHECK_EQ(test_sh("cp --sparse=always %s %s.e2fsck", cut.path,
				 cut.path),
			 0);
		CHECK_KERN(rump_test_jbd2_open(dev_register(&cut), cut.map,
					       cut.jlen, cut.bsize, &needs));
		CHECK_EQ(needs, 1);
		CHECK_KERN(rump_test_jbd2_recover(&replayed, &revoked));
		CHECK(replayed > 0);
		CHECK_KERN(rump_test_jbd2_close());
		check_state(&cut, cut.path, t, cutwant[c]);
		strcat(cut.path, ".e2fsck");
		CHECK_EQ(test_sh("debugfs -w -R 'feature needs_recovery' %s "
				 ">/dev/null 2>&1",
				 cut.path),
			 0);
		CHECK(test_sh("e2fsck -fy %s >/dev/null 2>&1", cut.path) <= 1);
		check_state(&cut, cut.path, t, cutwant[c]);
		CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", cut.path), 0);
	}
	free(im.map);
}

/* Handles from several host threads at once, commits among them. */
struct worker {
	pthread_t thr;
	uint64_t blks[4];
	int last, err;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (int k = 1; k <= 40 && w->err == 0; k++) {
		w->err = rump_test_jbd2_txn(w->blks, 4, NULL, 0,
					    (uint32_t)(w->blks[0] + k));
		if (w->err == 0 && k % 7 == 0)
			w->err = rump_test_jbd2_commit();
		w->last = k;
	}
	return NULL;
}

static void test_threads(const struct fsconf *fc)
{
	struct worker w[4];
	uint64_t t[16], ckpt;
	uint32_t head, tail, seq, seq0;
	struct img im;
	int needs;

	make_image(&im, fc, "threads.img");
	target_blocks_n(&im, t, 16);
	CHECK_KERN(rump_test_jbd2_open(dev_register(&im), im.map, im.jlen,
				       im.bsize, &needs));
	CHECK_KERN(rump_test_jbd2_start(fc->incompat));
	for (int i = 0; i < 4; i++) {
		memcpy(w[i].blks, &t[i * 4], sizeof(w[i].blks));
		w[i].err = 0;
		CHECK_EQ(pthread_create(&w[i].thr, NULL, worker_main, &w[i]),
			 0);
	}
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(pthread_join(w[i].thr, NULL), 0);
		CHECK_EQ(w[i].err, 0);
	}
	/* Nobody commits the last handles: the commit thread does. */
	CHECK_KERN(rump_test_jbd2_info(&head, &tail, &seq0, &ckpt));
	CHECK_KERN(rump_test_jbd2_txn(t, 1, NULL, 0, 999));
	for (int s = 0; s < 300; s++) {
		CHECK_KERN(rump_test_jbd2_info(&head, &tail, &seq, &ckpt));
		if (seq != seq0)
			break;
		usleep(100000);
	}
	CHECK(seq != seq0);
	CHECK_KERN(rump_test_jbd2_close());
	for (int i = 0; i < 4; i++)
		for (int b = 0; b < 4; b++)
			CHECK(block_is(im.path, w[i].blks[b], im.bsize,
				       (uint32_t)(w[i].blks[0] + 40)) ||
			      (i == 0 && b == 0 &&
			       block_is(im.path, w[i].blks[b], im.bsize, 999)));
	CHECK(block_is(im.path, t[0], im.bsize, 999));
	CHECK_EQ(test_sh("e2fsck -fn %s >/dev/null 2>&1", im.path), 0);
	free(im.map);
}

int main(int argc, char **argv)
{
	static const struct fsconf confs[] = {
		{"mkfs.ext4", 1024, V3 | B64 | REVOKE, true},
		{"mkfs.ext4", 4096, V3 | B64 | REVOKE, true},
		{"mkfs.ext3", 1024, REVOKE, false},
		/* csum v2 (16-bit tag checksums) and 32-bit tags. */
		{"mkfs.ext4 -O ^64bit", 1024, V2 | REVOKE, true},
	};

	test_init(argc, argv);
	test_watchdog(300);
	if (test_sh("command -v debugfs >/dev/null && command -v mkfs.ext4 "
		    ">/dev/null") != 0) {
		printf("SKIP: e2fsprogs not installed\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/t_jbd2.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	test_boot();
	for (size_t i = 0; i < sizeof(confs) / sizeof(confs[0]); i++) {
		test_log("%s -b %u", confs[i].mkfs, confs[i].bsize);
		test_replay_debugfs(&confs[i]);
		test_write(&confs[i]);
		test_bad_sb(&confs[i]);
	}
	test_log("wrap");
	test_wrap(&(struct fsconf){"mkfs.ext4 -J size=1", 1024,
				   V3 | B64 | REVOKE, true});
	test_wrap(&(struct fsconf){"mkfs.ext3 -J size=1", 1024, REVOKE, false});
	test_log("threads");
	test_threads(&confs[0]);
	test_halt();
	test_sh("rm -rf %s", dir);
	return 0;
}
