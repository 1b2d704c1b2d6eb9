/*
 * hijack_poll.c -- poll, ppoll, select and pselect over host and kernel
 * descriptors.  A set of one side goes to that side's poll.  A mixed set
 * is waited on by two threads at once: this one polls the host entries
 * plus a host pipe, a helper polls the kernel entries plus a kernel pipe,
 * and whichever returns first writes to the other's pipe to end its wait.
 * ppoll/pselect's signal mask is the caller's host wait's: with kernel
 * descriptors in the set the wait is always a mixed one (at least the
 * wake pipe on the host side), whose host ppoll applies the mask
 * atomically, so a signal it lets in ends the wait with EINTR; the helper
 * blocks every signal.  epoll is in hijack_epoll.c.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "hijack.h"

struct hijack_kpoll {
	struct pollfd *fds; /* kernel entries, then the kernel pipe */
	nfds_t n;
	int timeout;
	int rv, error;
	int wakefd; /* host pipe's write end */
};

static void *hijack_kpoll_thread(void *arg)
{
	struct hijack_kpoll *kp = arg;
	char c = 0;

	kp->rv = KCALL(rump_sys_poll(kp->fds, kp->n, kp->timeout));
	kp->error = errno;
	HOST(write)(kp->wakefd, &c, 1);
	return NULL;
}

/* Kernel entries only: their kernel numbers in a copy. */
static int hijack_poll_kernel(struct pollfd *fds, nfds_t n, int timeout)
{
	struct pollfd small[16], *k = n <= 16 ? small : calloc(n, sizeof(*k));
	nfds_t i;
	int rv;

	if (k == NULL)
		return hijack_fail(ENOMEM);
	for (i = 0; i < n; i++) {
		k[i] = fds[i];
		k[i].fd = fds[i].fd < 0 ? -1 : hijack_kfd(fds[i].fd);
	}
	rv = KCALL(rump_sys_poll(k, n, timeout));
	for (i = 0; rv >= 0 && i < n; i++)
		fds[i].revents = k[i].revents;
	if (k != small)
		free(k);
	return rv;
}

/* the helper thread takes no signal: they are the caller's wait's */
static int hijack_kpoll_start(pthread_t *thr, struct hijack_kpoll *kp)
{
	sigset_t all, old;
	int rv;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rv = pthread_create(thr, NULL, hijack_kpoll_thread, kp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rv;
}

static struct timespec *hijack_ms_to_ts(int ms, struct timespec *ts)
{
	if (ms < 0)
		return NULL;
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (long)(ms % 1000) * 1000000;
	return ts;
}

int hijack_poll_mixed(struct pollfd *fds, nfds_t n, int timeout,
		      const sigset_t *mask)
{
	struct timespec ts;
	struct pollfd *h, *k;
	struct hijack_kpoll kp;
	int hpipe[2], kpipe[2], hrv, herr, count = 0;
	nfds_t i, hn = 0, kn = 0;
	pthread_t thr;
	char c = 0;

	h = calloc(n + 1, sizeof(*h));
	k = calloc(n + 1, sizeof(*k));
	if (h == NULL || k == NULL) {
		free(h);
		free(k);
		return hijack_fail(ENOMEM);
	}
	for (i = 0; i < n; i++) {
		int kfd = fds[i].fd < 0 ? -1 : hijack_kfd(fds[i].fd);

		fds[i].revents = 0;
		if (kfd >= 0) {
			k[kn] = fds[i];
			k[kn++].fd = kfd;
		} else if (fds[i].fd >= 0)
			h[hn++] = fds[i];
	}
	if (HOST(pipe)(hpipe) == -1) {
		free(h);
		free(k);
		return -1;
	}
	if (KCALL(rump_sys_pipe(kpipe)) == -1) {
		herr = errno;
		HOST(close)(hpipe[0]);
		HOST(close)(hpipe[1]);
		free(h);
		free(k);
		return hijack_fail(herr);
	}
	h[hn] = (struct pollfd){.fd = hpipe[0], .events = POLLIN};
	k[kn] = (struct pollfd){.fd = kpipe[0], .events = POLLIN};
	kp = (struct hijack_kpoll){
		.fds = k, .n = kn + 1, .timeout = timeout, .wakefd = hpipe[1]};
	if (hijack_kpoll_start(&thr, &kp) != 0) {
		hrv = -1;
		herr = EAGAIN;
	} else {
		hrv = mask == NULL ? HOST(poll)(h, hn + 1, timeout)
				   : HOST(ppoll)(h, hn + 1,
						 hijack_ms_to_ts(timeout, &ts),
						 mask);
		herr = errno;
		KCALL(rump_sys_write(kpipe[1], &c, 1));
		pthread_join(thr, NULL);
	}
	HOST(close)(hpipe[0]);
	HOST(close)(hpipe[1]);
	KCALL(rump_sys_close(kpipe[0]));
	KCALL(rump_sys_close(kpipe[1]));
	if (hrv == -1 || kp.rv == -1) {
		free(h);
		free(k);
		return hijack_fail(hrv == -1 ? herr : kp.error);
	}
	/* results back in the caller's order: both arrays kept it */
	for (i = 0, hn = 0, kn = 0; i < n; i++) {
		if (fds[i].fd < 0)
			continue;
		if (hijack_kfd(fds[i].fd) >= 0)
			fds[i].revents = k[kn++].revents;
		else
			fds[i].revents = h[hn++].revents;
		if (fds[i].revents != 0)
			count++;
	}
	free(h);
	free(k);
	return count;
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	nfds_t i, nk = 0, nh = 0;

	for (i = 0; i < n; i++) {
		if (fds[i].fd < 0)
			continue;
		if (hijack_kfd(fds[i].fd) >= 0)
			nk++;
		else
			nh++;
	}
	if (nk == 0)
		return HOST(poll)(fds, n, timeout);
	if (nh == 0)
		return hijack_poll_kernel(fds, n, timeout);
	return hijack_poll_mixed(fds, n, timeout, NULL);
}
HIJACK_ALIAS(__poll, poll);

int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen);
int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();
	return poll(fds, n, timeout);
}

