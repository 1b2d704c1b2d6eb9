/*
 * rump_server -- boot a rump kernel with the chosen components and serve
 * it to remote clients (librumpclient, librumphijack, rumpctl) at a URL
 * until a client halts it.  Components are shared libraries loaded before
 * the boot (every one that was built unless -l names some); -d attaches
 * host files as devices (etfs).  Without -s it detaches into the
 * background, but only after the kernel booted and the socket listens, so
 * the shell sees a boot failure as the exit status.  docs/remote.md.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rump/rump.h>

#ifndef RUMP_SERVER_COMPONENTS
#define RUMP_SERVER_COMPONENTS ""
#endif

#define MAXDISKS 64
#define MAXCOMPS 64

struct disk {
	char *key, *hostpath;
	uint64_t size;
	enum rump_etfs_type type;
};

static const char usage[] =
	"usage: rump_server [-s] [-v] [-c ncpu] [-r memlimit] [-l "
	"component]...\n"
	"                   [-d "
	"key=/dev/xxx,hostpath=FILE[,size=N][,type=blk|chr|reg]]...\n"
	"                   [-A] URL\n"
	"\n"
	"  URL      unix://relative/path, unix:///absolute/path or "
	"tcp://addr:port\n"
	"  -c N     virtual CPUs (RUMP_NCPU)\n"
	"  -r SIZE  memory limit with k/m/g suffix (RUMP_MEMLIMIT)\n"
	"  -l LIB   load component library LIB (e.g. rumpfs_ext2fs); "
	"repeatable;\n"
	"           without -l every built component is loaded\n"
	"  -d SPEC  attach host file FILE as device KEY (size in bytes, "
	"k/m/g;\n"
	"           type blk by default)\n"
	"  -A       allow a TCP address that is not loopback (anyone who can\n"
	"           connect is root inside the kernel)\n"
	"  -s       stay in the foreground\n"
	"  -v       verbose boot messages (RUMP_VERBOSE=1)\n"
	"Halt the server with a client's rump_sys_reboot() (rumpctl halt);\n"
	"SIGTERM ends it at once, without a clean shutdown.\n";

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		end++;
		break;
	}
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int parse_disk(char *spec, struct disk *d)
{
	char *save = NULL;

	memset(d, 0, sizeof(*d));
	d->size = RUMP_ETFS_SIZE_ENDOFF;
	d->type = RUMP_ETFS_BLK;
	for (char *opt = strtok_r(spec, ",", &save); opt != NULL;
	     opt = strtok_r(NULL, ",", &save)) {
		char *val = strchr(opt, '=');
		if (val == NULL)
			return -1;
		*val++ = '\0';
		if (strcmp(opt, "key") == 0)
			d->key = val;
		else if (strcmp(opt, "hostpath") == 0)
			d->hostpath = val;
		else if (strcmp(opt, "size") == 0) {
			if (strcmp(val, "host") != 0 &&
			    parse_size(val, &d->size) != 0)
				return -1;
		} else if (strcmp(opt, "type") == 0) {
			if (strcmp(val, "blk") == 0)
				d->type = RUMP_ETFS_BLK;
			else if (strcmp(val, "chr") == 0)
				d->type = RUMP_ETFS_CHR;
			else if (strcmp(val, "reg") == 0)
				d->type = RUMP_ETFS_REG;
			else
				return -1;
		} else
			return -1;
	}
	return d->key != NULL && d->hostpath != NULL ? 0 : -1;
}

/* Load component library lib<name>.so (its constructor registers it). */
static int load_component(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "lib%s.so", name);
	if (dlopen(path, RTLD_NOW | RTLD_GLOBAL) == NULL) {
		fprintf(stderr, "rump_server: cannot load %s: %s\n", name,
			dlerror());
		return -1;
	}
	return 0;
}

