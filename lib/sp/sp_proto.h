/*
 * sp_proto.h -- the wire format of remote system calls, shared by the
 * server (hosts/posix/sp_*_host.c) and the client (lib/rumpclient).  After
 * the server's banner line every message is a frame: a 16-byte header with
 * the frame's whole length (at most SP_FRAME_MAX), its type and the id of
 * the request it belongs to, then a body whose layout the type fixes.  All
 * integers are little-endian; docs/remote.md describes the protocol.
 */
#ifndef LIB_SP_SP_PROTO_H_
#define LIB_SP_SP_PROTO_H_

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

/* Sent by the server on accept, then the client's handshake frame. */
#define SP_BANNER "RUMPKIT_SP 1\n"
#define SP_VERSION 1

/* No frame is longer; a longer header closes the connection. */
#define SP_FRAME_MAX (1024 * 1024 + 4096)
/* Data a request or reply carries inline (the rest goes by fallback). */
#define SP_INLINE_MAX (1024 * 1024)
/* A system call has at most this many argument slots. */
#define SP_MAXSLOTS 8
/* Bytes one fallback copy frame moves at most. */
#define SP_COPY_CHUNK (256 * 1024)

enum sp_type {
	SP_HANDSHAKE = 1,   /* c->s: struct sp_handshake */
	SP_HANDSHAKE_REPLY, /* s->c: struct sp_status */
	SP_SYSCALL,	    /* c->s: struct sp_syscall, slots, buffers */
	SP_SYSCALL_REPLY,   /* s->c: struct sp_sysreply, out buffers */
	SP_COPYIN,	    /* s->c: struct sp_copy (string: SP_COPYINSTR) */
	SP_COPYINSTR,
	SP_COPYIN_REPLY,  /* c->s: struct sp_status (a0: length), data */
	SP_COPYOUT,	  /* s->c: struct sp_copy, data; no reply */
	SP_PREFORK,	  /* c->s: empty; reply SP_PREFORK_REPLY */
	SP_PREFORK_REPLY, /* s->c: struct sp_status (a0: cookie) */
	SP_STATS,	  /* c->s: empty; reply SP_STATS_REPLY */
	SP_STATS_REPLY,	  /* s->c: struct sp_stats */
	SP_INTERRUPT,	  /* c->s: empty; interrupt call sh_reqid, no reply */
	SP_TYPE_MAX
};

/* Features a server announces in its handshake reply's st_spare; a
 * client uses only those (an older server ends the connection on a
 * frame type it does not know). */
#define SP_FEAT_INTERRUPT 0x1 /* understands SP_INTERRUPT */
#define SP_FEATURES SP_FEAT_INTERRUPT

struct sp_hdr {
	uint32_t sh_len; /* of the whole frame, header included */
	uint16_t sh_type;
	uint16_t sh_spare; /* 0 */
	uint64_t sh_reqid;
};

enum sp_hskind {
	SP_HS_NEW,  /* a new process, child of process 1 */
	SP_HS_FORK, /* the process prepared by SP_PREFORK (hs_cookie) */
	SP_HS_EXEC, /* the same process, after execve() (hs_cookie: pid) */
};

struct sp_handshake {
	uint32_t hs_version; /* SP_VERSION */
	uint32_t hs_kind;
	uint64_t hs_cookie;
	char hs_comm[16]; /* process name, NUL-padded */
};

/* A status reply: a kernel errno (RUMP_E*) and one or two values. */
struct sp_status {
	int32_t st_error;
	int32_t st_spare; /* SP_HANDSHAKE_REPLY: SP_FEAT_*; else 0 */
	int64_t st_a0;
};

/* SP_SYSCALL: then sc_argslen bytes of slots, then sc_nbufs buffers. */
struct sp_syscall {
	int32_t sc_num;
	uint32_t sc_argslen;
	uint32_t sc_nbufs;
	uint32_t sc_spare;
};

/* A buffer replacing argument slot sb_slot; in data follows, 8-aligned. */
#define SP_BUF_IN 1
#define SP_BUF_OUT 2
struct sp_buf {
	uint32_t sb_slot;
	uint32_t sb_dir;     /* SP_BUF_IN | SP_BUF_OUT */
	uint64_t sb_len;     /* bytes */
	uint64_t sb_retsize; /* out: bytes per element of retval[0], or 0 */
};

/* SP_SYSCALL_REPLY: then, per out buffer in order, uint64 length, data. */
struct sp_sysreply {
	int32_t sr_error; /* kernel errno */
	uint32_t sr_nbufs;
	int64_t sr_retval[2];
};

struct sp_copy {
	uint64_t cp_addr; /* in the client */
	uint64_t cp_len;
};

/* SP_STATS_REPLY: what the server holds, to see that nothing leaks. */
struct sp_stats {
	int64_t ss_clients;  /* connections open */
	int64_t ss_procs;    /* kernel processes held for clients */
	int64_t ss_lwps;     /* threads running calls now */
	int64_t ss_threads;  /* server threads */
	int64_t ss_memory;   /* bytes the kernel has from the host */
	int64_t ss_requests; /* system calls served since boot */
	int64_t ss_kprocs;   /* processes in the kernel (with process 1) */
	int64_t ss_kfiles;   /* open files in the kernel */
};

static inline size_t sp_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Write all of buf; 0 or a host errno. */
static inline int sp_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes; 0, ECONNRESET at end of stream, or an errno. */
static inline int sp_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n == 0)
			return ECONNRESET;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

#endif /* LIB_SP_SP_PROTO_H_ */
