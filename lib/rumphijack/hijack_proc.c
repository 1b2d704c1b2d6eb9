/*
 * hijack_proc.c -- the working directory, fork and exec.  The working
 * directory is the kernel's after chdir/fchdir into it (getcwd then puts
 * the prefix back in front).  fork makes the child a new process in the
 * kernel that inherits the parent's kernel descriptors (librumpclient's
 * prefork/fork_init); exec hands the descriptor table and the working
 * directory's side to the new image in RUMPHIJACK__FDS/RUMPHIJACK__CWD and
 * lets librumpclient keep the kernel process across the exec.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hijack.h"

extern char **environ;

int chdir(const char *path)
{
	const char *kp;

	if (HIJACK_BYPASS() || hijack_route_path(path, &kp) == HIJACK_HOST) {
		int rv = HOST(chdir)(path);

		if (rv == 0 && hijack_ready())
			hijack_cwd_set(false);
		return rv;
	}
	if (KCALL(rump_sys_chdir(kp)) == -1)
		return -1;
	hijack_cwd_set(true);
	return 0;
}

int fchdir(int fd)
{
	int kfd = hijack_kfd(fd), rv;

	if (kfd < 0) {
		rv = HOST(fchdir)(fd);
		if (rv == 0 && hijack_ready())
			hijack_cwd_set(false);
		return rv;
	}
	if (KCALL(rump_sys_fchdir(kfd)) == -1)
		return -1;
	hijack_cwd_set(true);
	return 0;
}

char *getcwd(char *buf, size_t size)
{
	char kbuf[PATH_MAX];
	const char *pfx = hijack_prefix();
	size_t plen = strlen(pfx), klen;
	bool alloc = buf == NULL;

	if (HIJACK_BYPASS() || !hijack_cwd_inkernel())
		return HOST(getcwd)(buf, size);
	if (!alloc && size == 0) {
		errno = EINVAL;
		return NULL;
	}
	if (KCALL(rump_sys_getcwd(kbuf, sizeof(kbuf))) == NULL)
		return NULL;
	klen = strcmp(kbuf, "/") == 0 ? 0 : strlen(kbuf);
	if (alloc) {
		size = size > plen + klen ? size : plen + klen + 1;
		buf = malloc(size);
		if (buf == NULL)
			return NULL;
	}
	if (plen + klen + 1 > size) {
		if (alloc)
			free(buf);
		errno = ERANGE;
		return NULL;
	}
	memcpy(buf, pfx, plen);
	memcpy(buf + plen, kbuf, klen);
	buf[plen + klen] = '\0';
	return buf;
}

char *get_current_dir_name(void)
{
	return getcwd(NULL, 0);
}

pid_t fork(void)
{
	struct rumpclient_fork *rf;
	pid_t pid;

	if (HIJACK_BYPASS())
		return HOST(fork)();
	rf = KCALL(rumpclient_prefork());
	if (rf == NULL)
		return -1;
	pid = HOST(fork)();
	if (pid == -1) {
		int e = errno;

		KCALL((rumpclient_fork_cancel(rf), 0));
		errno = e;
		return -1;
	}
	if (pid == 0 && KCALL(rumpclient_fork_init(rf)) == -1)
		_exit(1); /* a child without its kernel process cannot go on */
	return pid;
}

/* vfork's child may do anything fork's may here, since it is a fork. */
pid_t vfork(void)
{
	return fork();
}

