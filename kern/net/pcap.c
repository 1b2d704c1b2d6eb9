/*
 * pcap.c -- the capture file writer.  Each captured interface has a
 * writer on its capture hook; the hook copies the frame (up to the
 * snapshot length) behind a record header into the writer's buffer and
 * appends it to the host file with one write hypercall.  Interfaces being
 * detached stop their capture through an interface event hook.
 */
#include <net/if.h>
#include <net/pcap.h>
#include <rump/rumpuser.h>
#include <sys/errno.h>
#include <sys/kmem.h>
#include <sys/mbuf.h>
#include <sys/socketvar.h>
#include <sys/systm.h>
#include <sys/time.h>

static KMEM_TYPE_DEFINE(M_PCAP, "pcap");

struct pcap_file_header {
	uint32_t magic;
	uint16_t version_major, version_minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};
struct pcap_record_header {
	uint32_t ts_sec, ts_frac, incl_len, orig_len;
};
#define PCAP_MAGIC_NSEC 0xa1b23c4d

struct pcap_writer {
	struct list_node pw_node;
	struct ifnet *pw_ifp;
	int pw_fd;
	uint64_t pw_offset;
	uint64_t pw_written, pw_lost;
	uint8_t *pw_buf; /* record header + snapshot */
};
#define PCAP_BUFSIZE (sizeof(struct pcap_record_header) + PCAP_SNAPLEN)

static struct list_head pcap_writers = LIST_HEAD_INIT(pcap_writers);

static int pcap_write(struct pcap_writer *pw, void *buf, size_t len)
{
	struct rumpuser_iovec iov = {.iov_base = buf, .iov_len = len};
	size_t done = 0;
	int error;

	error = rumpuser_iovwrite(pw->pw_fd, &iov, 1, (int64_t)pw->pw_offset,
				  &done);
	if (error == 0 && done != len)
		error = EIO;
	if (error == 0)
		pw->pw_offset += len;
	return error;
}

/* The capture hook: called under the interface's tap lock. */
static void pcap_tap(void *arg, struct ifnet *ifp, struct mbuf *m,
		     enum if_tap_dir dir)
{
	struct pcap_writer *pw = arg;
	struct pcap_record_header *rh = (void *)pw->pw_buf;
	struct timespec ts;
	int len = m->m_pkthdr.len, caplen = MIN(len, PCAP_SNAPLEN);

	getnanotime(&ts);
	rh->ts_sec = (uint32_t)ts.tv_sec;
	rh->ts_frac = (uint32_t)ts.tv_nsec;
	rh->incl_len = (uint32_t)caplen;
	rh->orig_len = (uint32_t)len;
	m_copydata(m, 0, caplen, rh + 1);
	if (pcap_write(pw, pw->pw_buf, sizeof(*rh) + (size_t)caplen) == 0)
		pw->pw_written++;
	else
		pw->pw_lost++;
}

static struct pcap_writer *pcap_find(struct ifnet *ifp)
{
	list_foreach(it, &pcap_writers)
	{
		struct pcap_writer *pw =
			list_entry(it, struct pcap_writer, pw_node);
		if (pw->pw_ifp == ifp)
			return pw;
	}
	return NULL;
}

int pcap_attach(struct ifnet *ifp, const char *path)
{
	struct pcap_file_header fh = {
		.magic = PCAP_MAGIC_NSEC,
		.version_major = 2,
		.version_minor = 4,
		.snaplen = PCAP_SNAPLEN,
		.linktype = ifp->if_type == IFT_ETHER ? PCAP_LINKTYPE_ETHERNET
						      : PCAP_LINKTYPE_RAW,
	};
	struct pcap_writer *pw;
	int error;

	KASSERT(mutex_owned(&softnet_lock));
	if (pcap_find(ifp) != NULL)
		return EBUSY;
	pw = kmem_zalloc(sizeof(*pw), &M_PCAP);
	if (pw == NULL)
		return ENOMEM;
	pw->pw_buf = kmem_alloc(PCAP_BUFSIZE, &M_PCAP);
	if (pw->pw_buf == NULL) {
		kmem_free(pw, sizeof(*pw), &M_PCAP);
		return ENOMEM;
	}
	error = rumpuser_open(path, RUMPUSER_OPEN_WRONLY | RUMPUSER_OPEN_CREATE,
			      &pw->pw_fd);
	if (error == 0) {
		error = pcap_write(pw, &fh, sizeof(fh));
		if (error != 0)
			rumpuser_close(pw->pw_fd);
	}
	if (error != 0) {
		kmem_free(pw->pw_buf, PCAP_BUFSIZE, &M_PCAP);
		kmem_free(pw, sizeof(*pw), &M_PCAP);
		return error;
	}
	pw->pw_ifp = ifp;
	list_push_back(&pcap_writers, &pw->pw_node);
	if_tap_set(ifp, pcap_tap, pw);
	return 0;
}

bool pcap_busy(struct ifnet *ifp)
{
	return pcap_find(ifp) != NULL;
}

int pcap_detach(struct ifnet *ifp)
{
	struct pcap_writer *pw;

	KASSERT(mutex_owned(&softnet_lock));
	pw = pcap_find(ifp);
	if (pw == NULL)
		return ENOENT;
	/* After this no hook call is running or will start. */
	if_tap_set(ifp, NULL, NULL);
	list_remove(&pw->pw_node);
	(void)rumpuser_syncfd(pw->pw_fd, RUMPUSER_SYNCFD_WRITE, 0, 0);
	rumpuser_close(pw->pw_fd);
	kmem_free(pw->pw_buf, PCAP_BUFSIZE, &M_PCAP);
	kmem_free(pw, sizeof(*pw), &M_PCAP);
	return 0;
}

int pcap_stats(struct ifnet *ifp, uint64_t *writtenp, uint64_t *lostp)
{
	struct pcap_writer *pw = pcap_find(ifp);

	if (pw == NULL)
		return ENOENT;
	mutex_enter(&ifp->if_tap_lock);
	*writtenp = pw->pw_written;
	*lostp = pw->pw_lost;
	mutex_exit(&ifp->if_tap_lock);
	return 0;
}

static void pcap_ifevent(struct ifnet *ifp, enum if_event ev)
{
	if (ev == IF_EVENT_DETACH)
		(void)pcap_detach(ifp);
}

void pcap_init(void)
{
	if_event_register(pcap_ifevent);
}

void pcap_fini(void)
{
	if_event_unregister(pcap_ifevent);
}
