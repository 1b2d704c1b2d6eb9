/*
 * uio.c -- moving data between kernel buffers and the scatter/gather
 * vectors of a read or write.  A uio describes what is left to move; each
 * uiomove advances it, and a bad process address stops it with EFAULT
 * after the bytes that could be moved (never a crash).  Process memory is
 * reached through copyin/copyout, kernel memory (uio_kernelspace) directly.
 */
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/systm.h>

static KMEM_TYPE_DEFINE(M_IOV, "iovec");

int uiomove(void *kbuf, size_t n, struct uio *uio)
{
	char *cp = kbuf;
	int error = 0;

	while (n > 0 && uio->uio_resid > 0) {
		struct rump_iovec *iov = uio->uio_iov;
		size_t cnt;

		KASSERT(uio->uio_iovcnt > 0);
		if (iov->iov_len == 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		cnt = (size_t)MIN((uint64_t)n, iov->iov_len);
		cnt = MIN(cnt, uio->uio_resid);
		if (uio->uio_kernelspace) {
			if (uio->uio_rw == UIO_READ)
				memcpy(iov->iov_base, cp, cnt);
			else
				memcpy(cp, iov->iov_base, cnt);
		} else if (uio->uio_rw == UIO_READ)
			error = copyout(cp, iov->iov_base, cnt);
		else
			error = copyin(iov->iov_base, cp, cnt);
		if (error != 0)
			break;
		iov->iov_base = (char *)iov->iov_base + cnt;
		iov->iov_len -= cnt;
		uio->uio_resid -= cnt;
		uio->uio_offset += (off_t)cnt;
		cp += cnt;
		n -= cnt;
	}
	return error;
}

int iovec_copyin(const struct rump_iovec *uiov, int iovcnt,
		 struct rump_iovec **iovp, size_t *totalp)
{
	struct rump_iovec *iov;
	uint64_t total = 0;
	size_t size;
	int error;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return EINVAL;
	*iovp = NULL;
	*totalp = 0;
	if (iovcnt == 0)
		return 0;
	size = sizeof(*iov) * (size_t)iovcnt;
	if ((iov = kmem_alloc(size, &M_IOV)) == NULL)
		return ENOMEM;
	if ((error = copyin(uiov, iov, size)) != 0) {
		kmem_free(iov, size, &M_IOV);
		return error;
	}
	for (int i = 0; i < iovcnt; i++) {
		/* A length that is negative as ssize_t, or a sum past it. */
		if (iov[i].iov_len > (uint64_t)INT64_MAX ||
		    total + iov[i].iov_len > (uint64_t)INT64_MAX) {
			kmem_free(iov, size, &M_IOV);
			return EINVAL;
		}
		/* On a 32-bit kernel an address above 4 GiB is no address. */
		if (sizeof(void *) < 8 && (iov[i].iov_base64 >> 32) != 0) {
			kmem_free(iov, size, &M_IOV);
			return EFAULT;
		}
		total += iov[i].iov_len;
	}
	/* A long request moves MAX_RW_COUNT bytes, as Linux does. */
	if (total > MAX_RW_COUNT) {
		uint64_t left = MAX_RW_COUNT;
		for (int i = 0; i < iovcnt; i++) {
			iov[i].iov_len = MIN(iov[i].iov_len, left);
			left -= iov[i].iov_len;
		}
		total = MAX_RW_COUNT;
	}
	*iovp = iov;
	*totalp = (size_t)total;
	return 0;
}

void iovec_free(struct rump_iovec *iov, int iovcnt)
{
	if (iov != NULL)
		kmem_free(iov, sizeof(*iov) * (size_t)iovcnt, &M_IOV);
}

void uio_setup(struct uio *uio, struct rump_iovec *iov, int iovcnt,
	       size_t total, off_t offset, enum uio_rw rw)
{
	uio->uio_iov = iov;
	uio->uio_iovcnt = iovcnt;
	uio->uio_offset = offset;
	uio->uio_resid = total;
	uio->uio_rw = rw;
	uio->uio_kernelspace = false;
}
