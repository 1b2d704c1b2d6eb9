/*
 * hijack_spawn.c -- posix_spawn, posix_spawnp and their file actions.
 * glibc's posix_spawn starts the child with clone and runs the file
 * actions and the exec inside libc, so the child would be a new kernel
 * process without the parent's kernel descriptors.  Here the child is made
 * by the library's fork (a kernel process inheriting the descriptors),
 * runs the attributes and file actions through the library's open, dup2,
 * close and chdir (so they work on kernel paths and descriptors) and
 * execs through its execve.  The file actions are kept in our own list,
 * stored in the posix_spawn_file_actions_t, whose functions are replaced
 * too.  An error before the exec comes back through a close-on-exec pipe.
 */
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "hijack.h"

enum hijack_spawn_tag {
	HIJACK_SP_CLOSE,
	HIJACK_SP_DUP2,
	HIJACK_SP_OPEN,
	HIJACK_SP_CHDIR,
	HIJACK_SP_FCHDIR,
	HIJACK_SP_CLOSEFROM,
	HIJACK_SP_TCSETPGRP,
};

struct hijack_spawn_act {
	enum hijack_spawn_tag tag;
	int fd, newfd, oflag;
	mode_t mode;
	char *path;
};

/* our list lives in the object: __actions, __used and __allocated */
static struct hijack_spawn_act *
hijack_acts(const posix_spawn_file_actions_t *fa)
{
	return (struct hijack_spawn_act *)(void *)fa->__actions;
}

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
	memset(fa, 0, sizeof(*fa));
	return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
	struct hijack_spawn_act *a = hijack_acts(fa);
	int i;

	for (i = 0; i < fa->__used; i++)
		free(a[i].path);
	free(a);
	memset(fa, 0, sizeof(*fa));
	return 0;
}

/* a descriptor number the process could have (glibc's test) */
static bool hijack_spawn_fdok(int fd)
{
	struct rlimit rl;

	return fd >= 0 &&
	       (getrlimit(RLIMIT_NOFILE, &rl) != 0 ||
		rl.rlim_cur == RLIM_INFINITY || (rlim_t)fd < rl.rlim_cur);
}

/* append an action; path (may be NULL) is copied */
static int hijack_spawn_add(posix_spawn_file_actions_t *fa,
			    struct hijack_spawn_act act)
{
	struct hijack_spawn_act *a = hijack_acts(fa);

	if (act.path != NULL && (act.path = strdup(act.path)) == NULL)
		return ENOMEM;
	if (fa->__used == fa->__allocated) {
		int cap = fa->__allocated == 0 ? 8 : fa->__allocated * 2;

		a = realloc(a, (size_t)cap * sizeof(*a));
		if (a == NULL) {
			free(act.path);
			return ENOMEM;
		}
		fa->__actions = (void *)a;
		fa->__allocated = cap;
	}
	a[fa->__used++] = act;
	return 0;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
	if (!hijack_spawn_fdok(fd))
		return EBADF;
	return hijack_spawn_add(fa, (struct hijack_spawn_act){
					    .tag = HIJACK_SP_CLOSE, .fd = fd});
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd,
				     int newfd)
{
	if (!hijack_spawn_fdok(fd) || !hijack_spawn_fdok(newfd))
		return EBADF;
	return hijack_spawn_add(
		fa, (struct hijack_spawn_act){
			    .tag = HIJACK_SP_DUP2, .fd = fd, .newfd = newfd});
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *restrict fa,
				     int fd, const char *restrict path,
				     int oflag, mode_t mode)
{
	if (!hijack_spawn_fdok(fd))
		return EBADF;
	return hijack_spawn_add(
		fa, (struct hijack_spawn_act){.tag = HIJACK_SP_OPEN,
					      .fd = fd,
					      .oflag = oflag,
					      .mode = mode,
					      .path = (char *)path});
}

int posix_spawn_file_actions_addchdir_np(
	posix_spawn_file_actions_t *restrict fa, const char *restrict path)
{
	return hijack_spawn_add(
		fa, (struct hijack_spawn_act){.tag = HIJACK_SP_CHDIR,
					      .path = (char *)path});
}

int posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t *fa,
					  int fd)
{
	if (!hijack_spawn_fdok(fd))
		return EBADF;
	return hijack_spawn_add(fa, (struct hijack_spawn_act){
					    .tag = HIJACK_SP_FCHDIR, .fd = fd});
}

int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *fa,
					     int from)
{
	if (!hijack_spawn_fdok(from))
		return EBADF;
	return hijack_spawn_add(
		fa, (struct hijack_spawn_act){.tag = HIJACK_SP_CLOSEFROM,
					      .fd = from});
}

int posix_spawn_file_actions_addtcsetpgrp_np(posix_spawn_file_actions_t *fa,
					     int fd)
{
	if (!hijack_spawn_fdok(fd))
		return EBADF;
	return hijack_spawn_add(
		fa, (struct hijack_spawn_act){.tag = HIJACK_SP_TCSETPGRP,
					      .fd = fd});
}

/*
 * The child's error pipe must survive the file actions: an action aimed
 * at its number moves it first, and close/closefrom go around it (a
 * close of it is a close of a descriptor the program does not have).
 */
static int hijack_spawn_keep(int *errfd, int target)
{
	int nfd;

	if (target != *errfd)
		return 0;
	nfd = HOST(fcntl)(*errfd, F_DUPFD_CLOEXEC, *errfd + 1);
	if (nfd == -1)
		return -1;
	HOST(close)(*errfd);
	*errfd = nfd;
	return 0;
}

/* open path at exactly fd (glibc's order: open, then dup2 if it differs) */
static int hijack_spawn_open(const struct hijack_spawn_act *a)
{
	int fd = open(a->path, a->oflag, a->mode);

	if (fd == -1)
		return -1;
	if (fd != a->fd) {
		int rv = dup2(fd, a->fd), e = errno;

		close(fd);
		if (rv == -1)
			return hijack_fail(e);
	}
	return 0;
}

static int hijack_spawn_action(const struct hijack_spawn_act *a, int *errfd)
{
	int fl;

	switch (a->tag) {
	case HIJACK_SP_CLOSE:
		/* errors other than a bad number are not reported (glibc) */
		if (a->fd != *errfd)
			close(a->fd);
		return 0;
	case HIJACK_SP_DUP2:
		if (hijack_spawn_keep(errfd, a->newfd) == -1)
			return -1;
		if (a->fd != a->newfd)
			return dup2(a->fd, a->newfd) == -1 ? -1 : 0;
		/* dup2 of a descriptor onto itself clears close-on-exec */
		fl = fcntl(a->fd, F_GETFD);
		if (fl == -1)
			return -1;
		return fcntl(a->fd, F_SETFD, fl & ~FD_CLOEXEC);
	case HIJACK_SP_OPEN:
		if (hijack_spawn_keep(errfd, a->fd) == -1)
			return -1;
		return hijack_spawn_open(a);
	case HIJACK_SP_CHDIR:
		return chdir(a->path);
	case HIJACK_SP_FCHDIR:
		return fchdir(a->fd);
	case HIJACK_SP_CLOSEFROM:
		if (a->fd < *errfd &&
		    close_range((unsigned)a->fd, (unsigned)*errfd - 1, 0) == -1)
			return -1;
		return close_range(
			(unsigned)(a->fd > *errfd ? a->fd : *errfd + 1), ~0U,
			0);
	case HIJACK_SP_TCSETPGRP:
		return tcsetpgrp(a->fd, getpgrp());
	}
	return hijack_fail(EINVAL);
}

/* The attributes, in glibc's order. */
static int hijack_spawn_attrs(const posix_spawnattr_t *attr)
{
	short flags = 0;
	pid_t pgrp;
	struct sched_param sp;
	int policy;

	if (attr == NULL)
		return 0;
	posix_spawnattr_getflags(attr, &flags);
	if ((flags & POSIX_SPAWN_SETSCHEDULER) != 0) {
		posix_spawnattr_getschedpolicy(attr, &policy);
		posix_spawnattr_getschedparam(attr, &sp);
		if (sched_setscheduler(0, policy, &sp) == -1)
			return -1;
	} else if ((flags & POSIX_SPAWN_SETSCHEDPARAM) != 0) {
		posix_spawnattr_getschedparam(attr, &sp);
		if (sched_setparam(0, &sp) == -1)
			return -1;
	}
	if ((flags & POSIX_SPAWN_SETSID) != 0 && setsid() == -1)
		return -1;
	if ((flags & POSIX_SPAWN_SETPGROUP) != 0) {
		posix_spawnattr_getpgroup(attr, &pgrp);
		if (setpgid(0, pgrp) == -1)
			return -1;
	}
	if ((flags & POSIX_SPAWN_RESETIDS) != 0 &&
	    (seteuid(getuid()) == -1 || setegid(getgid()) == -1))
		return -1;
	return 0;
}

