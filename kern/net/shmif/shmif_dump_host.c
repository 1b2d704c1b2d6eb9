/*
 * shmif_dump_host.c -- rump_pub_shmif_dump (<rump/shmif.h>): a shmif bus
 * file to a pcap file, without a kernel.  The frames still in the ring
 * are copied out under the bus lock (taken with this process's pid, and
 * taken over if its holder died, as the kernels do), so the dump is one
 * consistent snapshot and the kernels on the bus wait only for a memcpy.
 * The pcap file has nanosecond timestamps and the Ethernet link type.
 */
#include <rump/shmif.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define PCAP_LINKTYPE_ETHERNET 1u

struct shmif_pcap_filehdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct shmif_pcap_rechdr {
	uint32_t sec, nsec, caplen, len;
};

static void shmif_dump_lock(struct shmif_bus_header *hdr)
{
	uint32_t me = (uint32_t)getpid();

	for (unsigned spins = 1;; spins++) {
		uint32_t holder = 0;

		if (__atomic_compare_exchange_n(&hdr->sb_lock, &holder, me,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		if (spins % 64 == 0)
			sched_yield();
		if (spins % 4096 == 0 &&
		    (holder > 0x7fffffffu ||
		     (kill((pid_t)holder, 0) != 0 && errno == ESRCH)) &&
		    __atomic_compare_exchange_n(&hdr->sb_lock, &holder, me,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
	}
}

/*
 * Copies the valid part of the ring, oldest byte first, into a buffer of
 * *lenp bytes.  EIO if the header's offsets are inconsistent.
 */
static int shmif_dump_snapshot(struct shmif_bus_header *hdr, uint8_t **bufp,
			       uint64_t *lenp)
{
	const uint8_t *ring = (const uint8_t *)hdr + SHMIF_HDR_SIZE;
	uint64_t size = hdr->sb_ringsize, first, next, len, pos, part;
	uint8_t *buf;
	int error = 0;

	shmif_dump_lock(hdr);
	first = __atomic_load_n(&hdr->sb_first, __ATOMIC_RELAXED);
	next = __atomic_load_n(&hdr->sb_next, __ATOMIC_RELAXED);
	len = next - first;
	if (first > next || len > size) {
		error = EIO;
	} else if ((buf = malloc(len + 1)) == NULL) {
		error = ENOMEM;
	} else {
		pos = first % size;
		part = size - pos < len ? size - pos : len;
		memcpy(buf, ring + pos, part);
		memcpy(buf + part, ring, len - part);
		*bufp = buf;
		*lenp = len;
	}
	__atomic_store_n(&hdr->sb_lock, 0, __ATOMIC_RELEASE);
	return error;
}

/* Writes the frames of a snapshot; EIO at the first malformed one. */
static int shmif_dump_frames(FILE *f, const uint8_t *buf, uint64_t len,
			     uint64_t *nframesp)
{
	uint64_t off = 0;

	while (off < len) {
		struct shmif_frame_header fh;
		struct shmif_pcap_rechdr rh;

		if (len - off < sizeof(fh))
			return EIO;
		memcpy(&fh, buf + off, sizeof(fh));
		if (fh.sf_len > SHMIF_FRAME_MAX ||
		    SHMIF_FRAME_SPACE(fh.sf_len) > len - off)
			return EIO;
		rh.sec = (uint32_t)(fh.sf_time_ns / 1000000000u);
		rh.nsec = (uint32_t)(fh.sf_time_ns % 1000000000u);
		rh.caplen = rh.len = fh.sf_len;
		if (fwrite(&rh, sizeof(rh), 1, f) != 1 ||
		    (fh.sf_len > 0 &&
		     fwrite(buf + off + sizeof(fh), fh.sf_len, 1, f) != 1))
			return errno != 0 ? errno : EIO;
		(*nframesp)++;
		off += SHMIF_FRAME_SPACE(fh.sf_len);
	}
	return 0;
}

int rump_pub_shmif_dump(const char *busfile, const char *pcapfile,
			uint64_t *nframesp)
{
	struct shmif_pcap_filehdr ph = {.magic = PCAP_MAGIC_NSEC,
					.major = 2,
					.minor = 4,
					.snaplen = SHMIF_FRAME_MAX,
					.linktype = PCAP_LINKTYPE_ETHERNET};
	struct shmif_bus_header hdr, *map;
	uint64_t n = 0, len = 0;
	uint8_t *buf = NULL;
	struct stat st;
	size_t maplen;
	FILE *f;
	int fd, error;

	if (busfile == NULL || pcapfile == NULL)
		return EINVAL;
	if ((fd = open(busfile, O_RDWR | O_CLOEXEC)) < 0)
		return errno;
	if (fstat(fd, &st) != 0 ||
	    pread(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    hdr.sb_magic != SHMIF_MAGIC || hdr.sb_version != SHMIF_VERSION ||
	    hdr.sb_hdrsize != SHMIF_HDR_SIZE ||
	    hdr.sb_ringsize < SHMIF_RING_MIN ||
	    hdr.sb_ringsize > SHMIF_RING_MAX ||
	    st.st_size < (off_t)SHMIF_HDR_SIZE + (off_t)hdr.sb_ringsize) {
		close(fd);
		return EINVAL;
	}
	maplen = (size_t)SHMIF_HDR_SIZE + hdr.sb_ringsize;
	map = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	error = map == MAP_FAILED ? errno : 0;
	close(fd);
	if (error != 0)
		return error;
	error = shmif_dump_snapshot(map, &buf, &len);
	munmap(map, maplen);
	if (error != 0)
		return error;
	if ((f = fopen(pcapfile, "we")) == NULL) {
		error = errno;
		free(buf);
		return error;
	}
	errno = 0;
	if (fwrite(&ph, sizeof(ph), 1, f) != 1)
		error = errno != 0 ? errno : EIO;
	else
		error = shmif_dump_frames(f, buf, len, &n);
	if (fclose(f) != 0 && error == 0)
		error = errno;
	free(buf);
	if (nframesp != NULL)
		*nframesp = n;
	return error;
}
