/*
 * rumpctl -- configure and inspect a rump kernel served by rump_server,
 * with NetBSD's command syntax where it has one (docs/rumpctl.md).  The
 * server is RUMP_SERVER (unix:///path or tcp://addr:port); every
 * subcommand but shmifdump is system calls through librumpclient.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump_syscalls.h>
#include <rump/rumpclient.h>
#include <rump/rumpdefs.h>
#include <rump/shmif.h>
#include <rump/sysctl.h>

#include "rumpctl.h"

static const char usage[] =
	"usage: rumpctl COMMAND [ARGS]   (the kernel is $RUMP_SERVER)\n"
	"  ifconfig -a                    interfaces, addresses, statistics\n"
	"  ifconfig IF                    one interface\n"
	"  ifconfig IF create | destroy\n"
	"  ifconfig IF linkstr STRING     tap name, shmif bus file\n"
	"  ifconfig IF inet ADDR[/PLEN] [netmask MASK] [up] [down] [mtu N]\n"
	"  ifconfig IF up | down | mtu N\n"
	"  route show\n"
	"  route add|change default|NET/PLEN|HOST GATEWAY\n"
	"  route add|change NET/PLEN -iface IF   (directly out of IF)\n"
	"  route delete default|NET/PLEN|HOST\n"
	"  route get ADDR|NET/PLEN           the route a packet takes\n"
	"  route monitor [-c COUNT]          routing socket messages\n"
	"  ping [-c COUNT] ADDR           ICMP echo; status 0 if answered\n"
	"  netstat                        TCP and UDP sockets\n"
	"  arp -a                         the ARP cache\n"
	"  sysctl -a | NAME | NAME=VALUE  kernel values (docs/sysctl.md)\n"
	"  mount -t TYPE [-o ro,OPTS] SOURCE TARGET\n"
	"  umount [-f] TARGET\n"
	"  df [PATH...]                   every mounted file system, or those "
	"of PATHs\n"
	"  halt                           halt the kernel (the server exits)\n"
	"  shmifdump BUS FILE.pcap        a shmif bus to pcap (no server)\n";

int rumpctl_err(const char *what)
{
	fprintf(stderr, "rumpctl: %s: %s\n", what, strerror(errno));
	return 1;
}

void *rumpctl_table(const char *name, size_t *lenp)
{
	size_t len = 0;
	void *buf;

	for (int tries = 0; tries < 8; tries++) {
		if (rump_sys_sysctlbyname(name, NULL, &len, NULL, 0) != 0)
			break;
		len += 4096;
		if ((buf = malloc(len)) == NULL)
			break;
		if (rump_sys_sysctlbyname(name, buf, &len, NULL, 0) == 0) {
			*lenp = len;
			return buf;
		}
		free(buf);
		if (errno != ENOMEM)
			break;
	}
	rumpctl_err(name);
	return NULL;
}

/* Prints a scalar node: an int32 or a string. */
static int sysctl_print(const char *name, int verbose_tables)
{
	char buf[256];
	size_t len = sizeof(buf);

	if (rump_sys_sysctlbyname(name, buf, &len, NULL, 0) != 0) {
		if (errno == ENOMEM && verbose_tables) {
			printf("%s = (table, %zu bytes)\n", name, len);
			return 0;
		}
		return rumpctl_err(name);
	}
	/* The call has no types: 4 bytes that are no 3-letter string are an
	 * int32. */
	if (len == sizeof(int32_t) &&
	    !(buf[3] == '\0' && strlen(buf) == 3 && buf[0] >= ' ' &&
	      buf[1] >= ' ' && buf[2] >= ' ')) {
		int32_t v;

		memcpy(&v, buf, sizeof(v));
		printf("%s = %" PRId32 "\n", name, v);
	} else if (len > 0 && buf[len - 1] == '\0' && strlen(buf) == len - 1) {
		printf("%s = %s\n", name, buf);
	} else {
		printf("%s = (table, %zu bytes)\n", name, len);
	}
	return 0;
}

int rumpctl_sysctl(int argc, char **argv)
{
	char *names, *p, *eq;
	size_t len;
	int rc = 0;

	if (argc == 2 && strcmp(argv[1], "-a") == 0) {
		if ((names = rumpctl_table("sysctl.names", &len)) == NULL)
			return 1;
		for (p = names; p < names + len; p += strlen(p) + 1)
			if (strcmp(p, "sysctl.names") != 0)
				rc |= sysctl_print(p, 1);
		free(names);
		return rc;
	}
	if (argc != 2) {
		fputs(usage, stderr);
		return 2;
	}
	if ((eq = strchr(argv[1], '=')) != NULL) {
		char *end;
		long v = strtol(eq + 1, &end, 0);
		int32_t v32 = (int32_t)v;

		*eq = '\0';
		if (*end != '\0' || end == eq + 1) {
			fprintf(stderr, "rumpctl: sysctl: %s: not a number\n",
				eq + 1);
			return 2;
		}
		if (rump_sys_sysctlbyname(argv[1], NULL, NULL, &v32,
					  sizeof(v32)) != 0)
			return rumpctl_err(argv[1]);
	}
	return sysctl_print(argv[1], 1);
}

static int rumpctl_halt(void)
{
	/* The server exits: the reply may never come. */
	if (rump_sys_reboot(RUMP_RB_HALT) != 0 && errno != ECONNRESET &&
	    errno != EPIPE && errno != ENOTCONN)
		return rumpctl_err("halt");
	return 0;
}

static int rumpctl_shmifdump(int argc, char **argv)
{
	uint64_t n = 0;
	int error;

	if (argc != 3) {
		fputs(usage, stderr);
		return 2;
	}
	if ((error = rump_pub_shmif_dump(argv[1], argv[2], &n)) != 0) {
		errno = error;
		return rumpctl_err(argv[1]);
	}
	printf("%" PRIu64 " frames\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{"ifconfig", rumpctl_ifconfig},
		{"route", rumpctl_route},
		{"ping", rumpctl_ping},
		{"netstat", rumpctl_netstat},
		{"arp", rumpctl_arp},
		{"sysctl", rumpctl_sysctl},
		{"mount", rumpctl_mount},
		{"umount", rumpctl_umount},
		{"df", rumpctl_df},
	};

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "shmifdump") == 0)
		return rumpctl_shmifdump(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		if (rumpclient_init() != 0)
			return rumpctl_err("rumpclient_init ($RUMP_SERVER)");
		return cmds[i].fn(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "halt") == 0) {
		if (rumpclient_init() != 0)
			return rumpctl_err("rumpclient_init ($RUMP_SERVER)");
		return rumpctl_halt();
	}
	fprintf(stderr, "rumpctl: unknown command %s\n%s", argv[1], usage);
	return 2;
}
