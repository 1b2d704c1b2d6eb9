/*
 * hj_mount -- the hijack tests' helper that configures the kernel of a
 * running rump_server through librumpclient (RUMP_SERVER):
 *   hj_mount mount TYPE SOURCE DIR [OPTIONS]   mkdir -p DIR, then mount
 *   hj_mount umount DIR                        unmount
 *   hj_mount settle                            wait (up to 20 s) until the
 *                                              server holds no client but
 *                                              this one (killed clients
 *                                              released)
 *   hj_mount halt                              halt the server's kernel
 * Exits 0 on success, else prints the failing call and exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpclient.h>
#include <rump/rumpdefs.h>

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "hj_mount: %s %s: %s\n", what, arg, strerror(errno));
	return 1;
}

/* mkdir -p inside the kernel */
static int mkdirs(const char *dir)
{
	char path[1024];
	size_t i, len = strlen(dir);

	if (len >= sizeof(path))
		return -1;
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (rump_sys_mkdir(path, 0755) == -1 && errno != EEXIST)
			return -1;
		path[i] = dir[i];
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
			"usage: hj_mount mount TYPE SOURCE DIR [OPTS] | "
			"umount DIR | halt\n");
		return 2;
	}
	if (rumpclient_init() == -1)
		return fail("rumpclient_init", "");
	if (strcmp(argv[1], "mount") == 0 && (argc == 5 || argc == 6)) {
		if (mkdirs(argv[4]) == -1)
			return fail("mkdir", argv[4]);
		if (rump_sys_mount(argv[3], argv[4], argv[2], 0,
				   argc == 6 ? argv[5] : "") == -1)
			return fail("mount", argv[4]);
		return 0;
	}
	if (strcmp(argv[1], "umount") == 0 && argc == 3) {
		if (rump_sys_umount2(argv[2], 0) == -1)
			return fail("umount", argv[2]);
		return 0;
	}
	if (strcmp(argv[1], "settle") == 0 && argc == 2) {
		struct rumpclient_stats st;
		int i;

		for (i = 0; i < 400; i++) {
			if (rumpclient_stats(&st) == -1)
				return fail("rumpclient_stats", "");
			if (st.clients <= 1 && st.procs <= 1)
				return 0;
			usleep(50000);
		}
		fprintf(stderr,
			"hj_mount: still %lld clients, %lld processes\n",
			(long long)st.clients, (long long)st.procs);
		return 1;
	}
	if (strcmp(argv[1], "halt") == 0 && argc == 2) {
		/* the connection goes down with the kernel: no answer needed */
		rump_sys_reboot(RUMP_RB_HALT);
		return 0;
	}
	fprintf(stderr, "hj_mount: bad arguments\n");
	return 2;
}
