/*
 * sys/pipe.h -- pipes: a bounded byte buffer with a count of readers and
 * writers.  pipe(2) makes one with two files; the VFS shares one between
 * every opener of a named fifo (fifo_open/fifo_close) and reads, writes
 * and polls it with the pipe_* calls, whose fflag (FREAD, FWRITE,
 * O_NONBLOCK) is the opener's.  Semantics are Linux's: writes of up to
 * PIPE_BUF bytes are atomic, read gives 0 once no writer is left, write
 * gives EPIPE once no reader is left (no signals in a rump kernel).
 */
#ifndef RUMPKERN_SYS_PIPE_H_
#define RUMPKERN_SYS_PIPE_H_
#include <sys/file.h>
#include <sys/types.h>

#define PIPE_SIZE 65536 /* bytes a pipe holds */
#define PIPE_BUF 4096	/* writes up to this size are atomic */

struct pipe;

/* pipe(2) and pipe2(2): two new files (O_NONBLOCK in flags applies). */
int pipe_files(int flags, struct file **rfpp, struct file **wfpp);

int pipe_read(struct pipe *p, struct uio *uio, int fflag);
int pipe_write(struct pipe *p, struct uio *uio, int fflag);
int pipe_poll(struct pipe *p, int fflag, int events, struct lwp *l);
/* FIONREAD (int: bytes buffered) and FIONBIO (nothing to do). */
int pipe_ioctl(struct pipe *p, unsigned long cmd, void *data);
/* An S_IFIFO stat with the pipe's own inode number. */
int pipe_stat(struct pipe *p, struct rump_stat *sb);

/*
 * Named fifos.  *slot is the fifo's pipe while someone has it open
 * (vnode.v_fifo); it is guarded by a lock inside this module.  Opening
 * with FREAD waits for a writer and FWRITE for a reader, unless
 * O_NONBLOCK (then FWRITE alone fails with ENXIO when there is no
 * reader); FREAD|FWRITE never waits, and nothing interrupts a wait but
 * the other end's open, so call it holding no lock.  fifo_close undoes
 * one fifo_open with the same fflag; the last frees the pipe and clears
 * *slot.
 */
int fifo_open(struct pipe **slot, int fflag);
void fifo_close(struct pipe **slot, int fflag);

int pipe_init(void);
void pipe_fini(void);
#endif
