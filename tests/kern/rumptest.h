/*
 * rumptest.h -- the kernel-side test component (librumpkern_test), seen
 * from both sides: host test programs call these functions, which take a
 * virtual CPU, exercise kernel-internal interfaces from inside the kernel
 * and give the CPU back.  Each returns 0 or a kernel errno (the kernel's
 * numbering, RUMP_E* in <rump/rumpdefs.h>), or RUMP_TEST_FAILED after
 * printing on the console which check failed.  ABI-neutral types only.
 */
#ifndef RUMPTEST_H_
#define RUMPTEST_H_
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A check inside the kernel failed; the console says which. */
#define RUMP_TEST_FAILED 1000

/* How long a kernel test waits for an event before calling it lost. */
#define RUMP_TEST_WAIT_SEC 30

/*
 * Locks (test_locks.c).  mutex_kthreads: nthreads kernel threads each add
 * 1 to a shared counter iters times under one mutex (spin: a spin mutex);
 * the counter must come out exact and no two threads may be inside at
 * once.  rw_readers: nreaders hold a read lock at the same time.
 * rw_kthreads: readers and writers mixed, writers alone.  rw_upgrade:
 * tryupgrade, downgrade and tryenter semantics.
 */
int rump_test_mutex_owned(void);
int rump_test_mutex_kthreads(int nthreads, int iters, int spin);
int rump_test_rw_readers(int nreaders);
int rump_test_rw_kthreads(int nreaders, int nwriters, int iters);
int rump_test_rw_upgrade(void);

/*
 * Shared state for tests that run from many host threads at once: set up
 * one mutex, one rwlock and a counter; workers enter the kernel from any
 * host thread; fini checks and destroys them, giving the final counts of
 * the mutex workers' and the writers' increments.
 */
int rump_test_shared_init(void);
int rump_test_shared_mutex_worker(int iters);
int rump_test_shared_rw_worker(int writer, int iters);
int rump_test_shared_fini(uint64_t *counterp, uint64_t *valuep);

/*
 * Condition variables.  cv_timeout: a timed wait nobody signals must give
 * ETIMEDOUT after at least nsec (*elapsedp says how long it took).
 * cv_signal: a signalled wait returns 0.  cv_broadcast: one broadcast
 * wakes all nwaiters.
 */
int rump_test_cv_timeout(uint64_t nsec, uint64_t *elapsedp);
int rump_test_cv_signal(void);
int rump_test_cv_broadcast(int nwaiters);

/*
 * A thread blocked in cv_wait holds no virtual CPU.  With RUMP_NCPU=1:
 * block_wait() blocks until block_wake() (from another host thread) wakes
 * it; block_kthread() does the same with a kernel thread as the waker.
 */
int rump_test_block_setup(void);
int rump_test_block_wait(void);
int rump_test_block_wake(void);
int rump_test_block_teardown(void);
int rump_test_block_kthread(void);

/*
 * Timers (test_callout.c).  callout_order: n callouts with shuffled and
 * partly equal deadlines fire in (deadline, scheduling) order.
 */
int rump_test_callout_order(int n, uint32_t seed);
int rump_test_callout_stop(void);
int rump_test_callout_halt(void);
int rump_test_callout_resched(int times);

/* Deferred work (test_deferred.c). */
int rump_test_softint_coalesce(int n);
int rump_test_softint_disestablish(void);
int rump_test_workqueue(int nitems);

/*
 * Kernel threads (test_kthread.c).  kthread_join: n joinable threads each
 * do work and are joined.  kthread_detached: n threads that free
 * themselves; returns once they are all gone.
 */
int rump_test_kthread_join(int n);
int rump_test_kthread_detached(int n);
int64_t rump_test_kthreads_live(void);

/*
 * The rest (test_misc.c).  ncpu: the number of virtual CPUs.  kmem_limit:
 * with RUMP_MEMLIMIT set, an allocation beyond it fails with NULL and
 * small ones fail before the limit is passed (*countp: how many 1 KiB
 * objects fitted).  leak: allocate and never free (the leak check must
 * catch it).  syscall_argsize: the argument size of call num, -1 if there
 * is no such call.  syscall_unbound: the number of a call in the table
 * without a handler, or -1.  curlwp_implicit: 1 when the calling host
 * thread runs as an implicit lwp of process 1 inside the kernel.
 */
