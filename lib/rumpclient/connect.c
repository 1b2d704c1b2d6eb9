/*
 * connect.c -- how a client process gets and keeps its connection:
 * rumpclient_init() from RUMP_SERVER (or, after rumpclient_exec(), the
 * inherited descriptor named by RUMPCLIENT__EXECFD), the banner and the
 * handshake, the reconnect policy, and fork (a prepared child process on
 * a new connection) and exec (the same connection in the new program).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rump/rumpclient.h>
#include <rump/rumpdefs.h>

#include "../sp/sp_proto.h"
#include "../sp/sp_url.h"
#include "client.h"
#include "errno_map.h"

#define EXECFD_ENV "RUMPCLIENT__EXECFD"

struct rumpclient_fork {
	uint64_t cookie;
	char url[256];
};

static int rc_fail(int host_errno)
{
	errno = host_errno;
	return -1;
}

/* Read the server's banner line: exactly SP_BANNER. */
static int rc_banner(int fd)
{
	char line[sizeof(SP_BANNER)];
	int error;

	if ((error = sp_read_all(fd, line, sizeof(line) - 1)) != 0)
		return error;
	line[sizeof(line) - 1] = '\0';
	return strcmp(line, SP_BANNER) == 0 ? 0 : EPROTO;
}

/* The handshake on fd, which nothing else reads yet; 0 or a host errno. */
static int rc_handshake(int fd, int kind, uint64_t cookie, int32_t *pidp,
			uint32_t *featp)
{
	struct {
		struct sp_hdr h;
		struct sp_handshake hs;
	} m = {{sizeof(m), SP_HANDSHAKE, 0, 0},
	       {SP_VERSION, (uint32_t)kind, cookie, {0}}};
	struct sp_hdr *reply;
	struct sp_status *st;
	char comm[16] = "";
	FILE *f;
	int error;

	if ((f = fopen("/proc/self/comm", "r")) != NULL) {
		if (fgets(comm, sizeof(comm), f) != NULL)
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	memcpy(m.hs.hs_comm, comm, sizeof(m.hs.hs_comm));
	if ((error = sp_write_all(fd, &m, sizeof(m))) != 0)
		return error;
	if ((error = rc_read_frame(fd, &reply)) != 0)
		return error;
	st = (struct sp_status *)(reply + 1);
	if (reply->sh_type != SP_HANDSHAKE_REPLY ||
	    reply->sh_len < sizeof(*reply) + sizeof(*st))
		error = EPROTO;
	else if (st->st_error != 0)
		error = rumphost_errno_to_host(st->st_error);
	else {
		*pidp = (int32_t)st->st_a0;
		/* What the server understands (SP_FEAT_*; 0 if older). */
		*featp = (uint32_t)st->st_spare & SP_FEATURES;
	}
	free(reply);
	return error;
}

/* A new connection to url: 0 and *fdp, or a host errno. */
static int rc_connect(const char *url, int kind, uint64_t cookie, int *fdp,
		      int32_t *pidp, uint32_t *featp)
{
	struct sp_addr a;
	int fd, error, one = 1;

	if ((error = sp_url_parse(url, &a)) != 0)
		return error;
	if ((fd = socket(a.family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return errno;
	if (a.family != AF_UNIX)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				 sizeof(one));
	if (connect(fd, (struct sockaddr *)&a.sa, a.salen) < 0 ||
	    (error = rc_banner(fd)) != 0 ||
	    (error = rc_handshake(fd, kind, cookie, pidp, featp)) != 0) {
		if (error == 0)
			error = errno;
		close(fd);
		return error;
	}
	*fdp = fd;
	return 0;
}

/* Take over the connection of the program before rumpclient_exec(). */
static int rc_init_exec(const char *val)
{
	int fd, error;
	int32_t pid;
	char *end;
	long v = strtol(val, &end, 10);

	if (end == val || *end != ',' || v < 0 || v > 65535)
		return EINVAL;
	fd = (int)v;
	snprintf(rc.url, sizeof(rc.url), "%s", end + 1);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	unsetenv(EXECFD_ENV);
	if ((error = rc_handshake(fd, SP_HS_EXEC, 0, &pid, &rc.features)) !=
	    0) {
		close(fd);
		return error;
	}
	rc_setfd(fd);
	rc.pid = pid;
	return 0;
}

int rumpclient_init(void)
{
	const char *url = getenv("RUMP_SERVER"), *exec = getenv(EXECFD_ENV);
	int error, fd;

	pthread_mutex_lock(&rc.mtx);
	if (rc.fd >= 0) {
		pthread_mutex_unlock(&rc.mtx);
		return 0;
	}
	if (exec != NULL)
		error = rc_init_exec(exec);
	else if (url == NULL)
		error = ENOENT;
	else if (strlen(url) >= sizeof(rc.url))
		error = ENAMETOOLONG;
	else {
		snprintf(rc.url, sizeof(rc.url), "%s", url);
		error = rc_connect(rc.url, SP_HS_NEW, 0, &fd, &rc.pid,
				   &rc.features);
		if (error == 0)
			rc_setfd(fd);
	}
	pthread_mutex_unlock(&rc.mtx);
	return error != 0 ? rc_fail(error) : 0;
}

int rumpclient_setconnretry(time_t timeout)
{
	if (timeout < RUMPCLIENT_RETRYCONN_DIE)
		return rc_fail(EINVAL);
	pthread_mutex_lock(&rc.mtx);
	rc.retry = timeout;
	pthread_mutex_unlock(&rc.mtx);
	return 0;
}

int rc_reconnect_locked(void)
{
	time_t retry = rc.retry, deadline = time(NULL) + retry;
	int error, fd;

	if (rc.url[0] == '\0' || retry == 0)
		return RUMP_ENOTCONN;
	if (retry == RUMPCLIENT_RETRYCONN_DIE) {
		fprintf(stderr, "rumpclient: lost the connection to %s\n",
			rc.url);
		_exit(1);
	}
	for (;;) {
		error = rc_connect(rc.url, SP_HS_NEW, 0, &fd, &rc.pid,
				   &rc.features);
		if (error == 0) {
			rc_setfd(fd);
			return 0;
		}
		if (retry == RUMPCLIENT_RETRYCONN_ONCE ||
		    (retry > 0 && time(NULL) >= deadline))
			return rumphost_errno_to_kernel(error);
		sleep(1);
	}
}

int rumpclient__fd(void)
{
	return __atomic_load_n(&rc.fd, __ATOMIC_ACQUIRE);
}

int rumpclient__movefd(int minfd)
{
	int fd, old;

	pthread_mutex_lock(&rc.mtx);
	if ((old = rc.fd) < 0) {
		pthread_mutex_unlock(&rc.mtx);
		return rc_fail(ENOTCONN);
	}
	if ((fd = fcntl(old, F_DUPFD_CLOEXEC, minfd)) < 0) {
		pthread_mutex_unlock(&rc.mtx);
		return -1;
	}
	rc_setfd(fd);
	close(old);
	pthread_mutex_unlock(&rc.mtx);
	return fd;
}

struct rumpclient_fork *rumpclient_prefork(void)
{
	struct sp_hdr f = {0, SP_PREFORK, 0, 0}, *reply;
	struct rumpclient_fork *rpf;
	struct sp_status *st;
	int error;

	if ((rpf = calloc(1, sizeof(*rpf))) == NULL)
		return NULL;
	if ((error = rc_request(&f, sizeof(f), &reply)) != 0) {
		free(rpf);
		errno = rumphost_errno_to_host(error);
		return NULL;
	}
	st = (struct sp_status *)(reply + 1);
	if (reply->sh_type != SP_PREFORK_REPLY ||
	    reply->sh_len < sizeof(*reply) + sizeof(*st))
		error = EPROTO;
	else if (st->st_error != 0)
		error = rumphost_errno_to_host(st->st_error);
	else {
		rpf->cookie = (uint64_t)st->st_a0;
		memcpy(rpf->url, rc.url, sizeof(rpf->url));
	}
	free(reply);
	if (error != 0) {
		free(rpf);
		errno = error;
		return NULL;
	}
	return rpf;
}

/*
 * In the child of fork(): the parent's connection is the parent's (its
 * descriptor is closed here, which leaves the parent's open), and other
 * threads of the parent do not exist, so the locks start over.
 */
int rumpclient_fork_init(struct rumpclient_fork *rpf)
{
	int error, fd;
	int32_t pid;

	if (rc.fd >= 0)
		close(rc.fd);
	pthread_mutex_init(&rc.mtx, NULL);
	pthread_mutex_init(&rc.sendmtx, NULL);
	rc.fd = -1;
	rc_reset_state();
	error = rc_connect(rpf->url, SP_HS_FORK, rpf->cookie, &fd, &pid,
			   &rc.features);
	free(rpf);
	if (error != 0)
		return rc_fail(error);
	rc.fd = fd;
	rc.pid = pid;
	return 0;
}

/* The connections under the current one (rumpclient__push). */
struct rc_saved {
	int fd;
	int32_t pid;
	uint32_t features;
	struct rc_saved *prev;
};
static struct rc_saved *rc_stack;

int rumpclient__push(int how)
{
	struct rumpclient_fork *rpf = NULL;
	struct rc_saved *s;
	int32_t pid;
	uint32_t features;
	int fd, error;

	if (how != RUMPCLIENT_PUSH_NEW && how != RUMPCLIENT_PUSH_FORK)
		return rc_fail(EINVAL);
	if (rumpclient__fd() < 0)
		return rc_fail(ENOTCONN);
	if (how == RUMPCLIENT_PUSH_FORK && (rpf = rumpclient_prefork()) == NULL)
		return -1;
	if ((s = malloc(sizeof(*s))) == NULL) {
		free(rpf);
		return -1;
	}
	error = rc_connect(rc.url, rpf ? SP_HS_FORK : SP_HS_NEW,
			   rpf ? rpf->cookie : 0, &fd, &pid, &features);
	free(rpf);
	if (error != 0) {
		free(s);
		return rc_fail(error);
	}
	pthread_mutex_lock(&rc.mtx);
	*s = (struct rc_saved){rc.fd, rc.pid, rc.features, rc_stack};
	rc_stack = s;
	rc_setfd(fd);
	rc.pid = pid;
	rc.features = features;
	pthread_mutex_unlock(&rc.mtx);
	return 0;
}

int rumpclient__pop(void)
{
	struct rc_saved *s;
	char buf[256];
	int fd;

	pthread_mutex_lock(&rc.mtx);
	if ((s = rc_stack) == NULL) {
		pthread_mutex_unlock(&rc.mtx);
		return rc_fail(EINVAL);
	}
	fd = rc.fd;
	rc_stack = s->prev;
	rc_setfd(s->fd);
	rc.pid = s->pid;
	rc.features = s->features;
	pthread_mutex_unlock(&rc.mtx);
	free(s);
	if (fd >= 0) {
		/* The server closes its end after releasing the process. */
		shutdown(fd, SHUT_WR);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	return 0;
}

void rumpclient_fork_cancel(struct rumpclient_fork *rpf)
{
	/* The server drops a prepared child with the parent's connection. */
	free(rpf);
}

pid_t rumpclient_fork(void)
{
	struct rumpclient_fork *rpf = rumpclient_prefork();
	pid_t pid;

	if (rpf == NULL)
		return -1;
	switch ((pid = fork())) {
	case -1:
		rumpclient_fork_cancel(rpf);
		break;
	case 0:
		if (rumpclient_fork_init(rpf) != 0)
			_exit(1);
		break;
	default:
		free(rpf);
		break;
	}
	return pid;
}

int rumpclient_exec(const char *path, char *const argv[], char *const envp[])
{
	char val[32 + sizeof(rc.url)], **env;
	size_t n = 0, i, j = 0;
	int saved, fd = rumpclient__fd();

	if (fd < 0)
		return rc_fail(ENOTCONN);
	while (envp != NULL && envp[n] != NULL)
		n++;
	if ((env = calloc(n + 2, sizeof(*env))) == NULL)
		return -1;
	snprintf(val, sizeof(val), EXECFD_ENV "=%d,%s", fd, rc.url);
	for (i = 0; i < n; i++)
		if (strncmp(envp[i], EXECFD_ENV "=", sizeof(EXECFD_ENV)) != 0)
			env[j++] = envp[i];
	env[j++] = val;
	env[j] = NULL;
	(void)fcntl(fd, F_SETFD, 0);
	execve(path, argv, env);
	saved = errno;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	free(env);
	return rc_fail(saved);
}
