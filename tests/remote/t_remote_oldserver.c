/*
 * t_remote_oldserver.c -- the client sends SP_INTERRUPT only to a server
 * that announced SP_FEAT_INTERRUPT in its handshake reply.  A fake server
 * (a thread of this program speaking the protocol on a unix socket) holds
 * the reply to a getpid while the client thread is signalled: announcing
 * no features (a server from before SP_INTERRUPT, which would end the
 * connection on it), the next frame it reads is the client's next call,
 * and the held call returns the fake's result; announcing the feature,
 * the next frame is SP_INTERRUPT for the held call, and its EINTR reply
 * makes the call fail with EINTR.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>

#include "../../lib/sp/sp_proto.h"
#include "rtest.h"

static int hits; /* atomic: the handler runs in the client's thread */
static int fake_listen;
static uint32_t fake_features;
static int go; /* atomic: the client thread's handler has run */
static pthread_t client_thread;

static void on_sig(int sig)
{
	(void)sig;
	__atomic_add_fetch(&hits, 1, __ATOMIC_RELAXED);
}

/* One whole frame from fd (malloc'd). */
static struct sp_hdr *fake_read(int fd)
{
	struct sp_hdr h, *f;

	CHECK_EQ(sp_read_all(fd, &h, sizeof(h)), 0);
	CHECK(h.sh_len >= sizeof(h) && h.sh_len <= SP_FRAME_MAX);
	CHECK((f = malloc(h.sh_len)) != NULL);
	*f = h;
	CHECK_EQ(sp_read_all(fd, f + 1, h.sh_len - sizeof(h)), 0);
	return f;
}

static void fake_reply(int fd, uint64_t reqid, int error, int64_t v)
{
	struct {
		struct sp_hdr h;
		struct sp_sysreply r;
	} m = {{sizeof(m), SP_SYSCALL_REPLY, 0, reqid}, {error, 0, {v, 0}}};

	CHECK_EQ(sp_write_all(fd, &m, sizeof(m)), 0);
}

static void *fake_server(void *arg)
{
	struct {
		struct sp_hdr h;
		struct sp_status st;
	} hr = {{sizeof(hr), SP_HANDSHAKE_REPLY, 0, 0},
		{0, (int32_t)fake_features, 77}};
	struct sp_hdr *f, *g;
	int fd;

	(void)arg;
	fd = CHECK_SYS(accept(fake_listen, NULL, NULL));
	CHECK_EQ(sp_write_all(fd, SP_BANNER, strlen(SP_BANNER)), 0);
	f = fake_read(fd);
	CHECK_EQ(f->sh_type, SP_HANDSHAKE);
	hr.h.sh_reqid = f->sh_reqid;
	free(f);
	CHECK_EQ(sp_write_all(fd, &hr, sizeof(hr)), 0);

	f = fake_read(fd); /* the getpid, held */
	CHECK_EQ(f->sh_type, SP_SYSCALL);
	/*
	 * Signal the client's thread (every 20 ms, as one may come before
	 * its wait began) until a frame comes or, for an old server, three
	 * handlers ran: the waits they interrupted sent nothing.
	 */
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		pthread_kill(client_thread, SIGUSR1);
		if (poll(&p, 1, 20) == 1)
			break;
		if (!(fake_features & SP_FEAT_INTERRUPT) &&
		    __atomic_load_n(&hits, __ATOMIC_RELAXED) >= 3)
			break;
	}
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	if (fake_features & SP_FEAT_INTERRUPT) {
		g = fake_read(fd);
		CHECK_EQ(g->sh_type, SP_INTERRUPT);
		CHECK_EQ(g->sh_len, sizeof(*g));
		CHECK_EQ(g->sh_reqid, f->sh_reqid);
		free(g);
		fake_reply(fd, f->sh_reqid, RUMP_EINTR, 0);
	} else
		fake_reply(fd, f->sh_reqid, 0, 42);
	free(f);
	/* The next frame is the client's next call, nothing before it. */
	f = fake_read(fd);
	CHECK_EQ(f->sh_type, SP_SYSCALL);
	fake_reply(fd, f->sh_reqid, 0, 43);
	free(f);
	close(fd);
	return NULL;
}

static int client(uint32_t features)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char dir[] = "/tmp/roldXXXXXX", url[160];
	struct sigaction sa;
	pthread_t thr;
	long r;
	int e;

	test_watchdog(60);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", dir);
	fake_listen = CHECK_SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	CHECK_SYS(bind(fake_listen, (struct sockaddr *)&sun, sizeof(sun)));
	CHECK_SYS(listen(fake_listen, 1));
	fake_features = features;
	client_thread = pthread_self();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	CHECK_SYS(sigaction(SIGUSR1, &sa, NULL));
	CHECK(pthread_create(&thr, NULL, fake_server, NULL) == 0);
	snprintf(url, sizeof(url), "unix://%s", sun.sun_path);
	setenv("RUMP_SERVER", url, 1);
	CHECK_SYS(rumpclient_init());
	r = rump_sys_getpid();
	e = errno;
	CHECK(__atomic_load_n(&go, __ATOMIC_ACQUIRE));
	if (features & SP_FEAT_INTERRUPT) {
		CHECK_EQ(r, -1);
		CHECK_EQ(e, EINTR);
	} else
		CHECK_EQ(r, 42);
	CHECK_EQ(rump_sys_getpid(), 43);
	CHECK(pthread_join(thr, NULL) == 0);
	close(fake_listen);
	unlink(sun.sun_path);
	rmdir(dir);
	return 0;
}

int main(int argc, char **argv)
{
	static const uint32_t feats[] = {0, SP_FEAT_INTERRUPT};

	test_init(argc, argv);
	test_watchdog(60);
	/* One connection per client process: a child for each server. */
	for (int i = 0; i < 2; i++) {
		int status;
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(client(feats[i]));
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		test_log("a server announcing 0x%x: %s", feats[i],
			 feats[i] ? "SP_INTERRUPT sent, the call got EINTR"
				  : "no SP_INTERRUPT, the call got its result");
	}
	test_log("ok");
	return 0;
}
