/*
 * rumpctl.h -- what the parts of rumpctl share: the subcommands (each
 * takes its own argc/argv, argv[0] being the subcommand's name, and
 * returns the exit status), reading a sysctl table, and a message helper.
 */
#ifndef RUMPCTL_H_
#define RUMPCTL_H_
#include <stddef.h>
#include <stdint.h>

int rumpctl_ifconfig(int argc, char **argv);
int rumpctl_route(int argc, char **argv);
int rumpctl_ping(int argc, char **argv);
int rumpctl_netstat(int argc, char **argv);
int rumpctl_arp(int argc, char **argv);
int rumpctl_sysctl(int argc, char **argv);
int rumpctl_mount(int argc, char **argv);
int rumpctl_umount(int argc, char **argv);
int rumpctl_df(int argc, char **argv);

/* The node's value in a malloc'd buffer (*lenp bytes), or NULL + message. */
void *rumpctl_table(const char *name, size_t *lenp);
/* "rumpctl: <what>: <strerror(errno)>" on stderr; returns 1. */
int rumpctl_err(const char *what);
/*
 * "10.0.0.0/8", "10.1.2.3" (a /32) or "default" into an address and a
 * mask in network order; 0, or -1 for anything else.
 */
int rumpctl_parse_prefix(const char *s, uint32_t *addrp, uint32_t *maskp);

/* One bit of a flags word and the name rumpctl prints for it. */
struct rumpctl_flagname {
	uint32_t bit;
	const char *name;
};
/* The names of the bits set in f, comma-separated, into buf; returns buf. */
const char *rumpctl_flags(uint32_t f, const struct rumpctl_flagname *names,
			  size_t n, char *buf, size_t len);
#endif
