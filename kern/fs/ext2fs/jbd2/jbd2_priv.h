/*
 * jbd2_priv.h -- the journal's in-core state, shared by the files of
 * kern/fs/ext2fs/jbd2: the log geometry, the running transaction (held
 * buffers, revoked blocks), and the block I/O helpers.  j_lock covers
 * everything below it; I/O runs without it, by the one thread that has
 * set j_committing.
 */
#ifndef JBD2_PRIV_H_
#define JBD2_PRIV_H_
#include <sys/buf.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
#include <sys/systm.h>

#include "jbd2.h"
#include "jbd2_format.h"

KMEM_TYPE_DECLARE(M_JBD2);

/* The transaction being filled by handles. */
struct jbd2_trans {
	struct buf **t_bufs; /* held, in the order first dirtied */
	unsigned t_nbufs, t_cap;
	uint32_t *t_hash; /* open addressing: index + 1 into t_bufs, 0 free */
	unsigned t_hcap;  /* power of two, at least 2 * t_cap */
	uint64_t *t_revokes;
	unsigned t_nrevokes, t_rcap;
};

struct jbd2_journal {
	struct vnode *j_devvp;
	unsigned j_bsize;
	unsigned j_dbshift; /* fs block -> DEV_BSIZE units */
	jbd2_bmap_t j_bmap;
	void *j_arg;
	uint8_t j_sbraw[JBD2_SB_SIZE];
	struct jbd2_sb j_sb;
	struct jbd2_fmt j_fmt;
	uint32_t j_first, j_maxlen;
	uint32_t j_maxtrans; /* log blocks one transaction may use */

	kmutex_t j_lock;
	kcondvar_t j_cv;	/* handles ended, commit done */
	kcondvar_t j_thread_cv; /* the commit thread's wake-up */
	uint32_t j_tail;	/* oldest log block in use; 0: log empty */
	uint32_t j_head;	/* next log block to write */
	uint32_t j_seq;		/* the running transaction's sequence */
	uint32_t j_free;	/* log blocks not in use */
	bool j_started;		/* jbd2_start: writable */
	bool j_committing;	/* a thread is committing or checkpointing */
	bool j_barrier;		/* a commit waits: no new handles */
	bool j_stop;		/* the commit thread must exit */
	bool j_kick;		/* the commit thread should commit now */
	int j_err;		/* sticky: the journal is aborted */
	int j_nhandles;
	int j_reserved; /* credits of open handles not yet used */
	struct jbd2_trans j_run;
	daddr_t *j_ckpt; /* blocks committed, not yet written in place */
	unsigned j_nckpt, j_ckptcap;
	struct lwp *j_thread;
	uint64_t j_commits, j_checkpoints, j_replayed, j_revoked;
};

struct jbd2_handle {
	struct jbd2_journal *h_j;
	int h_credits; /* left */
};

/* jbd2_journal.c */
int jbd2_log_bread(struct jbd2_journal *j, uint32_t jblk, struct buf **bpp);
int jbd2_log_getblk(struct jbd2_journal *j, uint32_t jblk, struct buf **bpp);
int jbd2_sb_write(struct jbd2_journal *j);
uint32_t jbd2_log_next(const struct jbd2_journal *j, uint32_t jblk);
daddr_t jbd2_fs_dbno(const struct jbd2_journal *j, uint64_t fsblk);

/* jbd2_commit.c: with j_lock held, no handle open, no commit running. */
int jbd2_commit_locked(struct jbd2_journal *j);
int jbd2_checkpoint_locked(struct jbd2_journal *j);
void jbd2_commit_thread(void *arg);

/* jbd2_trans.c */
/* Log blocks a transaction of nbufs buffers and nrev revokes takes. */
uint32_t jbd2_trans_blocks(const struct jbd2_journal *j, uint64_t nbufs,
			   uint64_t nrev);
void jbd2_trans_free(struct jbd2_trans *t);
void jbd2_trans_abort(struct jbd2_journal *j);
void jbd2_trans_drop(struct jbd2_journal *j, struct jbd2_trans *t);
#endif
