/*
 * cmsg.c -- control messages (sendmsg, recvmsg) between the host's
 * layout (struct cmsghdr, CMSG_ALIGN of the host) and the kernel's
 * (struct rump_cmsghdr: 16-byte header, 8-byte alignment).  Levels and
 * types are translated by name: SOL_SOCKET and SCM_RIGHTS, whose data (32-bit
 * descriptors) is the same on both sides.  Other levels pass as they are;
 * other SOL_SOCKET types become a type the kernel refuses (EINVAL).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rump/rumpdefs.h>
#include <rump/rumphost.h>

/* A SOL_SOCKET type the kernel has no use for. */
#define KTYPE_UNKNOWN 0x7fffffff

size_t rumphost_cmsg_kernsize(const void *host, size_t hostlen)
{
	const unsigned char *p = host;
	size_t off = 0, need = 0;

	while (host != NULL && off + sizeof(struct cmsghdr) <= hostlen) {
		const struct cmsghdr *cm = (const struct cmsghdr *)(p + off);
		size_t len = cm->cmsg_len;

		if (len < sizeof(*cm) || len > hostlen - off)
			break;
		need += RUMP_CMSG_SPACE(len - sizeof(*cm));
		off += CMSG_ALIGN(len);
	}
	return need;
}

int rumphost_cmsg_to_kernel(const void *host, size_t hostlen, void *kernel,
			    size_t kernsize, size_t *kernlen)
{
	const unsigned char *p = host;
	unsigned char *k = kernel;
	size_t off = 0, koff = 0;

	while (off + sizeof(struct cmsghdr) <= hostlen) {
		const struct cmsghdr *cm = (const struct cmsghdr *)(p + off);
		struct rump_cmsghdr kcm;
		size_t len = cm->cmsg_len, dlen;

		if (len < sizeof(*cm) || len > hostlen - off)
			return EINVAL;
		dlen = len - sizeof(*cm);
		if (koff + RUMP_CMSG_SPACE(dlen) > kernsize)
			return ENOBUFS;
		kcm.cmsg_len = RUMP_CMSG_LEN(dlen);
		kcm.cmsg_level = cm->cmsg_level;
		kcm.cmsg_type = cm->cmsg_type;
		if (cm->cmsg_level == SOL_SOCKET) {
			kcm.cmsg_level = RUMP_SOL_SOCKET;
			kcm.cmsg_type = cm->cmsg_type == SCM_RIGHTS
						? RUMP_SCM_RIGHTS
						: KTYPE_UNKNOWN;
		}
		memset(k + koff, 0, RUMP_CMSG_SPACE(dlen));
		memcpy(k + koff, &kcm, sizeof(kcm));
		memcpy(k + koff + sizeof(kcm), CMSG_DATA(cm), dlen);
		koff += RUMP_CMSG_SPACE(dlen);
		off += CMSG_ALIGN(len);
	}
	*kernlen = koff;
	return 0;
}

int rumphost_cmsg_to_host(const void *kernel, size_t kernlen, void *host,
			  size_t hostsize, size_t *hostlen, int *truncp)
{
	const unsigned char *k = kernel;
	unsigned char *h = host;
	size_t koff = 0, off = 0;

	while (koff + sizeof(struct rump_cmsghdr) <= kernlen) {
		struct rump_cmsghdr kcm;
		struct cmsghdr cm;
		size_t dlen, take;

		memcpy(&kcm, k + koff, sizeof(kcm));
		if (kcm.cmsg_len < sizeof(kcm) || kcm.cmsg_len > kernlen - koff)
			break;
		dlen = kcm.cmsg_len - sizeof(kcm);
		if (off + sizeof(cm) > hostsize) {
			*truncp = 1;
			break;
		}
		take = dlen;
		if (off + CMSG_LEN(dlen) > hostsize) {
			take = hostsize - off - sizeof(cm);
			*truncp = 1;
		}
		memset(&cm, 0, sizeof(cm));
		cm.cmsg_len = CMSG_LEN(take);
		cm.cmsg_level = kcm.cmsg_level;
		cm.cmsg_type = kcm.cmsg_type;
		if (kcm.cmsg_level == RUMP_SOL_SOCKET) {
			cm.cmsg_level = SOL_SOCKET;
			if (kcm.cmsg_type == RUMP_SCM_RIGHTS)
				cm.cmsg_type = SCM_RIGHTS;
		}
		memcpy(h + off, &cm, sizeof(cm));
		memcpy(h + off + sizeof(cm), k + koff + sizeof(kcm), take);
		off += CMSG_SPACE(take) <= hostsize - off ? CMSG_SPACE(take)
							  : hostsize - off;
		koff += RUMP_CMSG_ALIGN(kcm.cmsg_len);
	}
	*hostlen = off;
	return 0;
}
