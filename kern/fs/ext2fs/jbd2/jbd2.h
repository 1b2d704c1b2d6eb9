/*
 * jbd2.h -- the ext3/ext4 journal (jbd2 on-disk format) as a library for
 * the ext2fs driver.  The journal lives in fs blocks reached through the
 * caller's bmap; it replays a journal that needs recovery, and logs
 * metadata buffers in ordered mode: file data (ordinary delayed writes on
 * the device) first, then the log blocks, a barrier, the commit block, a
 * barrier; the buffers are written in place only at checkpoint.
 *
 * Contract: a handle (jbd2_begin .. jbd2_end) brackets one file system
 * operation; handles do not nest and a thread with an open handle never
 * calls jbd2_commit or jbd2_close.  Buffers passed to jbd2_dirty are
 * fs-block sized and aligned; the journal holds them (bhold) until the
 * commit, so they are never written in place before it.  Every function
 * returns 0 or a kernel errno; after an I/O error the journal is aborted
 * and everything returns EIO.
 */
#ifndef JBD2_H_
#define JBD2_H_
#include <sys/types.h>

struct buf;
struct vnode;
struct jbd2_journal;
struct jbd2_handle;

/* Maps journal block jblk to a file system block. */
typedef int (*jbd2_bmap_t)(void *arg, uint64_t jblk, uint64_t *fsblk);

/*
 * Reads and validates the journal superblock (EINVAL, EIO for a bad
 * checksum, with a console message).  jlen_blocks is the journal inode's
 * length in fs blocks.
 */
int jbd2_open(struct vnode *devvp, unsigned fs_bsize, jbd2_bmap_t bmap,
	      void *arg, uint64_t jlen_blocks, struct jbd2_journal **jp);
/* The log holds transactions not yet written in place (s_start != 0). */
bool jbd2_needs_recovery(struct jbd2_journal *j);
/*
 * Replays committed transactions (scan, revoke, replay; stops at the
 * first block that does not check out), writes the blocks in place,
 * barriers, and marks the journal empty.
 */
int jbd2_recover(struct jbd2_journal *j);
/*
 * Before the first handle of a writable mount: the incompat features the
 * log is written with (JBD2_FEATURE_INCOMPAT_* of jbd2_format.h; ext4
 * with metadata_csum asks for CSUM_V3 | 64BIT | REVOKE), then starts the
 * periodic commit thread.  The journal must be empty (after recovery).
 */
int jbd2_start(struct jbd2_journal *j, uint32_t incompat);

int jbd2_begin(struct jbd2_journal *j, int credits, struct jbd2_handle **hp);
/*
 * bp, owned by the caller and changed, joins the handle's transaction and
 * is released as with bdwrite (the caller's ownership ends here, also on
 * error; a buffer the journal cannot log, EINVAL, still goes out as a delayed
 * write).
 */
int jbd2_dirty(struct jbd2_handle *h, struct buf *bp);
/* fsblk, a freed metadata block, is not replayed from older records. */
int jbd2_revoke(struct jbd2_handle *h, uint64_t fsblk);
int jbd2_end(struct jbd2_handle *h);
/* Commits the running transaction; without wait, only starts it. */
int jbd2_commit(struct jbd2_journal *j, bool wait);
/* Commit, checkpoint everything, mark the journal empty, free it. */
int jbd2_close(struct jbd2_journal *j);

/* The arg given to jbd2_open, for the caller to free after jbd2_close. */
void *jbd2_bmap_arg(struct jbd2_journal *j);

/* Log geometry, for tests and statistics. */
struct jbd2_info {
	uint32_t ji_first, ji_maxlen, ji_head, ji_tail, ji_sequence;
	uint32_t ji_incompat;
	uint64_t ji_commits, ji_checkpoints, ji_replayed, ji_revoked;
};
void jbd2_getinfo(struct jbd2_journal *j, struct jbd2_info *ji);
#endif