/* envp without our variables, plus the current table (NULL: no memory). */
static char **hijack_exec_env(char *const envp[], char **fdvar, char **cwdvar)
{
	size_t n = 0, i, j = 0;
	char *fds, **env;

	while (envp != NULL && envp[n] != NULL)
		n++;
	env = calloc(n + 3, sizeof(*env));
	fds = hijack_fd_export();
	if (env == NULL || fds == NULL) {
		free(env);
		free(fds);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (strncmp(envp[i], "RUMPHIJACK__", 12) != 0)
			env[j++] = envp[i];
	*fdvar = malloc(strlen(fds) + sizeof("RUMPHIJACK__FDS="));
	*cwdvar = strdup(hijack_cwd_inkernel() ? "RUMPHIJACK__CWD=kernel"
					       : "RUMPHIJACK__CWD=host");
	if (*fdvar == NULL || *cwdvar == NULL) {
		free(*fdvar);
		free(*cwdvar);
		free(fds);
		free(env);
		return NULL;
	}
	strcpy(*fdvar, "RUMPHIJACK__FDS=");
	strcat(*fdvar, fds);
	free(fds);
	env[j++] = *fdvar;
	env[j++] = *cwdvar;
	env[j] = NULL;
	return env;
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	char **env, *fdvar, *cwdvar;
	const char *kp;
	int rv, e;

	if (HIJACK_BYPASS())
		return HOST(execve)(path, argv, envp);
	/* the host cannot run a program stored in the kernel */
	if (hijack_route_path(path, &kp) == HIJACK_KERNEL)
		return hijack_fail(ENOTSUP);
	env = hijack_exec_env(envp, &fdvar, &cwdvar);
	if (env == NULL)
		return hijack_fail(ENOMEM);
	rv = KCALL(rumpclient_exec(path, argv, env));
	e = errno;
	free(fdvar);
	free(cwdvar);
	free(env);
	errno = e;
	return rv;
}

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

/*
 * glibc's execvp runs a file the kernel cannot execute (no #!, ENOEXEC)
 * with /bin/sh, as shells do; posix_spawnp does not (script false).
 */
static int hijack_exec_script(const char *path, char *const argv[],
			      char *const envp[])
{
	size_t n = 0;

	while (argv[n] != NULL)
		n++;
	char *sh[n + 3];

	sh[0] = "/bin/sh";
	sh[1] = (char *)path;
	memcpy(sh + 2, argv + (n > 0), (n > 0 ? n - 1 : 0) * sizeof(*argv));
	sh[n > 0 ? n + 1 : 2] = NULL;
	execve("/bin/sh", sh, envp);
	return hijack_fail(ENOEXEC);
}

int hijack_execvpe(const char *file, char *const argv[], char *const envp[],
		   bool script)
{
	const char *path = getenv("PATH"), *p;
	char buf[PATH_MAX];
	bool eacces = false;

	if (file[0] == '\0')
		return hijack_fail(ENOENT);
	if (strchr(file, '/') != NULL) {
		execve(file, argv, envp);
		if (errno == ENOEXEC && script)
			hijack_exec_script(file, argv, envp);
		return -1;
	}
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p++) {
		const char *end = strchrnul(p, ':');
		size_t dlen = (size_t)(end - p);

		if (dlen + strlen(file) + 2 <= sizeof(buf)) {
			memcpy(buf, dlen == 0 ? "." : p, dlen == 0 ? 1 : dlen);
			buf[dlen == 0 ? 1 : dlen] = '\0';
			strcat(buf, "/");
			strcat(buf, file);
			execve(buf, argv, envp);
			if (errno == ENOEXEC && script)
				hijack_exec_script(buf, argv, envp);
			if (errno == EACCES)
				eacces = true;
			else if (errno != ENOENT && errno != ENOTDIR)
				return -1;
		}
		if (*end == '\0')
			break;
		p = end;
	}
	return hijack_fail(eacces ? EACCES : ENOENT);
}

int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return hijack_execvpe(file, argv, envp, true);
}

int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/* execl-style: the arguments into an array, then the v form. */
#define HIJACK_EXECL_ARGS(arg0, ap, last)                                      \
	size_t n_ = 1;                                                         \
	va_list c_;                                                            \
	va_copy(c_, ap);                                                       \
	while (va_arg(c_, char *) != NULL)                                     \
		n_++;                                                          \
	va_end(c_);                                                            \
	char *argv_[n_ + 1];                                                   \
	argv_[0] = (char *)(arg0);                                             \
	for (size_t i_ = 1; i_ <= n_; i_++)                                    \
		argv_[i_] = va_arg(ap, char *);                                \
	last

int execl(const char *path, const char *arg, ...)
{
	va_list ap;

	va_start(ap, arg);
	HIJACK_EXECL_ARGS(arg, ap, va_end(ap));
	return execve(path, argv_, environ);
}

int execlp(const char *file, const char *arg, ...)
{
	va_list ap;

	va_start(ap, arg);
	HIJACK_EXECL_ARGS(arg, ap, va_end(ap));
	return execvpe(file, argv_, environ);
}

int execle(const char *path, const char *arg, ...)
{
	char *const *envp;
	va_list ap;

	va_start(ap, arg);
	HIJACK_EXECL_ARGS(arg, ap, envp = va_arg(ap, char *const *));
	va_end(ap);
	return execve(path, argv_, envp);
}

/* A program stored in the kernel cannot be run by the host. */
int fexecve(int fd, char *const argv[], char *const envp[])
{
	if (hijack_kfd(fd) >= 0)
		return hijack_fail(ENOTSUP);
	/* glibc runs /proc/self/fd/N through execveat: not a hijacked call */
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return execve(path, argv, envp);
}
