/*
 * hijack_epoll.c -- epoll sets holding kernel descriptors.  The host's
 * epoll cannot watch a kernel descriptor, so those registrations are kept
 * here, per epoll descriptor; epoll_wait then polls the host epoll
 * descriptor (readable when a host member is ready) together with the
 * kernel members, and collects the host's events without waiting.  Kernel
 * members are level-triggered (EPOLLET is treated as level), EPOLLONESHOT
 * disarms a member after one report, and a closed member leaves the set.
 */
#include <pthread.h>
#include <stdlib.h>

#include "hijack.h"

struct hijack_epitem {
	struct hijack_epitem *next;
	int epfd, fd, kfd; /* kfd: the member's kernel fd when added */
	struct epoll_event ev;
};

static pthread_mutex_t hijack_ep_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hijack_epitem *hijack_epitems;

static void hijack_ep_purge(int epfd)
{
	struct hijack_epitem **pp, *it;

	pthread_mutex_lock(&hijack_ep_lock);
	for (pp = &hijack_epitems; (it = *pp) != NULL;) {
		if (it->epfd == epfd) {
			*pp = it->next;
			free(it);
		} else
			pp = &it->next;
	}
	pthread_mutex_unlock(&hijack_ep_lock);
}

int epoll_create1(int flags)
{
	int fd;

	fd = HOST(epoll_create1)(flags);
	/* a number reused from a closed epoll set starts empty */
	if (fd >= 0 && hijack_epitems != NULL)
		hijack_ep_purge(fd);
	return fd;
}

int epoll_create(int size)
{
	if (size <= 0)
		return hijack_fail(EINVAL);
	return epoll_create1(0);
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct hijack_epitem **pp, *it;
	int kfd = hijack_kfd(fd), rv = 0;

	if (kfd < 0)
		return HOST(epoll_ctl)(epfd, op, fd, ev);
	if (op != EPOLL_CTL_DEL && ev == NULL)
		return hijack_fail(EFAULT);
	pthread_mutex_lock(&hijack_ep_lock);
	for (pp = &hijack_epitems; (it = *pp) != NULL; pp = &it->next)
		if (it->epfd == epfd && it->fd == fd)
			break;
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it != NULL) {
			rv = EEXIST;
			break;
		}
		it = calloc(1, sizeof(*it));
		if (it == NULL) {
			rv = ENOMEM;
			break;
		}
		*it = (struct hijack_epitem){.next = hijack_epitems,
					     .epfd = epfd,
					     .fd = fd,
					     .kfd = kfd,
					     .ev = *ev};
		hijack_epitems = it;
		break;
	case EPOLL_CTL_MOD:
		if (it == NULL)
			rv = ENOENT;
		else
			it->ev = *ev;
		break;
	case EPOLL_CTL_DEL:
		if (it == NULL)
			rv = ENOENT;
		else {
			*pp = it->next;
			free(it);
		}
		break;
	default:
		rv = EINVAL;
	}
	pthread_mutex_unlock(&hijack_ep_lock);
	return rv == 0 ? 0 : hijack_fail(rv);
}

/* it is still registered (hijack_ep_lock held) */
static bool hijack_ep_listed(const struct hijack_epitem *it)
{
	const struct hijack_epitem *p;

	for (p = hijack_epitems; p != NULL; p = p->next)
		if (p == it)
			return true;
	return false;
}

static short hijack_ep_to_poll(uint32_t ev)
{
	return (short)(((ev & EPOLLIN) ? POLLIN : 0) |
		       ((ev & EPOLLOUT) ? POLLOUT : 0) |
		       ((ev & EPOLLPRI) ? POLLPRI : 0));
}

static uint32_t hijack_poll_to_ep(short re)
{
	return ((re & POLLIN) ? EPOLLIN : 0) | ((re & POLLOUT) ? EPOLLOUT : 0) |
	       ((re & POLLPRI) ? EPOLLPRI : 0) |
	       ((re & POLLERR) ? EPOLLERR : 0) |
	       ((re & POLLHUP) ? EPOLLHUP : 0);
}

static int hijack_epoll_wait(int epfd, struct epoll_event *out, int max,
			     int timeout, const sigset_t *mask)
{
	struct hijack_epitem **pp, *it, **items = NULL;
	struct pollfd *fds = NULL;
	int n = 0, i, got = 0, rv;

	if (hijack_epitems == NULL || max <= 0)
		return HOST(epoll_pwait)(epfd, out, max, timeout, mask);
	pthread_mutex_lock(&hijack_ep_lock);
	for (pp = &hijack_epitems; (it = *pp) != NULL;) {
		if (it->epfd == epfd && hijack_kfd(it->fd) != it->kfd) {
			*pp = it->next; /* closed (or reused) member */
			free(it);
			continue;
		}
		n += it->epfd == epfd;
		pp = &it->next;
	}
	if (n == 0) {
		pthread_mutex_unlock(&hijack_ep_lock);
		return HOST(epoll_pwait)(epfd, out, max, timeout, mask);
	}
	fds = calloc((size_t)n + 1, sizeof(*fds));
	items = calloc((size_t)n, sizeof(*items));
	if (fds == NULL || items == NULL) {
		pthread_mutex_unlock(&hijack_ep_lock);
		free(fds);
		free(items);
		return hijack_fail(ENOMEM);
	}
	fds[0] = (struct pollfd){.fd = epfd, .events = POLLIN};
	for (i = 0, it = hijack_epitems; it != NULL; it = it->next)
		if (it->epfd == epfd) {
			items[i] = it;
			fds[i + 1] = (struct pollfd){
				.fd = it->fd,
				.events = hijack_ep_to_poll(it->ev.events)};
			i++;
		}
	pthread_mutex_unlock(&hijack_ep_lock);
	rv = hijack_poll_mixed(fds, (nfds_t)n + 1, timeout, mask);
	if (rv > 0) {
		pthread_mutex_lock(&hijack_ep_lock);
		for (i = 0; i < n && got < max; i++) {
			uint32_t ev = hijack_poll_to_ep(fds[i + 1].revents);

			if (ev == 0 || !hijack_ep_listed(items[i]))
				continue; /* removed by epoll_ctl meanwhile */
			out[got].events = ev;
			out[got++].data = items[i]->ev.data;
			if (items[i]->ev.events & EPOLLONESHOT)
				items[i]->ev.events = 0;
		}
		pthread_mutex_unlock(&hijack_ep_lock);
		if ((fds[0].revents & POLLIN) != 0 && got < max) {
			int h = HOST(epoll_wait)(epfd, out + got, max - got, 0);

			if (h > 0)
				got += h;
		}
	}
	free(fds);
	free(items);
	return rv < 0 ? -1 : got;
}

int epoll_wait(int epfd, struct epoll_event *out, int max, int timeout)
{
	return hijack_epoll_wait(epfd, out, max, timeout, NULL);
}

/* the mask is applied by the host side of the mixed wait */
int epoll_pwait(int epfd, struct epoll_event *out, int max, int timeout,
		const sigset_t *mask)
{
	return hijack_epoll_wait(epfd, out, max, timeout, mask);
}
