/*
 * sys/sysctl.h -- the kernel's named nodes for sysctlbyname(2)
 * (<rump/sysctl.h> lists them, docs/sysctl.md describes the call).  A
 * component registers a static array of nodes at init and unregisters it
 * at fini; a node is an int (optionally writable, with a range), a
 * read-only string, or a function that appends records to the request.
 */
#ifndef RUMPKERN_SYS_SYSCTL_H_
#define RUMPKERN_SYS_SYSCTL_H_
#include <sys/mutex.h>
#include <sys/types.h>

enum sysctl_type { SYSCTL_INT, SYSCTL_STRING, SYSCTL_FUNC };

/* What a SYSCTL_FUNC node appends to (sysctl_out). */
struct sysctl_req {
	uint8_t *sr_buf; /* kernel buffer of sr_cap bytes, or NULL */
	size_t sr_cap;
	size_t sr_len; /* bytes the records need, also beyond sr_cap */
};

struct sysctl_node {
	const char *sn_name; /* "net.inet.ip.forwarding" */
	enum sysctl_type sn_type;
	bool sn_writable;      /* SYSCTL_INT only */
	kmutex_t *sn_lock;     /* held to read or write sn_int, or NULL */
	int sn_min, sn_max;    /* a writable int's range */
	int *sn_int;	       /* SYSCTL_INT */
	const char *sn_string; /* SYSCTL_STRING */
	int (*sn_func)(struct sysctl_req *req); /* SYSCTL_FUNC */
};

/*
 * Registers n nodes (the array must outlive the registration).  EEXIST
 * if a name is taken, ENOSPC past the registry's size.
 */
int sysctl_register(const struct sysctl_node *nodes, int n);
void sysctl_unregister(const struct sysctl_node *nodes);
/* Appends len bytes to the request (counted even when they do not fit). */
void sysctl_out(struct sysctl_req *req, const void *p, size_t len);
#endif
