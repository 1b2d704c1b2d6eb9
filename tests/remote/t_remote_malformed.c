/*
 * t_remote_malformed.c -- malformed and oversized messages close their
 * own connection and nothing else: over raw sockets, frames with a bad
 * length, type or version, system call requests whose slots or buffers
 * do not add up, a frame cut short by the close, and a handshake that
 * claims someone else's fork child.  After each the server has dropped
 * that connection (and released its process) while this program's
 * ordinary librumpclient connection keeps working; fuzz/remote_fuzz.c
 * throws random bytes at the same code.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "../../lib/sp/sp_proto.h"
#include "rtest.h"

static struct rserver srv;

static int raw_connect(bool handshake)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char banner[sizeof(SP_BANNER) - 1];
	int fd;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", srv.dir);
	fd = CHECK_SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_SYS(connect(fd, (struct sockaddr *)&sun, sizeof(sun)));
	CHECK_EQ(sp_read_all(fd, banner, sizeof(banner)), 0);
	CHECK(memcmp(banner, SP_BANNER, sizeof(banner)) == 0);
	if (handshake) {
		struct {
			struct sp_hdr h;
			struct sp_handshake hs;
		} m = {{sizeof(m), SP_HANDSHAKE, 0, 1},
		       {SP_VERSION, SP_HS_NEW, 0, "raw"}};
		struct {
			struct sp_hdr h;
			struct sp_status st;
		} r;
		CHECK_EQ(sp_write_all(fd, &m, sizeof(m)), 0);
		CHECK_EQ(sp_read_all(fd, &r, sizeof(r)), 0);
		CHECK(r.h.sh_type == SP_HANDSHAKE_REPLY && r.st.st_error == 0);
	}
	return fd;
}

/* The server must close fd, perhaps after some reply frames. */
static void expect_closed(int fd, const char *what)
{
	struct pollfd p = {fd, POLLIN, 0};
	char buf[4096];

	for (;;) {
		ssize_t n;
		if (poll(&p, 1, 60000) != 1)
			test_fail(__FILE__, __LINE__, "%s: still open", what);
		n = read(fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			break;
		CHECK(n > 0);
	}
	close(fd);
	/* The rest of the server carries on. */
	CHECK(rump_sys_getpid() > 1);
}

static void send_bad(bool handshake, const void *frame, size_t len,
		     const char *what)
{
	int fd = raw_connect(handshake);

	CHECK_EQ(sp_write_all(fd, frame, len), 0);
	expect_closed(fd, what);
}

/* A syscall frame: header, sp_syscall, nslots slots, then extra. */
static void send_syscall(int32_t num, uint32_t argslen, uint32_t nbufs,
			 const void *extra, size_t extralen, const char *what)
{
	char frame[512];
	struct sp_hdr *h = (void *)frame;
	struct sp_syscall *sc = (void *)(h + 1);
	size_t len = sizeof(*h) + sizeof(*sc) + extralen;

	CHECK(len <= sizeof(frame));
	*h = (struct sp_hdr){(uint32_t)len, SP_SYSCALL, 0, 7};
	*sc = (struct sp_syscall){num, argslen, nbufs, 0};
	memcpy(sc + 1, extra, extralen);
	send_bad(true, frame, len, what);
}

int main(int argc, char **argv)
{
	struct rumpclient_stats base;
	struct sp_hdr h;

	test_init(argc, argv);
	test_watchdog(100);
	rserver_start(&srv, NULL);
	rserver_stats(&base);

	h = (struct sp_hdr){0xffffffffu, SP_SYSCALL, 0, 1};
	send_bad(true, &h, sizeof(h), "oversized frame");
	h = (struct sp_hdr){SP_FRAME_MAX + 1, SP_HANDSHAKE, 0, 1};
	send_bad(false, &h, sizeof(h), "oversized handshake");
	h = (struct sp_hdr){4, SP_SYSCALL, 0, 1};
	send_bad(true, &h, sizeof(h), "frame shorter than its header");
	h = (struct sp_hdr){sizeof(h), 99, 0, 1};
	send_bad(true, &h, sizeof(h), "unknown type");
	h = (struct sp_hdr){sizeof(h), SP_STATS_REPLY, 0, 1};
	send_bad(true, &h, sizeof(h), "a server's type from a client");
	h = (struct sp_hdr){sizeof(h), SP_SYSCALL, 5, 1};
	send_bad(true, &h, sizeof(h), "spare bits set");
	h = (struct sp_hdr){sizeof(h), SP_SYSCALL, 0, 1};
	send_bad(false, &h, sizeof(h), "a call before the handshake");
	{
		struct {
			struct sp_hdr h;
			struct sp_handshake hs;
		} m = {{sizeof(m), SP_HANDSHAKE, 0, 1},
		       {SP_VERSION + 1, SP_HS_NEW, 0, "raw"}};
		send_bad(false, &m, sizeof(m), "wrong version");
		m.hs.hs_version = SP_VERSION;
		m.hs.hs_kind = SP_HS_FORK;
		m.hs.hs_cookie = 12345;
		send_bad(false, &m, sizeof(m), "a fork child nobody prepared");
		m.hs.hs_kind = 77;
		send_bad(false, &m, sizeof(m), "unknown handshake kind");
		m.hs.hs_kind = SP_HS_NEW;
		m.h.sh_len = sizeof(m) - 8;
		send_bad(false, &m, sizeof(m) - 8, "short handshake");
	}
	{
		uint64_t slots[9] = {0};
		struct {
			uint64_t slots[3];
			struct sp_buf b;
		} x = {{0, 0, 0}, {0, SP_BUF_IN, 8, 0}};

		send_syscall(20, 7, 0, slots, 8, "slots not a multiple of 8");
		send_syscall(20, 72, 0, slots, 72, "too many slots");
		send_syscall(20, 16, 0, slots, 8, "slots past the frame");
		send_syscall(20, 8, 2, slots, 8, "more buffers than slots");
		x.b.sb_slot = 3;
		send_syscall(4, 24, 1, &x, sizeof(x), "buffer of slot 3 of 3");
		x.b.sb_slot = 1;
		send_syscall(4, 24, 1, &x, sizeof(x), "in data missing");
		x.b.sb_dir = 0;
		send_syscall(4, 24, 1, &x, sizeof(x),
			     "buffer without direction");
		x.b.sb_dir = SP_BUF_OUT;
		x.b.sb_len = (uint64_t)1 << 40;
		send_syscall(3, 24, 1, &x, sizeof(x), "huge out buffer");
		x.b.sb_len = 0;
		send_syscall(3, 24, 1, &x, sizeof(x), "empty buffer");
		h = (struct sp_hdr){sizeof(h), SP_SYSCALL, 0, 1};
		send_bad(true, &h, sizeof(h), "a call without its body");
	}
	{
		/* Cut short: the header promises more than ever comes. */
		int fd = raw_connect(true);
		h = (struct sp_hdr){1000, SP_SYSCALL, 0, 1};
		CHECK_EQ(sp_write_all(fd, &h, sizeof(h)), 0);
		CHECK_EQ(sp_write_all(fd, "abc", 3), 0);
		close(fd);
	}
	{
		/* A well-formed call and a stray copy reply still work. */
		int fd = raw_connect(true);
		struct {
			struct sp_hdr h;
			struct sp_sysreply r;
		} r;
		struct {
			struct sp_hdr h;
			struct sp_status st;
		} stray = {{sizeof(stray), SP_COPYIN_REPLY, 0, 99}, {0, 0, 0}};
		struct {
			struct sp_hdr h;
			struct sp_syscall sc;
		} call = {{sizeof(call), SP_SYSCALL, 0, 5},
			  {RUMP_SYS_GETPID, 0, 0, 0}};
		CHECK_EQ(sp_write_all(fd, &stray, sizeof(stray)), 0);
		CHECK_EQ(sp_write_all(fd, &call, sizeof(call)), 0);
		CHECK_EQ(sp_read_all(fd, &r, sizeof(r)), 0);
		CHECK(r.h.sh_type == SP_SYSCALL_REPLY && r.h.sh_reqid == 5 &&
		      r.r.sr_error == 0 && r.r.sr_retval[0] > 1);
		close(fd);
	}
	test_log("every malformed connection closed, the server carries on");
	rserver_wait_baseline(&base);
	rserver_halt(&srv);
	test_log("ok");
	return 0;
}
