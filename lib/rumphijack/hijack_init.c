/*
 * hijack_init.c -- start-up of librumphijack: find the host's functions,
 * read RUMPHIJACK, connect to the kernel named by RUMP_SERVER and take
 * over the descriptors an exec handed down.  A program whose server cannot
 * be reached is stopped with a message rather than run against the host,
 * since its paths under the prefix would silently mean something else.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hijack.h"

#define HIJACK_HOSTDEF(name) __typeof__(name) *hijack_host_##name;
HIJACK_HOSTFUNCS(HIJACK_HOSTDEF)
#undef HIJACK_HOSTDEF

__thread int hijack_bypass;

static bool hijack_connected;
/* socket families sent to the kernel, a bit per AF_* below 64 */
static uint64_t hijack_sockfamilies;

static void hijack_resolve_once(void)
{
#define HIJACK_HOSTSYM(name)                                                   \
	hijack_host_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name);
	HIJACK_HOSTFUNCS(HIJACK_HOSTSYM)
#undef HIJACK_HOSTSYM
}

void hijack_resolve(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, hijack_resolve_once);
}

bool hijack_ready(void)
{
	return hijack_connected;
}

bool hijack_socket_routed(int domain)
{
	return domain >= 0 && domain < 64 &&
	       (hijack_sockfamilies & (UINT64_C(1) << domain)) != 0;
}

static void hijack_die(const char *what, const char *detail)
{
	char msg[512];
	int n;

	n = snprintf(msg, sizeof(msg), "librumphijack: %s%s%s\n", what,
		     detail != NULL ? ": " : "", detail != NULL ? detail : "");
	if (n > 0)
		HOST(write)
	(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	_exit(1);
}

/*
 * socket=all:nolocal style: words separated by ':' each adding (all,
 * inet, inet6, unix/local, packet) or removing (no<word>, none) families.
 */
static void hijack_parse_sockets(char *val)
{
	static const struct {
		const char *name;
		int family;
	} names[] = {
		{"inet", AF_INET},  {"inet6", AF_INET6},   {"unix", AF_UNIX},
		{"local", AF_UNIX}, {"packet", AF_PACKET},
	};
	char *word, *save = NULL;

	for (word = strtok_r(val, ":", &save); word != NULL;
	     word = strtok_r(NULL, ":", &save)) {
		bool off = strncmp(word, "no", 2) == 0 &&
			   strcmp(word, "none") != 0;
		const char *name = off ? word + 2 : word;
		uint64_t bits = 0;
		size_t i;

		if (strcmp(name, "all") == 0)
			bits = ~UINT64_C(0);
		else if (strcmp(name, "none") == 0) {
			hijack_sockfamilies = 0;
			continue;
		}
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(name, names[i].name) == 0)
				bits = UINT64_C(1) << names[i].family;
		if (bits == 0)
			hijack_die("RUMPHIJACK: unknown socket family", word);
		if (off)
			hijack_sockfamilies &= ~bits;
		else
			hijack_sockfamilies |= bits;
	}
}

/*
 * RUMPHIJACK=path=/rump,socket=all:nolocal,blanket=/dev/a:/b -- the
 * defaults are NetBSD's: path /rump, every socket family but local.
 */
static void hijack_parse_config(void)
{
	const char *env = getenv("RUMPHIJACK");
	char sockets[] = "all:nolocal";
	char *copy, *item, *save = NULL;
	const char *path = "/rump", *blanket = NULL;

	if (env == NULL) {
		hijack_parse_sockets(sockets);
		hijack_path_config(path, blanket);
		return;
	}
	copy = strdup(env);
	if (copy == NULL)
		hijack_die("out of memory", NULL);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		char *val = strchr(item, '=');

		if (val == NULL)
			hijack_die("RUMPHIJACK: expected key=value", item);
		*val++ = '\0';
		if (strcmp(item, "path") == 0)
			path = val;
		else if (strcmp(item, "socket") == 0)
			hijack_parse_sockets(val);
		else if (strcmp(item, "blanket") == 0)
			blanket = val;
		else
			hijack_die("RUMPHIJACK: unknown key", item);
	}
	if (strstr(env, "socket=") == NULL)
		hijack_parse_sockets(sockets);
	/* the strings stay referenced for the life of the process */
	hijack_path_config(path, blanket);
}

__attribute__((constructor)) static void hijack_init(void)
{
	const char *fds, *cwd;

	hijack_resolve();
	hijack_parse_config();
	if (getenv("RUMP_SERVER") == NULL)
		hijack_die("RUMP_SERVER is not set", NULL);
	if (KCALL(rumpclient_init()) == -1)
		hijack_die("cannot reach the kernel at RUMP_SERVER",
			   strerror(errno));
	fds = getenv("RUMPHIJACK__FDS");
	if (fds != NULL)
		hijack_fd_import(fds);
	cwd = getenv("RUMPHIJACK__CWD");
	hijack_cwd_set(cwd != NULL && strcmp(cwd, "kernel") == 0);
	unsetenv("RUMPHIJACK__FDS");
	unsetenv("RUMPHIJACK__CWD");
	hijack_connected = true;
	hijack_stdio_fixstd();
}
