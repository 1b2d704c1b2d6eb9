/*
 * hijack_shell.c -- system, popen and pclose.  glibc's versions start
 * "sh -c" through its internal posix_spawn, whose child would be a new
 * kernel process without the caller's kernel descriptors and working
 * directory; these start it through the library's posix_spawn (a fork of
 * the kernel process, hijack_spawn.c), with glibc's signal handling for
 * system and its descriptor handling for popen.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "hijack.h"

extern char **environ;

/*
 * While any system() runs, SIGINT and SIGQUIT are ignored in the caller
 * (POSIX); with several threads in system() at once, the first to start
 * saves the actions and the last to end puts them back.
 */
static pthread_mutex_t hijack_sys_lock = PTHREAD_MUTEX_INITIALIZER;
static int hijack_sys_count;
static struct sigaction hijack_sys_intr, hijack_sys_quit;

static void hijack_sys_enter(void)
{
	struct sigaction ign = {.sa_handler = SIG_IGN};

	sigemptyset(&ign.sa_mask);
	pthread_mutex_lock(&hijack_sys_lock);
	if (hijack_sys_count++ == 0) {
		sigaction(SIGINT, &ign, &hijack_sys_intr);
		sigaction(SIGQUIT, &ign, &hijack_sys_quit);
	}
	pthread_mutex_unlock(&hijack_sys_lock);
}

static void hijack_sys_leave(void)
{
	pthread_mutex_lock(&hijack_sys_lock);
	if (--hijack_sys_count == 0) {
		sigaction(SIGINT, &hijack_sys_intr, NULL);
		sigaction(SIGQUIT, &hijack_sys_quit, NULL);
	}
	pthread_mutex_unlock(&hijack_sys_lock);
}

static int hijack_system_run(const char *cmd)
{
	char *argv[] = {"sh", "-c", "--", (char *)cmd, NULL};
	posix_spawnattr_t attr;
	sigset_t chld, old, def;
	int status, e;
	pid_t pid;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	hijack_sys_enter();
	pthread_sigmask(SIG_BLOCK, &chld, &old);
	/* the child gets the caller's mask and default INT/QUIT unless the
	 * caller ignored them */
	sigemptyset(&def);
	if (hijack_sys_intr.sa_handler != SIG_IGN)
		sigaddset(&def, SIGINT);
	if (hijack_sys_quit.sa_handler != SIG_IGN)
		sigaddset(&def, SIGQUIT);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &old);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	e = posix_spawn(&pid, "/bin/sh", NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (e == 0) {
		while (waitpid(pid, &status, 0) == -1)
			if (errno != EINTR) {
				status = -1;
				break;
			}
	} else {
		/* a shell that cannot run is one that exits with 127 */
		status = W_EXITCODE(127, 0);
	}
	e = errno;
	hijack_sys_leave();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return status;
}

int system(const char *cmd)
{
	/* is there a shell: glibc runs one to see */
	if (cmd == NULL)
		return hijack_system_run("exit 0") == 0;
	return hijack_system_run(cmd);
}

/* The streams popen made, for pclose and for closing them in children. */
struct hijack_popen {
	struct hijack_popen *next;
	FILE *f;
	pid_t pid;
};
static pthread_mutex_t hijack_popen_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hijack_popen *hijack_popens;

/* mode is "r" or "w", with "e" for close-on-exec; false if it is not */
static bool hijack_popen_mode(const char *mode, bool *rd, bool *cloexec)
{
	bool r = false, w = false;

	*cloexec = false;
	for (; *mode != '\0'; mode++) {
		if (*mode == 'r')
			r = true;
		else if (*mode == 'w')
			w = true;
		else if (*mode == 'e')
			*cloexec = true;
		else
			return false;
	}
	*rd = r;
	return r != w;
}

/* start sh -c cmd with child end at 0 or 1 and other popen streams shut */
static int hijack_popen_spawn(const char *cmd, int child, int target,
			      pid_t *pid)
{
	char *argv[] = {"sh", "-c", "--", (char *)cmd, NULL};
	posix_spawn_file_actions_t fa;
	struct hijack_popen *p;
	int e;

	posix_spawn_file_actions_init(&fa);
	/* dup2 onto itself clears close-on-exec, as needed */
	e = posix_spawn_file_actions_adddup2(&fa, child, target);
	for (p = hijack_popens; e == 0 && p != NULL; p = p->next) {
		int fd = fileno(p->f);

		if (fd >= 0 && fd != target)
			e = posix_spawn_file_actions_addclose(&fa, fd);
	}
	if (e == 0)
		e = posix_spawn(pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return e;
}

FILE *popen(const char *cmd, const char *mode)
{
	struct hijack_popen *p;
	bool rd, cloexec;
	int fds[2], mine, child, e;
	pid_t pid;

	if (!hijack_popen_mode(mode, &rd, &cloexec)) {
		errno = EINVAL;
		return NULL;
	}
	p = malloc(sizeof(*p));
	if (p == NULL)
		return NULL;
	if (pipe2(fds, O_CLOEXEC) == -1) {
		free(p);
		return NULL;
	}
	mine = rd ? fds[0] : fds[1];
	child = rd ? fds[1] : fds[0];
	pthread_mutex_lock(&hijack_popen_lock);
	e = hijack_popen_spawn(cmd, child, rd ? 1 : 0, &pid);
	HOST(close)(child);
	if (e == 0 && !cloexec)
		HOST(fcntl)(mine, F_SETFD, 0);
	if (e == 0 && (p->f = HOST(fdopen)(mine, rd ? "r" : "w")) == NULL)
		e = errno;
	if (e != 0) {
		pthread_mutex_unlock(&hijack_popen_lock);
		HOST(close)(mine);
		free(p);
		errno = e;
		return NULL;
	}
	p->pid = pid;
	p->next = hijack_popens;
	hijack_popens = p;
	pthread_mutex_unlock(&hijack_popen_lock);
	return p->f;
}

int pclose(FILE *f)
{
	struct hijack_popen **pp, *p = NULL;
	int status;
	pid_t pid;

	pthread_mutex_lock(&hijack_popen_lock);
	for (pp = &hijack_popens; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->f == f) {
			p = *pp;
			*pp = p->next;
			break;
		}
	pthread_mutex_unlock(&hijack_popen_lock);
	if (p == NULL)
		return HOST(pclose)(f); /* glibc's, from before start-up */
	pid = p->pid;
	free(p);
	fclose(f);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return status;
}