/* Boot and listen; 0 or a message in msg. */
static int serve(const char *url, int flags, struct disk *disks, int ndisks,
		 char *msg, size_t msglen)
{
	int (*reg)(const char *, const char *, enum rump_etfs_type, uint64_t,
		   uint64_t);
	int error;

	if ((error = rump_init()) != 0) {
		snprintf(msg, msglen, "kernel boot failed: %s",
			 strerror(error));
		return -1;
	}
	reg = (int (*)(const char *, const char *, enum rump_etfs_type,
		       uint64_t,
		       uint64_t))dlsym(RTLD_DEFAULT,
				       "rump_pub_etfs_register_withsize");
	for (int i = 0; i < ndisks; i++) {
		if (reg == NULL) {
			snprintf(msg, msglen, "-d needs the VFS (rumpvfs)");
			return -1;
		}
		error = reg(disks[i].key, disks[i].hostpath, disks[i].type, 0,
			    disks[i].size);
		if (error != 0) {
			snprintf(msg, msglen, "-d %s: %s", disks[i].key,
				 strerror(error));
			return -1;
		}
	}
	if ((error = rump_init_server_flags(url, flags)) != 0) {
		snprintf(msg, msglen, "cannot serve %s: %s", url,
			 strerror(error));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct disk disks[MAXDISKS];
	const char *comps[MAXCOMPS];
	int ndisks = 0, ncomps = 0, flags = 0, foreground = 0, ch;
	int pfd[2] = {-1, -1}, sig;
	char msg[512] = "";
	sigset_t stop;
	uint64_t v;

	if (argc == 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	while ((ch = getopt(argc, argv, "Ac:d:l:r:sv")) != -1) {
		switch (ch) {
		case 'A':
			flags |= RUMP_SERVER_ANYADDR;
			break;
		case 'c':
			if (parse_size(optarg, &v) != 0 || v < 1 || v > 64) {
				fprintf(stderr, "rump_server: -c takes 1-64\n");
				return 1;
			}
			setenv("RUMP_NCPU", optarg, 1);
			break;
		case 'r':
			if (parse_size(optarg, &v) != 0) {
				fprintf(stderr,
					"rump_server: bad -r size '%s'\n",
					optarg);
				return 1;
			}
			setenv("RUMP_MEMLIMIT", optarg, 1);
			break;
		case 'd':
			if (ndisks == MAXDISKS ||
			    parse_disk(optarg, &disks[ndisks]) != 0) {
				fprintf(stderr, "rump_server: bad -d '%s'\n%s",
					optarg, usage);
				return 1;
			}
			ndisks++;
			break;
		case 'l':
			if (ncomps == MAXCOMPS) {
				fprintf(stderr, "rump_server: too many -l\n");
				return 1;
			}
			comps[ncomps++] = optarg;
			break;
		case 's':
			foreground = 1;
			break;
		case 'v':
			setenv("RUMP_VERBOSE", "1", 1);
			break;
		default:
			fputs(usage, stderr);
			return 1;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return 1;
	}
	if (ncomps == 0) {
		static char all[] = RUMP_SERVER_COMPONENTS;
		char *save = NULL;
		for (char *c = strtok_r(all, " ", &save);
		     c != NULL && ncomps < MAXCOMPS;
		     c = strtok_r(NULL, " ", &save))
			comps[ncomps++] = c;
	}
	for (int i = 0; i < ncomps; i++)
		if (load_component(comps[i]) != 0)
			return 1;

	if (!foreground) {
		pid_t pid;
		char c;

		if (pipe(pfd) < 0 || (pid = fork()) < 0) {
			perror("rump_server");
			return 1;
		}
		if (pid > 0) {
			/* Wait for the child's word: booted, or why not. */
			ssize_t n;
			close(pfd[1]);
			n = read(pfd[0], msg, sizeof(msg) - 1);
			if (n > 0 && msg[0] == '\0')
				return 0;
			if (n <= 0)
				snprintf(msg, sizeof(msg),
					 "the server died while booting");
			else
				msg[n] = '\0';
			fprintf(stderr, "rump_server: %s\n", msg);
			return 1;
		}
		close(pfd[0]);
		setsid();
		(void)c;
	}
	signal(SIGPIPE, SIG_IGN);
	/* SIGTERM, SIGINT and SIGHUP end the server in main (below); every
	 * thread started from here on inherits the mask. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	if (serve(argv[optind], flags, disks, ndisks, msg, sizeof(msg)) != 0) {
		if (foreground) {
			fprintf(stderr, "rump_server: %s\n", msg);
		} else
			(void)!write(pfd[1], msg, strlen(msg));
		return 1;
	}
	if (!foreground) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			if (getenv("RUMP_VERBOSE") == NULL)
				dup2(null, 2);
			if (null > 2)
				close(null);
		}
		(void)!write(pfd[1], "", 1);
		close(pfd[1]);
	}
	/* A signal ends the server without a clean shutdown of the kernel
	 * (a client's halt is the clean way); the socket goes with it. */
	while (sigwait(&stop, &sig) != 0)
		;
	if (strncmp(argv[optind], "unix://", 7) == 0)
		unlink(argv[optind] + 7);
	_exit(0);
}