int rump_test_ncpu(void);
/* Kernel snprintf against glibc's output; the number of mismatches. */
int rump_test_printf_cases(void);
int rump_test_kmem_limit(uint64_t *limitp, uint64_t *countp);
int rump_test_leak(uint64_t size);
int64_t rump_test_syscall_argsize(int num);
int rump_test_syscall_unbound(void);
int rump_test_curlwp_implicit(void);

/*
 * test_component.c: the order in which the test components started, as
 * their names separated by spaces, copied into buf (NUL-terminated).
 */
int rump_test_component_order(char *buf, size_t len);

/*
 * Files, descriptors, pipes and poll (test_file.c).  files_live: struct
 * files in existence.  uiomove: kernel and process buffers, EFAULT after
 * partial progress.  fd_install: in the calling process, which must have
 * an empty table (rfork RUMP_RFCFDG), slot allocation, growth, EMFILE
 * and close-on-exec; it leaves descriptors open for the process's exit
 * to close.  pipe_kthreads: nwriters kernel threads write nrecs records
 * of 1000 bytes each through one pipe; the reader checks that records
 * arrive whole and in order per writer.  poll_kthread: a kernel thread
 * asleep in poll and select is woken by a write and by the last close of
 * the write end.  pipe_blocked: a writer blocked on a full pipe (writer
 * 1) or a reader on an empty one (0) is released by closing the other
 * end.  fcntl_locks: in a process with an empty table, record locks on a
 * test file type reach fo_advlock checked and converted, and every close
 * after a lock unlocks the file for the process.  fifo: the rendezvous
 * of named fifo openers (ENXIO, waiting for the other end).
 */
int64_t rump_test_files_live(void);
int rump_test_uiomove(void);
int rump_test_fd_install(void);
int rump_test_pipe_kthreads(int nwriters, int nrecs);
int rump_test_poll_kthread(void);
int rump_test_pipe_blocked(int writer);
int rump_test_fcntl_locks(void);
int rump_test_fifo(void);

/*
 * test_bio.c (t_bio, t_bio_threads): the buffer cache on a block device
 * opened from path, one at a time: reads, writes by how (delayed,
 * asynchronous, synchronous, held), flushes, barriers, the cache's
 * statistics, argument checks, the verified tag, and request merging in
 * the host disk queue.
 */
struct rump_test_bio_stats {
	uint64_t bytes, maxbytes, bufs, dirty, hits, misses, reads, writes,
		raheads, clustered;
};
int rump_test_bio_open(const char *path, int rdonly, uint64_t *sizep,
		       uint32_t *secsizep, int *rdonlyp);
int rump_test_bio_close(void);
int rump_test_bio_stats(struct rump_test_bio_stats *st);
int rump_test_bio_read(int64_t blkno, int size, int flags, void *data);
int rump_test_bio_write(int64_t blkno, int size, int how, int fill);
int rump_test_bio_unhold(void);
int rump_test_bio_flush(int wait);
int rump_test_bio_barrier(void);
int rump_test_bio_badargs(void);
int rump_test_bio_verified(int64_t blkno);
int rump_test_bio_merge(int64_t blkno, int n, int fill, uint64_t *issuedp,
			uint64_t *mergedp);

/*
 * test_memfs_radix.c: checks memfs's radix tree (file pages, directory
 * cookies) against a plain array over iters random operations.
 */
int rump_test_memfs_radix(int iters, uint32_t seed);

/*
 * test_crc.c: crc32c and crc16 (kern/libc/crc.c) against the standard
 * check values, and split updates equal to one update.
 */
int rump_test_crc(void);

/*
 * test_ext2dir.c: ext2fs directory internals.  hash: the directory hash
 * of name (version EXT2_HASH_*, seed of 4 words) as the kernel computes
 * it.  blocks: directory blocks and hash tree blocks of every block size
 * under random changes, corrupt records refused.
 */
int rump_test_ext2dir_hash(const char *name, int version,
			   const uint32_t seed[4], uint32_t *majorp,
			   uint32_t *minorp);
int rump_test_ext2dir_blocks(uint32_t seed);
/* The extended attribute name (NULL: the name list) of an ext2fs file. */
int rump_test_ext2dir_xattr(const char *path, const char *name, void *buf,
			    size_t buflen, size_t *lenp);

/*
 * Mbufs (test_mbuf.c, the net faction): chains, shared and copied
 * storage, copy on write, pullup, split, adj, prepend, caller-supplied
 * storage; nothing left allocated after.
 */
int rump_test_mbuf(void);
#ifdef __cplusplus
}
#endif
#endif