static int hijack_ts_to_ms(const struct timespec *ts)
{
	long long ms;

	if (ts == NULL)
		return -1;
	ms = (long long)ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

static bool hijack_poll_haskernel(const struct pollfd *fds, nfds_t n)
{
	nfds_t i;

	for (i = 0; i < n; i++)
		if (fds[i].fd >= 0 && hijack_kfd(fds[i].fd) >= 0)
			return true;
	return false;
}

/* poll, or with a signal mask the mixed wait whose host side applies it */
static int hijack_poll_masked(struct pollfd *fds, nfds_t n, int timeout,
			      const sigset_t *mask)
{
	if (mask == NULL)
		return poll(fds, n, timeout);
	return hijack_poll_mixed(fds, n, timeout, mask);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
	  const sigset_t *mask)
{
	if (!hijack_poll_haskernel(fds, n))
		return HOST(ppoll)(fds, n, ts, mask);
	if (ts != NULL &&
	    (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000))
		return hijack_fail(EINVAL);
	return hijack_poll_masked(fds, n, hijack_ts_to_ms(ts), mask);
}

/*
 * select over kernel descriptors: the sets become a poll array and the
 * results the sets again.  A descriptor in no set is not polled.
 */
static int hijack_select_poll(int nfds, fd_set *r, fd_set *w, fd_set *e,
			      int timeout, const sigset_t *mask)
{
	struct pollfd *fds;
	int fd, n = 0, rv, count = 0, i;

	fds = calloc((size_t)nfds, sizeof(*fds));
	if (fds == NULL)
		return hijack_fail(ENOMEM);
	for (fd = 0; fd < nfds; fd++) {
		short ev = 0;

		if (r != NULL && FD_ISSET(fd, r))
			ev |= POLLIN;
		if (w != NULL && FD_ISSET(fd, w))
			ev |= POLLOUT;
		if (e != NULL && FD_ISSET(fd, e))
			ev |= POLLPRI;
		if (ev != 0)
			fds[n++] = (struct pollfd){.fd = fd, .events = ev};
	}
	rv = hijack_poll_masked(fds, (nfds_t)n, timeout, mask);
	if (rv == -1) {
		free(fds);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((fds[i].revents & POLLNVAL) != 0) {
			free(fds);
			return hijack_fail(EBADF);
		}
	if (r != NULL)
		FD_ZERO(r);
	if (w != NULL)
		FD_ZERO(w);
	if (e != NULL)
		FD_ZERO(e);
	for (i = 0; i < n; i++) {
		short re = fds[i].revents, ev = fds[i].events;

		if ((ev & POLLIN) && (re & (POLLIN | POLLHUP | POLLERR))) {
			FD_SET(fds[i].fd, r);
			count++;
		}
		if ((ev & POLLOUT) && (re & (POLLOUT | POLLERR))) {
			FD_SET(fds[i].fd, w);
			count++;
		}
		if ((ev & POLLPRI) && (re & POLLPRI)) {
			FD_SET(fds[i].fd, e);
			count++;
		}
	}
	free(fds);
	return count;
}

static bool hijack_select_haskernel(int nfds, fd_set *r, fd_set *w, fd_set *e)
{
	int fd;

	if (nfds > FD_SETSIZE)
		nfds = FD_SETSIZE;
	for (fd = 0; fd < nfds; fd++)
		if (((r != NULL && FD_ISSET(fd, r)) ||
		     (w != NULL && FD_ISSET(fd, w)) ||
		     (e != NULL && FD_ISSET(fd, e))) &&
		    hijack_kfd(fd) >= 0)
			return true;
	return false;
}

int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	struct timespec ts;

	if (nfds < 0 || !hijack_select_haskernel(nfds, r, w, e))
		return HOST(select)(nfds, r, w, e, tv);
	if (nfds > FD_SETSIZE)
		nfds = FD_SETSIZE;
	if (tv != NULL) {
		ts.tv_sec = tv->tv_sec;
		ts.tv_nsec = tv->tv_usec * 1000;
	}
	return hijack_select_poll(
		nfds, r, w, e, hijack_ts_to_ms(tv != NULL ? &ts : NULL), NULL);
}

int pselect(int nfds, fd_set *r, fd_set *w, fd_set *e,
	    const struct timespec *ts, const sigset_t *mask)
{
	if (nfds < 0 || !hijack_select_haskernel(nfds, r, w, e))
		return HOST(pselect)(nfds, r, w, e, ts, mask);
	if (nfds > FD_SETSIZE)
		nfds = FD_SETSIZE;
	if (ts != NULL &&
	    (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000))
		return hijack_fail(EINVAL);
	return hijack_select_poll(nfds, r, w, e, hijack_ts_to_ms(ts), mask);
}
