/*
 * test_tcp_sock.c -- TCP through the kernel's own socket calls (socreate,
 * soconnect, sosend, soreceive) over lo0: a stream from a kernel thread to
 * the test thread with every byte checked, then both ends closed and, once
 * the TIME_WAIT connection is the only one left, the count of tcpcbs.
 */
#include <netinet/in.h>
#include <netinet/tcp_var.h>
#include <sys/file.h>
#include <sys/socketvar.h>

#include "tcptest.h"
#include "testkern.h"

static uint8_t stream_byte(uint64_t i)
{
	return (uint8_t)(i * 13 + (i >> 10));
}

struct ksender {
	struct socket *so;
	uint64_t size;
	int error;
};

static int kio(struct socket *so, void *buf, size_t len, bool rd, size_t *donep)
{
	struct rump_iovec iov;
	struct uio uio;
	int flags = 0, error;

	iov.iov_base = buf;
	iov.iov_len = len;
	memset(&uio, 0, sizeof(uio));
	uio.uio_iov = &iov;
	uio.uio_iovcnt = 1;
	uio.uio_resid = len;
	uio.uio_rw = rd ? UIO_READ : UIO_WRITE;
	uio.uio_kernelspace = true;
	if (rd)
		error = soreceive(so, NULL, &uio, NULL, &flags, curlwp);
	else
		error = sosend(so, NULL, &uio, NULL, NULL, 0, curlwp);
	*donep = len - uio.uio_resid;
	return error;
}

static void ksender_main(void *arg)
{
	struct ksender *ks = arg;
	uint8_t *buf = kmem_alloc(8192, &M_TEST);
	uint64_t pos = 0;

	if (buf == NULL) {
		ks->error = ENOMEM;
		kthread_exit(0);
	}
	while (pos < ks->size && ks->error == 0) {
		size_t n = (size_t)MIN(ks->size - pos, 1 + pos % 8191), done;
		for (size_t i = 0; i < n; i++)
			buf[i] = stream_byte(pos + i);
		ks->error = kio(ks->so, buf, n, false, &done);
		pos += done;
	}
	kmem_free(buf, 8192, &M_TEST);
	if (ks->error == 0)
		ks->error = soshutdown(ks->so, SHUT_WR);
	kthread_exit(0);
}

static int tcp_kstream_body(uint64_t size)
{
	int start = test_failures;
	struct socket *ls = NULL, *cs = NULL, *ss = NULL;
	struct sockaddr_storage addr, peer;
	struct sockaddr_in *sin = (struct sockaddr_in *)&addr;
	struct ksender ks;
	struct lwp *l;
	uint8_t *buf = NULL;
	uint64_t pos = 0;
	int error;

	memset(&addr, 0, sizeof(addr));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!TCHECK(socreate(AF_INET, &ls, SOCK_STREAM, 0, curlwp) == 0))
		goto out;
	TCHECK(sobind(ls, (struct sockaddr *)sin, curlwp) == 0);
	TCHECK(solisten(ls, 4, curlwp) == 0);
	TCHECK(sogetaddr(ls, false, &addr) == 0);
	TCHECK(sin->sin_port != 0);
	if (!TCHECK(socreate(AF_INET, &cs, SOCK_STREAM, 0, curlwp) == 0))
		goto out;
	error = soconnect(cs, (struct sockaddr *)sin, false, curlwp);
	if (!TCHECK(error == 0)) {
		printf("soconnect: %d\n", error);
		goto out;
	}
	memset(&peer, 0, sizeof(peer));
	if (!TCHECK(soaccept_next(ls, false, &ss, (struct sockaddr *)&peer) ==
		    0))
		goto out;
	buf = kmem_alloc(65536, &M_TEST);
	if (!TCHECK(buf != NULL))
		goto out;
	ks.so = cs;
	ks.size = size;
	ks.error = 0;
	if (!TCHECK(tspawn(ksender_main, &ks, &l, "tcpsend") == 0))
		goto out;
	for (;;) {
		size_t done;
		error = kio(ss, buf, 65536, true, &done);
		if (error != 0 || done == 0)
			break;
		for (size_t i = 0; i < done; i++)
			if (buf[i] != stream_byte(pos + i)) {
				TCHECK(!"stream byte differs");
				break;
			}
		pos += done;
	}
	TCHECK(error == 0);
	tjoin(l);
	TCHECK(ks.error == 0);
	TCHECK(pos == size);
out:
	if (buf != NULL)
		kmem_free(buf, 65536, &M_TEST);
	if (ss != NULL)
		soclose(ss);
	if (cs != NULL)
		soclose(cs);
	if (ls != NULL)
		soclose(ls);
	return TRESULT(start);
}

int rump_test_tcp_kstream(uint64_t size)
{
	int error;

	rump_schedule();
	error = tcp_kstream_body(size);
	rump_unschedule();
	return error;
}