/*
 * Handlers the parent installed do not run in the child: each is set to
 * the default (exec would do so anyway), as is every signal in the
 * attribute's default set; then the child's mask.
 */
static void hijack_spawn_signals(const posix_spawnattr_t *attr,
				 const sigset_t *parentmask)
{
	sigset_t def, mask = *parentmask;
	short flags = 0;
	int sig;

	sigemptyset(&def);
	if (attr != NULL) {
		posix_spawnattr_getflags(attr, &flags);
		if ((flags & POSIX_SPAWN_SETSIGDEF) != 0)
			posix_spawnattr_getsigdefault(attr, &def);
		if ((flags & POSIX_SPAWN_SETSIGMASK) != 0)
			posix_spawnattr_getsigmask(attr, &mask);
	}
	for (sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sigaction(sig, NULL, &sa) == -1)
			continue;
		if (sigismember(&def, sig) == 1 ||
		    (sa.sa_handler != SIG_IGN && sa.sa_handler != SIG_DFL)) {
			sa.sa_handler = SIG_DFL;
			sa.sa_flags = 0;
			sigemptyset(&sa.sa_mask);
			sigaction(sig, &sa, NULL);
		}
	}
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
}

static _Noreturn void hijack_spawn_child(int errfd, bool search,
					 const char *path,
					 const posix_spawn_file_actions_t *fa,
					 const posix_spawnattr_t *attr,
					 char *const argv[], char *const envp[],
					 const sigset_t *parentmask)
{
	int e, i;

	if (hijack_spawn_attrs(attr) == -1)
		goto fail;
	for (i = 0; fa != NULL && i < fa->__used; i++)
		if (hijack_spawn_action(&hijack_acts(fa)[i], &errfd) == -1)
			goto fail;
	hijack_spawn_signals(attr, parentmask);
	if (search)
		hijack_execvpe(path, argv, envp, false);
	else
		execve(path, argv, envp);
fail:
	e = errno;
	while (write(errfd, &e, sizeof(e)) == -1 && errno == EINTR)
		;
	_exit(127);
}

static int hijack_spawn(pid_t *pidp, bool search, const char *path,
			const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *attr, char *const argv[],
			char *const envp[])
{
	sigset_t all, old;
	int p[2], e = 0, status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		return errno;
	/* no handler of the parent's may run in the child before exec */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0) {
		HOST(close)(p[0]);
		hijack_spawn_child(p[1], search, path, fa, attr, argv, envp,
				   &old);
	}
	e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	HOST(close)(p[1]);
	if (pid == -1) {
		HOST(close)(p[0]);
		return e;
	}
	/* nothing to read: the exec closed the pipe */
	do
		n = read(p[0], &e, sizeof(e));
	while (n == -1 && errno == EINTR);
	HOST(close)(p[0]);
	if (n == (ssize_t)sizeof(e)) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		return e;
	}
	if (pidp != NULL)
		*pidp = pid;
	return 0;
}

int posix_spawn(pid_t *restrict pid, const char *restrict path,
		const posix_spawn_file_actions_t *fa,
		const posix_spawnattr_t *restrict attr,
		char *const argv[restrict], char *const envp[restrict])
{
	return hijack_spawn(pid, false, path, fa, attr, argv, envp);
}

int posix_spawnp(pid_t *restrict pid, const char *restrict file,
		 const posix_spawn_file_actions_t *fa,
		 const posix_spawnattr_t *restrict attr,
		 char *const argv[restrict], char *const envp[restrict])
{
	return hijack_spawn(pid, true, file, fa, attr, argv, envp);
}
